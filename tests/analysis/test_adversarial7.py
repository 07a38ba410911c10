"""Adversarial round 7 on the analysis. Failed before its fix: with exactly one event per side
every day, the count regression said "A never acts in a usable window"; A acts every day, and
what the data lack is variation (no quiet spell to compare against), not events."""

from __future__ import annotations

import pandas as pd

from jervis.analysis.api import analyze


def test_acting_every_day_is_no_variation_not_no_events():
    days = pd.date_range("2007-01-01", periods=400, freq="D")
    frame = pd.DataFrame([
        {"date": d, "event": "ASSAULT", "side": s, "target_side": o, "event_id": f"{s}{i}"}
        for i, d in enumerate(days) for s, o in (("A", "B"), ("B", "A"))
    ])  # fmt: skip
    verdict = analyze(events=frame, methods=["count_regression"], robustness=False, n_placebo=50)
    for item in verdict.directions:
        reason = item.methods["count_regression"]["reason"]
        assert "never acts" not in reason and "no variation" in reason, reason
        assert f"{item.from_side}'s recent activity is the same in every usable day" in item.summary
