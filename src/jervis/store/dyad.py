"""Dyad files: two sides, the rules that assign events to them, filters and analysis settings.

A dyad is data (TOML), so that an analysis can be reproduced from the file alone. See
docs/dyads.md for the format; examples live in examples/.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jervis.errors import JervisError
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


def _strings(value: Any, where: str, path: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise JervisError(f"{where} must be a string or a list of strings", path=path)


def _date(value: Any, where: str, path: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise JervisError(f"{where} {value!r} is not a YYYY-MM-DD date", path=path) from None


def _side(name: str, data: dict, path: str) -> Side:
    if not isinstance(data, dict):
        raise JervisError(f"[sides.{name}] must be a table", path=path)
    known = {"label", "actors", "actor_regex", "cameo_prefix", "column"}
    unknown = set(data) - known
    if unknown:
        raise JervisError(f"[sides.{name}] has unknown keys {sorted(unknown)}", path=path)
    regex = _strings(data.get("actor_regex"), f"sides.{name}.actor_regex", path)
    for pattern in regex:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise JervisError(f"sides.{name}.actor_regex {pattern!r}: {exc}", path=path) from None
    column = {}
    for key, value in (data.get("column") or {}).items():
        if key not in COLUMNS:
            raise JervisError(f"sides.{name}.column: {key!r} is not a canonical column", path=path)
        column[key] = _strings(value, f"sides.{name}.column.{key}", path)
    side = Side(
        label=str(data.get("label", name)),
        actors=_strings(data.get("actors"), f"sides.{name}.actors", path),
        actor_regex=regex,
        cameo_prefix=_strings(data.get("cameo_prefix"), f"sides.{name}.cameo_prefix", path),
        column=column,
    )
    if side.is_empty():
        raise JervisError(f"[sides.{name}] assigns nothing: give actors, actor_regex, "
                          "cameo_prefix or column", path=path)  # fmt: skip
    return side


def parse_dyad(data: dict, path: str = "<dyad>") -> Dyad:
    sides = data.get("sides") or {}
    if set(sides) != set(SIDES):
        raise JervisError("a dyad needs exactly two sides, [sides.A] and [sides.B]", path=path)
    raw = data.get("filters") or {}
    events = [e.upper() for e in _strings(raw.get("events"), "filters.events", path)]
    bad = [e for e in events if e not in PLOVER_EVENTS]
    if bad:
        raise JervisError(f"filters.events: unknown PLOVER events {bad}", path=path)
    modes = _strings(raw.get("modes"), "filters.modes", path)
    bad = [m for m in modes if m not in MODES]
    if bad:
        raise JervisError(f"filters.modes: unknown modes {bad}", path=path)
    bbox = raw.get("bbox")
    if bbox is not None and (len(bbox) != 4 or not all(isinstance(v, int | float) for v in bbox)):
        raise JervisError("filters.bbox must be [min_lon, min_lat, max_lon, max_lat]", path=path)
    filters = Filters(
        country=[c.upper() for c in _strings(raw.get("country"), "filters.country", path)],
        start=_date(raw.get("start"), "filters.start", path),
        end=_date(raw.get("end"), "filters.end", path),
        events=events,
        modes=modes,
        source_dataset=_strings(raw.get("source_dataset"), "filters.source_dataset", path),
        bbox=tuple(float(v) for v in bbox) if bbox else None,  # type: ignore[arg-type]
    )
    if filters.start and filters.end and filters.start > filters.end:
        raise JervisError("filters.start is after filters.end", path=path)
    return Dyad(
        name=str(data.get("name", Path(path).stem)),
        sides={s: _side(s, sides[s], path) for s in SIDES},
        filters=filters,
        analysis=dict(data.get("analysis") or {}),
        path=path,
    )


def load_dyad(path: str | Path | Dyad) -> Dyad:
    """Read and check a dyad TOML file (a Dyad passes through)."""
    if isinstance(path, Dyad):
        return path
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise JervisError("no such dyad file", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise JervisError(f"not valid TOML ({exc})", path=str(path)) from None
    return parse_dyad(data, str(path))
