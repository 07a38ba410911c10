"""The numbers the report draws beyond the headline, in each method's result details:
the count regression by lag, the event-study curve, the VAR's impulse responses with
intervals, the episodes' spans. Each must agree with the method's own estimate."""

from __future__ import annotations

import numpy as np
import pytest

from jervis.analysis.count_regression import CountRegression
from jervis.analysis.episodes import Episodes
from jervis.analysis.event_study import EventStudy
from jervis.analysis.granger import Granger
from jervis.analysis.validation.loglinear import simulate


@pytest.fixture(scope="module")
def provoked():
    return simulate(n_days=730, seed=1, cross_irr={"A->B": 1.6}, as_series=True)


def test_rate_ratio_by_lag_multiplies_to_the_distributed_lag_estimate(provoked):
    result = CountRegression(lead_test=False).fit(provoked, "A->B").result_
    by_lag = result.details["by_lag"]
    assert [r["lag"] for r in by_lag] == list(range(1, 8))
    assert all(r["ci95"][0] < r["irr"] < r["ci95"][1] for r in by_lag)
    distributed = (
        CountRegression(lag_structure="distributed", lead_test=False).fit(provoked, "A->B").result_
    )
    assert np.prod([r["irr"] for r in by_lag]) == pytest.approx(distributed.estimate, rel=0.01)
    assert "by_lag" not in distributed.details


def test_event_study_curve_rises_after_the_action_only(provoked):
    result = EventStudy(seed=0, n_placebo=200, n_boot=0).fit(provoked, "A->B").result_
    curve = result.details["curve"]
    assert [c["offset"] for c in curve] == list(range(-7, 8))
    after = [c for c in curve if c["offset"] > 0]
    before = [c for c in curve if c["offset"] < 0]
    assert all(c["placebo_lo"] <= c["placebo"] <= c["placebo_hi"] for c in curve)
    assert sum(c["at_actions"] > c["placebo_hi"] for c in after) >= 4  # IRR 1.6: above the band
    assert sum(c["at_actions"] > c["placebo_hi"] for c in before) <= 1


def test_impulse_responses_add_up_to_the_cumulative_response(provoked):
    details = Granger().fit(provoked, "A->B").result_.details
    steps = details["impulse_response"]
    assert len(steps) == details["cumulative_response_horizon_bins"]
    assert sum(s["response"] for s in steps) == pytest.approx(
        details["cumulative_response"], abs=1e-3
    )
    assert all(s["lo"] <= s["response"] <= s["hi"] for s in steps)
    assert steps[0]["lo"] > 0  # A provokes B: the first day's response is clearly positive


def test_episode_spans_match_the_episodes_counted(provoked):
    result = Episodes(seed=0, n_boot=100).fit(provoked, "A->B").result_
    spans = result.details["spans"]
    assert len(spans) == result.details["n_episodes"]
    assert all(s["start"] <= s["end"] for s in spans)
    assert [s["start"] for s in spans] == sorted(s["start"] for s in spans)
    assert {s["started_by"] for s in spans} <= {"A", "B", "both"}
