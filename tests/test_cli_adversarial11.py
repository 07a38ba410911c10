"""Adversarial round 11 on the CLI and the Python API. Each test failed before its fix."""

from __future__ import annotations

import pytest
from tests.test_cli_errors import cli, one_line_error

from jervis.errors import JervisError
from jervis.store.actors import ActorDictionary

# ---- user actor dictionaries of the wrong shape -------------------------------------------------
# Each was a traceback at the first lookup (TypeError, AttributeError) or, worse, silently read
# a string as a list of its characters: aliases = "the boys" made 't', 'h', 'e', ... aliases.
_BAD_DICTIONARIES = {
    'actor = 3\n': "'actor' must be an array of tables",
    'actor = [1, 2]\n': "entry 1 must be a table",
    '[[actor]]\nname = 5\n': "entry 1: 'name' must be a non-empty string",
    '[[actor]]\nname = "  "\n': "entry 1: 'name' must be a non-empty string",
    '[[actor]]\nname = "Foo"\naliases = "the boys"\n': "actor 'Foo': 'aliases' must be a list of strings",
    '[[actor]]\nname = "Foo"\naliases = ["a", 3]\n': "actor 'Foo': 'aliases' must be a list of strings",
    '[[actor]]\nname = "Foo"\nside = ["x"]\n': "actor 'Foo': 'side' must be a string",
    '[[actor]]\nname = "Foo"\nkind = 1\n': "actor 'Foo': 'kind' must be a string",
    '[[actor]]\nname = "Foo"\nscoped = [{alias = "the boys", countries = ["IRQ"], from = "2003"}]\n':
        "actor 'Foo': scoped alias 'the boys': 'from' must be a year",
    '[[actor]]\nname = "Foo"\nscoped = [{alias = "the boys", countries = "IRQ"}]\n':
        "actor 'Foo': scoped alias 'the boys': 'countries' must be a list of ISO 3166 alpha-3 codes",
    '[[actor]]\nname = "Foo"\nscoped = [{alias = "the boys", countries = ["Iraq"]}]\n':
        "actor 'Foo': scoped alias 'the boys': 'countries' must be a list of ISO 3166 alpha-3 codes",
    '[[actor]]\nname = "Foo"\nscoped = [{alias = 7, countries = ["IRQ"]}]\n':
        "actor 'Foo': 'scoped' must be a list of tables with an alias",
    '[[actor]]\nname = "Foo"\nscoped = [{alias = "x", countries = ["IRQ"], from = 2020, to = 2010}]\n':
        "actor 'Foo': scoped alias 'x': 'from' 2020 is after 'to' 2010",
}  # fmt: skip


@pytest.mark.parametrize("text", sorted(_BAD_DICTIONARIES))
def test_a_user_dictionary_of_the_wrong_shape_is_one_line(tmp_path, text):
    path = tmp_path / f"bad{abs(hash(text))}.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(JervisError) as caught:
        ActorDictionary.load(path).lookup("the boys", country="IRQ", year=2020)
    assert _BAD_DICTIONARIES[text] in str(caught.value) and str(path) in str(caught.value)


def test_a_bad_dictionary_at_ingest_is_one_line_exit_2(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[actor]]\nname = "Foo"\nscoped = [{alias = "the boys", countries = ["IRQ"], from = "2003"}]\n')
    rows = tmp_path / "rows.csv"
    rows.write_text("date,event,actor,country\n2020-01-01,ASSAULT,the boys,IRQ\n")
    code, _, err = cli(capsys, "ingest", str(rows), "--db", str(tmp_path / "j.duckdb"), "--actors", str(bad))
    assert "bad.toml" in one_line_error(code, err)
    code, _, err = cli(capsys, "actors", "--actors", str(bad), "--lookup", "the boys")
    assert "'from' must be a year" in one_line_error(code, err)


# ---- limits past what a 64-bit integer holds ------------------------------------------------------
@pytest.mark.parametrize("command", ["events", "quarantine"])
@pytest.mark.parametrize("limit", ["9223372036854775808", "99999999999999999999"])
def test_a_limit_past_int64_shows_everything(capsys, tmp_path, fixtures, command, limit):
    """Was a DuckDB ConversionException traceback (INT128 out of range for INT64)."""
    db = tmp_path / "j.duckdb"
    rows = tmp_path / "rows.csv"
    rows.write_text("date,event,country\n2020-01-01,ASSAULT,IRQ\n2020-01-02,ASSAULT,Atlantis\n")
    assert cli(capsys, "ingest", str(rows), "--db", str(db))[0] == 0
    code, out, err = cli(capsys, command, "--db", str(db), "--limit", limit)
    assert code == 0 and "Traceback" not in err, err
    assert ("IRQ" if command == "events" else "(1 shown)") in out


def test_the_api_takes_a_huge_limit_and_offset(tmp_path):
    import jervis
    from jervis.store.inspect import quarantined

    rows = tmp_path / "rows.csv"
    rows.write_text("date,event,country\n2020-01-01,ASSAULT,IRQ\n2020-01-02,ASSAULT,Atlantis\n")
    db = tmp_path / "j.duckdb"
    jervis.ingest([rows], db=db)
    assert len(jervis.events(db=db, limit=2**70)) == 1
    assert len(jervis.events(db=db, offset=2**70)) == 0
    assert len(quarantined(db, limit=2**70)) == 1 and quarantined(db, offset=2**70) == []
    with pytest.raises(JervisError, match="limit must be a whole number"):
        quarantined(db, limit=-1)


# ---- the head of an over-long line, as the quarantine keeps it ------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_an_overlong_lines_excerpt_is_the_lines_own_text(tmp_path, monkeypatch, encoding):
    """The excerpt was re-encoded in the file's codec and read back as UTF-8: a canonical CSV's
    (read as utf-8-sig) began with a byte-order mark that is not in the file, a UTF-16 file's
    was mojibake ('\\ufffd\\ufffd2\\x000\\x00...')."""
    import json

    import duckdb

    import jervis

    monkeypatch.setenv("JERVIS_MAX_LINE_BYTES", "4096")
    path = tmp_path / "long.csv"
    text = "date,event,evidence\n2020-01-01,ASSAULT,x\n2020-01-02,ASSAULT," + "A" * 10_000 + "\n"
    path.write_bytes(text.encode(encoding))
    mapping = None
    if encoding != "utf-8":
        mapping = tmp_path / "map.toml"
        mapping.write_text(f'[read]\nencoding = "{encoding}"\n[columns]\ndate = "date"\nevent = "event"\n'
                           'evidence = "evidence"\n')  # fmt: skip
    db = tmp_path / "j.duckdb"
    counts = jervis.ingest([path], db=db, mapping=mapping)
    assert (counts["stored"], counts["quarantined"]) == (1, 1)
    (raw,) = duckdb.connect(str(db), read_only=True).execute("SELECT raw FROM quarantine").fetchone()
    excerpt = json.loads(raw)
    excerpt = excerpt[0] if isinstance(excerpt, list) else excerpt
    assert excerpt.startswith("2020-01-02,ASSAULT,AAAA"), raw[:80]


# ---- validate's numbers past what the simulation takes --------------------------------------------
@pytest.mark.parametrize(
    "args, named",
    [
        (["--seed", "-1"], "--seed"),  # ValueError: expected non-negative integer
        (["--days", "99999999999999999999"], "--days"),  # ValueError: Maximum allowed dimension exceeded
        (["--days", "100000000000"], "--days"),  # ran out of memory ('try a smaller file')
        (["--spatial", "--seed", "-5"], "--seed"),
        (["--spatial", "--days", "99999999999999999999"], "--days"),  # ValueError: high is out of bounds
        (["--spatial", "--n-x", "99999999999999999999"], "--n-x"),  # OverflowError
        (["--spatial", "--n-y", "99999999999999999999"], "--n-y"),  # ValueError: lam value too large
    ],
)
def test_validate_numbers_out_of_range_are_usage_errors(capsys, args, named):
    code, _, err = cli(capsys, "validate", "--runs", "1", *args)
    assert named in one_line_error(code, err)


# ---- hawkes and policies: numbers checked before the fit -----------------------------------------
_DYAD = "src/jervis/data/dyads/iraq-2006-2008.toml"


@pytest.mark.parametrize(
    "args, named",
    [
        (["policies", "--days", "99999999999999999999"], "days"),  # ValueError after the fit
        (["policies", "--within", "99999999999999999999"], "within"),  # ValueError after the fit
        (["policies", "--paths", "99999999999999999999"], "paths"),  # ValueError: array is too big
        (["policies", "--seed", "-1"], "seed"),  # ValueError: expected non-negative integer
        (["hawkes", "--seed", "-1"], "seed"),
    ],
)
def test_hawkes_and_policies_numbers_are_checked_first(capsys, tmp_path, args, named):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    db = tmp_path / "empty.duckdb"  # the check comes before the store is read
    rows = tmp_path / "rows.csv"
    rows.write_text("date,event\n2020-01-01,ASSAULT\n")
    assert cli(capsys, "ingest", str(rows), "--db", str(db))[0] == 0
    code, _, err = cli(capsys, *args, "--dyad", str(root / _DYAD), "--db", str(db))
    assert named in one_line_error(code, err)


@pytest.mark.parametrize("args", [["--runs", "0"], ["--runs", "-1"], ["--runs", "1", "--seed", "-1"]])
def test_hawkes_validate_needs_a_run_and_a_seed_of_zero_or_more(capsys, args):
    """--runs 0 printed a study of nothing (NaN means, RuntimeWarnings); --seed -1 a traceback."""
    code, _, err = cli(capsys, "hawkes", "--validate", *args)
    assert ("runs" if args[1] in ("0", "-1") else "seed") in one_line_error(code, err)


# ---- an export never overwrites the data it came from ---------------------------------------------
@pytest.mark.parametrize("format", ["csv", "json", "parquet"])
def test_events_out_refuses_to_overwrite_a_store(capsys, tmp_path, format):
    """`jervis events --db j.duckdb --format csv --out j.duckdb` replaced the store with its own
    export: every event, the quarantine and the provenance lost."""
    import duckdb

    db = tmp_path / "j.duckdb"
    rows = tmp_path / "rows.csv"
    rows.write_text("date,event\n2020-01-01,ASSAULT\n")
    assert cli(capsys, "ingest", str(rows), "--db", str(db))[0] == 0
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    for target in (db, other):
        code, _, err = cli(capsys, "events", "--db", str(db), "--format", format, "--out", str(target))
        assert "DuckDB database" in one_line_error(code, err)
    assert duckdb.connect(str(db), read_only=True).execute("SELECT count(*) FROM events").fetchone() == (1,)


def test_events_out_refuses_to_write_into_the_lake(capsys, tmp_path):
    """A Parquet export into the lake it read became a foreign file there, and every later read
    of the lake failed on it."""
    lake = tmp_path / "lake"
    rows = tmp_path / "rows.csv"
    rows.write_text("date,event\n2020-01-01,ASSAULT\n")
    assert cli(capsys, "ingest", str(rows), "--lake", str(lake))[0] == 0
    inside = lake / "export.parquet"
    code, _, err = cli(capsys, "events", "--lake", str(lake), "--format", "parquet", "--out", str(inside))
    assert "lake" in one_line_error(code, err) and not inside.exists()
    code, out, err = cli(capsys, "events", "--lake", str(lake), "--format", "csv")
    assert code == 0 and "2020-01-01" in out, err


def test_analyze_out_refuses_to_overwrite_the_store(capsys, tmp_path):
    """`jervis analyze --out` onto the store replaced it with the verdict JSON."""
    db = tmp_path / "j.duckdb"
    rows = tmp_path / "rows.csv"
    rows.write_text("date,event\n2020-01-01,ASSAULT\n")
    assert cli(capsys, "ingest", str(rows), "--db", str(db))[0] == 0
    from pathlib import Path

    dyad = Path(__file__).resolve().parents[1] / _DYAD
    code, _, err = cli(capsys, "analyze", "--db", str(db), "--dyad", str(dyad), "--out", str(db))
    assert "DuckDB database" in one_line_error(code, err)
    assert db.read_bytes()[8:12] == b"DUCK"


# ---- the demo replaces only its own store -------------------------------------------------------
def test_demo_does_not_delete_a_users_store(capsys, tmp_path):
    """`jervis demo --out .` deleted ./jervis.duckdb, the default store, whatever it held."""
    import duckdb

    db = tmp_path / "jervis.duckdb"
    rows = tmp_path / "rows.csv"
    rows.write_text("date,event\n2020-01-01,ASSAULT\n")
    assert cli(capsys, "ingest", str(rows), "--db", str(db))[0] == 0
    code, _, err = cli(capsys, "demo", "--out", str(tmp_path))
    assert "not a demo store" in one_line_error(code, err)
    assert duckdb.connect(str(db), read_only=True).execute("SELECT count(*) FROM events").fetchone() == (1,)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "jervis.duckdb").write_text("date,event\n")  # not a database at all
    code, _, err = cli(capsys, "demo", "--out", str(tmp_path / "other"))
    assert "not a demo store" in one_line_error(code, err)


# ---- what is not a data file ---------------------------------------------------------------------
def test_ingesting_a_store_says_it_is_a_store(capsys, tmp_path):
    """A DuckDB database named as the file to ingest was called 'UTF-16 text, not UTF-8'."""
    db = tmp_path / "j.duckdb"
    rows = tmp_path / "rows.csv"
    rows.write_text("date,event\n2020-01-01,ASSAULT\n")
    assert cli(capsys, "ingest", str(rows), "--db", str(db))[0] == 0
    code, _, err = cli(capsys, "ingest", str(db), "--db", str(tmp_path / "other.duckdb"))
    line = one_line_error(code, err)
    assert "DuckDB database" in line and "UTF-16" not in line


def test_a_pipe_is_refused_not_read_as_empty(tmp_path):
    """/dev/stdin fed by a pipe (or any named pipe) was 'the file is empty (no header line)':
    the format sniffing had read its head, and a pipe cannot be read twice."""
    import subprocess
    import sys
    from pathlib import Path

    jervis_cli = Path(sys.executable).with_name("jervis")
    done = subprocess.run([str(jervis_cli), "ingest", "/dev/stdin", "--db", str(tmp_path / "j.duckdb")],
                          input="date,event\n2020-01-01,ASSAULT\n", capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert "not a regular file" in one_line_error(done.returncode, done.stderr)


# ---- near misses of jervis's own columns ----------------------------------------------------------
@pytest.mark.parametrize(
    "text, hint",
    [
        ("DATE,Event\n2020-01-01,ASSAULT\n", "'DATE' should be 'date'"),
        ("\n\ndate,event\n2020-01-01,ASSAULT\n", "line 1 is blank"),
        ("sep=,\ndate,event\n2020-01-01,ASSAULT\n", "'sep=,' line"),
    ],
)
def test_near_misses_of_the_canonical_header_say_what_is_wrong(capsys, tmp_path, text, hint):
    """Each was 'cannot tell the format of this file; pass --format or a --mapping file'."""
    path = tmp_path / "rows.csv"
    path.write_text(text)
    code, _, err = cli(capsys, "ingest", str(path), "--db", str(tmp_path / "j.duckdb"))
    assert hint in one_line_error(code, err)


# ---- ingest_rows (the Python API the extractor and the web app store through) ------------------
def test_ingest_rows_checks_its_rows(tmp_path):
    """[] was an AttributeError traceback ('Can only use .str accessor'), a row that is not a
    dict another ('str' object has no attribute 'keys'), and a key that is no canonical column
    was dropped without a word (the row stored without it)."""
    from jervis.store.ingest import ingest_rows

    db = tmp_path / "j.duckdb"
    assert ingest_rows([], "none", db=db) == {"read": 0, "stored": 0, "quarantined": 0, "duplicates": 0,
                                              "updated": 0}  # fmt: skip
    with pytest.raises(JervisError, match="row 2 is a str, not a dict"):
        ingest_rows([{"date": "2020-01-01", "event": "ASSAULT"}, "x"], "bad", db=db)
    with pytest.raises(JervisError, match="row 1 has keys that are not canonical columns: 'nope'"):
        ingest_rows([{"date": "2020-01-01", "event": "ASSAULT", "nope": 1}], "bad", db=db)
    with pytest.raises(JervisError, match="rows must be a list"):
        ingest_rows({"date": "2020-01-01"}, "bad", db=db)  # type: ignore[arg-type]
    assert ingest_rows([{"date": "2020-01-01", "event": "ASSAULT"}], "good", db=db)["stored"] == 1


# ---- the analysis API on an events frame --------------------------------------------------------
@pytest.mark.filterwarnings("error::UserWarning")  # and no pandas "could not infer format" warning
@pytest.mark.parametrize("bad", ["x", "3000-01-01", "2020-02-30"])
def test_an_events_frame_with_a_bad_date_is_one_line(bad):
    """A date pandas cannot read was a DateParseError / OutOfBoundsDatetime traceback out of
    analyze_dyad, hawkes and policies."""
    import pandas as pd

    from jervis.analysis.api import analyze_dyad
    from jervis.analysis.hawkes.api import hawkes

    frame = pd.DataFrame({"date": [bad, None, "2020-01-01"], "side": ["A", "B", "A"]})
    for run in (analyze_dyad, hawkes):
        with pytest.raises(JervisError, match=f"row 1: date '{bad}' is not a date"):
            run(None, events=frame)


# ---- actors --lookup --country takes what events --country takes ----------------------------------
@pytest.mark.parametrize("country", ["IRQ", "irq", "Iraq"])
def test_actors_lookup_country_takes_codes_and_names(capsys, country):
    """--country Iraq or irq answered 'only in context' for an alias scoped to IRQ (events
    --country takes names and codes in any case)."""
    code, out, err = cli(capsys, "actors", "--lookup", "foreign troops", "--country", country, "--year", "2020")
    assert code == 0 and "-> US-led coalition" in out, out + err


def test_actors_lookup_unknown_country_is_one_line(capsys):
    code, _, err = cli(capsys, "actors", "--lookup", "foreign troops", "--country", "Atlantis", "--year", "2020")
    assert "Atlantis" in one_line_error(code, err)
