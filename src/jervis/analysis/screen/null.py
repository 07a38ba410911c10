"""Valid p-values for the screen: a score test of X's recent actions, calibrated by time shifts.

Why: the count regression's Wald test and Granger's robust t test assume that, once Y's own
lags, trend and calendar are in the model, Y's remaining noise is independent from day to day.
Real conflict series keep slow, bursty dependence that those terms do not absorb, and X (an
unrelated series with its own memory) then lines up with it by chance far more often than the
model's standard error says: on independent actors the Wald test gave p < 0.05 in 12-20% of
directions (docs/benchmarks.md, "Screening"). The fix is a null distribution that keeps each
series' own structure and breaks only the link between them:

1. Fit Y's **null model** once per direction: exactly the screen's model without X (for the
   count regression: NB2 of Y on its own lags chosen by AIC, its two h-day windows, the trend,
   the cosine basis and the day of week; for Granger: OLS of Y on its own lags, order by AIC,
   constant and trend).
2. The **score (Lagrange multiplier) statistic** of X's term at that fit: the covariance of
   X's regressor (its capped mean over the last h days; Granger: the sum of its last p days),
   with the nuisance terms projected out, against Y's score residuals, self-normalised by the
   sum of its squared terms (a robust, sandwich-type score statistic: one burst cannot
   dominate). It needs no refit when X changes.
3. **Circular time shifts** of X against Y (every shift of at least ``MIN_SHIFT_DAYS``, both
   ways round the circle): each keeps X's autocorrelation, bursts, trend and self-excitation
   and Y's, and breaks any alignment between them. A few FFTs give the statistic at every
   shift at once (O(k n log n) for k nuisance columns).
4. The p-value: the observed statistic standardised by the shifts' mean and standard
   deviation, in a Student t tail whose degrees of freedom are the shifts' effective number
   (``effective_shifts``: neighbouring shifts of long-memory series give nearly the same
   statistic, so the spread rests on fewer independent values than shifts; the normal tail
   was too liberal, 0.09 at 0.05 for Granger on bootstrapped real series). The shifts' own
   empirical tail is reported beside it (``p_empirical``): it cannot go below 1/(shifts+1), too
   coarse for a false discovery rate over thousands of directions. ``inflation`` is the shifts'
   standard deviation: how much wider the null really is than the statistic's nominal N(0, 1).

The shifts' spread estimates the variance of a cross-covariance of two independent
autocorrelated series (Bartlett's formula, all lags at once), which is what the model's
standard error misses. Under a true effect the shifted X no longer precedes Y's reactions, so
the observed statistic stands out. Validated on independent nulls that the test does not
assume (simulated and bootstrapped real series) and on effects with delays and kernels it does
not model: ``jervis.analysis.screen.calibration``, tests/engine/test_screen_calibration.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from jervis.analysis.base import NotApplicable, bins_for
from jervis.analysis.count_regression import Z_CAP, CountRegression
from jervis.analysis.glm import fit_nb2, ols

MIN_SHIFT_DAYS = 60  # X moved at least this far against Y: beyond any lag the screen tests
MIN_SHIFTS = 100


def circular_mean(values: np.ndarray, h: int, scale: float, cap: float | None) -> np.ndarray:
    """Mean of values[t-1..t-h] (indices modulo n) divided by ``scale``, capped at ``cap``."""
    total = np.zeros(len(values))
    for k in range(1, h + 1):
        total += np.roll(values, k)
    out = total / (h * scale)
    return out if cap is None else np.minimum(out, cap)


def _correlate(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """c[s] = sum_t a[t] * b[(t - s) mod n] for every shift s (each column of ``a``)."""
    n = len(b)
    fb = np.conj(np.fft.rfft(b))
    fa = np.fft.rfft(a, axis=0)
    return np.fft.irfft(fa * (fb[:, None] if a.ndim == 2 else fb), n, axis=0)


def shifted_scores(
    regressor: np.ndarray, rows: np.ndarray, resid: np.ndarray, weight: np.ndarray,
    design: np.ndarray, robust: bool = True,
) -> np.ndarray:  # fmt: skip
    """The score statistic of ``regressor`` moved by every circular shift s = 0..n-1.

    ``rows``: the positions the null model was fitted on; ``resid`` its score residuals and
    ``weight`` its working weights there; ``design`` its columns there. Returns z[s] =
    U(s) / sqrt(V(s)), U(s) = sum resid_t x_{t-s}, with x_{t-s} projected on the null model's
    columns (weights ``weight``) and V(s) the sum of the squared score terms, resid_t^2 times the
    projected x_{t-s}^2 (``robust``: self-normalised, a burst cannot dominate it), or else the
    efficient information (the weighted variance of the projected x_{t-s}).
    """
    n = len(regressor)
    r, w = np.zeros(n), np.zeros(n)
    r[rows], w[rows] = resid, weight
    wx = np.zeros((n, design.shape[1]))
    wx[rows] = design * weight[:, None]
    score = _correlate(r, regressor)
    cross = _correlate(wx, regressor)  # (n shifts, k): sum_t w_t X_tj x_{t-s}
    info = wx[rows].T @ design
    try:
        gamma = np.linalg.solve(info, cross.T).T  # the projection's coefficients per shift
    except np.linalg.LinAlgError:
        gamma = (np.linalg.pinv(info) @ cross.T).T
    if robust:
        m = np.zeros(n)
        m[rows] = resid**2
        mx = np.zeros((n, design.shape[1]))
        mx[rows] = design * (resid**2)[:, None]
        own = _correlate(m, regressor**2)
        mixed = _correlate(mx, regressor)  # sum_t r_t^2 X_tj x_{t-s}
        meat = mx[rows].T @ design
        variance = own - 2 * np.einsum("sk,sk->s", mixed, gamma) + np.einsum("sk,kl,sl->s", gamma, meat, gamma)
    else:
        own = _correlate(w, regressor**2)
        variance = own - np.einsum("sk,sk->s", cross, gamma)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = score / np.sqrt(variance)
    return np.where(variance > 1e-9 * max(own.max(), 1e-300), z, np.nan)


def calibrated(z: np.ndarray, min_shift: int) -> dict[str, Any]:
    """The observed statistic (shift 0) against the shifts of at least ``min_shift`` bins."""
    n = len(z)
    shifts = np.arange(n)
    far = (shifts >= min_shift) & (shifts <= n - min_shift)
    null = z[far & np.isfinite(z)]
    if not np.isfinite(z[0]):
        raise NotApplicable("X's recent actions are collinear with Y's own history: the shift null "
                            "cannot test them")  # fmt: skip
    if len(null) < MIN_SHIFTS:
        raise NotApplicable(f"too few time shifts for the surrogate null ({len(null)})")
    centre, spread = float(null.mean()), float(null.std(ddof=1))
    if not spread > 0:
        raise NotApplicable("the surrogate null has no spread")
    t = (float(z[0]) - centre) / spread
    df = effective_shifts(np.where(np.isfinite(z), z, centre)) - 1
    return {
        "score_z": float(z[0]),
        "z": t,
        "p": float(2 * stats.t.sf(abs(t), df)),
        "p_normal": float(2 * stats.norm.sf(abs(t))),
        "df": float(df),
        "p_empirical": float((1 + np.sum(np.abs(null - centre) >= abs(z[0] - centre))) / (1 + len(null))),
        "inflation": spread,
        "shifts": int(len(null)),
    }


def effective_shifts(z: np.ndarray) -> float:
    """How many independent values the shifts' statistics are worth: n / (1 + 2 sum rho_k),
    rho_k their circular autocorrelation at lag k, summed while consecutive pairs stay positive
    (Geyer's initial positive sequence). Neighbouring shifts give nearly the same statistic
    when the series have long memory, so the spread is estimated from fewer values than shifts."""
    n = len(z)
    d = z - z.mean()
    f = np.fft.rfft(d)
    acf = np.fft.irfft(f * np.conj(f), n)
    if not acf[0] > 0:
        return float(n)
    rho = acf / acf[0]
    total = 0.0
    for k in range(1, n // 2 - 1, 2):
        pair = rho[k] + rho[k + 1]
        if pair <= 0:
            break
        total += pair
    return float(min(n, max(3.0, n / (1 + 2 * total))))


def count_regression_null(series: Any, x: str, y: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Shift-calibrated score test of the count regression's X term (Y's null model fitted once)."""
    est = CountRegression.from_settings(settings)
    est._check_params()
    bin = series.bin
    h = bins_for(est.horizon_days, bin)
    fixed_lags, max_lag = est._lag_range(bin)
    design = est._columns(series, x, y, h, max_lag)
    ok, main = design["ok"], design["main"]
    yv = design["y"][ok]
    usable = {n: v[ok] for n, v in design["cols"].items() if n == "const" or np.ptp(v[ok]) > 0}
    if len(yv) < len(usable) + 30:
        raise NotApplicable(f"only {len(yv)} usable {bin}s for the null model")
    base = [c for c in design["fixed"] if c in usable and c not in main]
    candidates = [max_lag] if fixed_lags else list(range(0, max_lag + 1))
    lags, _, hint = est._select(yv, usable, base, candidates, h)
    cols = [c for c in est._own(lags, h, base) if c in usable]
    matrix = np.column_stack([usable[c] for c in cols])
    fit = fit_nb2(yv, matrix, alpha=est.alpha, dispersion=est.dispersion, alpha_hint=hint)
    cx = series.counts[x].to_numpy(float)
    cap = Z_CAP if est.lag_structure == "sum" else None
    regressor = circular_mean(cx, h, design["mean_x"], cap)
    denom = 1.0 + fit.alpha * fit.mu
    z = shifted_scores(regressor, np.flatnonzero(ok), (yv - fit.mu) / denom, fit.mu / denom, matrix)
    return calibrated(z, bins_for(MIN_SHIFT_DAYS, bin)) | {"own_lags": int(lags)}


def granger_null(series: Any, x: str, y: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Shift-calibrated score test of the sum of X's last p bins in Y's autoregression."""
    from jervis.analysis.granger import Granger

    est = Granger.from_settings(settings)
    bin = series.bin
    data, fixed, max_p, rows = est._usable(series, x, y)
    cy = data[:, 1]
    trend = rows / max(len(cy) - 1, 1) - 0.5

    def design(p: int) -> np.ndarray:
        return np.column_stack([np.ones(len(rows)), trend, *(cy[rows - k] for k in range(1, p + 1))])

    if fixed:
        p = max_p
    else:  # Y's own order by the information criterion, all orders on the same rows
        crit = {}
        for q in range(1, max_p + 1):
            fit = ols(cy[rows], design(q), cov_type="classical")
            k = q + 2
            penalty = 2 * k if est.lag_selection == "aic" else np.log(len(rows)) * k
            crit[q] = len(rows) * np.log(max(fit.ssr / len(rows), 1e-300)) + penalty
        p = min(crit, key=crit.get)
    matrix = design(p)
    fit = ols(cy[rows], matrix, cov_type="classical")
    sigma2 = max(fit.ssr / max(len(rows) - matrix.shape[1], 1), 1e-300)
    regressor = circular_mean(data[:, 0], p, 1.0 / p, None)  # sum of X's last p bins
    weight = np.full(len(rows), 1.0 / sigma2)
    z = shifted_scores(regressor, rows, fit.resid / sigma2, weight, matrix)
    return calibrated(z, bins_for(MIN_SHIFT_DAYS, bin)) | {"own_lags": int(p)}
