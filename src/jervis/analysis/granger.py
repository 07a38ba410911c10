"""VAR and Granger causality, after Jaeger & Paserman (2008, AER, "The Cycle of Violence?").

A two-equation VAR of X's and Y's counts per bin with a constant and a linear trend, estimated
equation by equation (OLS), lag order p by AIC or BIC over 1..``max_lag_days`` (system
criteria on a common sample, as ``statsmodels`` ``VAR.select_order``) or fixed.

The verdict needs a *direction*, which the classic Granger F test does not give ("X's lags add
something to Y's equation" is true for a rise and a fall alike). So the estimate is the **sum
of X's lag coefficients in Y's equation**: how many more (or fewer) actions of Y follow, over
the next p bins, one extra action of X (its direct effect, Y's own feedback held fixed). Its
test is a t test with heteroskedasticity-robust (HC1, White) standard errors: counts are
heteroskedastic by nature, and the classical F test on them was the source of a "significant"
null pattern when AIC picked 8 lags. The robust Wald test of all p coefficients and the
cumulative impulse response are reported as details. The same on occurrence (1 if the side
acted in the bin), J&P's second specification, when both 0/1 series vary.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from jervis.analysis.base import (
    Estimator,
    MethodResult,
    NotApplicable,
    bins_for,
    check_lag_selection,
    days_of,
    rounded,
)
from jervis.analysis.glm import ols


def _lagged(values: np.ndarray, p: int, rows: np.ndarray) -> np.ndarray:
    """Columns values[t-1], ..., values[t-p] for each t in rows."""
    return np.column_stack([values[rows - k] for k in range(1, p + 1)])


def usable_rows(covered: np.ndarray, reach: int) -> np.ndarray:
    """Bins t whose t-reach..t are all covered (lags never bridge a gap)."""
    n = len(covered)
    holes = np.concatenate([[0], np.cumsum(~covered)])
    t = np.arange(reach, n)
    return t[(holes[t + 1] - holes[t - reach]) == 0]


def var_equations(data: np.ndarray, p: int, rows: np.ndarray) -> tuple[np.ndarray, list]:
    """Design (const, trend, p lags of each series) and both equations' OLS fits."""
    n = len(data)
    trend = (rows / max(n - 1, 1)) - 0.5
    design = np.column_stack(
        [np.ones(len(rows)), trend, _lagged(data[:, 0], p, rows), _lagged(data[:, 1], p, rows)]
    )
    return design, [ols(data[rows, j], design) for j in range(2)]


def select_order(data: np.ndarray, max_p: int, rows: np.ndarray, ic: str) -> tuple[int, dict]:
    """Lag order minimising the system AIC or BIC, all orders on the same rows."""
    table: dict[int, float] = {}
    t_obs = len(rows)
    for p in range(1, max_p + 1):
        _, fits = var_equations(data, p, rows)
        resid = np.column_stack([f.resid for f in fits])
        sign, logdet = np.linalg.slogdet(resid.T @ resid / t_obs)
        if sign <= 0:
            continue
        k = 2 * (2 + 2 * p)
        penalty = 2 * k / t_obs if ic == "aic" else np.log(t_obs) * k / t_obs
        table[p] = float(logdet + penalty)
    if not table:
        raise NotApplicable("no VAR lag order could be fitted (a series is constant)")
    return min(table, key=table.get), table


def response_paths(params: np.ndarray, p: int, horizon: int) -> np.ndarray:
    """Y's response in each of the ``horizon`` bins after one extra action of X (no shock to
    Y). ``params``: (draws, 2 equations, const + trend + p lags of X + p lags of Y); returns
    (draws, horizon)."""
    draws = params.shape[0]
    # coefficient matrices A_k[i, j]: effect of series j at lag k on series i (0 = X, 1 = Y)
    a = np.zeros((draws, p, 2, 2))
    a[:, :, :, 0] = params[:, :, 2 : 2 + p].transpose(0, 2, 1)
    a[:, :, :, 1] = params[:, :, 2 + p : 2 + 2 * p].transpose(0, 2, 1)
    path = np.zeros((draws, horizon + 1 + p, 2))
    path[:, p] = [1.0, 0.0]
    for t in range(p + 1, horizon + 1 + p):
        path[:, t] = sum(np.einsum("dij,dj->di", a[:, k - 1], path[:, t - k]) for k in range(1, p + 1))
    return path[:, p + 1 :, 1]


def cumulative_response(fits: list, p: int, horizon: int) -> float:
    """Y's cumulative response over ``horizon`` bins to one extra action of X (no shock to Y)."""
    params = np.stack([f.params for f in fits])[None]
    return float(response_paths(params, p, horizon)[0].sum())


def impulse_response(
    fits: list, p: int, horizon: int, draws: int = 1000, seed: int | None = 0
) -> list[dict[str, Any]]:
    """Y's response bin by bin after one extra action of X, with 95% Monte Carlo intervals:
    the path recomputed for coefficients drawn from each equation's estimate and HC1
    covariance (Lütkepohl 2005, section 3.7; the two equations drawn independently)."""
    rng = np.random.default_rng(seed)
    point = response_paths(np.stack([f.params for f in fits])[None], p, horizon)[0]
    drawn = np.stack(
        [rng.multivariate_normal(f.params, f.cov, size=draws, method="svd") for f in fits], axis=1
    )
    lo, hi = np.quantile(response_paths(drawn, p, horizon), [0.025, 0.975], axis=0)
    return [
        {"step": int(h + 1), "response": rounded(point[h], 5), "lo": rounded(lo[h], 5),
         "hi": rounded(hi[h], 5)}
        for h in range(horizon)
    ]  # fmt: skip


def directional_test(data: np.ndarray, p: int, rows: np.ndarray, horizon: int) -> dict:
    """Sum of X's lag coefficients in Y's equation, its HC1 t test, and the robust Wald test."""
    _, fits = var_equations(data, p, rows)
    y_eq = fits[1]
    idx = np.arange(2, 2 + p)  # X's lags in Y's equation
    b = y_eq.params[idx]
    cov = y_eq.cov[np.ix_(idx, idx)]
    total = float(b.sum())
    se = float(np.sqrt(cov.sum()))
    if not np.isfinite(se) or se <= 0:
        raise NotApplicable("the VAR's cross terms are collinear")
    try:
        wald = float(b @ np.linalg.solve(cov, b))
    except np.linalg.LinAlgError:
        wald = float("nan")
    return {
        "sum": total,
        "se": se,
        "p_value": float(2 * stats.t.sf(abs(total / se), y_eq.nobs - len(y_eq.params))),
        "wald_p_value": float(stats.chi2.sf(wald, p)) if np.isfinite(wald) else None,
        "cumulative_response": cumulative_response(fits, p, horizon),
        "n_obs": int(y_eq.nobs),
    }


class Granger(Estimator):
    """Directional Granger test from a bivariate VAR, on counts (and occurrence as a detail)."""

    name = "granger"
    label = "the VAR (Granger) test"
    measure = "sum_of_var_cross_coefficients"
    null_value = 0.0
    setting_names = {"occurrence": "var_occurrence"}

    def __init__(
        self,
        max_lag_days: int = 14,
        lag_selection: str | int = "aic",
        horizon_days: int = 7,
        occurrence: bool = True,
    ) -> None:
        self.max_lag_days = max_lag_days
        self.lag_selection = lag_selection
        self.horizon_days = horizon_days
        self.occurrence = occurrence

    def _check_params(self) -> None:
        check_lag_selection(self.lag_selection)

    def _usable(self, series: Any, x: str, y: str) -> tuple[np.ndarray, bool, int, np.ndarray]:
        """The pair's counts, whether the order is fixed, the largest order and the rows a VAR
        of that order can use; not applicable when too few rows or a side never varies."""
        bin = series.bin
        data = series.counts[[x, y]].to_numpy(float)
        covered = series.covered.to_numpy(dtype=bool)
        fixed = not isinstance(self.lag_selection, str)
        max_p = bins_for(self.lag_selection if fixed else self.max_lag_days, bin)
        max_p = max(1, min(max_p, int(covered.sum()) // 10))
        rows = usable_rows(covered, max_p)
        if len(rows) < 30 + 4 * max_p:
            raise NotApplicable(f"only {len(rows)} usable {bin}s for a VAR")
        if (data[rows].std(axis=0) == 0).any():
            raise NotApplicable("a side's series is constant: nothing to test")
        return data, fixed, max_p, rows

    def _fit(self, series: Any, x: str, y: str) -> MethodResult:
        bin = series.bin
        horizon = bins_for(self.horizon_days, bin)
        data, fixed, max_p, rows = self._usable(series, x, y)
        covered = series.covered.to_numpy(dtype=bool)
        notes: list[str] = []
        if fixed:
            p, table = max_p, {}
        else:
            p, table = select_order(data, max_p, rows, self.lag_selection)
            notes.append(f"VAR lag order {p} chosen by {self.lag_selection.upper()} among 1-{max_p}")
        counts = directional_test(data, p, rows, horizon)
        _, fits = var_equations(data, p, rows)
        details: dict[str, Any] = {
            "lags": p,
            "lag_selection": self.lag_selection,
            "information_criterion": {str(k): round(v, 4) for k, v in table.items()},
            "se_hc1": rounded(counts["se"], 5),
            "wald_p_value_hc1": rounded(counts["wald_p_value"]),
            "cumulative_response": rounded(counts["cumulative_response"], 5),
            "cumulative_response_horizon_bins": horizon,
            "impulse_response": impulse_response(fits, p, horizon),
            "n_obs": counts["n_obs"],
            "occurrence": self._occurrence(data, covered, p, horizon),
        }
        total, se = counts["sum"], counts["se"]
        self.p_value_, self.lags_ = counts["p_value"], p
        return self.result(
            estimate=round(total, 5),
            ci95=(round(total - 1.96 * se, 5), round(total + 1.96 * se, 5)),
            p_value=float(f"{counts['p_value']:.4g}"),
            horizon_days=days_of(p, bin),
            n=counts["n_obs"],
            notes=notes,
            details=details,
        )

    def _occurrence(self, data, covered, p, horizon) -> dict[str, Any]:
        if not self.occurrence:
            return {"applicable": False, "reason": "not asked for"}
        binary = (data > 0).astype(float)
        rows = usable_rows(covered, p)
        if (binary[rows].std(axis=0) == 0).any():
            return {"applicable": False, "reason": "a side acts in every bin (or in none)"}
        try:
            test = directional_test(binary, p, rows, horizon)
        except NotApplicable as exc:
            return {"applicable": False, "reason": exc.reason}
        return {
            "applicable": True,
            "estimate": rounded(test["sum"], 5),
            "p_value": rounded(test["p_value"]),
            "wald_p_value_hc1": rounded(test["wald_p_value"]),
        }

    @classmethod
    def specifications(cls, settings: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """VAR lags by AIC, BIC, 7 and 14 days (the horizon does not enter its estimate)."""
        return [
            (f"VAR lags {lags if isinstance(lags, str) else f'{lags} d'}", {"lag_selection": lags})
            for lags in ("aic", "bic", 7, 14)
        ]
