"""Adversarial round 10 on `jervis ingest --lake`. Failed before its fix: ingest wrote a lake
into a folder of someone's papers (every reader then refuses that folder, and they were left
alone), and stored a file's rows in a lake whose foreign Parquet file made every read fail."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from tests.test_cli_errors import cli, one_line_error

FIXTURES = Path(__file__).parents[1] / "fixtures"
ACLED = FIXTURES / "acled" / "acled_iraq_2020-03.csv"


def test_ingest_into_a_folder_that_is_not_a_lake_is_refused_and_left_alone(capsys, tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    code, _, err = cli(capsys, "ingest", str(ACLED), "--lake", str(folder))
    assert "not an event lake" in one_line_error(code, err)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]  # was a lake written beside them


def test_ingest_into_an_empty_or_new_folder_makes_a_lake(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    for target in (tmp_path / "empty", tmp_path / "new"):
        code, out, err = cli(capsys, "ingest", str(ACLED), "--lake", str(target))
        assert code == 0, err
        code, out, err = cli(capsys, "ingest", str(ACLED), "--lake", str(target))  # again: a lake now
        assert code == 0 and "duplicates" in out, err


def test_ingest_into_a_lake_its_readers_refuse_is_refused_before_writing(capsys, tmp_path):
    lake = tmp_path / "lake"
    foreign = lake / "source=mine" / "month=2020-01" / "part-1.parquet"
    foreign.parent.mkdir(parents=True)
    pq.write_table(pa.table({"x": ["y"]}), foreign)
    code, _, err = cli(capsys, "ingest", str(ACLED), "--lake", str(lake))
    line = one_line_error(code, err)
    assert "part-1.parquet" in line and "not an event file" in line, line
    assert sorted(p.name for p in lake.iterdir()) == ["source=mine"]  # nothing stored that no read finds
