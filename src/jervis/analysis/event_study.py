"""Event study: does side Y's rate change after side X acts, compared with ordinary days?

For every action bin t of X (optionally only "onsets": the first action after
``onset_gap_days`` quiet days), Y's count in the k bins after (t+1..t+k) is compared with the k
bins before (t-k..t-1), k = ``horizon_days`` in bins. Day t itself is left out: with daily dates we cannot tell whether Y's
events that day came before or after X's action.

Why a ratio *relative to placebo days* (difference in differences)? The raw after/before ratio
at action days is biased whenever Y has a trend (a rising series gives ratios > 1 anywhere) or
when X tends to act right after bursts of Y (the "before" window is then high and Y's own
regression to the mean looks like deterrence). So the estimate is

    (sum of Y after / sum of Y before, at X's action days)
    / (the same ratio expected at placebo days)

where placebo days are drawn uniformly from the covered days *within the same stratum of Y's
before-window count* (deciles) *and the same part of the series* (``n_periods``, halves by
default), so that placebo days have had as much recent Y activity as the action days, at the
same stage of the conflict. Without the periods, a trend confounds the match: a before-window
count that is low late in a rising series is high early in it, and Y regresses towards
different levels. When A deterred B, B->A was then called "provokes" in 19% of 500 runs.
Under "X has no effect on Y" the estimate is about 1; > 1 means Y's attacks rose after X
acted (provocation), < 1 that they fell (deterrence).

Action days are weighted by X's number of actions that day (``weights="actions"``), so that a
day with six air strikes counts six times; with dense X (an action almost every day) this turns
the contrast into "busy days vs ordinary days". Onsets always weigh 1.

Inference: (a) permutation: the same statistic at ``n_placebo`` sets of placebo days (each
action weight attached to a random day of its stratum) gives the null distribution, an
equal-tailed p-value and ``ci95``: the permutation test inverted under a constant
multiplicative effect, [estimate / q97.5, estimate / q2.5] of the placebo estimates, so the
interval and the p-value always agree (``placebo_test``, shared with the other methods);
(b) a moving-block bootstrap of the two series (blocks of ``block_length`` days, default four
windows, the statistic recomputed on each replicate) gives ``bootstrap_ci95``.

Measured (``jervis validate``, 500 simulations per truth, two years, rates 2 and 3 a day, a
common trend): with no effect the placebo test rejected in 1.0% of runs (conservative: iid
placebo days ignore X's clustering); it found IRR 0.6 / 1.6 in 95.6% / 94.0%; and when A
affected B, it called B->A (no effect) in 1.4-2.6% of runs, against 3-19% with quintiles and no
periods. The block bootstrap was ~20% too narrow (sd 0.0153 vs a true 0.0187; 8-13% of
intervals missed 1) whatever the block length, and whether days' window sums or the raw series
were resampled, so it is reported but the verdict reads ``ci95``. When B provokes A and A has
no effect on B, matching on B's before-window kept A->B false alarms at 6.5% (200 runs);
unmatched placebo days gave 72% (40 runs). Everything runs on cumulative sums and fancy
indexing: 1,000 placebos on two years of days take milliseconds.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jervis.analysis.base import (
    Estimator,
    MethodResult,
    NotApplicable,
    bins_for,
    days_of,
    rounded,
)
from jervis.errors import JervisError

MIN_ACTION_DAYS = 10  # fewer action days than this: no estimate (the verdict says why)
N_STRATA = 10
N_PERIODS = 2


def placebo_test(estimate: float, placebo: np.ndarray) -> tuple[float, tuple[float, float]]:
    """Equal-tailed permutation p-value and 95% interval of a ratio against placebo ratios.

    ``placebo`` holds the statistic at placebo timings, already divided by its null centre
    (so ~1 under no effect). p = twice the smaller tail share (with the +1 correction); the
    interval inverts the test under a constant multiplicative effect: [estimate / q97.5,
    estimate / q2.5]. Both use the same tails, so the interval excludes 1 exactly when p < 0.05
    (up to the +1 correction), even when the placebo distribution is skewed.
    """
    logs = np.log(placebo[np.isfinite(placebo) & (placebo > 0)])
    obs = float(np.log(estimate))
    n = len(logs)
    upper = (1 + np.sum(logs >= obs - 1e-12)) / (1 + n)
    lower = (1 + np.sum(logs <= obs + 1e-12)) / (1 + n)
    q_lo, q_hi = np.quantile(logs, [0.025, 0.975])
    return float(min(1.0, 2 * min(upper, lower))), (
        float(estimate / np.exp(q_hi)), float(estimate / np.exp(q_lo))
    )  # fmt: skip


def covered_window(covered: np.ndarray, t: np.ndarray, k: int) -> np.ndarray:
    """True where every bin in t-k..t+k is inside the data (never bridge a coverage gap)."""
    gaps = np.concatenate([[0], np.cumsum(~covered)])
    return (gaps[t + k + 1] - gaps[t - k]) == 0


def strata_edges(values: np.ndarray, n_strata: int = N_STRATA) -> np.ndarray:
    """Inner quantile edges of a count; ties collapse them, so low counts give few strata."""
    return np.unique(np.quantile(values, np.linspace(0, 1, int(n_strata) + 1)[1:-1]))


def strata_of(values: np.ndarray, n_strata: int = N_STRATA) -> np.ndarray:
    """Quantile strata (0..s-1) of a count (see ``strata_edges``)."""
    return np.searchsorted(strata_edges(values, n_strata), values, side="right")


def period_of(t: np.ndarray, n: int, n_periods: int) -> np.ndarray:
    """Which of ``n_periods`` equal parts of an ``n``-bin series each bin t falls in."""
    return (t * int(n_periods)) // max(n, 1)


def period_strata(
    values: np.ndarray, t: np.ndarray, n: int, n_strata: int, n_periods: int
) -> np.ndarray:
    """Quantile stratum of ``values`` crossed with the period of ``t``, numbered 0..k-1.

    Matching within periods keeps a trend from confounding the match: the same recent count
    is high early in a rising series and low late in it.
    """
    raw = strata_of(values, int(n_strata)) * int(n_periods) + period_of(t, n, n_periods)
    return np.unique(raw, return_inverse=True)[1].ravel()


class EventStudy(Estimator):
    """Y's rate after vs before X's actions, relative to matched placebo days."""

    name = "event_study"
    label = "the event study"
    measure = "rate_ratio_after_before_vs_placebo_days"
    null_value = 1.0
    setting_names = {"n_boot": "n_placebo"}

    def __init__(
        self,
        horizon_days: int = 7,
        onset_gap_days: int | None = None,
        n_placebo: int = 1000,
        n_boot: int = 1000,
        block_length: int | None = None,
        weights: str = "actions",
        n_strata: int = N_STRATA,
        n_periods: int = N_PERIODS,
        seed: int | None = None,
    ):
        self.horizon_days = horizon_days
        self.onset_gap_days = onset_gap_days
        self.n_placebo = n_placebo
        self.n_boot = n_boot
        self.block_length = block_length
        self.weights = weights
        self.n_strata = n_strata
        self.n_periods = n_periods
        self.seed = seed

    def _check_params(self) -> None:
        if float(self.horizon_days) < 1:
            raise JervisError(f"horizon_days must be at least 1, not {self.horizon_days}")
        if self.onset_gap_days is not None and float(self.onset_gap_days) < 1:
            raise JervisError(f"onset_gap_days must be None or >= 1, not {self.onset_gap_days}")
        if self.weights not in ("actions", "days"):
            raise JervisError(f"weights must be 'actions' or 'days', not {self.weights!r}")

    def _fit(self, series: Any, x_side: str, y_side: str) -> MethodResult:
        """The pooled after/before ratio at X's actions, placebos and bootstrap."""
        bin = series.bin
        k = bins_for(self.horizon_days, bin)
        self.window_ = k
        self.onset_gap_ = bins_for(self.onset_gap_days, bin) if self.onset_gap_days else None
        x = series.counts[x_side].to_numpy(dtype=float)
        y = series.counts[y_side].to_numpy(dtype=float)
        covered = np.asarray(getattr(series, "covered", np.ones(len(y), bool)), dtype=bool)
        self.block_length_ = int(self.block_length or 4 * k)
        rng = np.random.default_rng(self.seed)
        n = len(y)
        if n < 2 * k + 1:
            raise NotApplicable(f"the period has {n} {bin}s, fewer than two windows and a day")
        t = np.arange(k, n - k)
        t = t[covered_window(covered, t, k)]
        cy = np.concatenate([[0.0], np.cumsum(y)])
        before = cy[t] - cy[t - k]
        after = cy[t + k + 1] - cy[t + 1]
        weight = x[t] if self.weights == "actions" else (x[t] > 0).astype(float)
        if self.onset_gap_:
            g = int(self.onset_gap_)
            cx = np.concatenate([[0.0], np.cumsum(x)])
            quiet = (t >= g) & ((cx[t] - cx[np.maximum(t - g, 0)]) == 0)
            weight = ((x[t] > 0) & quiet).astype(float)
        self.t_ = t
        self.after_, self.before_, self.weight_ = after, before, weight
        act = weight > 0
        n_days = int(act.sum())
        self.n_action_days_ = n_days
        self.n_actions_ = float(weight.sum())
        if n_days < MIN_ACTION_DAYS:
            raise NotApplicable(
                f"{series.label(x_side)} acted in only {n_days} {bin}s with full windows "
                f"before and after (need {MIN_ACTION_DAYS})"
            )
        if np.ptp(weight) == 0:
            raise NotApplicable(
                f"{series.label(x_side)} acts in every usable {bin} with the same weight: no "
                "ordinary days to compare with"
            )
        a_act, b_act = float(weight @ after), float(weight @ before)
        stratum = period_strata(before, t, n, self.n_strata, self.n_periods)
        self.stratum_ = stratum
        ref_ratio = self._reference(after, before, weight, stratum)
        if b_act <= 0 or a_act <= 0 or not np.isfinite(ref_ratio) or ref_ratio <= 0:
            raise NotApplicable(
                f"{series.label(y_side)} has no events in the windows around "
                f"{series.label(x_side)}'s actions"
            )
        self.ratio_actions_ = a_act / b_act
        self.ratio_reference_ = ref_ratio
        self.estimate_ = self.ratio_actions_ / ref_ratio
        self.placebo_ = self._placebos(after, before, weight, stratum, rng) / ref_ratio
        self.p_value_, self.ci95_ = placebo_test(self.estimate_, self.placebo_)
        boot = self._bootstrap(x, y, covered, before, rng) if self.n_boot else np.zeros(0)
        boot = boot[np.isfinite(boot) & (boot > 0)]
        self.boot_ = boot
        self.bootstrap_ci95_ = (
            (float(np.quantile(boot, 0.025)), float(np.quantile(boot, 0.975)))
            if len(boot) >= 20 else (float("nan"), float("nan"))
        )  # fmt: skip
        self.curve_ = self._curve(y, t, weight, stratum, k)
        return self._result(series, a_act, b_act)

    def _curve(self, y, t, weight, stratum, k, draws: int = 500) -> list[dict[str, Any]]:
        """Y's mean count in each bin from k before to k after X's action bins (weighted like
        the estimate), against the same bins around matched ordinary days: the stratum means
        (the estimate's reference), and a 95% band from placebo draws of those days. What the
        after/before windows are made of, bin by bin; its own random stream, so the estimate's
        draws are unchanged."""
        offsets = np.arange(-k, k + 1)
        window = y[t[:, None] + offsets[None, :]]
        total = weight.sum()
        s = int(stratum.max()) + 1
        days = np.maximum(np.bincount(stratum, minlength=s), 1).astype(float)
        w_stratum = np.bincount(stratum, weights=weight, minlength=s)
        means = np.stack(
            [np.bincount(stratum, weights=window[:, j], minlength=s) for j in range(len(offsets))],
            axis=1,
        ) / days[:, None]
        rng = np.random.default_rng(None if self.seed is None else [int(self.seed), 1])
        sums = np.zeros((draws, len(offsets)))
        for st in np.unique(stratum[weight > 0]):
            pool = np.flatnonzero(stratum == st)
            w = weight[(weight > 0) & (stratum == st)]
            pick = pool[rng.integers(0, len(pool), size=(draws, len(w)))]
            sums += np.einsum("dmj,m->dj", window[pick], w)
        lo, hi = np.quantile(sums / total, [0.025, 0.975], axis=0)
        at, ref = (weight @ window) / total, (w_stratum @ means) / total
        return [
            {"offset": int(o), "at_actions": rounded(float(at[j])),
             "placebo": rounded(float(ref[j])), "placebo_lo": rounded(float(lo[j])),
             "placebo_hi": rounded(float(hi[j]))}
            for j, o in enumerate(offsets)
        ]  # fmt: skip

    @staticmethod
    def _reference(after, before, weight, stratum) -> float:
        """Expected after/before at placebo days: per-stratum day means, weighted like actions."""
        s = int(stratum.max()) + 1
        days = np.bincount(stratum, minlength=s)
        w = np.bincount(stratum, weights=weight, minlength=s)
        mean_a = np.bincount(stratum, weights=after, minlength=s) / np.maximum(days, 1)
        mean_b = np.bincount(stratum, weights=before, minlength=s) / np.maximum(days, 1)
        return float((w @ mean_a) / (w @ mean_b)) if w @ mean_b > 0 else float("nan")

    def _placebos(self, after, before, weight, stratum, rng) -> np.ndarray:
        """Pooled after/before when each action's weight sits on a random day of its stratum."""
        num = np.zeros(self.n_placebo)
        den = np.zeros(self.n_placebo)
        for s in np.unique(stratum[weight > 0]):
            pool = np.flatnonzero(stratum == s)
            w = weight[(weight > 0) & (stratum == s)]
            draw = pool[rng.integers(0, len(pool), size=(self.n_placebo, len(w)))]
            num += after[draw] @ w
            den += before[draw] @ w
        with np.errstate(divide="ignore", invalid="ignore"):
            return num / den

    def _bootstrap(self, x, y, covered, before, rng) -> np.ndarray:
        """Bootstrap replicates in batches of ~2 million (replicate x day) cells."""
        batch = max(1, 2_000_000 // max(len(y), 1))
        sizes = [min(batch, self.n_boot - i) for i in range(0, self.n_boot, batch)]
        return np.concatenate([self._replicates(x, y, covered, before, rng, b) for b in sizes])

    def _replicates(self, x, y, covered, before, rng, n_boot: int) -> np.ndarray:
        """Moving-block bootstrap of the *series*: blocks of (x, y) days are resampled and the
        whole statistic (windows, weights, strata, reference) recomputed on each replicate.

        (Resampling per-day window sums instead would break the identity after(t) =
        before(t + k + 1).) Still ~20% too narrow in simulations: see the module docstring.
        """
        n, k = len(y), int(self.window_)
        L = max(2 * k + 1, min(self.block_length_, n))
        n_blocks = int(np.ceil(n / L))
        starts = rng.integers(0, n - L + 1, size=(n_boot, n_blocks))
        idx = (starts[:, :, None] + np.arange(L)).reshape(n_boot, -1)[:, :n]
        xb, yb, cb = x[idx], y[idx], covered[idx]
        edges = strata_edges(before, self.n_strata)
        t = np.arange(k, n - k)
        zero = np.zeros((n_boot, 1))
        cy = np.concatenate([zero, np.cumsum(yb, 1)], 1)
        holes = np.concatenate([zero, np.cumsum(~cb, 1)], 1)
        ok = (holes[:, t + k + 1] - holes[:, t - k]) == 0
        b = cy[:, t] - cy[:, t - k]
        a = cy[:, t + k + 1] - cy[:, t + 1]
        xt = xb[:, t]
        w = xt if self.weights == "actions" else (xt > 0).astype(float)
        if self.onset_gap_:
            g = int(self.onset_gap_)
            cx = np.concatenate([zero, np.cumsum(xb, 1)], 1)
            quiet = (t >= g) & ((cx[:, t] - cx[:, np.maximum(t - g, 0)]) == 0)
            w = ((xt > 0) & quiet).astype(float)
        w, a, b = w * ok, a * ok, b * ok
        periods = int(self.n_periods)
        stratum = np.searchsorted(edges, b, side="right") * periods + period_of(t, n, periods)
        s = (len(edges) + 1) * periods
        flat = (np.arange(n_boot)[:, None] * s + stratum).ravel()

        def per(v: np.ndarray) -> np.ndarray:
            return np.bincount(flat, weights=v.ravel(), minlength=n_boot * s).reshape(-1, s)

        with np.errstate(divide="ignore", invalid="ignore"):
            days = per(ok.astype(float))
            mean_a = np.where(days > 0, per(a) / days, 0.0)
            mean_b = np.where(days > 0, per(b) / days, 0.0)
            ws = per(w)
            r_ref = (ws * mean_a).sum(1) / (ws * mean_b).sum(1)
            r_act = (w * a).sum(1) / (w * b).sum(1)
            return r_act / r_ref

    def _result(self, series, a_act, b_act) -> MethodResult:
        lo, hi = np.quantile(self.placebo_[np.isfinite(self.placebo_)], [0.025, 0.975])
        k = self.window_
        notes = []
        if days_of(k, series.bin) != int(self.horizon_days):
            notes.append(f"windows of {self.horizon_days} days rounded up to {k} {series.bin}(s)")
        return self.result(
            estimate=round(float(self.estimate_), 4),
            ci95=(round(self.ci95_[0], 4), round(self.ci95_[1], 4)),
            p_value=round(self.p_value_, 4),
            horizon_days=days_of(k, series.bin),
            n=self.n_action_days_,
            notes=notes,
            details={
                "ci95_method": "placebo (inverted permutation test)",
                "bootstrap_ci95": [rounded(b) for b in self.bootstrap_ci95_],
                "window_bins": k,
                "onset_gap_bins": self.onset_gap_,
                "weights": "onsets" if self.onset_gap_ else self.weights,
                "n_action_bins": self.n_action_days_,
                "n_actions": round(self.n_actions_, 1),
                "y_after": a_act,
                "y_before": b_act,
                "ratio_at_actions": round(float(self.ratio_actions_), 4),
                "ratio_at_placebo": round(float(self.ratio_reference_), 4),
                "placebo_ci95": [round(float(lo), 4), round(float(hi), 4)],
                "n_placebo": int(self.n_placebo),
                "n_boot": int(self.n_boot),
                "block_length": self.block_length_,
                "seed": self.seed,
                "curve": self.curve_,
            },
        )
