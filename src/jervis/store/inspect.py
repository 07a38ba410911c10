"""What the store holds: quarantine, sources with licences, actors. Read-only, through Ibis."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import ibis

from jervis.sources import all_sources
from jervis.store.actors import ActorDictionary
from jervis.store.engine import Engine, as_engine


def quarantined(db: str | Path | Engine | None = None, *, limit: int = 50) -> list[dict]:
    t = as_engine(db).catalog.table("quarantine")
    t = t.order_by([t.ingest_id, t.line]).limit(limit)
    frame = t.select("source_file", "line", "reason", "raw").to_pandas()
    return frame.to_dict("records")


def source_list(db: str | Path | Engine | None = None) -> list[dict]:
    """Every dataset in the store with its event count, then built-in sources not yet used."""
    engine = as_engine(db)
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


def actor_list(db: str | Path | Engine | None = None, extra: Iterable[str | Path] = ()) -> list[dict]:
    """The alias dictionary; with a store, how many events name each actor (as actor or target)."""
    dictionary = ActorDictionary.load(*extra)
    counts: dict[str, int] = {}
    path = Path(db) if db and not isinstance(db, Engine) else None
    if path is None or path.exists():
        try:
            events = as_engine(db).raw_events()
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
