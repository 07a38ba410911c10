"""VAR and Granger causality, as in Jaeger & Paserman (2008, AER, "The Cycle of Violence?").

A two-equation VAR of X's and Y's counts per bin (with constant and linear trend), lag order by
AIC or BIC; the F test of "X's lags add nothing to Y's equation" in both directions, and the
cumulative impulse response of Y to one extra action of X (with its analytic 95% interval),
which gives the sign the F test lacks. The same on occurrence (1 if the side acted in the bin),
J&P's second specification, when both occurrence series vary.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.tsa.api import VAR

from jervis.analysis.count_regression import parse_direction
from jervis.analysis.series import DyadSeries
from jervis.errors import JervisError


def _longest_segment(series: DyadSeries) -> pd.DataFrame:
    segments = series.segments()
    if not segments:
        raise JervisError("no covered bins to analyse")
    return max(segments, key=len).astype(float)


def _var_test(data: pd.DataFrame, x: str, y: str, max_lags: int, ic: str, horizon: int) -> dict:
    """Fit the VAR, test both directions, and integrate the impulse response of y to x."""
    if (data.std() == 0).any():
        raise JervisError("a side's series is constant: nothing to test")
    max_lags = max(1, min(max_lags, len(data) // 10))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = VAR(data[[x, y]])
        order = model.select_order(maxlags=max_lags, trend="ct")
        lags = max(1, int(order.selected_orders[ic]))
        result = model.fit(lags, trend="ct")
        forward = result.test_causality(caused=y, causing=x, kind="f")
        backward = result.test_causality(caused=x, causing=y, kind="f")
        irf = result.irf(horizon)
        cum = irf.cum_effects[horizon, 1, 0]
        cum_se = irf.cum_effect_stderr(orth=False)[horizon, 1, 0]
    return {
        "p_value": float(forward.pvalue),
        "f_stat": float(forward.test_statistic),
        "df": [int(v) for v in forward.df],
        "reverse_p_value": float(backward.pvalue),
        "lags": lags,
        "cumulative_response": float(cum),
        "cumulative_response_ci95": [float(cum - 1.96 * cum_se), float(cum + 1.96 * cum_se)],
        "n_obs": int(result.nobs),
    }


class Granger:
    """Granger F tests and impulse responses from a bivariate VAR, on counts and occurrence."""

    def __init__(
        self, max_lags: int = 14, ic: str = "aic", horizon: int = 7, occurrence: bool = True
    ) -> None:
        self.max_lags = max_lags
        self.ic = ic
        self.horizon = horizon
        self.occurrence = occurrence

    def fit(self, series: DyadSeries, direction: str = "A->B") -> Granger:
        """Test whether X's past actions help predict Y's, on counts and on occurrence."""
        if self.ic not in ("aic", "bic"):
            raise JervisError(f"ic must be 'aic' or 'bic', not {self.ic!r}")
        x, y = parse_direction(direction)
        data = _longest_segment(series)
        if len(data) < 30:
            raise JervisError(f"too few bins ({len(data)}) for a VAR")
        counts = _var_test(data, x, y, self.max_lags, self.ic, self.horizon)
        occurrence: dict[str, Any] = {"skipped": "not asked for"}
        try:
            if not self.occurrence:
                raise JervisError("not asked for")
            occurrence = _var_test(
                (data > 0).astype(float), x, y, self.max_lags, self.ic, self.horizon
            )
        except (JervisError, np.linalg.LinAlgError, ValueError) as exc:
            occurrence = {"skipped": str(exc)}
        self.direction_ = direction
        self.p_value_ = counts["p_value"]
        self.lags_ = counts["lags"]
        self.cumulative_response_ = counts["cumulative_response"]
        self.ci95_ = tuple(counts["cumulative_response_ci95"])
        self.counts_ = counts
        self.occurrence_ = occurrence
        return self

    def summary(self) -> dict[str, Any]:
        """Plain data: the counts VAR's test and response, and the occurrence VAR's."""
        return {
            "measure": "cumulative_impulse_response",
            "direction": self.direction_,
            "estimate": round(self.cumulative_response_, 5),
            "ci95": [round(v, 5) for v in self.ci95_],
            "p_value": float(f"{self.p_value_:.4g}"),
            "lags": self.lags_,
            "ic": self.ic,
            "horizon_bins": self.horizon,
            "counts": self.counts_,
            "occurrence": self.occurrence_,
        }
