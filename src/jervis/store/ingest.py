"""Ingest files into the store: detect, read, check, de-duplicate and commit atomically.

Each file is one transaction: an interrupted ingest leaves nothing behind. Each file's counts
reconcile: read = stored + quarantined + duplicates, where stored includes rows that replaced an
older version of the same event (a changed file adds only what changed).
"""

from __future__ import annotations

import getpass
import glob
import hashlib
import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from jervis import __version__
from jervis.errors import JervisError
from jervis.sources import SourceInfo, detect_reader
from jervis.store.actors import ActorDictionary
from jervis.store.db import connect, resolve_db
from jervis.store.lake import catalog_path, merge_into_lake
from jervis.store.schema import COLUMNS
from jervis.store.validate import check_batch

ProgressCallback = Callable[[str, int], None]


@dataclass
class IngestCounts:
    read: int = 0
    stored: int = 0
    quarantined: int = 0
    duplicates: int = 0
    updated: int = 0
    files: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def add(self, other: IngestCounts) -> None:
        for name in ("read", "stored", "quarantined", "duplicates", "updated"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self, *, files: bool = False) -> dict:
        out = {k: v for k, v in asdict(self).items() if k not in ("files", "skipped")}
        if files:
            out["files"] = self.files
            out["skipped"] = self.skipped
        return out


def expand_paths(paths: Iterable[str | Path]) -> list[tuple[Path, bool]]:
    """(file, named explicitly) for files, directories (their files, sorted) and globs.

    Files found inside a directory are skipped when no reader recognises them (a README beside
    the data); a file named explicitly must be readable.
    """
    out: list[tuple[Path, bool]] = []
    for item in paths:
        text = str(item)
        path = Path(text)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            out.extend((p, False) for p in found)
        elif path.exists():
            out.append((path, True))
        else:
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise JervisError("no such file", path=text)
            out.extend((Path(m), False) for m in matches if Path(m).is_file())
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ingest(
    paths: Iterable[str | Path] | str | Path,
    *,
    db: str | Path | None = None,
    format: str | None = None,
    mapping: str | Path | None = None,
    actors: Iterable[str | Path] = (),
    progress: ProgressCallback | None = None,
    lake: str | Path | None = None,
) -> dict:
    """Ingest files; returns {"read", "stored", "quarantined", "duplicates", "updated"}.

    With ``lake``, events go to that partitioned Parquet lake (store/lake.py) and the
    bookkeeping to its catalogue; ``db`` is then not used.
    """
    return ingest_counts(
        paths, db=db, format=format, mapping=mapping, actors=actors, progress=progress, lake=lake
    ).as_dict()


def ingest_counts(
    paths: Iterable[str | Path] | str | Path,
    *,
    db: str | Path | None = None,
    format: str | None = None,
    mapping: str | Path | None = None,
    actors: Iterable[str | Path] = (),
    progress: ProgressCallback | None = None,
    lake: str | Path | None = None,
) -> IngestCounts:
    if isinstance(paths, str | Path):
        paths = [paths]
    if lake is not None:
        Path(lake).mkdir(parents=True, exist_ok=True)
        db = catalog_path(lake)
    files = expand_paths(paths)
    dictionary = ActorDictionary.load(*actors)
    total = IngestCounts()
    con = connect(db)
    # Bounded memory for files larger than RAM: DuckDB spills to disk beyond this.
    con.execute("SET memory_limit = '512MB'")
    con.execute("SET preserve_insertion_order = false")
    try:
        _sync_actors(con, dictionary)
        for path, explicit in files:
            try:
                reader = detect_reader(path, format=format, mapping=mapping)
            except JervisError:
                if explicit:
                    raise
                total.skipped.append(str(path))
                continue
            options = {"mapping": Path(mapping)} if mapping else {}
            info = reader.info_for(mapping) if mapping and hasattr(reader, "info_for") else reader.info
            frames = reader.read(path, **options)
            counts = _ingest_frames(
                con, frames, source_file=str(path), sha256=_sha256(path), format=reader.name,
                info=info, actors=dictionary, progress=progress,
                staging_dir=str(resolve_db(db).resolve().parent), lake=lake,
            )  # fmt: skip
            counts.files.append({"path": str(path), "format": reader.name, **counts.as_dict()})
            total.add(counts)
            total.files.extend(counts.files)
    finally:
        con.close()
    return total


def ingest_rows(
    rows: list[dict],
    source_name: str,
    *,
    db: str | Path | None = None,
    info: SourceInfo | None = None,
) -> dict:
    """Store rows already in canonical columns (e.g. from the text extractor)."""
    frame = pd.DataFrame(rows)
    frame["_line"] = range(1, len(frame) + 1)
    frame["_raw"] = [json.dumps(r, default=str, ensure_ascii=False) for r in rows]
    info = info or SourceInfo(
        dataset="text", name="Events extracted from news text by jervis",
        licence="as the source articles", attribution="the publishers of the articles",
    )  # fmt: skip
    digest = hashlib.sha256(frame["_raw"].str.cat(sep="\n").encode()).hexdigest()
    con = connect(db)
    try:
        counts = _ingest_frames(
            con, iter([frame]), source_file=source_name, sha256=digest, format="rows", info=info,
            actors=ActorDictionary.load(), progress=None,
        )  # fmt: skip
    finally:
        con.close()
    return counts.as_dict()


_EVENT_COLS = ", ".join(COLUMNS) + ", row_hash"


def _ingest_frames(
    con: duckdb.DuckDBPyConnection,
    frames: Iterator[pd.DataFrame],
    *,
    source_file: str,
    sha256: str,
    format: str,
    info: SourceInfo,
    actors: ActorDictionary,
    progress: ProgressCallback | None,
    staging_dir: str | None = None,
    lake: str | Path | None = None,
) -> IngestCounts:
    counts = IngestCounts()
    occurrences: Counter[str] = Counter()
    started = datetime.now(UTC).replace(tzinfo=None)
    staging = Path(tempfile.mkdtemp(prefix=".jervis-staging-", dir=staging_dir))
    con.execute("BEGIN TRANSACTION")
    try:
        ingest_id = con.execute("SELECT nextval('ingest_seq')").fetchone()[0]
        # Checked rows are staged in Parquet files, not in the open transaction, so memory
        # stays flat however large the file; DuckDB then streams them in one statement.
        parts = 0
        for frame in frames:
            if frame.empty:
                continue
            checked = check_batch(frame, source_dataset=info.dataset, actors=actors, occurrences=occurrences)
            counts.read += len(frame)
            if checked.good.num_rows:
                pq.write_table(checked.good, staging / f"{parts:06d}.parquet", compression="lz4")
                parts += 1
            if not checked.bad.empty:
                _quarantine(con, checked.bad, ingest_id, source_file, info.dataset)
                counts.quarantined += len(checked.bad)
            if progress:
                progress(source_file, counts.read)
        if parts:
            staged_files = [str(p) for p in sorted(staging.glob("*.parquet"))]
            con.read_parquet(staged_files).create_view("_staged", replace=True)
            same, changed, in_file_duplicates, distinct = _merge_staged(con, ingest_id, lake)
            con.execute("DROP VIEW _staged")
        else:
            same = changed = in_file_duplicates = distinct = 0
        counts.stored = distinct - same
        counts.updated = changed
        counts.duplicates = in_file_duplicates + same
        con.execute(
            "INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ingest_id, started, datetime.now(UTC).replace(tzinfo=None), _user(),
                source_file, sha256, format, info.dataset, counts.read, counts.stored,
                counts.updated, counts.quarantined, counts.duplicates, __version__,
            ],
        )  # fmt: skip
        con.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)",
            [info.dataset, info.name, info.licence, info.attribution, info.url],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    assert counts.read == counts.stored + counts.quarantined + counts.duplicates
    return counts


def _merge_staged(
    con: duckdb.DuckDBPyConnection, ingest_id: int, lake: str | Path | None = None
) -> tuple[int, int, int, int]:
    """Merge the staged rows into events (or the lake); returns (same, changed, in-file
    duplicates, distinct).

    The first row of an id wins inside a file; an id already stored with the same content hash
    is a duplicate, with another hash the stored row is replaced.
    """
    staged, distinct = con.execute("SELECT count(*), count(DISTINCT event_id) FROM _staged").fetchone()
    con.execute(
        "CREATE TEMP TABLE _repeats AS SELECT event_id, min(_line) AS keep FROM _staged "
        "GROUP BY event_id HAVING count(*) > 1"
    )
    con.execute(
        "CREATE TEMP VIEW _first AS SELECT * FROM _staged s WHERE NOT EXISTS "
        "(SELECT 1 FROM _repeats r WHERE r.event_id = s.event_id AND r.keep <> s._line)"
    )
    if lake is not None:
        same, changed = merge_into_lake(con, lake, ingest_id)
        for name in ("VIEW _first", "TABLE _repeats"):
            con.execute(f"DROP {name}")
        return same, changed, staged - distinct, distinct
    con.execute(
        "CREATE TEMP TABLE _known AS SELECT f.event_id, e.row_hash = f.row_hash AS same "
        "FROM _first f JOIN events e USING (event_id)"
    )
    same, changed = con.execute(
        "SELECT count(*) FILTER (WHERE same), count(*) FILTER (WHERE NOT same) FROM _known"
    ).fetchone()
    if changed:
        con.execute("DELETE FROM events WHERE event_id IN (SELECT event_id FROM _known WHERE NOT same)")
    con.execute(
        f"INSERT INTO events SELECT {_EVENT_COLS}, ? FROM _first f "
        "WHERE NOT EXISTS (SELECT 1 FROM _known k WHERE k.same AND k.event_id = f.event_id)",
        [ingest_id],
    )
    for name in ("VIEW _first", "TABLE _known", "TABLE _repeats"):
        con.execute(f"DROP {name}")
    return same, changed, staged - distinct, distinct


def _quarantine(con, bad: pd.DataFrame, ingest_id: int, source_file: str, dataset: str) -> None:
    """Keep rejected rows with their reason; the same bad row of the same file is kept once."""
    rows = bad.assign(
        ingest_id=ingest_id,
        source_file=source_file,
        source_dataset=dataset,
        raw=bad["raw"].fillna("").astype(str),
    )
    rows["raw_hash"] = [hashlib.sha1(r.encode("utf-8", "surrogatepass")).hexdigest() for r in rows["raw"]]
    rows["raw"] = rows["raw"].map(lambda r: r.encode("utf-8", "backslashreplace").decode("utf-8"))
    rows = rows[["ingest_id", "source_file", "line", "reason", "raw", "raw_hash", "source_dataset"]]
    con.register("_bad", rows)
    con.execute(
        "INSERT INTO quarantine SELECT * FROM _bad b WHERE NOT EXISTS (SELECT 1 FROM quarantine q "
        "WHERE q.source_file = b.source_file AND q.line = b.line AND q.raw_hash = b.raw_hash)"
    )
    con.unregister("_bad")


def _sync_actors(con, dictionary: ActorDictionary) -> None:
    rows = [
        (a.name, list(a.aliases), a.side, a.kind, a.source) for a in dictionary.actors.values()
    ]
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM actors")
    con.executemany("INSERT INTO actors VALUES (?, ?, ?, ?, ?)", rows)
    con.execute("COMMIT")


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not an error worth failing for
        return "unknown"
