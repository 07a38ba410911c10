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


@numba.njit(cache=True)
def _loglik_derivs(times, marks, end, mu, alpha, beta, want_hessian):  # pragma: no cover - compiled
    dim, comps = alpha.shape[1], alpha.shape[2]
    pairs = dim * comps
    n_full = dim + 2 * dim * pairs
    a0, t0 = dim, dim + dim * pairs  # where the adjacency and log-decay blocks start
    grad = np.zeros(n_full)
    hess = np.zeros((n_full, n_full))
    s = np.zeros((dim, dim, comps))  # sum over source-j events strictly before the instant
    r = np.zeros((dim, dim, comps))  # ... times the lag
    q = np.zeros((dim, dim, comps))  # ... times the lag squared
    counts = np.zeros(dim)
    pending = np.zeros(dim)  # events at the current instant (not yet each other's history)
    local = np.zeros(1 + 2 * pairs)
    index = np.zeros(1 + 2 * pairs, dtype=np.int64)
    ll = 0.0
    previous = times[0] if times.shape[0] else 0.0
    for k in range(times.shape[0]):
        gap = times[k] - previous
        if gap > 0:
            for i in range(dim):
                for j in range(dim):
                    for u in range(comps):
                        e = np.exp(-beta[i, j, u] * gap)
                        s0 = s[i, j, u] + pending[j]
                        r0, q0 = r[i, j, u], q[i, j, u]
                        q[i, j, u] = e * (q0 + 2.0 * gap * r0 + gap * gap * s0)
                        r[i, j, u] = e * (r0 + gap * s0)
                        s[i, j, u] = e * s0
            pending[:] = 0.0
            previous = times[k]
        i = marks[k]
        lam = mu[i]
        local[0] = 1.0
        index[0] = i
        for j in range(dim):
            for u in range(comps):
                c = j * comps + u
                b, a = beta[i, j, u], alpha[i, j, u]
                sv, rv = s[i, j, u], r[i, j, u]
                lam += a * b * sv
                local[1 + c] = b * sv
                local[1 + pairs + c] = a * b * (sv - b * rv)
                index[1 + c] = a0 + i * pairs + c
                index[1 + pairs + c] = t0 + i * pairs + c
        ll += np.log(lam)
        inv = 1.0 / lam
        for x in range(1 + 2 * pairs):
            grad[index[x]] += local[x] * inv
        if want_hessian:
            inv2 = inv * inv
            for x in range(1 + 2 * pairs):
                for y in range(1 + 2 * pairs):
                    hess[index[x], index[y]] -= local[x] * local[y] * inv2
            for j in range(dim):
                for u in range(comps):
                    c = j * comps + u
                    b, a = beta[i, j, u], alpha[i, j, u]
                    sv, rv, qv = s[i, j, u], r[i, j, u], q[i, j, u]
                    ia, it = a0 + i * pairs + c, t0 + i * pairs + c
                    cross = b * (sv - b * rv) * inv
                    hess[ia, it] += cross
                    hess[it, ia] += cross
                    hess[it, it] += a * b * (sv - 3.0 * b * rv + b * b * qv) * inv
        pending[marks[k]] += 1.0
        counts[marks[k]] += 1.0
    # compensator: mu_i T + sum_j alpha_ij (n_j - E_ij), E_ij = sum_l exp(-beta_ij (T - t_l)):
    # the sums carried on to T, every event included, are E and its lag moments F and G
    gap = end - previous
    for i in range(dim):
        ll -= mu[i] * end
        grad[i] -= end
        for j in range(dim):
            for u in range(comps):
                b, a = beta[i, j, u], alpha[i, j, u]
                e = np.exp(-b * gap)
                s0 = s[i, j, u] + pending[j]
                r0, q0 = r[i, j, u], q[i, j, u]
                big_g = e * (q0 + 2.0 * gap * r0 + gap * gap * s0)
                big_f = e * (r0 + gap * s0)
                big_e = e * s0
                c = j * comps + u
                ia, it = a0 + i * pairs + c, t0 + i * pairs + c
                ll -= a * (counts[j] - big_e)
                grad[ia] -= counts[j] - big_e
                grad[it] -= a * b * big_f
                if want_hessian:
                    hess[ia, it] -= b * big_f
                    hess[it, ia] -= b * big_f
                    hess[it, it] -= a * b * (big_f - b * big_g)
    return ll, grad, hess


def loglik_derivatives(
    times: np.ndarray, marks: np.ndarray, end: float, mu: np.ndarray, alpha: np.ndarray,
    beta: np.ndarray, hessian: bool = True,
) -> tuple[float, np.ndarray, np.ndarray]:  # fmt: skip
    """Exponential-kernel Hawkes log-likelihood, gradient and Hessian in one compiled pass.

    Parameters in the full layout (baseline (D,), adjacency (D, D, U), log-decay (D, D, U));
    derivatives with respect to (mu, alpha, log beta). The second-order sums follow the same
    recursion: Q_k = exp(-beta gap) (Q_{k-1} + 2 gap R_{k-1} + gap^2 S_{k-1}). Events at one
    instant are not each other's history (as :func:`decayed_sums`).
    """
    return _loglik_derivs(
        np.ascontiguousarray(times, dtype=np.float64), np.ascontiguousarray(marks, dtype=np.int64),
        float(end), np.ascontiguousarray(mu, dtype=np.float64),
        np.ascontiguousarray(alpha, dtype=np.float64), np.ascontiguousarray(beta, dtype=np.float64),
        bool(hessian),
    )  # fmt: skip
