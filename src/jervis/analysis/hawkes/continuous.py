"""Continuous-time multivariate Hawkes processes with exponential / sum-of-exponential kernels.

Side i's rate at time t (days) is

    lambda_i(t) = mu_i + sum_j sum_u alpha_iju * beta_iju * sum_{t_l in j, t_l < t} exp(-beta_iju (t - t_l))

``alpha_iju`` is the expected number of i-events each j-event triggers through component u
(the branching ratio; tick's ``adjacency``), ``beta`` the decay (half-life ln 2 / beta days).
Kernels: ``"exp"`` (one component, a decay per ordered pair) and ``"sumexp"`` (U components
whose decays are shared by all pairs, as tick's HawkesSumExpKern).

Fit: maximum likelihood by projected Newton on all free parameters (baselines, effects and,
unless fixed, log-decays), from two decay starts. One compiled O(n) pass
(:func:`.recursion.loglik_derivatives`) gives the log-likelihood, its gradient and its exact
Hessian, so each step costs one pass and the observed information at the optimum is the
Hessian itself (no differences). With the decays fixed the problem is concave; with them free
it need not be, so steps use the Hessian's eigenvalues in absolute value and a line search.
(The first version profiled the decays out with L-BFGS-B and refitted (mu, alpha) at every
step: 21x tick's fixed-decay time at 10k events, docs/benchmarks.md.)

Ties: day-precision data put many events at one instant, where a continuous model has none.
With ``ties="jitter"`` each fit spreads each day's events uniformly over the day, and
``n_jitter`` such draws are combined by Rubin's rules (the estimate averaged, the variance
the mean within-draw variance plus the between-draw variance), i.e. the unknown times are
imputed. ``ties="none"`` keeps the instants (tied events are then not each other's history).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jervis.analysis.hawkes.params import (
    LOG2,
    Constraints,
    ParamMap,
    apply_constraints,
    combine_draws,
    covariance,
    effect_kind,
    ks_uniform,
    pair_name,
    spectral_radius,
)  # fmt: skip
from jervis.analysis.hawkes.recursion import decayed_sums, loglik_derivatives
from jervis.errors import JervisError

DECAY_BOUNDS = (1e-3, 1e3)  # per day: half-lives from ~1 minute to ~2 years
_START_DECAYS = (0.3, 3.0)


class _Data:
    """One realisation: merged sorted times, marks, window end, per-source times."""

    def __init__(self, times: list[np.ndarray], end: float):
        self.dim = len(times)
        self.end = float(end)
        marks = np.concatenate([np.full(len(t), i) for i, t in enumerate(times)])
        all_times = np.concatenate([np.asarray(t, dtype=float) for t in times])
        order = np.argsort(all_times, kind="stable")
        self.t = all_times[order]
        self.m = marks[order]
        self.by_source = [np.sort(np.asarray(t, dtype=float)) for t in times]
        self.onehot = (self.m[:, None] == np.arange(self.dim)[None, :]).astype(float)
        self.n = np.array([len(t) for t in times])


class ContinuousHawkes:
    """Multivariate Hawkes process in continuous time, fitted by maximum likelihood.

    ``decays``: None to estimate them; a number, a (D, D) matrix (``kernel="exp"``) or a list
    of U decays (``kernel="sumexp"``) to fix them. ``n_components`` sets U for an estimated
    sum-of-exponentials kernel. ``constraints``: see :class:`Constraints`.
    """

    link = "linear"

    def __init__(
        self, kernel: str = "exp", decays: Any = None, n_components: int = 2,
        ties: str = "auto", n_jitter: int = 10, constraints: Constraints | dict | None = None,
        seed: int | None = 0,
    ):  # fmt: skip
        if kernel not in ("exp", "sumexp"):
            raise JervisError(f"kernel must be 'exp' or 'sumexp', not {kernel!r}")
        if ties not in ("auto", "jitter", "none"):
            raise JervisError(f"ties must be 'auto', 'jitter' or 'none', not {ties!r}")
        self.kernel, self.decays, self.n_components = kernel, decays, n_components
        self.ties, self.n_jitter, self.seed = ties, n_jitter, seed
        self.constraints = Constraints.coerce(constraints)

    # -- parameter layout ---------------------------------------------------------------
    def _map(self, dim: int) -> ParamMap:
        fixed = self.constraints.decays if self.constraints.decays is not None else self.decays
        if self.kernel == "exp":
            comps = 1
        else:
            comps = len(np.atleast_1d(fixed)) if fixed is not None else self.n_components
        self.n_comp_ = comps
        shape = (dim, dim, comps)
        low, high = np.log(DECAY_BOUNDS)
        pmap = ParamMap(
            {"baseline": (dim,), "adjacency": shape, "log_decay": shape},
            {"baseline": (1e-10, np.inf), "adjacency": (0.0, np.inf), "log_decay": (low, high)},
        )
        apply_constraints(pmap, self.constraints, "adjacency", "baseline", comps)
        entries = list(range(pmap.slices["log_decay"].start, pmap.slices["log_decay"].stop))
        if fixed is not None:
            values = np.broadcast_to(np.asarray(fixed, dtype=float).reshape(
                (dim, dim, 1) if self.kernel == "exp" and np.ndim(fixed) == 2 else (-1,)
            ), shape)  # fmt: skip
            if np.any(values <= 0):
                raise JervisError("decays must be positive")
            pmap.fix(entries, np.log(values).ravel())
        elif self.kernel == "sumexp":
            for u in range(comps):  # one decay per component, shared by every pair
                pmap.tie([pmap.index("log_decay", i, j, u) for i in range(dim) for j in range(dim)])
        return pmap

    # -- likelihood ----------------------------------------------------------------------
    def _columns(self, data: _Data, log_decay: np.ndarray):
        """Unique (source, decay) recursions and the column of each (i, j, u) entry."""
        dim, comps = data.dim, self.n_comp_
        sources = np.broadcast_to(np.arange(dim)[None, :, None], (dim, dim, comps)).ravel()
        keys = np.stack([sources, log_decay.ravel()], axis=1)
        unique, col = np.unique(keys, axis=0, return_inverse=True)
        return unique[:, 0].astype(int), np.exp(unique[:, 1]), col.ravel()

    def _terms(self, data: _Data, full: np.ndarray, with_lag: bool):
        pmap = self.pmap_
        log_decay = pmap.block(full, "log_decay")
        src, dec, col = self._columns(data, log_decay)
        s, r = decayed_sums(data.t, data.m, src, dec, with_lag)
        dim = data.dim
        per_event = lambda x: x[:, col].reshape(-1, dim, dim * self.n_comp_)[  # noqa: E731
            np.arange(len(data.t)), data.m]
        rest = [data.end - ts for ts in data.by_source]
        beta = np.exp(log_decay)  # (D, D, U)
        tail = np.empty_like(beta)  # sum_l exp(-beta (T - t_l)) over the source's events
        tail_lag = np.empty_like(beta)
        for (i, j, u), b in np.ndenumerate(beta):
            e = np.exp(-b * rest[j])
            tail[i, j, u] = e.sum()
            tail_lag[i, j, u] = (rest[j] * e).sum()
        return per_event(s), (per_event(r) if with_lag else None), beta, tail, tail_lag

    def _derivatives(self, data: _Data, free: np.ndarray, hessian: bool = True):
        """Log-likelihood, gradient and Hessian in the free parameters (one compiled pass)."""
        pmap = self.pmap_
        full = pmap.expand(free)
        ll, grad, hess = loglik_derivatives(
            data.t, data.m, data.end, pmap.block(full, "baseline"), pmap.block(full, "adjacency"),
            np.exp(pmap.block(full, "log_decay")), hessian,
        )  # fmt: skip
        reduce = self.reduce_
        return ll, reduce.T @ grad, (reduce.T @ hess @ reduce if hessian else None)

    def _newton(self, data: _Data, free: np.ndarray, max_iter: int = 200):
        """Projected Newton on the free parameters within their bounds.

        With fixed decays the problem is concave (Newton converges in a few steps); with the
        decays free it need not be, so the information's eigenvalues are taken in absolute
        value (a saddle-free step, always uphill) and every step is checked by a line search.
        """
        low, high = self.low_, self.high_
        free = np.clip(free, low, high)
        ll, g, h = self._derivatives(data, free)
        for _ in range(max_iter):
            stuck = ((free <= low) & (g < 0)) | ((free >= high) & (g > 0))
            act = ~stuck
            if not act.any():
                break
            values, vectors = np.linalg.eigh(-h[np.ix_(act, act)])
            top = np.max(np.abs(values))
            if not np.isfinite(top) or top == 0:
                break
            values = np.maximum(np.abs(values), 1e-10 * top)
            step = np.zeros_like(free)
            step[act] = vectors @ ((vectors.T @ g[act]) / values)
            size = 1.0
            for _ in range(60):
                trial = np.clip(free + size * step, low, high)
                new = self._derivatives(data, trial)
                if np.isfinite(new[0]) and new[0] >= ll - 1e-12 * abs(ll):
                    break
                size /= 2
            else:
                break
            change = new[0] - ll
            moved = np.max(np.abs(trial - free))
            free, (ll, g, h) = trial, new
            if change < 1e-11 * max(1.0, abs(ll)) and moved < 1e-8:
                break
        return free, ll, h

    def _fit_one(self, data: _Data) -> tuple[np.ndarray, float, np.ndarray]:
        pmap = self.pmap_
        full = pmap.fixed.copy()
        rate = data.n / data.end
        full[pmap.slices["baseline"]] = 0.5 * np.maximum(rate, 1e-6)
        full[pmap.slices["adjacency"]] = 0.1
        decay_free = np.any(pmap.col[pmap.slices["log_decay"]] >= 0)
        best = None
        for b in _START_DECAYS if decay_free else (None,):
            trial = full.copy()
            if b is not None:
                starts = np.log(b * np.geomspace(1, 10, self.n_comp_))
                trial[pmap.slices["log_decay"]] = np.broadcast_to(
                    starts, pmap.shapes["log_decay"]).ravel()  # fmt: skip
            fitted = self._newton(data, pmap.project(pmap.expand(pmap.project(trial))))
            if best is None or fitted[1] > best[1]:
                best = fitted
        free, ll, h = best
        return free, ll, covariance(-h)

    def fit(self, times: list[np.ndarray] | tuple, end: float, labels: tuple[str, ...] = ("A", "B")):
        """Fit to event times (days from the window's start, one array per side) on [0, end]."""
        times = [np.sort(np.asarray(t, dtype=float)) for t in times]
        if any(len(t) < 2 for t in times):
            raise JervisError("each side needs at least 2 events for a Hawkes fit")
        if min(t.min() for t in times) < 0 or max(t.max() for t in times) > end:
            raise JervisError("event times must lie in [0, end]")
        self.labels_ = tuple(labels)
        dim = len(times)
        self.pmap_ = pmap = self._map(dim)
        self.reduce_ = np.zeros((pmap.n_full, pmap.n_free))  # full = fixed + reduce_ @ free
        free_entries = np.where(pmap.col >= 0)[0]
        self.reduce_[free_entries, pmap.col[free_entries]] = 1.0
        bounds = pmap.bounds()
        self.low_ = np.array([-np.inf if lo is None else lo for lo, _ in bounds])
        self.high_ = np.array([np.inf if hi is None else hi for _, hi in bounds])
        merged = np.concatenate(times)
        integer_days = bool(np.all(merged == np.floor(merged)))
        has_ties = len(np.unique(merged)) < len(merged)
        jitter = self.ties == "jitter" or (self.ties == "auto" and integer_days and has_ties)
        rng = np.random.default_rng(self.seed)
        draws = self.n_jitter if jitter else 1
        fits = []
        for _ in range(draws):
            shifted = [t + rng.uniform(0, 1, len(t)) if jitter else t for t in times]
            span = end + (1.0 if jitter and integer_days else 0.0)
            data = _Data(shifted, span)
            phi, ll, cov = self._fit_one(data)
            fits.append((phi, ll, cov, data))
        phi, cov = combine_draws([f[0] for f in fits], [f[2] for f in fits])
        self.free_, self.cov_ = phi, cov
        self.params_ = pmap.expand(phi)
        self.loglik_ = float(np.mean([f[1] for f in fits]))
        self.n_params_ = pmap.n_free
        n_events = int(len(merged))
        self.aic_ = 2 * self.n_params_ - 2 * self.loglik_
        self.bic_ = np.log(n_events) * self.n_params_ - 2 * self.loglik_
        self.ties_ = {"jittered": jitter, "draws": draws, "tied_events": int(len(merged) - len(np.unique(merged)))}
        self.end_ = float(end)
        self._diagnostics([f[3] for f in fits])
        return self

    # -- results ---------------------------------------------------------------------------
    @property
    def baseline_(self) -> np.ndarray:
        return self.pmap_.block(self.params_, "baseline")

    @property
    def adjacency_(self) -> np.ndarray:
        """(D, D, U): expected target events triggered per source event, per component."""
        return self.pmap_.block(self.params_, "adjacency")

    @property
    def decays_(self) -> np.ndarray:
        return np.exp(self.pmap_.block(self.params_, "log_decay"))

    def _se_of(self, weights_full: np.ndarray) -> float:
        """Standard error of a linear combination of full parameters."""
        w = self.pmap_.reduce_grad(weights_full)
        return float(np.sqrt(max(w @ self.cov_ @ w, 0.0)))

    def _diagnostics(self, datas: list[_Data]) -> None:
        pmap, dim = self.pmap_, len(self.labels_)
        effects = []
        for i in range(dim):
            for j in range(dim):
                weights = np.zeros(pmap.n_full)
                idx = [pmap.index("adjacency", i, j, u) for u in range(self.n_comp_)]
                weights[idx] = 1.0
                est = float(self.params_[idx].sum())
                se = self._se_of(weights) if np.any(pmap.col[idx] >= 0) else 0.0
                lo, hi = max(est - 1.96 * se, 0.0), est + 1.96 * se
                effects.append({
                    "from": self.labels_[j], "to": self.labels_[i], "pair": pair_name(i, j, self.labels_),
                    "estimate": est, "ci95": [lo, hi], "se": se,
                    "kind": "excitation" if effect_kind([est - 1.96 * se, hi]) == "excitation" else "none",
                    "fixed": bool(np.all(pmap.col[idx] < 0)),
                })  # fmt: skip
        self.effects_ = effects
        half = []
        for (i, j, u), b in np.ndenumerate(self.decays_):
            e = pmap.index("log_decay", i, j, u)
            c = pmap.col[e]
            se = float(np.sqrt(max(self.cov_[c, c], 0.0))) if c >= 0 else 0.0
            log_b = np.log(b)
            half.append({
                "from": self.labels_[j], "to": self.labels_[i], "component": u,
                "decay_per_day": float(b), "half_life_days": LOG2 / b,
                "ci95": [LOG2 / np.exp(log_b + 1.96 * se), LOG2 / np.exp(log_b - 1.96 * se)],
            })  # fmt: skip
        self.half_lives_ = half
        total = self.adjacency_.sum(axis=2)
        self.spectral_radius_ = spectral_radius(total)
        shares, uniforms = np.zeros(dim), []
        for data in datas:
            s, _, beta, _, _ = self._terms(data, self.params_, with_lag=False)
            w = (self.adjacency_ * beta).reshape(dim, -1)
            excited = np.einsum("kc,kc->k", s, w[data.m])
            lam = self.baseline_[data.m] + excited
            shares += (data.onehot.T @ (excited / lam)) / data.n / len(datas)
            # time rescaling: compensator at each event, increments per side ~ Exp(1)
            before = np.stack([np.searchsorted(data.by_source[j], data.t, side="left")
                               for j in range(dim)], axis=1)  # j-events strictly before t_k
            s_full = s.reshape(-1, dim, self.n_comp_)
            comp = self.baseline_[data.m] * data.t + np.einsum(
                "kju,kju->k", self.adjacency_[data.m], before[:, :, None] - s_full)  # fmt: skip
            for i in range(dim):
                c_i = comp[data.m == i]
                inc = np.diff(c_i, prepend=0.0)
                uniforms.append(1.0 - np.exp(-np.maximum(inc, 0.0)))
        self.triggered_share_ = {self.labels_[i]: float(shares[i]) for i in range(dim)}
        gof = ks_uniform(np.concatenate(uniforms[: dim]))  # first draw: independent residuals
        gof["method"] = "time-rescaling (Brown et al. 2002): compensator increments ~ Exp(1)"
        self.gof_ = gof

    def summary(self) -> dict[str, Any]:
        """Plain data for the ``jervis hawkes`` JSON."""
        return {
            "model": "continuous",
            "link": "linear",
            "kernel": self.kernel,
            "effects": self.effects_,
            "baseline": {self.labels_[i]: float(v) for i, v in enumerate(self.baseline_)},
            "baseline_se": {self.labels_[i]: self._se_of(np.eye(self.pmap_.n_full)[self.pmap_.index("baseline", i)]) for i in range(len(self.labels_))},
            "half_life_days": self.half_lives_,
            "triggered_share": self.triggered_share_,
            "spectral_radius": self.spectral_radius_,
            "stable": self.spectral_radius_ < 1,
            "gof": self.gof_,
            "loglik": self.loglik_,
            "aic": self.aic_,
            "bic": self.bic_,
            "n_params": self.n_params_,
            "ties": self.ties_,
            "constraints": self.constraints.describe(),
        }
