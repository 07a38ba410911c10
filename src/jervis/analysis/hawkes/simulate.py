"""Exact simulation of fitted Hawkes models (known-truth data for tests and the policies).

* Continuous time, linear kernels: the cluster (branching) representation (Hawkes & Oakes
  1974): background events are Poisson(mu_i T), each event of side j has Poisson(alpha_ij)
  children on side i at Exp(beta_ij) delays (a mixture over components for sum-exp kernels).
  Exact, vectorised generation by generation.
* Daily counts: the recursion itself, vectorised over many runs. With the log link the mean is
  exp(...), so inhibition can never make it negative (tick's users hit "negative intensity"
  errors when they simulate negative kernels); the log-mean is capped (``LOG_MEAN_CAP``) so a
  self-exciting log-linear burst cannot run to infinity, and the number of capped steps is
  returned.
"""

from __future__ import annotations

import numpy as np

from jervis.analysis.hawkes.discrete import transform
from jervis.errors import JervisError

LOG_MEAN_CAP = 8.0  # e^8 ~ 3000 events per bin


def simulate_continuous(baseline: np.ndarray, adjacency: np.ndarray, decays: np.ndarray,
                        end: float, seed: int | None = None,
                        max_events: int = 5_000_000) -> list[np.ndarray]:  # fmt: skip
    """Event times per side on [0, end] of a linear Hawkes process (cluster representation).

    ``adjacency`` and ``decays`` are (D, D) or (D, D, U) (target, source, component).
    """
    mu = np.asarray(baseline, dtype=float)
    alpha = np.asarray(adjacency, dtype=float)
    beta = np.broadcast_to(np.asarray(decays, dtype=float), alpha.shape)
    if alpha.ndim == 2:
        alpha, beta = alpha[..., None], beta[..., None]
    dim = len(mu)
    total = alpha.sum(axis=2)
    if np.max(np.abs(np.linalg.eigvals(total))) >= 1:
        raise JervisError("the branching matrix has spectral radius >= 1: the process explodes")
    if np.any(alpha < 0):
        raise JervisError("the cluster representation needs non-negative effects")
    rng = np.random.default_rng(seed)
    times = [rng.uniform(0, end, rng.poisson(mu[i] * end)) for i in range(dim)]
    out = [list([t]) for t in times]
    generation = times
    count = sum(len(t) for t in times)
    while any(len(g) for g in generation):
        children: list[list[np.ndarray]] = [[] for _ in range(dim)]
        for j in range(dim):
            parents = generation[j]
            if not len(parents):
                continue
            for i in range(dim):
                for u in range(alpha.shape[2]):
                    n_kids = rng.poisson(alpha[i, j, u], len(parents))
                    births = np.repeat(parents, n_kids) + rng.exponential(
                        1.0 / beta[i, j, u], n_kids.sum())  # fmt: skip
                    children[i].append(births[births < end])
        generation = [np.concatenate(c) if c else np.empty(0) for c in children]
        for i in range(dim):
            out[i].append(generation[i])
        count += sum(len(g) for g in generation)
        if count > max_events:
            raise JervisError(f"simulation passed {max_events:,} events; shorten the window")
    return [np.sort(np.concatenate(parts)) for parts in out]


def _draw_counts(mean: np.ndarray, dispersion: np.ndarray | None, rng: np.random.Generator):
    if dispersion is None:
        return rng.poisson(mean)
    shape = 1.0 / np.maximum(dispersion, 1e-9)
    return rng.poisson(mean * rng.gamma(shape, 1.0 / shape))


def simulate_discrete(
    baseline: np.ndarray, effect: np.ndarray, ratios: np.ndarray, *, link: str = "log",
    dispersion: np.ndarray | float | None = None, n_bins: int = 730, n_runs: int = 1,
    burn_in: int = 200, seed: int | None = None,
) -> tuple[np.ndarray, int]:  # fmt: skip
    """Counts (n_runs, n_bins, D) of the discrete model and the number of capped steps.

    ``baseline`` is mu (linear) or nu (log); ``effect`` alpha or gamma (target, source);
    ``ratios`` the carry-over r (target, source); ``dispersion`` None for Poisson.
    """
    base = np.asarray(baseline, dtype=float)
    eff = np.asarray(effect, dtype=float)
    r = np.broadcast_to(np.asarray(ratios, dtype=float), eff.shape)
    if link == "linear" and (np.any(eff < 0) or np.any(base <= 0)):
        raise JervisError("the linear link needs positive baselines and non-negative effects")
    disp = None if dispersion is None else np.broadcast_to(np.asarray(dispersion, float), base.shape)
    rng = np.random.default_rng(seed)
    dim = len(base)
    level = base if link == "linear" else np.exp(base)  # the first bins start at the baseline
    h = np.broadcast_to(level[None, None, :], (n_runs, dim, dim)).copy()
    out = np.zeros((n_runs, n_bins, dim), dtype=np.int64)
    capped = 0
    for t in range(-burn_in, n_bins):
        lin = base[None] + np.einsum("pij,ij->pi", transform(h, link), eff)
        if link == "linear":
            mean = lin
        else:
            capped += int((lin > LOG_MEAN_CAP).sum()) if t >= 0 else 0
            mean = np.exp(np.minimum(lin, LOG_MEAN_CAP))
        x = _draw_counts(mean, disp, rng)
        h = r[None] * h + (1 - r)[None] * x[:, None, :]
        if t >= 0:
            out[:, t] = x
    return out, capped
