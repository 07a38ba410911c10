"""Analysis settings: defaults, types and checks, in one table.

Settings come from, in order of precedence: keyword arguments of ``jervis.analyze``, the dyad's
``[analysis]`` table, then ``DEFAULTS``. Every value is checked here, so a typo or a wrong type
is one clear error (a ``JervisError`` naming the key and, for an unknown key, the nearest valid
name), never a traceback and never an "inconclusive" verdict that hides the mistake.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from jervis.errors import JervisError

BINS = ("day", "week", "month")
ACTIONS = ("initiated", "harm")

DEFAULTS: dict[str, Any] = {
    "actions": "initiated",
    "bin": "day",
    "horizon_days": 7,
    "max_lag_days": 14,
    "lag_selection": "aic",
    "trend_every_days": 365,
    "level_days": 0,
    "season": False,
    "dispersion": "ml",
    "var_occurrence": True,
    "min_incidents": 30,
    "min_active_bins": 30,
    "episode_gap_days": 7,
    "episode_window_days": 3,
    "episode_threshold": "auto",
    "coverage_gap_days": 0,
    "exclude": [],
    "robustness": True,
    "n_placebo": 1000,
    "seed": 0,
    "methods": None,
}


MAX_DAYS = 36_500  # a hundred years: more than any dataset covers; beyond it a lag loop never ends


def _whole(low: int, high: int | None = None) -> Callable[[str, Any], int]:
    def check(key: str, value: Any) -> int:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not math.isfinite(value) or value != int(value):  # int(inf), int(nan) raise
            raise JervisError(f"{key} must be a whole number, not {value!r}")
        if value < low:
            raise JervisError(f"{key} must be at least {low}, not {value!r}")
        if high is not None and value > high:
            raise JervisError(f"{key} must be at most {high:,} days (a hundred years), not {value!r}")
        return int(value)

    return check


def _choice(*choices: str) -> Callable[[str, Any], str]:
    def check(key: str, value: Any) -> str:
        if value not in choices:
            raise JervisError(
                f"{key} must be one of {', '.join(map(repr, choices))}, not {value!r}"  # where: the caller's
            )
        return value

    return check


def _flag(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise JervisError(f"{key} must be true or false, not {value!r}")
    return value


def _lag_selection(key: str, value: Any) -> str | int:
    if value in ("aic", "bic"):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_DAYS:
        return value
    raise JervisError(f"{key} must be 'aic', 'bic' or a number of days from 1 to {MAX_DAYS:,}, not {value!r}")


def _threshold(key: str, value: Any) -> str | int:
    if value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
        return value
    raise JervisError(f"{key} must be 'auto' or a count of at least 1, not {value!r}")


def _spans(key: str, value: Any) -> list[list[str]]:
    """[[start, end], ...] of ISO dates: periods the sources did not cover."""
    if not isinstance(value, list | tuple):
        raise JervisError(f"{key} must be a list of [start, end] dates, not {value!r}")
    spans = []
    for item in value:
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise JervisError(f"{key}: each entry must be [start, end], not {item!r}")
        try:
            start, end = (pd.Timestamp(str(v)) for v in item)
        except ValueError as exc:
            raise JervisError(f"{key}: bad date in {item!r} ({exc})") from None
        if end < start:
            raise JervisError(f"{key}: {item!r} ends before it starts")
        spans.append([str(start.date()), str(end.date())])
    return spans


def _methods(key: str, value: Any) -> list[str] | None:
    from jervis.analysis.base import METHODS

    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not value:
        raise JervisError(f"{key} must be a list of method names, not {value!r}")
    for name in value:
        if name not in METHODS:
            raise JervisError(
                f"unknown method {name!r}{_nearest(str(name), METHODS)}; "
                f"choose from {', '.join(METHODS)}"
            )
    return list(dict.fromkeys(value))


CHECKS: dict[str, Callable[[str, Any], Any]] = {
    "actions": _choice(*ACTIONS),
    "bin": _choice(*BINS),
    "horizon_days": _whole(1, MAX_DAYS),
    "max_lag_days": _whole(0, MAX_DAYS),
    "lag_selection": _lag_selection,
    "trend_every_days": _whole(7, MAX_DAYS),
    "level_days": _whole(0, MAX_DAYS),
    "season": _flag,
    "dispersion": _choice("ml", "moments"),
    "var_occurrence": _flag,
    "min_incidents": _whole(1),
    "min_active_bins": _whole(1),
    "episode_gap_days": _whole(1, MAX_DAYS),
    "episode_window_days": _whole(1, MAX_DAYS),
    "episode_threshold": _threshold,
    "coverage_gap_days": _whole(0, MAX_DAYS),
    "exclude": _spans,
    "robustness": _flag,
    "n_placebo": _whole(20),
    "seed": _whole(0),
    "methods": _methods,
}
assert set(CHECKS) == set(DEFAULTS)


def _nearest(key: str, valid: Any) -> str:
    close = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_settings(values: dict[str, Any], where: str = "[analysis]") -> dict[str, Any]:
    """Checked values of the given keys (unknown keys are errors naming the nearest one).

    ``where`` starts every message: "[analysis]", "path/dyad.toml: [analysis]" or
    "jervis.analyze():".
    """
    out = {}
    for key, value in values.items():
        if key not in CHECKS:
            raise JervisError(f"{where} has an unknown key {key!r}{_nearest(key, CHECKS)}")
        try:
            out[key] = CHECKS[key](key, value)
        except JervisError as exc:
            raise JervisError(f"{where} {exc.message}") from None
    return out


def resolve(*layers: dict[str, Any] | None) -> dict[str, Any]:
    """DEFAULTS overridden by each layer in turn (None values in a layer do not override)."""
    merged = dict(DEFAULTS)
    for layer in layers:
        merged.update({k: v for k, v in (layer or {}).items() if v is not None})
    return check_settings(merged)
