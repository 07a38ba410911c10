"""What the report needs from the store, aggregated where the data live (DuckDB through Ibis).

The browser never receives 100,000 events: it gets counts per bin and side, a grid of counts
per map cell (or the points themselves when there are few), and small provenance tables.
The functions take any Ibis table (or pandas frame) of events in the canonical schema with a
grouping column, so the web app can draw the same charts for any filtered event set;
``StoreData`` binds them to one dyad and period for the report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

_TRUNCATE = {"day": "D", "week": "W", "month": "M"}
_FREQ = {"day": "D", "week": "W-MON", "month": "MS"}
_DAYS = {"day": 1, "week": 7, "month": 30.44}
MAX_BINS = 1500  # more bins than this are drawn at the next coarser bin (a year of days is fine)
MAX_POINTS = 2500  # more located events than this are drawn as a density grid
GRID_CELLS = 90  # cells across the longer side of the map's extent


def as_table(events: ir.Table | pd.DataFrame) -> ir.Table:
    """An Ibis table for a frame or table of events (the web app passes either)."""
    if isinstance(events, pd.DataFrame):
        return ibis.memtable(events)
    return events


def grouped_in_period(
    events: ir.Table | pd.DataFrame, by: str, start: date | str | None, end: date | str | None
) -> ir.Table:
    """The events that belong to a group, from start to end (either may be open)."""
    t = as_table(events)
    t = t.filter(t[by].notnull())
    if start is not None:
        t = t.filter(t.date >= pd.Timestamp(start).date())
    if end is not None:
        t = t.filter(t.date <= pd.Timestamp(end).date())
    return t


def display_bin(bin: str, start: date | pd.Timestamp, end: date | pd.Timestamp) -> str:
    """The analysis bin, or a coarser one when there would be too many bars to see."""
    days = (pd.Timestamp(end) - pd.Timestamp(start)).days + 1
    order = list(_TRUNCATE)
    for candidate in order[order.index(bin) :]:
        if days / _DAYS[candidate] <= MAX_BINS:
            return candidate
    return "month"


def _floor(when: Any, bin: str) -> pd.Timestamp:
    ts = pd.Timestamp(when).normalize()
    if bin == "week":
        return ts - pd.Timedelta(days=ts.dayofweek)
    if bin == "month":
        return ts.replace(day=1)
    return ts


def activity(
    events: ir.Table | pd.DataFrame,
    *,
    bin: str = "day",
    by: str = "side",
    start: date | str | None = None,
    end: date | str | None = None,
) -> pd.DataFrame:
    """Events and known deaths per bin and group, counted in the backend, zero-filled.

    Columns: date (bin start), the ``by`` column, events, killed (sum of known ``killed``),
    killed_known (events whose toll is known). Rows with a null group are left out.
    """
    t = grouped_in_period(events, by, start, end)
    per = (
        t.mutate(bin=t.date.cast("date").truncate(_TRUNCATE[bin]))
        .group_by(["bin", by])
        .aggregate(
            events=ibis._.count(),
            killed=ibis._.killed.sum(),
            killed_known=ibis._.killed.count(),
        )
        .to_pandas()
    )
    per["bin"] = pd.to_datetime(per["bin"])
    if start is None or end is None:
        if per.empty:
            return pd.DataFrame(columns=["date", by, "events", "killed", "killed_known"])
        start = per["bin"].min() if start is None else start
        end = per["bin"].max() if end is None else end
    calendar = pd.date_range(_floor(start, bin), _floor(end, bin), freq=_FREQ[bin], name="date")
    groups = sorted(str(g) for g in per[by].dropna().unique())
    full = pd.MultiIndex.from_product([calendar, groups], names=["date", by])
    frame = per.rename(columns={"bin": "date"}).set_index(["date", by]).reindex(full)
    frame["events"] = frame["events"].fillna(0).astype("int64")
    frame["killed_known"] = frame["killed_known"].fillna(0).astype("int64")
    frame["killed"] = frame["killed"].astype("float64").fillna(0.0)
    return frame.reset_index()


@dataclass
class MapLayer:
    """Located events for a map: the points, or counts per grid cell when there are many."""

    kind: str  # "points", "grid" or "none"
    rows: pd.DataFrame
    extent: tuple[float, float, float, float] | None  # min_lon, min_lat, max_lon, max_lat
    located: dict[str, int]  # group -> located events
    total: dict[str, int]  # group -> all events
    cell_deg: float | None = None

    @property
    def cell_km(self) -> float | None:
        return None if self.cell_deg is None else self.cell_deg * 111.2


def _nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least raw."""
    exp = math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * 10**exp >= raw:
            return round(m * 10**exp, 6)
    return 10 ** (exp + 1)


def map_layer(
    events: ir.Table | pd.DataFrame,
    *,
    by: str = "side",
    start: date | str | None = None,
    end: date | str | None = None,
    max_points: int = MAX_POINTS,
    cells: int = GRID_CELLS,
    point_columns: tuple[str, ...] = ("date", "actor", "event", "mode", "location", "killed"),
) -> MapLayer:
    """Located events per group: points when few, else a grid of counts made in the backend."""
    t = grouped_in_period(events, by, start, end)
    loc = t.filter(t.latitude.notnull() & t.longitude.notnull())
    totals = t.group_by(by).aggregate(n=ibis._.count()).to_pandas()
    total = {str(g): int(n) for g, n in zip(totals[by], totals["n"], strict=True)}
    per = loc.group_by(by).aggregate(n=ibis._.count()).to_pandas()
    located = {str(g): int(n) for g, n in zip(per[by], per["n"], strict=True)}
    if not located:
        return MapLayer("none", pd.DataFrame(), None, located, total)
    q = loc.aggregate(
        lo_lon=loc.longitude.quantile(0.005), hi_lon=loc.longitude.quantile(0.995),
        lo_lat=loc.latitude.quantile(0.005), hi_lat=loc.latitude.quantile(0.995),
    ).to_pandas().iloc[0]  # fmt: skip
    lo_lon, hi_lon, lo_lat, hi_lat = (float(q[k]) for k in ("lo_lon", "hi_lon", "lo_lat", "hi_lat"))
    pad = max(0.5, 0.08 * max(hi_lon - lo_lon, hi_lat - lo_lat))
    extent = (
        max(-180.0, lo_lon - pad), max(-85.0, lo_lat - pad),
        min(180.0, hi_lon + pad), min(85.0, hi_lat + pad),
    )  # fmt: skip
    if sum(located.values()) <= max_points:
        if "actor" in loc.columns and "actor_raw" in loc.columns:
            loc = loc.mutate(actor=loc.actor.fill_null(loc.actor_raw))  # the name as reported
        columns = [c for c in point_columns if c in loc.columns]
        rows = loc.select(by, "longitude", "latitude", *columns).to_pandas()
        if "date" in rows:
            rows["date"] = pd.to_datetime(rows["date"]).dt.strftime("%Y-%m-%d")
        return MapLayer("points", rows, extent, located, total)
    cell = _nice_step(max(extent[2] - extent[0], extent[3] - extent[1]) / cells)
    grid = (
        loc.mutate(
            gx=(loc.longitude / cell).floor(),
            gy=(loc.latitude / cell).floor(),
        )
        .group_by([by, "gx", "gy"])
        .aggregate(events=ibis._.count())
        .to_pandas()
    )
    grid["longitude"] = (grid["gx"].astype(float) + 0.5) * cell
    grid["latitude"] = (grid["gy"].astype(float) + 0.5) * cell
    rows = grid[[by, "longitude", "latitude", "events"]].sort_values("events", kind="stable")
    return MapLayer("grid", rows.reset_index(drop=True), extent, located, total, cell_deg=cell)


class StoreData:
    """The store's aggregates for one dyad over the verdict's period (queried once each).

    ``backend``: an Ibis backend already open on the store (the web app passes its own, one
    per thread); without it the store at ``db`` is opened."""

    def __init__(
        self, dyad: Any, db: str | Path | None, start: str, end: str, backend: Any = None
    ) -> None:
        from jervis.store.db import ibis_backend, resolve_db
        from jervis.store.dyad import load_dyad
        from jervis.store.query import dyad_table

        self.dyad = load_dyad(dyad)
        self.db = resolve_db(db)
        self.backend = backend if backend is not None else ibis_backend(db)
        self.start, self.end = start, end
        self.table = dyad_table(self.dyad, self.backend)

    def activity(self, bin: str) -> pd.DataFrame:
        return activity(self.table, bin=bin, by="side", start=self.start, end=self.end)

    @cached_property
    def map(self) -> MapLayer:
        return map_layer(self.table, by="side", start=self.start, end=self.end)

    @cached_property
    def datasets(self) -> list[str]:
        t = self.table
        per = t.group_by("source_dataset").aggregate(n=ibis._.count()).to_pandas()
        return sorted(str(d) for d in per["source_dataset"])

    def sources(self) -> list[dict[str, Any]]:
        """Datasets behind the dyad's events, with licence, attribution and event counts."""
        t = self.table
        per = t.group_by("source_dataset").aggregate(events=ibis._.count()).to_pandas()
        counts = dict(zip(per["source_dataset"], per["events"], strict=True))
        known = self.backend.table("sources").to_pandas().to_dict("records")
        rows = [{**r, "events": int(counts[r["source_dataset"]])} for r in known
                if r["source_dataset"] in counts]  # fmt: skip
        seen = {r["source_dataset"] for r in rows}
        rows += [{"source_dataset": d, "name": None, "licence": None, "attribution": None,
                  "url": None, "events": int(n)} for d, n in counts.items() if d not in seen]  # fmt: skip
        return sorted(rows, key=lambda r: -r["events"])

    def ingests(self) -> list[dict[str, Any]]:
        """The ingests that stored the dyad's datasets: file, checksum, counts, when, version."""
        t = self.backend.table("ingests")
        t = t.filter(t.source_dataset.isin(self.datasets)).order_by("ingest_id")
        frame = t.select(
            "path", "sha256", "format", "source_dataset", "read", "stored", "updated",
            "quarantined", "duplicates", "finished_at", "jervis_version",
        ).to_pandas()  # fmt: skip
        frame["finished_at"] = frame["finished_at"].astype(str)
        return frame.to_dict("records")

    def quarantine(self, limit: int = 10) -> dict[str, Any]:
        """How many rows of the dyad's datasets were quarantined, per file, and the first few."""
        t = self.backend.table("quarantine")
        t = t.filter(t.source_dataset.isin(self.datasets))
        per = t.group_by("source_file").aggregate(rows=ibis._.count()).order_by("source_file")
        first = t.order_by(["ingest_id", "line"]).limit(limit)
        return {
            "files": per.to_pandas().to_dict("records"),
            "first": first.select("source_file", "line", "reason").to_pandas().to_dict("records"),
        }

    def actors(self, top: int = 8) -> dict[str, list[dict[str, Any]]]:
        """Each side's most frequent actor names as stored (who the side is made of)."""
        t = grouped_in_period(self.table, "side", self.start, self.end)
        per = (
            t.mutate(name=t.actor.fill_null(t.actor_raw).fill_null("(no name)"))
            .group_by(["side", "name"])
            .aggregate(events=ibis._.count())
            .to_pandas()
            .sort_values(["side", "events", "name"], ascending=[True, False, True])
        )
        return {
            str(side): group.head(top)[["name", "events"]].to_dict("records")
            for side, group in per.groupby("side")
        }
