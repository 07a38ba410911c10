"""VAR / Granger: how the other side's actions respond, day by day, to one extra action."""

from __future__ import annotations

from typing import Any

from jervis.report.base import SIDE_COLORS, Chart, ReportContext, spec


class GrangerChart(Chart):
    name = "granger"
    title = "VAR: the response to one extra action"
    caption = (
        "From a model of both sides' daily counts: how many more (above 0) or fewer (below 0) "
        "actions the other side takes on each following day after one extra action, with the "
        "95% interval as a band."
    )
    section = "evidence"
    order = 3.0
    per_direction = True

    def build(self, ctx: ReportContext, direction: str | None) -> dict[str, Any]:
        assert direction is not None
        summary = ctx.method(direction, "granger")
        details = summary.get("details") or summary
        x, y = direction.split("->")
        per = ctx.bin
        steps = details.get("impulse_response") or (details.get("counts") or {}).get("impulse_response")
        if not steps:
            lo, hi = summary["ci95"]
            steps = [{"step": int(summary.get("horizon_bins") or 0), "response": summary["estimate"],
                      "lo": lo, "hi": hi, "cumulative": True}]  # fmt: skip
            title = f"{ctx.labels[y]}'s extra {ctx.noun}, summed over {steps[0]['step']} {per}s"
        else:
            title = f"{ctx.labels[y]}'s extra {ctx.noun} per {per}"
        xs = {"field": "step", "type": "quantitative",
              "title": f"{per}s after one extra action by {ctx.labels[x]}",
              "axis": {"tickMinStep": 1, "format": "d"}}  # fmt: skip
        ys = {"type": "quantitative", "title": title, "axis": {"format": ",.2~f"}}
        tooltip = [{"field": "step", "title": f"{per}s after"},
                   {"field": "response", "format": ",.3f"},
                   {"field": "lo", "title": "95% from", "format": ",.3f"},
                   {"field": "hi", "title": "95% to", "format": ",.3f"}]  # fmt: skip
        return spec(
            ctx,
            height=210,
            data={"values": steps},
            layer=[
                {"mark": {"type": "area", "color": SIDE_COLORS[y], "opacity": 0.22},
                 "encoding": {"x": xs, "y": {**ys, "field": "lo"}, "y2": {"field": "hi"}}},
                {"mark": {"type": "rule", "color": SIDE_COLORS[y], "strokeWidth": 2},
                 "encoding": {"x": xs, "y": {**ys, "field": "lo"}, "y2": {"field": "hi"}}},
                {"mark": {"type": "rule", "color": "#777777", "strokeDash": [4, 3]},
                 "encoding": {"y": {"datum": 0, "type": "quantitative"}}},
                {"mark": {"type": "line", "point": {"filled": True, "size": 50},
                          "color": SIDE_COLORS[y], "strokeWidth": 2},
                 "encoding": {"x": xs, "y": {**ys, "field": "response"}, "tooltip": tooltip}},
            ],
        )  # fmt: skip
