"""Adversarial round 8 on the command line (in-process, like test_cli_errors.py).

Each failed before its fix; the reproduction is in the test's first lines.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.test_cli_errors import cli, one_line_error

CANONICAL = "date,event,actor,target,source_dataset\n2007-01-01,ASSAULT,Militia,Army,a\n"


@pytest.mark.skipif(os.name == "nt", reason="POSIX file names are bytes")
def test_a_file_name_that_is_not_utf8_is_ingested_and_named(capsys, tmp_path):
    path = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"caf\xe9.csv")))
    path.write_text(CANONICAL)
    db = tmp_path / "j.duckdb"
    code, out, err = cli(capsys, "ingest", str(path), "--db", str(db))
    assert code == 0 and "read 1 = stored 1" in out, err
    code, out, err = cli(capsys, "sources", "--db", str(db))
    assert code == 0, err


def test_actors_with_a_db_that_is_no_store_says_so(capsys, tmp_path):
    data = tmp_path / "events.csv"
    data.write_text(CANONICAL)
    for db in (tmp_path, data):  # a folder, a data file: were the dictionary with 0 events each
        code, _, err = cli(capsys, "actors", "--db", str(db))
        line = one_line_error(code, err)
        assert str(db) in line and "DuckDB" in line, line


def test_extract_from_an_empty_folder_says_so(capsys, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    code, _, err = cli(capsys, "extract", str(folder))  # was exit 0 and no word
    assert "the folder holds no file to read" in one_line_error(code, err)


@pytest.mark.parametrize(("option", "value", "says"), [
    ("--event", "ASSUALT", "event 'ASSUALT' is not one of the schema's events (ACCUSE, AGREE, AID, ASSAULT,"),
    ("--mode", "rockets", "mode 'rockets' is not one of the schema's modes (air_strike,"),
])  # fmt: skip
def test_a_misspelt_event_or_mode_is_an_error_not_zero_events(capsys, tmp_path, option, value, says):
    data = tmp_path / "events.csv"
    data.write_text(CANONICAL)
    db = tmp_path / "j.duckdb"
    assert cli(capsys, "ingest", str(data), "--db", str(db))[0] == 0
    code, _, err = cli(capsys, "events", "--db", str(db), option, value)  # was "0 events", exit 0
    assert says in one_line_error(code, err)
    code, out, _ = cli(capsys, "events", "--db", str(db), "--event", "assault", "--format", "json")
    assert code == 0 and len(out.splitlines()) == 1  # any case of a known type still matches


@pytest.mark.parametrize("content", [b"x", b"abc", b"x\n"])
def test_a_tiny_file_is_not_called_utf16(capsys, tmp_path, content):
    path = tmp_path / "tiny.csv"
    path.write_bytes(content)  # no NUL byte at all: was 'UTF-16 text, not UTF-8' (-be)
    code, _, err = cli(capsys, "ingest", str(path), "--db", str(tmp_path / "j.duckdb"))
    line = one_line_error(code, err)
    assert "UTF-16" not in line and "tiny.csv" in line, line


def test_extracts_own_json_lines_ingest_as_they_are(capsys, tmp_path):
    article = tmp_path / "story.txt"
    article.write_text("Rockets killed 2 US soldiers at Camp Taji on March 11, 2020.")
    code, out, err = cli(capsys, "extract", str(article), "--backend", "rules", "--published", "2020-03-12")
    assert code == 0 and out.count("\n") == 1, err
    lines = tmp_path / "events.jsonl"
    lines.write_text(out)  # `jervis extract` (default --format jsonl) > events.jsonl
    code, out, err = cli(capsys, "ingest", str(lines), "--db", str(tmp_path / "j.duckdb"))
    assert code == 0 and "read 1 = stored 1 + quarantined 0" in out, err  # was "cannot tell the format"


def test_extract_from_a_device_says_what_it_is(capsys):
    code, _, err = cli(capsys, "extract", os.devnull)  # was "/dev/null: no such file"
    assert "/dev/null: is not a regular file" in one_line_error(code, err)


def test_extract_ingest_checks_the_store_first(capsys, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, _, err = cli(capsys, "extract", str(empty), "--ingest", "--db", str(tmp_path))  # was exit 0
    assert "is a folder, not a DuckDB database" in one_line_error(code, err)
