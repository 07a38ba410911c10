"""Which engine runs the store's read queries, and where the events live.

Every read of events (filters, dyad tables, series counts, screening, de-duplication) is an
Ibis expression on ``Engine.events()``, so the same code runs on two backends:

* ``duckdb`` (default): embedded, in this process.
* ``spark``: PySpark through ``ibis.pyspark`` (``pip install 'jervis[spark]'``, Java 17), local
  (``local[2]``) or a cluster URL. One Spark session per process is shared by every engine.

And two places events live:

* a DuckDB store file (``--db``), the default;
* a partitioned Parquet event lake (``--lake DIR``, written by ``jervis ingest --lake``,
  ``store/lake.py``), so a history larger than one file can be read by either engine.

Spark cannot open a DuckDB file, so a Spark engine on a store reads a Parquet snapshot of its
events that DuckDB writes to a temporary folder (removed by ``close()``). The catalogue
(ingests, quarantine, sources, actors) is small bookkeeping and is always read with DuckDB.

With ``fusion=True`` (default) ``events()`` returns fused events when ``jervis dedup`` has
been run: every cluster of rows that report one real-world event is replaced by its fused
record (``event_id`` ``fused:...``); ``fusion_note`` says so for the verdict's notes.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from jervis.errors import JervisError
from jervis.store.db import connect, ibis_backend, resolve_db
from jervis.store.schema import COLUMNS

ENGINES = ("duckdb", "spark")
DEFAULT_SPARK_MASTER = "local[2]"
LINKS = "event_links"  # event_id -> cluster_id, for rows in clusters of two or more
FUSED = "fused_events"  # one fused record per cluster (canonical columns + support)
DEDUP_RUNS = "dedup_runs"  # when dedup ran, over how many events, up to which ingest
FUSED_PREFIX = "fused:"

_spark: dict[str, Any] = {}


def spark_session(master: str = DEFAULT_SPARK_MASTER) -> Any:
    """The process's one Spark session (started on first use, stopped at exit)."""
    if "session" in _spark:
        if _spark["master"] != master:
            raise JervisError(
                f"a Spark session on {_spark['master']} is already running in this process; "
                f"cannot also connect to {master}"
            )
        return _spark["session"]
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise JervisError(
            "the Spark engine needs PySpark: pip install 'jervis[spark]' (and Java 17)"
        ) from None
    # Executors' Python workers (applyInPandas) must be this interpreter, with jervis on it.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    log_config = resources.files("jervis") / "data" / "spark-log4j2.properties"
    builder = SparkSession.builder
    if os.environ.get("JERVIS_SPARK_DRIVER_MEMORY"):  # local mode runs everything in the driver
        builder = builder.config("spark.driver.memory", os.environ["JERVIS_SPARK_DRIVER_MEMORY"])
    session = (
        builder.master(master)
        .appName("jervis")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j.configurationFile=file:{log_config}")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        # A lake has a folder per source and month: list them on the driver, not in a job.
        .config("spark.sql.sources.parallelPartitionDiscovery.threshold", "100000")
        .config("spark.sql.session.timeZone", "UTC")
        # Partition folder names (source=..., month=...) stay strings, never guessed types.
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    _spark.update(session=session, master=master)
    return session


def stop_spark() -> None:
    """Stop the process's Spark session (and its JVM), if one was started."""
    session = _spark.pop("session", None)
    _spark.pop("master", None)
    if session is not None:
        session.stop()


atexit.register(stop_spark)


@dataclass(eq=False)
class Engine:
    """An Ibis backend on a store file or an event lake; ``events()`` is what analyses read."""

    name: str = "duckdb"
    db: str | Path | None = None
    lake: str | Path | None = None
    spark_master: str | None = None
    fusion: bool = True
    _tmp: list[Path] = field(default_factory=list, repr=False)
    _given: bool = field(default=False, repr=False)  # over a caller's backend (``Engine.over``)

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise JervisError(f"unknown engine {self.name!r}; choose duckdb or spark")
        if self.spark_master and self.name != "spark":
            raise JervisError("--spark-master needs --engine spark")
        # Where the events are is checked on first use, so that a command reports the user's
        # first mistake first (a missing dyad file before a missing store).
        self.lake = Path(self.lake) if self.lake is not None else None
        self.db = resolve_db(self.db) if self.lake is None else self.db
        if self.lake is None:
            from jervis.store.db import check_not_lake_catalog

            check_not_lake_catalog(self.db)

    @classmethod
    def over(cls, backend: Any, *, fusion: bool = True) -> Engine:
        """DuckDB through a caller's open Ibis backend on a store (the web app's connection);
        the caller keeps it: ``close()`` does not disconnect it."""
        engine = cls(fusion=fusion)
        engine._given = True
        engine.__dict__["backend"] = engine.__dict__["catalog"] = backend
        return engine

    def _check(self) -> None:
        if self._given:
            return
        if self.lake is not None:
            from jervis.store.lake import check_lake

            check_lake(self.lake)
        elif not Path(self.db).exists():  # type: ignore[arg-type]
            raise JervisError("no such database; run `jervis ingest` first or pass --db", path=str(self.db))

    # -- where things are ---------------------------------------------------------------
    @property
    def catalog_path(self) -> Path:
        """The DuckDB file with ingests, quarantine, sources, actors (and dedup results)."""
        if self.lake is not None:
            from jervis.store.lake import catalog_path

            return catalog_path(self.lake)
        return Path(self.db)  # type: ignore[arg-type]

    def describe(self) -> str:
        where = f"lake {self.lake}" if self.lake is not None else f"store {self.db}"
        how = f"spark ({self.spark_master or DEFAULT_SPARK_MASTER})" if self.name == "spark" else "duckdb"
        return f"{where} on {how}"

    @cached_property
    def backend(self) -> Any:
        self._check()
        if self.name == "spark":
            return ibis.pyspark.connect(spark_session(self.spark_master or DEFAULT_SPARK_MASTER))
        if self.lake is not None:
            # A lake may hold far more than memory: DuckDB keeps to a share of it and spills
            # the rest (joins, caches) to a temporary folder instead of taking all the RAM.
            self._tmp.append(Path(tempfile.mkdtemp(prefix="jervis-duckdb-")))
            atexit.register(shutil.rmtree, self._tmp[-1], True)  # also for engines never closed
            return ibis.duckdb.connect(memory_limit=duckdb_memory_limit(), temp_directory=str(self._tmp[-1]))
        return _read_only(self.db)

    @cached_property
    def catalog(self) -> Any:
        """DuckDB (Ibis) on the catalogue file, read-only."""
        if self.lake is None and self.name == "duckdb":
            return self.backend
        self._check()
        if not self.catalog_path.exists():
            connect(self.catalog_path).close()
        return _read_only(self.catalog_path)

    # -- tables ---------------------------------------------------------------------------
    def _parquet(self, paths: str | list[str]) -> ir.Table:
        if self.name == "spark":
            return self.backend.read_parquet(paths)
        return self.backend.read_parquet(paths, hive_partitioning=False, union_by_name=True)

    def _snapshot(self, table: str) -> ir.Table:
        """A Parquet copy of a store table, for Spark, which cannot open DuckDB files."""
        if not self._tmp:
            self._tmp.append(Path(tempfile.mkdtemp(prefix="jervis-spark-")))
        out = self._tmp[0] / f"{table}.parquet"
        if not out.exists():
            import duckdb

            con = duckdb.connect(str(self.db), read_only=True)
            try:
                con.table(table).write_parquet(str(out))
            finally:
                con.close()
        return self._parquet(str(out))

    @cached_property
    def _stored(self) -> ir.Table:
        self._check()
        if self.lake is not None:
            from jervis.store.lake import event_files

            files = event_files(self.lake)
            if not files:
                empty = ibis.memtable(_empty_events())
                return empty.mutate(row_hash=ibis.null("string"), ingest_id=ibis.null("int64"))
            if self.name == "spark":  # Spark lists the folder itself (skipping _ and . names)
                from jervis.store.lake import check_files

                check_files(self.lake, files)
                return self._parquet(str(self.lake))
            return self._lake_files(files)
        if self.name == "spark":
            return self._snapshot("events")
        return self.backend.table("events")

    def _lake_files(self, files: list[Path]) -> ir.Table:
        """The lake's event files on DuckDB; a damaged file or one of another schema is named
        (store/lake.py ``check_files``) instead of a DuckDB traceback."""
        import duckdb
        import pyarrow as pa

        from jervis.store.lake import check_files
        from jervis.store.schema import ARROW_SCHEMA

        want = {f.name: f.type for f in ARROW_SCHEMA if f.name in COLUMNS}
        check_files(self.lake, files)  # damaged files, files without an event column: named
        try:
            table = self._parquet([str(p) for p in files])
        except duckdb.Error as exc:
            check_files(self.lake, files, want)
            raise JervisError(f"cannot read the lake's files ({str(exc).splitlines()[0]})", path=str(self.lake)) from None
        expected = ibis.Schema.from_pyarrow(pa.schema(list(want.items())))
        got = table.schema()
        if any(n in got and got[n].copy(nullable=True) != t.copy(nullable=True) for n, t in expected.items()):
            check_files(self.lake, files, want)
        return table

    @cached_property
    def _raw(self) -> ir.Table:
        return self._stored.select(*COLUMNS)

    def stored_events(self) -> ir.Table:
        """Every stored row with its housekeeping columns (row_hash, ingest_id)."""
        return self._stored

    def raw_events(self) -> ir.Table:
        """Every stored row, canonical columns."""
        return self._raw

    def dedup_table(self, name: str) -> ir.Table | None:
        """A table written by ``jervis dedup`` (LINKS, FUSED, DEDUP_RUNS), None before a run."""
        if self.lake is not None:
            from jervis.store.lake import dedup_file

            path = dedup_file(self.lake, name)
            if not path.exists():
                return None
            import duckdb

            try:
                return self._parquet(str(path))
            except duckdb.Error as exc:  # a damaged file (Spark reports its own when it reads)
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise JervisError(f"not a readable Parquet file ({first}); run `jervis dedup` again",
                                  path=str(path)) from None  # fmt: skip
        if name not in self.catalog.list_tables():
            return None
        if self.name == "spark":
            return self._snapshot(name)
        return self.backend.table(name)

    @cached_property
    def _fused(self) -> ir.Table | None:
        links, fused = self.dedup_table(LINKS), self.dedup_table(FUSED)
        if links is None or fused is None:
            return None
        raw = self._raw
        types = {c: raw.schema()[c].copy(nullable=True) for c in COLUMNS}
        kept = raw.anti_join(links, raw.event_id == links.event_id)
        kept = kept.select(*[kept[c].cast(types[c]).name(c) for c in COLUMNS])
        return kept.union(fused.select(*[fused[c].cast(types[c]).name(c) for c in COLUMNS]))

    def events(self) -> ir.Table:
        """What analyses read: fused events when fusion is on and dedup has run, else every row."""
        if self.fusion and self._fused is not None:
            return self._fused
        return self._raw

    @cached_property
    def dedup_run(self) -> dict | None:
        """The last ``jervis dedup`` run on this store (when, rows, clusters), or None."""
        runs = self.dedup_table(DEDUP_RUNS)
        if runs is None:
            return None
        frame = runs.to_pandas()
        return frame.iloc[-1].to_dict() if len(frame) else None

    def fusion_note(self, events: Any = None) -> str | None:
        """One sentence for the verdict's notes: did fusion change what the analysis read?"""
        run = self.dedup_run
        if run is None:
            return None
        merged = int(run.get("rows_merged", 0))
        clusters = int(run.get("clusters", 0))
        if not self.fusion:
            return (
                f"--no-fusion: every stored row counts as an event, although `jervis dedup` found "
                f"{merged:,} rows that report {clusters:,} events more than once"
            )
        fused_here = ""
        if events is not None and "event_id" in events:
            n = int(events["event_id"].astype(str).str.startswith(FUSED_PREFIX).sum())
            fused_here = f"{n:,} of these {len(events):,} events are fused records; "
        stale = ""
        latest = self._latest_ingest()
        if latest is not None and latest > int(run.get("max_ingest_id", 0) or 0):
            stale = " Files were ingested after that run: run `jervis dedup` again to fuse them."
        return (
            f"Fused events (jervis dedup of {str(run.get('run_at', ''))[:16]}): {fused_here}"
            f"{merged:,} rows reporting {clusters:,} events more than once were merged, each into "
            f"one record with the best-supported value per field (--no-fusion to count every row)."
            + stale
        )

    def _latest_ingest(self) -> int | None:
        try:
            t = self.catalog.table("ingests")
            value = t.ingest_id.max().to_pandas()
        except Exception:  # noqa: BLE001 - an old catalogue without ingests: nothing to compare
            return None
        return None if value is None or value != value else int(value)

    def close(self) -> None:
        """Release DuckDB handles and temporary snapshots; the engine reopens them when used again.

        The Spark session stays for the process (``stop_spark()``)."""
        for name in ("backend", "catalog"):
            backend = self.__dict__.pop(name, None) if not self._given else None
            if backend is not None and getattr(backend, "name", "") == "duckdb":
                backend.disconnect()
        for name in ("_stored", "_raw", "_fused", "dedup_run"):
            self.__dict__.pop(name, None)
        for path in self._tmp:
            shutil.rmtree(path, ignore_errors=True)
        self._tmp.clear()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def duckdb_memory_limit() -> str:
    """DuckDB's memory for a lake: ``JERVIS_DUCKDB_MEMORY`` (e.g. ``8GB``), else 40% of RAM
    (DuckDB's own default, 80%, leaves too little for the process and its neighbours)."""
    if os.environ.get("JERVIS_DUCKDB_MEMORY"):
        return os.environ["JERVIS_DUCKDB_MEMORY"]
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "4GB"
    return f"{max(1, int(total * 0.4 / 2**30))}GB"


def _read_only(path: Path | str | None) -> Any:
    """Ibis on a jervis store, read-only (several engines in one process may read one store)."""
    return ibis_backend(path)


def _empty_events():
    from jervis.store.schema import empty_table

    return empty_table()


def as_engine(db: Any = None, backend: Any = None) -> Engine:
    """An Engine passes through; a path (or None: $JERVIS_DB, ./jervis.duckdb) is a DuckDB store;
    an Ibis backend (``backend=``, as the web app passes) is read through as it is."""
    if backend is not None:
        db = backend
    if isinstance(db, Engine):
        return db
    if db is None or isinstance(db, str | os.PathLike):
        return Engine(db=db)
    from ibis.backends import BaseBackend

    if not isinstance(db, BaseBackend):  # was an AttributeError at the first query
        raise JervisError(f"db must be a store path (str or pathlib.Path) or an Engine, not {db!r}")
    return Engine.over(db)


def make_engine(
    engine: str = "duckdb",
    *,
    db: str | Path | None = None,
    lake: str | Path | None = None,
    spark_master: str | None = None,
    fusion: bool = True,
) -> Engine:
    """The engine the CLI options describe (``--engine``, ``--spark-master``, ``--lake``)."""
    return Engine(name=engine, db=db, lake=lake, spark_master=spark_master, fusion=fusion)


ROWS_MAX = 2**63 - 1  # SQL LIMIT and OFFSET are 64-bit: more than any table holds


def page_bounds(limit: int | None, offset: int) -> tuple[int | None, int]:
    """A page's limit and offset checked (whole numbers >= 0) and capped at 64 bits: a limit
    past any table's size shows every row, an offset past it none (not a SQL conversion error)."""
    for name, value in (("limit", limit), ("offset", offset)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise JervisError(f"{name} must be a whole number >= 0, not {value!r}")
    return (None if limit is None else min(limit, ROWS_MAX)), min(offset, ROWS_MAX)

