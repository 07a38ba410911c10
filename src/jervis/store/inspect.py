"""What the store holds: quarantine, sources with licences, actors. Read-only, through Ibis."""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import ibis

from jervis.errors import JervisError
from jervis.sources import all_sources
from jervis.store.actors import ActorDictionary
from jervis.store.db import ibis_backend
from jervis.store.engine import Engine, as_engine, page_bounds
from jervis.store.schema import COLUMNS


def _named(column: Any, name: str) -> Any:
    """Stored paths (absolute) that a user's ``name`` for a file points at: the full path, or
    a relative path (as given at ingest, as `jervis quarantine` shows it below the working
    folder) or a name (as pages show it) that ends the stored path at a folder boundary. Ibis
    literals: no LIKE, so ``%`` and ``_`` in a name match only themselves."""
    name = name.replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    if not name or name.endswith("/") or "/../" in f"/{name}/" or name.startswith("/"):
        return column == name  # absolute, or not a file's name: the stored path exactly
    return (column == name) | column.endswith(f"/{name}")


def _quarantine_table(backend: Any, source_file: str | Sequence[str] | None, named: str | None = None):
    """The quarantine, of one stored file (or any of several), of the files a user names
    ``named`` (``_named``), or of either when both are given."""
    t = backend.table("quarantine")
    if source_file is None and named is None:
        return t
    paths = [source_file] if isinstance(source_file, str) else list(source_file or ())
    for text in [*paths, *([named] if named is not None else [])]:
        if "\x00" in str(text):  # Ibis inlines literals; DuckDB's parser stops at a NUL
            raise JervisError(f"file name {str(text)!r} contains a NUL character")
    keep = [_named(t.source_file, named)] if named is not None else []
    keep += [t.source_file.isin(paths)] if paths else []
    return t.filter(functools.reduce(operator.or_, keep)) if keep else t.filter(ibis.literal(False))


def quarantined(
    db: str | Path | Engine | None = None,
    *,
    limit: int = 50,
    offset: int = 0,
    source_file: str | Sequence[str] | None = None,
    named: str | None = None,
    backend: Any = None,
) -> list[dict]:
    """Rejected rows with their reasons, oldest ingest first: all, or those of ``source_file``
    (a stored path, or several), of the files a user names ``named`` (full path, the path as
    given at ingest or the file's name), or of either."""
    limit, offset = page_bounds(limit, offset)
    t = _quarantine_table(as_engine(db, backend).catalog, source_file, named)
    t = t.order_by([t.ingest_id, t.line]).limit(limit, offset=offset)
    frame = t.select("source_file", "line", "reason", "raw").to_pandas()
    return frame.to_dict("records")


def quarantine_count(
    db: str | Path | None = None,
    *,
    source_file: str | Sequence[str] | None = None,
    named: str | None = None,
    backend: Any = None,
) -> int:
    """How many rejected rows `quarantined` pages through."""
    t = _quarantine_table(as_engine(db, backend).catalog, source_file, named)
    return int(t.count().to_pyarrow().as_py())


def event_detail(event_id: str, db: str | Path | None = None, *, backend: Any = None) -> dict | None:
    """One event's canonical columns plus where it came from (None when no such event).

    ``provenance``: the file and line it was read from, when and in which format it was
    ingested; ``source``: the dataset's name, licence and attribution; ``edits``: hand
    corrections recorded when it was stored from the extractor. On DuckDB one statement with a
    bound id (a page per event must be quick), elsewhere Ibis.
    """
    backend = backend or ibis_backend(db)
    raw = backend.table("events")
    line = "source_line" if "source_line" in raw.columns else None  # a store opened read-only
    if getattr(backend, "name", None) == "duckdb":
        cols = ", ".join(f"e.{c}" for c in COLUMNS)
        found = backend.con.execute(
            f"SELECT {cols}, {'e.source_line' if line else 'NULL'} AS source_line, i.path, i.format, "
            "i.sha256, i.finished_at, i.username, s.name AS s_name, s.licence, s.attribution, s.url "
            "FROM events e LEFT JOIN ingests i ON i.ingest_id = e.ingest_id "
            "LEFT JOIN sources s ON s.source_dataset = e.source_dataset WHERE e.event_id = ? LIMIT 1",
            [event_id],
        ).fetchone()
        if found is None:
            return None
        row = dict(zip(COLUMNS, found[: len(COLUMNS)], strict=True))
        extra = dict(zip(("source_line", "path", "format", "sha256", "finished_at", "username",
                          "s_name", "licence", "attribution", "url"), found[len(COLUMNS):], strict=True))  # fmt: skip
        try:
            changes = backend.con.execute(
                "SELECT field, extracted, stored, edited_at FROM edits WHERE event_id = ? "
                "ORDER BY edited_at", [event_id]).fetchall()  # fmt: skip
        except duckdb.CatalogException:  # an older store opened read-only has no edits table
            changes = []
        edits = [dict(zip(("field", "extracted", "stored", "edited_at"), c, strict=True)) for c in changes]
    else:
        frame = raw.filter(raw.event_id == event_id).limit(1).to_pandas()
        if frame.empty:
            return None
        first = {k: (None if _missing(v) else v) for k, v in frame.iloc[0].to_dict().items()}
        row = {c: first[c] for c in COLUMNS}
        ingests = backend.table("ingests")
        ing = ingests.filter(ingests.ingest_id == int(first["ingest_id"])).to_pandas()
        sources = backend.table("sources")
        src = sources.filter(sources.source_dataset == row["source_dataset"]).to_pandas()
        ing_row = ing.iloc[0].to_dict() if not ing.empty else {}
        src_row = src.iloc[0].to_dict() if not src.empty else {}
        extra = {"source_line": first.get("source_line"), "path": ing_row.get("path"),
                 "format": ing_row.get("format"), "sha256": ing_row.get("sha256"),
                 "finished_at": ing_row.get("finished_at"), "username": ing_row.get("username"),
                 "s_name": src_row.get("name"), "licence": src_row.get("licence"),
                 "attribution": src_row.get("attribution"), "url": src_row.get("url")}  # fmt: skip
        t = backend.table("edits")
        edits = t.filter(t.event_id == event_id).order_by("edited_at").to_pandas().to_dict("records")
    provenance = {"source_file": extra["path"], "line": None if extra["source_line"] is None else int(extra["source_line"]),
                  "format": extra["format"], "sha256": extra["sha256"],
                  "ingested_at": None if extra["finished_at"] is None else str(extra["finished_at"]),
                  "ingested_by": extra["username"]}  # fmt: skip
    source = None
    if extra["s_name"] is not None or extra["licence"] is not None:
        source = {"source_dataset": row["source_dataset"], "name": extra["s_name"], "licence": extra["licence"],
                  "attribution": extra["attribution"], "url": extra["url"]}  # fmt: skip
    return {
        "event": row,
        "provenance": provenance,
        "source": source,
        "edits": [{**e, "edited_at": str(e["edited_at"])} for e in edits],
    }


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(value != value)  # NaN, NaT, pd.NA
    except (TypeError, ValueError):
        return False


def source_list(db: str | Path | Engine | None = None, *, backend: Any = None) -> list[dict]:
    """Every dataset in the store with its event count, then built-in sources not yet used."""
    engine = as_engine(db, backend)
    events = engine.raw_events()
    counts = events.group_by("source_dataset").aggregate(events=events.count()).to_pandas()
    stored = dict(zip(counts["source_dataset"], counts["events"], strict=True))
    known = engine.catalog.table("sources").to_pandas().to_dict("records")
    rows = [{**r, "events": int(stored.get(r["source_dataset"], 0))} for r in known]
    seen = {r["source_dataset"] for r in rows}
    for info in all_sources():
        if info.dataset not in seen:
            rows.append({"source_dataset": info.dataset, "name": info.name, "licence": info.licence,
                         "attribution": info.attribution, "url": info.url, "events": 0})  # fmt: skip
    return sorted(rows, key=lambda r: (-r["events"], r["source_dataset"]))


def actor_list(
    db: str | Path | Engine | None = None, extra: Iterable[str | Path] = (), *, backend: Any = None
) -> list[dict]:
    """The alias dictionary; with a store, how many events name each actor (as actor or target)."""
    dictionary = ActorDictionary.load(*extra)
    counts: dict[str, int] = {}
    path = Path(db) if db and not isinstance(db, Engine) else None
    if backend is not None or path is None or path.exists():
        try:
            events = as_engine(db, backend).raw_events()
            names = events.select(name=events.actor).union(events.select(name=events.target), distinct=False)
            per = names.filter(names.name.notnull()).group_by("name").aggregate(n=ibis._.count()).to_pandas()
            counts = dict(zip(per["name"], per["n"].astype(int), strict=True))
        except JervisError:  # a folder, a data file, a damaged store: said, not shown as no counts
            raise
        except Exception:  # noqa: BLE001 - no store yet: list the dictionary alone
            counts = {}
    rows = [
        {"name": a.name, "side": a.side, "kind": a.kind, "events": counts.get(a.name, 0),
         "aliases": ", ".join(a.aliases), "source": a.source}
        for a in dictionary.actors.values()
    ]  # fmt: skip
    return sorted(rows, key=lambda r: (-r["events"], r["name"]))
