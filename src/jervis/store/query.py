"""Read queries as Ibis expressions, so the same code runs on DuckDB here and Spark at scale."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
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
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise JervisError(f"limit must be a whole number >= 0, not {limit!r}")
    filters = Filters(
        country=[_country(c) for c in _as_list(country)],
        start=_day(start, "start"),
        end=_day(end, "end"),
        events=[e.upper() for e in _as_list(event)],
        modes=_as_list(mode),
        source_dataset=_as_list(source_dataset),
    )
    backend = backend or ibis_backend(db)
    t = apply_filters(events_table(backend), filters)
    actors = _as_list(actor)
    if actors:
        t = t.filter(t.actor.isin(actors) | t.target.isin(actors))
    t = t.order_by(["date", "event_id"])
    if limit is not None:
        t = t.limit(limit)
    if as_arrow:
        return t.to_pyarrow()
    frame = t.to_pandas()
    for column in (*INT_COLUMNS, "geo_precision"):
        frame[column] = frame[column].astype("Int64")  # unknown stays <NA>, counts stay whole
    return frame


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


def _country(value: str) -> str:
    """ISO 3166 alpha-3 from a code or a country name (through country_converter)."""
    code = to_iso3(value)
    if code is None and len(value.strip()) == 3 and value.strip().isalpha():
        code = value.strip().upper()  # a code the library does not know: matched as given
    if code is None:
        raise JervisError(f"country {value!r} is not an ISO 3166 code or a country name")
    return code


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
    for side in SIDES:
        if not ((frame["side"] == side) | (frame["target_side"] == side)).any():
            raise JervisError(_no_events_message(dyad, side, backend), path=dyad.path)
    frame["date"] = pd.to_datetime(frame["date"])
    for column in INT_COLUMNS:
        frame[column] = frame[column].astype("float64")
    return frame


def _no_events_message(dyad: Dyad, side: str, backend: Any, top: int = 5) -> str:
    """Why a side is empty, with the stored actor names closest to what the side asks for."""
    label = dyad.label(side)
    rules = dyad.sides[side]
    t = apply_filters(events_table(backend), dyad.filters)
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
