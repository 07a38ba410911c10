"""The simulation study of the shipped verdict at CI size (the full-size run is in
docs/methods.md, section 7), the weekly calibration, and the CLI commands.

Every simulated dyad goes through ``compute_verdict``, the function ``jervis analyze`` ships.
Fixed seeds: the tests are deterministic, and fail when a change moves a figure past its bound.
The bounds are the issue's acceptance numbers widened for CI sample sizes: with 25 runs one
false call is 4%, so "at most 5%" reads "at most 2 of 25" (8%), "at most 10%" "3 of 25".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from jervis.analysis.base import METHODS
from jervis.analysis.commands import register
from jervis.analysis.validation import study
from jervis.analysis.validation.processes import thin
from jervis.errors import JervisError

EXAMPLES = Path(__file__).parents[2] / "examples"
LOGLINEAR = ["none", "deters", "provokes", "sparse_none", "sparse_deters", "sparse_provokes"]
OTHER = [
    "hawkes_none", "hawkes_provokes", "hawkes_deters", "delayed_provokes", "delayed_deters",
    "poisson_none", "poisson_deters", "poisson_provokes", "threshold_provokes",
    "threshold_deters", "break_none", "driver_none", "hawkes_driver_none", "targeting",
]  # fmt: skip
# The CI studies score the methods that vote: a non-voting method (the Hawkes count model) never
# changes a verdict, is scored by `jervis validate` and has its own CI study (test_hawkes.py).
STUDY = """
import json, sys
from jervis.analysis.base import METHODS, estimator_class
from jervis.analysis.validation import study
names, runs, days, bin = sys.argv[1].split(","), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
voting = [m for m in METHODS if estimator_class(m).votes]
print(json.dumps(study.validate(runs=runs, n_days=days, seed=0, scenarios=names, bin=bin,
                                estimand_days=0, settings={"methods": voting})))
"""


def _study(names: list[str], runs: int, days: int = 730, bin: str = "day") -> dict:
    """In a child process with one BLAS thread (much faster on 2 cores)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", STUDY, ",".join(names), str(runs), str(days), bin],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)["scenarios"]


@pytest.fixture(scope="module")
def loglinear() -> dict:
    return _study(LOGLINEAR, 50)


@pytest.fixture(scope="module")
def others() -> dict:
    return _study(OTHER, 25)


@pytest.fixture(scope="module")
def weekly() -> dict:
    """Five simulated years in weekly bins (260 weeks)."""
    return _study(["none", "deters", "provokes"], 25, days=5 * 365, bin="week")


def _allowed(kind: str, runs: int) -> float:
    """False effects allowed at CI size: 5% (10% for a common driver or targeting) widened."""
    share = 0.10 if kind in ("common_driver", "targeting") else 0.05
    return (round(share * runs) + 1) / runs + 1e-9


@pytest.mark.slow
@pytest.mark.xdist_group("validate-loglinear")
@pytest.mark.parametrize("name", LOGLINEAR)
def test_the_verdict_on_its_own_model(loglinear, name):
    """Right calls at IRR 0.6 / 1.6 at least 85% (the issue's bound), no wrong direction,
    false effects at most 5% (3 of 50), coverage of the lead's interval 84-100% (95% nominal;
    3 binomial standard deviations at 50 runs)."""
    scenario = loglinear[name]
    for direction, row in scenario["methods"]["verdict"].items():
        assert row["wrong_direction"] == 0, (direction, row)
        if row["truth"] == "none":
            assert row["false_effect"] <= _allowed("effect", 50), (direction, row)
        else:
            assert row["right"] >= 0.85, (direction, row)
        coverage = scenario["methods"]["count_regression"][direction]["coverage95"]
        assert 0.84 <= coverage <= 1.0, (direction, coverage)


@pytest.mark.slow
@pytest.mark.xdist_group("validate-loglinear")
@pytest.mark.parametrize("method", ["count_regression", "granger", "event_study", "episodes"])
def test_every_method_finds_a_clear_effect_in_the_right_direction(loglinear, method):
    for name in ("deters", "provokes", "sparse_deters", "sparse_provokes"):
        row = loglinear[name]["methods"][method]["A->B"]
        assert row["right"] >= 0.85 and row["wrong_direction"] == 0, (name, row)


@pytest.mark.slow
@pytest.mark.xdist_group("validate-other")
@pytest.mark.parametrize("name", OTHER)
def test_the_verdict_on_truths_it_does_not_assume(others, name):
    """No wrong direction anywhere; false effects within the issue's bounds (widened for 25
    runs) wherever a direction has no effect: Hawkes, Poisson, a structural break, a slow
    common driver, targeting."""
    scenario = others[name]
    for direction, row in scenario["methods"]["verdict"].items():
        assert row["wrong_direction"] == 0, (direction, row)
        if row["truth"] == "none":
            assert row["false_effect"] <= _allowed(scenario["kind"], 25), (direction, row)


@pytest.mark.slow
@pytest.mark.xdist_group("validate-other")
def test_effects_the_lead_does_not_model_are_still_found_often(others):
    """Power where the truth is not the lead's model: Poisson counts with a 5-day response
    and a threshold response (the full-size figures are in docs/methods.md)."""
    assert others["poisson_deters"]["methods"]["verdict"]["A->B"]["right"] >= 0.8
    assert others["poisson_provokes"]["methods"]["verdict"]["A->B"]["right"] >= 0.8
    assert others["threshold_provokes"]["methods"]["verdict"]["A->B"]["right"] >= 0.3


@pytest.mark.slow
@pytest.mark.xdist_group("validate-weekly")
def test_weekly_bins_are_calibrated(weekly):
    """The same truths analysed in weekly bins: no false effect beyond the bound, the lead's
    interval covers 1 where there is no effect, the clear effects are found."""
    for name, scenario in weekly.items():
        for direction, row in scenario["methods"]["verdict"].items():
            assert row["wrong_direction"] == 0, (name, direction, row)
            if row["truth"] == "none":
                assert row["false_effect"] <= _allowed("effect", 25), (name, direction, row)
                lead = scenario["methods"]["count_regression"][direction]
                assert 0.84 <= lead["coverage95"] <= 1.0, (name, direction, lead)
    assert weekly["deters"]["methods"]["verdict"]["A->B"]["right"] >= 0.8
    assert weekly["provokes"]["methods"]["verdict"]["A->B"]["right"] >= 0.8


def test_thin_data_always_ends_inconclusive_with_the_reason():
    """Acceptance 3: 60 events on 20 active days per side."""
    from jervis.analysis.validation.loglinear import series_from_counts
    from jervis.analysis.verdict import compute_verdict

    for counts in thin(10, 730, seed=4):
        verdict = compute_verdict(series_from_counts(counts), settings={"n_placebo": 50})
        assert verdict.counts == {"A": 60, "B": 60}
        for item in verdict.directions:
            assert item.verdict == "inconclusive" and "on 20 days" in item.reason


def test_a_fragile_effect_ends_inconclusive_with_the_reason():
    """Acceptance 3: B rises for 3 days after A's actions and falls over the next 18, so the
    sign depends on the horizon and the bins; the 7-day headline alone is significant."""
    from jervis.analysis.validation.loglinear import series_from_counts
    from jervis.analysis.validation.processes import count_process
    from jervis.analysis.verdict import compute_verdict

    mixed = [{"irr": 1.8, "lags": (1, 3)}, {"irr": 0.5, "lags": (4, 21)}]
    counts = count_process(8, 730, 11, cross={"A->B": mixed})[1]
    item = compute_verdict(series_from_counts(counts), settings={"n_placebo": 100}).direction(
        "A->B"
    )
    assert item.effect["p_value_holm"] < 0.05  # the headline alone would say "provokes"
    assert item.verdict == "inconclusive" and "fragile" in item.reason
    # the reason names the choice the direction flips with, and the specifications
    assert "all in weekly bins" in item.reason and "horizon 14 d, own lags aic, week bins;" in item.reason
    grid = item.robustness
    assert grid["significant_opposite"] and not grid["holds"]
    assert grid["n_fitted"] == 28  # 32 choices, 4 of them the same model in weekly bins


def test_a_delayed_provocation_is_not_called_deterrence():
    """B answers A 10-20 days later (IRR 1.6); in this dyad the last 7 days alone say
    "deters" (0.78, 0.66-0.92), as do the event study and the VAR. The lag profile over 28
    days points the other way, so the verdict says the direction depends on the delay."""
    from jervis.analysis.validation.loglinear import series_from_counts
    from jervis.analysis.verdict import compute_verdict

    counts = study.SCENARIOS["delayed_provokes"].simulate(25, 730, 3000)[14]
    item = compute_verdict(series_from_counts(counts), settings={"n_placebo": 200}).direction(
        "A->B"
    )
    assert item.effect["ci95"][1] < 1 and item.effect["p_value_holm"] < 0.05
    delay = item.methods["count_regression"]["details"]["delay"]
    assert delay["irr"] > 1 and list(delay["window_irr"]) == ["1-7", "8-14", "15-21", "22-28"]
    assert item.verdict == "inconclusive" and "depends on the delay" in item.reason


def test_report_shape_and_reproducibility():
    kwargs = {"runs": 2, "n_days": 365, "seed": 3, "scenarios": ["provokes"],
              "settings": {"methods": ["count_regression"]}, "estimand_days": 0}  # fmt: skip
    first, second = study.validate(**kwargs), study.validate(**kwargs)
    assert first == second
    assert set(first["scenarios"]) == {"provokes"}
    assert first["settings"]["runs"] == 2
    json.dumps(first)
    with pytest.raises(JervisError, match="unknown scenarios"):
        study.validate(runs=1, scenarios=["nonsense"])


def test_the_estimand_of_a_truth_without_an_irr_is_the_projection_on_the_lead():
    scenario = study.SCENARIOS["hawkes_provokes"]
    estimand = study.projection_estimand(scenario, {"n_placebo": 50}, seed=1, n_days=4000)
    assert estimand["B->A"] == 1.0 and 1.05 < estimand["A->B"] < 2.0


def test_in_weekly_bins_a_daily_irr_is_projected_not_taken_as_the_estimand():
    """A weekly model's 'last week' is not the last 7 days: its IRR is another quantity (the
    weekly study's coverage of 0.6 itself was 30%), so the study projects it."""
    scenario = study.SCENARIOS["deters"]
    weekly = study.projection_estimand(scenario, {"n_placebo": 50}, seed=5, n_days=8000, bin="week")
    daily = study.projection_estimand(scenario, {"n_placebo": 50}, seed=5, n_days=8000)
    assert daily == {"A->B": 0.6, "B->A": 1.0}
    assert weekly["B->A"] == 1.0 and 0.62 < weekly["A->B"] < 0.8


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app."""

    register(app)
    return app


def test_validate_command_prints_json_and_table():
    runner = CliRunner()
    args = ["validate", "--runs", "1", "--days", "300", "--scenarios", "none,provokes"]
    out = runner.invoke(_app(), [*args, "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["settings"]["runs"] == 1 and set(report["scenarios"]) == {"none", "provokes"}
    table = runner.invoke(_app(), args, env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "scenario" in table.stdout and "%" in table.stdout
    bad = runner.invoke(_app(), ["validate", "--scenarios", "nope"])
    assert isinstance(bad.exception, JervisError)


def test_analyze_command_finds_the_simulated_deterrence(tmp_path, make_store):
    """A canonical CSV with actor_side A/B, ingested, then analysed from the dyad file."""
    db = make_store(tmp_path, 730, 2, {"A->B": 0.6})
    runner = CliRunner()
    args = ["analyze", "--dyad", str(EXAMPLES / "ab-dyad.toml"), "--db", str(db)]
    out = runner.invoke(_app(), [*args, "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    forward, backward = data["directions"]
    assert forward["verdict"] == "deters", forward["reason"]
    assert backward["verdict"] in ("no_detectable_effect", "inconclusive")
    assert set(forward["methods"]) == set(METHODS)
    table = runner.invoke(_app(), args, env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "A -> B" in table.stdout and "deters" in table.stdout
    missing = runner.invoke(_app(), ["analyze", "--dyad", str(tmp_path / "nope.toml")])
    # The command lets the user error through; cli.main turns it into one line (tests/test_cli.py).
    assert isinstance(missing.exception, JervisError) and "no such dyad file" in str(missing.exception)
