"""Read queries as Ibis expressions, so the same code runs on DuckDB here and Spark at scale."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from jervis.errors import JervisError
from jervis.store.db import ibis_backend
from jervis.store.dyad import SIDES, Dyad, Filters, Side, load_dyad
from jervis.store.schema import COLUMNS, INT_COLUMNS


def events_table(backend: Any) -> ir.Table:
    return backend.table("events").select(*COLUMNS)


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def apply_filters(t: ir.Table, filters: Filters) -> ir.Table:
    """Country, period, event types, modes, datasets and bounding box, as Ibis predicates."""
    preds = []
    if filters.country:
        preds.append(t.country.isin(filters.country))
    if filters.start:
        preds.append(t.date >= filters.start)
    if filters.end:
        preds.append(t.date <= filters.end)
    if filters.events:
        preds.append(t.event.isin(filters.events))
    if filters.modes:
        preds.append(t.mode.isin(filters.modes))
    if filters.source_dataset:
        preds.append(t.source_dataset.isin(filters.source_dataset))
    if filters.bbox:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        preds += [t.longitude.between(min_lon, max_lon), t.latitude.between(min_lat, max_lat)]
    return t.filter(*preds) if preds else t


def _side_match(t: ir.Table, side: Side, role: str) -> ir.BooleanValue:
    """Does the row's actor (role="actor") or target (role="target") belong to this side?"""
    name, raw = t[role], t[f"{role}_raw"]
    conds = []
    if side.actors:
        conds.append(name.isin(side.actors))
    conds += [raw.re_search(p) for p in side.actor_regex]
    conds += [raw.startswith(p) for p in side.cameo_prefix]
    for column, values in side.column.items():
        if role == "target" and column.startswith("actor"):
            column = "target" + column[len("actor") :]
        conds.append(t[column].isin(values))
    match = conds[0]
    for cond in conds[1:]:
        match = match | cond
    return match.fill_null(False)


def with_sides(t: ir.Table, dyad: Dyad) -> ir.Table:
    """Add `side` (the initiator's side, A/B/null) and `tside` (the target's side)."""
    a_actor, b_actor = (_side_match(t, dyad.sides[s], "actor") for s in SIDES)
    a_target, b_target = (_side_match(t, dyad.sides[s], "target") for s in SIDES)
    return t.mutate(
        side=ibis.cases((a_actor, "A"), (b_actor, "B"), else_=ibis.null("string")),
        tside=ibis.cases((a_target, "A"), (b_target, "B"), else_=ibis.null("string")),
    )


def events(
    db: str | Path | None = None,
    *,
    country: str | Sequence[str] | None = None,
    start: str | date | None = None,
    end: str | date | None = None,
    event: str | Sequence[str] | None = None,
    mode: str | Sequence[str] | None = None,
    actor: str | Sequence[str] | None = None,
    source_dataset: str | Sequence[str] | None = None,
    limit: int | None = None,
    as_arrow: bool = False,
    backend: Any = None,
) -> pd.DataFrame:
    """Events in the canonical schema, filtered, ordered by date (pandas, or Arrow)."""
    backend = backend or ibis_backend(db)
    filters = Filters(
        country=[c.upper() for c in _as_list(country)],
        start=date.fromisoformat(str(start)) if start else None,
        end=date.fromisoformat(str(end)) if end else None,
        events=[e.upper() for e in _as_list(event)],
        modes=_as_list(mode),
        source_dataset=_as_list(source_dataset),
    )
    t = apply_filters(events_table(backend), filters)
    actors = _as_list(actor)
    if actors:
        t = t.filter(t.actor.isin(actors) | t.target.isin(actors))
    t = t.order_by(["date", "event_id"])
    if limit:
        t = t.limit(limit)
    if as_arrow:
        return t.to_pyarrow()
    frame = t.to_pandas()
    for column in (*INT_COLUMNS, "geo_precision"):
        frame[column] = frame[column].astype("Int64")  # unknown stays <NA>, counts stay whole
    return frame


def dyad_table(dyad: Dyad, backend: Any) -> ir.Table:
    """Filtered events with sides; only rows that touch side A or B."""
    t = with_sides(apply_filters(events_table(backend), dyad.filters), dyad)
    return t.filter(t.side.notnull() | t.tside.notnull())


def dyad_events(dyad: str | Path | Dyad, db: str | Path | None = None, *, backend: Any = None) -> pd.DataFrame:
    """The event frame the analysis reads: one row per event touching the dyad.

    Columns: date (datetime64), time, side (initiator A/B or null), target_side (A/B or null),
    event, mode, actor, target, latitude, longitude, killed, wounded, actor_killed,
    target_killed, civilians_killed (floats, NaN = unknown), source_dataset, event_id.
    """
    dyad = load_dyad(dyad)
    backend = backend or ibis_backend(db)
    t = dyad_table(dyad, backend)
    cols = ["event_id", "date", "time", "side", "tside", "event", "mode", "actor", "target",
            "latitude", "longitude", *INT_COLUMNS, "source_dataset"]  # fmt: skip
    frame = t.select(*cols).order_by(["date", "event_id"]).to_pandas()
    frame = frame.rename(columns={"tside": "target_side"})
    frame["date"] = pd.to_datetime(frame["date"])
    for column in INT_COLUMNS:
        frame[column] = frame[column].astype("float64")
    return frame


def dyad_check(dyad: str | Path | Dyad, db: str | Path | None = None, *, top: int = 10) -> dict:
    """How many events each side gets, and the frequent actors left unassigned."""
    dyad = load_dyad(dyad)
    backend = ibis_backend(db)
    t = with_sides(apply_filters(events_table(backend), dyad.filters), dyad)
    total = t.count().to_pyarrow().as_py()
    if total == 0:
        raise JervisError("no events pass the dyad's filters", path=dyad.path)
    per_side = t.group_by("side").aggregate(n=t.count()).to_pandas()
    counts = {str(s) if s is not None and s == s else "unassigned": int(n)
              for s, n in zip(per_side["side"], per_side["n"], strict=True)}  # fmt: skip
    targets = t.group_by("tside").aggregate(n=t.count()).to_pandas()
    as_target = {str(s): int(n) for s, n in zip(targets["tside"], targets["n"], strict=True)
                 if s is not None and s == s}  # fmt: skip
    unassigned = t.filter(t.side.isnull() & t.actor.notnull())
    frequent = (
        unassigned.group_by("actor").aggregate(n=unassigned.count()).order_by(ibis.desc("n")).limit(top)
    ).to_pandas()
    return {
        "dyad": dyad.name,
        "filtered_events": int(total),
        "sides": {
            s: {"label": dyad.label(s), "as_actor": counts.get(s, 0), "as_target": as_target.get(s, 0)}
            for s in SIDES
        },
        "unassigned": counts.get("unassigned", 0),
        "frequent_unassigned_actors": [
            {"actor": a, "events": int(n)} for a, n in zip(frequent["actor"], frequent["n"], strict=True)
        ],
    }


def source_gaps(
    dyad: str | Path | Dyad, db: str | Path | None = None, *, backend: Any = None
) -> list[dict]:
    """Spans of the dyad's period that no ingested file of its sources covers.

    Each ingested file (by path) covers its first to its last event date among the rows of the
    dyad's datasets and countries; the spans between them are periods the sources did not
    collect, not calm (the analysis leaves them out and says so).
    """
    dyad = load_dyad(dyad)
    backend = backend or ibis_backend(db)
    t = backend.table("events")
    kept = Filters(country=dyad.filters.country, source_dataset=dyad.filters.source_dataset)
    t = apply_filters(t, kept)
    ingests = backend.table("ingests").select("ingest_id", "path")
    spans = (
        t.join(ingests, "ingest_id")
        .group_by("path")
        .aggregate(first=t.date.min(), last=t.date.max())
        .to_pandas()
    )
    if spans.empty:
        return []
    lo = pd.Timestamp(dyad.filters.start) if dyad.filters.start else pd.Timestamp(spans["first"].min())
    hi = pd.Timestamp(dyad.filters.end) if dyad.filters.end else pd.Timestamp(spans["last"].max())
    gaps, reach = [], lo - pd.Timedelta(days=1)
    for first, last in sorted(zip(pd.to_datetime(spans["first"]), pd.to_datetime(spans["last"]), strict=True)):
        if first > reach + pd.Timedelta(days=1) and first > lo:
            gaps.append((max(reach + pd.Timedelta(days=1), lo), min(first - pd.Timedelta(days=1), hi)))
        reach = max(reach, last)
    if reach < hi:
        gaps.append((reach + pd.Timedelta(days=1), hi))
    return [
        {"start": str(a.date()), "end": str(b.date()), "why": "no ingested file of the sources covers it"}
        for a, b in gaps
        if a <= b
    ]
