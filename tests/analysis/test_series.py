"""DyadSeries: zero-filled calendars, bins, and the two definitions of a side's actions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jervis.analysis.series import build_series
from jervis.errors import JervisError


def _events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime(["2020-01-01", "2020-01-01", "2020-01-03", "2020-01-10"]),
            "time": [None, "12:00", None, None],
            "side": ["A", "B", "A", None],
            "target_side": ["B", "A", "B", "B"],
            "event": ["ASSAULT", "ASSAULT", "FIGHT", "ASSAULT"],
            "mode": ["air_strike", "rocket", None, None],
            "latitude": [33.0, 34.0, np.nan, np.nan],
            "longitude": [44.0, 43.0, np.nan, np.nan],
            "killed": [5.0, 1.0, 2.0, np.nan],
            "wounded": [np.nan, 3.0, np.nan, np.nan],
            "actor_killed": [np.nan, 1.0, 2.0, np.nan],
            "target_killed": [5.0, 0.0, np.nan, np.nan],
            "civilians_killed": [np.nan] * 4,
        }
    )


def test_initiated_counts_are_zero_filled_over_the_period():
    s = build_series(_events(), start="2019-12-30", end="2020-01-12", labels={"A": "x", "B": "y"})
    assert len(s.counts) == 14 and s.counts.index[0] == pd.Timestamp("2019-12-30")
    assert s.counts["A"].tolist()[2:5] == [1, 0, 1]
    assert s.totals() == {"A": 2, "B": 1}  # the event with no initiator is not an action
    assert s.killed.loc["2020-01-01", "A"] == 5.0 and s.wounded.loc["2020-01-01", "B"] == 3.0
    assert set(s.events["side"]) == {"A", "B"} and s.label("A") == "x"
    assert s.covered.all()


def test_harm_counts_the_other_sides_dead():
    s = build_series(_events(), actions="harm")
    # A's harm: target_killed of its events on B (5; the FIGHT's 2 dead were all A's own) and
    # B's own dead in B's attack on A (1). The row with no initiator is not between A and B.
    assert s.counts["A"].sum() == 5 + 1
    # B's harm: A's own dead in A's FIGHT on B (2) + target_killed of B's attack (0).
    assert s.counts["B"].sum() == 2
    assert (s.counts == s.killed.astype(int)).all().all()
    assert s.actions == "harm"


def test_weeks_start_on_monday_and_months_on_the_first():
    ev = _events()
    week = build_series(ev, bin="week")
    assert all(d.dayofweek == 0 for d in week.counts.index)
    assert week.counts["A"].sum() == 2
    month = build_series(ev, bin="month")
    assert month.counts.index.tolist() == [pd.Timestamp("2020-01-01")]


def test_coverage_gaps_are_marked_and_split_into_segments():
    dates = list(pd.date_range("2020-01-01", periods=20)) + list(
        pd.date_range("2020-04-01", periods=20)
    )
    ev = pd.DataFrame({"date": dates, "side": ["A"] * 39 + ["B"]})
    s = build_series(ev, coverage_gap_days=30)
    assert (~s.covered).sum() == (pd.Timestamp("2020-04-01") - pd.Timestamp("2020-01-21")).days
    assert [len(seg) for seg in s.segments()] == [20, 20]


def test_bad_options_raise_user_errors():
    with pytest.raises(JervisError):
        build_series(_events(), bin="hour")
    with pytest.raises(JervisError):
        build_series(_events(), actions="everything")
    with pytest.raises(JervisError):
        build_series(_events().iloc[:0])


def test_an_unreadable_date_raises_without_a_pandas_warning():
    import warnings

    events = _events().assign(date=["not a date", "2020-01-01", "2020-01-03", "2020-01-10"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(JervisError, match="row 1: date 'not a date' is not a date"):
            build_series(events, bin="day")
