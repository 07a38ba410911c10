"""VAR / Granger: a directional test (sum of cross coefficients, HC1 errors) finds a simulated
cross-effect with its sign."""

from __future__ import annotations

import json

import pytest

from jervis.analysis.granger import Granger
from jervis.analysis.series import build_series
from jervis.analysis.validation.loglinear import simulate
from jervis.errors import JervisError


@pytest.mark.parametrize("irr", [0.6, 1.6])
def test_detects_the_simulated_direction_and_sign(irr):
    series = simulate(n_days=730, seed=5, cross_irr={"A->B": irr}, as_series=True)
    model = Granger().fit(series, direction="A->B")
    r = model.result_
    assert r.p_value < 0.01 and r.sign == ("provokes" if irr > 1 else "deters")
    lo, hi = r.ci95
    assert lo <= r.estimate <= hi and (lo > 0 or hi < 0)
    summary = model.summary()
    json.dumps(summary)
    assert summary["details"]["lags"] >= 1 and summary["details"]["lag_selection"] == "aic"
    assert summary["details"]["occurrence"]["applicable"]  # both 0/1 series vary here
    assert any("chosen by AIC" in n for n in summary["notes"])


def test_occurrence_is_skipped_when_a_side_acts_every_day():
    series = simulate(n_days=400, seed=1, base_rate=(2.0, 60.0), as_series=True)
    model = Granger(max_lag_days=7).fit(series)
    assert not model.result_.details["occurrence"]["applicable"]
    assert 0 <= model.result_.p_value <= 1


def test_lags_never_bridge_a_coverage_gap():
    frame = simulate(n_days=500, seed=2)
    gap = (frame["date"] >= "2020-06-01") & (frame["date"] < "2020-08-01")
    series = build_series(frame[~gap], coverage_gap_days=30)
    model = Granger(max_lag_days=7).fit(series)
    assert model.result_.n <= int(series.covered.sum()) - 7


def test_bad_lag_selection_is_a_user_error():
    with pytest.raises(JervisError):
        Granger(lag_selection="hqic").fit(simulate(n_days=100, seed=1, as_series=True))
