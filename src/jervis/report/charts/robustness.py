"""How robust: the lead method and the VAR refitted under every reasonable modelling choice."""

from __future__ import annotations

import re
from typing import Any

from jervis.report.base import METHOD_NAMES, Chart, NotApplicable, ReportContext, spec

# Diverging brown-teal (ColorBrewer BrBG, colour-blind safe); strength = significance.
CALLS = {  # in legend order: two columns, fewer | more
    "significantly fewer after": "#01665e",
    "significantly more after": "#8c510a",
    "fewer after (not significant)": "#9fd6cc",
    "more after (not significant)": "#e7c98a",
    "no estimate": "#eeeeee",
}
NO_GRID = "this verdict carries no robustness grid (its analysis did not compute one)"
DARK = {"significantly fewer after", "significantly more after"}


def _call(row: dict[str, Any]) -> str:
    if not row.get("applicable") or row.get("estimate") is None:
        return "no estimate"
    way = row.get("direction")
    if way not in ("deters", "provokes"):
        return "no estimate"
    word = "fewer after" if way == "deters" else "more after"
    return f"significantly {word}" if row.get("significant") else f"{word} (not significant)"


def _lags(row: dict[str, Any]) -> str:
    found = re.search(r"lags (aic|bic|\d+ d)", str(row.get("specification", "")))
    if not found:
        return str(row.get("specification", "?"))
    value = found.group(1)
    return value.upper() if value in ("aic", "bic") else value.replace(" d", " days")


def _horizon(row: dict[str, Any]) -> str:
    """The response window the specification's model sees: in days for day bins, in whole
    weeks for week bins (3 and 7 days are both one week there, and counted once)."""
    found = re.search(r"horizon (\d+) d", str(row.get("specification", "")))
    if not found:
        return "summed over its lags"
    days = int(found.group(1))
    if row.get("bin") == "week":
        weeks = -(-days // 7)
        return f"{weeks} week{'s' if weeks > 1 else ''}"
    return f"{days} days"


def grid_rows(robustness: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for row in robustness.get("specifications") or []:
        est = row.get("estimate")
        call = _call(row)
        rows.append({
            "method": METHOD_NAMES.get(row.get("method"), row.get("method")),
            "key": row.get("method"),
            "bins": f"{row.get('bin', '?')} bins",
            "horizon": _horizon(row),
            "lags": _lags(row),
            "call": call,
            "text": "–" if est is None or call == "no estimate" else f"{est:.2f}",
            "ink": "white" if call in DARK else "#222222",
            "spec": row.get("specification"),
            "p": row.get("p_value"),
            "reason": row.get("reason"),
        })  # fmt: skip
    return rows


class RobustnessChart(Chart):
    name = "robustness"
    title = "How sure: the same question under other reasonable choices"
    caption = (
        "Each square is the analysis redone with one other reasonable choice (how far back to "
        "look, how long a response to wait for, days or weeks): brown means more actions after, "
        "teal fewer, dark colours a significant result; a verdict that flips across the squares "
        "is fragile."
    )
    section = "verdict"
    order = 2.0
    per_direction = True

    def build(self, ctx: ReportContext, direction: str | None) -> dict[str, Any]:
        assert direction is not None
        item = ctx.direction(direction)
        robustness = item.get("robustness")
        if not robustness:
            if item.get("reason") and item.get("verdict") == "inconclusive" and not item.get("effect"):
                raise NotApplicable(f"no grid without a verdict: {item['reason']}")
            if "robustness" not in item:
                raise NotApplicable(NO_GRID)
            raise NotApplicable("the robustness grid was not computed for this direction")
        rows = grid_rows(robustness)
        if not rows:
            raise NotApplicable("no specification of the grid could be fitted")
        color = {"field": "call", "type": "nominal", "title": None,
                 "scale": {"domain": list(CALLS), "range": list(CALLS.values())},
                 "legend": {"orient": "top", "columns": 2, "symbolType": "square"}}  # fmt: skip
        panels = []
        for key in dict.fromkeys(r["key"] for r in rows):
            mine = [r for r in rows if r["key"] == key]
            fitted = [r for r in mine if r["call"] != "no estimate"]
            same = _share_text(fitted)
            bins = list(dict.fromkeys(r["bins"] for r in mine))
            horizons = list(dict.fromkeys(r["horizon"] for r in mine))
            cells = []
            for b in bins:
                cells.append({
                    "title": {"text": b, "fontSize": 12, "fontWeight": "normal"},
                    "width": int(ctx.width * 0.3), "height": 26 * len({r["lags"] for r in mine}),
                    "transform": [{"filter": {"field": "bins", "equal": b}}],
                    "encoding": {
                        "x": {"field": "horizon", "type": "ordinal",
                              "sort": sorted(horizons, key=_days), "title": "response window",
                              "axis": {"labelAngle": 0, "orient": "top"}}
                        if len(horizons) > 1 else {"field": "horizon", "type": "ordinal",
                                                   "title": None, "axis": None},
                        "y": {"field": "lags", "type": "ordinal", "title": "lags chosen by",
                              "sort": ["AIC", "BIC", "7 days", "14 days"]},
                    },
                    "layer": [
                        {"mark": {"type": "rect", "stroke": "white", "strokeWidth": 2},
                         "encoding": {"color": color, "tooltip": [
                             {"field": "spec", "title": "specification"},
                             {"field": "text", "title": "estimate"},
                             {"field": "p", "title": "p", "format": ".3g"},
                             {"field": "call", "title": "says"},
                             {"field": "reason", "title": "why no estimate"}]}},
                        {"mark": {"type": "text", "fontSize": 12},
                         "encoding": {"text": {"field": "text"},
                                      "color": {"field": "ink", "type": "nominal", "scale": None}}},
                    ],
                })  # fmt: skip
            panels.append({
                "title": {"text": f"{METHOD_NAMES.get(key, key)}: {same}", "fontSize": 13,
                          "fontWeight": "normal", "limit": ctx.width},
                "data": {"values": mine},
                "hconcat": cells,
                "spacing": 12,
            })  # fmt: skip
        return spec(ctx, vconcat=panels, spacing=18)


def _days(label: str) -> float:
    found = re.match(r"(\d+) (day|week)", label)
    return float(found.group(1)) * (7 if found.group(2) == "week" else 1) if found else 0.0


def _share_text(fitted: list[dict[str, Any]]) -> str:
    n = len(fitted)
    if not n:
        return "no specification could be fitted"
    more = sum("more" in r["call"] for r in fitted)
    fewer = sum("fewer" in r["call"] for r in fitted)
    return f"{more} of {n} say more after, {fewer} fewer"
