"""VAR / Granger: the F test finds a simulated cross-effect, its sign comes from the response."""

from __future__ import annotations

import json

import pytest

from jervis.analysis.granger import Granger
from jervis.analysis.series import build_series
from jervis.analysis.simulate import simulate
from jervis.errors import JervisError


@pytest.mark.parametrize("irr", [0.6, 1.6])
def test_detects_the_simulated_direction_and_sign(irr):
    series = simulate(n_days=730, seed=5, cross_irr={"A->B": irr}, as_series=True)
    model = Granger().fit(series, direction="A->B")
    assert model.p_value_ < 0.01
    assert (model.cumulative_response_ > 0) == (irr > 1)
    lo, hi = model.ci95_
    assert lo <= model.cumulative_response_ <= hi and (lo > 0 or hi < 0)
    reverse = Granger().fit(series, direction="B->A")
    assert reverse.counts_["p_value"] == pytest.approx(model.counts_["reverse_p_value"])
    summary = model.summary()
    json.dumps(summary)
    assert summary["lags"] >= 1 and summary["ic"] == "aic"
    assert "p_value" in summary["occurrence"]  # both 0/1 series vary at 2-3 events a day


def test_occurrence_is_skipped_when_a_side_acts_every_day():
    series = simulate(n_days=400, seed=1, base_rate=(2.0, 60.0), as_series=True)
    model = Granger(max_lags=7).fit(series)
    assert "skipped" in model.occurrence_
    assert 0 <= model.p_value_ <= 1


def test_uses_the_longest_covered_segment():
    frame = simulate(n_days=500, seed=2)
    gap = (frame["date"] >= "2020-06-01") & (frame["date"] < "2020-08-01")
    series = build_series(frame[~gap], coverage_gap_bins=30)
    model = Granger(max_lags=7).fit(series)
    assert model.counts_["n_obs"] <= (series.end - series.start).days - 60


def test_bad_ic_is_a_user_error():
    with pytest.raises(JervisError):
        Granger(ic="hqic").fit(simulate(n_days=100, seed=1, as_series=True))
