"""Count regression (the lead method): the rate ratio day by day after an action, with intervals."""

from __future__ import annotations

from typing import Any

from jervis.report.base import SIDE_COLORS, Chart, NotApplicable, ReportContext, spec
from jervis.report.charts._common import log_ratio_domain, ratio_axis, ratio_text

NO_BY_LAG_FIT = (
    "the model with each lag on its own could not be fitted on these data (too few "
    "events on some lags); the headline, which adds the lags up, could"
)
NO_BY_LAG = "this verdict carries no rate ratio per lag (its count regression did not report one)"


class CountRegressionChart(Chart):
    name = "count_regression"
    title = "Count regression: the change, day by day after an action"
    caption = (
        "How much more (above 1) or less (below 1) the other side acted on each day after one "
        "side acted, one dot per day with its 95% interval; the verdict's headline adds these "
        "days up over the whole horizon."
    )
    section = "evidence"
    order = 1.0
    per_direction = True

    def build(self, ctx: ReportContext, direction: str | None) -> dict[str, Any]:
        assert direction is not None
        summary = ctx.method(direction, "count_regression")
        details = summary.get("details") or summary
        lags = details.get("by_lag")
        if not lags:
            if "by_lag" in details:  # asked for, but that fit failed
                raise NotApplicable(NO_BY_LAG_FIT)
            raise NotApplicable(NO_BY_LAG)
        x, y = direction.split("->")
        per = ctx.bin
        rows = [
            {"lag": int(r["lag"]), "irr": r["irr"], "lo": (r.get("ci95") or [None, None])[0],
             "hi": (r.get("ci95") or [None, None])[1], "text": ratio_text(r["irr"], r.get("ci95"))}
            for r in lags
        ]  # fmt: skip
        domain = log_ratio_domain([v for r in rows for v in (r["irr"], r["lo"], r["hi"])])
        scale = {"type": "log", "domain": domain, "nice": False}
        xs = {"field": "lag", "type": "ordinal",
              "title": f"{per}s after {ctx.labels[x]} acted", "axis": {"labelAngle": 0}}  # fmt: skip
        ys = {"type": "quantitative", "scale": scale,
              "title": [f"{ctx.labels[y]}: rate ratio", "(1 = no change; log scale)"],
              "axis": ratio_axis(domain)}  # fmt: skip
        tooltip = [{"field": "lag", "title": f"{per}s after"},
                   {"field": "text", "title": "rate ratio (95% interval)"}]  # fmt: skip
        return spec(
            ctx,
            height=220,
            data={"values": rows},
            layer=[
                {"mark": {"type": "rule", "color": "#999999", "strokeDash": [4, 3]},
                 "encoding": {"y": {"datum": 1, "type": "quantitative", "scale": scale}}},
                {"mark": {"type": "rule", "color": SIDE_COLORS[y], "strokeWidth": 2},
                 "encoding": {"x": xs, "y": {**ys, "field": "lo"}, "y2": {"field": "hi"},
                              "tooltip": tooltip}},
                {"mark": {"type": "point", "filled": True, "size": 80, "color": SIDE_COLORS[y]},
                 "encoding": {"x": xs, "y": {**ys, "field": "irr"}, "tooltip": tooltip}},
            ],
        )  # fmt: skip
