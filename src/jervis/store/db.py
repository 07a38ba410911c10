"""The embedded DuckDB store: where it lives, its tables, and Ibis access for read queries."""

from __future__ import annotations

import os
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
    return Path(db or os.environ.get("JERVIS_DB") or DEFAULT_DB)


def _events_ddl() -> str:
    cols = []
    for f in ARROW_SCHEMA:
        sql_type = _SQL_TYPES[str(f.type)]
        null = "" if f.nullable else " NOT NULL"
        cols.append(f"{f.name} {sql_type}{null}")
    # Housekeeping columns, never exported: which ingest stored the row and its content hash.
    cols += ["row_hash VARCHAR NOT NULL", "ingest_id BIGINT NOT NULL"]
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
]


def connect(db: str | Path | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store and make sure its tables exist."""
    path = resolve_db(db)
    if read_only and not path.exists():
        raise JervisError("no such database; run `jervis ingest` first or pass --db", path=str(path))
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise JervisError(f"cannot open database ({exc})", path=str(path)) from None
    if not read_only:
        con.execute(_events_ddl())
        for statement in DDL:
            con.execute(statement)
    return con


def ibis_backend(db: str | Path | None = None):
    """An Ibis backend on the store, read-only, so queries run unchanged on Spark."""
    import ibis

    path = resolve_db(db)
    if not path.exists():
        raise JervisError("no such database; run `jervis ingest` first or pass --db", path=str(path))
    connect(path).close()  # make sure the tables exist even on an old file
    return ibis.duckdb.connect(str(path), read_only=True)
