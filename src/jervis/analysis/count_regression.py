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
(a common driver of both sides, or Y's own effect on X); see ``details["lead"]``. The lag
profile (``details["delay"]``) fits X's last four h-bin windows together: if their sum (X one
usual level higher for 4h bins) points the other way than the headline, the direction depends
on the delay.

Dispersion: alpha by profile maximum likelihood (``glm.fit_nb2``), or by moments; any fallback
is written in ``notes``.
"""

from __future__ import annotations

from functools import lru_cache
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
    check_lag_selection,
    days_of,
    rounded,
)
from jervis.analysis.glm import fit_nb2, irls, nb2_llf
from jervis.analysis.wording import possessive
from jervis.errors import JervisError

# X's recent level is capped at five times its usual level: one extreme burst (a massacre in
# a fatality series) would otherwise set the slope on its own.
Z_CAP = 5.0
# Separation (Y's counts zero exactly where X's recent activity lets the model push them to
# zero, e.g. two alternating series): the likelihood keeps rising as the slope runs off, and
# the fit stops at an arbitrary huge rate ratio (7e8) with a huge standard error. A rate ratio
# beyond 10^4 either way per usual level of X, or a standard error of its log above 5 (a 95%
# interval wider than a factor of 10^8), is reported as not identified, not as a number.
MAX_LOG_IRR = float(np.log(1e4))
MAX_SE = 5.0


@lru_cache(maxsize=64)
def _calendar(start: str, n: int, bin: str, trend_every_days: float, season: bool) -> tuple:
    index = pd.date_range(start, periods=n, freq={"day": "D", "week": "W-MON", "month": "MS"}[bin])
    terms = calendar_terms(index, bin, trend_every_days, season)
    return tuple(terms.columns), terms.to_numpy(float)


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


def window_mean(
    counts: np.ndarray, start: int, length: int, mean: float, cap: float | None = Z_CAP
) -> np.ndarray:
    """Bins t-start-length+1..t-start as a multiple of the usual level, capped at ``cap``
    (NaN where the window leaves the series).

    ``start=1, length=h``: the last h bins; ``start=-h, length=h``: the next h (t+1..t+h).
    """
    n = len(counts)
    total = np.concatenate([[0.0], np.cumsum(counts)])
    hi = np.arange(n) - start + 1
    lo = hi - length
    out = np.full(n, np.nan)
    ok = (lo >= 0) & (hi <= n)
    out[ok] = (total[hi[ok]] - total[lo[ok]]) / (length * mean)
    return out if cap is None else np.minimum(out, cap)


def _all_covered(covered: np.ndarray, back: int, ahead: int = 0) -> np.ndarray:
    """True where bins t-back..t+ahead all exist and are covered."""
    n = len(covered)
    holes = np.concatenate([[0], np.cumsum(~covered)])
    t = np.arange(n)
    lo, hi = t - back, t + ahead + 1
    ok = (lo >= 0) & (hi <= n)
    out = np.zeros(n, bool)
    out[ok] = (holes[hi[ok]] - holes[lo[ok]]) == 0
    return out


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
        level_days: int = 0,
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
        self.level_days = level_days

    def _check_params(self) -> None:
        check_lag_selection(self.lag_selection)
        if self.lag_structure not in ("sum", "distributed"):
            raise JervisError("lag_structure must be 'sum' or 'distributed'")
        if self.dispersion not in ("ml", "moments"):
            raise JervisError("dispersion must be 'ml' or 'moments'")
        if float(self.horizon_days) < 1 or float(self.max_lag_days) < 0:
            raise JervisError("horizon_days must be at least 1 and max_lag_days at least 0")

    # -- design --------------------------------------------------------------------------
    def _columns(self, series: Any, x: str, y: str, h: int, max_lag: int) -> dict[str, Any]:
        """Every candidate column (numpy), the rows each model may use, and the groups."""
        counts = series.counts
        cx = counts[x].to_numpy(float)
        cy = counts[y].to_numpy(float)
        covered = series.covered.to_numpy(dtype=bool)
        mean_x, mean_y = cx[covered].mean(), cy[covered].mean()
        if not mean_x > 0 or not mean_y > 0:
            side = x if not mean_x > 0 else y
            raise NotApplicable(f"{series.label(side)} has no actions in the covered period")
        cols: dict[str, np.ndarray] = {"const": np.ones(len(cy))}
        if self.lag_structure == "distributed":
            main = [f"x_lag{lag}" for lag in range(1, h + 1)]
            for lag, name in enumerate(main, start=1):
                cols[name] = window_mean(cx, lag, 1, mean_x, cap=None)
        else:
            main = ["z_x"]
            cols["z_x"] = window_mean(cx, 1, h, mean_x)
        cols["z_y"] = window_mean(cy, 1, h, mean_y)
        cols["z_y_prior"] = window_mean(cy, h + 1, h, mean_y)
        controls, reach = [], max(2 * h, max_lag)
        if self.level_days:
            level = bins_for(self.level_days, series.bin)
            cols["x_prior"] = window_mean(cx, h + 1, h, mean_x)
            cols["x_level"] = window_mean(cx, 2 * h + 1, level, mean_x)
            cols["y_level"] = window_mean(cy, 2 * h + 1, level, mean_y)
            controls = ["x_prior", "x_level", "y_level"]
            reach = max(2 * h + level, max_lag)
        for lag in range(1, max_lag + 1):
            cols[f"y_lag{lag}"] = window_mean(cy, lag, 1, mean_y, cap=None)
        names, terms = _calendar(
            str(counts.index[0].date()), len(cy), series.bin, float(self.trend_every_days),
            bool(self.season),
        )  # fmt: skip
        for k, name in enumerate(names):
            cols[name] = terms[:, k]
        ok = _all_covered(covered, reach)
        for values in cols.values():
            ok &= np.isfinite(values)
        lead = window_mean(cx, -h, h, mean_x)  # X's next h bins: t+1..t+h
        ok_lead = ok & _all_covered(covered, reach, h) & np.isfinite(lead)
        # X's and Y's earlier h-bin windows (t-2h..t-h-1, t-3h..t-2h-1, t-4h..t-3h-1)
        profile = {f"x_w{k}": window_mean(cx, (k - 1) * h + 1, h, mean_x) for k in (2, 3, 4)}
        profile |= {f"y_w{k}": window_mean(cy, (k - 1) * h + 1, h, mean_y) for k in (3, 4)}
        ok_profile = ok & _all_covered(covered, max(reach, 4 * h))
        for values in profile.values():
            ok_profile &= np.isfinite(values)
        return {
            "y": cy, "cols": cols, "main": main, "fixed": ["const", *main, *controls, *names],
            "n_time": len(names), "ok": ok, "lead": lead, "ok_lead": ok_lead, "mean_x": mean_x,
            "profile": profile, "ok_profile": ok_profile,
        }  # fmt: skip

    @staticmethod
    def _own(lags: int, h: int, fixed: list[str]) -> list[str]:
        """Y's own history with L individual lags: the window means they do not cover."""
        own = [f"y_lag{k}" for k in range(1, lags + 1)]
        if lags < h:
            own.append("z_y")
        if lags < 2 * h:
            own.append("z_y_prior")
        return fixed + own

    # -- fit -----------------------------------------------------------------------------
    def _lag_range(self, bin: str) -> tuple[bool, int]:
        """Whether Y's own lags are fixed, and the most lags (in bins) the fit may use."""
        fixed_lags = not isinstance(self.lag_selection, str)
        max_lag = bins_for(self.lag_selection, bin) if fixed_lags else (
            bins_for(self.max_lag_days, bin) if self.max_lag_days else 0
        )  # fmt: skip
        return fixed_lags, max_lag

    def _fit(self, series: Any, x: str, y: str) -> MethodResult:
        bin = series.bin
        h = bins_for(self.horizon_days, bin)
        notes: list[str] = []
        if days_of(h, bin) != int(self.horizon_days):
            notes.append(
                f"horizon of {self.horizon_days} days rounded up to {h} {bin}(s) "
                f"({days_of(h, bin)} days)"
            )
        fixed_lags, max_lag = self._lag_range(bin)
        design = self._columns(series, x, y, h, max_lag)
        ok, main = design["ok"], design["main"]
        yv = design["y"][ok]
        # columns that vary on the usable rows (a constant one is collinear with const)
        usable = {
            n: v[ok] for n, v in design["cols"].items() if n == "const" or np.ptp(v[ok]) > 0
        }  # fmt: skip
        if len(yv) < len(usable) + 30:
            raise NotApplicable(
                f"only {len(yv)} usable {bin}s for a model with {len(usable)} terms"
            )
        if not any(c in usable for c in main):
            if all(not np.any(design["cols"][c][ok]) for c in main if c in design["cols"]):
                raise NotApplicable(
                    f"{series.label(x)} never acts in a usable window: no effect to estimate"
                )
            raise NotApplicable(  # e.g. acts every day: no quiet spell to compare against
                f"{possessive(series.label(x))} recent activity is the same in every usable {bin}: "
                "no variation to estimate an effect from"
            )
        base_cols = [c for c in design["fixed"] if c in usable]
        candidates = [max_lag] if fixed_lags else list(range(0, max_lag + 1))
        lags, ic, hint = self._select(yv, usable, base_cols, candidates, h)
        cols = [c for c in self._own(lags, h, base_cols) if c in usable]
        matrix = np.column_stack([usable[c] for c in cols])
        fit = fit_nb2(
            yv, matrix, alpha=self.alpha, dispersion=self.dispersion, robust=self.robust,
            alpha_hint=hint,
        )  # fmt: skip
        notes += fit.notes
        contrast = np.array([1.0 if c in main else 0.0 for c in cols])
        estimate = float(contrast @ fit.params)
        se = float(np.sqrt(contrast @ fit.cov @ contrast))
        if not np.isfinite(se) or se <= 0:
            raise NotApplicable("the model's terms are collinear: the effect cannot be separated")
        if abs(estimate) > MAX_LOG_IRR or se > MAX_SE:
            raise NotApplicable(
                f"not identified: {possessive(series.label(y))} counts separate on "
                f"{possessive(series.label(x))} recent activity (the fit runs off to a rate ratio of "
                f"{np.exp(np.clip(estimate, -700.0, 700.0)):.3g}, with a standard error of {se:.3g} "
                "on its log): no finite rate ratio fits best",
                notes=["count regression not identified (separation): no estimate, no interval"],
                log_irr=rounded(estimate, 6), se=rounded(se, 6), identified=False,
            )  # fmt: skip
        p = float(2 * stats.norm.sf(abs(estimate / se)))
        irr = float(np.exp(estimate))
        ci = (float(np.exp(estimate - 1.96 * se)), float(np.exp(estimate + 1.96 * se)))
        mean_x, n_time = design["mean_x"], design["n_time"]
        if not fixed_lags:
            notes.append(
                f"{possessive(series.label(y))} own lags: {lags} chosen by {self.lag_selection.upper()} "
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
            "time_terms": n_time,
            "level_days": self.level_days,
            "n_obs": int(len(yv)),
        }
        if self.lead_test:
            details["lead"] = self._lead(design, cols, fit.alpha, np.sign(estimate))
            details["delay"] = self._delay(design, cols, fit.alpha, h, bin)
        if self.lag_structure == "sum":
            cx = series.counts[x].to_numpy(float)
            details["by_lag"] = self._by_lag(cx, design, cols, yv, matrix, fit.alpha, h)
        self.fit_ = fit
        self.columns_ = cols
        self.response_, self.design_ = yv, matrix
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
        self, yv: np.ndarray, usable: dict, base: list[str], candidates: list[int], h: int
    ) -> tuple[int, dict[int, float], float | None]:
        """Own-lag count by information criterion, each candidate at the largest model's
        dispersion (fixed alpha keeps the comparison about the lags); that alpha is returned
        as a starting point for the chosen model's own ML search."""
        if len(candidates) == 1:
            return candidates[0], {}, None

        def names(lags: int) -> list[str]:
            return [c for c in self._own(lags, h, base) if c in usable]

        largest = names(max(candidates))
        full = fit_nb2(yv, np.column_stack([usable[c] for c in largest]),
                       alpha=self.alpha, dispersion=self.dispersion)  # fmt: skip
        alpha = full.alpha
        known = dict(zip(largest, full.params, strict=True))  # warm starts, by column name
        ic: dict[int, float] = {}
        n = len(yv)
        for lags in candidates:
            cols = names(lags)
            X = np.column_stack([usable[c] for c in cols])
            beta, mu, ok = irls(yv, X, alpha, start=np.array([known.get(c, 0.0) for c in cols]))
            if not ok:
                continue
            k = X.shape[1] + 1
            penalty = 2 * k if self.lag_selection == "aic" else k * np.log(n)
            ic[lags] = float(-2 * nb2_llf(yv, mu, alpha) + penalty)
        if not ic:
            raise NotApplicable("no own-lag specification could be fitted")
        return min(ic, key=ic.get), ic, alpha

    @staticmethod
    def _by_lag(cx, design, cols, yv, matrix, alpha, h) -> list[dict[str, Any]] | None:
        """The headline's h lags of X taken one by one (same own history, time terms and
        dispersion): the rate ratio of Y after one bin of twice X's usual activity k bins
        earlier, k = 1..h. Descriptive (the report's "day by day" chart); their product is
        close to the headline, which tests the h bins together."""
        ok, keep = design["ok"], [i for i, c in enumerate(cols) if c not in design["main"]]
        lags = [window_mean(cx, k, 1, design["mean_x"], cap=None)[ok] for k in range(1, h + 1)]
        X = np.column_stack([matrix[:, keep], *lags])
        beta, mu, converged = irls(yv, X, alpha)
        if not converged:
            return None
        info = (X * (mu / (1.0 + alpha * mu))[:, None]).T @ X
        try:
            se = np.sqrt(np.diag(np.linalg.inv(info)))[-h:]
        except np.linalg.LinAlgError:
            return None
        b = beta[-h:]
        return [
            {"lag": k + 1, "irr": rounded(float(np.exp(b[k])), 4),
             "ci95": [rounded(float(np.exp(b[k] - 1.96 * se[k])), 4),
                      rounded(float(np.exp(b[k] + 1.96 * se[k])), 4)]}
            for k in range(h) if np.isfinite(se[k])
        ]  # fmt: skip

    def _lead(self, design: dict, cols: list[str], alpha: float, sign: float) -> dict[str, Any]:
        """X's next h bins added to the model: a negative control (X's future cannot cause Y).

        Reports the future window's IRR and two-sided p-value, and whether the past window
        beats the future one: the one-sided p-value (in the headline's direction) of
        log IRR(past) - log IRR(future) in the joint model. A slow common driver makes both
        equal; a reaction makes the past stand out.
        """
        ok = design["ok_lead"]
        yv = design["y"][ok]
        lead = design["lead"][ok]
        use = [c for c in cols if c == "const" or np.ptp(design["cols"][c][ok]) > 0]
        if len(yv) < len(use) + 31 or np.ptp(lead) == 0:
            return {"applicable": False, "reason": "too few bins for the lead test"}
        X = np.column_stack([*(design["cols"][c][ok] for c in use), lead])
        fit = fit_nb2(yv, X, alpha=alpha, robust=self.robust)
        k = len(use)
        past = np.array([1.0 if c in design["main"] else 0.0 for c in use] + [0.0])
        b, se = float(fit.params[k]), float(fit.bse[k])
        diff = past.copy()
        diff[k] = -1.0
        d, d_se = float(diff @ fit.params), float(np.sqrt(diff @ fit.cov @ diff))
        if not (np.isfinite(se) and se > 0 and np.isfinite(d_se) and d_se > 0):
            return {"applicable": False, "reason": "the lead test's terms are collinear"}
        z_diff = d / d_se if sign >= 0 else -d / d_se
        return {
            "applicable": True,
            "irr": round(float(np.exp(b)), 4),
            "ci95": [round(float(np.exp(b - 1.96 * se)), 4), round(float(np.exp(b + 1.96 * se)), 4)],
            "p_value": float(f"{2 * stats.norm.sf(abs(b / se)):.4g}"),
            "past_irr": round(float(np.exp(past @ fit.params)), 4),
            "past_beyond_future_p_value": float(f"{stats.norm.sf(z_diff):.4g}"),
            "n_obs": int(len(yv)),
        }

    def _delay(self, design: dict, cols: list[str], alpha: float, h: int, bin: str) -> dict:
        """The lag profile: X's last four h-bin windows together (with Y's own), and their
        sum, the effect of X being one usual level higher for 4h bins. A delayed response (Y
        answering X two or three weeks later) can make the last h bins alone look like the
        opposite effect; the sum then points the other way."""
        if self.lag_structure != "sum":
            return {"applicable": False, "reason": "only with lag_structure='sum'"}
        ok = design["ok_profile"]
        yv = design["y"][ok]
        extra = design["profile"]
        use = [c for c in cols if c == "const" or np.ptp(design["cols"][c][ok]) > 0]
        names = [n for n in extra if np.ptp(extra[n][ok]) > 0]
        windows = ["z_x", *(n for n in names if n.startswith("x_"))]
        if len(yv) < len(use) + len(names) + 30 or "z_x" not in use:
            return {"applicable": False, "reason": "too few bins for the lag profile"}
        X = np.column_stack([*(design["cols"][c][ok] for c in use), *(extra[n][ok] for n in names)])
        fit = fit_nb2(yv, X, alpha=alpha, robust=self.robust)
        order = [*use, *names]
        total = np.array([1.0 if c in windows else 0.0 for c in order])
        b, se = float(total @ fit.params), float(np.sqrt(total @ fit.cov @ total))
        if not np.isfinite(se) or se <= 0:
            return {"applicable": False, "reason": "the lag profile's terms are collinear"}
        return {
            "applicable": True,
            "days": days_of(4 * h, bin),
            "window_irr": {
                f"{days_of(k * h, bin) - days_of(h, bin) + 1}-{days_of(k * h, bin)}":
                round(float(np.exp(fit.params[order.index(w)])), 4)
                for k, w in enumerate(["z_x", "x_w2", "x_w3", "x_w4"], start=1) if w in order
            },  # fmt: skip
            "irr": round(float(np.exp(b)), 4),
            "ci95": [round(float(np.exp(b - 1.96 * se)), 4), round(float(np.exp(b + 1.96 * se)), 4)],
            "p_value": float(f"{2 * stats.norm.sf(abs(b / se)):.4g}"),
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
