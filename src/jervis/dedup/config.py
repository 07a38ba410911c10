"""De-duplication settings: tolerances, compatible modes and events, weights (data/dedup.toml)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from jervis.errors import JervisError
from jervis.store.schema import DATE_PRECISIONS, MODES, PLOVER_EVENTS

FIELDS = ("date", "place", "actor", "target", "mode", "event", "killed", "wounded", "killed_size", "wounded_size",
          "killed_zero", "wounded_zero", "split", "text", "location", "crowd", "coarse", "crowd_coarse",
          "undominated", "rivals")
TERMS = ("crowd", "coarse", "crowd_coarse", "undominated", "rivals")  # of the pair, not a field both rows report
SIZES = ("killed_size", "wounded_size")  # a count's weight by its size: no presence term of their own
ZEROS = ("killed_zero", "wounded_zero")  # both reports say none: no presence term of their own either
RIVALS = ("undominated", "rivals")  # look-alikes among a row's candidates (match._undominated)


@dataclass(frozen=True)
class DedupConfig:
    """What may differ between two reports of one event, and how the agreement is weighed."""

    threshold: float
    cohesion: float  # every pair inside a cluster must score at least this
    bias: float  # log-odds of a pair with no field reported (the intercept)
    curated: tuple[str, ...]  # sources that list each event once: their rows never merge
    date_tolerance_days: dict[str, int]
    default_radius_km: float
    radius_km: dict[str, dict[int, float]]  # source_dataset -> geo_precision -> km
    mode_families: dict[str, list[str]]
    event_families: dict[str, list[str]]
    weights: dict[str, float] = field(default_factory=dict)  # per unit of similarity
    present: dict[str, float] = field(default_factory=dict)  # when both rows report the field
    path: str = "<builtin>"

    @classmethod
    def load(cls, path: str | Path | None = None) -> DedupConfig:
        """The shipped settings, or a user's file with the same tables."""
        if path is not None and not isinstance(path, str | os.PathLike):  # Path(5): a TypeError
            raise JervisError(f"config must be a dedup config file path (str or pathlib.Path), not {path!r}")
        where = str(path) if path else "jervis/data/dedup.toml"
        try:
            if path is None:
                text = (resources.files("jervis") / "data" / "dedup.toml").read_text("utf-8")
            else:
                text = Path(path).read_text("utf-8-sig")  # Notepad writes a byte-order mark
            data = tomllib.loads(text)
        except FileNotFoundError:
            raise JervisError("no such dedup config file", path=where) from None
        except IsADirectoryError:
            raise JervisError("is a folder, not a dedup config file", path=where) from None
        except OSError as exc:
            raise JervisError(f"cannot read the dedup config file ({exc.strerror or exc})", path=where) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise JervisError(f"not valid TOML ({exc})", path=where) from None
        return cls.from_dict(data, where)

    @classmethod
    def from_dict(cls, data: dict, where: str = "<dict>") -> DedupConfig:
        known = {"threshold", "cohesion", "bias", "curated", "date_tolerance_days", "place_radius_km", "mode_families",
                 "event_families", "weights", "present"}  # fmt: skip
        unknown = set(data) - known
        if unknown:
            raise JervisError(f"unknown keys {sorted(unknown)}; expected {sorted(known)}", path=where)
        _check_shape(data, where)
        try:
            threshold = float(data["threshold"])
            cohesion = float(data.get("cohesion", threshold))
            bias = float(data.get("bias", 0.0))
            curated = tuple(str(c) for c in data.get("curated", []))
            tolerance = {str(k): int(v) for k, v in data["date_tolerance_days"].items()}
            radii = dict(data["place_radius_km"])
            default = float(radii.pop("default"))
            per_source = {str(s): {int(k): float(v) for k, v in table.items()} for s, table in radii.items()}
            modes = {str(k): [str(m) for m in v] for k, v in data.get("mode_families", {}).items()}
            events = {str(k): [str(e) for e in v] for k, v in data.get("event_families", {}).items()}
            weights = {str(k): float(v) for k, v in data["weights"].items()}
            present = {str(k): float(v) for k, v in data.get("present", {}).items()}
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise JervisError(f"bad dedup settings ({exc!r})", path=where) from None
        _check_numbers(data, where)
        bad = sorted(set(tolerance) - set(DATE_PRECISIONS))
        bad += sorted({m for v in modes.values() for m in v} - MODES)
        bad += sorted({e for v in events.values() for e in v} - PLOVER_EVENTS)
        bad += sorted((set(weights) | set(present)) - set(FIELDS))
        if bad:
            raise JervisError(f"unknown names {bad} in the dedup settings", path=where)
        if not 0 < cohesion <= threshold < 1:
            raise JervisError("need 0 < cohesion <= threshold < 1", path=where)
        return cls(threshold, cohesion, bias, curated, tolerance, default, per_source, modes, events,
                   weights, present, where)  # fmt: skip

    def mode_masks(self) -> dict[str, int]:
        """Each mode's families as bits: two modes are compatible when their masks share one."""
        masks: dict[str, int] = {}
        for bit, members in enumerate(self.mode_families.values()):
            for mode in members:
                masks[mode] = masks.get(mode, 0) | (1 << bit)
        return masks

    def event_class(self) -> dict[str, str]:
        """Event type -> the family it is blocked in (itself when in none)."""
        out = {e: e for e in PLOVER_EVENTS}
        for name, members in self.event_families.items():
            for event in members:
                out[event] = name
        return out


REQUIRED = ("threshold", "date_tolerance_days", "place_radius_km", "weights")
TABLES = ("date_tolerance_days", "place_radius_km", "mode_families", "event_families", "weights", "present")


def _check_shape(data: dict, where: str) -> None:
    """A missing setting or a value of the wrong kind is named by its key (it was a KeyError or
    ValueError's repr): a user's file holds every setting of the shipped one."""
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise JervisError(f"missing {', '.join(missing)}: a dedup config holds every setting; copy "
                          "jervis/data/dedup.toml and change what you need", path=where)  # fmt: skip
    for key in ("threshold", "cohesion", "bias"):
        value = data.get(key, 0.0)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise JervisError(f"{key} must be a number (got {value!r})", path=where)
    for key in TABLES:
        if key in data and not isinstance(data[key], dict):
            raise JervisError(f"{key} must be a table ([{key}]), not {data[key]!r}", path=where)
    if "default" not in data["place_radius_km"]:
        raise JervisError("place_radius_km needs a default radius (default = KM)", path=where)


def _check_numbers(data: dict, where: str) -> None:
    """Numbers TOML allows that make no sense here (nan, inf, a negative or fractional number of
    days, a radius <= 0) are refused by name: float()/int() took them silently (int(2.7) == 2,
    a nan bias linked nothing)."""
    import math

    def fail(key: str, what: str, value: object) -> None:
        raise JervisError(f"{key} must be {what} (got {value!r})", path=where)

    for key in ("bias", "threshold", "cohesion"):
        value = data.get(key, 0.0)
        if not math.isfinite(float(value)):
            fail(key, "a finite number", value)
    for table in ("weights", "present"):
        for name, value in data.get(table, {}).items():
            if not math.isfinite(float(value)):
                fail(f"{table}.{name}", "a finite number", value)
    for name, value in data["date_tolerance_days"].items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            fail(f"date_tolerance_days.{name}", "a whole number of days >= 0", value)
    for name, value in data["place_radius_km"].items():
        radii = value.items() if isinstance(value, dict) else [(None, value)]
        for code, radius in radii:
            key = f"place_radius_km.{name}" + ("" if code is None else f".{code}")
            if not (math.isfinite(float(radius)) and float(radius) > 0):
                fail(key, "a finite number > 0", radius)
