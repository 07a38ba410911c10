"""An event lake under hostile input: a folder that is not a lake, a damaged or foreign
Parquet file in a partition, a file where the lake should be. One line naming the file and
the problem (exit 2), and nothing written into a folder that is not a lake."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.test_cli_errors import cli, one_line_error

import jervis
from jervis.store.engine import Engine
from jervis.store.lake import event_files

FIXTURES = Path(__file__).parents[1] / "fixtures"
ACLED = FIXTURES / "acled" / "acled_iraq_2020-03.csv"


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lake-adv") / "lake"
    jervis.ingest(ACLED, lake=root)
    return root


def _copy(lake: Path, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(lake, tmp_path / "copy"))


@pytest.mark.parametrize("command", [["events"], ["dedup"], ["screen", "--top", "2"]])
def test_a_folder_that_is_not_a_lake_is_refused_and_left_alone(capsys, tmp_path, command):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    code, _, err = cli(capsys, *command, "--lake", str(folder))
    assert "not an event lake" in one_line_error(code, err)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]  # nothing written into it


def test_a_damaged_parquet_file_is_named(capsys, lake, tmp_path):
    copy = _copy(lake, tmp_path)
    damaged = event_files(copy)[0]
    damaged.write_bytes(damaged.read_bytes()[:100])
    code, _, err = cli(capsys, "events", "--lake", str(copy))
    line = one_line_error(code, err)
    assert damaged.name in line and "not a readable Parquet file" in line


def test_a_file_of_another_schema_is_named(capsys, lake, tmp_path):
    copy = _copy(lake, tmp_path)
    foreign = event_files(copy)[0].parent / "foreign.parquet"
    # every column an event needs, but the date as text: a file without them is named for
    # what it lacks (test_a_file_missing_one_required_column_is_named)
    pq.write_table(pa.table({"event_id": ["x"], "date": ["not a date"], "date_precision": ["day"],
                             "event": ["ASSAULT"], "source_dataset": ["acled"]}), foreign)  # fmt: skip
    code, _, err = cli(capsys, "events", "--lake", str(copy))
    line = one_line_error(code, err)
    assert "foreign.parquet" in line and "column 'date'" in line


def test_ingest_into_a_file_named_as_the_lake(capsys, tmp_path):
    target = tmp_path / "lake"
    target.write_text("not a folder")
    code, _, err = cli(capsys, "ingest", str(ACLED), "--lake", str(target))
    assert "is a file; --lake needs a folder" in one_line_error(code, err)
    assert target.read_text() == "not a folder"


def test_a_lake_with_a_catalogue_and_no_events_reads_as_empty(tmp_path):
    """`jervis ingest --lake` of a file whose rows were all rejected leaves a catalogue only:
    that is a lake (with its quarantine), not an error."""
    broken = tmp_path / "broken.csv"
    broken.write_text("event_id,date,event,actor,target,country\ne1,not a date,ASSAULT,Red,Blue,IRQ\n")
    jervis.ingest(broken, lake=tmp_path / "lake")
    from jervis.store.engine import Engine

    assert len(jervis.events(Engine(lake=tmp_path / "lake"))) == 0


def test_a_damaged_dedup_table_is_named(capsys, lake, tmp_path):
    copy = _copy(lake, tmp_path)
    jervis.deduplicate(Engine(lake=copy))
    links = copy / "_dedup" / "event_links.parquet"
    links.write_bytes(links.read_bytes()[:50])
    code, _, err = cli(capsys, "events", "--lake", str(copy))
    line = one_line_error(code, err)
    assert "event_links.parquet" in line and "run `jervis dedup` again" in line


@pytest.mark.parametrize("command", [["events"], ["sources"], ["dedup"], ["ingest", str(ACLED)]])
def test_db_beside_lake_is_a_usage_error(capsys, lake, tmp_path, monkeypatch, command):
    """A lake keeps its own catalogue: a --db given beside --lake was silently ignored."""
    store = tmp_path / "mine.duckdb"
    code, _, err = cli(capsys, *command, "--db", str(store), "--lake", str(lake))
    assert "--db and --lake both given" in one_line_error(code, err)
    assert not store.exists()
    # JERVIS_DB from the environment is a default, not a choice: the lake is read.
    monkeypatch.setenv("JERVIS_DB", str(store))
    code, out, err = cli(capsys, "sources", "--json", "--lake", str(lake))
    assert code == 0 and "acled" in out and not store.exists()


@pytest.mark.parametrize(
    ("columns", "expected"),
    [({"author": ["me"], "pages": [3]}, "none of the event lake's columns"),
     ({"event_id": ["x"], "note": ["mine"]}, "no column 'date', 'date_precision', 'event', 'source_dataset'")],
)  # fmt: skip
def test_a_file_that_is_not_an_event_file_is_named(capsys, lake, tmp_path, columns, expected):
    """Read by name, a Parquet file without the event columns came back as rows of nulls."""
    copy = _copy(lake, tmp_path)
    foreign = event_files(copy)[0].parent / "notes.parquet"
    pq.write_table(pa.table(columns), foreign)
    for command in (["events"], ["ingest", str(ACLED)]):  # reading, and merging into its partition
        code, _, err = cli(capsys, *command, "--lake", str(copy))
        line = one_line_error(code, err)
        assert "notes.parquet" in line and expected in line


@pytest.mark.parametrize("engine_name", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_a_file_missing_one_required_column_is_named(capsys, lake, tmp_path, engine_name):
    """A file holding most event columns but not ``event`` was read with nulls in it: the other
    files' ``event`` column hid its absence from a check of the union of the files' columns."""
    copy = _copy(lake, tmp_path)
    first = event_files(copy)[0]
    rows = pq.read_table(first).drop_columns(["event"])
    rows = rows.set_column(rows.schema.get_field_index("event_id"), "event_id",
                           pa.array([f"other-{k}" for k in range(rows.num_rows)]))  # fmt: skip
    pq.write_table(rows, first.parent / "partial.parquet")
    code, _, err = cli(capsys, "events", "--lake", str(copy), "--engine", engine_name)
    line = one_line_error(code, err)
    assert "partial.parquet" in line and "no column 'event'" in line
    code, _, err = cli(capsys, "ingest", str(ACLED), "--lake", str(copy))  # merging into its partition
    line = one_line_error(code, err)
    assert "partial.parquet" in line and "no column 'event'" in line
