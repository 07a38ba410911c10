"""Read queries as Ibis expressions, so the same code runs on DuckDB and on Spark.

Every function takes ``db``: a store path (DuckDB, the default engine) or an ``Engine``
(store/engine.py: DuckDB or Spark, a store or an event lake, fused events or every row).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from jervis.errors import JervisError
from jervis.sources.countries import to_iso3
from jervis.store.db import ibis_backend
from jervis.store.dyad import SIDES, Dyad, Filters, Side, load_dyad
from jervis.store.engine import Engine, as_engine, page_bounds
from jervis.store.schema import COLUMNS, INT_COLUMNS, MODES, PLOVER_EVENTS

StoreArg = str | Path | Engine | None


def events_table(engine: Engine | Any) -> ir.Table:
    """The events analyses read (fused when the engine says so), canonical columns.
    ``engine``: an Engine, or an Ibis backend on a store (read as a DuckDB store)."""
    return as_engine(engine).events().select(*COLUMNS)


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        values = [value]
    elif isinstance(value, Iterable) and not isinstance(value, bytes | dict):
        values = list(value)
    else:
        raise JervisError(f"a filter takes text or a list of text, not {value!r}")
    for v in values:
        if not isinstance(v, str):  # an int, None or bytes failed deep inside with no name
            raise JervisError(f"filter values are text, not {v!r}")
        if "\x00" in str(v):  # Ibis inlines literals; DuckDB's parser stops at a NUL
            raise JervisError(f"filter value {str(v)!r} contains a NUL character")
    return values


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


def filtered_events(
    backend: Any,
    *,
    country: str | Sequence[str] | None = None,
    start: str | date | None = None,
    end: str | date | None = None,
    event: str | Sequence[str] | None = None,
    mode: str | Sequence[str] | None = None,
    actor: str | Sequence[str] | None = None,
    side: str | Sequence[str] | None = None,
    source_dataset: str | Sequence[str] | None = None,
) -> ir.Table:
    """The events table with the query filters of `events` applied (an Ibis expression)."""
    first, last = _day(start, "start"), _day(end, "end")
    if first and last and first > last:  # an empty answer would look like "no such events"
        raise JervisError(f"start {first} is after end {last}")
    filters = Filters(
        country=[_country(c) for c in _as_list(country)],
        start=first,
        end=last,
        events=[_vocabulary(e, "event") for e in _as_list(event)],
        modes=[_vocabulary(m, "mode") for m in _as_list(mode)],
        source_dataset=_as_list(source_dataset),
    )
    t = apply_filters(events_table(backend), filters)
    actors = _as_list(actor)
    if actors:
        t = t.filter(t.actor.isin(actors) | t.target.isin(actors))
    sides = _as_list(side)
    if sides:
        t = t.filter(t.actor_side.isin(sides))
    return t


def events(
    db: StoreArg = None,
    *,
    country: str | Sequence[str] | None = None,
    start: str | date | None = None,
    end: str | date | None = None,
    event: str | Sequence[str] | None = None,
    mode: str | Sequence[str] | None = None,
    actor: str | Sequence[str] | None = None,
    side: str | Sequence[str] | None = None,
    source_dataset: str | Sequence[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
    as_arrow: bool = False,
    backend: Any = None,
) -> pd.DataFrame:
    """Events in the canonical schema, filtered, ordered by date (pandas, or Arrow).

    ``actor`` matches the actor or the target; ``side`` the actor's ``actor_side``.
    ``limit``/``offset`` page through the ordered result.
    """
    limit, offset = page_bounds(limit, offset)
    t = filtered_events(
        as_engine(db, backend), country=country, start=start, end=end, event=event, mode=mode,
        actor=actor, side=side, source_dataset=source_dataset,
    )  # fmt: skip
    t = t.order_by(["date", "event_id"])
    if limit is not None or offset:
        t = t.limit(limit, offset=offset)
    if as_arrow:
        return t.to_pyarrow()
    frame = t.to_pandas()
    for column in (*INT_COLUMNS, "geo_precision"):
        frame[column] = frame[column].astype("Int64")  # unknown stays <NA>, counts stay whole
    return frame


# The filters of `filtered_events` as SQL with bound parameters, for `events_page` on DuckDB.
# Column names come from this table, never from input; values are always bound.
_LIST_FILTERS = {"country": "country", "event": "event", "mode": "mode", "side": "actor_side",
                 "source_dataset": "source_dataset"}  # fmt: skip


def _where(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    unknown = set(filters) - set(_LIST_FILTERS) - {"start", "end", "actor"}
    if unknown:
        raise TypeError(f"unknown filters {sorted(unknown)}")
    clauses: list[str] = []
    params: list[Any] = []
    for key, column in _LIST_FILTERS.items():
        values = _as_list(filters.get(key))
        if key == "country":
            values = [_country(v) for v in values]
        elif key in ("event", "mode"):
            values = [_vocabulary(v, key) for v in values]
        if values:
            clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
            params += values
    for key, op in (("start", ">="), ("end", "<=")):
        day = _day(filters.get(key), key)
        if day:
            clauses.append(f"date {op} ?")
            params.append(day)
    actors = _as_list(filters.get("actor"))
    if actors:
        marks = ", ".join("?" * len(actors))
        clauses.append(f"(actor IN ({marks}) OR target IN ({marks}))")
        params += actors * 2
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def events_page(
    db: str | Path | None = None, *, backend: Any = None, limit: int = 50, offset: int = 0,
    **filters: Any,
) -> tuple[int, Any]:  # fmt: skip
    """(total, one page as an Arrow table) of `events(**filters)`, ordered the same way.

    The web app's hot path. On DuckDB it runs two SQL statements with bound parameters: Ibis
    spends ~15 ms of Python compiling each expression, the query itself ~3 ms. Elsewhere (Spark)
    it is `count_events` and `events` through Ibis. A Hypothesis test holds both equal.
    """
    backend = backend or ibis_backend(db)
    if getattr(backend, "name", None) != "duckdb":
        total = count_events(backend=backend, **filters)
        return total, events(backend=backend, limit=limit, offset=offset, as_arrow=True, **filters)
    where, params = _where(filters)
    con = backend.con
    total = con.execute(f"SELECT count(*) FROM events {where}", params).fetchone()[0]
    page = con.execute(
        f"SELECT {', '.join(COLUMNS)} FROM events {where} ORDER BY date, event_id LIMIT ? OFFSET ?",
        [*params, int(limit), int(offset)],
    ).to_arrow_table()
    return int(total), page


def count_events(db: str | Path | None = None, *, backend: Any = None, **filters: Any) -> int:
    """How many events `events(**filters)` returns without a limit."""
    t = filtered_events(as_engine(db, backend), **filters)
    return int(t.count().to_pyarrow().as_py())


FACET_COLUMNS = ("country", "event", "mode", "source_dataset", "actor_side")


def event_facets(
    db: str | Path | None = None, *, backend: Any = None, columns: Sequence[str] = FACET_COLUMNS,
    top: int = 200,
) -> dict[str, list[tuple[str, int]]]:  # fmt: skip
    """The most frequent values of some columns with their event counts (for filter menus)."""
    t = events_table(as_engine(db, backend))
    out = {}
    for column in columns:
        known = t.filter(t[column].notnull())
        counts = known.group_by(column).aggregate(n=known.count())
        frame = counts.order_by([ibis.desc("n"), column]).limit(top).to_pandas()
        out[column] = [(str(v), int(n)) for v, n in zip(frame[column], frame["n"], strict=True)]
    return out


def _day(value: str | date | None, name: str) -> date | None:
    """A date from a date or ISO 8601 text (YYYY-MM-DD); anything else is a clear error."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise JervisError(f"{name} {value!r} is not a date in YYYY-MM-DD form") from None


def _vocabulary(value: str, name: str) -> str:
    """An event type (any case) or a mode of the schema's vocabulary; another value (a typo:
    'ASSUALT', 'rockets') is a clear error, not a silent empty answer (no stored row has it)."""
    known = PLOVER_EVENTS if name == "event" else MODES
    key = value.strip().upper() if name == "event" else value.strip()
    if key not in known:
        raise JervisError(f"{name} {value!r} is not one of the schema's {name}s ({', '.join(sorted(known))})")
    return key


def _country(value: str) -> str:
    """ISO 3166 alpha-3 from a code or a country name (through country_converter)."""
    code = to_iso3(value)
    if code is None and len(value.strip()) == 3 and value.strip().isalpha():
        code = value.strip().upper()  # a code the library does not know: matched as given
    if code is None:
        raise JervisError(f"country {value!r} is not an ISO 3166 code or a country name")
    return code


def dyad_table(dyad: Dyad, engine: Engine) -> ir.Table:
    """Filtered events with sides; only rows that touch side A or B."""
    t = with_sides(apply_filters(events_table(engine), dyad.filters), dyad)
    return t.filter(t.side.notnull() | t.tside.notnull())


def dyad_events(dyad: str | Path | Dyad, db: StoreArg = None, *, backend: Any = None) -> pd.DataFrame:
    """The event frame the analysis reads: one row per event touching the dyad.

    Columns: date (datetime64), time, side (initiator A/B or null), target_side (A/B or null),
    event, mode, actor, target, latitude, longitude, killed, wounded, actor_killed,
    target_killed, civilians_killed (floats, NaN = unknown), source_dataset, event_id.
    ``frame.attrs["notes"]`` holds what the verdict must disclose about the rows (fusion).
    """
    dyad = load_dyad(dyad)
    engine = as_engine(db, backend)
    t = dyad_table(dyad, engine)
    cols = ["event_id", "date", "time", "side", "tside", "event", "mode", "actor", "target",
            "latitude", "longitude", *INT_COLUMNS, "source_dataset"]  # fmt: skip
    frame = t.select(*cols).order_by(["date", "event_id"]).to_pandas()
    frame = frame.rename(columns={"tside": "target_side"})
    for side in SIDES:
        if not ((frame["side"] == side) | (frame["target_side"] == side)).any():
            raise JervisError(_no_events_message(dyad, side, engine), path=dyad.path)
    frame["date"] = pd.to_datetime(frame["date"])
    for column in INT_COLUMNS:
        frame[column] = frame[column].astype("float64")
    note = engine.fusion_note(frame)
    frame.attrs["notes"] = [note] if note else []
    return frame


def _no_events_message(dyad: Dyad, side: str, engine: Engine, top: int = 5) -> str:
    """Why a side is empty, with the stored actor names closest to what the side asks for."""
    label = dyad.label(side)
    rules = dyad.sides[side]
    t = apply_filters(events_table(engine), dyad.filters)
    names = t.select(name=t.actor).union(t.select(name=t.target), distinct=False)
    names = names.filter(names.name.notnull())
    frequent = names.group_by("name").aggregate(n=names.count()).order_by(ibis.desc("n")).limit(20000)
    known = [str(n) for n in frequent.to_pandas()["name"]]
    if not known:
        return f"side {side} ({label}) matches no events: no event passes the dyad's filters"
    wanted = [*rules.actors, *rules.cameo_prefix, *(p.strip("^$.*()?") for p in rules.actor_regex)]
    close: list[str] = []
    for name in wanted:
        close += [c for c in difflib.get_close_matches(name, known, n=top, cutoff=0.5) if c not in close]
        lowered = name.casefold()
        close += [k for k in known if lowered and lowered in k.casefold() and k not in close][:top]
    shown = ", ".join(repr(c) for c in (close or known)[:top])
    which = "nearest actor names" if close else "most frequent actor names"
    return (
        f"side {side} ({label}) matches no events as actor or target after the dyad's filters "
        f"({which}: {shown}); check `jervis dyad check` and `jervis actors`"
    )


def dyad_check(dyad: str | Path | Dyad, db: StoreArg = None, *, top: int = 10, backend: Any = None) -> dict:
    """How many events each side gets, and the frequent actors left unassigned."""
    dyad = load_dyad(dyad)
    t = with_sides(apply_filters(events_table(as_engine(db, backend)), dyad.filters), dyad)
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


def source_gaps(dyad: str | Path | Dyad, db: StoreArg = None, *, backend: Any = None) -> list[dict]:
    """Spans of the dyad's period that no ingested file of its sources covers.

    Each ingested file (by path) covers its first to its last event date among the rows of the
    dyad's datasets and countries; the spans between them are periods the sources did not
    collect, not calm (the analysis leaves them out and says so).
    """
    dyad = load_dyad(dyad)
    engine = as_engine(db, backend)
    t = engine.stored_events()
    kept = Filters(country=dyad.filters.country, source_dataset=dyad.filters.source_dataset)
    t = apply_filters(t, kept)
    # The catalogue is DuckDB whatever the engine: bring its (small) ingests table along.
    ingests = ibis.memtable(engine.catalog.table("ingests").select("ingest_id", "path").to_pandas())
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
