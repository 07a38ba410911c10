"""The estimator contract: one interface, one result type, one registry for every method.

Every action-reaction method (count regression, VAR/Granger, event study, episodes, spatial
windows, and any added later) is an :class:`Estimator`:

* **Parameters only in ``__init__``**, stored untouched (scikit-learn's contract); checking
  them is ``_check_params``, called by ``fit``. Parameters that several methods share have
  the same name and are **in days**, whatever the series' bin: ``horizon_days``,
  ``max_lag_days``, ``lag_selection``, ``n_placebo``, ``seed``. A method converts days to
  bins itself with :func:`bins_for` when it sees the series, so a weekly analysis of a 7-day
  horizon looks one week ahead, and never a number of days as a number of bins.
* **``fit(series, direction="A->B") -> self``** does the work. Fitted values end in ``_``;
  ``result_`` is always a :class:`MethodResult`, also when the method cannot say anything.
* **One failure style.** A method that cannot run on these data raises :class:`NotApplicable`
  with a plain-language reason inside ``_fit``; ``fit`` turns it (and a numerical failure of
  a library, whose text goes to ``notes`` only) into ``MethodResult(applicable=False,
  reason=...)``. Exceptions leave ``fit`` only for user mistakes (:class:`JervisError`: a bad
  parameter, a bad direction).
* **One result type.** :class:`MethodResult` has the fields the verdict reads (estimate,
  ci95, p_value, null_value, measure, horizon_days, applicable, reason, notes) and a
  ``details`` dict for what is particular to the method. ``notes`` discloses fallbacks,
  data-driven choices (lags, thresholds) and what was left out. The orchestration adds
  ``p_value_holm`` and ``points_to`` (what the method says after Holm's adjustment over the
  two directions, via the class's :meth:`Estimator.vote`).
* **Settings.** :meth:`Estimator.from_settings` builds a method from the analysis settings
  (the dyad's ``[analysis]`` table merged with defaults): each ``__init__`` parameter takes the
  setting of the same name, or the one ``setting_names`` maps it to.

**The registry** (:data:`METHODS`) maps a method name to ``"module:Class"``; modules are
imported on first use. Adding a method is one entry there: ``jervis analyze``, the verdict
and ``jervis validate`` then run it in both directions, and it votes in the verdict rule (a
significant call against the lead makes the verdict "inconclusive") unless the class sets
``votes = False``. A method that should also take part in the robustness grid overrides
:meth:`Estimator.specifications`.

Shared helpers live here once: :func:`parse_direction`, :func:`bins_for`, :func:`holm`,
:func:`plain` (JSON-safe values). For screening many pairs quickly,
``fit_method(name, series, direction, settings)`` fits one method (settings are the
``[analysis]`` names; ``{"lead_test": False}`` skips the count regression's lead test and lag
profile, which only the verdict rule reads).
"""

from __future__ import annotations

import importlib
import inspect
import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from jervis.errors import JervisError

DIRECTIONS = ("A->B", "B->A")
DAYS_PER_BIN = {"day": 1, "week": 7, "month": 30}
ALPHA = 0.05
CALLS = ("deters", "provokes")

# name -> "module:Class". One entry per method; analyze, the verdict and validate use them all.
METHODS: dict[str, str] = {
    "count_regression": "jervis.analysis.count_regression:CountRegression",
    "event_study": "jervis.analysis.event_study:EventStudy",
    "granger": "jervis.analysis.granger:Granger",
    "episodes": "jervis.analysis.episodes:Episodes",
    "spatial": "jervis.analysis.spatial:SpatialWindows",
    "hawkes": "jervis.analysis.hawkes.estimator:HawkesCrossEffect",
}
LEAD = "count_regression"  # the method whose estimate is the verdict's headline


def parse_direction(direction: str) -> tuple[str, str]:
    """'A->B' -> ('A', 'B'): X acts, Y responds."""
    parts = [p.strip() for p in str(direction).split("->")]
    if len(parts) != 2 or set(parts) != {"A", "B"}:
        raise JervisError(f"direction must be 'A->B' or 'B->A', not {direction!r}")
    return parts[0], parts[1]


def bins_for(days: float | None, bin: str) -> int:
    """Days to whole bins (rounded up, at least 1): 7 days are 1 week, 14 days 1 month."""
    if days is None:
        return 0
    return max(1, math.ceil(float(days) / DAYS_PER_BIN[bin]))


def days_of(bins: int, bin: str) -> int:
    """Whole bins back to days (what a result reports as ``horizon_days``)."""
    return int(bins) * DAYS_PER_BIN[bin]


LAG_SELECTIONS = ("aic", "bic")


def check_lag_selection(value: Any) -> None:
    """A lag order is chosen by an information criterion or fixed in days (a bool is neither)."""
    fixed = isinstance(value, int) and not isinstance(value, bool)
    if not fixed and value not in LAG_SELECTIONS:
        raise JervisError(f"lag_selection must be 'aic', 'bic' or a number of days, not {value!r}")


def holm(p_values: dict[str, float | None]) -> dict[str, float | None]:
    """Holm's step-down adjustment (Holm 1979); missing p-values stay missing."""
    known = sorted((p, k) for k, p in p_values.items() if p is not None and np.isfinite(p))
    adjusted: dict[str, float | None] = {k: None for k in p_values}
    running, m = 0.0, len(known)
    for i, (p, k) in enumerate(known):
        running = max(running, min(1.0, (m - i) * p))
        adjusted[k] = running
    return adjusted


def plain(value: Any) -> Any:
    """numpy scalars and arrays, tuples and NaN -> JSON-friendly Python values."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def rounded(value: float | None, digits: int = 4) -> float | None:
    """A float to ``digits`` significant decimals for the JSON (None stays None)."""
    if value is None or not np.isfinite(value):
        return None
    return float(f"{float(value):.{digits}g}") if abs(value) < 1e-3 else round(float(value), digits)


class NotApplicable(Exception):
    """Raised inside ``_fit``: the method cannot say anything on these data, and why."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


@dataclass
class MethodResult:
    """What one method says about one direction: the one result type of every estimator."""

    method: str
    direction: str
    measure: str
    estimate: float | None = None
    ci95: tuple[float, float] | None = None
    p_value: float | None = None
    null_value: float = 1.0
    applicable: bool = True
    reason: str | None = None
    notes: list[str] = field(default_factory=list)
    horizon_days: int | None = None
    bin: str = "day"
    n: int | None = None
    details: dict[str, Any] = field(default_factory=dict)
    # Set by the orchestration (after Holm over the two directions), not by the method.
    p_value_holm: float | None = None
    points_to: str | None = None

    @property
    def has_estimate(self) -> bool:
        return self.applicable and self.estimate is not None and self.p_value is not None

    @property
    def sign(self) -> str | None:
        """'provokes' above the null value, 'deters' below, None when equal or missing."""
        if self.estimate is None or self.estimate == self.null_value:
            return None
        return "provokes" if self.estimate > self.null_value else "deters"

    def to_dict(self) -> dict[str, Any]:
        return plain(
            {
                "method": self.method,
                "direction": self.direction,
                "measure": self.measure,
                "estimate": self.estimate,
                "ci95": list(self.ci95) if self.ci95 is not None else None,
                "p_value": self.p_value,
                "p_value_holm": self.p_value_holm,
                "null_value": self.null_value,
                "points_to": self.points_to,
                "applicable": self.applicable,
                "reason": self.reason,
                "notes": list(self.notes),
                "horizon_days": self.horizon_days,
                "bin": self.bin,
                "n": self.n,
                "details": self.details,
            }
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MethodResult:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if known.get("ci95") is not None:
            known["ci95"] = tuple(known["ci95"])
        return cls(**known)


# Numerical failures of NumPy/SciPy/statsmodels: the method is then "not applicable", the
# library's words go to notes (never to the verdict's sentence).
NUMERICAL_ERRORS = (np.linalg.LinAlgError, FloatingPointError, ZeroDivisionError, ValueError,
                    OverflowError)  # fmt: skip


class Estimator:
    """Base of every method: parameters in ``__init__``, ``fit(series, direction) -> self``."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""  # how a sentence names the method ("the event study")
    measure: ClassVar[str] = ""
    null_value: ClassVar[float] = 1.0
    votes: ClassVar[bool] = True  # does a significant call count in the verdict rule?
    # __init__ parameter -> [analysis] setting, where the names differ
    setting_names: ClassVar[dict[str, str]] = {}

    # -- building -----------------------------------------------------------------------
    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Estimator:
        """This method with every ``__init__`` parameter the settings hold."""
        kwargs = {}
        for param in inspect.signature(cls.__init__).parameters.values():
            if param.name == "self" or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            key = cls.setting_names.get(param.name, param.name)
            if key in settings:
                kwargs[param.name] = settings[key]
        return cls(**kwargs)

    def get_params(self) -> dict[str, Any]:
        """The constructor's parameters as given (for the verdict JSON)."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {n: getattr(self, n) for n in names if hasattr(self, n)}

    # -- fitting ------------------------------------------------------------------------
    def _check_params(self) -> None:
        """Raise JervisError for a parameter a user got wrong (called by fit)."""

    def _fit(self, series: Any, x: str, y: str) -> MethodResult:  # pragma: no cover
        raise NotImplementedError

    def fit(self, series: Any, direction: str = "A->B") -> Estimator:
        """Estimate X's effect on Y; ``result_`` holds a MethodResult whatever happens."""
        self._check_params()
        x, y = parse_direction(direction)
        self.direction_ = f"{x}->{y}"
        self.bin_ = getattr(series, "bin", "day")
        try:
            result = self._fit(series, x, y)
        except NotApplicable as exc:
            result = self.not_applicable(exc.reason, **exc.details)
        except NUMERICAL_ERRORS as exc:
            result = self.not_applicable(
                "the model could not be fitted to these data (a numerical failure)",
                notes=[f"technical detail: {type(exc).__name__}: {exc}"],
            )
        self.result_ = result
        return self

    def not_applicable(self, reason: str, notes: list[str] | None = None, **details: Any):
        """The one 'cannot say, because ...' result."""
        return MethodResult(
            method=self.name,
            direction=self.direction_,
            measure=self.measure,
            null_value=self.null_value,
            applicable=False,
            reason=reason,
            notes=list(notes or []),
            bin=self.bin_,
            details=details,
        )

    def result(self, **fields: Any) -> MethodResult:
        """A MethodResult with this method's name, measure, null value and the fit's bin."""
        fields.setdefault("measure", self.measure)
        fields.setdefault("null_value", self.null_value)
        fields.setdefault("bin", self.bin_)
        return MethodResult(method=self.name, direction=self.direction_, **fields)

    def summary(self) -> dict[str, Any]:
        """The result as plain data (the per-method entry of the verdict JSON)."""
        if not hasattr(self, "result_"):
            raise JervisError("call fit(series) before summary()")
        return self.result_.to_dict()

    # -- the verdict's view -------------------------------------------------------------
    @classmethod
    def vote(cls, result: MethodResult, p_adjusted: float | None) -> str | None:
        """What this method says after adjustment: 'deters', 'provokes', 'none' or None.

        None: no estimate (not applicable). A subclass may withhold a call for a reason of its
        own (spatial windows: 'pre_trend').
        """
        if not result.has_estimate or p_adjusted is None:
            return None
        if p_adjusted >= ALPHA:
            return "none"
        return result.sign or "none"

    @classmethod
    def specifications(cls, settings: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """The robustness grid: (label, setting overrides) per specification; [] = not in it."""
        return []


def estimator_class(name: str) -> type[Estimator]:
    """The registered class for a method name."""
    if name not in METHODS:
        raise JervisError(f"unknown method {name!r}; choose from {', '.join(METHODS)}")
    module, cls = METHODS[name].split(":")
    return getattr(importlib.import_module(module), cls)


def make_estimator(name: str, settings: dict[str, Any]) -> Estimator:
    """The method ``name`` configured from analysis settings."""
    return estimator_class(name).from_settings(settings)


def fit_method(name: str, series: Any, direction: str, settings: dict[str, Any]) -> MethodResult:
    """One method's result for one direction (the quick path for screening many pairs)."""
    return make_estimator(name, settings).fit(series, direction=direction).result_
