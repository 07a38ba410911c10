"""Adversarial round 14 on the CLI and the Python API. Each test failed before its fix."""

from __future__ import annotations

import pytest
from tests.test_cli_errors import cli, one_line_error

import jervis
from jervis.errors import JervisError

ROWS = "date,event,actor,target,country\n2007-05-05,ASSAULT,Militia,Army,IRQ\n2007-06-05,ASSAULT,Army,Militia,IRQ\n"


@pytest.fixture
def small_store(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text(ROWS)
    db = tmp_path / "j.duckdb"
    jervis.ingest([rows], db=db)
    return db


def _dyad(tmp_path, side_a: str, analysis: str = "") -> str:
    path = tmp_path / "d.toml"
    path.write_text(f'name = "d"\n[sides.A]\n{side_a}\n[sides.B]\nactors = ["Army"]\n{analysis}', encoding="utf-8")
    return str(path)


# ---- [analysis] numbers that are not finite -------------------------------------------------------
@pytest.mark.parametrize("value", ["inf", "-inf", "nan"])
def test_a_setting_that_is_not_finite_is_one_line(capsys, tmp_path, small_store, value):
    """`horizon_days = inf` (or nan) in a dyad's [analysis] was an OverflowError (ValueError)
    traceback from int(value) in the settings check."""
    dyad = _dyad(tmp_path, 'actor_regex = ["Militia"]', f"[analysis]\nhorizon_days = {value}\n")
    code, _, err = cli(capsys, "analyze", "--dyad", dyad, "--db", str(small_store))
    assert "horizon_days must be a whole number" in one_line_error(code, err)
    from jervis.analysis.settings import check_settings

    with pytest.raises(JervisError, match="seed must be a whole number"):
        check_settings({"seed": float(value)})


# ---- jervis screen --out onto the store ------------------------------------------------------------
def test_screen_out_refuses_to_overwrite_the_store(capsys, small_store):
    """`jervis screen --db j.duckdb --out j.duckdb` replaced the store with the screen's JSON:
    every event, the quarantine and the provenance lost, exit 0."""
    code, _, err = cli(capsys, "screen", "--db", str(small_store), "--out", str(small_store))
    assert "DuckDB database" in one_line_error(code, err)
    assert len(jervis.events(db=small_store)) == 2


def test_screen_out_refuses_to_write_into_the_lake(capsys, tmp_path):
    lake = tmp_path / "lake"
    rows = tmp_path / "rows.csv"
    rows.write_text(ROWS)
    assert cli(capsys, "ingest", str(rows), "--lake", str(lake))[0] == 0
    inside = lake / "screen.json"
    code, _, err = cli(capsys, "screen", "--lake", str(lake), "--out", str(inside))
    assert "lake" in one_line_error(code, err) and not inside.exists()
