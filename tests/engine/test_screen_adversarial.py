"""`jervis screen` under hostile input: usage errors are one line (exit 2) before any fitting,
dyad lists count what `jervis analyze` counts, a screen's JSON is valid JSON, and the FDR
step keeps p/q in [0, 1] and ranks every row once (Hypothesis, derandomized)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_cli_errors import cli, one_line_error

import jervis
from jervis.analysis.screen.screening import finish_rows, screen, screen_pair
from jervis.errors import JervisError

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def iraq(tmp_path_factory):
    db = tmp_path_factory.mktemp("screen-adv") / "iraq.duckdb"
    jervis.ingest(FIXTURES / "ucdp-ged" / "conflict_data_irq.csv", db=db)
    return db


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--start", "2006-13-01"], "--start '2006-13-01' is not a date in YYYY-MM-DD form"),
        (["--start", "0001-01-01"], "--start 0001-01-01 is outside the dates a screen can count"),
        (["--end", "9999-12-31"], "--end 9999-12-31 is outside the dates a screen can count"),
        (["--start", "2007-01-01", "--end", "2006-01-01"], "--start 2007-01-01 is after --end 2006-01-01"),
        (["--jobs", "0"], "Invalid value for '--jobs'"),
        (["--show", "-1"], "Invalid value for '--show'"),
        (["--country", "Atlantis"], "country 'Atlantis' is not an ISO 3166 code or a country name"),
    ],
)
def test_usage_errors_are_one_line(capsys, iraq, args, expected):
    code, _, err = cli(capsys, "screen", "--db", str(iraq), "--top", "3", *args)
    assert expected in one_line_error(code, err)


def test_out_is_checked_before_the_screen_runs(capsys, iraq, tmp_path):
    code, _, err = cli(capsys, "screen", "--db", str(iraq), "--out", str(tmp_path))
    assert "is a folder; --out needs a file name" in one_line_error(code, err)
    code, _, err = cli(capsys, "screen", "--db", str(iraq), "--out", str(tmp_path / "no" / "x.json"))
    assert "the folder does not exist" in one_line_error(code, err)


def test_country_by_name_as_in_jervis_events(iraq):
    by_name = screen(iraq, top=2, country="Iraq", start="2006-01-01", end="2006-03-31", jobs=1)
    by_code = screen(iraq, top=2, country="IRQ", start="2006-01-01", end="2006-03-31", jobs=1)
    assert by_name["rows"] == by_code["rows"] and by_name["pairs"] == 1


def _dyad(path, name, a, b, extra=""):
    path.write_text(f'name = "{name}"\n[sides.A]\nactors = ["{a}"]\n[sides.B]\nactors = ["{b}"]\n{extra}')
    return path


def test_dyad_filters_and_overlap_count_as_in_analyze(iraq, tmp_path):
    """A dyad's own [filters] apply (here: a dataset with no rows), and an event both sides
    claim counts for A only, as `jervis analyze` counts them (store/query.py with_sides)."""
    actor = "Iraqi security forces"
    none = _dyad(tmp_path / "none.toml", "none", actor, "insurgents", '[filters]\nsource_dataset = ["acled"]\n')
    with pytest.raises(JervisError, match="no events of the dyads' sides"):
        screen(iraq, dyads=[none], jobs=1)
    both = _dyad(tmp_path / "both.toml", "both", actor, actor)
    with pytest.warns(UserWarning, match="overlap"):
        rows = screen(iraq, dyads=[both], jobs=1)["rows"]
    counts = {(r["source"], r["target"]): (r["events_source"], r["events_target"]) for r in rows}
    a, b = "both: A", "both: B"
    assert counts[(a, b)][0] > 0 and counts[(a, b)][1] == 0 and counts[(b, a)] == (0, counts[(a, b)][0])


def test_two_dyads_of_one_name_are_not_mixed_up(iraq, tmp_path):
    one = _dyad(tmp_path / "one.toml", "same", "Iraqi security forces", "insurgents")
    two = _dyad(tmp_path / "two.toml", "same", "Nobody", "Nobody else")
    with pytest.raises(JervisError, match="two.toml: dyad name 'same' is also the name of"):
        screen(iraq, dyads=[one, two], jobs=1)
    report = screen(iraq, dyads=[one, one], jobs=1, start="2006-01-01", end="2006-01-31")
    assert report["pairs"] == 1 and len(report["rows"]) == 2  # the same file twice: one test


def test_a_side_without_events_warns_nothing(iraq, tmp_path, recwarn):
    half = _dyad(tmp_path / "half.toml", "half", "Iraqi security forces", "Nobody")
    rows = screen(iraq, dyads=[half], jobs=1)["rows"]
    assert {r["events_target"] for r in rows} >= {0}
    assert not [w for w in recwarn if issubclass(w.category, FutureWarning)]


def test_a_diverging_fit_leaves_no_infinity_in_the_json():
    """Two alternating series: the count regression's rate ratio runs off to ~1e9 and its
    interval to [0, inf]; the screen's JSON must stay JSON (no Infinity/NaN tokens)."""
    from jervis.analysis.settings import resolve

    days = pd.date_range("2020-01-01", periods=400)
    counts = pd.concat([pd.DataFrame({"side": s, "date": days, "n": np.tile(v, 200)})
                        for s, v in (("a", [0, 5]), ("b", [5, 0]))])  # fmt: skip
    rows = screen_pair(counts, "a", "b", days[0], days[-1], resolve({}, {"bin": "day"}))
    json.dumps(rows, allow_nan=False)  # raises on inf / nan


P = st.one_of(st.none(), st.floats(0, 1), st.just(float("nan")))


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(ps=st.lists(st.tuples(P, P, st.sampled_from([0.5, 2.0, None])), max_size=12))
def test_fdr_keeps_p_in_unit_interval_and_ranks_each_row_once(ps):
    rows = [{"source": f"s{k}", "target": "t", "p_count_regression": p, "p_granger": g, "irr": irr,
             "granger_sign": None, "lead_p": None, "past_beyond_future_p": None}
            for k, (p, g, irr) in enumerate(ps)]  # fmt: skip
    before = sorted(r["source"] for r in rows)
    out = finish_rows([dict(r) for r in rows])
    assert sorted(r["source"] for r in out) == before
    for r in out:
        for key in ("q_count_regression", "q_granger"):
            assert r[key] is None or 0 <= r[key] <= 1
    keys = [(2.0 if r["q_count_regression"] is None else r["q_count_regression"]) for r in out]
    assert keys == sorted(keys)


def test_a_store_with_one_actor_says_so(tmp_path):
    """Adversarial round 8: 50 events of one actor were 'no events with an actor'."""
    path = tmp_path / "one.csv"
    path.write_text("date,event,actor,target\n" + "".join(f"2020-01-{d:02d},ASSAULT,Militia X,Army\n" for d in range(1, 29)))
    db = tmp_path / "one.duckdb"
    jervis.ingest(path, db=db)
    with pytest.raises(JervisError, match=r"only one actor \('Militia X'\) initiates events"):
        screen(db=db)
