"""Extract: paste an article (or upload an HTML or text file), see the events with the text
behind every field, correct or drop them, and store the kept ones with the edits recorded.

An extraction is kept as ``<data_dir>/extractions/<id>.json`` (the text, the events as the
extractor read them, and what was stored), so the edits are always measured against what the
extractor really said, never against values sent back by the browser.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from jervis.errors import JervisError
from jervis.store.ingest import ingest_rows, record_edits
from jervis.store.schema import COLUMNS
from jervis.web.auth import require_keep, require_write
from jervis.web.base import Problem, render, state_of
from jervis.web.security import csrf_ok

router = APIRouter()
MAX_TEXT = 1_000_000  # characters
MAX_FILE = 5 * 1024 * 1024
FILE_SUFFIXES = {".html", ".htm", ".xhtml", ".txt", ".text", ".md"}
EDITABLE = ("date", "event", "mode", "actor", "target", "location", "country", "killed", "wounded",
            "civilians_killed")  # fmt: skip
INT_FIELDS = {"killed", "wounded", "civilians_killed"}
_ID = re.compile(r"[0-9a-f]{32}")


class ExtractRequest(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT, description="The article's text.")
    published: date | None = Field(None, description="Publication date: weekdays and 'yesterday' resolve against it.")
    title: str | None = Field(None, max_length=500)


class ExtractedEvent(BaseModel):
    index: int
    date: str | None = None
    date_precision: str
    event: str
    actor: str | None = None
    actor_raw: str | None = None
    target: str | None = None
    target_raw: str | None = None
    mode: str | None = None
    country: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    killed: int | None = None
    wounded: int | None = None
    target_killed: int | None = None
    civilians_killed: int | None = None
    evidence: str | None = None
    confidence: float | None = None
    spans: dict[str, list[int]] = Field(description="Field -> [start, end) in the text.")


class Extraction(BaseModel):
    id: str | None = Field(description="Null on a read-only server (nothing is kept).")
    title: str | None = None
    published: str | None = None
    source: str
    created: str
    text: str
    events: list[ExtractedEvent]
    stored: dict[str, Any] | None = None


class Decision(BaseModel):
    index: int = Field(ge=1)
    keep: bool = True
    fields: dict[str, str | int | None] = Field(default_factory=dict, description=f"Corrections of {', '.join(EDITABLE)}.")


class StoreRequest(BaseModel):
    events: list[Decision] = Field(max_length=1000)


class StoreResult(BaseModel):
    read: int
    stored: int
    quarantined: int
    duplicates: int
    updated: int
    event_ids: list[str]
    dropped: list[int]
    edits: int
    quarantine: list[dict[str, Any]]


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def run_extraction(request: Request, text: str, published: date | None, title: str | None,
                   source: str) -> dict[str, Any]:  # fmt: skip
    """Extract events with the public jervis.extract_text; keep the record unless read-only."""
    from jervis import extract_text

    state = state_of(request)
    ext_id = None if state.settings.read_only else uuid.uuid4().hex
    found = extract_text(text, published=published, doc_id=f"web-{(ext_id or 'x')[:12]}")
    events = [{"index": n, **e.to_dict()} for n, e in enumerate(found, start=1)]
    record = {"id": ext_id, "title": title, "published": published.isoformat() if published else None,
              "source": source, "created": _now(), "text": text, "events": events, "stored": None}  # fmt: skip
    if ext_id:
        _write(request, record)
    return record


def _path(request: Request, ext_id: str) -> Path:
    if not _ID.fullmatch(ext_id):
        raise Problem(404, "Not found", "no such extraction")
    return state_of(request).dirs["extractions"] / f"{ext_id}.json"


def _write(request: Request, record: dict[str, Any]) -> None:
    path = _path(request, record["id"])
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False, default=str))
    tmp.replace(path)


def load_extraction(request: Request, ext_id: str) -> dict[str, Any]:
    path = _path(request, ext_id)
    if not path.is_file():
        raise Problem(404, "Not found", "no such extraction")
    return json.loads(path.read_text())


def from_file(request: Request, upload: UploadFile, published: date | None) -> dict[str, Any]:
    """An uploaded HTML or text file: read like `jervis extract` reads files (server-chosen name)."""
    from jervis.text.inputs import read_documents

    name = (upload.filename or "upload")[:255]
    suffix = Path(name.replace("\\", "/")).suffix.lower()
    suffix = suffix if suffix in FILE_SUFFIXES else ".txt"
    data = upload.file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise Problem(413, "Request too large", f"the limit for an article is {MAX_FILE // 1024 // 1024} MB")
    with tempfile.TemporaryDirectory(prefix="jervis-extract-") as folder:
        path = Path(folder) / f"{uuid.uuid4().hex}{suffix}"
        path.write_bytes(data)
        try:
            docs = read_documents([path], published=published)
        except JervisError as exc:
            raise Problem(422, "Cannot read this file", f"{name}: {exc.message}") from None
    if not docs or not docs[0].text.strip():
        raise Problem(422, "No text", f"{name} holds no article text")
    doc = docs[0]
    return run_extraction(request, doc.text, doc.published or published, doc.title or name, name)


def _value(field: str, raw: Any) -> Any:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if field in INT_FIELDS:
        try:
            return int(str(raw).strip())
        except ValueError:
            raise Problem(422, "Invalid request", f"{field} must be a whole number") from None
    text = str(raw).strip()[:500]
    return text.upper() if field in ("event", "country") else text


def store_extraction(request: Request, ext_id: str, decisions: list[Decision]) -> dict[str, Any]:
    """Store the kept events (corrected) as source_dataset 'text' and record every edit."""
    state = state_of(request)
    record = load_extraction(request, ext_id)
    by_index = {e["index"]: e for e in record["events"]}
    chosen = {d.index: d for d in decisions}
    unknown = set(chosen) - set(by_index)
    if unknown:
        raise Problem(422, "Invalid request", f"no events numbered {sorted(unknown)}")
    rows, edits, ids, dropped = [], [], [], []
    for index, original in by_index.items():
        decision = chosen.get(index, Decision(index=index))
        if not decision.keep:
            dropped.append(index)
            continue
        bad = set(decision.fields) - set(EDITABLE)
        if bad:
            raise Problem(422, "Invalid request", f"fields {sorted(bad)} cannot be edited")
        row = {k: v for k, v in original.items() if k in COLUMNS}  # not its spans, sentences, ...
        row["source_id"] = f"web-{ext_id[:12]}#{index}"
        event_id = f"text:{row['source_id']}"
        for field, raw in decision.fields.items():
            new = _value(field, raw)
            if new != original.get(field):
                edits.append({"event_id": event_id, "field": field, "extracted": original.get(field),
                              "stored": new})  # fmt: skip
                row[field] = new
                if field in ("actor", "target"):
                    row[f"{field}_raw"] = new
        rows.append(row)
        ids.append(event_id)
    counts = {"read": 0, "stored": 0, "quarantined": 0, "duplicates": 0, "updated": 0}
    source_name = f"web extract {ext_id}" + (f": {record['title']}" if record.get("title") else "")
    source_name = source_name.replace("\x00", "")[:300]  # the quarantine is looked up by this name
    quarantine: list[dict[str, Any]] = []
    with state.write_lock:
        try:
            if rows:
                counts = ingest_rows(rows, source_name, db=state.db)
                if counts["quarantined"]:  # those are not in the store: not reported, no edits kept
                    state.invalidate()
                    ids = _in_store(request, ids)
                    edits = [e for e in edits if e["event_id"] in ids]
                record_edits(edits, db=state.db)
        finally:
            state.invalidate()
    if counts["quarantined"]:
        from jervis.store.inspect import quarantined

        quarantine = quarantined(source_file=source_name, limit=100, backend=state.backend())
    result = {**counts, "event_ids": ids, "dropped": dropped, "edits": len(edits),
              "quarantine": quarantine}  # fmt: skip
    record["stored"] = {**result, "at": _now()}
    _write(request, record)
    return result


def _in_store(request: Request, ids: list[str]) -> list[str]:
    """The ids of these events that the store holds."""
    from jervis.store.inspect import event_detail

    backend = state_of(request).backend()
    return [i for i in ids if event_detail(i, backend=backend) is not None]


def evidence_view(text: str, event: dict[str, Any], reach: int = 600) -> list[tuple[str, str | None]]:
    """The sentence(s) around an event's spans, cut into (text, field or None) pieces to mark."""
    spans = sorted((a, b, f) for f, (a, b) in event.get("spans", {}).items() if 0 <= a < b <= len(text))
    if not spans:
        return [(event.get("evidence") or "", None)]
    lo, hi = spans[0][0], max(b for _, b, _ in spans)
    start = max([text.rfind(s, max(0, lo - reach), lo) + len(s) for s in (". ", "\n", "? ", "! ")] + [max(0, lo - reach)])
    ends = [i + 1 for s in (". ", "\n", "? ", "! ") if (i := text.find(s, hi, hi + reach)) != -1]
    end = min(ends) if ends else min(len(text), hi + reach)
    pieces, pos = [], start
    for a, b, field in spans:
        if a < pos:
            continue  # overlapping spans: the first one is marked
        pieces.append((text[pos:a], None))
        pieces.append((text[a:b], field))
        pos = b
    pieces.append((text[pos:end], None))
    return [(t, f) for t, f in pieces if t]


# -- API -----------------------------------------------------------------------------------


@router.post("/api/extract", response_model=Extraction, tags=["extract"],
             summary="Events in a text, with the span behind every field",
             dependencies=[Depends(require_keep)])  # fmt: skip
def api_extract(request: Request, body: ExtractRequest):
    return run_extraction(request, body.text, body.published, body.title, "pasted text")


@router.post("/api/extract/file", response_model=Extraction, tags=["extract"],
             summary="Events in an uploaded HTML or text file",
             dependencies=[Depends(require_keep)])  # fmt: skip
def api_extract_file(
    request: Request,
    file: Annotated[UploadFile, File(description="An HTML page (read offline) or plain text.")],
    published: Annotated[date | None, Form()] = None,
):
    return from_file(request, file, published)


@router.get("/api/extract/{ext_id}", response_model=Extraction, tags=["extract"],
            summary="An earlier extraction")  # fmt: skip
def api_extraction(request: Request, ext_id: str):
    return load_extraction(request, ext_id)


@router.post("/api/extract/{ext_id}/store", response_model=StoreResult, tags=["extract"],
             summary="Store the kept events, corrected; edits recorded",
             dependencies=[Depends(require_write)])  # fmt: skip
def api_store(request: Request, ext_id: str, body: StoreRequest):
    """Events not listed are kept unchanged; `keep: false` drops one."""
    return store_extraction(request, ext_id, body.events)


# -- pages ---------------------------------------------------------------------------------


def _recent(request: Request, n: int = 10) -> list[dict[str, Any]]:
    folder = state_of(request).dirs["extractions"]
    paths = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)[:n] if folder.is_dir() else []
    out = []
    for path in paths:
        try:
            record = json.loads(path.read_text())
        except (ValueError, OSError):
            continue
        out.append({k: record.get(k) for k in ("id", "title", "published", "created", "source")}
                   | {"events": len(record.get("events", [])), "stored": bool(record.get("stored"))})  # fmt: skip
    return out


def _show(request: Request, record: dict[str, Any], status_code: int = 200):
    views = {e["index"]: evidence_view(record["text"], e) for e in record["events"]}
    return render(request, "extraction.html", {"x": record, "views": views, "editable": EDITABLE},
                  status_code=status_code)  # fmt: skip


def _form_date(raw: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Problem(422, "Invalid request", "the publication date must be YYYY-MM-DD") from None


@router.get("/extract", include_in_schema=False)
def extract_page(request: Request):
    return render(request, "extract.html", {"recent": _recent(request), "max_text": MAX_TEXT})


@router.post("/extract", include_in_schema=False, dependencies=[Depends(require_keep)])
def extract_form(
    request: Request,
    text: Annotated[str, Form(max_length=MAX_TEXT)] = "",
    published: Annotated[str, Form(max_length=10)] = "",
    title: Annotated[str, Form(max_length=500)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
):
    if not csrf_ok(request, csrf_token):
        raise Problem(403, "Form expired", "reload the page and submit the form again")
    if not text.strip():
        raise Problem(422, "No text", "paste an article's text first")
    record = run_extraction(request, text, _form_date(published), title or None, "pasted text")
    if record["id"] is None:
        return _show(request, record)
    return RedirectResponse(f"/extract/{record['id']}", status_code=303)


@router.post("/extract/file", include_in_schema=False, dependencies=[Depends(require_keep)])
def extract_file_form(
    request: Request,
    file: Annotated[UploadFile, File()],
    published: Annotated[str, Form(max_length=10)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
):
    if not csrf_ok(request, csrf_token):
        raise Problem(403, "Form expired", "reload the page and submit the form again")
    record = from_file(request, file, _form_date(published))
    if record["id"] is None:
        return _show(request, record)
    return RedirectResponse(f"/extract/{record['id']}", status_code=303)


@router.get("/extract/{ext_id}", include_in_schema=False)
def extraction_page(request: Request, ext_id: str):
    return _show(request, load_extraction(request, ext_id))


@router.post("/extract/{ext_id}/store", include_in_schema=False, dependencies=[Depends(require_write)])
async def store_form(request: Request, ext_id: str):
    form = await request.form(max_files=0, max_fields=2000)
    if not csrf_ok(request, form.get("csrf_token")):
        raise Problem(403, "Form expired", "reload the page and submit the form again")
    record = load_extraction(request, ext_id)
    decisions = []
    for event in record["events"]:
        i = event["index"]
        fields = {f: form.get(f"e{i}_{f}") for f in EDITABLE if f"e{i}_{f}" in form}
        decisions.append(Decision(index=i, keep=form.get(f"keep_{i}") == "on", fields=fields))
    from starlette.concurrency import run_in_threadpool

    await run_in_threadpool(store_extraction, request, ext_id, decisions)
    return RedirectResponse(f"/extract/{ext_id}#stored", status_code=303)
