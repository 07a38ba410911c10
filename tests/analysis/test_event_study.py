"""EventStudy: exact window sums, placebo matching, simulations with known truth, real data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jervis.analysis.base import parse_direction
from jervis.analysis.event_study import EventStudy
from jervis.analysis.series import build_series
from jervis.analysis.validation.loglinear import simulate
from jervis.errors import JervisError

FIXTURE = Path(__file__).parent.parent / "fixtures" / "iraq-2006-2008"


def _series(a: list[int], b: list[int]):
    dates = pd.date_range("2021-01-01", periods=len(a), freq="D")
    ev = pd.DataFrame(
        {
            "date": np.r_[np.repeat(dates, a), np.repeat(dates, b)],
            "side": ["A"] * sum(a) + ["B"] * sum(b),
        }
    )
    return build_series(ev, start=dates[0], end=dates[-1])


def iraq_series(suffix: str = ""):
    """The real Iraq 2007-08 data: air operations are side A, insurgent attacks side B."""
    air = pd.read_csv(FIXTURE / f"airstrikes{suffix}.csv").assign(side="A")
    attacks = pd.read_csv(FIXTURE / f"insurgencies{suffix}.csv").assign(side="B")
    events = pd.concat([air, attacks], ignore_index=True).rename(columns={"type": "mode"})
    return build_series(events, labels={"A": "US-led coalition", "B": "insurgents"})


def test_direction_is_parsed_and_checked():
    assert parse_direction("B->A") == ("B", "A")
    with pytest.raises(JervisError):
        parse_direction("A->A")
    with pytest.raises(JervisError):
        EventStudy(horizon_days=0).fit(_series([1] * 30, [1] * 30))


def test_window_sums_exclude_the_action_day_and_match_a_hand_count():
    rng = np.random.default_rng(3)
    a = rng.poisson(0.5, 120).tolist()
    b = rng.poisson(2.0, 120).tolist()
    es = EventStudy(horizon_days=3, n_placebo=50, n_boot=50, seed=0).fit(_series(a, b), "A->B")
    y = np.array(b, float)
    for i, t in enumerate(es.t_):
        assert es.before_[i] == y[t - 3 : t].sum()
        assert es.after_[i] == y[t + 1 : t + 4].sum()
        assert es.weight_[i] == a[t]
    s = es.summary()
    d = s["details"]
    expected = (es.weight_ @ es.after_) / (es.weight_ @ es.before_)
    assert d["ratio_at_actions"] == pytest.approx(expected, abs=1e-4)
    assert s["estimate"] == pytest.approx(d["ratio_at_actions"] / d["ratio_at_placebo"], rel=1e-3)
    json.dumps(s)  # plain data


def test_onsets_are_first_actions_after_a_quiet_gap():
    a = [0] * 10 + [1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1] + [0] * 10
    b = [1] * len(a)
    es = EventStudy(horizon_days=2, onset_gap_days=4, n_placebo=10, n_boot=10, seed=0)
    es.fit(_series(a, b))
    onsets = es.t_[es.weight_ > 0]
    assert onsets.tolist() == [10, 21]  # day 11 follows day 10; day 15 has only 2 quiet days
    assert es.summary()["applicable"] is False  # 2 onsets are too few for an estimate
    assert "acted in only 2 days" in es.summary()["reason"]


def test_too_short_or_empty_series_is_not_applicable_not_an_error():
    s = EventStudy(horizon_days=7).fit(_series([1] * 10, [1] * 10)).summary()
    assert s["applicable"] is False and s["estimate"] is None
    with pytest.raises(JervisError):
        EventStudy().summary()


def test_a_thousand_placebos_on_two_years():
    """Speed is a benchmark's business (docs/benchmarks.md); here: the full-size run works."""
    series = simulate(seed=1, as_series=True)
    s = EventStudy(n_placebo=1000, n_boot=1000, seed=1).fit(series).summary()
    assert s["applicable"] and s["details"]["n_placebo"] > 0


def _rejections(irr: dict[str, float], direction: str, runs: int, **kw) -> np.ndarray:
    out = []
    for seed in range(runs):
        series = simulate(cross_irr=irr, seed=1000 + seed, as_series=True)
        s = EventStudy(n_placebo=200, n_boot=100, seed=seed, **kw).fit(series, direction)
        out.append((s.summary()["estimate"], s.summary()["p_value"], *s.summary()["ci95"]))
    return np.array(out, dtype=float)


@pytest.mark.slow
def test_no_effect_is_rejected_at_about_the_nominal_rate():
    r = _rejections({}, "A->B", 60)
    assert np.mean(r[:, 1] < 0.05) <= 0.10
    covered = (r[:, 2] <= 1.0) & (1.0 <= r[:, 3])
    assert covered.mean() >= 0.90
    assert abs(np.exp(np.log(r[:, 0]).mean()) - 1) < 0.02


@pytest.mark.slow
def test_x_reacting_to_y_does_not_pass_for_deterrence():
    # B provokes A (A's actions follow bursts of B): without matching placebo days on B's
    # recent activity, B's regression to the mean made A look deterrent in ~72% of runs.
    r = _rejections({"B->A": 1.6}, "A->B", 40)
    assert np.mean(r[:, 1] < 0.05) <= 0.10


@pytest.mark.slow
@pytest.mark.parametrize("irr", [0.6, 1.6])
def test_a_clear_effect_is_found_in_the_right_direction(irr: float):
    r = _rejections({"A->B": irr}, "A->B", 30)
    right = (r[:, 1] < 0.05) & ((r[:, 0] > 1) == (irr > 1))
    assert right.mean() >= 0.90
    assert np.all((r[:, 2] < r[:, 0]) & (r[:, 0] < r[:, 3]))


@pytest.mark.slow
def test_runs_on_the_real_iraq_data_in_both_directions():
    series = iraq_series()
    for direction in ("A->B", "B->A"):
        s = EventStudy(seed=0).fit(series, direction).summary()
        assert s["applicable"] and s["n"] > 400
        assert 0.8 < s["estimate"] < 1.25 and s["ci95"][0] < s["estimate"] < s["ci95"][1]
        assert 0 < s["p_value"] <= 1 and np.isfinite(s["details"]["bootstrap_ci95"]).all()
        json.dumps(s)


def test_a_side_acting_every_day_gives_no_day_contrast():
    s = EventStudy(weights="days").fit(_series([1] * 60, [2, 3] * 30)).summary()
    assert s["applicable"] is False and "every usable day" in s["reason"]
    assert s["estimate"] is None and s["notes"] == []


def test_estimator_contract_params_only_in_init_fit_returns_self():
    import inspect

    series = simulate(seed=2, as_series=True)
    from jervis.analysis.base import METHODS, MethodResult, estimator_class

    for name in METHODS:
        cls = estimator_class(name)
        est = cls()
        assert set(vars(est)) == set(inspect.signature(cls).parameters)  # no work in __init__
        with pytest.raises(JervisError):
            est.summary()
        assert est.fit(series, "B->A") is est
        fitted = [k for k in vars(est) if k.endswith("_")]
        assert "result_" in fitted and "direction_" in fitted
        assert isinstance(est.result_, MethodResult) and est.result_.method == name
        s = est.summary()
        assert {"estimate", "ci95", "p_value", "null_value", "points_to", "applicable",
                "reason", "notes", "details"} <= set(s)  # fmt: skip
        assert s["applicable"] == (s["reason"] is None)
        json.dumps(s)


def test_windows_never_bridge_a_coverage_gap():
    rng = np.random.default_rng(5)
    a, b = rng.poisson(1.0, 200), rng.poisson(2.0, 200)
    a[80:110] = 0
    b[80:110] = 0
    dates = pd.date_range("2021-01-01", periods=200, freq="D")
    ev = pd.DataFrame({"date": np.r_[np.repeat(dates, a), np.repeat(dates, b)],
                       "side": ["A"] * a.sum() + ["B"] * b.sum()})  # fmt: skip
    series = build_series(ev, start=dates[0], end=dates[-1], coverage_gap_days=20)
    es = EventStudy(horizon_days=5, n_placebo=50, n_boot=50, seed=0).fit(series)
    assert not np.any((es.t_ + 5 >= 80) & (es.t_ - 5 <= 109))
    assert es.summary()["applicable"]
