"""The same queries on DuckDB and on Spark, on a store and on a lake, give the same answers."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import jervis
from jervis.analysis.api import analyze
from jervis.cli import app
from jervis.store.engine import Engine
from jervis.store.query import dyad_check, dyad_events

from .conftest import EXAMPLES

UKRAINE_DYAD = {
    "name": "Ukraine vs separatists",
    "sides": {"A": {"actors": ["Government of Ukraine"]}, "B": {"actors": ["DPR", "LPR"]}},
    "filters": {"start": "2014-04-01", "end": "2015-12-31"},
}


def _dyad(tmp_path: Path):
    from jervis.store.dyad import parse_dyad

    return parse_dyad(UKRAINE_DYAD, str(tmp_path / "ukraine.toml"))


def test_events_from_the_lake_equal_the_store(stores, engine_name):
    reference = jervis.events(stores["db"])
    assert len(reference) == 2989 + 20
    frame = jervis.events(Engine(engine_name, lake=stores["lake"]))
    pd.testing.assert_frame_equal(frame, reference)
    kwargs = {"country": "IRQ", "start": "2020-03-01", "end": "2020-03-31", "mode": "rocket"}
    filtered = jervis.events(Engine(engine_name, db=stores["db"]), **kwargs)
    assert list(filtered["source_id"]) == ["IQ-CUR-010", "IQ-CUR-012"]
    pd.testing.assert_frame_equal(filtered, jervis.events(stores["db"], **kwargs))


def test_dyad_tables_and_verdict_equal_on_each_engine(stores, engine_name, tmp_path):
    dyad = _dyad(tmp_path)
    engine = Engine(engine_name, lake=stores["lake"])
    if engine_name == "duckdb":  # on Spark, the verdict below covers the same frame
        pd.testing.assert_frame_equal(dyad_events(dyad, engine), dyad_events(dyad, stores["db"]))
    assert dyad_check(dyad, engine) == dyad_check(dyad, stores["db"])
    methods = ["count_regression", "granger"]
    got = analyze(dyad, db=engine, methods=methods).to_dict()
    want = analyze(dyad, db=stores["db"], methods=methods).to_dict()
    assert got["sides"]["A"]["actions"] > 1000
    assert got == want


def test_dedup_links_and_fused_view_equal_on_store_and_lake(stores, tmp_path):
    """De-duplicate a re-reported sample in a lake: the same links as on a store.

    DuckDB only: Spark's links are compared with DuckDB's in the next test."""
    engine_name = "duckdb"
    from jervis.dedup.synthetic import rereport
    from jervis.store.lake import write_events

    base = jervis.events(stores["db"], source_dataset="ucdp_ged", start="2014-07-01", end="2014-08-31")
    mixed = rereport(base, seed=5)
    lake = tmp_path / "lake"
    write_events(lake, mixed)
    run = jervis.deduplicate(Engine(engine_name, lake=lake))
    links = Engine(lake=lake).dedup_table("event_links").to_pandas().sort_values("event_id", ignore_index=True)
    # The reference: DuckDB on a store holding the same rows.
    store = tmp_path / "store.duckdb"
    shutil.copy(stores["db"], store)
    import duckdb

    con = duckdb.connect(str(store))
    con.execute("DELETE FROM events")
    con.register("mixed", mixed.drop(columns="truth").assign(date=mixed["date"].dt.date))
    con.execute("INSERT INTO events BY NAME SELECT *, '' AS row_hash, 0 AS ingest_id FROM mixed")
    con.close()
    reference = jervis.deduplicate(store)
    want = duckdb.connect(str(store), read_only=True).sql("SELECT * FROM event_links ORDER BY event_id").df()
    assert run["rows_merged"] > 100
    assert (run["linked_pairs"], run["clusters"]) == (reference["linked_pairs"], reference["clusters"])
    pd.testing.assert_frame_equal(links, want)
    fused = Engine(engine_name, lake=lake)
    assert fused.events().count().to_pandas() == run["events_after_fusion"]
    every = Engine(engine_name, lake=lake, fusion=False)
    assert every.raw_events().count().to_pandas() == len(mixed) == every.events().count().to_pandas()


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_dedup_on_spark_links_and_fuses_exactly_what_duckdb_does(stores, tmp_path, monkeypatch):
    """Spark scores parts of the rows (dedup/spark.py): whole small countries packed together,
    and a large one cut into time slices with a halo. Both here (slices forced by a small
    MAX_PART_ROWS and short date tolerances), and the links, clusters and fused records must
    be exactly DuckDB's, which reads every row in one pass. Spark also fuses, in buckets of
    whole clusters (many here: a small FUSE_ROWS); the linked rows never reach the process."""
    from jervis.dedup import fuse as dedup_fuse
    from jervis.dedup import run as dedup_run
    from jervis.dedup import spark as dedup_spark
    from jervis.dedup.config import DedupConfig
    from jervis.dedup.synthetic import rereport
    from jervis.store.lake import write_events

    ukraine = jervis.events(stores["db"], source_dataset="ucdp_ged", start="2014-07-01", end="2014-12-31")
    others = jervis.events(stores["db"], start="2019-01-01", end="2021-12-31")
    mixed = pd.concat([rereport(ukraine, seed=5), rereport(others, seed=6)], ignore_index=True)
    assert mixed["country"].nunique() >= 2
    tolerances = {"time": 2, "day": 2, "week": 7, "month": 10, "year": 10}
    config = replace(DedupConfig.load(), date_tolerance_days=tolerances)
    monkeypatch.setattr(dedup_spark, "MAX_PART_ROWS", len(mixed) // 2)
    sizes = mixed.assign(day=(mixed["date"] - pd.Timestamp("1970-01-01")).dt.days).groupby("country")["day"]
    plan = dedup_spark.plan_parts(sizes.agg(n="count", first="min", last="max").reset_index(),
                                  target_rows=len(mixed) // 4, max_rows=len(mixed) // 2, halo=10)  # fmt: skip
    sliced = plan["lo"] != dedup_spark.NO_DAY
    assert plan[sliced]["part"].nunique() >= 2 and (~sliced).sum() >= 1  # both kinds of part
    monkeypatch.setattr(dedup_fuse, "FUSE_ROWS", 300)  # both engines fuse in these buckets
    members = dedup_run._bucket_members  # where the DuckDB path reads linked rows into this process

    readers: set[str] = set()

    def duckdb_members(engine, folder, bucket):
        assert engine.name == "duckdb", "on Spark the linked rows are fused by Spark, not here"
        readers.add(engine.name)
        return members(engine, folder, bucket)

    monkeypatch.setattr(dedup_run, "_bucket_members", duckdb_members)
    runs, links, fused = {}, {}, {}
    for name in ("duckdb", "spark"):
        lake = tmp_path / name
        write_events(lake, mixed)
        runs[name] = jervis.deduplicate(Engine(name, lake=lake), config=config)
        done = Engine(lake=lake)
        links[name] = done.dedup_table("event_links").to_pandas().sort_values("event_id", ignore_index=True)
        fused[name] = done.dedup_table("fused_events").to_pandas().sort_values("cluster_id", ignore_index=True)
    counts = ["events", "candidate_pairs", "linked_pairs", "clusters", "rows_merged", "events_after_fusion"]
    assert runs["duckdb"]["rows_merged"] > 100
    assert {k: runs["spark"][k] for k in counts} == {k: runs["duckdb"][k] for k in counts}
    pd.testing.assert_frame_equal(links["spark"], links["duckdb"])
    assert runs["spark"]["rows_merged"] > 5 * 300  # more buckets than the 4 (2 per core) of a small run
    pd.testing.assert_frame_equal(fused["spark"], fused["duckdb"])
    assert readers == {"duckdb"}  # the guard above sat on the path DuckDB really takes


def test_cli_events_and_analyze_answer_the_same_on_each_engine(stores, engine_name):
    """`jervis events` and `jervis analyze` with ``--engine`` give DuckDB's answers on the
    shipped examples: the compiled 2019-2021 timeline (read through
    examples/iraq-2019-2021.mapping.toml) and the dyad examples/us-iraqi-militias.toml; events
    from the store (on Spark: its Parquet snapshot), the verdict from the lake."""
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output
        return result.stdout

    db, lake, engine = ["--db", str(stores["db"])], ["--lake", str(stores["lake"])], ["--engine", engine_name]
    query = ["events", "--format", "json", "--country", "IRQ", "--start", "2020-01-01"]
    want = run(*query, *db)
    assert len(want.splitlines()) == 14  # the compiled rows of 2020-2021 in Iraq
    assert run(*query, *db, *engine) == want
    dyad = ["analyze", "--dyad", str(EXAMPLES / "us-iraqi-militias.toml"), "--json"]
    want = json.loads(run(*dyad, *db))
    assert want["sides"]["A"]["label"] == "US-led coalition" and len(want["directions"]) == 2
    assert json.loads(run(*dyad, *lake, *engine)) == want
