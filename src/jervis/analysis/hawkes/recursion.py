"""O(n) exponential-kernel sums for Hawkes likelihoods (Ozaki 1979's recursion), compiled.

Every exponential-kernel quantity is a sum over past events, S_k = sum_{t_l < t_k}
exp(-beta (t_k - t_l)), i.e. the recurrence S_k = exp(-beta (t_k - t_{k-1})) (S_{k-1} + [event
k-1 is of the source]). Its derivative's building block R_k = sum (t_k - t_l) exp(...) follows
R_k = exp(-beta gap) (R_{k-1} + gap S_{k-1}). One pass over the merged stream per column.

Compiled with numba: the pure-NumPy version (log-domain ``logaddexp.accumulate``) was 7-16x
slower at 10^5-10^6 events and made the decay-estimating fit miss its speed goal
(docs/benchmarks.md, "Hawkes").
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def _sums(times, marks, sources, decays, with_lag):  # pragma: no cover - compiled
    n, cols = times.shape[0], sources.shape[0]
    before = np.zeros((n, cols))
    lagged = np.zeros((n if with_lag else 1, cols))
    for c in range(cols):
        source, beta = sources[c], decays[c]
        s = 0.0  # history up to and including the last event
        r = 0.0
        s_instant = 0.0  # history strictly before the current instant
        r_instant = 0.0
        previous = times[0] if n else 0.0
        for k in range(n):
            gap = times[k] - previous
            if gap > 0:  # events at the same instant share the history before it
                decay = np.exp(-beta * gap)
                if with_lag:
                    r = decay * (r + gap * s)
                s *= decay
                s_instant, r_instant = s, r
            elif k == 0:
                s_instant, r_instant = 0.0, 0.0
            before[k, c] = s_instant
            if with_lag:
                lagged[k, c] = r_instant
            if marks[k] == source:
                s += 1.0
            previous = times[k]
    return before, lagged


def decayed_sums(
    times: np.ndarray, marks: np.ndarray, sources: np.ndarray, decays: np.ndarray,
    with_lag: bool = False,
) -> tuple[np.ndarray, np.ndarray | None]:  # fmt: skip
    """For each column c: S[k, c] = sum over events l of type sources[c] strictly before t_k of
    exp(-decays[c] (t_k - t_l)); with ``with_lag`` also R[k, c] = sum (t_k - t_l) exp(...).

    ``times`` sorted. Events at the same instant are not each other's history.
    """
    before, lagged = _sums(
        np.ascontiguousarray(times, dtype=np.float64), np.ascontiguousarray(marks, dtype=np.int64),
        np.ascontiguousarray(sources, dtype=np.int64), np.ascontiguousarray(decays, dtype=np.float64),
        bool(with_lag),
    )  # fmt: skip
    return before, (lagged if with_lag else None)
