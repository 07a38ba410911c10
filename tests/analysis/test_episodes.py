"""Episodes: hand-checked episode cutting; the risk ratio on sparse simulations with known truth."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jervis.analysis.episodes import Episodes, episodes_of
from jervis.analysis.series import build_series

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


def sparse_dyad(irr: float, seed: int, n: int = 1095, base: float = 0.15, react: float = 1.0):
    """Two sparse sides; Y's daily rate is multiplied by ``irr`` when X acted in the last 3
    days (the known truth), X's by ``react`` when Y did; both self-excite (x1.5)."""
    rng = np.random.default_rng(seed)
    x, y = np.zeros(n, int), np.zeros(n, int)
    for t in range(n):
        xr, yr = x[max(0, t - 3) : t].any(), y[max(0, t - 3) : t].any()
        x[t] = rng.poisson(base * (1.5 if xr else 1.0) * (react if yr else 1.0))
        y[t] = rng.poisson(base * (1.5 if yr else 1.0) * (irr if xr else 1.0))
    return _series(x, y)


def test_episodes_are_cut_at_gaps_and_their_starts_ends_and_calms_are_right():
    #    day: 0  1  2  3  4  5  6  7  8  9 10 11
    a = [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]
    b = [0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0]
    ep = Episodes(gap=3, horizon=2, n_boot=50, seed=0).fit(_series(a, b), "A->B")
    assert ep.episode_id_.tolist() == [0, 0, -1, -1, -1, -1, 1, 1, -1, -1, -1, 2]
    assert ep.starts_.tolist() == [0, 6, 11] and ep.ends_.tolist() == [1, 7, 11]
    assert ep.starter_.tolist() == [0, 1, 0]  # A, B, A
    assert ep.ender_.tolist() == [1, 2, 0]  # B, both, A
    assert ep.calm_[:2].tolist() == [4.0, 3.0] and np.isnan(ep.calm_[2])  # last is censored
    # Only day 7 counts as an action bin: day 0 lacks the 2 days of history the strata need,
    # day 11 the 2 days of future; B does not act on days 8-9, so it went unanswered.
    assert ep.n_action_bins_ == 1 and ep.unanswered_ == 1.0
    s = ep.summary()
    assert s["applicable"] is False and "episodes" in s["reason"] and s["estimate"] is None


def test_a_coverage_gap_always_splits_an_episode():
    x = np.array([1, 1, 0, 1, 1])
    covered = np.array([True, True, False, True, True])
    assert episodes_of(x, x * 0, gap=5, covered=covered).tolist() == [0, 0, -1, 1, 1]


def _runs(irr: float, runs: int, seed0: int, react: float = 1.0) -> np.ndarray:
    out = []
    for i in range(runs):
        series = sparse_dyad(irr, seed0 + i, react=react)
        s = Episodes(gap=3, horizon=3, n_boot=100, seed=i).fit(series, "A->B").summary()
        assert s["applicable"], s.get("reason")
        out.append((s["estimate"], s["p_value"], *s["ci95"]))
    return np.array(out, dtype=float)


@pytest.mark.slow
def test_no_effect_is_rejected_at_about_the_nominal_rate():
    r = _runs(1.0, 60, 100)
    assert np.mean(r[:, 1] < 0.05) <= 0.10
    assert np.mean((r[:, 2] <= 1) & (1 <= r[:, 3])) >= 0.90


@pytest.mark.slow
def test_x_reacting_to_y_is_not_read_as_an_effect_of_x():
    r = _runs(1.0, 40, 300, react=2.5)
    assert np.mean(r[:, 1] < 0.05) <= 0.10


@pytest.mark.slow
@pytest.mark.parametrize("irr", [0.4, 2.5])
def test_a_strong_effect_is_found_in_the_right_direction(irr: float):
    r = _runs(irr, 30, 500)
    right = (r[:, 1] < 0.05) & ((r[:, 0] > 1) == (irr > 1))
    assert right.mean() >= 0.90


def test_summary_is_plain_data_with_shares_that_add_up():
    s = Episodes(gap=3, horizon=3, n_boot=200, seed=1).fit(sparse_dyad(1.0, 9), "B->A").summary()
    json.dumps(s)
    assert s["from"] == "B" and s["n_episodes"] >= 50
    assert sum(v["share"] for v in s["started_by"].values()) == pytest.approx(1.0, abs=1e-3)
    assert sum(v["share"] for v in s["ended_by"].values()) == pytest.approx(1.0, abs=1e-3)
    for v in s["started_by"].values():
        assert v["ci95"][0] <= v["share"] <= v["ci95"][1]
    assert 0 <= s["unanswered_share"] <= 1
    assert s["calm_after_last_action"]["A"]["mean"] >= 3  # a calm lasts at least the gap


def test_real_data_too_dense_or_too_sparse_for_episodes_says_why():
    # Iraq 2007-08: air operations and attacks nearly every day, so one single episode
    air = pd.read_csv(FIXTURES / "iraq-2006-2008" / "airstrikes.csv").assign(side="A")
    attacks = pd.read_csv(FIXTURES / "iraq-2006-2008" / "insurgencies.csv").assign(side="B")
    s = Episodes().fit(build_series(pd.concat([air, attacks])), "A->B").summary()
    assert s["applicable"] is False and s["n"] == 1 and "1 episodes" in s["reason"]
    # The 2019-2021 US-militia exchange: 20 events are too few
    seed = pd.read_csv(FIXTURES / "iraq-2019-2021" / "events.csv")
    sides = {"us_coalition": "A", "militia": "B"}
    seed = seed.assign(side=seed["actor_side"].map(sides)).dropna(subset=["side"])
    s = Episodes().fit(build_series(seed), "A->B").summary()
    assert s["applicable"] is False and s["estimate"] is None
