"""Parameters shared by the Hawkes models: constraints, covariance, intervals, tests.

Both models (continuous-time and daily counts) have the same blocks: one baseline per side,
one cross/self effect per ordered pair (target, source), one decay per pair (or per kernel
component), plus the count model's dispersion. Constraints users ask for (an effect fixed to
zero, two effects tied, one baseline shared by both sides, decays fixed in advance) are a map
from a short free vector to the full one: ``full = fixed + M @ free``. One mechanism serves
every model, its gradient (``M.T @ grad``) and its likelihood-ratio tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize, stats

from jervis.errors import JervisError

SIDES = ("A", "B")
LOG2 = float(np.log(2.0))  # half-life = LOG2 / decay


def pair_name(target: int, source: int, sides: tuple[str, ...] = SIDES) -> str:
    """The effect of ``source``'s events on ``target``'s rate, written 'source->target'."""
    return f"{sides[source]}->{sides[target]}"


def parse_pair(name: str, sides: tuple[str, ...] = SIDES) -> tuple[int, int]:
    """'A->B' -> (target 1, source 0)."""
    parts = [p.strip() for p in str(name).split("->")]
    if len(parts) != 2 or not set(parts) <= set(sides):
        raise JervisError(f"an effect is written like 'A->B' (sides {', '.join(sides)}), not {name!r}")
    return sides.index(parts[1]), sides.index(parts[0])


@dataclass
class Constraints:
    """Restrictions on a Hawkes model, by effect name ('A->B' = A's events on B's rate).

    ``zero``: effects fixed to 0; ``tie``: groups of effects forced equal (e.g. A->B = B->A);
    ``shared_baseline``: both sides get one baseline; ``decays``: decays fixed in advance
    (days^-1 for the continuous model, a daily carry-over ratio for the count model).
    """

    zero: list[str] = field(default_factory=list)
    tie: list[list[str]] = field(default_factory=list)
    shared_baseline: bool = False
    decays: Any = None

    @classmethod
    def coerce(cls, value: Constraints | dict[str, Any] | None) -> Constraints:
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        unknown = set(value) - {"zero", "tie", "shared_baseline", "decays"}
        if unknown:
            raise JervisError(f"unknown constraints {sorted(unknown)}")
        return cls(**value)

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.zero:
            out["zero"] = list(self.zero)
        if self.tie:
            out["tie"] = [list(g) for g in self.tie]
        if self.shared_baseline:
            out["shared_baseline"] = True
        if self.decays is not None:
            out["decays"] = np.asarray(self.decays, dtype=float).tolist()
        return out


class ParamMap:
    """full = fixed + expand(free): which full entries are free, tied or fixed.

    ``blocks`` names the full vector's parts in order with their shapes; ``bounds`` gives each
    block's (low, high). ``tie_entries(groups)`` / ``fix_entries(...)`` edit the map.
    """

    def __init__(self, blocks: dict[str, tuple[int, ...]], bounds: dict[str, tuple[float, float]]):
        self.shapes = dict(blocks)
        self.slices: dict[str, slice] = {}
        start = 0
        for name, shape in blocks.items():
            size = int(np.prod(shape)) if shape else 1
            self.slices[name] = slice(start, start + size)
            start += size
        self.n_full = start
        self.col = np.arange(start)
        self.fixed = np.zeros(start)
        self.low = np.empty(start)
        self.high = np.empty(start)
        for name, sl in self.slices.items():
            self.low[sl], self.high[sl] = bounds.get(name, (-np.inf, np.inf))

    def index(self, block: str, *where: int) -> int:
        return self.slices[block].start + int(np.ravel_multi_index(where, self.shapes[block]))

    def fix(self, entries: list[int], values: np.ndarray | float) -> None:
        self.col[np.asarray(entries, dtype=int)] = -1
        self.fixed[np.asarray(entries, dtype=int)] = values
        self._renumber()

    def tie(self, entries: list[int]) -> None:
        entries = [e for e in entries if self.col[e] >= 0]
        if len(entries) > 1:
            self.col[entries] = self.col[entries[0]]
            self._renumber()

    def _renumber(self) -> None:
        free = self.col >= 0
        _, inverse = np.unique(self.col[free], return_inverse=True)
        self.col[free] = inverse

    @property
    def n_free(self) -> int:
        return int(self.col.max() + 1) if np.any(self.col >= 0) else 0

    def expand(self, free: np.ndarray) -> np.ndarray:
        full = self.fixed.copy()
        mask = self.col >= 0
        full[mask] = np.asarray(free)[self.col[mask]]
        return full

    def reduce_grad(self, grad_full: np.ndarray) -> np.ndarray:
        mask = self.col >= 0
        return np.bincount(self.col[mask], weights=grad_full[mask], minlength=self.n_free)

    def project(self, full: np.ndarray) -> np.ndarray:
        """A free vector from a full one (tied entries averaged)."""
        mask = self.col >= 0
        total = np.bincount(self.col[mask], weights=full[mask], minlength=self.n_free)
        count = np.bincount(self.col[mask], minlength=self.n_free)
        return total / np.maximum(count, 1)

    def bounds(self) -> list[tuple[float | None, float | None]]:
        out = []
        mask = self.col >= 0
        for c in range(self.n_free):
            entries = mask & (self.col == c)
            lo, hi = float(self.low[entries].max()), float(self.high[entries].min())
            out.append((lo if np.isfinite(lo) else None, hi if np.isfinite(hi) else None))
        return out

    def block(self, full: np.ndarray, name: str) -> np.ndarray:
        return full[self.slices[name]].reshape(self.shapes[name])


def apply_constraints(pmap: ParamMap, constraints: Constraints, effect_block: str,
                      baseline_block: str, n_components: int = 1) -> None:  # fmt: skip
    """Zero, tie and shared-baseline constraints on the effect and baseline blocks."""
    shape = pmap.shapes[effect_block]
    for name in constraints.zero:
        target, source = parse_pair(name)
        entries = [pmap.index(effect_block, target, source, *(u,)[: len(shape) - 2])
                   for u in range(n_components)]  # fmt: skip
        pmap.fix(entries, 0.0)
    for group in constraints.tie:
        pairs = [parse_pair(name) for name in group]
        for u in range(n_components):
            pmap.tie([pmap.index(effect_block, t, s, *(u,)[: len(shape) - 2]) for t, s in pairs])
    if constraints.shared_baseline:
        pmap.tie([pmap.index(baseline_block, i) for i in range(pmap.shapes[baseline_block][0])])


def minimize_negative(fun, x0: np.ndarray, bounds, *, gtol: float = 1e-9, maxiter: int = 2000):
    """L-BFGS-B on a (value, gradient) function: SciPy's optimiser, tight tolerances."""
    return optimize.minimize(
        fun, x0, jac=True, method="L-BFGS-B", bounds=bounds,
        options={"maxiter": maxiter, "gtol": gtol, "ftol": 1e-15, "maxcor": 30},
    )  # fmt: skip


def hessian(grad, x: np.ndarray, bounds, rel_step: float = 1e-5) -> np.ndarray:
    """Symmetrised central-difference Hessian of an analytic gradient (one-sided at a bound)."""
    k = len(x)
    out = np.empty((k, k))
    for i in range(k):
        h = rel_step * max(abs(x[i]), 1e-2)
        lo, hi = bounds[i]
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        if lo is not None and down[i] < lo:
            down[i] = x[i]
        if hi is not None and up[i] > hi:
            up[i] = x[i]
        out[:, i] = (grad(up) - grad(down)) / (up[i] - down[i])
    return 0.5 * (out + out.T)


def covariance(neg_hessian: np.ndarray) -> np.ndarray:
    """Inverse observed information; a pseudo-inverse when a direction is flat."""
    try:
        cov = np.linalg.inv(neg_hessian)
        if np.all(np.isfinite(cov)) and np.all(np.diag(cov) >= 0):
            return cov
    except np.linalg.LinAlgError:
        pass
    return np.linalg.pinv(neg_hessian)


def combine_draws(estimates: list[np.ndarray], covariances: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Rubin's rules: mean estimate, within plus (1 + 1/M) between-draw covariance."""
    est = np.mean(estimates, axis=0)
    within = np.mean(covariances, axis=0)
    m = len(estimates)
    between = np.cov(np.asarray(estimates).T, ddof=1) if m > 1 else np.zeros_like(within)
    return est, within + (1.0 + 1.0 / m) * np.atleast_2d(between)


def draw_parameters(pmap: ParamMap, free: np.ndarray, cov: np.ndarray, n: int,
                    rng: np.random.Generator) -> np.ndarray:  # fmt: skip
    """Full parameter vectors drawn from the asymptotic normal, clipped to the bounds."""
    sd_ok = np.all(np.isfinite(cov))
    draws = rng.multivariate_normal(free, cov if sd_ok else np.zeros_like(cov), size=n,
                                    method="eigh", check_valid="ignore")  # fmt: skip
    lo = np.array([-np.inf if b[0] is None else b[0] for b in pmap.bounds()])
    hi = np.array([np.inf if b[1] is None else b[1] for b in pmap.bounds()])
    draws = np.clip(draws, lo, hi)
    return np.array([pmap.expand(d) for d in draws])


def interval(values: np.ndarray, level: float = 0.95) -> list[float]:
    """Equal-tailed percentile interval of draws."""
    tail = (1 - level) / 2 * 100
    return [float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))]


def effect_kind(ci: list[float] | tuple[float, float]) -> str:
    """Excitation when the 95% interval is above 0, inhibition when below, else none."""
    lo, hi = ci
    if lo is not None and lo > 0:
        return "excitation"
    if hi is not None and hi < 0:
        return "inhibition"
    return "none"


def likelihood_ratio_test(restricted: Any, free: Any, boundary: bool | None = None) -> dict[str, Any]:
    """LR test of a constrained fit against a freer one (both fitted to the same data).

    Fixing a non-negative effect to zero puts the null on the boundary; then the statistic is
    a 50:50 mixture of chi2(0) and chi2(1) (Self & Liang 1987) when one entry is fixed.
    """
    stat = max(2.0 * (free.loglik_ - restricted.loglik_), 0.0)
    df = int(free.n_params_ - restricted.n_params_)
    if df <= 0:
        raise JervisError("the restricted model must have fewer free parameters than the free one")
    if boundary is None:
        boundary = bool(restricted.constraints.zero) and free.link == "linear" and df == 1
    p = 0.5 * stats.chi2.sf(stat, df) if boundary and stat > 0 else float(stats.chi2.sf(stat, df))
    if boundary and stat == 0:
        p = 1.0
    return {"statistic": stat, "df": df, "p_value": float(p), "boundary": bool(boundary),
            "restricted": restricted.constraints.describe(), "free": free.constraints.describe()}  # fmt: skip


def spectral_radius(matrix: np.ndarray) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(np.asarray(matrix, dtype=float)))))


def ks_uniform(u: np.ndarray, n_points: int = 99) -> dict[str, Any]:
    """KS test of values that should be U(0,1), with QQ data (model vs empirical quantiles)."""
    u = np.sort(np.asarray(u, dtype=float))
    if len(u) < 5:
        return {"ks_statistic": None, "ks_p_value": None, "n": int(len(u)), "qq": []}
    test = stats.kstest(u, "uniform", method="exact" if len(u) <= 500 else "asymp")
    probs = np.linspace(0.01, 0.99, n_points)
    qq = [[round(float(p), 4), round(float(q), 4)] for p, q in zip(probs, np.quantile(u, probs), strict=True)]
    return {"ks_statistic": float(test.statistic), "ks_p_value": float(test.pvalue),
            "n": int(len(u)), "qq": qq}  # fmt: skip
