"""The embedded DuckDB store: where it lives, its tables, and Ibis access for read queries."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb

from jervis.errors import JervisError
from jervis.store.schema import ARROW_SCHEMA

DEFAULT_DB = "jervis.duckdb"

_SQL_TYPES = {
    "string": "VARCHAR",
    "date32[day]": "DATE",
    "double": "DOUBLE",
    "int16": "SMALLINT",
    "int32": "INTEGER",
}


def resolve_db(db: str | Path | None = None) -> Path:
    """--db, else $JERVIS_DB, else ./jervis.duckdb."""
    if db is not None and not isinstance(db, str | os.PathLike):  # Path(5): a TypeError from pathlib
        raise JervisError(f"db must be a store path (str or pathlib.Path), not {db!r}")
    return Path(db or os.environ.get("JERVIS_DB") or DEFAULT_DB)


def _events_ddl() -> str:
    cols = []
    for f in ARROW_SCHEMA:
        sql_type = _SQL_TYPES[str(f.type)]
        null = "" if f.nullable else " NOT NULL"
        cols.append(f"{f.name} {sql_type}{null}")
    # Housekeeping columns, never exported: the row's content hash, which ingest stored it and
    # the line (row) of the source file it came from (shown on the web app's event page).
    cols += ["row_hash VARCHAR NOT NULL", "ingest_id BIGINT NOT NULL", "source_line BIGINT"]
    return "CREATE TABLE IF NOT EXISTS events (" + ", ".join(cols) + ")"


DDL = [
    "CREATE SEQUENCE IF NOT EXISTS ingest_seq START 1",
    """CREATE TABLE IF NOT EXISTS ingests (
        ingest_id BIGINT PRIMARY KEY, started_at TIMESTAMP, finished_at TIMESTAMP,
        username VARCHAR, path VARCHAR, sha256 VARCHAR, format VARCHAR, source_dataset VARCHAR,
        read BIGINT, stored BIGINT, updated BIGINT, quarantined BIGINT, duplicates BIGINT,
        jervis_version VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS quarantine (
        ingest_id BIGINT, source_file VARCHAR, line BIGINT, reason VARCHAR, raw VARCHAR,
        raw_hash VARCHAR, source_dataset VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS actors (
        name VARCHAR PRIMARY KEY, aliases VARCHAR[], side VARCHAR, kind VARCHAR, source VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS sources (
        source_dataset VARCHAR PRIMARY KEY, name VARCHAR, licence VARCHAR, attribution VARCHAR,
        url VARCHAR)""",
    # Hand corrections of extracted events (web app): what the extractor read, what was stored.
    """CREATE TABLE IF NOT EXISTS edits (
        event_id VARCHAR, field VARCHAR, extracted VARCHAR, stored VARCHAR, edited_at TIMESTAMP)""",
]


_MAGIC = b"DUCK"  # bytes 8..12 of every DuckDB database file


def is_duckdb_header(head: bytes) -> bool:
    """Whether a file's first 16 bytes are a DuckDB database's (its magic at bytes 8..12)."""
    return head[8:12] == _MAGIC
_TABLES = {"events", "ingests", "quarantine", "actors", "sources"}
# Columns added after the first release: created on open, so older stores keep working.
_MIGRATIONS = [
    "ALTER TABLE ingests ADD COLUMN IF NOT EXISTS lines BIGINT",
    "ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS file_sha256 VARCHAR",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS source_line BIGINT",  # null: line not recorded
]


def check_store_path(path: Path) -> None:
    """Refuse a --db that exists but is not a DuckDB database (a CSV, a folder, ...).

    DuckDB would open such a file as a read-only attached file with an in-memory main
    database: an ingest would report rows stored and save nothing.
    """
    if path.is_dir():
        raise JervisError("is a folder, not a DuckDB database; give a file path for --db", path=str(path))
    if not path.exists():
        if not path.parent.exists():
            raise JervisError("the folder for the database does not exist", path=str(path))
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise JervisError(f"cannot read database ({exc.strerror})", path=str(path)) from None
    if len(head) == 0:
        return  # an empty file (e.g. from mktemp): DuckDB makes it a database
    if not is_duckdb_header(head):
        raise JervisError(
            "is not a DuckDB database (is it a data file? name it as the file to ingest, and "
            "give --db a new or existing .duckdb path)",
            path=str(path),
        )


def check_not_lake_catalog(path: str | Path) -> None:
    """A --db naming an event lake's catalogue is refused: rows ingested there went into a table
    no read of the lake looks at (its events are the Parquet files beside it)."""
    from jervis.store.lake import CATALOG

    if Path(path).name == CATALOG:
        raise JervisError("is an event lake's catalogue, not a store; give the lake's folder "
                          "with --lake instead of --db", path=str(path))  # fmt: skip


def check_export_path(out: Path, lake: str | Path | None = None) -> None:
    """An export (--out) never overwrites a DuckDB database (the store it was read from, or
    another) nor lands inside the event lake being read (a foreign Parquet file there breaks
    every later read)."""
    try:
        with open(out, "rb") as fh:
            head = fh.read(16)
    except OSError:
        head = b""
    if is_duckdb_header(head):
        raise JervisError("is a DuckDB database (a jervis store?); --out will not overwrite it, "
                          "give another file name", path=str(out))  # fmt: skip
    if lake is not None and Path(out).resolve().is_relative_to(Path(lake).resolve()):
        raise JervisError("is inside the event lake being read; write the export outside it",
                          path=str(out))  # fmt: skip


def _lock_message(exc: Exception, path: Path) -> JervisError:
    text = str(exc)
    if "lock" not in text.lower():
        return JervisError(f"cannot open database ({text.splitlines()[0]})", path=str(path))
    match = re.search(r"PID (\d+)", text)
    pid = f" (pid {match.group(1)})" if match else ""
    return JervisError(
        f"the store is being written by another jervis process{pid}; try again when it has "
        "finished, or use a copy of the database",
        path=str(path),
    )


def connect(db: str | Path | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store; for writing, create it and its tables if needed.

    Commands that only read open it read-only: they work on a read-only mount and beside
    other readers.
    """
    path = resolve_db(db)
    if read_only and not path.exists():
        raise JervisError("no such database; run `jervis ingest` first or pass --db", path=str(path))
    check_store_path(path)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise _lock_message(exc, path) from None
    if read_only:
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if not _TABLES <= present:
            con.close()
            raise JervisError("this DuckDB database is not a jervis store (no events table); "
                              "run `jervis ingest` into it first", path=str(path))  # fmt: skip
        return con
    try:
        con.execute(_events_ddl())
        for statement in DDL + _MIGRATIONS:
            con.execute(statement)
    except duckdb.Error as exc:
        con.close()
        raise JervisError(f"cannot prepare the store ({str(exc).splitlines()[0]})", path=str(path)) from None
    return con


def ibis_backend(db: str | Path | None = None):
    """An Ibis backend on the store, read-only, so queries run unchanged on Spark."""
    import ibis

    path = resolve_db(db)
    connect(path, read_only=True).close()  # a jervis store, readable: else one clear line
    try:
        return ibis.duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise _lock_message(exc, path) from None
