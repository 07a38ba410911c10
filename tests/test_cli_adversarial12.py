"""Adversarial round 12 on the CLI. Each test failed before its fix."""

from __future__ import annotations

import pytest
from tests.test_cli_errors import cli, one_line_error


# ---- an over-long line read through a codec: characters, not bytes --------------------------------
@pytest.mark.parametrize(
    "encoding, unit",
    # (a delimited file read as UTF-8 is decoded as utf-8-sig before it is split: characters too)
    [("utf-8", "characters"), ("cp1252", "bytes"), ("utf-16", "characters"), ("utf-32", "characters")],
)
def test_an_overlong_lines_reason_names_the_unit_it_counted(tmp_path, monkeypatch, encoding, unit):
    """A UTF-16 file's lines are split after decoding: the length and the limit counted characters
    while the reason said 'line of 10,020 bytes' (the line has 20,040 bytes)."""
    import duckdb

    import jervis

    monkeypatch.setenv("JERVIS_MAX_LINE_BYTES", "4096")
    path = tmp_path / "long.csv"
    line = "2020-01-02,ASSAULT," + "\u00e9" * 10_000  # two bytes each in UTF-8, one in cp1252
    text = "date,event,evidence\n2020-01-01,ASSAULT,x\n" + line + "\n"
    path.write_bytes(text.encode(encoding))
    mapping = tmp_path / "map.toml"
    mapping.write_text(f'[read]\nencoding = "{encoding}"\n[columns]\ndate = "date"\nevent = "event"\n'
                       'evidence = "evidence"\n')  # fmt: skip
    db = tmp_path / "j.duckdb"
    counts = jervis.ingest([path], db=db, mapping=mapping)
    assert (counts["stored"], counts["quarantined"]) == (1, 1)
    (reason,) = duckdb.connect(str(db), read_only=True).execute("SELECT reason FROM quarantine").fetchone()
    length = len(line) + 1 if unit == "characters" else len((line + "\n").encode(encoding))
    assert f"line of {length:,} {unit} is longer than the limit of 4,096 {unit}" in reason, reason


def test_an_overlong_header_read_through_a_codec_counts_characters(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JERVIS_MAX_LINE_BYTES", "4096")
    path = tmp_path / "long.csv"
    path.write_bytes(("date,event," + "e" * 5000 + "\n2020-01-01,ASSAULT,x\n").encode("utf-16"))
    mapping = tmp_path / "map.toml"
    mapping.write_text('[read]\nencoding = "utf-16"\n[columns]\ndate = "date"\nevent = "event"\n')
    code, _, err = cli(capsys, "ingest", str(path), "--mapping", str(mapping), "--db", str(tmp_path / "j.duckdb"))
    line = one_line_error(code, err)
    assert "characters is longer than the limit of 4,096 characters" in line and "bytes" not in line, line


# ---- out of memory: a hint that fits the command --------------------------------------------------
def test_out_of_memory_in_validate_does_not_ask_for_a_smaller_file(capsys, monkeypatch):
    from jervis.analysis.validation import study

    def exhausted(**_):
        raise MemoryError

    monkeypatch.setattr(study, "validate", exhausted)
    code, _, err = cli(capsys, "validate", "--runs", "1", "--scenarios", "none")
    line = one_line_error(code, err)
    assert "out of memory" in line and "file" not in line and "--runs" in line, line


def test_out_of_memory_in_ingest_still_asks_for_a_smaller_file(capsys, monkeypatch, tmp_path):
    import jervis.store.ingest as ingest_module

    def exhausted(*_, **__):
        raise MemoryError

    rows = tmp_path / "rows.csv"
    rows.write_text("date,event,country\n2020-01-01,ASSAULT,IRQ\n")
    monkeypatch.setattr(ingest_module, "detect_reader", exhausted)
    code, _, err = cli(capsys, "ingest", str(rows), "--db", str(tmp_path / "j.duckdb"))
    assert "smaller file" in one_line_error(code, err)


# ---- validate --runs past what the simulation takes -----------------------------------------------
@pytest.mark.parametrize("extra", [[], ["--spatial"]])
def test_validate_runs_out_of_range_is_a_usage_error(capsys, extra):
    """Was a ValueError traceback from NumPy ('Maximum allowed dimension exceeded')."""
    code, _, err = cli(capsys, "validate", *extra, "--days", "14", "--runs", "99999999999999999999")
    assert "--runs" in one_line_error(code, err)


def test_validate_help_states_the_runs_bound(capsys):
    code, out, _ = cli(capsys, "validate", "--help")
    (runs,) = [line for line in out.splitlines() if "--runs" in line]
    assert code == 0 and "10000" in runs.replace(",", "").replace("_", ""), out


# ---- events --out FILE: the format from the extension ---------------------------------------------
@pytest.fixture
def small_store(tmp_path, capsys):
    rows = tmp_path / "rows.csv"
    rows.write_text("date,event,country\n2020-01-01,ASSAULT,IRQ\n2020-01-02,ASSAULT,SYR\n")
    db = tmp_path / "j.duckdb"
    assert cli(capsys, "ingest", str(rows), "--db", str(db))[0] == 0
    return db


@pytest.mark.parametrize("name", ["x.csv", "x.json", "x.jsonl", "x.parquet", "X.PARQUET"])
def test_events_out_goes_by_the_extension(small_store, tmp_path, capsys, name):
    import json

    import pandas as pd

    out = tmp_path / name
    code, _, err = cli(capsys, "events", "--db", str(small_store), "--out", str(out))
    assert code == 0, err
    suffix = out.suffix.lower()
    if suffix == ".parquet":
        frame = pd.read_parquet(out)
    elif suffix == ".csv":
        frame = pd.read_csv(out)
    else:
        frame = pd.DataFrame([json.loads(line) for line in out.read_text().splitlines()])
    assert sorted(frame["country"]) == ["IRQ", "SYR"]


@pytest.mark.parametrize("name", ["x.txt", "x"])
def test_events_out_with_an_unknown_extension_is_one_line(small_store, tmp_path, capsys, name):
    code, _, err = cli(capsys, "events", "--db", str(small_store), "--out", str(tmp_path / name))
    line = one_line_error(code, err)
    assert "--format" in line and ".parquet" in line, line
    assert not (tmp_path / name).exists()


def test_events_format_given_wins_over_the_extension(small_store, tmp_path, capsys):
    out = tmp_path / "x.txt"
    code, _, err = cli(capsys, "events", "--db", str(small_store), "--format", "csv", "--out", str(out))
    assert code == 0, err
    assert out.read_text().startswith("event_id") or "country" in out.read_text().splitlines()[0]


def test_events_format_table_with_out_says_why(small_store, tmp_path, capsys):
    """Asked to 'pass --format too' when --format table was passed."""
    out = tmp_path / "x.csv"
    code, _, err = cli(capsys, "events", "--db", str(small_store), "--format", "table", "--out", str(out))
    line = one_line_error(code, err)
    assert "--format table" in line and "pass --format too" not in line and not out.exists(), line


def test_hawkes_validate_runs_out_of_range_is_a_usage_error(capsys):
    """Unbounded, a huge --runs ran on silently for minutes; now a usage error naming --runs."""
    code, _, err = cli(capsys, "hawkes", "--validate", "--runs", "99999999999999999999")
    assert "--runs" in one_line_error(code, err)
