"""What the store holds: quarantine, sources with licences, actors. Read-only, through Ibis."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ibis

from jervis.sources import all_sources
from jervis.store.actors import ActorDictionary
from jervis.store.db import ibis_backend
from jervis.store.query import events_table


def _quarantine_table(backend: Any, source_file: str | None):
    t = backend.table("quarantine")
    return t.filter(t.source_file == source_file) if source_file is not None else t


def quarantined(
    db: str | Path | None = None,
    *,
    limit: int = 50,
    offset: int = 0,
    source_file: str | None = None,
    backend: Any = None,
) -> list[dict]:
    """Rejected rows with their reasons, oldest ingest first (optionally of one source file)."""
    t = _quarantine_table(backend or ibis_backend(db), source_file)
    t = t.order_by([t.ingest_id, t.line]).limit(limit, offset=offset)
    frame = t.select("source_file", "line", "reason", "raw").to_pandas()
    return frame.to_dict("records")


def quarantine_count(
    db: str | Path | None = None, *, source_file: str | None = None, backend: Any = None
) -> int:
    """How many rejected rows `quarantined` pages through."""
    t = _quarantine_table(backend or ibis_backend(db), source_file)
    return int(t.count().to_pyarrow().as_py())


def event_detail(event_id: str, db: str | Path | None = None, *, backend: Any = None) -> dict | None:
    """One event's canonical columns plus where it came from (None when no such event).

    ``provenance``: the file and line it was read from, when and in which format it was
    ingested; ``source``: the dataset's name, licence and attribution; ``edits``: hand
    corrections recorded when it was stored from the extractor.
    """
    backend = backend or ibis_backend(db)
    raw = backend.table("events")
    rows = raw.filter(raw.event_id == event_id).limit(1)
    frame = rows.select(*events_table(backend).columns, "ingest_id", "source_line").to_pandas()
    if frame.empty:
        return None
    row = {k: (None if _missing(v) else v) for k, v in frame.iloc[0].to_dict().items()}
    ingest_id, line = row.pop("ingest_id"), row.pop("source_line")
    ingests = backend.table("ingests")
    found = ingests.filter(ingests.ingest_id == int(ingest_id)).select(
        "path", "format", "finished_at", "username", "sha256").to_pandas()  # fmt: skip
    provenance = {"source_file": None, "line": None if line is None else int(line)}
    if not found.empty:
        ing = found.iloc[0]
        provenance.update(source_file=ing["path"], format=ing["format"], sha256=ing["sha256"],
                          ingested_at=str(ing["finished_at"]), ingested_by=ing["username"])  # fmt: skip
    sources = backend.table("sources")
    info = sources.filter(sources.source_dataset == row["source_dataset"]).to_pandas()
    edits = backend.table("edits")
    changes = edits.filter(edits.event_id == event_id).order_by("edited_at").select(
        "field", "extracted", "stored", "edited_at").to_pandas()  # fmt: skip
    return {
        "event": row,
        "provenance": provenance,
        "source": info.iloc[0].to_dict() if not info.empty else None,
        "edits": [{**e, "edited_at": str(e["edited_at"])} for e in changes.to_dict("records")],
    }


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(value != value)  # NaN, NaT, pd.NA
    except (TypeError, ValueError):
        return False


def source_list(db: str | Path | None = None, *, backend: Any = None) -> list[dict]:
    """Every dataset in the store with its event count, then built-in sources not yet used."""
    backend = backend or ibis_backend(db)
    events = backend.table("events")
    counts = events.group_by("source_dataset").aggregate(events=events.count()).to_pandas()
    stored = dict(zip(counts["source_dataset"], counts["events"], strict=True))
    known = backend.table("sources").to_pandas().to_dict("records")
    rows = [{**r, "events": int(stored.get(r["source_dataset"], 0))} for r in known]
    seen = {r["source_dataset"] for r in rows}
    for info in all_sources():
        if info.dataset not in seen:
            rows.append({"source_dataset": info.dataset, "name": info.name, "licence": info.licence,
                         "attribution": info.attribution, "url": info.url, "events": 0})  # fmt: skip
    return sorted(rows, key=lambda r: (-r["events"], r["source_dataset"]))


def actor_list(
    db: str | Path | None = None, extra: Iterable[str | Path] = (), *, backend: Any = None
) -> list[dict]:
    """The alias dictionary; with a store, how many events name each actor (as actor or target)."""
    dictionary = ActorDictionary.load(*extra)
    counts: dict[str, int] = {}
    path = Path(db) if db else None
    if backend is not None or path is None or path.exists():
        try:
            events = (backend or ibis_backend(db)).table("events")
            names = events.select(name=events.actor).union(events.select(name=events.target), distinct=False)
            per = names.filter(names.name.notnull()).group_by("name").aggregate(n=ibis._.count()).to_pandas()
            counts = dict(zip(per["name"], per["n"].astype(int), strict=True))
        except Exception:  # noqa: BLE001 - no store yet: list the dictionary alone
            counts = {}
    rows = [
        {"name": a.name, "side": a.side, "kind": a.kind, "events": counts.get(a.name, 0),
         "aliases": ", ".join(a.aliases), "source": a.source}
        for a in dictionary.actors.values()
    ]  # fmt: skip
    return sorted(rows, key=lambda r: (-r["events"], r["name"]))
