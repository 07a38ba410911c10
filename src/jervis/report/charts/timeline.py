"""Timeline: each side's actions (and reported deaths) per bin, with a brush that zooms."""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from jervis.report.base import (
    SIDE_COLORS,
    SIDE_DASHES,
    VEGA_LITE_SCHEMA,
    WIDTH,
    Chart,
    NotApplicable,
    ReportContext,
    spec,
)
from jervis.report.charts._common import (
    BIN_WORD,
    episode_spans,
    excluded_layer,
    excluded_spans,
    time_x,
)
from jervis.report.data import activity, display_bin

BRUSH = "brush"
EXTRA_COLORS = ["#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def _colors(groups: list[str], colors: dict[str, str] | None) -> dict[str, str]:
    colors = dict(colors or {})
    spare = iter(c for c in EXTRA_COLORS if c not in colors.values())
    return {g: colors.get(g) or next(spare, "#777777") for g in groups}


def timeline_spec(
    frame: pd.DataFrame,
    *,
    by: str = "side",
    labels: dict[str, str] | None = None,
    colors: dict[str, str] | None = None,
    bin: str = "day",
    noun: str = "events",
    excluded: list[dict[str, Any]] | None = None,
    episodes: list[dict[str, Any]] | None = None,
    width: int = WIDTH,
) -> dict[str, Any]:
    """One row per group (its own y scale: a side with 100 a day does not flatten one with 5),
    deaths where reported, episodes, and an overview strip whose brush zooms every row."""
    groups = sorted(str(g) for g in frame[by].unique())
    labels = {g: (labels or {}).get(g, g) for g in groups}
    colors = _colors(groups, colors or SIDE_COLORS)
    per = BIN_WORD[bin]
    rows = frame.assign(
        date=frame["date"].dt.strftime("%Y-%m-%d"), group=frame[by].astype(str),
        label=frame[by].astype(str).map(labels),
    )[["date", "group", "label", "events", "killed", "killed_known"]]  # fmt: skip
    color = {
        "field": "label", "type": "nominal", "title": None,
        "scale": {"domain": [labels[g] for g in groups], "range": [colors[g] for g in groups]},
        "legend": {"orient": "top", "direction": "horizontal"},
    }  # fmt: skip
    zoomed = {"param": BRUSH, "encoding": "x"}
    excluded = excluded or []
    vconcat: list[dict[str, Any]] = []
    for g in groups:
        layer = [excluded_layer(excluded, zoomed)] if excluded else []
        layer.append({
            "transform": [{"filter": {"field": "group", "equal": g}}],
            "mark": {"type": "area", "interpolate": "step-after", "clip": True, "opacity": 0.9},
            "encoding": {
                "x": time_x(domain=zoomed),
                "y": {"field": "events", "type": "quantitative", "title": f"{noun} per {per}",
                      "axis": {"format": ",d", "tickMinStep": 1, "tickCount": 4}},
                "color": color,
                "tooltip": [
                    {"field": "date", "type": "temporal", "title": f"{per} from",
                     "format": "%d %b %Y", "scale": {"type": "utc"}},
                    {"field": "label", "title": "side"},
                    {"field": "events", "title": noun, "format": ","},
                ],
            },
        })  # fmt: skip
        vconcat.append({
            "title": {"text": f"{labels[g]}: {noun} per {per}", "fontSize": 13,
                      "fontWeight": "normal", "limit": width},
            "width": width, "height": 110, "layer": layer,
        })  # fmt: skip
    if (frame["killed_known"] > 0).any():
        layer = [excluded_layer(excluded, zoomed)] if excluded else []
        layer.append({
            "mark": {"type": "line", "interpolate": "step-after", "clip": True, "strokeWidth": 1.2},
            "encoding": {
                "x": time_x(domain=zoomed),
                "y": {"field": "killed", "type": "quantitative",
                      "title": f"killed per {per}", "axis": {"format": ",d", "tickCount": 4}},
                "color": color,
                "strokeDash": {"field": "label", "type": "nominal", "title": None,
                               "scale": {"domain": [labels[g] for g in groups],
                                         "range": [SIDE_DASHES.get(g, [1, 0]) for g in groups]}},
                "tooltip": [{"field": "date", "type": "temporal", "format": "%d %b %Y",
                             "scale": {"type": "utc"}, "title": f"{per} from"},
                            {"field": "label", "title": "side"},
                            {"field": "killed", "title": "killed (where reported)", "format": ","}],
            },
        })  # fmt: skip
        vconcat.append({
            "title": {"text": f"Killed in each side's actions, per {per} (where reported)",
                      "fontSize": 13, "fontWeight": "normal", "limit": width},
            "width": width, "height": 90, "layer": layer,
        })  # fmt: skip
    if episodes:
        period = [rows["date"].min(), rows["date"].max()]
        vconcat.append(_episodes_row(episodes, labels, colors, zoomed, width, period))
    totals = rows.groupby("date", as_index=False)["events"].sum()
    vconcat.append({
        "title": {"text": "Drag across this strip to zoom", "fontSize": 12,
                  "fontWeight": "normal", "color": "#555555", "limit": width},
        "width": width, "height": 46,
        "data": {"values": totals.to_dict("records")},
        "params": [{"name": BRUSH, "select": {"type": "interval", "encodings": ["x"]}}],
        "mark": {"type": "area", "interpolate": "step-after", "color": "#8a8a8a"},
        "encoding": {
            "x": time_x(),
            "y": {"field": "events", "type": "quantitative", "title": None,
                  "axis": {"tickCount": 2, "format": "~s", "tickMinStep": 1}},
        },
    })  # fmt: skip
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "data": {"values": rows.to_dict("records")},
        "vconcat": vconcat,
        "spacing": 14,
        "resolve": {"scale": {"y": "independent"}},
    }


def _episodes_row(
    episodes: list[dict[str, Any]], labels: dict[str, str], colors: dict[str, str],
    zoomed: dict[str, Any], width: int, period: list[str],
) -> dict[str, Any]:
    domain = [*labels.values(), "both sides"]
    # An invisible mark at each end of the period: unzoomed, the row spans what the others do.
    ends = {
        "data": {"values": [{"date": d} for d in period]},
        "mark": {"type": "tick", "opacity": 0},
        "encoding": {"x": time_x(domain=zoomed)},
    }
    spans = {
        "data": {"values": episodes},
        "mark": {"type": "rect", "clip": True, "stroke": "white", "strokeWidth": 0.5},
        "encoding": {
            "x": {**time_x(domain=zoomed), "field": "start"},
            "x2": {"field": "end"},
            "fill": {"field": "started_by", "type": "nominal", "title": None, "legend": None,
                     "scale": {"domain": domain, "range": [*colors.values(), "#777777"]}},
            "tooltip": [{"field": "start", "title": "from"}, {"field": "end", "title": "to"},
                        {"field": "started_by", "title": "started by"},
                        {"field": "ended_by", "title": "ended by"}],
        },
    }  # fmt: skip
    return {
        "title": {"text": "Episodes of above-usual violence, coloured by who started each",
                  "fontSize": 13, "fontWeight": "normal", "limit": width},
        "width": width, "height": 26, "layer": [ends, spans],
    }  # fmt: skip


def event_timeline(
    events: ir.Table | pd.DataFrame,
    *,
    by: str = "side",
    bin: str = "week",
    labels: dict[str, str] | None = None,
    colors: dict[str, str] | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
    width: int = WIDTH,
) -> dict[str, Any]:
    """The timeline for any event set grouped by any column (the web app's events page)."""
    frame = activity(events, bin=bin, by=by, start=start, end=end)
    if frame.empty:
        raise NotApplicable("no events to draw")
    out = timeline_spec(frame, by=by, labels=labels, colors=colors, bin=bin, width=width)
    from jervis.report.base import CONFIG

    return {**out, "config": CONFIG}


class TimelineChart(Chart):
    name = "timeline"
    title = "What each side did, day by day"
    caption = (
        "Each band counts the actions one side started in each period; grey bands are periods "
        "the analysis left out. Drag across the grey strip at the bottom to zoom in on a period, "
        "double-click it to see everything again."
    )
    section = "timeline"

    def build(self, ctx: ReportContext, direction: str | None) -> dict[str, Any]:
        if ctx.store is None:
            raise NotApplicable("the report was made without a store, so there are no counts to draw")
        period = ctx.verdict["period"]
        bin = display_bin(ctx.bin, period["start"], period["end"])
        frame = ctx.store.activity(bin)
        if frame.empty or frame["events"].sum() == 0:
            raise NotApplicable("neither side has an event in the period")
        body = timeline_spec(
            frame, labels=ctx.labels, bin=bin, noun=ctx.noun if ctx.noun == "actions" else "events",
            excluded=excluded_spans(ctx), episodes=episode_spans(ctx), width=ctx.width,
        )  # fmt: skip
        body.pop("$schema")
        return spec(ctx, **body)
