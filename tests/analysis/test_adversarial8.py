"""Adversarial round 8 on the analysis. Failed before its fix: a one-day gap in the sources
was "2020-07-01 to 2020-07-01 (1 days) left out"."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jervis.analysis.api import analyze


def test_a_one_day_gap_is_named_as_one_day():
    rng = np.random.default_rng(0)
    days = pd.date_range("2020-01-01", periods=200, freq="D")
    frame = pd.DataFrame([
        {"date": d, "event": "ASSAULT", "side": s, "target_side": o, "event_id": f"{s}{i}"}
        for i, d in enumerate(days) for s, o in (("A", "B"), ("B", "A")) if rng.random() < 0.4
    ])  # fmt: skip
    gap = [{"start": "2020-03-01", "end": "2020-03-01", "why": "no ingested file of the sources covers it"}]
    verdict = analyze(events=frame, methods=["count_regression"], robustness=False, n_placebo=20, source_gaps=gap)
    notes = [n for n in verdict.notes if "left out" in n]
    assert notes == ["2020-03-01 (1 day) left out: no ingested file of the sources covers it"], verdict.notes


def test_stray_dates_centuries_apart_are_named_not_fitted_for_hours():
    import pytest

    from jervis.errors import JervisError

    rng = np.random.default_rng(1)
    days = pd.date_range("2020-01-01", periods=300, freq="D")
    rows = [{"date": d, "event": "ASSAULT", "side": s, "target_side": o, "event_id": f"{s}{i}"}
            for i, d in enumerate(days) for s, o in (("A", "B"), ("B", "A")) if rng.random() < 0.4]  # fmt: skip
    rows += [{"date": pd.Timestamp("1700-01-01"), "event": "ASSAULT", "side": "A", "target_side": "B", "event_id": "x"},
             {"date": pd.Timestamp("2260-01-01"), "event": "ASSAULT", "side": "B", "target_side": "A", "event_id": "y"}]  # fmt: skip
    with pytest.raises(JervisError, match=r"run from 1700-01-01 to 2260-01-01 \(560 years\): an analysis covers at most 100"):
        analyze(events=pd.DataFrame(rows), robustness=False, n_placebo=20)  # was > 10 minutes (CLI killed)
