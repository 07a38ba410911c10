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
        n = summary.get("n_episodes") or summary.get("n")
        shares = []
        for role, key in (("started the episode", "started_by"), ("ended it", "ended_by")):
            for who, value in (described.get(key) or {}).items():
                ci = value.get("ci95") or [None, None]
                shares.append({
                    "role": role, "who": labels.get(who, who), "share": value.get("share"),
                    "lo": ci[0], "hi": ci[1],
                })  # fmt: skip
        calm = []
        for who, value in (described.get("calm_after_last_action") or {}).items():
            if value.get("mean") is None:
                continue
            ci = value.get("ci95") or [None, None]
            calm.append({"who": labels.get(who, who), "mean": value["mean"], "lo": ci[0],
                         "hi": ci[1], "n": value.get("n")})  # fmt: skip
        bin_word = ctx.bin
        color = {"field": "who", "type": "nominal", "title": None,
                 "scale": {"domain": list(colors), "range": list(colors.values())},
                 "legend": {"orient": "top"}}  # fmt: skip
        share_panel = {
            "title": {"text": f"Who was active first and last ({n} episodes)", "fontSize": 13,
                      "fontWeight": "normal", "limit": ctx.width},
            "width": ctx.width, "height": 130,
            "data": {"values": shares},
            "encoding": {
                "y": {"field": "role", "type": "nominal", "title": None,
                      "sort": ["started the episode", "ended it"]},
                "yOffset": {"field": "who", "sort": list(colors)},
            },
            "layer": [
                {"mark": {"type": "bar", "height": {"band": 0.3}},
                 "encoding": {"x": {"field": "share", "type": "quantitative",
                                    "title": "share of episodes", "scale": {"domain": [0, 1]},
                                    "axis": {"format": ".0%"}},
                              "color": color,
                              "tooltip": [{"field": "role"}, {"field": "who", "title": "side"},
                                          {"field": "share", "format": ".0%"},
                                          {"field": "lo", "title": "95% from", "format": ".0%"},
                                          {"field": "hi", "title": "95% to", "format": ".0%"}]}},
                {"mark": {"type": "rule", "color": "#222222"},
                 "encoding": {"x": {"field": "lo", "type": "quantitative"}, "x2": {"field": "hi"}}},
            ],
        }  # fmt: skip
        panels: list[dict[str, Any]] = [share_panel]
        if calm:
            panels.append({
                "title": {"text": f"Quiet {bin_word}s after an episode, by who acted last",
                          "fontSize": 13, "fontWeight": "normal", "limit": ctx.width},
                "width": ctx.width, "height": 26 * len(calm) + 10,
                "data": {"values": calm},
                "encoding": {"y": {"field": "who", "type": "nominal", "title": None,
                                   "sort": list(colors)}},
                "layer": [
                    {"mark": {"type": "rule", "color": "#222222", "strokeWidth": 1.6},
                     "encoding": {"x": {"field": "lo", "type": "quantitative",
                                        "title": f"mean quiet {bin_word}s (95% interval)",
                                        "scale": {"zero": True}},
                                  "x2": {"field": "hi"}}},
                    {"mark": {"type": "point", "filled": True, "size": 110},
                     "encoding": {"x": {"field": "mean", "type": "quantitative"},
                                  "color": color,
                                  "tooltip": [{"field": "who", "title": "acted last"},
                                              {"field": "mean", "title": f"mean quiet {bin_word}s",
                                               "format": ".1f"},
                                              {"field": "n", "title": "episodes"}]}},
                ],
            })  # fmt: skip
        return spec(ctx, vconcat=panels, spacing=18)
