"""Episodes of violence: who starts them, who ends them, and what follows each side's actions.

After Abrahams, Berman et al. ("Mostly Deterred: An Episodic Analysis of the Israel-Gaza
Conflict", 2020): the daily series is cut into *episodes*, runs of active bins
(either side acting) separated by at least ``gap`` quiet bins. An episode's starter and ender
are the sides acting on its first and last bin ("both" when both acted that bin). A side that
usually has the last word, followed by long calms, is what deterrence looks like in this view;
a side whose actions are usually answered within days, what provocation looks like.

Reported (direction X->Y):

* shares of episodes started and ended by X, by Y, by both;
* the share of X's action bins that Y leaves unanswered for ``horizon`` bins (default: gap);
* the mean calm (quiet bins until the next episode) after episodes X ended and after episodes
  Y ended; the last episode's calm is censored by the end of the data and left out;
* ``estimate``: a Mantel-Haenszel risk ratio, P(Y acts within the next ``horizon`` bins | X
  acted in bin t) / P(the same | X did not act), stratified by Y's own recent activity (the
  number of active bins of Y in t-h..t-1, and whether Y acted in t). Stratifying on Y's recent
  activity keeps Y's self-excitation, and X reacting to Y, from passing as an effect of X.
  > 1: X's actions are followed by more of Y's (provocation); < 1: by fewer (deterrence).

Inference on the risk ratio uses placebo timings, like the event study and spatial windows: X's
whole series is shifted circularly against Y's by every offset of at least 2h+1 bins, which
keeps both sides' own clustering and breaks only their alignment. ``estimate`` is the observed
ratio divided by the median placebo ratio (so shared trends cancel); ``p_value`` is the
equal-tailed permutation p-value and ``ci95`` inverts the test under a constant
multiplicative effect (``event_study.placebo_test``). A cycle bootstrap of the ratio, tried
first, rejected a true null in 10-13% of runs when episodes were few. The descriptive shares
and calms get intervals from a bootstrap that resamples *cycles* (an episode and the calm
after it), the unit of dependence in this view.

Measured (200 sparse simulations, 0.15 actions a day per side, three years, gap = horizon = 3):
no effect rejected in 4.5% of runs (5.0% when X reacts to Y), IRR 0.6 / 1.6 detected in only
65% / 77%, IRR 0.4 / 2.5 in 98.5% / 100%. A low-power method: its value is descriptive.
Dense series (action nearly every bin) make one long episode: the summary then says
``applicable: False`` and why.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jervis.analysis.event_study import placebo_test, split_direction
from jervis.errors import JervisError

MIN_EPISODES = 5
MIN_ACTION_BINS = 10
_WHO = ("X", "Y", "both")


def episodes_of(x: np.ndarray, y: np.ndarray, gap: int, covered: np.ndarray) -> np.ndarray:
    """Episode id per bin (-1 for quiet or uncovered bins); a coverage gap always splits."""
    active = ((x > 0) | (y > 0)) & covered
    where = np.flatnonzero(active)
    ids = np.full(len(x), -1)
    if len(where) == 0:
        return ids
    holes = np.concatenate([[0], np.cumsum(~covered)])
    split = (np.diff(where) - 1 >= gap) | (holes[where[1:]] != holes[where[:-1]])
    ids[where] = np.concatenate([[0], np.cumsum(split)])
    return ids


def _who(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """0 = X acted, 1 = Y acted, 2 = both acted (in the given bins)."""
    return np.where((x > 0) & (y > 0), 2, np.where(x > 0, 0, 1))


def _mh_ratio(c: np.ndarray) -> np.ndarray:
    """Mantel-Haenszel risk ratio from [..., stratum, (a, n1, c, n0)] counts."""
    a, n1, cc, n0 = c[..., 0], c[..., 1], c[..., 2], c[..., 3]
    tot = n1 + n0
    with np.errstate(divide="ignore", invalid="ignore"):
        num = np.where(tot > 0, a * n0 / tot, 0.0).sum(-1)
        den = np.where(tot > 0, cc * n1 / tot, 0.0).sum(-1)
        return num / den


def _share_ci(values: np.ndarray) -> list[float] | None:
    values = values[np.isfinite(values)]
    if len(values) < 20:
        return None
    return [round(float(v), 4) for v in np.quantile(values, [0.025, 0.975])]


class Episodes:
    """Episode starts, ends, unanswered actions and calms, with a cycle bootstrap."""

    def __init__(
        self, gap: int = 7, horizon: int | None = None, n_boot: int = 1000, seed: int | None = None
    ):
        self.gap = gap
        self.horizon = horizon
        self.n_boot = n_boot
        self.seed = seed

    def fit(self, series: Any, direction: str = "A->B") -> Episodes:
        """Cut the series into episodes and compute the shares, calms and risk ratio."""
        if int(self.gap) < 1:
            raise JervisError(f"gap must be >= 1 quiet bin, not {self.gap}")
        x_side, y_side = split_direction(direction)
        self.direction_ = f"{x_side}->{y_side}"
        h = int(self.horizon or self.gap)
        self.horizon_ = h
        x = series.counts[x_side].to_numpy(dtype=float)
        y = series.counts[y_side].to_numpy(dtype=float)
        n = len(x)
        covered = np.asarray(getattr(series, "covered", np.ones(n, bool)), dtype=bool)
        ep = episodes_of(x, y, int(self.gap), covered)
        self.episode_id_ = ep
        n_ep = int(ep.max()) + 1
        active = np.flatnonzero(ep >= 0)
        starts = active[np.r_[True, np.diff(ep[active]) != 0]] if len(active) else active
        ends = active[np.r_[np.diff(ep[active]) != 0, True]] if len(active) else active
        starter, ender = _who(x[starts], y[starts]), _who(x[ends], y[ends])
        # calm after an episode: quiet bins to the next start; censored for the last one
        # and when a coverage gap intervenes.
        holes = np.concatenate([[0], np.cumsum(~covered)])
        calm = np.full(n_ep, np.nan)
        if n_ep > 1:
            nxt = starts[1:]
            ok = holes[nxt] == holes[ends[:-1] + 1]
            calm[:-1] = np.where(ok, nxt - ends[:-1] - 1, np.nan)
        self.starts_, self.ends_, self.calm_ = starts, ends, calm
        self.starter_, self.ender_ = starter, ender
        # cycle (bootstrap unit) per bin: the episode and the calm after it; leading calm -> 0
        cycle = np.maximum(np.searchsorted(starts, np.arange(n), side="right") - 1, 0)
        # day-level exposure/outcome, on bins with a covered horizon on both sides
        cy = np.concatenate([[0], np.cumsum(y > 0)])
        t = np.arange(h, n - h)
        t = t[(holes[t + h + 1] - holes[t - h]) == 0]
        exposed = x[t] > 0
        answered = (cy[t + h + 1] - cy[t + 1]) > 0
        recent = cy[t] - cy[t - h]
        stratum = recent * 2 + (y[t] > 0)
        n_strata = 2 * (h + 1)
        self.n_action_bins_ = int(exposed.sum())
        self.unanswered_ = (
            float(1 - answered[exposed].mean()) if exposed.any() else float("nan")
        )  # fmt: skip
        # per cycle x stratum x (a, n1, c, n0)
        cells = np.zeros((max(n_ep, 1), n_strata, 4))
        for j, v in enumerate(
            (exposed & answered, exposed, ~exposed & answered, ~exposed)
        ):  # fmt: skip
            np.add.at(cells[:, :, j], (cycle[t], stratum), v.astype(float))
        self.cells_ = cells
        if n_ep < MIN_EPISODES or self.n_action_bins_ < MIN_ACTION_BINS:
            self.summary_ = self._not_applicable(n_ep, x_side)
            return self
        self.raw_ratio_ = float(_mh_ratio(cells.sum(0)))
        self.placebo_ = self._shifted(x > 0, t, answered, stratum, n_strata, h)
        plc = np.log(self.placebo_[np.isfinite(self.placebo_) & (self.placebo_ > 0)])
        if not (np.isfinite(self.raw_ratio_) and self.raw_ratio_ > 0) or len(plc) < 20:
            why = f"{y_side} never or always acts after the action bins: no risk ratio"
            self.summary_ = self._not_applicable(n_ep, x_side, why)
            return self
        center = float(np.median(plc))
        self.estimate_ = float(self.raw_ratio_ / np.exp(center))
        self.p_value_, self.ci95_ = placebo_test(self.estimate_, np.exp(plc - center))
        rng = np.random.default_rng(self.seed)
        weights = rng.multinomial(n_ep, np.full(n_ep, 1.0 / n_ep), size=self.n_boot).astype(float)
        self.summary_ = self._summary(weights, x_side, y_side)
        return self

    @staticmethod
    def _shifted(acted, t, answered, stratum, n_strata, h) -> np.ndarray:
        """MH risk ratios with X's whole series circularly shifted (placebo timing), all shifts
        at least 2h+1 bins away, so placebo exposures never share the real answer windows."""
        n = len(acted)
        shifts = np.arange(2 * h + 1, n - 2 * h)
        if len(shifts) == 0 or len(t) == 0:
            return np.array([])
        onehot = np.zeros((len(t), n_strata))
        onehot[np.arange(len(t)), stratum] = 1.0
        days = onehot.sum(0)
        answered_days = answered.astype(float) @ onehot
        out = np.empty(len(shifts))
        for lo in range(0, len(shifts), 256):
            s = shifts[lo : lo + 256]
            exposed = acted[(t[None, :] - s[:, None]) % n]
            a = (exposed & answered).astype(float) @ onehot
            n1 = exposed.astype(float) @ onehot
            cells = np.stack([a, n1, answered_days - a, days - n1], axis=-1)
            out[lo : lo + len(s)] = _mh_ratio(cells)
        return out

    def _not_applicable(self, n_ep: int, x_side: str, reason: str = "") -> dict[str, Any]:
        return {
            "applicable": False,
            "reason": reason or f"{n_ep} episodes and {self.n_action_bins_} action bins of "
            f"{x_side}; need at least {MIN_EPISODES} episodes and {MIN_ACTION_BINS} action bins",
            "estimate": None, "ci95": None, "p_value": None, "n": n_ep,
        }  # fmt: skip

    def _summary(self, weights: np.ndarray, x_side: str, y_side: str) -> dict[str, Any]:
        names = {"X": x_side, "Y": y_side, "both": "both"}
        total = weights.sum(1)

        def share(mask: np.ndarray) -> dict[str, Any]:
            return {
                "share": round(float(mask.mean()), 4),
                "ci95": _share_ci(weights @ mask / total),
            }

        def mean_calm(mask: np.ndarray) -> dict[str, Any]:
            ok = mask & np.isfinite(self.calm_)
            if not ok.any():
                return {"mean": None, "ci95": None, "n": 0}
            calm = np.where(ok, self.calm_, 0.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                boot = (weights @ calm) / (weights @ ok.astype(float))
            return {"mean": round(float(calm[ok].mean()), 2), "ci95": _share_ci(boot),
                    "n": int(ok.sum())}  # fmt: skip

        return {
            "applicable": True,
            "estimate": round(self.estimate_, 4),
            "ci95": [round(float(v), 4) for v in self.ci95_],
            "p_value": round(self.p_value_, 4),
            "n": int(len(self.starts_)),
            "measure": f"Mantel-Haenszel risk ratio: P({y_side} acts within {self.horizon_} bins"
            f" | {x_side} acted) / P(same | {x_side} did not), stratified by {y_side}'s recent"
            " activity, relative to placebo (shifted) timings of X",
            "from": x_side,
            "to": y_side,
            "horizon_days": self.horizon_,
            "gap": int(self.gap),
            "n_episodes": int(len(self.starts_)),
            "n_action_bins": self.n_action_bins_,
            "raw_risk_ratio": round(self.raw_ratio_, 4),
            "n_placebo": int(np.isfinite(self.placebo_).sum()),
            "started_by": {names[w]: share(self.starter_ == i) for i, w in enumerate(_WHO)},
            "ended_by": {names[w]: share(self.ender_ == i) for i, w in enumerate(_WHO)},
            "unanswered_share": round(self.unanswered_, 4),
            "calm_after_last_action": {
                names[w]: mean_calm(self.ender_ == i) for i, w in enumerate(_WHO[:2])
            },
            "mean_episode_bins": round(float(np.mean(self.ends_ - self.starts_ + 1)), 2),
            "n_boot": int(self.n_boot),
            "seed": self.seed,
        }

    def summary(self) -> dict[str, Any]:
        """Plain JSON-serialisable results (``estimate`` is None when not applicable)."""
        if not hasattr(self, "summary_"):
            raise JervisError("call fit(series) before summary()")
        return dict(self.summary_)
