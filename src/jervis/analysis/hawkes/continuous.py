"""Continuous-time multivariate Hawkes processes with exponential / sum-of-exponential kernels.

Side i's rate at time t (days) is

    lambda_i(t) = mu_i + sum_j sum_u alpha_iju * beta_iju * sum_{t_l in j, t_l < t} exp(-beta_iju (t - t_l))

``alpha_iju`` is the expected number of i-events each j-event triggers through component u
(the branching ratio; tick's ``adjacency``), ``beta`` the decay (half-life ln 2 / beta days).
Kernels: ``"exp"`` (one component, a decay per ordered pair) and ``"sumexp"`` (U components
whose decays are shared by all pairs, as tick's HawkesSumExpKern).

Fit: maximum likelihood. With the decays fixed the log-likelihood is concave in (mu, alpha), a
Poisson-type problem on a precomputed design; it is solved by projected Newton. With decays
estimated, the decays' profile likelihood is maximised by L-BFGS-B using the envelope-theorem
gradient. Every kernel sum comes from the O(n) recursion in :mod:`.recursion`.

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
    minimize_negative,
    pair_name,
    spectral_radius,
)  # fmt: skip
from jervis.analysis.hawkes.recursion import decayed_sums
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

    def _linear_design(self, data: _Data, full: np.ndarray, terms) -> tuple:
        """Rate at event k = offset_k + Z_k . phi_lin; compensator = cost . phi_lin + fixed."""
        pmap, dim, comps = self.pmap_, data.dim, self.n_comp_
        s, _, beta, tail, _ = terms
        n = len(data.t)
        x = np.zeros((n, pmap.n_full))  # dense over the linear blocks only
        base, adj = pmap.slices["baseline"], pmap.slices["adjacency"]
        x[:, base] = data.onehot
        g = s * beta.reshape(dim, dim * comps)[data.m]
        cols = adj.start + data.m[:, None] * dim * comps + np.arange(dim * comps)[None, :]
        np.put_along_axis(x, cols, g, axis=1)
        cost = np.zeros(pmap.n_full)
        cost[base] = data.end
        cost[adj] = (data.n[None, :, None] - tail).ravel()
        lin = np.zeros(pmap.n_full, dtype=bool)
        lin[base] = lin[adj] = True
        free_lin = lin & (pmap.col >= 0)
        fixed_lin = lin & (pmap.col < 0)
        cols_free = np.unique(pmap.col[free_lin])
        m = np.zeros((pmap.n_full, len(cols_free)))
        m[np.where(free_lin)[0], np.searchsorted(cols_free, pmap.col[free_lin])] = 1.0
        z = x @ m
        offset = x[:, fixed_lin] @ pmap.fixed[fixed_lin]
        return z, offset, m.T @ cost, float(cost[fixed_lin] @ pmap.fixed[fixed_lin]), cols_free

    def _loglik_grad(self, data: _Data, full: np.ndarray):
        """Log-likelihood and its gradient in the full parameters (O(n) recursions)."""
        pmap, dim, comps = self.pmap_, data.dim, self.n_comp_
        mu = pmap.block(full, "baseline")
        alpha = pmap.block(full, "adjacency")
        s, r, beta, tail, tail_lag = self._terms(data, full, with_lag=True)
        w = (alpha * beta).reshape(dim, dim * comps)
        lam = mu[data.m] + np.einsum("kc,kc->k", s, w[data.m])
        if np.any(lam <= 0):
            return -np.inf, np.zeros_like(full)
        comp = mu * data.end + (alpha * (data.n[None, :, None] - tail)).sum(axis=(1, 2))
        ll = float(np.log(lam).sum() - comp.sum())
        inv = data.onehot.T @ (1.0 / lam[:, None])  # (D, 1)
        by_target = lambda x: data.onehot.T @ (x / lam[:, None])  # noqa: E731  (D, D*U)
        grad = np.zeros(pmap.n_full)
        grad[pmap.slices["baseline"]] = inv[:, 0] - data.end
        d_alpha = by_target(s).reshape(alpha.shape) * beta - (data.n[None, :, None] - tail)
        grad[pmap.slices["adjacency"]] = d_alpha.ravel()
        d_beta = alpha * (by_target(s - beta.reshape(dim, -1)[data.m] * r).reshape(alpha.shape)
                          - tail_lag)  # fmt: skip
        grad[pmap.slices["log_decay"]] = (d_beta * beta).ravel()
        return ll, grad

    # -- fitting -------------------------------------------------------------------------
    def _fit_linear(self, data: _Data, full: np.ndarray) -> tuple[np.ndarray, float]:
        """Projected Newton for (mu, alpha) at the decays in ``full`` (concave problem)."""
        pmap = self.pmap_
        terms = self._terms(data, full, with_lag=False)
        z, offset, cost, cost_fixed, cols = self._linear_design(data, full, terms)
        free = pmap.project(full)[cols]
        low = np.array([-np.inf if b[0] is None else b[0] for b in pmap.bounds()])[cols]

        def value(phi):
            lam = offset + z @ phi
            if np.any(lam <= 0):
                return -np.inf, lam
            return float(np.log(lam).sum() - cost @ phi - cost_fixed), lam

        ll, lam = value(free)
        for _ in range(200):
            g = z.T @ (1.0 / lam) - cost
            h = (z / lam[:, None] ** 2).T @ z
            active = (free <= low + 1e-12) & (g < 0)
            step = np.zeros_like(free)
            act = ~active
            if act.any():
                try:
                    step[act] = np.linalg.solve(h[np.ix_(act, act)], g[act])
                except np.linalg.LinAlgError:
                    step[act] = np.linalg.lstsq(h[np.ix_(act, act)], g[act], rcond=None)[0]
            size, improved = 1.0, False
            for _ in range(60):
                trial = np.maximum(free + size * step, low)
                new_ll, new_lam = value(trial)
                if new_ll >= ll - 1e-12 * abs(ll):
                    improved = True
                    break
                size /= 2
            if not improved:
                break
            change = new_ll - ll
            free, ll, lam = trial, new_ll, new_lam
            if abs(change) < 1e-11 * max(1.0, abs(ll)) and np.max(np.abs(size * step)) < 1e-9:
                break
        out = full.copy()
        mask = np.isin(pmap.col, cols)
        out[mask] = free[np.searchsorted(cols, pmap.col[mask])]
        return out, ll

    def _fit_one(self, data: _Data) -> tuple[np.ndarray, float, np.ndarray]:
        pmap = self.pmap_
        full = pmap.fixed.copy()
        rate = data.n / data.end
        full[pmap.slices["baseline"]] = 0.5 * np.maximum(rate, 1e-6)
        full[pmap.slices["adjacency"]] = 0.1
        full = pmap.expand(pmap.project(full))
        decay_cols = np.unique(pmap.col[pmap.slices["log_decay"]])
        decay_cols = decay_cols[decay_cols >= 0]
        if decay_cols.size:
            best = None
            for b in _START_DECAYS:
                trial = full.copy()
                starts = np.log(b * np.geomspace(1, 10, self.n_comp_))
                trial[pmap.slices["log_decay"]] = np.broadcast_to(
                    starts, pmap.shapes["log_decay"]).ravel()  # fmt: skip
                trial = pmap.expand(pmap.project(trial))
                fitted, ll = self._fit_linear(data, trial)
                if best is None or ll > best[1]:
                    best = (fitted, ll)
            full = best[0]
            state = {"full": full}

            def negative(psi):
                trial = state["full"].copy()
                phi = pmap.project(trial)
                phi[decay_cols] = psi
                trial = pmap.expand(phi)
                fitted, _ = self._fit_linear(data, trial)
                state["full"] = fitted
                ll, grad = self._loglik_grad(data, fitted)
                return -ll, -pmap.reduce_grad(grad)[decay_cols]

            bounds = [pmap.bounds()[c] for c in decay_cols]
            res = minimize_negative(negative, pmap.project(full)[decay_cols], bounds, gtol=1e-7)
            full = state["full"]
            if not np.allclose(pmap.project(full)[decay_cols], res.x):
                phi = pmap.project(full)
                phi[decay_cols] = res.x
                full, _ = self._fit_linear(data, pmap.expand(phi))
        else:
            full, _ = self._fit_linear(data, full)
        ll, _ = self._loglik_grad(data, full)
        phi = pmap.project(full)
        return phi, ll, covariance(self._information(data, full, decay_cols))

    def _information(self, data: _Data, full: np.ndarray, decay_cols: np.ndarray) -> np.ndarray:
        """Observed information: analytic for (mu, alpha), by differences along the decays."""
        pmap = self.pmap_
        terms = self._terms(data, full, with_lag=False)
        z, offset, _, _, cols = self._linear_design(data, full, terms)
        lam = offset + z @ pmap.project(full)[cols]
        info = np.zeros((pmap.n_free, pmap.n_free))
        info[np.ix_(cols, cols)] = (z / lam[:, None] ** 2).T @ z
        if decay_cols.size:
            phi = pmap.project(full)

            def grad(x):
                return pmap.reduce_grad(self._loglik_grad(data, pmap.expand(x))[1])

            bounds = pmap.bounds()
            for c in decay_cols:
                h = 1e-5 * max(abs(phi[c]), 1e-2)
                up, down = phi.copy(), phi.copy()
                up[c] = min(phi[c] + h, bounds[c][1])
                down[c] = max(phi[c] - h, bounds[c][0])
                column = -(grad(up) - grad(down)) / (up[c] - down[c])
                info[:, c] = column
                info[c, :] = column
        return 0.5 * (info + info.T)

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
