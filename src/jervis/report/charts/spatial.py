"""Spatial windows: the estimate for every radius and time window, with its pre-trend check."""

from __future__ import annotations

from typing import Any

from jervis.report.base import NEUTRAL, Chart, ReportContext, spec
from jervis.report.charts._common import log_ratio_domain, ratio_axis, ratio_text


def _ring(cell: dict[str, Any]) -> str:
    inner, outer = float(cell.get("inner_km") or 0), float(cell["radius_km"])
    return f"≤ {outer:g} km" if inner == 0 else f"{inner:g}–{outer:g} km"


class SpatialChart(Chart):
    name = "spatial"
    title = "Spatial windows: nearby events after vs before each action"
    caption = (
        "For rings around each place one side acted, and several time windows, the black dot "
        "compares the other side's events after with before (relative to the same places on "
        "other dates); the hollow diamond checks whether they were already changing before, "
        "which would make the comparison unfair. The starred row is the method's headline."
    )
    section = "evidence"
    order = 5.0
    per_direction = True

    def build(self, ctx: ReportContext, direction: str | None) -> dict[str, Any]:
        assert direction is not None
        summary = ctx.method(direction, "spatial")
        details = summary.get("details") or summary
        headline = details.get("headline") or {}
        rows = []
        for cell in details.get("cells") or []:
            days = int(cell["window_days"])
            is_headline = (
                float(cell["radius_km"]) == float(headline.get("radius_km", -1))
                and days == int(headline.get("window_days", -1))
                and float(cell.get("inner_km") or 0) == 0
            )
            rows.append({
                "row": f"{days} days, {_ring(cell)}" + (" ★" if is_headline else ""),
                "days": days, "radius": float(cell["radius_km"]),
                "inner": float(cell.get("inner_km") or 0),
                "estimate": cell.get("estimate"),
                "lo": (cell.get("ci95") or [None, None])[0],
                "hi": (cell.get("ci95") or [None, None])[1],
                "text": ratio_text(cell.get("estimate"), cell.get("ci95")),
                "p": cell.get("p_value"),
                "pre_trend": cell.get("pre_trend"),
                "pre_p": cell.get("pre_trend_p_value"),
                "pre_flag": "already changing before (p < 0.05)"
                if (cell.get("pre_trend_p_value") is not None and cell["pre_trend_p_value"] < 0.05)
                else "no clear change before",
                "actions": cell.get("n_actions"),
            })  # fmt: skip
        rows.sort(key=lambda r: (r["days"], r["radius"], r["inner"]))
        order = [r["row"] for r in rows]
        domain = log_ratio_domain(
            [v for r in rows for v in (r["estimate"], r["lo"], r["hi"], r["pre_trend"])]
        )
        scale = {"type": "log", "domain": domain, "nice": False}
        y = {"field": "row", "type": "nominal", "sort": order, "title": None,
             "axis": {"labelLimit": 220}}  # fmt: skip
        tooltip = [
            {"field": "row", "title": "window and ring"},
            {"field": "text", "title": "after vs before (95% interval)"},
            {"field": "p", "title": "p (not adjusted)", "format": ".3g"},
            {"field": "pre_trend", "title": "before vs earlier", "format": ".3f"},
            {"field": "pre_p", "title": "pre-trend p", "format": ".3g"},
            {"field": "actions", "title": "actions used", "format": ","},
        ]  # fmt: skip
        kind = {"field": "measure", "type": "nominal", "title": None,
                "scale": {"domain": ["after vs before (95% interval)",
                                     "before vs earlier (pre-trend check)"],
                          "range": ["circle", "diamond"]},
                "legend": {"orient": "top", "direction": "vertical"}}  # fmt: skip
        return spec(
            ctx,
            height=22 * len(rows) + 10,
            data={"values": rows},
            layer=[
                {"mark": {"type": "rule", "color": "#999999", "strokeDash": [4, 3]},
                 "encoding": {"x": {"datum": 1, "type": "quantitative", "scale": scale}}},
                {"mark": {"type": "rule", "color": NEUTRAL, "strokeWidth": 1.6},
                 "encoding": {"y": y, "x": {"field": "lo", "type": "quantitative", "scale": scale,
                                            "title": ["ratio (1 = no change;", "log scale)"],
                                            "axis": ratio_axis(domain)},
                              "x2": {"field": "hi"}, "tooltip": tooltip}},
                {"transform": [{"calculate": "'after vs before (95% interval)'", "as": "measure"}],
                 "mark": {"type": "point", "filled": True, "size": 70, "color": "#222222"},
                 "encoding": {"y": y, "x": {"field": "estimate", "type": "quantitative",
                                            "scale": scale},
                              "shape": kind, "tooltip": tooltip}},
                {"transform": [{"calculate": "'before vs earlier (pre-trend check)'", "as": "measure"}],
                 "mark": {"type": "point", "filled": False, "size": 70, "strokeWidth": 1.6,
                          "color": "#7a7a7a"},
                 "encoding": {"y": y, "x": {"field": "pre_trend", "type": "quantitative",
                                            "scale": scale},
                              "shape": kind, "tooltip": tooltip}},
            ],
        )  # fmt: skip
