"""The event lake: canonical events as Parquet files partitioned by source and month.

Layout (Hive-style folder names, readable by DuckDB, Spark, Polars, Arrow)::

    DIR/source=<dataset>/month=<YYYY-MM>/part-<ingest>-<n>.parquet   events (all canonical
                                                                       columns + row_hash, ingest_id)
    DIR/_catalog.duckdb        ingests, quarantine, sources, actors (the ingest's bookkeeping)
    DIR/_dedup/<table>.parquet event_links, fused_events, dedup_runs (written by `jervis dedup`)

The partition values are only folder names; every file holds ``source_dataset`` and ``date``
itself, so readers never depend on parsing them. Names starting with ``_`` or ``.`` are
ignored by Spark's file listing, and readers here list ``source=*/month=*/*.parquet`` only.

``jervis ingest --lake DIR`` merges a file's checked rows with the same rules as the DuckDB
store (``store/ingest.py``): a row whose id is already in the lake with the same content hash
is a duplicate; with another hash the old row is removed from its file (the file is rewritten
without it) and the new one added. New files are written into a hidden staging folder and
moved into place only when the whole file has been read and checked, just before the
catalogue's transaction commits; a crash before that leaves the lake as it was.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import duckdb

from jervis.errors import JervisError
from jervis.store.schema import ARROW_SCHEMA, COLUMNS

CATALOG = "_catalog.duckdb"
LAKE_COLUMNS = (*COLUMNS, "row_hash", "ingest_id")  # what an event file holds
REQUIRED = tuple(f.name for f in ARROW_SCHEMA if not f.nullable)  # never null in an event
DEDUP_DIR = "_dedup"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def catalog_path(lake: str | Path) -> Path:
    return Path(lake) / CATALOG


def check_lake(lake: str | Path) -> Path:
    """An existing lake folder (the catalogue may be missing for a lake written elsewhere, but
    then it has event partitions): any other folder is refused before a reader writes its
    catalogue or `jervis dedup` its tables into it."""
    path = Path(lake)
    if not path.is_dir():
        raise JervisError("no such event lake; create it with `jervis ingest FILES --lake DIR`", path=str(path))
    if not catalog_path(path).exists() and not any(path.glob("source=*")):
        raise JervisError(f"not an event lake (no {CATALOG}, no source=*/ folders); "
                          "create one with `jervis ingest FILES --lake DIR`", path=str(path))  # fmt: skip
    return path


_SCHEMAS: dict[tuple[str, int, int], object] = {}  # (path, size, mtime_ns) -> pyarrow schema
_SCHEMAS_MAX = 200_000  # a few KB each; a lake of more files re-reads footers, nothing worse


def file_schema(file: Path):
    """A Parquet file's schema from its footer, read once per (path, size, mtime) for the life
    of the process: a lake is opened many times (events, screen, web) and its files rarely
    change, so checking every file costs a ``stat`` each after the first open."""
    import pyarrow.parquet as pq

    stat = file.stat()
    key = (str(file), stat.st_size, stat.st_mtime_ns)
    schema = _SCHEMAS.get(key)
    if schema is None:
        schema = pq.read_schema(file)
        if len(_SCHEMAS) >= _SCHEMAS_MAX:
            _SCHEMAS.clear()
        _SCHEMAS[key] = schema
    return schema


def check_files(lake: str | Path, files: list[Path], columns: dict[str, object] | None = None) -> None:
    """Name the first event file that is not readable Parquet, lacks a column every event row
    has (``REQUIRED``) or whose canonical columns have another type than ``columns`` (name ->
    pyarrow type). Readers check every file before reading (footers cached by ``file_schema``):
    read by name, a file without ``event`` would give null events, even beside files that
    have it. Types are checked only when DuckDB reads a column of the lake with another type
    (``columns`` then given), as a file of narrower integers still reads right."""
    import pyarrow as pa

    for file in files:
        where = str(file.relative_to(lake)) if file.is_relative_to(lake) else str(file)
        try:
            schema = file_schema(file)
        except (OSError, pa.ArrowException) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise JervisError(f"not a readable Parquet file ({first})", path=f"{lake}: {where}") from None
        for name, want in (columns or {}).items():
            if name in schema.names and schema.field(name).type != want:
                raise JervisError(f"column {name!r} is {schema.field(name).type}, not {want} as in an "
                                  "event lake", path=f"{lake}: {where}")  # fmt: skip
        missing = [c for c in REQUIRED if c not in schema.names]
        if missing and not set(schema.names) & set(COLUMNS):
            raise JervisError("not an event file: none of the event lake's columns (move it out of the "
                              "lake)", path=f"{lake}: {where}")  # fmt: skip
        if missing:
            raise JervisError(f"not an event file: no column {', '.join(map(repr, missing))} (every event "
                              "has one)", path=f"{lake}: {where}")  # fmt: skip


def event_files(lake: str | Path) -> list[Path]:
    """Every event file of the lake, in a stable order."""
    return sorted(Path(lake).glob("source=*/month=*/*.parquet"))


def dedup_file(lake: str | Path, name: str) -> Path:
    return Path(lake) / DEDUP_DIR / f"{name}.parquet"


def partition_value(value: str) -> str:
    """A folder-safe partition value (the exact value stays inside the files)."""
    return _UNSAFE.sub("_", value) or "_"


def _source_files(lake: Path, sources: list[str]) -> list[str]:
    files: list[Path] = []
    for source in sorted({partition_value(s) for s in sources}):
        files += sorted((lake / f"source={source}").glob("month=*/*.parquet"))
    return [str(f) for f in files]


def merge_into_lake(con: duckdb.DuckDBPyConnection, lake: str | Path, ingest_id: int) -> tuple[int, int]:
    """Merge the view ``_first`` (one checked row per event_id) into the lake.

    Returns (same, changed): ids already stored with the same content hash, and ids stored
    with another hash, whose old rows are removed. Runs inside the ingest's transaction.
    """
    lake = Path(lake)
    lake.mkdir(parents=True, exist_ok=True)
    sources = [r[0] for r in con.execute("SELECT DISTINCT source_dataset FROM _first").fetchall()]
    existing = _source_files(lake, sources)
    same = changed = 0
    rewrites: dict[str, Path] = {}
    staging = lake / f".staging-{ingest_id}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        if existing:
            check_files(lake, [Path(f) for f in existing])  # a foreign file is named, not a traceback
            con.read_parquet(existing, filename=True).create_view("_lake", replace=True)
            con.execute(
                "CREATE TEMP TABLE _known AS SELECT f.event_id, e.row_hash = f.row_hash AS same, "
                "e.filename FROM _first f JOIN _lake e USING (event_id)"
            )
            same, changed = con.execute(
                "SELECT count(*) FILTER (WHERE same), count(*) FILTER (WHERE NOT same) FROM _known"
            ).fetchone()
            if changed:
                stale = [r[0] for r in con.execute(
                    "SELECT DISTINCT filename FROM _known WHERE NOT same ORDER BY 1").fetchall()]  # fmt: skip
                for k, name in enumerate(stale):
                    kept = con.read_parquet(name).filter(
                        "event_id NOT IN (SELECT event_id FROM _known WHERE NOT same)"
                    )
                    target = staging / "rewrite" / f"{k:06d}.parquet"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    if kept.aggregate("count(*)").fetchone()[0]:
                        kept.write_parquet(str(target), compression="zstd")
                    rewrites[name] = target
            new = con.sql(
                "SELECT f.* FROM _first f WHERE NOT EXISTS "
                "(SELECT 1 FROM _known k WHERE k.same AND k.event_id = f.event_id)"
            )
        else:
            new = con.sql("SELECT * FROM _first")
        _write_partitions(con, new, staging / "new", ingest_id)
        _publish(lake, staging / "new", rewrites)
    finally:
        for name in ("TABLE _known", "VIEW _lake"):
            kind, _, table = name.partition(" ")
            con.execute(f"DROP {kind} IF EXISTS {table}")
        shutil.rmtree(staging, ignore_errors=True)
    return same, changed


def _write_partitions(con, rows: duckdb.DuckDBPyRelation, out: Path, ingest_id: int) -> None:
    rows.create_view("_new_rows", replace=True)
    rel = con.sql(
        f"SELECT {', '.join(COLUMNS)}, row_hash, CAST($id AS BIGINT) AS ingest_id, "
        "regexp_replace(source_dataset, '[^A-Za-z0-9_.-]', '_', 'g') AS source, "
        "strftime(date, '%Y-%m') AS month FROM _new_rows ORDER BY date, event_id",
        params={"id": ingest_id},
    )
    if rel.aggregate("count(*)").fetchone()[0]:
        out.mkdir(parents=True, exist_ok=True)
        rel.write_parquet(
            str(out), partition_by=["source", "month"], compression="zstd",
            filename_pattern=f"part-{ingest_id:06d}-{{uuid}}", overwrite=True,
        )  # fmt: skip
    con.execute("DROP VIEW _new_rows")


def _publish(lake: Path, new: Path, rewrites: dict[str, Path]) -> None:
    """Move new files into their partitions and replace rewritten files (renames only)."""
    for path in sorted(new.glob("source=*/month=*/*.parquet")) if new.exists() else []:
        target = lake / path.relative_to(new)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
    for name, replacement in rewrites.items():
        if replacement.exists():
            os.replace(replacement, name)
        else:
            os.remove(name)  # every row of that file had a newer version


def write_events(lake: str | Path, events, *, ingest_id: int = 0) -> int:
    """Write canonical events (pandas or Arrow, already checked) into the lake's partitions.

    For bulk exports and benchmarks; files go through ``jervis ingest --lake`` when they need
    checking, de-duplication and bookkeeping. Returns the number of rows written.
    """
    import pyarrow as pa

    from jervis.store.schema import ARROW_SCHEMA

    table = events if isinstance(events, pa.Table) else pa.Table.from_pandas(
        events[list(COLUMNS)], schema=ARROW_SCHEMA.remove_metadata(), preserve_index=False, safe=False
    )  # fmt: skip
    con = duckdb.connect()
    try:
        rows = con.from_arrow(table)
        rows.create_view("_first")
        staging = Path(lake) / f".staging-export-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        _write_partitions(con, con.sql("SELECT *, CAST(NULL AS VARCHAR) AS row_hash FROM _first"), staging, ingest_id)
        _publish(Path(lake), staging, {})
        shutil.rmtree(staging, ignore_errors=True)
    finally:
        con.close()
    return table.num_rows
