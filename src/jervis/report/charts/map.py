"""Map: where each side acted, on an offline base map zoomed to the data.

The base map is world-atlas's countries-110m (Natural Earth, public domain), vendored with the
package. Up to a few thousand located events are drawn as points; more are counted per grid
cell in the store and drawn as a density layer, one panel per side.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from jervis.report.base import (
    CONFIG,
    SIDE_COLORS,
    SIDE_SHAPES,
    VEGA_LITE_SCHEMA,
    WIDTH,
    Chart,
    NotApplicable,
    ReportContext,
    spec,
)
from jervis.report.data import MapLayer, map_layer

# Light-to-side-colour ramps for the density panels (the darkest step is the side's colour).
DENSITY_RAMPS = {"A": ["#deebf7", "#6baed6", "#0072B2", "#08306b"],
                 "B": ["#fff1cc", "#f5c451", "#E69F00", "#8c5a00"]}  # fmt: skip
LAND = "#f2f2f0"
BORDER = "#b5b5b5"


@lru_cache(maxsize=1)
def world_topojson() -> dict[str, Any]:
    """The vendored countries-110m TopoJSON (parsed once)."""
    path = resources.files("jervis.report").joinpath("vendor/countries-110m.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _projection(extent: tuple[float, float, float, float]) -> dict[str, Any]:
    lo_lon, lo_lat, hi_lon, hi_lat = extent
    box = {
        "type": "Feature", "properties": {},
        "geometry": {"type": "MultiPoint", "coordinates": [[lo_lon, lo_lat], [hi_lon, hi_lat]]},
    }  # fmt: skip
    return {"type": "mercator", "fit": box}


def _base_layer() -> dict[str, Any]:
    return {
        "data": {"name": "world", "format": {"type": "topojson", "feature": "countries"}},
        "mark": {"type": "geoshape", "fill": LAND, "stroke": BORDER, "strokeWidth": 0.7, "clip": True},
    }


def _aspect_height(extent: tuple[float, float, float, float], width: int) -> int:
    import math

    lo_lon, lo_lat, hi_lon, hi_lat = extent

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    ratio = (merc(hi_lat) - merc(lo_lat)) / max(math.radians(hi_lon - lo_lon), 1e-6)
    return int(min(max(width * ratio, 180), 1.1 * width))


def map_spec(
    layer: MapLayer,
    *,
    labels: dict[str, str],
    colors: dict[str, str] | None = None,
    width: int = WIDTH,
) -> dict[str, Any]:
    """Points coloured and shaped by group, or one density panel per group."""
    if layer.kind == "none" or layer.extent is None:
        raise NotApplicable("no event has coordinates, so there is nothing to place on a map")
    colors = colors or SIDE_COLORS
    groups = sorted(layer.located)
    datasets = {"world": world_topojson()}
    projection = _projection(layer.extent)
    if layer.kind == "points":
        rows = layer.rows.assign(label=layer.rows.iloc[:, 0].astype(str).map(lambda g: labels.get(g, g)))
        tooltip = [{"field": "label", "title": "side"}] + [
            {"field": c, "title": c.replace("_", " ")}
            for c in ("date", "actor", "event", "mode", "location", "killed") if c in rows
        ]  # fmt: skip
        return {
            "$schema": VEGA_LITE_SCHEMA,
            "width": width, "height": _aspect_height(layer.extent, width),
            "datasets": datasets, "projection": projection,
            "layer": [
                _base_layer(),
                {
                    "data": {"values": rows.where(rows.notna(), None).to_dict("records")},
                    "mark": {"type": "point", "filled": True, "size": 36, "opacity": 0.75,
                             "stroke": "white", "strokeWidth": 0.4, "clip": True},
                    "encoding": {
                        "longitude": {"field": "longitude", "type": "quantitative"},
                        "latitude": {"field": "latitude", "type": "quantitative"},
                        "color": {"field": "label", "type": "nominal", "title": None,
                                  "scale": {"domain": [labels.get(g, g) for g in groups],
                                            "range": [colors.get(g, "#555") for g in groups]}},
                        "shape": {"field": "label", "type": "nominal", "title": None,
                                  "scale": {"domain": [labels.get(g, g) for g in groups],
                                            "range": [SIDE_SHAPES.get(g, "square") for g in groups]}},
                        "tooltip": tooltip,
                    },
                },
            ],
        }  # fmt: skip
    km = layer.cell_km or 0.0
    panels = []
    panel_width = int(width * 0.48)
    height = _aspect_height(layer.extent, panel_width)
    for g in groups:
        ramp = DENSITY_RAMPS.get(g, ["#eeeeee", "#555555"])
        cells = layer.rows[layer.rows.iloc[:, 0].astype(str) == g]
        panels.append({
            "title": {"text": f"{labels.get(g, g)}: {layer.located[g]:,} located events", "limit": panel_width,
                      "fontSize": 13, "fontWeight": "normal"},
            "width": panel_width, "height": height, "projection": projection,
            "layer": [
                _base_layer(),
                {
                    "data": {"values": cells[["longitude", "latitude", "events"]].to_dict("records")},
                    "mark": {"type": "square", "opacity": 0.85, "clip": True,
                             "size": max(4.0, (panel_width / 90) ** 2)},
                    "encoding": {
                        "longitude": {"field": "longitude", "type": "quantitative"},
                        "latitude": {"field": "latitude", "type": "quantitative"},
                        "color": {"field": "events", "type": "quantitative",
                                  "title": f"{labels.get(g, g)}: events per cell (~{km:.0f} km)",
                                  "scale": {"type": "log", "range": ramp},
                                  "legend": {"format": ",d", "gradientLength": 140,
                                             "orient": "bottom", "titleLimit": panel_width}},
                        "tooltip": [{"field": "events", "title": "events in this cell", "format": ","},
                                    {"field": "latitude", "format": ".2f"},
                                    {"field": "longitude", "format": ".2f"}],
                    },
                },
            ],
        })  # fmt: skip
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "datasets": datasets,
        "concat": panels,
        "columns": 2,
        "spacing": 16,
        "resolve": {"scale": {"color": "independent"}, "legend": {"color": "independent"}},
    }


def event_map(
    events: ir.Table | pd.DataFrame,
    *,
    by: str = "side",
    labels: dict[str, str] | None = None,
    colors: dict[str, str] | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
    width: int = WIDTH,
) -> dict[str, Any]:
    """The map for any event set grouped by any column (the web app's events page)."""
    layer = map_layer(events, by=by, start=start, end=end)
    labels = {g: (labels or {}).get(g, g) for g in layer.located}
    return {**map_spec(layer, labels=labels, colors=colors, width=width), "config": CONFIG}


class MapChart(Chart):
    name = "map"
    title = "Where each side acted"
    caption = (
        "Each mark is an event placed where the source located it; with thousands of events the "
        "map counts them per grid cell instead, and darker cells hold more events."
    )
    section = "map"

    def build(self, ctx: ReportContext, direction: str | None) -> dict[str, Any]:
        if ctx.store is None:
            raise NotApplicable("the report was made without a store, so there are no places to draw")
        body = map_spec(ctx.store.map, labels=ctx.labels, width=ctx.width)
        body.pop("$schema")
        return spec(ctx, **body)
