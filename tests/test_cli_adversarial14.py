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


# ---- dyad rules that DuckDB could not run ------------------------------------------------------------
@pytest.mark.parametrize(
    "side_a, named",
    [
        ('actors = ["Mil\\u0000itia"]', "sides.A.actors"),
        ('cameo_prefix = ["\\u0000"]', "sides.A.cameo_prefix"),
        ('actor_regex = ["a\\u0000"]', "sides.A.actor_regex"),
        ('column = {actor_side = ["a\\u0000"]}', "sides.A.column"),
        ('actors = ["Militia"]\n[filters]\nsource_dataset = ["x\\u0000"]', "filters.source_dataset"),
    ],
)
def test_a_nul_in_a_dyad_rule_is_named(capsys, tmp_path, small_store, side_a, named):
    """A NUL character in a dyad's rules was a DuckDB ParserException traceback in `jervis dyad
    check` and `jervis analyze` (Ibis inlines the literal; DuckDB's parser stops at the NUL), and
    the web app saved such a dyad whose pages then all failed with 500."""
    dyad = _dyad(tmp_path, side_a)
    for args in (["dyad", "check", dyad], ["analyze", "--dyad", dyad]):
        code, _, err = cli(capsys, *args, "--db", str(small_store))
        line = one_line_error(code, err)
        assert "NUL" in line and named in line and "d.toml" in line, line


@pytest.mark.parametrize(
    "column, value",
    [("date", "x"), ("date", "2020-02-30"), ("latitude", "north"), ("killed", "many"), ("geo_precision", "1.5x")],
)
def test_a_side_column_value_of_the_wrong_type_is_named(capsys, tmp_path, small_store, column, value):
    """`column = {date = ["x"]}` was a DuckDB ConversionException traceback in `jervis dyad
    check`, `analyze` and `screen --dyad` ('invalid date field format')."""
    dyad = _dyad(tmp_path, f'column = {{{column} = ["{value}"]}}')
    for args in (["dyad", "check", dyad], ["analyze", "--dyad", dyad], ["screen", "--dyad", dyad]):
        code, _, err = cli(capsys, *args, "--db", str(small_store))
        line = one_line_error(code, err)
        assert f"sides.A.column.{column}" in line and repr(value) in line, line


def test_side_column_values_of_the_columns_type_still_work(capsys, tmp_path, small_store):
    dyad = _dyad(tmp_path, 'column = {date = ["2007-05-05"]}')
    code, out, err = cli(capsys, "dyad", "check", dyad, "--db", str(small_store))
    assert code == 0, err


# ---- jervis extract on files that are not text --------------------------------------------------------
@pytest.mark.parametrize(
    "name, head, says",
    [
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        ("story.docx", b"PK\x03\x04\x14\x00\x06\x00", "a zip archive"),
        ("news.txt.gz", b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip-compressed"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "an image"),
        ("blob.html", b"\x00\x01\x02\x03\xfe\xfd", "binary data"),
    ],
)
def test_extract_on_a_binary_file_names_it(capsys, tmp_path, name, head, says):
    """A PDF, a .docx, a gzip file or an image was decoded as text with replacement characters
    and reported as 'language found Romanian (ro), not English: no events extracted', exit 0."""
    import random

    noise = bytes(random.Random(name).randrange(256) for _ in range(3000))
    path = tmp_path / name
    path.write_bytes(head + noise)
    good = tmp_path / "good.txt"
    good.write_text("Rockets killed 2 US soldiers at Camp Taji on March 11, 2020.")
    code, out, err = cli(capsys, "extract", str(path), str(good), "--published", "2020-03-12")
    assert code == 2 and "Traceback" not in err, err
    assert f"error: {path}: is {says}" in err and "Romanian" not in err, err
    assert out.count("\n") == 1  # the good file's event is still extracted
    from jervis.text.inputs import read_documents

    with pytest.raises(JervisError, match=says):  # the API without on_error raises
        read_documents([path])


@pytest.mark.parametrize("content", [b"", b"  \n\t\n"])
def test_extract_on_an_empty_file_says_so(capsys, tmp_path, content):
    """An empty file was exit 0 and not a word: the user could not tell it from an article
    without events."""
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    code, _, err = cli(capsys, "extract", str(path))
    assert code == 2 and f"error: {path}: the file holds no text" in err, err


def test_extract_reads_utf16_text_with_its_byte_order_mark(capsys, tmp_path):
    """A UTF-16 article (Windows Notepad's 'Unicode') was decoded as UTF-8: every other
    character a NUL, no events, exit 0 and not a word."""
    path = tmp_path / "story.txt"
    path.write_text("Rockets killed 2 US soldiers at Camp Taji on March 11, 2020.", encoding="utf-16")
    code, out, err = cli(capsys, "extract", str(path), "--published", "2020-03-12")
    assert code == 0 and out.count("\n") == 1 and "Camp Taji" in out, err


# ---- day-valued settings past any dataset ------------------------------------------------------------
@pytest.mark.parametrize("key", ["max_lag_days", "lag_selection", "horizon_days", "level_days", "episode_gap_days"])
def test_a_day_setting_past_a_hundred_years_is_one_line(capsys, tmp_path, small_store, key):
    """`max_lag_days = 99999999999999999999` (or lag_selection) ran `for lag in range(1,
    max_lag + 1)` in the regression: an analysis that never ended, on the command line and in the
    web app's worker (whose queue it then held); others were 'numerical failure' verdicts."""
    dyad = _dyad(tmp_path, 'actor_regex = ["Militia"]', f"[analysis]\n{key} = 99999999999999999999\n")
    code, _, err = cli(capsys, "analyze", "--dyad", dyad, "--db", str(small_store))
    line = one_line_error(code, err)
    assert key in line and "36,500" in line, line
    from jervis.analysis.settings import check_settings

    assert check_settings({key: 36_500}) == {key: 36_500}


# ---- the Python API with arguments of the wrong type -------------------------------------------------
@pytest.mark.parametrize("bad", [5, 2.5, ["j.duckdb"], b"j.duckdb"])
def test_a_db_that_is_no_path_is_named(tmp_path, small_store, bad):
    """events(db=5) was AttributeError ('int' object has no attribute 'list_tables'),
    analyze(dyad, db=5) a TypeError from pathlib, dyad_events(db=[]) another AttributeError."""
    dyad = _dyad(tmp_path, 'actor_regex = ["Militia"]')
    for call in (lambda: jervis.events(db=bad), lambda: jervis.dyad_events(dyad, db=bad),
                 lambda: jervis.analyze(dyad, db=bad)):  # fmt: skip
        with pytest.raises(JervisError, match="db must be"):
            call()


@pytest.mark.parametrize("bad", [None, 5, b"Rockets hit the base on Monday, killing two soldiers."])
def test_extract_text_takes_text_only(bad):
    """extract_text(None) and extract_text(5) returned [] (no events, no word), and bytes were
    read as if text: a caller's bug looked like an article without events."""
    with pytest.raises(JervisError, match="text must be a str"):
        jervis.extract_text(bad)


def test_extract_paths_of_the_wrong_type_are_named():
    with pytest.raises(JervisError, match="paths"):  # was TypeError: 'int' object is not iterable
        jervis.extract(5)


def test_analyze_methods_of_the_wrong_type_are_named(tmp_path, small_store):
    dyad = _dyad(tmp_path, 'actor_regex = ["Militia"]')
    with pytest.raises(JervisError, match="methods"):  # was TypeError: 'int' object is not iterable
        jervis.analyze(dyad, db=small_store, methods=5)


def test_ingest_mapping_and_report_out_of_the_wrong_type_are_named(tmp_path, small_store):
    """ingest(mapping=5) and report(out=5) were TypeErrors from pathlib."""
    rows = tmp_path / "more.csv"
    rows.write_text(ROWS)
    with pytest.raises(JervisError, match="mapping must be"):
        jervis.ingest([rows], db=small_store, mapping=5)
    with pytest.raises(JervisError, match="out must be"):
        jervis.report(_dyad(tmp_path, 'actor_regex = ["Militia"]'), db=small_store, out=5, verdict="v.json")


# ---- TOML files saved with a byte-order mark -------------------------------------------------------
def test_toml_files_saved_with_a_byte_order_mark_are_read(capsys, tmp_path, small_store):
    """Windows Notepad saves UTF-8 with a byte-order mark: a dyad, mapping, actor dictionary or
    dedup config so saved was 'not valid TOML (Invalid statement (at line 1, column 1))'."""
    from importlib import resources

    from jervis.dedup.config import DedupConfig
    from jervis.store.actors import ActorDictionary

    bom = "\ufeff"
    dyad = tmp_path / "bom.toml"
    dyad.write_text(bom + 'name = "d"\n[sides.A]\nactor_regex = ["Militia"]\n[sides.B]\nactors = ["Army"]\n', encoding="utf-8")
    code, out, err = cli(capsys, "dyad", "check", str(dyad), "--db", str(small_store))
    assert code == 0, err
    mapping = tmp_path / "map.toml"
    mapping.write_text(bom + '[columns]\ndate = "day"\nevent = "what"\n', encoding="utf-8")
    rows = tmp_path / "other.csv"
    rows.write_text("day,what\n2020-01-01,ASSAULT\n")
    code, out, err = cli(capsys, "ingest", str(rows), "--mapping", str(mapping), "--db", str(small_store))
    assert code == 0 and "stored 1" in out, err
    actors = tmp_path / "actors.toml"
    actors.write_text(bom + '[[actor]]\nname = "Foo"\naliases = ["the boys"]\n', encoding="utf-8")
    assert ActorDictionary.load(actors).lookup("the boys") is not None
    shipped = (resources.files("jervis") / "data" / "dedup.toml").read_text("utf-8")
    config = tmp_path / "dedup.toml"
    config.write_text(bom + shipped, encoding="utf-8")
    assert DedupConfig.load(config).threshold == DedupConfig.load().threshold


@pytest.mark.parametrize(
    "kwargs, named",
    [({"top": "x"}, "top"), ({"top": 2.5}, "top"), ({"jobs": "x"}, "jobs"), ({"jobs": 0}, "jobs"),
     ({"dyads": 5}, "dyads"), ({"country": 5}, "filter"), ({"events": 5}, "filter")],
)  # fmt: skip
def test_screen_arguments_of_the_wrong_type_are_named(small_store, kwargs, named):
    """screen(top="x") and (jobs="x") were TypeErrors ('<' not supported), top=2.5 a DuckDB
    InvalidInputException, dyads=5 and country=5 TypeErrors ('int' object is not iterable)."""
    with pytest.raises(JervisError, match=named):
        jervis.screen(db=small_store, **kwargs)


def test_validate_and_deduplicate_arguments_are_checked():
    """validate(runs="x") was a TypeError, validate(runs=0) a study of nothing (the command
    refuses both), deduplicate(config=5) a TypeError from pathlib."""
    for kwargs, named in (({"runs": "x"}, "runs"), ({"runs": 0}, "runs"), ({"runs": 1, "n_days": 1}, "n_days"),
                          ({"runs": 1, "seed": -1}, "seed"), ({"runs": 10**6}, "runs")):  # fmt: skip
        with pytest.raises(JervisError, match=named):
            jervis.validate(**kwargs)
    from jervis.dedup.config import DedupConfig

    with pytest.raises(JervisError, match="config must be"):
        DedupConfig.load(5)


# ---- --db naming a lake's catalogue -------------------------------------------------------------------
def test_a_lakes_catalogue_is_not_taken_for_a_store(capsys, tmp_path):
    """`jervis ingest x.csv --db LAKE/_catalog.duckdb` said 'stored 2' and put the rows in the
    catalogue's empty events table, which no read of the lake looks at: `jervis events --lake
    LAKE` never showed them, and the catalogue's provenance no longer matched the lake."""
    lake = tmp_path / "lake"
    rows = tmp_path / "rows.csv"
    rows.write_text(ROWS)
    assert cli(capsys, "ingest", str(rows), "--lake", str(lake))[0] == 0
    catalogue = lake / "_catalog.duckdb"
    before = catalogue.read_bytes()
    more = tmp_path / "more.csv"
    more.write_text("date,event\n2021-01-01,ASSAULT\n")
    for args in (["ingest", str(more), "--db", str(catalogue)], ["events", "--db", str(catalogue)],
                 ["analyze", "--dyad", _dyad(tmp_path, 'actor_regex = ["Militia"]'), "--db", str(catalogue)]):  # fmt: skip
        code, _, err = cli(capsys, *args)
        assert "--lake" in one_line_error(code, err), args
    assert catalogue.read_bytes() == before
    with pytest.raises(JervisError, match="--lake"):
        jervis.events(db=catalogue)
    assert len(jervis.events(db=jervis.store.engine.make_engine(lake=lake))) == 2
