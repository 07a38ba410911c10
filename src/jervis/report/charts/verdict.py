"""How sure: every method's estimate for one direction, and which way each points."""

from __future__ import annotations

from typing import Any

from jervis.report.base import (
    CALL_SHAPES,
    CALL_WORDS,
    METHOD_NAMES,
    NEUTRAL,
    Chart,
    NotApplicable,
    ReportContext,
    spec,
)
from jervis.report.charts._common import log_ratio_domain, ratio_axis, ratio_text

NOT_APPLICABLE = "not applicable"


def method_rows(ctx: ReportContext, key: str) -> list[dict[str, Any]]:
    """One row per method the analysis asked for: estimate, interval, call, or why none."""
    item = ctx.direction(key)
    methods = item.get("methods") or {}
    asked = (ctx.verdict.get("settings") or {}).get("methods") or list(methods)
    rows = []
    for name in asked:
        summary = methods.get(name) or {}
        try:
            ctx.method(key, name)
            reason = None
        except NotApplicable as exc:
            reason = str(exc)
        ratio = "ratio" in str(summary.get("measure", "ratio")) or name != "granger"
        est, ci = summary.get("estimate"), summary.get("ci95")
        call = summary.get("points_to") if reason is None else None
        rows.append({
            "method": METHOD_NAMES.get(name, name),
            "key": name,
            "ratio": bool(ratio and est is not None and reason is None),
            "estimate": est if reason is None else None,
            "lo": ci[0] if ci and reason is None else None,
            "hi": ci[1] if ci and reason is None else None,
            "p_holm": summary.get("p_value_holm"),
            "call": CALL_WORDS.get(call, NOT_APPLICABLE) if call else NOT_APPLICABLE,
            "text": ratio_text(est, ci) if reason is None else NOT_APPLICABLE,
            "reason": reason,
            "note": "not applicable (see the table)" if reason else "not a ratio (see the table)",
        })  # fmt: skip
    return rows


class MethodsChart(Chart):
    name = "methods"
    title = "What each method says"
    caption = (
        "Each row is one way of measuring the same question: a mark left of the line at 1 means "
        "fewer actions after, right of it more, and the bar is the 95% interval; a triangle marks "
        "a significant result, a circle none."
    )
    section = "verdict"
    order = 1.0
    per_direction = True

    def build(self, ctx: ReportContext, direction: str | None) -> dict[str, Any]:
        assert direction is not None
        rows = method_rows(ctx, direction)
        drawn = [r for r in rows if r["ratio"]]
        if not drawn:
            reason = ctx.direction(direction).get("reason") or "no method produced an estimate"
            raise NotApplicable(f"no method produced an estimate: {reason}")
        domain = log_ratio_domain([v for r in drawn for v in (r["estimate"], r["lo"], r["hi"])])
        order = [r["method"] for r in rows]
        y = {"field": "method", "type": "nominal", "title": None, "sort": order,
             "axis": {"labelLimit": 220}}  # fmt: skip
        x = {"field": "estimate", "type": "quantitative",
             "title": ["rate ratio, after vs usual", "(1 = no change; log scale)"],
             "scale": {"type": "log", "domain": domain, "nice": False},
             "axis": ratio_axis(domain)}  # fmt: skip
        shapes = {CALL_WORDS[k]: v for k, v in CALL_SHAPES.items()}
        shape_domain = [w for w in shapes if any(r["call"] == w for r in drawn)]
        tooltip = [
            {"field": "method"}, {"field": "text", "title": "estimate (95% interval)"},
            {"field": "p_holm", "title": "p (Holm-adjusted)", "format": ".3g"},
            {"field": "call", "title": "says"},
        ]  # fmt: skip
        return spec(
            ctx,
            height=34 * len(rows) + 10,
            data={"values": rows},
            layer=[
                {"mark": {"type": "rule", "color": "#999999", "strokeDash": [4, 3]},
                 "encoding": {"x": {"datum": 1, "type": "quantitative", "scale": x["scale"]}}},
                {"transform": [{"filter": "datum.ratio"}],
                 "mark": {"type": "rule", "color": NEUTRAL, "strokeWidth": 2},
                 "encoding": {"y": y, "x": {**x, "field": "lo"}, "x2": {"field": "hi"},
                              "tooltip": tooltip}},
                {"transform": [{"filter": "datum.ratio"}],
                 "mark": {"type": "point", "filled": True, "size": 140, "color": "#222222"},
                 "encoding": {"y": y, "x": x, "tooltip": tooltip,
                              "shape": {"field": "call", "type": "nominal", "title": None,
                                        "scale": {"domain": shape_domain,
                                                  "range": [shapes[w] for w in shape_domain]},
                                        "legend": {"orient": "top"}}}},
                {"transform": [{"filter": "!datum.ratio"}],
                 "mark": {"type": "text", "color": "#666666", "fontStyle": "italic"},
                 "encoding": {"y": y, "x": {"datum": 1, "type": "quantitative", "scale": x["scale"]},
                              "text": {"field": "note"}}},
            ],
        )  # fmt: skip
