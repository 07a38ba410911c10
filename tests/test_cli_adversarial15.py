"""Adversarial round 15 on the CLI and the Python API, on a real ACLED fixture (16 rows, one
quarantined). Each test failed before its fix."""

from __future__ import annotations

import json
import socket
import zipfile
from pathlib import Path

import pytest
from tests.test_cli_errors import cli, one_line_error

import jervis
from jervis.errors import JervisError

ACLED = Path(__file__).parent / "fixtures" / "acled" / "acled_iraq_2020-03.csv"


@pytest.fixture
def acled_store(tmp_path):
    db = tmp_path / "j.duckdb"
    counts = jervis.ingest([ACLED], db=db)
    assert (counts["stored"], counts["quarantined"]) == (15, 1)
    return db


# ---- jervis serve --db LAKE/_catalog.duckdb -----------------------------------------------------
def test_serve_refuses_a_lakes_catalogue(capsys, tmp_path):
    """`jervis serve --db LAKE/_catalog.duckdb` started a server on the catalogue's empty events
    table (ingest, events and analyze already refused it with a hint to use --lake)."""
    lake = tmp_path / "lake"
    assert cli(capsys, "ingest", str(ACLED), "--lake", str(lake))[0] == 0
    catalogue = lake / "_catalog.duckdb"
    before = catalogue.read_bytes()
    with socket.socket() as busy:  # were it not refused, the start would fail here, not serve
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        code, _, err = cli(capsys, "serve", "--db", str(catalogue), "--port", port)
    assert "--lake" in one_line_error(code, err)
    assert catalogue.read_bytes() == before and not (lake / "_catalog.web").exists()
    from jervis.web.settings import Settings

    with pytest.raises(JervisError, match="lake's catalogue"):
        Settings(db=catalogue).check()


# ---- --format jsonl ------------------------------------------------------------------------------
def test_events_format_jsonl_is_json_lines(capsys, tmp_path, acled_store):
    """`jervis events --format jsonl` was 'unknown --format', while `--out x.jsonl`, the web
    export (?format=jsonl) and `jervis extract --format jsonl` all say jsonl."""
    code, out, err = cli(capsys, "events", "--db", str(acled_store), "--format", "jsonl")
    assert code == 0, err
    code, as_json, _ = cli(capsys, "events", "--db", str(acled_store), "--format", "json")
    assert out == as_json and len([json.loads(line) for line in out.splitlines()]) == 15
    written = tmp_path / "x.jsonl"
    assert cli(capsys, "events", "--db", str(acled_store), "--out", str(written))[0] == 0
    forced = tmp_path / "y.txt"
    assert cli(capsys, "events", "--db", str(acled_store), "--format", "jsonl", "--out", str(forced))[0] == 0
    assert forced.read_text() == written.read_text() == out
    code, out, err = cli(capsys, "quarantine", "--db", str(acled_store), "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 1 and json.loads(out)["line"], err


# ---- an empty --file -----------------------------------------------------------------------------
def test_quarantine_empty_file_is_one_line(capsys, acled_store):
    """`jervis quarantine --file ''` printed 'Quarantine (0 shown)', exit 0: no stored file has an
    empty name. Other empty options (--country '', --event '', --start '') are one-line errors."""
    code, _, err = cli(capsys, "quarantine", "--db", str(acled_store), "--file", "")
    assert "--file" in one_line_error(code, err)
    code, out, _ = cli(capsys, "quarantine", "--db", str(acled_store), "--file", ACLED.name, "--format", "json")
    assert code == 0 and len(out.splitlines()) == 1


# ---- an empty --lookup ---------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["", "   "])
def test_actors_lookup_empty_is_one_line(capsys, value):
    """`jervis actors --lookup ''` printed ': not in the actor dictionary', exit 0."""
    code, _, err = cli(capsys, "actors", "--lookup", value)
    assert "--lookup" in one_line_error(code, err)
    code, _, err = cli(capsys, "actors", "--lookup", value, "--json")
    assert "--lookup" in one_line_error(code, err)


# ---- a zip holding only a zip --------------------------------------------------------------------
def _nested(tmp_path: Path, *inner_names: str) -> Path:
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.write(ACLED, ACLED.name)
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        for name in inner_names:
            zf.write(inner, name)
    return outer


@pytest.mark.parametrize("names", [("inner.zip",), ("inner.zip", "more/b.zip")])
def test_a_zip_of_zips_names_the_inner_archive(capsys, tmp_path, names):
    """`jervis ingest outer.zip` (its one member inner.zip) said 'outer.zip: cannot tell the
    format of this file'; with two zips inside, 'holds no file to read'."""
    outer = _nested(tmp_path, *names)
    code, _, err = cli(capsys, "ingest", str(outer), "--db", str(tmp_path / "j.duckdb"))
    line = one_line_error(code, err)
    assert all(name in line for name in names) and "archive inside an archive" in line, line
    folder = tmp_path / "folder"
    folder.mkdir()
    outer.rename(folder / "outer.zip")
    code, _, err = cli(capsys, "ingest", str(folder), "--db", str(tmp_path / "j.duckdb"))
    assert f"outer.zip/{names[0]}: an archive inside an archive is not read" in err, err
