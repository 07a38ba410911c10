"""The Parquet event lake: partitioned by source and month, merged like the store, readable."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

import jervis
from jervis.cli import app
from jervis.store.engine import Engine
from jervis.store.inspect import quarantined, source_list
from jervis.store.lake import event_files

FIXTURES = Path(__file__).parents[1] / "fixtures"


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("event_id,date,event,actor,target,country,killed\n" + "\n".join(rows) + "\n")
    return path


def test_lake_layout_counts_and_replacements(tmp_path):
    lake = tmp_path / "lake"
    path = _csv(tmp_path / "a.csv", [
        "e1,2021-01-05,ASSAULT,Red,Blue,IRQ,1",
        "e2,2021-02-07,ASSAULT,Blue,Red,IRQ,2",
        "e3,2021-02-09,FIGHT,Red,Blue,SYR,",
        "e4,not a date,ASSAULT,Red,Blue,IRQ,1",
    ])  # fmt: skip
    first = jervis.ingest(path, lake=lake)
    assert first == {"read": 4, "stored": 3, "quarantined": 1, "duplicates": 0, "updated": 0}
    months = sorted(p.parent.name for p in event_files(lake))
    assert months == ["month=2021-01", "month=2021-02"]
    assert {p.parent.parent.name for p in event_files(lake)} == {"source=jervis"}
    assert jervis.ingest(path, lake=lake)["duplicates"] == 3  # idempotent
    # A changed row replaces its old version, even in another month's file.
    _csv(path, ["e1,2021-01-05,ASSAULT,Red,Blue,IRQ,1", "e2,2021-03-07,ASSAULT,Blue,Red,IRQ,2",
                "e3,2021-02-09,FIGHT,Red,Blue,SYR,5"])  # fmt: skip
    third = jervis.ingest(path, lake=lake)
    assert third == {"read": 3, "stored": 2, "quarantined": 0, "duplicates": 1, "updated": 2}
    frame = jervis.events(Engine(lake=lake))
    assert list(frame["event_id"]) == ["e1", "e3", "e2"]
    assert list(frame["killed"].fillna(-1)) == [1, 5, 2]
    assert "month=2021-03" in {p.parent.name for p in event_files(lake)}
    assert len(quarantined(Engine(lake=lake))) == 1
    sources = {r["source_dataset"]: r["events"] for r in source_list(Engine(lake=lake))}
    assert sources["jervis"] == len(frame)


def test_lake_and_store_hold_the_same_events(tmp_path):
    path = FIXTURES / "acled" / "acled_iraq_2020-03.csv"
    jervis.ingest(path, db=tmp_path / "s.duckdb")
    jervis.ingest(path, lake=tmp_path / "lake")
    pd.testing.assert_frame_equal(jervis.events(Engine(lake=tmp_path / "lake")), jervis.events(tmp_path / "s.duckdb"))


def test_cli_ingest_and_read_a_lake(tmp_path):
    runner = CliRunner()
    lake = tmp_path / "lake"
    path = _csv(tmp_path / "a.csv", ["e1,2021-01-05,ASSAULT,Red,Blue,IRQ,1"])
    result = runner.invoke(app, ["ingest", str(path), "--lake", str(lake), "--json"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["events", "--lake", str(lake), "--format", "csv"])
    assert result.exit_code == 0 and "2021-01-05" in result.output
    missing = runner.invoke(app, ["events", "--lake", str(tmp_path / "nowhere")])
    assert missing.exit_code != 0 and "no such event lake" in str(missing.exception or missing.output)
