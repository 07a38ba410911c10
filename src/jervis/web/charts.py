"""The events page's timeline and map: the report's chart builders on the filtered events.

The specs come from jervis.report (the same timeline and map as the report, aggregated in the
store), drawn on the server as SVG by vl-convert and shown as images: the page runs no script
for them (Vega compiles its expressions with Function(), which this app's CSP forbids), and an
image cannot run anything whatever the data say. Events are grouped by the actor's side
(``actor_side``); beyond six sides the rest are one group.
"""

from __future__ import annotations

import threading
from typing import Any

import ibis
import ibis.expr.types as ir

from jervis.report.base import CONFIG, VEGA_LITE_SCHEMA, NotApplicable
from jervis.report.charts.map import event_map
from jervis.report.charts.timeline import event_timeline
from jervis.report.data import display_bin

MAX_GROUPS = 6
NO_SIDE = "no side given"
OTHER = "other sides"
WIDTH = 780
_RENDER = threading.Lock()  # one vl-convert call at a time


# Okabe-Ito: told apart with the common colour-vision deficiencies; the largest group first.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]


def grouped(events: ir.Table) -> tuple[ir.Table, dict[str, str]]:
    """The events with a ``group`` column (the actor's side, the rarer ones lumped together)
    and each group's colour, the same in the timeline and the map."""
    t = events.mutate(group=ibis.coalesce(events.actor_side, ibis.literal(NO_SIDE)))
    counts = t.group_by("group").aggregate(n=ibis._.count()).order_by(ibis.desc("n")).to_pandas()
    names = [str(g) for g in counts["group"]]
    if len(names) > MAX_GROUPS:
        names = names[: MAX_GROUPS - 1]
        t = t.mutate(group=ibis.cases((t.group.isin(names), t.group), else_=ibis.literal(OTHER)))
        names.append(OTHER)
    return t, dict(zip(names, PALETTE, strict=False))


def timeline(events: ir.Table) -> dict[str, Any]:
    """Events (and known deaths) per bin and side, daily when that stays readable."""
    t, colors = grouped(events)
    span = t.aggregate(lo=t.date.min(), hi=t.date.max()).to_pandas().iloc[0]
    if span["lo"] is None or span["lo"] != span["lo"]:
        raise NotApplicable("no events match these filters")
    bin = display_bin("day", span["lo"], span["hi"])
    spec = event_timeline(t, by="group", bin=bin, colors=colors, width=WIDTH)
    for row in spec.get("vconcat", []):
        if row.get("params"):  # the brush strip: an image cannot be dragged
            row["title"] = {**row.get("title", {}), "text": "All the filtered events"}
    return spec


def map_of(events: ir.Table) -> dict[str, Any]:
    """The located events as points, or one density panel per side when there are thousands."""
    t, colors = grouped(events)
    specs = event_map(t, by="group", colors=colors, width=420)
    if len(specs) == 1:
        return specs[0]
    panels = [{k: v for k, v in s.items() if k not in ("$schema", "config")} for s in specs]
    return {"$schema": VEGA_LITE_SCHEMA, "config": CONFIG, "vconcat": panels}


def message(text: str) -> dict[str, Any]:
    """A chart-sized sentence, for a chart that cannot be drawn."""
    return {"$schema": VEGA_LITE_SCHEMA, "config": CONFIG, "width": 600, "height": 40,
            "data": {"values": [{"text": text}]}, "mark": {"type": "text", "fontSize": 14, "color": "#555"},
            "encoding": {"text": {"field": "text"}}}  # fmt: skip


def svg(build: Any, events: ir.Table) -> str:
    """The chart as SVG, or the sentence saying why there is none."""
    import vl_convert

    try:
        spec = build(events)
    except NotApplicable as exc:
        spec = message(str(exc))
    with _RENDER:
        return vl_convert.vegalite_to_svg(spec)
