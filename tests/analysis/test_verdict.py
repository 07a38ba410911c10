"""The verdict rule, the JSON shape, the store path, and data too thin for any verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

import jervis
from jervis.analysis.api import analyze
from jervis.analysis.base import MethodResult, estimator_class, holm
from jervis.analysis.validation.loglinear import simulate
from jervis.analysis.verdict import decide

FIXTURES = Path(__file__).parents[1] / "fixtures"
EXAMPLES = Path(__file__).parents[2] / "examples"
FAST = ["count_regression", "granger"]


def test_holm_matches_statsmodels():
    p = {"A->B": 0.03, "B->A": 0.02}
    ours = holm(p)
    theirs = multipletests([0.03, 0.02], method="holm")[1]
    assert [ours["A->B"], ours["B->A"]] == pytest.approx(list(theirs))
    assert holm({"A->B": None, "B->A": 0.01}) == {"A->B": None, "B->A": 0.01}


def _result(method, estimate, lo, hi, p, **details):
    cls = estimator_class(method)
    r = MethodResult(method=method, direction="A->B", measure=cls.measure, estimate=estimate,
                     ci95=(lo, hi), p_value=p, null_value=cls.null_value, horizon_days=7,
                     details=details)  # fmt: skip
    r.p_value_holm = p
    r.points_to = cls.vote(r, p)
    return r


def _cr(estimate, lo, hi, p):
    return _result("count_regression", estimate, lo, hi, p)


def _other(estimate, p, method="event_study"):
    return _result(method, estimate, 0.01, 9.0, p)


@pytest.mark.parametrize(
    ("lead", "other", "other_p", "expected"),
    [
        (_cr(1.4, 1.2, 1.6, 0.001), 1.3, 0.01, "provokes"),  # both agree
        (_cr(0.7, 0.6, 0.8, 0.001), 1.0, 0.60, "deters"),  # other silent: lead decides
        (_cr(1.4, 1.2, 1.6, 0.001), 0.7, 0.01, "inconclusive"),  # significant disagreement
        (_cr(1.02, 0.9, 1.15, 0.70), 1.0, 0.60, "no_detectable_effect"),
        (_cr(1.02, 0.9, 1.15, 0.70), 1.4, 0.001, "inconclusive"),  # only a secondary method
        (_cr(1.1, 0.3, 4.0, 0.80), 1.0, 0.60, "inconclusive"),  # interval too wide
    ],
)
def test_the_rule(lead, other, other_p, expected):
    results = {"count_regression": lead, "event_study": _other(other, other_p)}
    result = decide("A->B", results, labels={"A": "Army", "B": "Rebels"}, gate=None)
    assert result.verdict == expected
    assert ("Army" in result.summary) and ("Rebels" in result.summary)
    if expected == "inconclusive":
        assert result.reason
    if expected in ("deters", "provokes"):
        assert "not proof" in result.summary  # the caveat that matters most


def test_a_contrast_with_its_own_pre_trend_does_not_vote():
    """Spatial windows read a real B->A deterrence backwards as A->B provocation; the pre-trend
    test is what tells them apart, so a significant one withholds the call."""
    lead = _cr(1.02, 0.9, 1.15, 0.70)
    spatial = _result("spatial", 1.3, 1.1, 1.5, 0.001, pre_trend=0.8, pre_trend_p_value=0.002)
    vote = estimator_class("spatial").vote
    assert spatial.points_to == "pre_trend"
    spatial.details["pre_trend_p_value"] = 0.4
    assert vote(spatial, 0.001) == "provokes"
    spatial.details["pre_trend_p_value"] = None
    assert vote(spatial, 0.001) == "provokes"
    assert vote(spatial, 0.2) == "none"
    spatial.details["pre_trend_p_value"] = 0.002
    spatial.points_to = "pre_trend"
    result = decide("A->B", {"count_regression": lead, "spatial": spatial}, labels={}, gate=None)
    assert result.verdict == "no_detectable_effect"
    assert result.methods["spatial"]["points_to"] == "pre_trend"


def test_an_additive_measure_is_neutral_at_zero_and_ratios_at_one():
    var = _result("granger", 0.5, 0.1, 0.9, 0.01)
    assert var.points_to == "provokes"
    assert _result("granger", -0.5, -0.9, -0.1, 0.01).points_to == "deters"
    assert _result("episodes", 0.8, 0.7, 0.9, 0.01).points_to == "deters"


def test_a_significant_headline_must_pass_the_lead_and_delay_checks():
    """X's future associated with Y (confounding), X's past not beyond its future (a slow
    common cause), or the 4-week lag profile pointing the other way (a delayed response):
    each withholds the call, with the reason in words."""
    lead = _cr(0.78, 0.66, 0.92, 0.004)
    clean = {"applicable": True, "irr": 1.0, "ci95": [0.9, 1.1], "p_value": 0.9,
             "past_irr": 0.78, "past_beyond_future_p_value": 0.001}  # fmt: skip
    delay = {"applicable": True, "days": 28, "irr": 0.8, "ci95": [0.6, 1.0], "p_value": 0.04}
    labels = {"A": "the army", "B": "the rebels"}

    def call(lead_test, lag_profile):
        lead.details = {"lead": lead_test, "delay": lag_profile}
        return decide("A->B", {"count_regression": lead}, labels=labels)

    assert call(clean, delay).verdict == "deters"
    item = call({**clean, "irr": 1.3, "p_value": 0.01}, delay)
    assert item.verdict == "inconclusive" and "also predicts the army's next actions" in item.reason
    item = call({**clean, "past_beyond_future_p_value": 0.3}, delay)
    assert item.verdict == "inconclusive" and "about as strongly as those before" in item.reason
    item = call(clean, {**delay, "irr": 1.03, "ci95": [0.7, 1.5]})
    assert item.verdict == "inconclusive" and "depends on the delay" in item.reason
    assert "over 28 days the association points the other way" in item.reason


def test_a_gate_reason_always_wins():
    results = {"count_regression": _cr(1.4, 1.2, 1.6, 0.001)}
    result = decide("A->B", results, labels={}, gate="too few")
    assert result.verdict == "inconclusive" and result.reason == "too few"


def test_simulated_provocation_gives_the_issue_json():
    frame = simulate(n_days=730, seed=21, cross_irr={"A->B": 1.6}, trend=0.5)
    verdict = analyze(events=frame, methods=FAST)
    data = json.loads(verdict.to_json())
    assert set(data) >= {"dyad", "period", "bin", "actions", "sides", "counts", "settings",
                         "directions"}  # fmt: skip
    forward = data["directions"][0]
    assert (forward["from"], forward["to"], forward["verdict"]) == ("A", "B", "provokes")
    assert set(forward) >= {"effect", "methods", "agreement", "summary"}
    assert forward["effect"]["measure"] == "incidence_rate_ratio"
    assert forward["effect"]["ci95"][0] <= 1.6 <= forward["effect"]["ci95"][1]
    assert set(forward["methods"]) == {"count_regression", "granger"}
    assert forward["methods"]["granger"]["details"]["lags"] >= 1
    assert set(forward) >= {"robustness", "notes", "confounding"}
    assert forward["robustness"]["n_fitted"] >= 16 and forward["robustness"]["holds"]
    assert data["directions"][1]["verdict"] in ("no_detectable_effect", "inconclusive")
    assert data["counts"] == {s: int((frame["side"] == s).sum()) for s in "AB"}
    assert data["settings"]["horizon_days"] == 7 and data["actions"] == "initiated"


def test_the_store_path_gives_the_same_numbers(tmp_path):
    frame = simulate(n_days=400, seed=3, cross_irr={"A->B": 1.6})
    csv = pd.DataFrame(
        {
            "event_id": [f"sim-{i}" for i in range(len(frame))],
            "date": frame["date"].dt.strftime("%Y-%m-%d"),
            "actor": frame["side"].map({"A": "Side A", "B": "Side B"}),
            "actor_side": frame["side"],
            "target_side": frame["target_side"],
            "event": "ASSAULT",
        }
    )
    csv.to_csv(tmp_path / "sim.csv", index=False)
    db = tmp_path / "j.duckdb"
    jervis.ingest(tmp_path / "sim.csv", db=db)
    stored = analyze(EXAMPLES / "ab-dyad.toml", db=db, methods=["count_regression"]).to_dict()
    direct = analyze(events=frame, methods=["count_regression"]).to_dict()
    for one, two in zip(stored["directions"], direct["directions"], strict=True):
        assert one["effect"] == two["effect"]
    assert stored["dyad"].startswith("Side A vs side B")


def _compiled_timeline() -> pd.DataFrame:
    raw = pd.read_csv(FIXTURES / "iraq-2019-2021" / "events.csv")
    sides = {"us_coalition": "A", "militia": "B"}
    return pd.DataFrame(
        {
            "date": pd.to_datetime(raw["date"]),
            "side": raw["actor_side"].map(sides),
            "target_side": raw["target_side"].map(sides),
            "event": "ASSAULT",
            "killed": pd.to_numeric(raw["us_coalition_killed"], errors="coerce"),
        }
    )


def test_twenty_events_are_too_few_for_a_verdict():
    events = _compiled_timeline()
    assert len(events) == 20
    verdict = analyze(events=events)
    for item in verdict.to_dict()["directions"]:
        assert item["verdict"] == "inconclusive"
        assert "too few data for a verdict" in item["reason"]
        assert "cannot say" in item["summary"]
    assert verdict.counts == {"A": 5, "B": 14}


def test_many_events_on_few_days_are_also_too_few():
    frame = simulate(n_days=365, seed=1)
    burst = frame[frame["side"] == "B"].assign(date=pd.Timestamp("2020-03-01"))
    events = pd.concat([frame[frame["side"] == "A"], burst.iloc[:40]])
    item = analyze(events=events, methods=["count_regression"]).directions[0]
    assert item.verdict == "inconclusive" and "too few data" in item.reason


def test_harm_mode_on_ucdp_ged_counts_the_other_sides_dead(tmp_path):
    """UCDP codes no initiator: side_a is the actor, deaths_b its target_killed (J&P's counts)."""
    from jervis.store.dyad import parse_dyad
    from jervis.store.query import dyad_events

    db = tmp_path / "u.duckdb"
    jervis.ingest(FIXTURES / "ucdp-ged" / "conflict_data_ukr.csv", db=db)
    dyad = parse_dyad(
        {
            "name": "Ukraine vs separatists",
            "sides": {
                "A": {"label": "Ukraine", "actors": ["Government of Ukraine"]},
                "B": {"label": "separatists", "actors": ["DPR", "LPR"]},
            },
            "analysis": {"actions": "harm"},
        }
    )
    frame = dyad_events(dyad, db)
    verdict = analyze(dyad, db=db, methods=["count_regression"]).to_dict()
    assert verdict["actions"] == "harm" and verdict["settings"]["actions"] == "harm"
    # only events between the two sides count (A's target is B, B's target is A)
    by_a = frame[(frame["side"] == "A") & (frame["target_side"] == "B")]
    by_b = frame[(frame["side"] == "B") & (frame["target_side"] == "A")]
    dead_b = by_a["target_killed"].fillna(0).sum() + by_b["actor_killed"].fillna(0).sum()
    assert verdict["counts"]["A"] == int(dead_b) > 0
    assert "deaths caused by" in verdict["directions"][0]["summary"]


def test_unknown_settings_are_user_errors(tmp_path):
    from jervis.errors import JervisError

    frame = simulate(n_days=100, seed=1)
    with pytest.raises(JervisError, match="unknown key 'horizon' .did you mean 'horizon_days'"):
        analyze(events=frame, horizon=7)
    toml = tmp_path / "d.toml"
    toml.write_text(
        '[sides.A]\ncolumn = { actor_side = "A" }\n[sides.B]\ncolumn = { actor_side = "B" }\n'
        "[analysis]\nhorizon = 7\n"
    )
    with pytest.raises(JervisError, match="unknown key 'horizon'"):
        analyze(toml, events=frame)


def test_a_declared_collection_gap_is_not_read_as_calm():
    """Iraq 2006-2008 has no rows for five months between its files: declared as a gap, those
    months are left out (and reported); read as zeros they make an artefact."""
    folder = FIXTURES / "iraq-2006-2008"
    parts = [
        pd.read_csv(folder / f"{name}.csv").assign(side=side)
        for name, side in [("airstrikes_2006", "A"), ("airstrikes", "A"),
                           ("insurgencies_2006", "B"), ("insurgencies", "B")]
    ]  # fmt: skip
    events = pd.concat(parts).assign(date=lambda f: pd.to_datetime(f["date"]))
    gap = [["2006-09-25", "2007-02-22"]]
    verdict = analyze(events=events, methods=["count_regression"], exclude=gap)
    gapped = verdict.direction("B->A")
    zeros = analyze(events=events, methods=["count_regression"])
    assert gapped.effect["ci95"][0] < 1.0 < gapped.effect["ci95"][1]
    assert zeros.direction("B->A").effect["estimate"] > 2  # the artefact a declared gap prevents
    assert verdict.to_dict()["coverage"]["excluded"][0]["days"] == 151
    assert any("2006-09-25 to 2007-02-22 (151 days) left out" in n for n in verdict.notes)


def test_a_fragile_reason_names_what_the_flipping_specifications_share():
    from jervis.analysis.verdict import _fragile

    def spec(horizon: int, lags: str, bin: str) -> dict:
        name = f"horizon {horizon} d, own lags {lags}, {bin} bins"
        return {"specification": name, "method": "count_regression", "horizon_days": horizon,
                "bin": bin}  # fmt: skip

    rows = [spec(14, "aic", "day"), spec(14, "bic", "week"), spec(3, "aic", "day")]
    flipping = [r["specification"] for r in rows[:2]]
    grid = {"flips": flipping, "significant_opposite": [], "share_same": 0.5, "n_fitted": 4,
            "specifications": rows}  # fmt: skip
    reason = _fragile(grid, "provokes")
    assert "only 50% of 4" in reason and "2 point the other way, all with a 14-day horizon:" in reason
    assert "horizon 14 d, own lags aic, day bins; horizon 14 d, own lags bic, week bins" in reason
    grid["significant_opposite"] = flipping[:1]
    assert "1 of 4 reasonable model specifications find a significant effect the other way (" in (
        _fragile(grid, "provokes")
    )
