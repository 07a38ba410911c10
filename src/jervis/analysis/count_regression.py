"""Lagged negative-binomial count regression: the headline incidence-rate ratio of the verdict.

Y's count in bin t is regressed (NB2, log link) on

* ``z_X``: X's actions over bins t-1..t-h divided by h times X's mean per bin, capped at
  ``Z_CAP`` (one extreme burst cannot dominate). Its coefficient b gives IRR = exp(b): the
  factor by which Y's rate changes when X's activity over the previous h bins is one usual
  level higher. h is ``horizon_days`` converted to bins, fixed in advance (not selected) so
  the interval keeps its nominal coverage; with ``lag_structure="distributed"`` the h lags
  get their own coefficients and the IRR is exp(sum).
* Y's own history: its most recent lags 1..L individually (L by AIC or BIC among
  0..``max_lag_days``, or fixed), and its mean over the h bins before t and over the h bins
  before those, where the individual lags do not already cover them. X's actions in t-1..t-h
  answer Y's in t-2h..t-2, so without the older window X's reactions to Y's past would pass
  for Y's reactions to X.
* time: a linear trend and a discrete cosine basis with one term per ``trend_every_days`` of
  data, day-of-week dummies on daily bins, an annual harmonic with ``season=True``.

A lead (negative-control) test fits the same model with X's *next* h bins added: X's future
cannot cause Y's present, so an association there means something the model does not hold
(a common driver of both sides, or Y's own effect on X); see ``details["lead"]``.

Dispersion: alpha by profile maximum likelihood (``glm.fit_nb2``), or by moments; any fallback
is written in ``notes``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from jervis.analysis.base import (
    DAYS_PER_BIN,
    Estimator,
    MethodResult,
    NotApplicable,
    bins_for,
    days_of,
    rounded,
)
from jervis.analysis.glm import fit_nb2, irls, nb2_llf
from jervis.errors import JervisError

# X's recent level is capped at five times its usual level: one extreme burst (a massacre in
# a fatality series) would otherwise set the slope on its own.
Z_CAP = 5.0
LAG_SELECTIONS = ("aic", "bic")


def calendar_terms(
    index: pd.DatetimeIndex, bin: str, trend_every_days: float, season: bool = False
) -> pd.DataFrame:
    """Trend (linear + discrete cosine basis, one term per ``trend_every_days`` of data),
    day-of-week dummies on daily bins, and with ``season`` one annual harmonic."""
    n = len(index)
    position = (np.arange(n) + 0.5) / max(n, 1)
    terms = {"trend": position - 0.5}
    span_days = max((index[-1] - index[0]).days + DAYS_PER_BIN[bin], 1) if n else 1
    n_cos = max(1, round(span_days / float(trend_every_days))) if trend_every_days else 0
    for k in range(1, n_cos + 1):
        terms[f"trend_cos{k}"] = np.cos(np.pi * k * position)
    frame = pd.DataFrame(terms, index=index)
    if bin == "day":
        dow = pd.get_dummies(index.dayofweek, prefix="dow", drop_first=True, dtype=float)
        frame = frame.join(dow.set_index(index))
    if season and bin in ("day", "week") and span_days >= 365:
        angle = 2 * np.pi * index.dayofyear.to_numpy() / 365.25
        frame["season_sin"] = np.sin(angle)
        frame["season_cos"] = np.cos(angle)
    return frame


def window_mean(counts: pd.Series, start: int, length: int, mean: float) -> pd.Series:
    """Bins t-start-length+1..t-start as a multiple of the usual level, capped at Z_CAP.

    ``start=1, length=h``: the last h bins; ``start=-h, length=h``: the next h (t+1..t+h).
    """
    total = counts.shift(start).rolling(length).sum()
    return (total / (length * mean)).clip(upper=Z_CAP)


class CountRegression(Estimator):
    """NB2 regression of Y's counts on X's recent actions; the summed lag effect as an IRR."""

    name = "count_regression"
    label = "the main regression"
    measure = "incidence_rate_ratio"
    null_value = 1.0

    def __init__(
        self,
        horizon_days: int = 7,
        max_lag_days: int = 14,
        lag_selection: str | int = "aic",
        lag_structure: str = "sum",
        dispersion: str = "ml",
        alpha: float | None = None,
        robust: bool = False,
        trend_every_days: float = 365,
        season: bool = False,
        lead_test: bool = True,
    ) -> None:
        self.horizon_days = horizon_days
        self.max_lag_days = max_lag_days
        self.lag_selection = lag_selection
        self.lag_structure = lag_structure
        self.dispersion = dispersion
        self.alpha = alpha
        self.robust = robust
        self.trend_every_days = trend_every_days
        self.season = season
        self.lead_test = lead_test

    def _check_params(self) -> None:
        fixed = isinstance(self.lag_selection, int) and not isinstance(self.lag_selection, bool)
        if not fixed and self.lag_selection not in LAG_SELECTIONS:
            raise JervisError(
                f"lag_selection must be 'aic', 'bic' or a number of days, not {self.lag_selection!r}"
            )
        if self.lag_structure not in ("sum", "distributed"):
            raise JervisError("lag_structure must be 'sum' or 'distributed'")
        if self.dispersion not in ("ml", "moments"):
            raise JervisError("dispersion must be 'ml' or 'moments'")
        if float(self.horizon_days) < 1 or float(self.max_lag_days) < 0:
            raise JervisError("horizon_days must be at least 1 and max_lag_days at least 0")

    # -- design --------------------------------------------------------------------------
    def _columns(self, series: Any, x: str, y: str, h: int, max_lag: int) -> tuple:
        counts = series.counts.astype(float)
        covered = series.covered.to_numpy(dtype=bool)
        mean_x = counts.loc[covered, x].mean()
        mean_y = counts.loc[covered, y].mean()
        if not mean_x > 0 or not mean_y > 0:
            side = x if not mean_x > 0 else y
            raise NotApplicable(f"{series.label(side)} has no actions in the covered period")
        cols: dict[str, pd.Series] = {}
        if self.lag_structure == "distributed":
            main = [f"x_lag{lag}" for lag in range(1, h + 1)]
            for lag, name in enumerate(main, start=1):
                cols[name] = counts[x].shift(lag) / mean_x
        else:
            main = ["z_x"]
            cols["z_x"] = window_mean(counts[x], 1, h, mean_x)
        cols["z_y"] = window_mean(counts[y], 1, h, mean_y)
        cols["z_y_prior"] = window_mean(counts[y], h + 1, h, mean_y)
        for lag in range(1, max_lag + 1):
            cols[f"y_lag{lag}"] = counts[y].shift(lag) / mean_y
        lead = window_mean(counts[x], -h, h, mean_x)  # X's next h bins: t+1..t+h
        design = pd.DataFrame(cols, index=counts.index)
        time = calendar_terms(counts.index, series.bin, self.trend_every_days, self.season)
        design = design.join(time)
        design.insert(0, "const", 1.0)
        reach = max(2 * h, max_lag)
        ok = pd.Series(covered, index=counts.index).rolling(reach + 1).min().fillna(0).astype(bool)
        ok &= design.notna().all(axis=1)
        # the lead test also needs t+1..t+h covered
        ahead = pd.Series(covered[::-1], index=counts.index[::-1]).rolling(h + 1).min()
        ok_lead = ok & ahead[::-1].fillna(0).astype(bool) & lead.notna()
        return counts[y], design, main, list(time.columns), ok, lead, ok_lead, mean_x

    @staticmethod
    def _own(design: pd.DataFrame, lags: int, h: int, fixed: list[str]) -> list[str]:
        """Y's own history with L individual lags: the window means they do not cover."""
        own = [f"y_lag{k}" for k in range(1, lags + 1)]
        if lags < h:
            own.append("z_y")
        if lags < 2 * h:
            own.append("z_y_prior")
        return fixed + own

    # -- fit -----------------------------------------------------------------------------
    def _fit(self, series: Any, x: str, y: str) -> MethodResult:
        bin = series.bin
        h = bins_for(self.horizon_days, bin)
        notes: list[str] = []
        if days_of(h, bin) != int(self.horizon_days):
            notes.append(
                f"horizon of {self.horizon_days} days rounded up to {h} {bin}(s) "
                f"({days_of(h, bin)} days)"
            )
        fixed_lags = not isinstance(self.lag_selection, str)
        max_lag = bins_for(self.lag_selection, bin) if fixed_lags else (
            bins_for(self.max_lag_days, bin) if self.max_lag_days else 0
        )  # fmt: skip
        response, full, main, time_cols, ok, lead, ok_lead, mean_x = self._columns(
            series, x, y, h, max_lag
        )
        yv = response[ok].to_numpy(float)
        base_cols = [c for c in full.columns if c in main or c == "const" or c in time_cols]
        if len(yv) < len(full.columns) + 30:
            raise NotApplicable(
                f"only {len(yv)} usable {bin}s for a model with {len(full.columns)} terms"
            )
        data = full[ok]
        data = data.loc[:, (data.std() > 0) | (data.columns == "const")]
        base_cols = [c for c in base_cols if c in data.columns]
        if not any(c in data.columns for c in main):
            raise NotApplicable(
                f"{series.label(x)} never acts in a usable window: no effect to estimate"
            )
        candidates = [max_lag] if fixed_lags else list(range(0, max_lag + 1))
        lags, ic = self._select(yv, data, base_cols, candidates, h)
        cols = [c for c in self._own(data, lags, h, base_cols) if c in data.columns]
        fit = fit_nb2(
            yv, data[cols].to_numpy(float), alpha=self.alpha, dispersion=self.dispersion,
            robust=self.robust,
        )  # fmt: skip
        notes += fit.notes
        idx = [cols.index(c) for c in main if c in cols]
        contrast = np.zeros(len(cols))
        contrast[idx] = 1.0
        estimate = float(contrast @ fit.params)
        se = float(np.sqrt(contrast @ fit.cov @ contrast))
        if not np.isfinite(se) or se <= 0:
            raise NotApplicable("the model's terms are collinear: the effect cannot be separated")
        p = float(2 * stats.norm.sf(abs(estimate / se)))
        irr = float(np.exp(estimate))
        ci = (float(np.exp(estimate - 1.96 * se)), float(np.exp(estimate + 1.96 * se)))
        if not fixed_lags:
            notes.append(
                f"{series.label(y)}'s own lags: {lags} chosen by {self.lag_selection.upper()} "
                f"among 0-{max_lag}"
            )
        if fit.method != "ml (profile likelihood)" and self.alpha is None:
            notes.append(f"dispersion: {fit.method}")
        details: dict[str, Any] = {
            "log_irr": rounded(estimate, 6),
            "se": rounded(se, 6),
            "horizon_bins": h,
            "per_action_irr": rounded(float(np.exp(estimate / (h * mean_x))), 5),
            "lag_structure": self.lag_structure,
            "own_lags": int(lags),
            "lag_selection": self.lag_selection,
            "information_criterion": {str(k): round(v, 2) for k, v in ic.items()},
            "alpha": rounded(fit.alpha),
            "dispersion": fit.method,
            "cov_type": "sandwich (HC0)" if self.robust else "model (expected information)",
            "time_terms": len(time_cols),
            "n_obs": int(len(yv)),
        }
        if self.lead_test:
            details["lead"] = self._lead(response, full, lead, ok_lead, cols, main, fit.alpha)
        self.fit_ = fit
        self.columns_ = cols
        self.irr_, self.ci95_, self.p_value_, self.lags_ = irr, ci, p, lags
        return self.result(
            estimate=round(irr, 4),
            ci95=(round(ci[0], 4), round(ci[1], 4)),
            p_value=float(f"{p:.4g}"),
            horizon_days=days_of(h, bin),
            n=int(len(yv)),
            notes=notes,
            details=details,
        )

    def _select(
        self, yv: np.ndarray, data: pd.DataFrame, base: list[str], candidates: list[int], h: int
    ) -> tuple[int, dict[int, float]]:
        """Own-lag count by information criterion, each candidate at the largest model's
        dispersion (fixed alpha keeps the comparison about the lags)."""
        if len(candidates) == 1:
            return candidates[0], {}
        largest = [c for c in self._own(data, max(candidates), h, base) if c in data.columns]
        alpha = self.alpha
        if alpha is None:
            alpha = fit_nb2(yv, data[largest].to_numpy(float), dispersion=self.dispersion).alpha
        ic: dict[int, float] = {}
        n = len(yv)
        for lags in candidates:
            cols = [c for c in self._own(data, lags, h, base) if c in data.columns]
            beta, mu, ok = irls(yv, data[cols].to_numpy(float), alpha)
            if not ok:
                continue
            k = len(cols) + 1
            penalty = 2 * k if self.lag_selection == "aic" else k * np.log(n)
            ic[lags] = float(-2 * nb2_llf(yv, mu, alpha) + penalty)
        if not ic:
            raise NotApplicable("no own-lag specification could be fitted")
        return min(ic, key=ic.get), ic

    def _lead(self, response, full, lead, ok_lead, cols, main, alpha) -> dict[str, Any]:
        """X's next h bins added to the model: a negative control (X's future cannot cause Y)."""
        data = full[ok_lead].assign(z_x_lead=lead[ok_lead])
        yv = response[ok_lead].to_numpy(float)
        use = [c for c in cols if c == "const" or data[c].std() > 0] + ["z_x_lead"]
        if len(yv) < len(use) + 30 or data["z_x_lead"].std() == 0:
            return {"applicable": False, "reason": "too few bins for the lead test"}
        fit = fit_nb2(yv, data[use].to_numpy(float), alpha=alpha, robust=self.robust)
        k = use.index("z_x_lead")
        b, se = float(fit.params[k]), float(fit.bse[k])
        if not np.isfinite(se) or se <= 0:
            return {"applicable": False, "reason": "the lead test's terms are collinear"}
        return {
            "applicable": True,
            "irr": round(float(np.exp(b)), 4),
            "ci95": [round(float(np.exp(b - 1.96 * se)), 4), round(float(np.exp(b + 1.96 * se)), 4)],
            "p_value": float(f"{2 * stats.norm.sf(abs(b / se)):.4g}"),
            "n_obs": int(len(yv)),
        }

    @classmethod
    def specifications(cls, settings: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """Own lags by AIC, BIC, 7 and 14 days x horizons 3, 7, 14 days (bins: the grid's)."""
        specs = []
        for horizon in (3, 7, 14):
            for lags in ("aic", "bic", 7, 14):
                label = f"horizon {horizon} d, own lags {lags if isinstance(lags, str) else f'{lags} d'}"
                specs.append((label, {"horizon_days": horizon, "lag_selection": lags}))
        return specs
