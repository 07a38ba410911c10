"""Counterfactual policies and the hawkes / policies commands on real data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from jervis.analysis.hawkes.discrete import DiscreteHawkes
from jervis.analysis.hawkes.policies import Policy, analytic_expected_attacks, simulate_policies
from jervis.analysis.hawkes.simulate import simulate_discrete
from jervis.errors import JervisError

FIXTURES = Path(__file__).parents[1] / "fixtures"
EXAMPLES = Path(__file__).parents[2] / "examples"


def _fit(link: str, eff: np.ndarray, seed: int = 4) -> DiscreteHawkes:
    base = np.log([1.0, 1.5]) if link == "log" else np.array([0.8, 1.0])
    counts = simulate_discrete(base, eff, np.full((2, 2), 0.6), link=link, dispersion=0.3,
                               n_bins=2500, seed=seed)[0][0]  # fmt: skip
    return DiscreteHawkes(link=link).fit(counts)


def test_never_respond_brings_more_attacks_than_always_respond_under_inhibition():
    model = _fit("log", np.array([[0.2, 0.0], [-0.8, 0.2]]))  # A (responder) deters B
    report = simulate_policies(model, ["never_respond", "always_respond", "double_response"],
                               responder=0, days=30, severity=np.array([0.0, 1.0, 3.0]))  # fmt: skip
    attacks = {p["name"]: p["expected_attacks"] for p in report["policies"]}
    assert attacks["never_respond"] > attacks["always_respond"] > attacks["double_response"]
    diff = report["difference"][0]
    assert diff["policy"] == "always_respond" and diff["attacks"] < 0 and diff["interval90"][1] < 0
    for p in report["policies"]:
        lo, hi = p["interval90"]
        assert lo <= p["expected_attacks"] <= hi and p["expected_killed"] > 0
        assert len(p["path"]["mean"]) == 30 and p["path"]["lo90"][-1] <= p["path"]["hi90"][-1]
    assert any("common driver" in line for line in report["assumptions"])


def test_simulated_policy_difference_matches_the_analytic_one():
    """Linear link: means propagate exactly; 8,000 paths at the point estimate."""
    model = _fit("linear", np.array([[0.2, 0.1], [0.3, 0.2]]))
    report = simulate_policies(model, ["never_respond", "always_respond"], responder=0, days=30,
                               param_draws=0, paths_per_draw=8000, seed=1)  # fmt: skip
    for p in report["policies"]:
        exact = analytic_expected_attacks(model, Policy.parse(p["name"]), 0, 30)
        assert p["analytic_expected_attacks"] == pytest.approx(exact.sum())
        assert p["expected_attacks"] == pytest.approx(exact.sum(), rel=0.03)
    sim = report["difference"][0]["attacks"]
    exact = (report["policies"][1]["analytic_expected_attacks"]
             - report["policies"][0]["analytic_expected_attacks"])  # fmt: skip
    assert exact > 0 and sim == pytest.approx(exact, rel=0.1)


def test_policy_names_are_checked():
    assert Policy.parse("respond_with_probability:0.3").per_attack == 0.3
    with pytest.raises(JervisError, match="unknown policy"):
        Policy.parse("retaliate_massively")
    with pytest.raises(JervisError, match="probability"):
        Policy.parse("respond_with_probability:2")


@pytest.fixture(scope="module")
def ukraine_db(tmp_path_factory) -> Path:
    import jervis

    db = tmp_path_factory.mktemp("ukr") / "u.duckdb"
    jervis.ingest(FIXTURES / "ucdp-ged" / "conflict_data_ukr.csv", db=db)
    return db


@pytest.mark.parametrize("model", ["discrete", "continuous"])
def test_hawkes_command_on_ucdp_ukraine(ukraine_db, model):
    from typer.testing import CliRunner

    from jervis.cli import app

    args = ["hawkes", "--dyad", str(EXAMPLES / "ukraine-2014-2021.toml"), "--db", str(ukraine_db),
            "--model", model, "--json"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["model"] == model and data["link"] == ("log" if model == "discrete" else "linear")
    assert {(e["from"], e["to"]) for e in data["effects"]} == {
        (a, b) for a in ("Ukraine", "separatists") for b in ("Ukraine", "separatists")}
    for e in data["effects"]:
        assert e["kind"] in ("excitation", "inhibition", "none") and len(e["ci95"]) == 2
    assert 0 <= data["gof"]["ks_p_value"] <= 1 and data["half_life_days"]
    assert set(data["baseline"]) == {"Ukraine", "separatists"}


def test_policies_command_on_ucdp_ukraine(ukraine_db):
    from typer.testing import CliRunner

    from jervis.cli import app

    args = ["policies", "--dyad", str(EXAMPLES / "ukraine-2014-2021.toml"), "--db", str(ukraine_db),
            "--policy", "never_respond", "--policy", "always_respond", "--days", "30", "--json"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["days"] == 30 and [p["name"] for p in data["policies"]] == ["never_respond", "always_respond"]
    for p in data["policies"]:
        assert {"expected_attacks", "interval90", "expected_killed"} <= set(p)
    assert data["difference"][0]["versus"] == "never_respond" and data["assumptions"]


def test_continuous_log_link_is_a_clear_error(ukraine_db):
    from jervis.analysis.hawkes.api import hawkes

    with pytest.raises(JervisError, match="discrete"):
        hawkes(EXAMPLES / "ukraine-2014-2021.toml", db=ukraine_db, model="continuous", link="log")
