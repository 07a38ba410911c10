"""The Hawkes cross-effect as one of the verdict's methods (registry name ``hawkes``).

X->Y: the daily count model (:class:`~.discrete.DiscreteHawkes`) with the log link, so
deterrence can show as inhibition, and NB counts. The estimate is Y's events added (negative:
removed) per action of X at the average state, with its 95% interval; the p-value is the Wald
test of gamma_YX = 0. One fit serves both directions of a series (the model is joint).
"""

from __future__ import annotations

import weakref
from typing import Any

from jervis.analysis.base import Estimator, MethodResult, NotApplicable
from jervis.analysis.hawkes.discrete import DiscreteHawkes
from jervis.analysis.series import SIDES
from jervis.errors import JervisError

_FITS: dict[tuple, tuple[weakref.ref, DiscreteHawkes]] = {}


class HawkesCrossEffect(Estimator):
    """Mutually exciting counts; X's effect on Y per action of X (0 = none)."""

    name = "hawkes"
    label = "the Hawkes count model"
    measure = "events_per_action"
    null_value = 0.0
    # Shown and scored, but not (yet) a vote: the model has no trend or season terms, so a
    # common driver of both sides can pass for cross-excitation (docs/hawkes.md, section 6).
    votes = False

    def __init__(self, link: str = "log", family: str = "nb", seed: int | None = 0):
        self.link = link
        self.family = family
        self.seed = seed

    def _check_params(self) -> None:
        if self.link not in ("linear", "log") or self.family not in ("nb", "poisson"):
            raise JervisError("the Hawkes method takes link 'linear' or 'log', family 'nb' or 'poisson'")

    def _model(self, series: Any) -> DiscreteHawkes:
        """The joint fit, shared by the two directions of the same series."""
        key = (id(series.counts), self.link, self.family, self.seed)
        cached = _FITS.get(key)
        if cached is not None and cached[0]() is series.counts:
            return cached[1]
        days = {"day": 1, "week": 7, "month": 30}[series.bin]
        model = DiscreteHawkes(link=self.link, family=self.family, days_per_bin=days, seed=self.seed)
        try:
            model.fit(series.counts[list(SIDES)].to_numpy(), SIDES, series.covered.to_numpy())
        except JervisError as exc:
            raise NotApplicable(str(exc)) from None
        _FITS.clear()  # keep one: the two directions of the series being analysed
        _FITS[key] = (weakref.ref(series.counts), model)
        return model

    def _fit(self, series: Any, x: str, y: str) -> MethodResult:
        model = self._model(series)
        effect = next(e for e in model.effects_ if e["from"] == x and e["to"] == y)
        half_life = next(h for h in model.half_lives_ if h["from"] == x and h["to"] == y)
        notes = [] if model.converged_ else ["the optimiser stopped before its tolerance"]
        return self.result(
            estimate=effect["estimate"],
            ci95=tuple(effect["ci95"]),
            p_value=effect["p_value"],
            n=int(series.covered.sum()),
            notes=notes,
            details={
                "kind": effect["kind"], "coefficient": effect["coefficient"],
                "coefficient_ci95": effect["coefficient_ci95"], "link": self.link,
                "family": self.family, "half_life_days": half_life["half_life_days"],
                "gof_ks_p_value": model.gof_["ks_p_value"],
            },
        )  # fmt: skip
