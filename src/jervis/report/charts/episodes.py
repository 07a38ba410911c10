"""Episodes: who starts and who ends runs of above-usual violence, and the calm after them."""

from __future__ import annotations

from typing import Any

from jervis.report.base import SIDE_COLORS, Chart, NotApplicable, ReportContext, spec

BOTH = "#8a8a8a"


def episode_description(ctx: ReportContext) -> tuple[dict[str, Any], dict[str, Any]]:
    """The episodes method's description of the cut (same episodes in both directions)."""
    reasons = []
    for key in ctx.directions:
        try:
            summary = ctx.method(key, "episodes")
        except NotApplicable as exc:
            reasons.append(str(exc))
            continue
        details = summary.get("details") or summary
        described = details.get("episodes") or {}
        if described.get("applicable"):
            return summary, described
        reasons.append(str(described.get("reason") or "no episodes were described"))
    raise NotApplicable(reasons[0] if reasons else "the episodes method did not run")


class EpisodesChart(Chart):
    name = "episodes"
    title = "Episodes: who starts them, who ends them, how long the calm lasts"
    caption = (
        "An episode is a run of days with above-usual violence; the bars show which side was "
        "active first and last in each (with 95% intervals), and the dots how many quiet days "
        "followed an episode, by the side that acted last."
    )
    section = "evidence"
    order = 4.0

    def build(self, ctx: ReportContext, direction: str | None) -> dict[str, Any]:
        summary, described = episode_description(ctx)
        labels = {**ctx.labels, "both": "both sides"}
        colors = {labels["A"]: SIDE_COLORS["A"], labels["B"]: SIDE_COLORS["B"], "both sides": BOTH}
        details = summary.get("details") or summary
        n = details.get("n_episodes", summary.get("n"))
        order = list(colors)
        color = {"field": "who", "type": "nominal", "title": None, "legend": None,
                 "scale": {"domain": order, "range": list(colors.values())}}  # fmt: skip
        y = {"field": "who", "type": "nominal", "title": None, "sort": order}
        panels: list[dict[str, Any]] = []
        for title, key in ((f"Who started the {n} episodes", "started_by"),
                           ("Who ended them", "ended_by")):  # fmt: skip
            rows = []
            for who, value in (described.get(key) or {}).items():
                ci = value.get("ci95") or [None, None]
                rows.append({"who": labels.get(who, who), "share": value.get("share"),
                             "lo": ci[0], "hi": ci[1]})  # fmt: skip
            panels.append(_panel(ctx, title, rows, y, {
                "field": "share", "type": "quantitative", "title": "share of episodes",
                "scale": {"domain": [0, 1]}, "axis": {"format": ".0%", "tickCount": 5},
            }, color, "bar", ".0%"))  # fmt: skip
        calm = []
        for who, value in (described.get("calm_after_last_action") or {}).items():
            if value.get("mean") is None:
                continue
            ci = value.get("ci95") or [None, None]
            calm.append({"who": labels.get(who, who), "share": value["mean"], "lo": ci[0],
                         "hi": ci[1]})  # fmt: skip
        if calm:
            panels.append(_panel(ctx, f"Quiet {ctx.bin}s after, by who acted last",
                                 calm, y, {"field": "share", "type": "quantitative",
                                           "title": f"mean quiet {ctx.bin}s (line: 95% interval)",
                                           "scale": {"zero": True}, "axis": {"tickCount": 8}},
                                 color, "point", ".1f"))  # fmt: skip
        return spec(ctx, vconcat=panels, spacing=18)


def _panel(
    ctx: ReportContext, title: str, rows: list[dict[str, Any]], y: dict[str, Any],
    x: dict[str, Any], color: dict[str, Any], mark: str, fmt: str,
) -> dict[str, Any]:
    """One small chart: a value per side (bar or dot) with its 95% interval as a line."""
    tooltip = [{"field": "who", "title": "side"}, {"field": "share", "title": "value", "format": fmt},
               {"field": "lo", "title": "95% from", "format": fmt},
               {"field": "hi", "title": "95% to", "format": fmt}]  # fmt: skip
    body = {"type": "bar", "height": 14} if mark == "bar" else {"type": "point", "filled": True,
                                                                 "size": 110}  # fmt: skip
    return {
        "title": {"text": title, "fontSize": 13, "fontWeight": "normal", "limit": ctx.width},
        "width": ctx.width, "height": 24 * len(rows) + 6,
        "data": {"values": rows},
        "encoding": {"y": y},
        "layer": [
            {"mark": body, "encoding": {"x": x, "color": color, "tooltip": tooltip}},
            {"mark": {"type": "rule", "color": "#222222", "strokeWidth": 1.5},
             "encoding": {"x": {"field": "lo", "type": "quantitative"}, "x2": {"field": "hi"}}},
        ],
    }  # fmt: skip
