"""Ingest files into the store: detect, read, check, de-duplicate and commit atomically.

Each file is one transaction: an interrupted ingest leaves nothing behind. Each file's counts
reconcile: read = stored + quarantined + duplicates, where stored includes rows that replaced an
older version of the same event (a changed file adds only what changed).
"""

from __future__ import annotations

import csv
import errno
import getpass
import glob
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from jervis import __version__
from jervis.errors import JervisError
from jervis.sources import SourceInfo, detect_reader
from jervis.sources.base import (
    ArrowBatch,
    content_hash,
    open_binary,
    safe_text,
    split_member,
    zip_members,
)
from jervis.store.actors import ActorDictionary
from jervis.store.db import check_not_lake_catalog, connect, resolve_db
from jervis.store.lake import catalog_path, merge_into_lake
from jervis.store.schema import COLUMNS
from jervis.store.validate import check_batch

ProgressCallback = Callable[[str, int], None]
Batch = pd.DataFrame | ArrowBatch  # what readers yield


@dataclass
class IngestCounts:
    read: int = 0
    stored: int = 0
    quarantined: int = 0
    duplicates: int = 0
    updated: int = 0
    lines: int = 0  # physical data lines (a quoted record with line breaks spans several)
    files: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {"file", "reason"}

    def add(self, other: IngestCounts) -> None:
        for name in ("read", "stored", "quarantined", "duplicates", "updated", "lines"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self, *, files: bool = False) -> dict:
        out = {k: v for k, v in asdict(self).items() if k not in ("files", "skipped", "lines")}
        if files:
            out["files"] = self.files
        if self.skipped or files:
            out["skipped"] = self.skipped
        return out


@dataclass(frozen=True)
class Input:
    """One file to ingest: a path (or ``archive.zip/member``) and whether the user named it."""

    path: Path
    explicit: bool


def expand_paths(paths: Iterable[str | Path], skipped: list[dict] | None = None) -> list[Input]:
    """The files to read from files, directories (their files, sorted), globs and zip archives.

    A zip archive with several members is read member by member (``x.zip/member``). Files
    found inside a directory or archive that no reader recognises are skipped and listed in
    ``skipped``; a file named explicitly must be readable.
    """
    skipped = skipped if skipped is not None else []
    out: list[Input] = []
    for item in paths:
        text = str(item)
        path = Path(text)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if not p.name.startswith(".") and not p.is_dir())
            for p in found:
                if not p.is_file():  # a broken symbolic link, a socket, a FIFO: said, not dropped
                    skipped.append({"file": str(p), "reason": _not_a_file(p)})
                    continue
                out.extend(_archive(p, explicit=False, skipped=skipped))
            if not found:
                raise JervisError("the folder holds no file to read", path=text)
        elif path.exists() and not path.is_file():  # a device, a FIFO, /dev/stdin fed by a pipe
            raise JervisError("is not a regular file (a device, a pipe or a socket): its format is "
                              "sniffed before it is read, and a pipe cannot be read twice; save the "
                              "data to a file and ingest that", path=text)  # fmt: skip
        elif path.exists() or split_member(path):
            out.extend(_archive(path, explicit=True, skipped=skipped))
        elif path.is_symlink():  # named explicitly, but its target is missing or a loop
            raise JervisError(_not_a_file(path), path=text)
        else:
            try:
                matches = sorted(glob.glob(text, recursive=True))
            except (re.error, ValueError):
                matches = []
            if not matches:
                raise JervisError("no such file", path=text)
            for m in matches:
                if Path(m).is_file():
                    out.extend(_archive(Path(m), explicit=False, skipped=skipped))
                elif not Path(m).is_dir():
                    skipped.append({"file": m, "reason": _not_a_file(Path(m))})
    return out


def _not_a_file(path: Path) -> str:
    """Why a path that is listed cannot be read as a file."""
    if path.is_symlink():
        try:
            path.stat()
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return "a symbolic link that loops back on itself"
            return f"a symbolic link to {os.readlink(path)!r}, which does not exist"
    return "not a regular file"


def _archive(path: Path, *, explicit: bool, skipped: list[dict]) -> list[Input]:
    """A file, or the members of a zip archive with several (limits checked first)."""
    if path.suffix.lower() != ".zip" or split_member(path):
        return [Input(path, explicit)]
    try:
        members = zip_members(path)
    except JervisError as exc:
        if explicit:
            raise
        skipped.append({"file": str(path), "reason": exc.message})
        return []
    nested = [m.filename for m in members if m.filename.lower().endswith(".zip")]
    if len(members) == 1 and not nested:
        return [Input(path, explicit)]
    out = []
    for member in members:
        inner = path / member.filename
        if member.filename in nested:
            skipped.append({"file": str(inner), "reason": "an archive inside an archive is not read"})
            continue
        out.append(Input(inner, False))
    if not out and explicit:
        if nested:  # a one-member zip of a zip was "cannot tell the format" of the outer file
            raise JervisError(f"the zip archive holds only {', '.join(nested[:10])}: an archive inside "
                              "an archive is not read; unzip it and ingest what it holds", path=str(path))  # fmt: skip
        raise JervisError("the zip archive holds no file to read", path=str(path))
    return out


def _sha256(path: Path) -> str:
    """The file's hash when its reader did not read it whole in one pass (Parquet)."""
    digest = hashlib.sha256()
    try:
        with open_binary(path) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise JervisError(f"cannot read file ({exc.strerror or exc})", path=str(path)) from None
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

    Files that were found in a folder, glob or archive and could not be read are listed under
    "skipped" ({"file", "reason"}) when there are any. With ``lake``, events go to that partitioned Parquet lake (store/lake.py) and the
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
    paths = list(paths) if isinstance(paths, Iterable) and not isinstance(paths, bytes) else None
    if paths is None or not all(isinstance(p, str | Path) for p in paths):  # not a TypeError deep inside
        raise JervisError("paths must be a file path or a list of them (str or pathlib.Path)")
    if lake is not None:
        if Path(lake).exists() and not Path(lake).is_dir():
            raise JervisError("is a file; --lake needs a folder (a new one is created)", path=str(lake))
        if Path(lake).is_dir() and any(Path(lake).iterdir()):
            # a folder of other files is left alone, as every reader leaves it; an existing lake
            # is checked as its readers check it, before rows go where no read would find them
            from jervis.store.lake import CATALOG, check_files, event_files

            if not catalog_path(lake).exists() and not any(Path(lake).glob("source=*")):
                raise JervisError(f"not an event lake (no {CATALOG}, no source=*/ folders) and not empty; "
                                  "give --lake a new or empty folder", path=str(lake))  # fmt: skip
            check_files(lake, event_files(lake))
        try:
            Path(lake).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise JervisError(f"cannot create the lake ({exc.strerror or exc})", path=str(lake)) from None
        db = catalog_path(lake)
    else:
        check_not_lake_catalog(resolve_db(db))
    total = IngestCounts()
    files = expand_paths(paths, total.skipped)
    dictionary = ActorDictionary.load(*([actors] if isinstance(actors, str | Path) else actors))
    if mapping:
        from jervis.sources.mapping import load_mapping

        mapping = load_mapping(mapping)  # checked once, before the store is touched
    store = resolve_db(db)
    con = connect(store)
    # Bounded memory for files larger than RAM: DuckDB spills to disk beyond this.
    con.execute("SET memory_limit = '512MB'")
    con.execute("SET preserve_insertion_order = false")
    staging_dir = store.resolve().parent
    clean_stale_staging(staging_dir, store.name)
    try:
        _sync_actors(con, dictionary)
        for item in files:
            try:
                counts = _ingest_file(
                    con, item.path, format=format, mapping=mapping, actors=dictionary,
                    progress=progress, staging_dir=staging_dir, store=store, lake=lake,
                )  # fmt: skip
            except JervisError as exc:
                if item.explicit:
                    raise
                total.skipped.append({"file": str(item.path), "reason": exc.message})
                continue
            total.add(counts)
            total.files.extend(counts.files)
    finally:
        con.close()
    return total


def _ingest_file(
    con: duckdb.DuckDBPyConnection, path: Path, *, format: str | None, mapping: object,
    actors: ActorDictionary, progress: ProgressCallback | None, staging_dir: Path, store: Path,
    lake: str | Path | None = None,
) -> IngestCounts:  # fmt: skip
    reader = detect_reader(path, format=format, mapping=mapping)  # type: ignore[arg-type]
    options = {"mapping": mapping} if mapping else {}
    info = mapping.info if mapping is not None and reader.name == "mapping" else reader.info  # type: ignore[attr-defined]
    source_file = _display_path(path)
    read = getattr(reader, "read_arrow", None) or reader.read  # Arrow batches when the reader has them
    with content_hash(path) as tap:  # the file is hashed as the reader reads it: one pass
        frames = _guarded(read(path, **options), path, reader.name)
        counts = _ingest_frames(
            con, frames, source_file=source_file, sha256=lambda: tap.result() or _sha256(path),
            format=reader.name, info=info, actors=actors, progress=progress,
            staging_dir=str(staging_dir), staging_prefix=_staging_prefix(store.name), lake=lake,
        )  # fmt: skip
    counts.files.append({"path": source_file, "format": reader.name, **counts.as_dict(), "lines": counts.lines})
    return counts


def _display_path(path: Path) -> str:
    """The file as stored in quarantine/ingests: absolute, so two spellings are one file; a name
    that is not UTF-8 (bytes a POSIX file name may hold) keeps those bytes as \\x.. escapes."""
    member = split_member(path)
    if member:
        archive, name = member
        return safe_text(f"{archive.resolve()}/{name}")
    return safe_text(str(path.resolve()))


def _guarded(frames: Iterator[Batch], path: Path, format: str) -> Iterator[Batch]:
    """A reader's batches; its failures on a file it cannot read become one clear line."""
    try:
        yield from frames
    except JervisError as exc:
        if exc.path is None:
            exc.path = str(path)
        raise
    except KeyError as exc:  # a forced --format on a file without that format's columns
        raise JervisError(
            f"this file is not in the {format!r} format (it has no column {exc.args[0]!r}); "
            "drop --format to detect the format, or use --mapping",
            path=str(path),
        ) from None
    except (UnicodeError, csv.Error, zipfile.BadZipFile, EOFError, pa.ArrowException) as exc:
        raise JervisError(f"cannot read this file as {format!r} ({str(exc).splitlines()[0]})", path=str(path)) from None
    except OSError as exc:
        raise JervisError(f"cannot read file ({exc.strerror or exc})", path=str(path)) from None


def _staging_prefix(store_name: str) -> str:
    return f".jervis-staging-{store_name}~"


def clean_stale_staging(folder: Path, store_name: str) -> list[Path]:
    """Remove staging folders left by a killed ingest into this store.

    Called with the store open for writing: DuckDB's lock means no other process is
    ingesting into it, so every staging folder of this store is stale.
    """
    removed = []
    for stale in folder.glob(_staging_prefix(store_name) + "*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
            removed.append(stale)
    return removed


def ingest_rows(
    rows: list[dict],
    source_name: str,
    *,
    db: str | Path | None = None,
    info: SourceInfo | None = None,
) -> dict:
    """Store rows already in canonical columns (e.g. from the text extractor)."""
    if not isinstance(rows, list | tuple):
        raise JervisError(f"rows must be a list of dicts (canonical column -> value), not {type(rows).__name__}")
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise JervisError(f"row {i} is a {type(row).__name__}, not a dict (canonical column -> value)")
        unknown = [k for k in row if k not in COLUMNS]
        if unknown:  # a misspelt column was dropped without a word
            raise JervisError(f"row {i} has keys that are not canonical columns: "
                              f"{', '.join(repr(k) for k in unknown[:5])} (docs/schema.md)")  # fmt: skip
    if not rows:
        return IngestCounts().as_dict()
    frame = pd.DataFrame(list(rows))
    frame["_line"] = range(1, len(frame) + 1)
    frame["_raw"] = [json.dumps(r, default=str, ensure_ascii=False) for r in rows]
    info = info or SourceInfo(
        dataset="text", name="Events extracted from news text by jervis",
        licence="as the source articles", attribution="the publishers of the articles",
    )  # fmt: skip
    digest = hashlib.sha256(frame["_raw"].str.cat(sep="\n").encode("utf-8", "surrogatepass")).hexdigest()
    store = resolve_db(db)
    con = connect(store)
    try:
        counts = _ingest_frames(
            con, iter([frame]), source_file=source_name, sha256=digest, format="rows", info=info,
            actors=ActorDictionary.load(), progress=None, staging_dir=str(store.resolve().parent),
            staging_prefix=_staging_prefix(store.name),
        )  # fmt: skip
    finally:
        con.close()
    return counts.as_dict()


def record_edits(edits: Iterable[dict], db: str | Path | None = None) -> int:
    """Keep hand corrections of stored events: {event_id, field, extracted, stored} each.

    The web app records what the extractor read and what the user stored instead, so an
    event's page can say which fields a person changed.
    """
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        (e["event_id"], e["field"], _as_text(e.get("extracted")), _as_text(e.get("stored")), now)
        for e in edits
    ]
    if not rows:
        return 0
    con = connect(db)
    try:
        con.executemany("INSERT INTO edits VALUES (?, ?, ?, ?, ?)", rows)
    finally:
        con.close()
    return len(rows)


def _as_text(value: object) -> str | None:
    return None if value is None else str(value)


_EVENT_COLS = ", ".join(COLUMNS) + ", row_hash"


def _ingest_frames(
    con: duckdb.DuckDBPyConnection,
    frames: Iterator[Batch],
    *,
    source_file: str,
    sha256: str | Callable[[], str],
    format: str,
    info: SourceInfo,
    actors: ActorDictionary,
    progress: ProgressCallback | None,
    staging_dir: str | None = None,
    staging_prefix: str = ".jervis-staging-",
    lake: str | Path | None = None,
) -> IngestCounts:
    counts = IngestCounts()
    occurrences: Counter[str] = Counter()
    started = datetime.now(UTC).replace(tzinfo=None)
    try:
        staging = Path(tempfile.mkdtemp(prefix=staging_prefix, dir=staging_dir))
    except OSError as exc:
        raise JervisError(f"cannot create the staging folder ({exc.strerror})", path=staging_dir) from None
    con.execute("BEGIN TRANSACTION")
    try:
        ingest_id = con.execute("SELECT nextval('ingest_seq')").fetchone()[0]
        # Checked rows are staged in Parquet files, not in the open transaction, so memory
        # stays flat however large the file; DuckDB then streams them in one statement.
        # Rejected rows too: they are kept under the file's hash, known once it is read.
        parts = rejected = 0
        (staging / "quarantine").mkdir()
        for frame in frames:
            if not len(frame):
                continue
            checked = check_batch(frame, source_dataset=info.dataset, actors=actors, occurrences=occurrences)
            counts.read += len(frame)
            counts.lines += _spans(frame)
            if checked.good.num_rows:
                pq.write_table(checked.good, staging / f"{parts:06d}.parquet", compression="lz4")
                parts += 1
            if checked.bad.num_rows:
                pq.write_table(checked.bad, staging / "quarantine" / f"{rejected:06d}.parquet", compression="lz4")
                rejected += 1
                counts.quarantined += checked.bad.num_rows
            if progress:
                progress(source_file, counts.read)
        if not isinstance(sha256, str):
            sha256 = sha256()
        if rejected:
            _quarantine(con, sorted((staging / "quarantine").glob("*.parquet")), ingest_id, source_file,
                        info.dataset, sha256)  # fmt: skip
        if parts:
            staged_files = [str(p) for p in sorted(staging.glob("*.parquet"))]
            con.read_parquet(staged_files).create_view("_staged", replace=True)
            same, changed, in_file_duplicates, distinct, conflicts = _merge_staged(
                con, ingest_id, lake, (source_file, info.dataset, sha256))
            con.execute("DROP VIEW _staged")
            counts.quarantined += conflicts
        else:
            same = changed = in_file_duplicates = distinct = 0
        counts.stored = distinct - same
        counts.updated = changed
        counts.duplicates = in_file_duplicates + same
        con.execute(
            "INSERT INTO ingests (ingest_id, started_at, finished_at, username, path, sha256, format, "
            "source_dataset, read, stored, updated, quarantined, duplicates, jervis_version, lines) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ingest_id, started, datetime.now(UTC).replace(tzinfo=None), _user(),
                source_file, sha256, format, info.dataset, counts.read, counts.stored,
                counts.updated, counts.quarantined, counts.duplicates, __version__, counts.lines,
            ],
        )  # fmt: skip
        con.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)",
            [info.dataset, info.name, info.licence, info.attribution, info.url],
        )
        con.execute("COMMIT")
    except BaseException as exc:
        _rollback(con)
        if isinstance(exc, OSError | duckdb.IOException | duckdb.OutOfMemoryException):
            raise JervisError(
                f"the ingest failed and nothing of this file was stored ({_first_line(exc)}); "
                "check the free disk space beside the store and its staging folder",
                path=source_file,
            ) from None
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    assert counts.read == counts.stored + counts.quarantined + counts.duplicates
    return counts


def _first_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:300]


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Undo the file's transaction; a failed ROLLBACK must not hide the error that caused it."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


def _merge_staged(
    con: duckdb.DuckDBPyConnection, ingest_id: int, lake: str | Path | None = None,
    file: tuple[str, str, str] | None = None,
) -> tuple[int, int, int, int, int]:
    """Merge the staged rows into events (or the lake); returns (same, changed, in-file
    duplicates, distinct, conflicts).

    The first row of an id wins inside a file. A later row with that id and the same content
    is a duplicate; with other content it is quarantined (``file``: its source file, dataset
    and sha256), since nothing stored holds its values. An id already stored with the same
    content hash is a duplicate, with another hash the stored row is replaced.
    """
    staged, distinct = con.execute("SELECT count(*), count(DISTINCT event_id) FROM _staged").fetchone()
    con.execute(
        "CREATE TEMP TABLE _repeats AS SELECT event_id, min(_line) AS keep, "
        "arg_min(row_hash, _line) AS keep_hash FROM _staged GROUP BY event_id HAVING count(*) > 1"
    )
    conflicts = _quarantine_conflicts(con, ingest_id, file) if file is not None else 0
    con.execute(
        "CREATE TEMP VIEW _first AS SELECT * FROM _staged s WHERE NOT EXISTS "
        "(SELECT 1 FROM _repeats r WHERE r.event_id = s.event_id AND r.keep <> s._line)"
    )
    if lake is not None:
        same, changed = merge_into_lake(con, lake, ingest_id)
        for name in ("VIEW _first", "TABLE _repeats"):
            con.execute(f"DROP {name}")
        return same, changed, staged - distinct - conflicts, distinct, conflicts
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
        f"INSERT INTO events SELECT {_EVENT_COLS}, ?, _line FROM _first f "
        "WHERE NOT EXISTS (SELECT 1 FROM _known k WHERE k.same AND k.event_id = f.event_id)",
        [ingest_id],
    )
    for name in ("VIEW _first", "TABLE _known", "TABLE _repeats"):
        con.execute(f"DROP {name}")
    return same, changed, staged - distinct - conflicts, distinct, conflicts


def _quarantine_conflicts(con: duckdb.DuckDBPyConnection, ingest_id: int, file: tuple[str, str, str]) -> int:
    """Quarantine the rows that reuse an earlier row's event_id with other values (in _repeats)."""
    source_file, dataset, sha256 = file
    where = ("FROM _staged s JOIN _repeats r USING (event_id) "
             "WHERE s._line <> r.keep AND s.row_hash IS DISTINCT FROM r.keep_hash")  # fmt: skip
    (count,) = con.execute(f"SELECT count(*) {where}").fetchone()
    if not count:
        return 0
    con.execute(
        "CREATE TEMP TABLE _conflicts AS SELECT s._line AS line, 'event_id ' || s.event_id || "
        "' is also on line ' || r.keep || ' of this file, with other values; the first is kept' AS reason, "
        f"to_json(struct_pack({', '.join(f's.{c}' for c in COLUMNS)}))::VARCHAR AS raw {where}"
    )
    con.execute(
        "INSERT INTO quarantine (ingest_id, source_file, line, reason, raw, raw_hash, source_dataset, "
        "file_sha256) SELECT ?, ?, line, reason, raw, sha1(raw), ?, ? FROM _conflicts c WHERE NOT EXISTS "
        "(SELECT 1 FROM quarantine q WHERE q.line = c.line AND q.raw_hash = sha1(c.raw) "
        "AND (q.file_sha256 = ? OR (q.file_sha256 IS NULL AND q.source_file = ?)))",
        [ingest_id, source_file, dataset, sha256, sha256, source_file],
    )
    con.execute("DROP TABLE _conflicts")
    return int(count)


def _quarantine(con, files: list[Path], ingest_id: int, source_file: str, dataset: str, sha256: str) -> None:
    """Keep rejected rows with their reason; the same bad row of the same file is kept once.

    A file is known by its content hash, so the same file named by another path (or copied
    elsewhere) does not quarantine its rows again. ``raw_hash`` is the SHA-1 of the raw row
    (computed beforehand for the rare raw text that holds lone surrogates).
    """
    con.read_parquet([str(f) for f in files]).create_view("_rejected", replace=True)
    con.execute(
        "CREATE TEMP VIEW _bad AS SELECT line, reason, raw, coalesce(raw_hash, sha1(raw)) AS raw_hash "
        "FROM _rejected"
    )
    con.execute(
        "INSERT INTO quarantine (ingest_id, source_file, line, reason, raw, raw_hash, source_dataset, "
        "file_sha256) SELECT ?, ?, line, reason, raw, raw_hash, ?, ? FROM _bad b WHERE NOT EXISTS "
        "(SELECT 1 FROM quarantine q WHERE q.line = b.line AND q.raw_hash = b.raw_hash "
        "AND (q.file_sha256 = ? OR (q.file_sha256 IS NULL AND q.source_file = ?)))",
        [ingest_id, source_file, dataset, sha256, sha256, source_file],
    )
    con.execute("DROP VIEW _bad")
    con.execute("DROP VIEW _rejected")


def _spans(batch: Batch) -> int:
    """Physical lines a batch took (a quoted record with line breaks spans several)."""
    columns = batch.columns if isinstance(batch, pd.DataFrame) else batch.table.column_names
    if "_span" not in columns:
        return len(batch)
    spans = batch["_span"] if isinstance(batch, pd.DataFrame) else batch.table.column("_span").to_pandas()
    return int(spans.sum())


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
