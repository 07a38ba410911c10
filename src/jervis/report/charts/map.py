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
NO_PLACES = "no event has coordinates, so there is nothing to place on a map"
BORDER = "#b5b5b5"


@lru_cache(maxsize=1)
def world_topojson() -> dict[str, Any]:
    """The vendored countries-110m TopoJSON (parsed once)."""
    path = resources.files("jervis.report").joinpath("vendor/countries-110m.json")
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _arc_boxes() -> list[tuple[float, float, float, float]]:
    """Each arc's bounding box in degrees (arcs are quantized and delta-encoded)."""
    topo = world_topojson()
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    boxes = []
    for arc in topo["arcs"]:
        x = y = 0
        xs, ys = [], []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            xs.append(x * sx + tx)
            ys.append(y * sy + ty)
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return boxes


def _arc_ids(node: Any) -> list[int]:
    if isinstance(node, int):
        return [node if node >= 0 else ~node]
    return [i for child in node for i in _arc_ids(child)]


def world_near(extent: tuple[float, float, float, float]) -> dict[str, Any]:
    """The base map with only the countries that reach into the extent (drawing every country
    and clipping costs seconds when the chart is rasterised)."""
    topo = world_topojson()
    boxes = _arc_boxes()
    lo_lon, lo_lat, hi_lon, hi_lat = extent

    def near(geometry: dict[str, Any]) -> bool:
        for i in _arc_ids(geometry.get("arcs", [])):
            a, b, c, d = boxes[i]
            if a <= hi_lon and c >= lo_lon and b <= hi_lat and d >= lo_lat:
                return True
        return False

    countries = topo["objects"]["countries"]
    kept = [g for g in countries["geometries"] if near(g)]
    return {**topo, "objects": {"countries": {**countries, "geometries": kept}}}


def _projection(extent: tuple[float, float, float, float]) -> dict[str, Any]:
    lo_lon, lo_lat, hi_lon, hi_lat = extent
    box = {
        "type": "Feature", "properties": {},
        "geometry": {"type": "MultiPoint", "coordinates": [[lo_lon, lo_lat], [hi_lon, hi_lat]]},
    }  # fmt: skip
    # clipExtent cuts the countries at the view's edge while projecting: an SVG clip path
    # instead makes rasterising the PNG ten times slower.
    return {"type": "mercator", "fit": box, "clipExtent": {"expr": "[[0, 0], [width, height]]"}}


def _base_layer() -> dict[str, Any]:
    return {
        "data": {"name": "world", "format": {"type": "topojson", "feature": "countries"}},
        "mark": {"type": "geoshape", "fill": LAND, "stroke": BORDER, "strokeWidth": 0.8},
    }


def _aspect_height(extent: tuple[float, float, float, float], width: int) -> int:
    import math

    lo_lon, lo_lat, hi_lon, hi_lat = extent

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    ratio = (merc(hi_lat) - merc(lo_lat)) / max(math.radians(hi_lon - lo_lon), 1e-6)
    return int(min(max(width * ratio, 180), 1.1 * width))


def _frame(layer: MapLayer, width: int, height: int) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "width": width,
        "height": height,
        "datasets": {"world": world_near(layer.extent)},  # type: ignore[arg-type]
        "projection": _projection(layer.extent),  # type: ignore[arg-type]
    }


def points_spec(
    layer: MapLayer, *, labels: dict[str, str], colors: dict[str, str] | None = None,
    width: int = WIDTH,
) -> dict[str, Any]:
    """Every located event, coloured and shaped by group (a few thousand at most)."""
    colors = colors or SIDE_COLORS
    groups = sorted(layer.located)
    group = layer.rows.columns[0]
    rows = layer.rows.assign(label=layer.rows[group].astype(str).map(lambda g: labels.get(g, g)))
    tooltip = [{"field": "label", "title": "side"}] + [
        {"field": c, "title": c.replace("_", " ")}
        for c in ("date", "actor", "event", "mode", "location", "killed") if c in rows
    ]  # fmt: skip
    domain = [labels.get(g, g) for g in groups]
    return {
        **_frame(layer, width, _aspect_height(layer.extent, width)),  # type: ignore[arg-type]
        "layer": [
            _base_layer(),
            {
                "data": {"values": rows.astype(object).where(rows.notna(), None).to_dict("records")},
                "mark": {"type": "point", "filled": True, "size": 40, "opacity": 0.75, "clip": True, "aria": False,
                         "stroke": "white", "strokeWidth": 0.4},
                "encoding": {
                    "longitude": {"field": "longitude", "type": "quantitative"},
                    "latitude": {"field": "latitude", "type": "quantitative"},
                    "color": {"field": "label", "type": "nominal", "title": None,
                              "scale": {"domain": domain,
                                        "range": [colors.get(g, "#555555") for g in groups]}},
                    "shape": {"field": "label", "type": "nominal", "title": None,
                              "scale": {"domain": domain,
                                        "range": [SIDE_SHAPES.get(g, "square") for g in groups]}},
                    "tooltip": tooltip,
                },
            },
        ],
    }  # fmt: skip


def density_spec(
    layer: MapLayer, group: str, *, label: str, width: int = WIDTH,
) -> dict[str, Any]:
    """One group's located events counted per grid cell (made in the store), darker = more."""
    ramp = DENSITY_RAMPS.get(group, ["#eeeeee", "#555555"])
    key = layer.rows.columns[0]
    cells = layer.rows[layer.rows[key].astype(str) == group]
    km = layer.cell_km or 0.0
    return {
        **_frame(layer, width, _aspect_height(layer.extent, width)),  # type: ignore[arg-type]
        "layer": [
            _base_layer(),
            {
                "data": {"values": cells[["longitude", "latitude", "events"]].to_dict("records")},
                "mark": {"type": "square", "opacity": 0.85, "clip": True, "aria": False,
                         "size": {"expr": "max(4, pow(width / 95, 2))"}},
                "encoding": {
                    "longitude": {"field": "longitude", "type": "quantitative"},
                    "latitude": {"field": "latitude", "type": "quantitative"},
                    "color": {"field": "events", "type": "quantitative",
                              "title": f"{label}: events per cell (about {km:.0f} km across)",
                              "scale": {"type": "log", "range": ramp},
                              "legend": {"format": ",d", "gradientLength": 160,
                                         "orient": "bottom", "titleLimit": 400}},
                    "tooltip": [{"field": "events", "title": "events in this cell", "format": ","},
                                {"field": "latitude", "format": ".2f"},
                                {"field": "longitude", "format": ".2f"}],
                },
            },
        ],
    }  # fmt: skip


def event_map(
    events: ir.Table | pd.DataFrame,
    *,
    by: str = "side",
    labels: dict[str, str] | None = None,
    colors: dict[str, str] | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
    width: int = WIDTH,
) -> list[dict[str, Any]]:
    """Maps for any event set grouped by any column (the web app's events page): one spec with
    every point, or one density spec per group when there are thousands."""
    layer = map_layer(events, by=by, start=start, end=end)
    if layer.kind == "none":
        raise NotApplicable(NO_PLACES)
    labels = {g: (labels or {}).get(g, g) for g in layer.located}
    if layer.kind == "points":
        return [{**points_spec(layer, labels=labels, colors=colors, width=width), "config": CONFIG}]
    return [
        {**density_spec(layer, g, label=labels[g], width=width), "config": CONFIG}
        for g in sorted(layer.located)
    ]


class MapChart(Chart):
    name = "map"
    title = "Where each side acted"
    caption = (
        "Each mark is an event placed where the source located it; with thousands of events the "
        "map counts them per grid cell instead (one map per side), and darker cells hold more."
    )
    section = "map"

    def keys(self, ctx: ReportContext) -> list[str | None]:
        if ctx.store is not None and ctx.store.map.kind == "grid":
            return sorted(ctx.store.map.located)
        return [None]

    def subtitle(self, ctx: ReportContext, key: str | None) -> str | None:
        if key is None or ctx.store is None:
            return None
        return f"{ctx.labels.get(key, key)}: {ctx.store.map.located[key]:,} located events"

    def build(self, ctx: ReportContext, key: str | None) -> dict[str, Any]:
        if ctx.store is None:
            raise NotApplicable("the report was made without a store, so there are no places to draw")
        layer = ctx.store.map
        if layer.kind == "none":
            raise NotApplicable(NO_PLACES)
        if key is None:
            body = points_spec(layer, labels=ctx.labels, width=ctx.width)
        else:
            body = density_spec(layer, key, label=ctx.labels[key], width=ctx.width)
        body.pop("$schema")
        return spec(ctx, **body)
