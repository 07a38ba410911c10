"""The Hawkes cross-effect as one of the verdict's methods.

X->Y: the daily count model with the log link (so deterrence can show as inhibition), NB
counts; the estimate is Y's events added (negative: removed) per action of X at the average
state, with its 95% interval; the p-value is the Wald test of gamma_YX = 0 (two-sided).
"""

from __future__ import annotations

from typing import Any

from jervis.analysis.hawkes.discrete import DiscreteHawkes
from jervis.analysis.series import SIDES, DyadSeries
from jervis.errors import JervisError

ALPHA = 0.05


class HawkesCrossEffect:
    """Fit the two-sided count Hawkes model; report the X->Y effect per action of X."""

    def __init__(self, link: str = "log", family: str = "nb", seed: int = 0):
        self.link, self.family, self.seed = link, family, seed

    def fit(self, series: DyadSeries, direction: str = "A->B") -> HawkesCrossEffect:
        x, _, y = direction.partition("->")
        if {x, y} != set(SIDES):
            raise JervisError(f"direction must be 'A->B' or 'B->A', not {direction!r}")
        days = {"day": 1, "week": 7, "month": 30}[series.bin]
        model = DiscreteHawkes(link=self.link, family=self.family, days_per_bin=days, seed=self.seed)
        model.fit(series.counts[list(SIDES)].to_numpy(), SIDES, series.covered.to_numpy())
        self.model_ = model
        self.direction_ = direction
        self.effect_ = next(e for e in model.effects_ if e["from"] == x and e["to"] == y)
        self.half_life_days_ = next(
            h["half_life_days"] for h in model.half_lives_ if h["from"] == x and h["to"] == y)
        return self

    @property
    def points_to_(self) -> str | None:
        p = self.effect_["p_value"]
        if p is None or p >= ALPHA:
            return None
        return "deters" if self.effect_["coefficient"] < 0 else "provokes"

    def summary(self) -> dict[str, Any]:
        e = self.effect_
        return {
            "measure": "events_per_action",
            "null_value": 0.0,
            "direction": self.direction_,
            "estimate": round(e["estimate"], 5),
            "ci95": [round(v, 5) for v in e["ci95"]],
            "p_value": None if e["p_value"] is None else float(f"{e['p_value']:.4g}"),
            "points_to": self.points_to_,
            "kind": e["kind"],
            "coefficient": round(e["coefficient"], 5),
            "half_life_days": round(self.half_life_days_, 3),
            "link": self.link,
            "gof_ks_p_value": self.model_.gof_["ks_p_value"],
        }
