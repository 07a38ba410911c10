"""Event study: the other side's activity around one side's actions, against ordinary days."""

from __future__ import annotations

from typing import Any

from jervis.report.base import SIDE_COLORS, Chart, ReportContext, spec
from jervis.report.charts._common import log_ratio_domain, ratio_axis

PLACEBO = "#9a9a9a"


class EventStudyChart(Chart):
    name = "event_study"
    title = "Event study: what happened around each action"
    caption = (
        "The coloured line is the other side's average activity on the days before and after "
        "one side's actions; the grey band is where that line falls on ordinary days with the "
        "same recent activity, so a line outside the band after day 0 is a real change."
    )
    section = "evidence"
    order = 2.0
    per_direction = True

    def build(self, ctx: ReportContext, direction: str | None) -> dict[str, Any]:
        assert direction is not None
        summary = ctx.method(direction, "event_study")
        details = summary.get("details") or summary
        x, y = direction.split("->")
        curve = details.get("curve")
        if curve:
            return self._curve(ctx, curve, x, y)
        return self._ratios(ctx, details, x, y)

    def _curve(self, ctx: ReportContext, curve: list[dict[str, Any]], x: str, y: str) -> dict[str, Any]:
        per = ctx.bin
        xs = {"field": "offset", "type": "quantitative",
              "title": f"{per}s from {ctx.labels[x]}'s action (0 = the action's {per})",
              "axis": {"tickMinStep": 1, "format": "d"}}  # fmt: skip
        ys = {"type": "quantitative", "title": f"{ctx.labels[y]}: mean {ctx.noun} per {per}",
              "scale": {"zero": False}, "axis": {"format": ",.3~r"}}  # fmt: skip
        tooltip = [
            {"field": "offset", "title": f"{per}s from the action"},
            {"field": "at_actions", "title": "around actions", "format": ",.2f"},
            {"field": "placebo", "title": "ordinary days", "format": ",.2f"},
            {"field": "placebo_lo", "title": "ordinary, 95% from", "format": ",.2f"},
            {"field": "placebo_hi", "title": "ordinary, 95% to", "format": ",.2f"},
        ]  # fmt: skip
        return spec(
            ctx,
            height=230,
            data={"values": curve},
            layer=[
                {"mark": {"type": "area", "color": PLACEBO, "opacity": 0.3},
                 "encoding": {"x": xs, "y": {**ys, "field": "placebo_lo"},
                              "y2": {"field": "placebo_hi"}}},
                {"mark": {"type": "line", "color": PLACEBO, "strokeDash": [4, 3]},
                 "encoding": {"x": xs, "y": {**ys, "field": "placebo"}}},
                {"mark": {"type": "rule", "color": "#444444", "strokeDash": [2, 2]},
                 "encoding": {"x": {"datum": 0, "type": "quantitative"}}},
                {"mark": {"type": "line", "point": {"filled": True, "size": 40},
                          "color": SIDE_COLORS[y], "strokeWidth": 2},
                 "encoding": {"x": xs, "y": {**ys, "field": "at_actions"}, "tooltip": tooltip}},
            ],
        )  # fmt: skip

    def _ratios(self, ctx: ReportContext, s: dict[str, Any], x: str, y: str) -> dict[str, Any]:
        """Older verdicts carry no curve: the after/before ratios at actions and placebo days."""
        k = s.get("window_bins") or s.get("horizon_days")
        band = s.get("placebo_ci95") or [None, None]
        rows = [
            {"row": "around actions", "ratio": s.get("ratio_at_actions"), "lo": None, "hi": None},
            {"row": "ordinary days (95%)", "ratio": s.get("ratio_at_placebo"),
             "lo": band[0], "hi": band[1]},
        ]  # fmt: skip
        domain = log_ratio_domain([v for r in rows for v in (r["ratio"], r["lo"], r["hi"])])
        scale = {"type": "log", "domain": domain, "nice": False}
        yenc = {"field": "row", "type": "nominal", "title": None, "axis": {"labelLimit": 240},
                "sort": [r["row"] for r in rows]}  # fmt: skip
        return spec(
            ctx,
            height=90,
            data={"values": rows},
            layer=[
                {"mark": {"type": "rule", "color": "#999999", "strokeDash": [4, 3]},
                 "encoding": {"x": {"datum": 1, "type": "quantitative", "scale": scale}}},
                {"mark": {"type": "rule", "color": PLACEBO, "strokeWidth": 8, "opacity": 0.5},
                 "encoding": {"y": yenc, "x": {"field": "lo", "type": "quantitative", "scale": scale},
                              "x2": {"field": "hi"}}},
                {"mark": {"type": "point", "filled": True, "size": 110, "color": SIDE_COLORS[y]},
                 "encoding": {"y": yenc,
                              "x": {"field": "ratio", "type": "quantitative", "scale": scale,
                                    "title": f"{k} {ctx.bin}s after ÷ {k} before",
                                    "axis": ratio_axis(domain)},
                              "tooltip": [{"field": "row"}, {"field": "ratio", "format": ".3f"}]}},
            ],
        )  # fmt: skip
