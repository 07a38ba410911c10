"""Dyad files: two sides, the rules that assign events to them, filters and analysis settings.

A dyad is data (TOML), so that an analysis can be reproduced from the file alone. See
docs/dyads.md for the format; examples live in examples/.
"""

from __future__ import annotations

import math
import os
import tomllib
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictFloat, StrictInt, StrictStr, ValidationError

from jervis.errors import JervisError, JervisWarning, nearest, schema_error
from jervis.store.schema import COLUMNS, MODES, PLOVER_EVENTS

SIDES = ("A", "B")


@dataclass
class Side:
    """How rows are assigned to one side: any rule that matches assigns the row."""

    label: str
    actors: list[str] = field(default_factory=list)  # canonical names
    actor_regex: list[str] = field(default_factory=list)  # on the raw name
    cameo_prefix: list[str] = field(default_factory=list)  # on the CAMEO code of "CODE|Name"
    column: dict[str, list[str]] = field(default_factory=dict)  # e.g. {"actor_side": ["A"]}

    def is_empty(self) -> bool:
        return not (self.actors or self.actor_regex or self.cameo_prefix or self.column)


@dataclass
class Filters:
    country: list[str] = field(default_factory=list)
    start: date | None = None
    end: date | None = None
    events: list[str] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    source_dataset: list[str] = field(default_factory=list)
    bbox: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat


@dataclass
class Dyad:
    name: str
    sides: dict[str, Side]
    filters: Filters = field(default_factory=Filters)
    analysis: dict[str, Any] = field(default_factory=dict)
    path: str | None = None

    def label(self, side: str) -> str:
        return self.sides[side].label


# ---- the file's schema (pydantic): types checked, unknown keys refused with the nearest name ----

_Names = StrictStr | list[StrictStr] | None


class _SideFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    label: StrictStr | None = None
    actors: _Names = None
    actor_regex: _Names = None
    cameo_prefix: _Names = None
    column: dict[StrictStr, StrictStr | list[StrictStr]] | None = None


class _FiltersFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    country: _Names = None
    start: date | StrictStr | None = None
    end: date | StrictStr | None = None
    events: _Names = None
    modes: _Names = None
    source_dataset: _Names = None
    bbox: list[StrictFloat | StrictInt] | None = None


class _DyadFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: StrictStr | None = None
    description: StrictStr | None = None
    sides: dict[StrictStr, _SideFile] = {}
    filters: _FiltersFile | None = None
    analysis: dict[StrictStr, Any] | None = None  # checked by the analysis package


def _list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _date(value: Any, where: str, path: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise JervisError(f"{where} {value!r} is not a YYYY-MM-DD date", path=path) from None


def check_regex(pattern: str) -> str | None:
    """None when DuckDB's regular-expression engine (RE2, the one that runs dyads) accepts it."""
    import duckdb

    try:
        duckdb.connect().execute("SELECT regexp_matches('', ?)", [pattern]).fetchone()
    except duckdb.Error as exc:
        return str(exc).split("\n")[0]
    return None


_KINDS = {"DATE": "a YYYY-MM-DD date", "INTEGER": "a whole number", "SMALLINT": "a whole number",
          "DOUBLE": "a number"}  # what a value of each typed store column must be  # fmt: skip


def _check_typed(where: str, column: str, values: list[str], path: str) -> None:
    """Values a side matches in a typed column must convert to its type, as DuckDB converts
    them when the rule runs (a date column matched against "x" failed only then)."""
    import duckdb

    from jervis.store.db import _SQL_TYPES  # the store's column types, as its tables are made
    from jervis.store.schema import ARROW_SCHEMA

    sql_type = _SQL_TYPES[str(ARROW_SCHEMA.field(column).type)]
    kind = _KINDS.get(sql_type)
    if kind is None:  # VARCHAR: any value is one
        return
    con = duckdb.connect()
    for value in values:
        try:
            con.execute(f"SELECT CAST(? AS {sql_type})", [value]).fetchone()
        except duckdb.Error:
            raise JervisError(f"{where}: {value!r} is not {kind}, as the column {column!r} holds",
                              path=path) from None  # fmt: skip


def _no_nul(value: Any, where: str, path: str) -> None:
    """Dyad rules run as SQL literals, which end at a NUL character: refuse one anywhere."""
    if isinstance(value, str) and "\x00" in value:
        raise JervisError(f"{where} {value!r} contains a NUL character", path=path)
    if isinstance(value, dict):
        for key, inner in value.items():
            _no_nul(key, where or "a key", path)
            _no_nul(inner, f"{where}.{key}" if where else str(key), path)
    elif isinstance(value, list | tuple):
        for inner in value:
            _no_nul(inner, where, path)


def _side(name: str, data: _SideFile, path: str) -> Side:
    regex = _list(data.actor_regex)
    for pattern in regex:
        problem = check_regex(pattern)
        if problem:
            raise JervisError(
                f"sides.{name}.actor_regex {pattern!r} is not a valid RE2 regular expression "
                f"({problem}); RE2 has no lookaround or backreferences",
                path=path,
            )
    column = {}
    for key, value in (data.column or {}).items():
        if key not in COLUMNS:
            raise JervisError(
                f"sides.{name}.column: {key!r} is not a canonical column{nearest(key, COLUMNS)}",
                path=path,
            )
        column[key] = _list(value)
        _check_typed(f"sides.{name}.column.{key}", key, column[key], path)
    side = Side(
        label=data.label if data.label is not None else name,
        actors=_list(data.actors),
        actor_regex=regex,
        cameo_prefix=_list(data.cameo_prefix),
        column=column,
    )
    if side.is_empty():
        raise JervisError(f"[sides.{name}] assigns nothing: give actors, actor_regex, "
                          "cameo_prefix or column", path=path)  # fmt: skip
    return side


def _overlaps(a: Side, b: Side) -> list[str]:
    """Rules that can put the same event on both sides (A wins such rows)."""
    found = [f"actor {n!r}" for n in sorted(set(a.actors) & set(b.actors))]
    found += [
        f"cameo_prefix {p!r} / {q!r}"
        for p in a.cameo_prefix for q in b.cameo_prefix if p.startswith(q) or q.startswith(p)
    ]  # fmt: skip
    for column in sorted(set(a.column) & set(b.column)):
        common = sorted(set(a.column[column]) & set(b.column[column]))
        found += [f"{column} = {v!r}" for v in common]
    return found


def parse_dyad(data: dict, path: str = "<dyad>") -> Dyad:
    try:
        raw = _DyadFile.model_validate(data)
    except ValidationError as exc:
        raise schema_error(exc, path=path, what="dyad file", model=_DyadFile) from None
    _no_nul(data, "", path)
    unknown_sides = sorted(set(raw.sides) - set(SIDES))
    if unknown_sides or set(raw.sides) != set(SIDES):
        hint = "".join(nearest(s, SIDES) for s in unknown_sides[:1])
        raise JervisError(f"a dyad needs exactly two sides, [sides.A] and [sides.B]{hint}", path=path)
    filters_raw = raw.filters or _FiltersFile()
    events = [e.upper() for e in _list(filters_raw.events)]
    bad = [e for e in events if e not in PLOVER_EVENTS]
    if bad:
        raise JervisError(f"filters.events: unknown PLOVER events {bad}{nearest(bad[0], PLOVER_EVENTS)}", path=path)
    modes = _list(filters_raw.modes)
    bad = [m for m in modes if m not in MODES]
    if bad:
        raise JervisError(f"filters.modes: unknown modes {bad}{nearest(bad[0], MODES)}", path=path)
    bbox = _bbox(filters_raw.bbox, path)
    filters = Filters(
        country=[_country(c, path) for c in _list(filters_raw.country)],
        start=_date(filters_raw.start, "filters.start", path),
        end=_date(filters_raw.end, "filters.end", path),
        events=events,
        modes=modes,
        source_dataset=_list(filters_raw.source_dataset),
        bbox=bbox,
    )
    if filters.start and filters.end and filters.start > filters.end:
        raise JervisError("filters.start is after filters.end", path=path)
    sides = {s: _side(s, raw.sides[s], path) for s in SIDES}
    overlap = _overlaps(sides["A"], sides["B"])
    if overlap:
        warnings.warn(
            f"{path}: sides A and B overlap ({'; '.join(overlap[:5])}); such events count for A",
            JervisWarning,
            stacklevel=2,
        )
    return Dyad(
        name=raw.name if raw.name is not None else Path(path).stem,
        sides=sides,
        filters=filters,
        analysis=dict(raw.analysis or {}),
        path=path,
    )


def _bbox(value: list[float | int] | None, path: str) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    if len(value) != 4:
        raise JervisError("filters.bbox must be [min_lon, min_lat, max_lon, max_lat]", path=path)
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in value)
    if not all(math.isfinite(v) for v in (min_lon, min_lat, max_lon, max_lat)):
        raise JervisError("filters.bbox values must be finite numbers", path=path)
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise JervisError("filters.bbox is out of range (longitudes -180..180, latitudes -90..90)", path=path)
    if min_lon > max_lon or min_lat > max_lat:
        swapped = []
        if min_lon > max_lon:
            swapped.append(f"min_lon {min_lon} > max_lon {max_lon}")
        if min_lat > max_lat:
            swapped.append(f"min_lat {min_lat} > max_lat {max_lat}")
        raise JervisError(
            f"filters.bbox has swapped corners ({', '.join(swapped)}); the order is "
            "[min_lon, min_lat, max_lon, max_lat]",
            path=path,
        )
    return min_lon, min_lat, max_lon, max_lat


def _country(value: str, path: str) -> str:
    from jervis.sources.countries import to_iso3

    code = to_iso3(value)
    if code is None:
        raise JervisError(f"filters.country: {value!r} is not a country name or ISO code", path=path)
    return code


def dyad_toml(data: dict, path: str = "<dyad>") -> str:
    """A dyad given as data (e.g. from the web app's form) as the TOML of a dyad file, checked
    by the same rules as a file, so the file it is saved to loads back into the same dyad."""
    import tomli_w

    parse_dyad(data, path)
    return tomli_w.dumps(data)


def load_dyad(path: str | Path | Dyad) -> Dyad:
    """Read and check a dyad TOML file (a Dyad passes through)."""
    if isinstance(path, Dyad):
        return path
    if not isinstance(path, str | os.PathLike):  # open(0) would read, then close, standard input
        raise JervisError(f"a dyad is a TOML file path or a Dyad, not {path!r}")
    try:
        with open(path, "rb") as fh:
            data = tomllib.loads(fh.read().decode("utf-8-sig"))  # Notepad writes a byte-order mark
    except FileNotFoundError:
        raise JervisError("no such dyad file", path=str(path)) from None
    except IsADirectoryError:
        raise JervisError("is a folder, not a dyad file", path=str(path)) from None
    except OSError as exc:
        raise JervisError(f"cannot read dyad file ({exc.strerror})", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise JervisError(f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at {exc.start}); "
                          "TOML files are UTF-8", path=str(path)) from None  # fmt: skip
    except tomllib.TOMLDecodeError as exc:
        raise JervisError(f"not valid TOML ({exc})", path=str(path)) from None
    return parse_dyad(data, str(path))
