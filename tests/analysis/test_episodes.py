"""Episodes: hand-checked episode cutting, activity thresholds, the summary, real data.

Its right calls on simulated truths are scored with every other method's in the study of the
shipped verdict (tests/analysis/test_validate.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jervis.analysis.episodes import Episodes, activity_thresholds, episodes_of
from jervis.analysis.series import build_series
from jervis.analysis.validation.loglinear import series_from_counts, simulate_counts

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _series(a, b, start: str = "2021-01-01"):
    dates = pd.date_range(start, periods=len(a), freq="D")
    ev = pd.DataFrame(
        {
            "date": np.r_[np.repeat(dates, a), np.repeat(dates, b)],
            "side": ["A"] * int(np.sum(a)) + ["B"] * int(np.sum(b)),
        }
    )
    return build_series(ev, start=dates[0], end=dates[-1])


def test_episodes_are_cut_at_gaps_and_their_starts_ends_and_calms_are_right():
    #    day: 0  1  2  3  4  5  6  7  8  9 10 11
    a = [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]
    b = [0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0]
    ep = Episodes(gap_days=3, horizon_days=2, window_days=1, n_boot=50, seed=0).fit(_series(a, b), "A->B")
    assert ep.thresholds_ == {"A": 1, "B": 1}  # "acted at all": nothing is raised here
    assert ep.episode_id_.tolist() == [0, 0, -1, -1, -1, -1, 1, 1, -1, -1, -1, 2]
    assert ep.starts_.tolist() == [0, 6, 11] and ep.ends_.tolist() == [1, 7, 11]
    assert ep.starter_.tolist() == [0, 1, 0]  # A, B, A
    assert ep.ender_.tolist() == [1, 2, 0]  # B, both, A
    assert ep.calm_[:2].tolist() == [4.0, 3.0] and np.isnan(ep.calm_[2])  # last is censored
    # Usable bins are 2..9 (2 bins of history, 2 of future). A acts in one of them (day 7);
    # B does not act on days 8-9, so that action went unanswered.
    assert ep.t_.tolist() == list(range(2, 10))
    assert ep.n_action_bins_ == 1 and ep.unanswered_ == 1.0
    s = ep.summary()
    assert s["applicable"] is False and "A acted in 1 and B in 2 usable bins" in s["reason"]
    assert s["estimate"] is None and s["details"]["n_episodes"] == 3


def test_a_coverage_gap_always_splits_an_episode():
    x = np.array([1, 1, 0, 1, 1])
    covered = np.array([True, True, False, True, True])
    assert episodes_of(x, x * 0, gap=5, covered=covered).tolist() == [0, 0, -1, 1, 1]


def test_auto_threshold_cuts_dense_series_into_runs_of_above_usual_activity():
    # Both sides act every day: one episode at threshold 1. Above each side's median, busy
    # stretches separated by ordinary weeks become episodes.
    rng = np.random.default_rng(4)
    busy = np.repeat(rng.random(60) < 0.3, 10)  # 60 ten-day stretches, ~30% busy
    x = np.where(busy, 8, 2) + rng.integers(0, 2, 600)
    y = np.where(busy, 9, 3) + rng.integers(0, 2, 600)
    covered = np.ones(600, bool)
    assert int(episodes_of(x, y, 5, covered).max()) + 1 == 1
    kx, ky, q = activity_thresholds(x, y, 5, covered, "auto")
    assert q is not None and 3 <= kx <= 9 and 4 <= ky <= 10
    ids = episodes_of(x >= kx, y >= ky, 5, covered)
    assert int(ids.max()) + 1 >= 10
    assert np.all(busy[ids >= 0])  # every active bin is a busy one
    assert activity_thresholds(x, y, 5, covered, 4)[:2] == (4, 4)
    with pytest.raises(Exception, match="threshold"):
        activity_thresholds(x, y, 5, covered, 0)


def test_summary_is_plain_data_with_shares_that_add_up():
    counts, _ = simulate_counts(1, 730, (0.3, 0.5), {"A->B": 1.0}, 0.2, 0.0, 0.5, 7, seed=9)
    ep = Episodes(gap_days=3, horizon_days=3, n_boot=200, seed=1)
    s = ep.fit(series_from_counts(counts[0]), "B->A").summary()
    json.dumps(s)
    d = s["details"]["episodes"]
    assert s["direction"] == "B->A" and s["details"]["n_episodes"] >= 50 and d["applicable"]
    assert sum(v["share"] for v in d["started_by"].values()) == pytest.approx(1.0, abs=1e-3)
    assert sum(v["share"] for v in d["ended_by"].values()) == pytest.approx(1.0, abs=1e-3)
    for v in d["started_by"].values():
        assert v["ci95"][0] <= v["share"] <= v["ci95"][1]
    assert 0 <= s["details"]["unanswered_share"] <= 1
    assert d["calm_after_last_action"]["A"]["mean"] >= 3  # a calm lasts at least the gap
    assert s["ci95"][0] <= s["estimate"] <= s["ci95"][1] and 0 < s["p_value"] <= 1


def test_real_iraq_data_is_cut_above_usual_activity_and_the_seed_list_is_too_short():
    # Iraq 2007-08: air operations and attacks nearly every day. At threshold 1 that is one
    # single episode; "auto" raises both thresholds above a quantile of each side's counts.
    air = pd.read_csv(FIXTURES / "iraq-2006-2008" / "airstrikes.csv").assign(side="A")
    attacks = pd.read_csv(FIXTURES / "iraq-2006-2008" / "insurgencies.csv").assign(side="B")
    series = build_series(pd.concat([air, attacks]))
    one = Episodes(threshold=1).fit(series, "A->B").summary()
    assert one["details"]["n_episodes"] == 1
    s = Episodes(n_boot=200, seed=0).fit(series, "A->B").summary()
    json.dumps(s)
    d = s["details"]
    assert s["applicable"] and d["threshold_quantile"] is not None
    assert d["activity_threshold"]["A"] > 1 and d["activity_threshold"]["B"] > 1
    assert d["n_episodes"] >= 5 and d["episodes"]["applicable"]
    assert any("thresholds chosen from the data" in n for n in s["notes"])  # disclosed
    assert s["ci95"][0] <= s["estimate"] <= s["ci95"][1]
    # The 2019-2021 US-militia exchange: 20 events are too few
    seed = pd.read_csv(FIXTURES / "iraq-2019-2021" / "events.csv")
    sides = {"us_coalition": "A", "militia": "B"}
    seed = seed.assign(side=seed["actor_side"].map(sides)).dropna(subset=["side"])
    s = Episodes().fit(build_series(seed), "A->B").summary()
    assert s["applicable"] is False and s["estimate"] is None and s["reason"]


def test_estimator_contract():
    ep = Episodes(gap_days=4, window_days=2)
    assert vars(ep) == {
        "gap_days": 4, "horizon_days": None, "window_days": 2, "threshold": "auto",
        "n_strata": 8, "n_periods": 8, "n_boot": 1000, "seed": None,
    }  # fmt: skip
    with pytest.raises(Exception, match="call fit"):
        ep.summary()
    with pytest.raises(Exception, match="gap and window"):
        Episodes(window_days=0).fit(_series([1, 0], [0, 1]))
