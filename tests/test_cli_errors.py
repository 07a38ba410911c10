"""Issue 9: every error a user can cause is one line on stderr, exit 2, no traceback
(items 13, 14, 23, 24 and the quarantine view). The CLI runs in-process here (fast); a crash
would fail the test with its traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jervis.cli import main

UKR = "ucdp-ged/conflict_data_ukr.csv"


def cli(capsys, *args: str) -> tuple[int, str, str]:
    old = sys.argv
    sys.argv = ["jervis", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = old
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code: int, err: str) -> str:
    assert code == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def store(fixtures, tmp_path) -> Path:
    import jervis

    db = tmp_path / "j.duckdb"
    jervis.ingest([fixtures / UKR], db=db)
    return db


# 13 --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["ingest"], "Missing argument 'PATHS'|Missing argument 'paths'"),
        (["ingest", "x.csv", "--bogus"], "No such option: --bogus"),
        (["events", "--limit", "abc"], "Invalid value for '--limit'"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["analyze"], "Missing option '--dyad'"),
        (["dyad", "check"], "Missing argument"),
    ],
)
def test_item13_usage_errors_are_one_line_exit_2(capsys, args, expected):
    import re

    code, _, err = cli(capsys, *args)
    assert re.search(expected, one_line_error(code, err))


# 14 --------------------------------------------------------------------------------------------
def test_item14_bad_dates_and_limits(capsys, store):
    for args, expected in (
        (["--start", "2014-13-01"], "--start '2014-13-01' is not a date in YYYY-MM-DD form"),
        (["--end", "yesterday"], "--end 'yesterday' is not a date"),
        (["--limit", "-1"], "Input should be greater than or equal to 0"),
    ):
        code, _, err = cli(capsys, "events", "--db", str(store), *args)
        assert expected in one_line_error(code, err)
    code, out, _ = cli(capsys, "events", "--db", str(store), "--limit", "0", "--format", "json")
    assert code == 0 and out.strip() == ""


def test_item14_out_paths(capsys, store, tmp_path, monkeypatch):
    for out, expected in (
        (tmp_path, "is a folder; --out needs a file name"),
        (tmp_path / "no" / "such" / "e.csv", "the folder does not exist"),
    ):
        for fmt in ("csv", "parquet"):
            code, _, err = cli(capsys, "events", "--db", str(store), "--format", fmt, "--out", str(out))
            assert expected in one_line_error(code, err), (fmt, err)

    def full(*_args, **_kw):  # a full disk (never /dev/full: pandas removes a file it failed to write)
        raise OSError(28, "No space left on device")

    import pandas as pd

    monkeypatch.setattr(Path, "write_text", full)
    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    for fmt in ("csv", "parquet"):
        code, _, err = cli(capsys, "events", "--db", str(store), "--format", fmt, "--out", str(tmp_path / "e.out"))
        assert "cannot write (No space left on device)" in one_line_error(code, err), (fmt, err)


def test_item14_db_that_is_not_a_store(capsys, fixtures, tmp_path):
    code, _, err = cli(capsys, "ingest", str(fixtures / UKR), "--db", str(fixtures / UKR))
    assert "is not a DuckDB database" in one_line_error(code, err)
    import duckdb

    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    code, _, err = cli(capsys, "events", "--db", str(other))
    assert "not a jervis store" in one_line_error(code, err)


def test_item14_bad_mapping_types_on_the_cli(capsys, fixtures, tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\ndate = "d"\n[read]\ndayfirst = "no"\n')
    code, _, err = cli(capsys, "ingest", str(fixtures / UKR), "--mapping", str(mapping), "--db", str(tmp_path / "j.duckdb"))
    assert "read.dayfirst" in one_line_error(code, err)


# 24 --------------------------------------------------------------------------------------------
def test_item24_country_names_on_the_command_line(capsys, store):
    code, out, _ = cli(capsys, "events", "--db", str(store), "--country", "Ukraine", "--format", "json", "--limit", "2")
    assert code == 0 and len(out.splitlines()) == 2
    code, _, err = cli(capsys, "events", "--db", str(store), "--country", "Atlantis")
    assert "'Atlantis' is not an ISO 3166 code or a country name" in one_line_error(code, err)


def test_item24_published_must_be_iso(capsys, fixtures):
    article = fixtures / "seed-article/rockets-slam-us-base.txt"
    code, _, err = cli(capsys, "extract", str(article), "--published", "01/12/2023")
    assert "--published '01/12/2023' is not a date in YYYY-MM-DD form" in one_line_error(code, err)


# the quarantine view ---------------------------------------------------------------------------
def test_quarantine_view_shows_file_line_reason_and_excerpt(capsys, tmp_path, monkeypatch):
    from jervis import cli as cli_module

    monkeypatch.setattr(cli_module.console, "_width", 200)
    monkeypatch.chdir(tmp_path)  # files are shown relative to the working folder
    path = tmp_path / "bad.csv"
    path.write_text("date,event,actor,location\n2020-13-45,ASSAULT,Red Army,Somewhere far away\n")
    db = tmp_path / "j.duckdb"
    assert cli(capsys, "ingest", str(path), "--db", str(db), "--json")[0] == 0
    code, out, _ = cli(capsys, "quarantine", "--db", str(db))
    assert code == 0
    assert "bad.csv" in out and "bad date '2020-13-45'" in out
    assert "date=2020-13-45 | event=ASSAULT | actor=Red Army" in out
    assert '{"date"' not in out  # no JSON blob in the table
    code, out, _ = cli(capsys, "quarantine", "--db", str(db), "--format", "json")
    row = json.loads(out.splitlines()[0])
    assert row["line"] == 2 and json.loads(row["raw"])["location"] == "Somewhere far away"
    code, out, _ = cli(capsys, "quarantine", "--db", str(db), "--full")
    assert '"location": "Somewhere far away"' in " ".join(out.split()) or "Somewhere far away" in out


def test_skipped_files_are_said_in_json_and_on_stderr(capsys, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello\n")
    (folder / "e.csv").write_text("date,event\n2020-01-01,ASSAULT\n")
    code, out, err = cli(capsys, "ingest", str(folder), "--db", str(tmp_path / "j.duckdb"), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["stored"] == 1 and data["skipped"][0]["file"].endswith("notes.txt")
    assert "skipped" in err and "notes.txt" in err


# progress (item 23's demo part is checked in tests/test_readme.py) --------------------------------------------------------------------------------------------
def test_ingest_shows_progress_on_a_terminal(fixtures, tmp_path):
    env = {**os.environ, "TTY_COMPATIBLE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "jervis", "ingest", str(fixtures / UKR), "--db", str(tmp_path / "j.duckdb")],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "conflict_data_ukr.csv" in result.stderr and "rows" in result.stderr
