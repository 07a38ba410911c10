"""Adversarial round 10 on `jervis screen`. Each failed before its fix: --top past 2**63 was a
DuckDB traceback."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_cli_errors import cli

import jervis

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def iraq(tmp_path_factory):
    db = tmp_path_factory.mktemp("screen-adv10") / "iraq.duckdb"
    jervis.ingest(FIXTURES / "ucdp-ged" / "conflict_data_irq.csv", db=db)
    return db


@settings(max_examples=4, deadline=None)
@given(top=st.integers(2**63, 2**90))
def test_a_huge_top_screens_every_actor(iraq, top):
    from jervis.analysis.screen.screening import screen

    every = screen(iraq, top=top, start="2006-01-01", end="2006-03-31", jobs=1)
    assert every["pairs"] >= 1  # was ConversionException: INT128 ... out of range for INT64


def test_a_huge_top_on_the_command_line(capsys, iraq):
    code, out, err = cli(capsys, "screen", "--db", str(iraq), "--top", "99999999999999999999999",
                         "--start", "2006-01-01", "--end", "2006-03-31", "--jobs", "1")
    assert code == 0 and "Traceback" not in err, err
