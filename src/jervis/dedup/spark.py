"""De-duplication on Spark: Spark distributes and shuffles the rows, DuckDB scores each part.

The matcher's Ibis plan (match.py) compiled to Spark SQL is dozens of shuffle stages (the
candidate joins, both rows' fields joined back, the crowding count) and ran at about 400 rows
a second on local[2] (docs/benchmarks.md). Pairs never cross countries, and within a country
a pair's score reads only rows within twice the largest date tolerance of it, so the work
splits into independent parts:

1. Spark counts the rows of each country (with its first and last day).
2. This process plans the *parts*: whole countries packed together up to a target size; a
   country larger than ``MAX_PART_ROWS`` is cut into time slices, each part reading its
   slice plus a halo of ``2 x`` the largest date tolerance on both sides.
3. Spark joins every row to its part(s) (a broadcast join), shuffles them by part and runs
   one ``applyInArrow`` task per part: an in-process DuckDB (``memory_limit`` per task,
   spilling to a temporary folder) runs the *same* Ibis expressions as the DuckDB engine
   (``match.prepare``, ``candidate_pairs``, ``matched_pairs``, through ``run._chunk_links``)
   over that part's rows and returns the pairs scoring at least the cohesion level. A time
   slice keeps only the pairs whose earlier day lies in its own slice, so each pair comes
   from exactly one part, with every row it and its neighbours are compared with.
4. Spark writes the pairs to Parquet in a temporary folder; this process reads them and
   clusters them as on DuckDB (run.py): one pass over all pairs, batched as on DuckDB, so
   the clusters are DuckDB's (clustered per part, the batches would differ, and with them
   the order in which exact ties are met).
5. The links (event id, cluster id, bucket: ``fuse.fuse_buckets``, as on DuckDB) go back to
   Spark, which joins them to the rows and fuses whole clusters in buckets, one
   ``applyInArrow`` task each (``spark_fused``); only the fused records come back, never the
   linked rows (7 million at 10M rows).

So the scores are DuckDB's, computed inside Spark's Python workers; Spark does the reading,
the partitioning, the shuffle, the scheduling (two tasks at a time on local[2]) and the
writing. Why the halo suffices: a pair is kept by the slice holding its earlier day d; its
later row lies within T (the largest tolerance) of d, and every candidate of either row
(which the crowding and look-alike terms read) within T of that row, so within 2T of the slice.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from jervis.dedup.config import DedupConfig
from jervis.store.engine import Engine
from jervis.store.schema import ARROW_SCHEMA, COLUMNS

MAX_PART_ROWS = 400_000  # a country larger than this is cut into time slices
TASKS_PER_CORE = 2  # parts are packed small enough to give each core about this many
NO_DAY = -(2**40)  # "no bound" for a slice's day range (far outside any calendar)
PAIRS_SCHEMA = "a string, b string, source_a string, source_b string, score double, candidates long"
log = logging.getLogger(__name__)
_NULLABLE = pa.schema([f.with_nullable(True) for f in ARROW_SCHEMA])


def task_memory() -> str:
    """DuckDB's memory in each Spark task: ``JERVIS_DEDUP_TASK_MEMORY`` (default 1GB; spills
    beyond it). Spark runs one task per core at a time."""
    return os.environ.get("JERVIS_DEDUP_TASK_MEMORY", "1GB")


def plan_parts(sizes: pd.DataFrame, *, target_rows: int, max_rows: int, halo: int) -> pd.DataFrame:
    """Parts from the rows per country (columns country, n, first, last: days since 1970):
    one row per (country, part) with the days it reads [lo, hi) and keeps [core_lo, core_hi)
    (``NO_DAY`` bounds for whole countries) and ``takes_undated`` (the one part of a country
    that takes its rows without a day)."""
    rows: list[dict[str, Any]] = []
    part, filled = 0, 0
    whole = {
        "lo": NO_DAY,
        "hi": -NO_DAY,
        "core_lo": NO_DAY,
        "core_hi": -NO_DAY,
        "takes_undated": True,
    }
    for country, n, first, last in sizes.sort_values("country").itertuples(index=False):
        n = int(n)
        span = int(last) - int(first) + 1 if pd.notna(first) else 1
        # Slices narrower than the halo on each side would mostly read their neighbours' rows.
        slices = min(math.ceil(n / max_rows), max(1, span // (4 * halo)))
        if slices <= 1:
            if filled and filled + n > target_rows:
                part, filled = part + 1, 0
            rows.append({"country": country, "part": part, **whole})
            filled += n
            continue
        if filled:
            part, filled = part + 1, 0
        width = math.ceil(span / slices)
        for i in range(slices):
            core_lo = NO_DAY if i == 0 else int(first) + i * width
            core_hi = -NO_DAY if i == slices - 1 else int(first) + (i + 1) * width
            rows.append({"country": country, "part": part, "lo": core_lo - 2 * halo, "hi": core_hi + 2 * halo,
                         "core_lo": core_lo, "core_hi": core_hi, "takes_undated": i == 0})  # fmt: skip
            part += 1
    columns = ["country", "part", "lo", "hi", "core_lo", "core_hi", "takes_undated"]
    return pd.DataFrame(rows, columns=columns)


def _spark_frame(engine: Engine, expr: Any) -> Any:
    """A PySpark DataFrame of an Ibis expression on the engine's Spark backend, through a
    temporary view: Ibis's public ``create_view`` registers the in-memory tables it reads."""
    backend = engine.backend
    name = f"jervis_dedup_{uuid.uuid4().hex}"
    backend.create_view(name, expr, overwrite=True)
    return backend.raw_sql(f"SELECT * FROM {name}")


def _one_part_per_task(parts: Any, n_parts: int) -> int:
    """The fewest shuffle partitions (from ``n_parts``) in which no two parts share a task:
    Spark puts a row in partition pmod(murmur3(part), n), so with n = n_parts two parts often
    land in one task while another task gets none, and the last task runs twice as long."""
    from pyspark.sql import functions as F  # noqa: N812

    hashes = [row[0] for row in parts.select(F.hash("part")).distinct().collect()]
    for n in range(n_parts, 8 * n_parts + 1):
        if len({h % n for h in hashes}) == len(hashes):  # Python's % is Spark's pmod for n > 0
            return n
    return 8 * n_parts


def spark_links(engine: Engine, config: DedupConfig) -> tuple[pd.DataFrame, int]:
    """``run.find_links`` on Spark: the same pairs and candidate count (tests/engine)."""
    from pyspark.sql import functions as F  # noqa: N812

    started = time.perf_counter()
    events = _spark_frame(engine, engine.raw_events())
    events = events.withColumn("_country", F.coalesce(F.col("country"), F.lit(""))).withColumn(
        "_day", F.datediff(F.col("date"), F.lit("1970-01-01").cast("date")).cast("long")
    )
    sizes = (
        events.groupBy(F.col("_country").alias("country"))
        .agg(
            F.count(F.lit(1)).alias("n"), F.min("_day").alias("first"), F.max("_day").alias("last")
        )
        .toPandas()
    )
    session = events.sparkSession
    if sizes.empty:
        return pd.DataFrame(columns=["a", "b", "source_a", "source_b", "score"]), 0
    cores = max(1, session.sparkContext.defaultParallelism)
    target = min(MAX_PART_ROWS, max(1, math.ceil(int(sizes["n"].sum()) / (cores * TASKS_PER_CORE))))
    halo = max(config.date_tolerance_days.values())
    plan = plan_parts(sizes, target_rows=target, max_rows=MAX_PART_ROWS, halo=halo)
    n_parts = int(plan["part"].max()) + 1
    log.info("dedup on spark: %d rows, %d countries, %d parts (%d time slices), planned in %.0f s",
             int(sizes["n"].sum()), len(sizes), n_parts, int((plan["lo"] != NO_DAY).sum()),
             time.perf_counter() - started)  # fmt: skip
    parts = session.createDataFrame(
        plan,
        "country string, part int, lo long, hi long, core_lo long, core_hi long, takes_undated boolean",
    )
    day = F.col("_day")
    placed = events.join(F.broadcast(parts), events["_country"] == parts["country"]).where(
        (day.isNull() & F.col("takes_undated")) | ((day >= F.col("lo")) & (day < F.col("hi")))
    )
    placed = placed.select(*[events[c] for c in COLUMNS], "_day", "part", "core_lo", "core_hi")
    memory = task_memory()

    def score(table: pa.Table) -> pa.Table:  # pickled to the Python workers with its closure
        return score_part(table, config, memory)

    out = Path(tempfile.mkdtemp(prefix="jervis-spark-pairs-"))
    conf = session.conf
    # Adaptive execution would merge the parts' small shuffle blocks into fewer tasks than cores.
    coalesce = conf.get("spark.sql.adaptive.coalescePartitions.enabled")
    conf.set("spark.sql.adaptive.coalescePartitions.enabled", "false")
    try:
        tasks = _one_part_per_task(parts, n_parts)
        scored = placed.repartition(tasks, "part").groupBy("part").applyInArrow(score, PAIRS_SCHEMA)
        scored.write.parquet(str(out / "pairs"))
        import pyarrow.parquet as pq

        table = pq.read_table(out / "pairs").to_pandas(self_destruct=True, split_blocks=True)
    finally:
        conf.set("spark.sql.adaptive.coalescePartitions.enabled", coalesce)
        shutil.rmtree(out, ignore_errors=True)
    log.info("dedup on spark: %d parts scored in %.0f s", n_parts, time.perf_counter() - started)
    counts = table["candidates"].notna()
    n_candidates = int(table.loc[counts, "candidates"].sum())
    pairs = table.loc[~counts].drop(columns="candidates")
    return pairs.sort_values(["a", "b"], ignore_index=True), n_candidates


def score_part(table: pa.Table, config: DedupConfig, memory: str) -> pa.Table:
    """One part's pairs, in a Spark task: DuckDB in the Python worker runs match.py's Ibis
    expressions over the part's rows; one extra row (``a`` null) carries the candidate count."""
    import ibis

    from jervis.dedup.run import _chunk_links, with_row_ids

    core_lo, core_hi = table["core_lo"][0].as_py(), table["core_hi"][0].as_py()
    sliced = core_lo != NO_DAY or core_hi != -NO_DAY
    rows = table.select(list(COLUMNS)).cast(_NULLABLE)
    tmp = tempfile.mkdtemp(prefix="jervis-dedup-task-")
    con = ibis.duckdb.connect(memory_limit=memory, temp_directory=tmp, threads=1)
    try:
        events = with_row_ids(con.create_table("events", rows, temp=True))
        pairs, n = _chunk_links(events, config, (core_lo, core_hi) if sliced else None)
    finally:
        con.disconnect()
        shutil.rmtree(tmp, ignore_errors=True)
    if sliced and len(pairs):
        day = pd.Series(
            table["_day"].to_numpy(zero_copy_only=False), index=table["event_id"].to_pandas()
        )
        first = pd.concat([pairs["a"].map(day), pairs["b"].map(day)], axis=1).min(axis=1)
        pairs = pairs[(first >= core_lo) & (first < core_hi)]
    schema = pa.schema([("a", pa.string()), ("b", pa.string()), ("source_a", pa.string()),
                        ("source_b", pa.string()), ("score", pa.float64()), ("candidates", pa.int64())])  # fmt: skip
    found = pa.Table.from_pandas(
        pairs[schema.names[:-1]], schema=pa.schema(list(schema)[:-1]), preserve_index=False
    )
    found = found.append_column("candidates", pa.nulls(len(found), pa.int64()))
    stats = pa.table({**{name: pa.nulls(1, schema.field(name).type) for name in schema.names[:-1]},
                      "candidates": pa.array([n], pa.int64())}, schema=schema)  # fmt: skip
    return pa.concat_tables([found, stats])


def spark_fused(engine: Engine, links: pd.DataFrame) -> pa.Table:
    """``fuse`` over the linked rows (``run._members``) on Spark; only the fused records
    (``run.FUSED_SCHEMA``) come back to this process, never the linked rows.

    The links go to Spark as a Parquet file with their bucket (``fuse.fuse_buckets``: whole
    clusters, about ``fuse.FUSE_ROWS`` linked rows a bucket, at least two buckets per core);
    Spark joins them to the rows, shuffles by bucket and fuses each bucket in one
    ``applyInArrow`` task, in the order of ``run.sort_members``: a cluster's record depends
    only on its own rows in that order, so the records equal one pass over all rows. Spark
    writes them to Parquet; this process reads that."""
    import pyarrow.parquet as pq
    from pyspark.sql import functions as F  # noqa: N812
    from pyspark.sql.pandas.types import from_arrow_schema

    from jervis.dedup.fuse import fuse_buckets
    from jervis.dedup.run import FUSED_SCHEMA

    started = time.perf_counter()
    events = _spark_frame(engine, engine.raw_events())
    session = events.sparkSession
    cores = max(1, session.sparkContext.defaultParallelism)
    bucketed = links[["event_id", "cluster_id"]].assign(part=fuse_buckets(links, at_least=cores * TASKS_PER_CORE))
    n_buckets = int(bucketed["part"].max()) + 1
    tmp = Path(tempfile.mkdtemp(prefix="jervis-spark-fuse-"))
    conf = session.conf
    coalesce = conf.get("spark.sql.adaptive.coalescePartitions.enabled")
    conf.set("spark.sql.adaptive.coalescePartitions.enabled", "false")
    try:
        schema = pa.schema([("event_id", pa.string()), ("cluster_id", pa.string()), ("part", pa.int32())])
        pq.write_table(pa.Table.from_pandas(bucketed, schema=schema, preserve_index=False), tmp / "links.parquet")
        del bucketed
        linked = session.read.parquet(str(tmp / "links.parquet"))
        members = events.join(linked, "event_id").select(*COLUMNS, "cluster_id", "part")
        buckets = session.range(n_buckets).select(F.col("id").cast("int").alias("part"))
        tasks = _one_part_per_task(buckets, n_buckets)
        fused = members.repartition(tasks, "part").groupBy("part").applyInArrow(
            fuse_part, from_arrow_schema(FUSED_SCHEMA)
        )
        fused.write.parquet(str(tmp / "fused"))
        table = pq.read_table(tmp / "fused").cast(FUSED_SCHEMA).sort_by("cluster_id")
    finally:
        conf.set("spark.sql.adaptive.coalescePartitions.enabled", coalesce)
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("dedup on spark: %d clusters fused in %d buckets, %.0f s", table.num_rows, n_buckets,
             time.perf_counter() - started)  # fmt: skip
    return table


def fuse_part(table: pa.Table) -> pa.Table:
    """One bucket's fused records, in a Spark task: its linked rows, converted and ordered as
    ``run._members`` gives them, through ``fuse.fuse``."""
    from jervis.dedup.fuse import fuse
    from jervis.dedup.run import _arrow_fused, sort_members

    schema = _NULLABLE.append(pa.field("cluster_id", pa.string()))
    members = table.select(schema.names).cast(schema).to_pandas(self_destruct=True, split_blocks=True)
    return _arrow_fused(fuse(sort_members(members)))
