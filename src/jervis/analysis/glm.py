"""Small, fast regression fits the estimators share: NB2 by profile likelihood, OLS with HC errors.

Why not statsmodels here? The verdict fits the count regression dozens of times per analysis
(the robustness grid, the lead test) and thousands of times per simulation study, and
statsmodels' ``NegativeBinomial`` Newton fit can return NaN parameters while reporting
convergence (on a real fatality series it did; the old code then silently used a moment
estimate of the dispersion). Here the NB2 dispersion is found by maximising the *profile*
log-likelihood over log(alpha) on a bounded interval (Brent), with the coefficients at each
alpha from iteratively reweighted least squares: a one-dimensional search that cannot wander
off, and a fit that says exactly how it ended (``NBFit.method``, ``NBFit.notes``).
``tests/analysis/test_glm.py`` checks the fits against statsmodels on ordinary data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special

LOG_ALPHA_BOUNDS = (np.log(1e-6), np.log(50.0))
_ETA_MAX = 30.0


@dataclass
class NBFit:
    """An NB2 (or Poisson, alpha = 0) log-link fit."""

    params: np.ndarray
    cov: np.ndarray
    alpha: float
    llf: float
    mu: np.ndarray
    converged: bool
    method: str  # "ml (profile likelihood)", "fixed", "moments (fallback)"
    notes: list[str] = field(default_factory=list)

    @property
    def bse(self) -> np.ndarray:
        return np.sqrt(np.clip(np.diag(self.cov), 0, None))


def nb2_llf(y: np.ndarray, mu: np.ndarray, alpha: float) -> float:
    """NB2 log-likelihood (Poisson when alpha is 0)."""
    mu = np.maximum(mu, 1e-300)
    if alpha <= 0:
        return float(np.sum(y * np.log(mu) - mu - special.gammaln(y + 1)))
    r = 1.0 / alpha
    return float(
        np.sum(
            special.gammaln(y + r) - special.gammaln(r) - special.gammaln(y + 1)
            + r * np.log(r / (r + mu)) + y * np.log(mu / (r + mu))
        )
    )  # fmt: skip


def _kernel(y: np.ndarray, mu: np.ndarray, alpha: float) -> float:
    """The part of the NB2 log-likelihood that depends on mu (for a fixed alpha)."""
    mu = np.maximum(mu, 1e-300)
    if alpha <= 0:
        return float(np.sum(y * np.log(mu) - mu))
    r = 1.0 / alpha
    log_rmu = np.log(r + mu)
    return float(np.sum(y * (np.log(mu) - log_rmu) - r * log_rmu))


# Normal equations this ill-conditioned (collinear columns, e.g. a side's lags copying the
# other's) are solved by the pseudo-inverse: LAPACK's solve raises on some CPUs and returns
# huge arbitrary coefficients on others, so the answer would depend on the machine.
_MAX_CONDITION = 1e12


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Normal equations (a symmetric); the pseudo-inverse when they are (nearly) singular."""
    if np.linalg.cond(a) < _MAX_CONDITION:
        try:
            return np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            pass
    return np.linalg.pinv(a) @ b


def irls(
    y: np.ndarray,
    X: np.ndarray,
    alpha: float,
    start: np.ndarray | None = None,
    max_iter: int = 100,
    tol: float = 1e-9,
) -> tuple[np.ndarray, np.ndarray, bool]:
    """NB2 coefficients for a fixed alpha by Fisher scoring (step-halving keeps the
    likelihood rising). Returns (params, mu, converged)."""
    n, p = X.shape
    if start is None:
        eta = np.log(np.maximum(y, 0.0) + 0.5)
        beta = _solve(X.T @ X, X.T @ eta)
    else:
        beta = np.asarray(start, float).copy()
    eta = np.clip(X @ beta, -_ETA_MAX, _ETA_MAX)
    mu = np.exp(eta)
    llf = _kernel(y, mu, alpha)
    for _ in range(max_iter):
        w = mu / (1.0 + alpha * mu)
        z = eta + (y - mu) / mu
        xw = X * w[:, None]
        step = _solve(xw.T @ X, xw.T @ z) - beta
        for _halving in range(30):
            cand = beta + step
            eta_c = np.clip(X @ cand, -_ETA_MAX, _ETA_MAX)
            mu_c = np.exp(eta_c)
            llf_c = _kernel(y, mu_c, alpha)
            if np.isfinite(llf_c) and llf_c >= llf - 1e-10 * (1 + abs(llf)):
                break
            step = step / 2
        else:
            return beta, mu, False
        done = abs(llf_c - llf) <= tol * (1 + abs(llf))
        beta, eta, mu, llf = cand, eta_c, mu_c, llf_c
        if done:
            return beta, mu, bool(np.all(np.isfinite(beta)))
    return beta, mu, False


def _alpha_score(y: np.ndarray, mu: np.ndarray, alpha: float) -> np.ndarray:
    """d log-likelihood / d alpha per observation (NB2)."""
    r = 1.0 / alpha
    return (r**2) * (special.digamma(r) - special.digamma(y + r) + np.log1p(alpha * mu)) + (
        y - mu
    ) / (alpha * (1.0 + alpha * mu))


def _cov(X: np.ndarray, y: np.ndarray, mu: np.ndarray, alpha: float, robust: bool) -> np.ndarray:
    """Covariance of the coefficients: the inverse observed information of (beta, alpha), as
    statsmodels' NegativeBinomial reports it (beta's block), or the sandwich (HC0) when
    ``robust``."""
    d = 1.0 + alpha * mu
    if robust:
        bread = np.linalg.pinv((X * (mu / d)[:, None]).T @ X)
        score = X * ((y - mu) / d)[:, None]
        return bread @ (score.T @ score) @ bread
    h_bb = -(X * (mu * (1.0 + alpha * y) / d**2)[:, None]).T @ X
    if alpha < 1e-5:
        return np.linalg.pinv(-h_bb)
    h_ba = -X.T @ (mu * (y - mu) / d**2)
    step = alpha * 1e-4
    h_aa = float(np.sum(_alpha_score(y, mu, alpha + step) - _alpha_score(y, mu, alpha - step)))
    h_aa /= 2 * step
    p = X.shape[1]
    hessian = np.empty((p + 1, p + 1))
    hessian[:p, :p], hessian[:p, p], hessian[p, :p], hessian[p, p] = h_bb, h_ba, h_ba, h_aa
    return np.linalg.pinv(-hessian)[:p, :p]


def moment_alpha(y: np.ndarray, mu: np.ndarray) -> float:
    """Cameron & Trivedi's (1990) auxiliary-regression estimate of the NB2 alpha."""
    return float(max(np.sum((y - mu) ** 2 - y) / np.sum(mu**2), 1e-6))


def fit_nb2(
    y: np.ndarray,
    X: np.ndarray,
    alpha: float | None = None,
    dispersion: str = "ml",
    robust: bool = False,
    start: np.ndarray | None = None,
    alpha_hint: float | None = None,
) -> NBFit:
    """NB2 regression of counts ``y`` on ``X`` (log link).

    ``alpha`` given: fixed. Else ``dispersion="ml"``: alpha maximises the profile
    log-likelihood over [1e-6, 50] (Brent on log alpha); at the lower bound the data are no
    more dispersed than Poisson and the fit says so. ``dispersion="moments"``: Cameron &
    Trivedi's estimate on a Poisson fit. If the ML search fails, the moment estimate is used
    and ``method``/``notes`` say so: never silently. ``alpha_hint`` (a nearby model's alpha)
    narrows the first search to a factor 4 either side; an optimum on that edge is searched
    again over the whole interval.
    """
    y = np.asarray(y, float)
    X = np.asarray(X, float)
    notes: list[str] = []
    poisson, mu0, ok0 = irls(y, X, 0.0, start=start)
    if not ok0 or not np.all(np.isfinite(poisson)):
        raise FloatingPointError("the Poisson starting fit did not converge")
    if alpha is not None:
        a, method = float(alpha), "fixed"
    elif dispersion == "moments":
        a, method = moment_alpha(y, mu0), "moments"
    else:
        a, method = _profile_alpha(y, X, poisson, notes, alpha_hint)
    params, mu, ok = irls(y, X, a, start=poisson)
    if not ok and method.startswith("ml"):
        notes.append("the ML fit at the profile optimum did not converge; dispersion by moments")
        a, method = moment_alpha(y, mu0), "moments (fallback)"
        params, mu, ok = irls(y, X, a, start=poisson)
    if not ok:
        raise FloatingPointError("the negative-binomial fit did not converge")
    cov = _cov(X, y, mu, a, robust)
    return NBFit(params, cov, a, nb2_llf(y, mu, a), mu, ok, method, notes)


def _profile_alpha(
    y: np.ndarray, X: np.ndarray, start: np.ndarray, notes: list[str], hint: float | None = None
) -> tuple:
    """Alpha maximising the profile log-likelihood (warm-started IRLS at each alpha)."""
    if hint is not None and hint > 1e-5:
        lo, hi = np.log(hint / 4), np.log(hint * 4)
        bounds = (max(lo, LOG_ALPHA_BOUNDS[0]), min(hi, LOG_ALPHA_BOUNDS[1]))
        found = _search(y, X, start, bounds)
        if found is not None and bounds[0] + 0.01 < found < bounds[1] - 0.01:
            return float(np.exp(found)), "ml (profile likelihood)"
    found = _search(y, X, start, LOG_ALPHA_BOUNDS, notes)
    if found is None:
        notes.append("ML search for the dispersion failed; dispersion by moments")
        mu = np.exp(np.clip(X @ start, -_ETA_MAX, _ETA_MAX))
        return moment_alpha(y, mu), "moments (fallback)"
    if found <= LOG_ALPHA_BOUNDS[0] + 0.01:
        notes.append("no overdispersion: the dispersion is at its lower bound (Poisson)")
    elif found >= LOG_ALPHA_BOUNDS[1] - 0.01:
        notes.append("extreme overdispersion: the dispersion is at its upper bound (50)")
    return float(np.exp(found)), "ml (profile likelihood)"


def _search(
    y: np.ndarray, X: np.ndarray, start: np.ndarray, bounds: tuple, notes: list[str] | None = None
) -> float | None:
    """Brent's bounded search of log(alpha); None when it fails."""
    warm = {"beta": start}

    def negative(log_a: float) -> float:
        a = float(np.exp(log_a))
        beta, mu, ok = irls(y, X, a, start=warm["beta"], tol=1e-10)
        if not ok:
            return np.inf
        warm["beta"] = beta
        return -nb2_llf(y, mu, a)

    try:
        found = optimize.minimize_scalar(
            negative, bounds=bounds, method="bounded", options={"xatol": 1e-3}
        )
    except (ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:
        if notes is not None:
            notes.append(f"the ML search for the dispersion stopped ({exc})")
        return None
    return float(found.x) if np.isfinite(found.fun) else None


@dataclass
class OLSFit:
    params: np.ndarray
    cov: np.ndarray
    resid: np.ndarray
    nobs: int
    ssr: float


def ols(y: np.ndarray, X: np.ndarray, cov_type: str = "HC1") -> OLSFit:
    """Least squares with heteroskedasticity-robust (HC1, White) or classical covariance."""
    y = np.asarray(y, float)
    X = np.asarray(X, float)
    n, p = X.shape
    xtx_inv = np.linalg.pinv(X.T @ X)
    params = xtx_inv @ (X.T @ y)
    resid = y - X @ params
    ssr = float(resid @ resid)
    if cov_type == "HC1":
        meat = (X * resid[:, None]).T @ (X * resid[:, None])
        cov = xtx_inv @ meat @ xtx_inv * n / max(n - p, 1)
    else:
        cov = xtx_inv * ssr / max(n - p, 1)
    return OLSFit(params, cov, resid, n, ssr)
