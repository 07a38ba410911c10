"""jervis screen: the pairs of the most active actors, both directions, FDR, on each engine."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from typer.testing import CliRunner

import jervis
from jervis.analysis.screen.screening import benjamini_hochberg, screen, screen_pair
from jervis.cli import app
from jervis.store.engine import Engine

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def iraq(tmp_path_factory):
    db = tmp_path_factory.mktemp("screen") / "iraq.duckdb"
    jervis.ingest(FIXTURES / "ucdp-ged" / "conflict_data_irq.csv", db=db)
    return db


@pytest.fixture(scope="module")
def reference(iraq):
    return screen(iraq, top=3, start="2006-01-01", end="2007-12-31", jobs=2)


def test_benjamini_hochberg_matches_statsmodels():
    p = [0.01, 0.04, None, 0.03, 0.2, 0.0005]
    want = multipletests([v for v in p if v is not None], method="fdr_bh")[1]
    got = [q for q in benjamini_hochberg(p) if q is not None]
    assert np.allclose(got, want)
    assert benjamini_hochberg(p)[2] is None


def test_screen_ranks_every_pair_both_ways(reference):
    assert reference["pairs"] == 3  # 3 actors
    rows = reference["rows"]
    assert len(rows) == 6 and {(r["source"], r["target"]) for r in rows} == {
        (a, b) for r in rows for a, b in [(r["source"], r["target"]), (r["target"], r["source"])]
    }
    fitted = [r for r in rows if r["p_count_regression"] is not None]
    assert len(fitted) >= 1
    for r in fitted:
        assert r["q_count_regression"] >= r["p_count_regression"]
        assert r["irr_ci95"][0] <= r["irr"] <= r["irr_ci95"][1]
    qs = [r["q_count_regression"] for r in rows if r["q_count_regression"] is not None]
    assert qs == sorted(qs)
    gated = [r for r in rows if r["p_count_regression"] is None]
    assert all(r["reason"] for r in gated)


def test_screen_same_on_each_engine(iraq, reference, engine_name, tmp_path):
    jervis.ingest(FIXTURES / "ucdp-ged" / "conflict_data_irq.csv", lake=tmp_path / "lake")
    got = screen(Engine(engine_name, lake=tmp_path / "lake"), top=3, start="2006-01-01", end="2007-12-31", jobs=1)
    assert got["rows"] == reference["rows"]


def test_cli_screen_json(iraq):
    result = CliRunner().invoke(app, ["screen", "--db", str(iraq), "--top", "3", "--json",
                                      "--start", "2006-01-01", "--end", "2007-12-31"])  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["pairs"] == 3 and len(report["rows"]) == 6


def test_a_pair_with_identical_series_is_fitted(iraq):
    """The 1M-row benchmark's "no direction fitted": tiles of one file made many actors' daily
    series exact copies of each other, and the count regression's lead test (a negative
    control, not part of a screen row) failed numerically on every such pair. A screen fits
    the lead method without it, so a pair of copies still gets its rate ratio and the model's
    p-value; the shift-calibrated p-value is empty with its reason: a copy's recent actions are
    the target's own history, which the null model already holds (no test can separate them)."""
    from jervis.analysis.screen.screening import daily_counts
    from jervis.analysis.settings import resolve
    from jervis.store.dyad import Filters, Side

    engine = Engine(db=iraq)
    filters = Filters(start=None, end=None, events=["FIGHT", "ASSAULT"])
    actor = "Iraqi security forces"
    counts = daily_counts(engine, {actor: Side(label=actor, actors=[actor])}, filters)
    copies = pd.concat([counts.assign(side="a"), counts.assign(side="b")], ignore_index=True)
    rows = screen_pair(copies, "a", "b", "2004-01-01", "2009-12-31", resolve({}, {"bin": "day"}))
    assert [r["source"] for r in rows] == ["a", "b"]
    for r in rows:
        assert r["p_wald_count_regression"] is not None, r["reason"]
        assert r["irr"] > 1  # a copy's actions follow its own: a strong "provokes"
        assert r["p_count_regression"] is None and "collinear" in r["reason"]
        # (Granger's VAR is singular on two copies; its reason is kept in the row.)
