"""Ingest: upload a dataset file, see the counts and the rows quarantined with their reasons.

The upload streams to a file with a server-chosen name in ``<data_dir>/uploads/`` (the name the
file had on the user's machine is shown, escaped, and never touches the filesystem); the size
limit is enforced while the body arrives (security.Guard), and a failed or refused upload
leaves no file behind. Kept uploads are the source files the event pages point to.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from jervis.errors import JervisError
from jervis.sources import READERS
from jervis.store.ingest import ingest_counts
from jervis.web.auth import require_write
from jervis.web.base import Problem, render, state_of
from jervis.web.catalog import QuarantineRow, quarantine_page
from jervis.web.security import csrf_ok

router = APIRouter()
FORMATS = [r.name for r in READERS] + ["mapping"]
Format = Literal["ucdp_ged", "acled", "acled_json", "gdelt", "iraq_2006_2008", "jervis", "mapping"]
SUFFIXES = {".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".parquet", ".zip"}
MAX_MAPPING_BYTES = 1024 * 1024
_ID = re.compile(r"[0-9a-f]{32}")


class Skipped(BaseModel):
    file: str
    reason: str


class IngestResult(BaseModel):
    id: str
    uploaded_as: str
    format: str
    bytes: int
    read: int
    stored: int
    quarantined: int
    duplicates: int
    updated: int
    uploaded_at: str
    quarantine: list[QuarantineRow]
    quarantine_total: int
    skipped: list[Skipped] = []  # members of an uploaded archive that could not be read


def _suffix(name: str) -> str:
    """A suffix the readers use to tell formats apart, if the client's name has an allowed one."""
    suffix = Path(name.replace("\\", "/")).suffix.lower()
    return suffix if suffix in SUFFIXES else ""


def _save(upload: UploadFile, dest: Path, limit: int | None = None) -> int:
    size = 0
    with open(dest, "xb") as out:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if limit is not None and size > limit:
                raise Problem(413, "Request too large", f"the mapping file is over {limit // 1024} kB")
            out.write(chunk)
    return size


def ingest_upload(request: Request, upload: UploadFile, format: str | None,
                  mapping: UploadFile | None) -> dict[str, Any]:  # fmt: skip
    """Store the upload under a server-chosen name, ingest it, and describe what happened."""
    state = state_of(request)
    original = (upload.filename or "upload")[:255]
    upload_id = uuid.uuid4().hex
    folder = state.dirs["uploads"]
    dest = folder / f"{upload_id}{_suffix(original)}"
    mapping_path = folder / f"{upload_id}.mapping.toml" if mapping is not None and mapping.filename else None
    try:
        size = _save(upload, dest)
        if size == 0:
            raise Problem(422, "Empty file", f"{original} is empty")
        if mapping_path is not None:
            _save(mapping, mapping_path, MAX_MAPPING_BYTES)  # type: ignore[arg-type]
        with state.write_lock:
            try:
                counts = ingest_counts([dest], db=state.db, format=format or None, mapping=mapping_path)
            finally:
                state.invalidate()
    except JervisError as exc:
        _remove(dest, mapping_path)
        where = original if exc.path in (None, str(dest)) else "the mapping file"
        row = f", row {exc.row}" if exc.row is not None else ""
        raise Problem(422, "Cannot ingest this file", f"{where}{row}: {exc.message}") from None
    except BaseException:
        _remove(dest, mapping_path)
        raise
    formats = list(dict.fromkeys(f["format"] for f in counts.files)) or [format or "unknown"]
    # Members of a zip are stored as <stored_as>/<member>: shown under the uploaded name.
    skipped = [{"file": _as_uploaded(s["file"], dest, original), "reason": s["reason"]}
               for s in counts.skipped]  # fmt: skip
    meta = {"id": upload_id, "uploaded_as": original, "stored_as": str(dest), "bytes": size,
            "format": ", ".join(formats), "uploaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            **counts.as_dict(), "skipped": skipped,
            "sources": [f["path"] for f in counts.files]}  # fmt: skip
    (folder / f"{upload_id}.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False))
    state.invalidate()
    return meta


def _as_uploaded(path: str, dest: Path, original: str) -> str:
    """A stored path (the upload or one of its archive members) as the user named the upload."""
    for stored in (str(dest.resolve()), str(dest)):
        if path == stored:
            return original
        if path.startswith(stored + "/"):
            return f"{original}/{path[len(stored) + 1:]}"
    return Path(path).name


def _remove(*paths: Path | None) -> None:
    for path in paths:
        if path is not None:
            path.unlink(missing_ok=True)


def upload_meta(request: Request, upload_id: str) -> dict[str, Any]:
    state = state_of(request)
    if not _ID.fullmatch(upload_id):
        raise Problem(404, "Not found", "no such upload")
    path = state.dirs["uploads"] / f"{upload_id}.json"
    if not path.is_file():
        raise Problem(404, "Not found", "no such upload")
    return json.loads(path.read_text())


def with_quarantine(request: Request, meta: dict[str, Any], limit: int = 100) -> dict[str, Any]:
    """The upload's record with its first quarantined rows, from every file read out of it (an
    archive's members are stored under their own paths), named as the user named the upload."""
    dest = Path(meta["stored_as"])
    rows, total = [], 0
    for source in meta.get("sources") or [meta["stored_as"]]:  # uploads before "sources": one file
        page = quarantine_page(request, max(limit - len(rows), 1), 0, source)
        total += page["total"]
        shown = _as_uploaded(source, dest, meta["uploaded_as"])  # not the server's path
        rows += [{**r, "source_file": shown} for r in page["rows"]][: limit - len(rows)]
    public = {k: v for k, v in meta.items() if k not in ("stored_as", "sources")}
    return {"skipped": [], **public, "quarantine": rows, "quarantine_total": total}


def recent_uploads(request: Request, n: int = 20) -> list[dict[str, Any]]:
    folder = state_of(request).dirs["uploads"]
    metas = []
    for path in folder.glob("*.json") if folder.is_dir() else ():
        try:
            metas.append(json.loads(path.read_text()))
        except (ValueError, OSError):
            continue
    return sorted(metas, key=lambda m: m.get("uploaded_at", ""), reverse=True)[:n]


@router.post("/api/ingest", response_model=IngestResult, tags=["ingest"], status_code=201,
             summary="Upload and ingest a dataset file", dependencies=[Depends(require_write)])  # fmt: skip
def api_ingest(
    request: Request,
    file: Annotated[UploadFile, File(description="UCDP GED, ACLED, GDELT, Iraq 2006-2008, canonical, or any CSV with a mapping.")],
    format: Annotated[Format | None, Form(description="Force a format; detected when absent.")] = None,
    mapping: Annotated[UploadFile | None, File(description="TOML mapping for any CSV (docs/mapping.md).")] = None,
):  # fmt: skip
    """Counts reconcile: read = stored + quarantined + duplicates; the first quarantined rows come
    with their reasons."""
    return with_quarantine(request, ingest_upload(request, file, format, mapping))


@router.get("/api/ingest/{upload_id}", response_model=IngestResult, tags=["ingest"],
            summary="An earlier upload's counts and quarantined rows")  # fmt: skip
def api_upload(request: Request, upload_id: str):
    return with_quarantine(request, upload_meta(request, upload_id))


@router.get("/ingest", include_in_schema=False)
def ingest_page(request: Request):
    return render(request, "ingest.html", {"formats": FORMATS, "uploads": recent_uploads(request)})


@router.post("/ingest", include_in_schema=False, dependencies=[Depends(require_write)])
def ingest_form(
    request: Request,
    file: Annotated[UploadFile, File()],
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    format: Annotated[str, Form(max_length=32)] = "",
    mapping: Annotated[UploadFile | None, File()] = None,
):
    if not csrf_ok(request, csrf_token):
        raise Problem(403, "Form expired", "reload the page and submit the form again")
    if format and format not in FORMATS:
        raise Problem(422, "Invalid request", "unknown format")
    meta = ingest_upload(request, file, format or None, mapping)
    return RedirectResponse(f"/ingest/{meta['id']}", status_code=303)


@router.get("/ingest/{upload_id}", include_in_schema=False)
def upload_page(request: Request, upload_id: str):
    return render(request, "ingest_result.html", {"up": with_quarantine(request, upload_meta(request, upload_id))})


