"""Adversarial round 6 on the analysis and query commands (in-process, like test_cli_errors.py).

Each failed before its fix: Rich read square brackets in data as markup, so an actor named
``[/]`` was a MarkupError traceback in ``jervis events`` and ``[bold]x`` lost its brackets (a
file ``[x].csv`` was listed as ``.csv``); a CSV export kept cells such as ``=HYPERLINK(...)``
that a spreadsheet runs as formulas; ``--start`` after ``--end`` gave an empty answer instead of
a usage error; the ``--engine`` help lost ``[spark]`` from ``pip install 'jervis[spark]'``.
"""

from __future__ import annotations

import csv
import io

import pytest
from rich.console import Console
from tests.test_cli_errors import cli, one_line_error

import jervis
from jervis.analysis.commands import print_verdict

HOSTILE = ["[/]", "[bold red]Red", "=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(1)",
           "-2+3", "\tTAB", "plain"]  # fmt: skip


@pytest.fixture
def hostile_store(tmp_path):
    path = tmp_path / "[x].csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["date", "event", "actor", "target", "evidence", "source_id"])
        for i, text in enumerate(HOSTILE):
            writer.writerow([f"2007-01-{i + 1:02d}", "ASSAULT", text, text, text, text])
    return path, tmp_path / "h.duckdb"


def test_square_brackets_in_data_are_text_not_markup(capsys, hostile_store, monkeypatch):
    import jervis.cli as cli_module

    monkeypatch.setattr(cli_module.console, "_width", 250)  # no folding inside a name
    path, db = hostile_store
    code, out, err = cli(capsys, "ingest", str(path), "--db", str(db))
    assert code == 0 and "[x].csv" in out, (out, err)
    code, out, err = cli(capsys, "events", "--db", str(db), "--limit", "20")
    assert code == 0, err
    assert "[/]" in out and "[bold red]Red" in out
    code, out, err = cli(capsys, "actors", "--lookup", "[/]")
    assert code == 0 and "[/]" in out, err


def test_verdict_labels_are_text_not_markup():
    direction = {"from": "A", "to": "B", "verdict": "inconclusive", "effect": {}, "methods": {},
                 "summary": "[/] acted.", "robustness": {}}  # fmt: skip
    data = {"dyad": "[bold]d", "period": {"start": "2007-01-01", "end": "2007-12-31"}, "bin": "day",
            "sides": {"A": {"label": "[/]", "actions": 3}, "B": {"label": "[red]B", "actions": 4}},
            "directions": [direction, {**direction, "from": "B", "to": "A"}], "notes": ["[/x] note"]}  # fmt: skip
    console = Console(record=True, width=200)
    print_verdict(data, console=console)
    text = console.export_text()
    assert "[bold]d" in text and "[/] -> [red]B" in text and "[/x] note" in text


def test_csv_exports_neutralise_formulas_and_reimport_exactly(capsys, hostile_store, tmp_path):
    path, db = hostile_store
    jervis.ingest([path], db=db)
    out_file = tmp_path / "out.csv"
    code, _, err = cli(capsys, "events", "--db", str(db), "--format", "csv", "--out", str(out_file))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out_file.read_text())))
    for row in rows:
        for column in ("actor_raw", "evidence", "source_id"):
            assert row[column][:1] not in ("=", "+", "-", "@", "\t"), row[column]
    again = tmp_path / "again.duckdb"
    jervis.ingest([out_file], db=again)
    original = jervis.events(db=db).sort_values("date")
    copy = jervis.events(db=again).sort_values("date")
    for column in ("actor_raw", "evidence", "source_id", "event_id"):
        assert list(copy[column]) == list(original[column])
    assert '=HYPERLINK("http://x","y")' in set(copy["evidence"])


def test_start_after_end_is_a_usage_error(capsys, hostile_store):
    path, db = hostile_store
    jervis.ingest([path], db=db)
    code, _, err = cli(capsys, "events", "--db", str(db), "--start", "2008-01-01", "--end", "2007-01-01")
    assert "after" in one_line_error(code, err)


def test_engine_help_shows_the_extra(capsys):
    code, out, _ = cli(capsys, "events", "--help")
    assert "jervis[spark]" in out.replace("\n", "").replace(" ", "").replace("│", "")


def test_report_inputs_that_are_folders_are_one_line(tmp_path):
    from jervis.errors import JervisError
    from jervis.report.api import load_result, load_verdict

    with pytest.raises(JervisError, match="folder"):
        load_verdict(tmp_path)
    with pytest.raises(JervisError, match="folder"):
        load_result(tmp_path, "hawkes", {"effects"}, "d")


def test_a_wrong_bin_names_its_place_once():
    from jervis.analysis.settings import check_settings
    from jervis.errors import JervisError

    with pytest.raises(JervisError) as info:
        check_settings({"bin": "fortnight"})
    assert str(info.value).count("[analysis]") == 1, str(info.value)


def test_analyze_error_is_exactly_one_line(capsys, hostile_store):
    from pathlib import Path

    path, db = hostile_store
    jervis.ingest([path], db=db)
    dyad = Path(__file__).parents[1] / "examples" / "ab-dyad.toml"
    code, _, err = cli(capsys, "analyze", "--db", str(db), "--dyad", str(dyad), "--bin", "fortnight")
    assert code == 2 and err.startswith("error:") and err.count("\n") == 1, repr(err)


def test_report_out_and_extra_files_are_checked_before_the_analysis(tmp_path):
    """--out naming a file was a FileExistsError traceback after the whole analysis, and a bad
    --hawkes file was found only after it too."""
    from pathlib import Path

    from jervis.errors import JervisError

    dyad = Path(__file__).parents[1] / "examples" / "ab-dyad.toml"
    a_file = tmp_path / "taken.txt"
    a_file.write_text("x")
    for out in (a_file, a_file / "sub"):
        with pytest.raises(JervisError) as info:
            jervis.report(dyad, db=tmp_path / "none.duckdb", out=out, verdict=tmp_path / "no.json")
        assert "--out" in info.value.message, info.value.message
    with pytest.raises(JervisError) as info:  # no store, no verdict: the hawkes file is checked first
        jervis.report(dyad, db=tmp_path / "none.duckdb", out=tmp_path / "r", hawkes=tmp_path)
    assert info.value.message.startswith("is a folder"), info.value.message
    assert not (tmp_path / "r").exists()


def test_out_with_the_table_format_is_a_usage_error(capsys, hostile_store, tmp_path):
    """--out with the default table format wrote nothing and said nothing."""
    path, db = hostile_store
    jervis.ingest([path], db=db)
    code, _, err = cli(capsys, "events", "--db", str(db), "--out", str(tmp_path / "t.txt"))
    assert "--format" in one_line_error(code, err)


@pytest.mark.parametrize("kwargs", [{"country": [5]}, {"country": [None]}, {"actor": 5}, {"mode": [b"rocket"]}])
def test_query_filters_of_the_wrong_type_are_a_clear_error(hostile_store, kwargs):
    from jervis.errors import JervisError

    path, db = hostile_store
    jervis.ingest([path], db=db)
    with pytest.raises(JervisError) as info:
        jervis.events(db=db, **kwargs)
    assert "text" in info.value.message, info.value.message


def test_a_dyad_that_is_not_a_path_is_refused_not_read_from_a_file_descriptor(hostile_store):
    """load_dyad(0) read standard input: open() takes an int as a file descriptor."""
    from jervis.errors import JervisError

    _, db = hostile_store
    for dyad in (0, 5, 2.5):
        with pytest.raises(JervisError, match="dyad"):
            jervis.dyad_events(dyad, db=db)


def test_report_formats_are_checked(tmp_path):
    from pathlib import Path

    from jervis.errors import JervisError

    dyad = Path(__file__).parents[1] / "examples" / "ab-dyad.toml"
    with pytest.raises(JervisError, match="gif"):
        jervis.report(dyad, db=tmp_path / "none.duckdb", out=tmp_path / "r", verdict="v.json", formats=("gif",))


def test_ingest_actors_as_one_path(tmp_path, db):
    from jervis.errors import JervisError

    path = tmp_path / "e.csv"
    path.write_text("date,event,actor\n2007-01-01,ASSAULT,a\n")
    with pytest.raises(JervisError) as info:
        jervis.ingest([path], db=db, actors=str(tmp_path / "none.toml"))
    assert info.value.path == str(tmp_path / "none.toml"), str(info.value)
