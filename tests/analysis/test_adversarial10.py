"""Adversarial round 10 on the analysis. Failed before its fix: a dyad with two stray rows
dated 60 years before a year of data ended in "the model could not be fitted to these data (a
numerical failure)" after minutes of fitting a daily series of 22,000 mostly empty days."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jervis.analysis.api import analyze
from jervis.errors import JervisError


def _year(seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2006-01-01", periods=365, freq="D")
    return [{"date": d, "event": "ASSAULT", "side": s, "target_side": o, "event_id": f"{s}{i}"}
            for i, d in enumerate(days) for s, o in (("A", "B"), ("B", "A")) if rng.random() < 0.4]  # fmt: skip


def test_stray_rows_decades_before_the_data_are_named_not_fitted():
    rows = _year() + [
        {"date": pd.Timestamp("1946-03-01"), "event": "ASSAULT", "side": "A", "target_side": "B", "event_id": "typo-1"},
        {"date": pd.Timestamp("1946-05-02"), "event": "ASSAULT", "side": "B", "target_side": "A", "event_id": "typo-2"},
    ]  # fmt: skip
    with pytest.raises(JervisError) as caught:
        analyze(events=pd.DataFrame(rows), methods=["count_regression"], robustness=False, n_placebo=20)
    message = str(caught.value)
    assert "\n" not in message
    assert "no event from 1946-05-03 to 2005-12-31 (59 years)" in message, message
    assert "2 events before it (1946-03-01 typo-1, 1946-05-02 typo-2)" in message, message
    assert "[filters]" in message


@settings(max_examples=15, deadline=None)
@given(years=st.integers(6, 90), after=st.booleans(), n=st.integers(1, 3))
def test_any_long_silence_that_dwarfs_the_data_is_named(years, after, n):
    rows = _year(1)
    first, last = rows[0]["date"], rows[-1]["date"]
    for k in range(n):
        when = (last + pd.DateOffset(years=years, days=k)) if after else (first - pd.DateOffset(years=years, days=k))
        rows.append({"date": when, "event": "ASSAULT", "side": "A", "target_side": "B", "event_id": f"s{k}"})
    with pytest.raises(JervisError, match=rf"{n} events? (before|after) it"):
        analyze(events=pd.DataFrame(rows), methods=["count_regression"], robustness=False, n_placebo=20)


def test_a_quiet_spell_shorter_than_the_data_around_it_is_analysed():
    rows = _year(2)
    later = [{**r, "date": r["date"] + pd.DateOffset(years=2), "event_id": r["event_id"] + "b"} for r in rows]
    verdict = analyze(events=pd.DataFrame(rows + later), methods=["count_regression"], robustness=False, n_placebo=20)
    assert verdict.period["start"] == "2006-01-01" and verdict.period["end"].startswith("2008-12")
