"""``jervis.deduplicate``: link the rows that report one real-world event, fuse them, store the result.

The candidate pairs and their scores run on the engine (DuckDB or Spark, store or lake); the
linked pairs (a small fraction) come back to this process, where the clusters are computed;
the fused records are computed in buckets of whole clusters (``fuse.fuse_buckets``): here on
DuckDB, one bucket's linked rows at a time, and by Spark's tasks on Spark (dedup/spark.py).
Both are written beside the events: tables ``event_links``, ``fused_events`` and
``dedup_runs`` in a DuckDB store, ``_dedup/*.parquet`` in a lake. The events themselves are
never changed; analyses read the fused view (store/engine.py).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from jervis.dedup.cluster import clusters
from jervis.dedup.config import DedupConfig
from jervis.dedup.fuse import FUSED_EXTRA, fuse, fuse_buckets
from jervis.dedup.match import candidate_pairs, matched_pairs, prepare
from jervis.store.db import connect
from jervis.store.engine import DEDUP_RUNS, FUSED, LINKS, Engine, as_engine
from jervis.store.schema import ARROW_SCHEMA, COLUMNS


def row_ids(engine: Engine, events: ibis.Table) -> ibis.Table:
    """The events with ``rid``: a 64-bit hash of the event id (xxhash64 on Spark, whose
    ``hash`` has 32 bits), or, if two ids ever share a hash, their rank."""
    return with_row_ids(events, spark=engine.name == "spark")


def with_row_ids(events: ibis.Table, *, spark: bool = False) -> ibis.Table:
    """``row_ids`` on a table of a known backend (DuckDB unless ``spark``)."""
    rid = _xxhash64(events.event_id) if spark else events.event_id.hash()
    with_rid = events.mutate(rid=rid)
    counts = with_rid.aggregate(n=with_rid.count(), ids=with_rid.rid.nunique()).to_pandas().iloc[0]
    if int(counts["n"]) != int(counts["ids"]):
        with_rid = events.mutate(rid=ibis.row_number().over(order_by=events.event_id).cast("int64"))
    return with_rid


@ibis.udf.scalar.builtin(name="xxhash64")
def _xxhash64(value: str) -> int:  # type: ignore[empty-body]
    """Spark SQL's 64-bit xxHash."""


log = logging.getLogger(__name__)
CHUNK_ROWS = 1_500_000  # rows de-duplicated at a time (whole countries): bounded memory and spill


def find_links(engine: Engine, config: DedupConfig) -> tuple[pd.DataFrame, int]:
    """(pairs scoring at least the cohesion level: a, b, sources, score; number of candidate
    pairs compared) over every stored row: on Spark by ``dedup/spark.py``, else below."""
    if engine.name == "spark":
        from jervis.dedup.spark import spark_links

        return spark_links(engine, config)
    return duckdb_links(engine, config)


def duckdb_links(engine: Engine, config: DedupConfig) -> tuple[pd.DataFrame, int]:
    """(pairs scoring at least the cohesion level: a, b, sources, score; number of candidate
    pairs compared) over every stored row.

    Two rows of different countries never share a block key, so the rows are taken a few
    whole countries at a time (up to ``CHUNK_ROWS``; one country larger than that is one
    chunk): the same pairs as one pass, but the engine holds one chunk's candidate pairs and
    their fields at a time (ten million rows in one pass spilled over 40 GB on DuckDB)."""
    events = row_ids(engine, engine.raw_events())
    country = events.country.fill_null("")
    sizes = events.group_by(country=country).aggregate(n=events.count()).order_by("country").to_pandas()
    chunks: list[list[str]] = [[]]
    total = 0
    for name, n in zip(sizes["country"], sizes["n"], strict=True):
        if chunks[-1] and total + int(n) > CHUNK_ROWS:
            chunks.append([])
            total = 0
        chunks[-1].append(str(name))
        total += int(n)
    frames, n_candidates = [], 0
    for k, chunk in enumerate(chunks, start=1):
        started = time.perf_counter()
        rows = events if len(chunks) == 1 else events.filter(country.isin(chunk))
        pairs, n = _chunk_links(rows, config)
        frames.append(pairs)
        n_candidates += n
        log.info("dedup chunk %d of %d: %d countries, %d candidate pairs, %d kept, %.0f s",
                 k, len(chunks), len(chunk), n, len(pairs), time.perf_counter() - started)  # fmt: skip
    pairs = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return pairs.sort_values(["a", "b"], ignore_index=True), n_candidates


def _chunk_links(
    events: ibis.Table, config: DedupConfig, core: tuple[int, int] | None = None
) -> tuple[pd.DataFrame, int]:
    """The pairs and the number of candidate pairs of ``events`` (with ``rid``). With ``core``
    (days lo, hi), only candidate pairs whose earlier day lies in [lo, hi) are counted (the
    caller keeps the same pairs: a time slice of a large country, dedup/spark.py)."""
    prepared = prepare(events, config, row_id=events.rid).cache()  # read the events once
    try:
        candidates = candidate_pairs(prepared, sorted(set(config.date_tolerance_days.values()))).cache()
        try:
            counted = candidates
            if core is not None:
                days = prepared.select("rid", "day")
                da, db = days.rename(a="rid", day_a="day"), days.rename(b="rid", day_b="day")
                both = candidates.join(da, "a").join(db, "b")
                first = ibis.least(both.day_a, both.day_b)
                counted = both.filter((first >= core[0]) & (first < core[1]))
            n_candidates = int(counted.count().to_pandas())
            pairs = matched_pairs(prepared, candidates, config).to_pandas()
        finally:
            candidates.release()
    finally:
        prepared.release()
    return pairs, n_candidates


def _members(engine: Engine, links: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``links`` with their cluster id, in one order on every engine (fusion breaks
    exact ties by the order it meets the rows)."""
    return sort_members(_linked(engine, links).to_pandas())


def _linked(engine: Engine, links: pd.DataFrame) -> ibis.Table:
    """The stored rows of ``links`` (canonical columns) with the links' other columns."""
    raw = engine.raw_events()
    table = ibis.memtable(links)
    extra = [table[c] for c in links.columns if c != "event_id"]
    return raw.join(table, raw.event_id == table.event_id).select(*[raw[c] for c in COLUMNS], *extra)


def sort_members(members: pd.DataFrame) -> pd.DataFrame:
    return members.sort_values(["cluster_id", "event_id"], ignore_index=True)


def fused_records(engine: Engine, links: pd.DataFrame) -> pa.Table:
    """The fused record of every cluster (``FUSED_SCHEMA``, sorted by cluster id), in buckets
    of whole clusters (``fuse.fuse_buckets``): on Spark each task fuses a bucket where the rows
    are (dedup/spark.py), so the linked rows never come here. On DuckDB one pass over the
    events streams the linked rows, batch by batch, into a temporary Parquet folder, one part
    per bucket, and this process reads and fuses one bucket at a time: 7.1 million
    linked rows at 10M rows took 16.6 GB read at once, and one read of the events per bucket
    took ten times as long."""
    if not len(links):
        return _arrow_fused(fuse_empty())
    if engine.name == "spark":
        from jervis.dedup.spark import spark_fused

        return spark_fused(engine, links)
    started = time.perf_counter()
    buckets = fuse_buckets(links)
    folder = Path(tempfile.mkdtemp(prefix="jervis-fuse-"))
    try:
        bucketed = links[["event_id", "cluster_id"]].assign(bucket=buckets.to_numpy())
        engine.backend.to_parquet_dir(
            _linked(engine, bucketed), folder, partitioning=["bucket"], partitioning_flavor="hive"
        )
        del bucketed
        n = int(buckets.max()) + 1
        records = [_arrow_fused(fuse(_bucket_members(engine, folder, k))) for k in range(n)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    log.info("dedup: %d clusters fused in %d buckets, %.0f s", sum(t.num_rows for t in records), n,
             time.perf_counter() - started)  # fmt: skip
    return pa.concat_tables(records)


def _bucket_members(engine: Engine, folder: Path, bucket: int) -> pd.DataFrame:
    """One bucket's linked rows (written by ``fused_records``), as ``_members`` gives them."""
    files = sorted((folder / f"bucket={bucket}").glob("*.parquet"))
    rows = engine.backend.read_parquet([str(f) for f in files], hive_partitioning=False)
    return sort_members(rows.select(*COLUMNS, "cluster_id").to_pandas())


def dedup(db: Any = None, *, config: str | Path | DedupConfig | None = None) -> dict[str, Any]:
    """Find, link and fuse duplicate reports in a store or lake; returns the run's counts."""
    engine = as_engine(db)
    config = config if isinstance(config, DedupConfig) else DedupConfig.load(config)
    started = time.perf_counter()
    pairs, n_candidates = find_links(engine, config)
    log.info("dedup: %d candidate pairs, %d kept, %.0f s", n_candidates, len(pairs), time.perf_counter() - started)
    links = clusters(pairs, config.threshold, config.curated, config.cohesion)
    log.info("dedup: clusters of %d rows, %.0f s", len(links), time.perf_counter() - started)
    linked_pairs = int((pairs["score"] >= config.threshold).sum())
    del pairs  # the largest frame (14 million pairs at 10M rows): not held while the members are fused
    fused = fused_records(engine, links)
    log.info("dedup: %d fused records, %.0f s", len(fused), time.perf_counter() - started)
    n_events = int(engine.raw_events().count().to_pandas())
    run = {
        "run_at": datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
        "engine": engine.name,
        "events": n_events,
        "candidate_pairs": n_candidates,
        "linked_pairs": linked_pairs,
        "clusters": len(fused),
        "rows_merged": len(links),
        "events_after_fusion": n_events - len(links) + len(fused),
        "max_ingest_id": engine._latest_ingest() or 0,
        "threshold": config.threshold,
        "config": config.path,
        "seconds": round(time.perf_counter() - started, 2),
    }
    _write(engine, links, fused, run)
    engine.close()
    return run


def fuse_empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["cluster_id", *COLUMNS, *FUSED_EXTRA])


FUSED_SCHEMA = pa.schema(
    [pa.field("cluster_id", pa.string()), *(f.with_nullable(True) for f in ARROW_SCHEMA),
     pa.field("n_rows", pa.int64()), pa.field("n_sources", pa.int64()),
     pa.field("sources", pa.string()), pa.field("support", pa.string())]
)  # fmt: skip


def _arrow_fused(fused: pd.DataFrame) -> pa.Table:
    """``FUSED_SCHEMA``, without pandas' metadata: the stored table is the same on each engine."""
    frame = fused.copy()
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    for f in FUSED_SCHEMA:
        if pa.types.is_integer(f.type):
            frame[f.name] = pd.to_numeric(frame[f.name]).astype("Int64")
        elif pa.types.is_floating(f.type):
            frame[f.name] = pd.to_numeric(frame[f.name]).astype("float64")
    table = pa.Table.from_pandas(frame[FUSED_SCHEMA.names], schema=FUSED_SCHEMA, preserve_index=False)
    return table.replace_schema_metadata(None)


def _write(engine: Engine, links: pd.DataFrame, fused: pa.Table, run: dict) -> None:
    tables = {
        LINKS: pa.Table.from_pandas(links, preserve_index=False,
                                    schema=pa.schema([("event_id", pa.string()), ("cluster_id", pa.string())])),
        FUSED: fused,
    }  # fmt: skip
    if engine.lake is not None:
        from jervis.store.lake import dedup_file

        previous = engine.dedup_table(DEDUP_RUNS)
        runs = pd.concat([previous.to_pandas() if previous is not None else None, pd.DataFrame([run])])
        tables[DEDUP_RUNS] = pa.Table.from_pandas(runs, preserve_index=False)
        for name, table in tables.items():
            path = dedup_file(engine.lake, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            pq.write_table(table, tmp)
            tmp.replace(path)
        return
    engine.close()  # release the read-only handle before writing
    con = connect(engine.catalog_path)
    try:
        con.execute("BEGIN TRANSACTION")
        for name, table in tables.items():
            con.register("_incoming", table)
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _incoming")
            con.unregister("_incoming")
        con.register("_run", pd.DataFrame([run]))
        con.execute(f"CREATE TABLE IF NOT EXISTS {DEDUP_RUNS} AS SELECT * FROM _run LIMIT 0")
        con.execute(f"INSERT INTO {DEDUP_RUNS} BY NAME SELECT * FROM _run")
        con.unregister("_run")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
