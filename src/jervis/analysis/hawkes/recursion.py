"""O(n) exponential-kernel sums for Hawkes likelihoods, vectorised with NumPy.

Every exponential-kernel quantity is a sum over past events, x_k = sum_{l<=k} b_l
exp(-beta (t_k - t_l)), i.e. the recurrence x_k = exp(-beta (t_k - t_{k-1})) x_{k-1} + b_k
(Ozaki 1979). A Python loop over a million events is slow, and the closed form
exp(-beta t_k) * cumsum(b exp(beta t)) overflows. In logarithms the closed form is safe:
log x_k = logaddexp.accumulate(log b + beta t)_k - beta t_k, one C-level pass per column. The
terms are all non-negative, so no cancellation: the relative error is ~ beta * t_max * 1e-16.
"""

from __future__ import annotations

import numpy as np


def log_decayed_cumsum(log_b: np.ndarray, times: np.ndarray, decay: float) -> np.ndarray:
    """log of x_k = sum_{l <= k} exp(log_b[l]) * exp(-decay (t_k - t_l)); -inf where x_k = 0."""
    scaled = decay * times
    with np.errstate(invalid="ignore"):
        return np.logaddexp.accumulate(log_b + scaled) - scaled


def decayed_sums(
    times: np.ndarray, marks: np.ndarray, sources: np.ndarray, decays: np.ndarray,
    with_lag: bool = False,
) -> tuple[np.ndarray, np.ndarray | None]:  # fmt: skip
    """For each column c: S[k, c] = sum over events l of type sources[c] strictly before t_k of
    exp(-decays[c] (t_k - t_l)); with ``with_lag`` also R[k, c] = sum (t_k - t_l) exp(...),
    the derivative's building block. Both are (n, C).

    ``times`` sorted, starting near 0. Events at the same instant are not each other's history.
    """
    n, cols = len(times), len(decays)
    times = np.asarray(times, dtype=float)
    gaps = np.diff(times, prepend=times[0] if n else 0.0)
    first = np.searchsorted(times, times, side="left")  # first event of each instant
    tied = bool(np.any(first != np.arange(n)))
    before = np.zeros((n, cols))
    lagged = np.zeros((n, cols)) if with_lag else None
    log_gaps = np.log(gaps, out=np.full(n, -np.inf), where=gaps > 0)
    for c in range(cols):
        log_own = np.where(marks == sources[c], 0.0, -np.inf)
        log_incl = log_decayed_cumsum(log_own, times, decays[c])  # history including event k
        log_before = np.empty(n)
        log_before[0] = -np.inf
        log_before[1:] = log_incl[:-1] - decays[c] * gaps[1:]
        if tied:
            log_before = log_before[first]
        before[:, c] = np.exp(log_before)
        if with_lag:
            # R_k = exp(-beta gap_k) (R_{k-1} + gap_k S_{k-1}): a decayed sum of gap_k * S-_k.
            log_lag = log_decayed_cumsum(log_gaps + log_before, times, decays[c])
            lagged[:, c] = np.exp(log_lag[first] if tied else log_lag)
    return before, lagged
