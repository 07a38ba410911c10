"""Events: the filtered, paged table (page and API), exports, and one event with its evidence."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, create_model

from jervis.store.export import neutralise_formulas
from jervis.store.inspect import event_detail
from jervis.store.query import event_facets, events, events_page
from jervis.store.schema import ARROW_SCHEMA
from jervis.web.base import PAGE_SIZES, Problem, page_info, query_string, render, state_of

router = APIRouter()
_Many = Annotated[list[str] | None, Query(max_length=100)]


class EventFilters:
    """The filters of the events table, shared by the page, the API and the exports."""

    def __init__(
        self,
        start: Annotated[date | None, Query(description="First date (YYYY-MM-DD).")] = None,
        end: Annotated[date | None, Query(description="Last date (YYYY-MM-DD).")] = None,
        country: Annotated[list[str] | None, Query(max_length=100, description="ISO3 code, repeatable.")] = None,
        actor: Annotated[list[str] | None, Query(max_length=100, description="Actor or target (canonical name).")] = None,
        side: Annotated[list[str] | None, Query(max_length=100, description="The actor's side (actor_side).")] = None,
        event: Annotated[list[str] | None, Query(max_length=100, description="PLOVER event type.")] = None,
        mode: Annotated[list[str] | None, Query(max_length=100, description="Mode, e.g. rocket.")] = None,
        source: Annotated[list[str] | None, Query(max_length=100, description="source_dataset.")] = None,
    ):  # fmt: skip
        clean = lambda values: [v for v in (values or []) if v]  # noqa: E731 - empty menu choice = no filter; Query bounds the count
        self.start, self.end = start, end
        self.country, self.actor, self.side = clean(country), clean(actor), clean(side)
        self.event, self.mode, self.source = clean(event), clean(mode), clean(source)
        if start and end and start > end:
            raise Problem(422, "Invalid request", "start is after end")

    def api_kwargs(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "country": self.country, "actor": self.actor,
                "side": self.side, "event": self.event, "mode": self.mode,
                "source_dataset": self.source}  # fmt: skip

    def params(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "country": self.country, "actor": self.actor,
                "side": self.side, "event": self.event, "mode": self.mode, "source": self.source}  # fmt: skip

    def any(self) -> bool:
        return any(v for v in self.params().values())


_TYPES = {"string": str, "date32[day]": str, "double": float, "int16": int, "int32": int}
# The canonical schema (store/schema.py) as the API's event model: one definition of the columns.
Event = create_model("Event", **{
    f.name: (_TYPES[str(f.type)] | None, None) if f.nullable else (_TYPES[str(f.type)], ...)
    for f in ARROW_SCHEMA
})  # fmt: skip


class EventPage(BaseModel):
    total: int
    limit: int
    offset: int
    events: list[Event]


class Provenance(BaseModel):
    source_file: str | None = None
    line: int | None = None
    format: str | None = None
    sha256: str | None = None
    ingested_at: str | None = None
    ingested_by: str | None = None
    uploaded_as: str | None = None


class SourceInfo(BaseModel):
    source_dataset: str
    name: str | None = None
    licence: str | None = None
    attribution: str | None = None
    url: str | None = None


class Edit(BaseModel):
    field: str
    extracted: str | None = None
    stored: str | None = None
    edited_at: str


class EventDetail(BaseModel):
    event: Event
    provenance: Provenance
    source: SourceInfo | None = None
    edits: list[Edit]


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain JSON values: dates as YYYY-MM-DD, unknown as None."""
    out = frame.astype(object).where(frame.notna(), None)
    if "date" in out:
        out["date"] = [d.isoformat()[:10] if d is not None else None for d in out["date"]]
    return out.to_dict("records")


def _page(request: Request, filters: EventFilters, limit: int, offset: int) -> dict[str, Any]:
    backend = state_of(request).backend()
    total, table = events_page(backend=backend, limit=limit, offset=offset, **filters.api_kwargs())
    rows = table.to_pylist()
    for row in rows:
        row["date"] = row["date"].isoformat()
    return {"total": total, "limit": limit, "offset": offset, "events": rows}


@router.get("/api/events", response_model=EventPage, tags=["events"], summary="Events, filtered and paged")
def api_events(
    request: Request,
    filters: Annotated[EventFilters, Depends()],
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
):
    """Events in the canonical schema (docs/schema.md), ordered by date, with the total count."""
    return _page(request, filters, limit, offset)


_EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "jsonl": ("application/x-ndjson", "jsonl"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
}


@router.get(
    "/api/events/export", tags=["events"], summary="All filtered events as CSV, JSON lines or Parquet",
    responses={200: {"content": {m: {} for m, _ in _EXPORTS.values()},
                     "description": "A file download."}},
)  # fmt: skip
def api_export(
    request: Request,
    filters: Annotated[EventFilters, Depends()],
    format: Annotated[Literal["csv", "jsonl", "parquet"], Query()] = "csv",
):
    """The whole filtered set as a download; re-importable with `jervis ingest` (no mapping)."""
    state = state_of(request)
    table = events(backend=state.backend(), as_arrow=True, **filters.api_kwargs())
    media, ext = _EXPORTS[format]
    headers = {"Content-Disposition": f'attachment; filename="jervis-events.{ext}"'}
    if format == "parquet":
        import pyarrow.parquet as pq

        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        return Response(buffer.getvalue(), media_type=media, headers=headers)

    def chunks():
        first = True
        for batch in table.to_batches(max_chunksize=10_000):
            frame = batch.to_pandas()
            if format == "csv":
                yield neutralise_formulas(frame).to_csv(index=False, header=first, date_format="%Y-%m-%d")
            else:
                for row in records(frame):
                    yield json.dumps(row, ensure_ascii=False) + "\n"
            first = False
        if first and format == "csv":
            yield ",".join(table.column_names) + "\n"

    return StreamingResponse(chunks(), media_type=media, headers=headers)


def _chart(request: Request, filters: EventFilters, kind: str) -> Response:
    from jervis.store.query import filtered_events
    from jervis.web import charts

    state = state_of(request)
    build = {"timeline": charts.timeline, "map": charts.map_of}[kind]

    def draw() -> str:
        return charts.svg(build, filtered_events(state.backend(), **filters.api_kwargs()))

    key = f"{kind}?{query_string(filters.params())}"
    return Response(state.remembered(key, draw), media_type="image/svg+xml")


@router.get("/events/timeline.svg", include_in_schema=False)
def timeline_svg(request: Request, filters: Annotated[EventFilters, Depends()]):
    """The filtered events per bin and side (the report's timeline)."""
    return _chart(request, filters, "timeline")


@router.get("/events/map.svg", include_in_schema=False)
def map_svg(request: Request, filters: Annotated[EventFilters, Depends()]):
    """Where the filtered events happened (the report's map)."""
    return _chart(request, filters, "map")


def _detail(request: Request, event_id: str) -> dict[str, Any]:
    state = state_of(request)
    found = event_detail(event_id, backend=state.backend())
    if found is None:
        raise Problem(404, "Not found", "no event with this id")
    found["event"]["date"] = str(found["event"]["date"])[:10]
    source_file = found["provenance"].get("source_file")
    found["provenance"]["uploaded_as"] = state.upload_names().get(source_file) if source_file else None
    found["provenance"]["source_file"] = state.shown_name(source_file)  # never the server's path
    return found


@router.get("/api/events/{event_id:path}", response_model=EventDetail, tags=["events"],
            summary="One event with its evidence, source file, line and licence")  # fmt: skip
def api_event(request: Request, event_id: str):
    return _detail(request, event_id)


# -- pages ---------------------------------------------------------------------------------


@router.get("/events", include_in_schema=False)
def events_html(
    request: Request,
    filters: Annotated[EventFilters, Depends()],
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
):
    state = state_of(request)
    page = _page(request, filters, limit, offset)
    params = filters.params()
    return render(request, "events.html", {
        "page": page, "pg": page_info(page["total"], limit, offset), "filters": filters,
        "params": params, "qs": lambda **c: query_string({**params, "limit": limit}, **c),
        "facets": state.cached("facets", lambda: event_facets(backend=state.backend())),
        "page_sizes": PAGE_SIZES, "export_qs": query_string(params),
    })  # fmt: skip


@router.get("/events/{event_id:path}", include_in_schema=False)
def event_page(request: Request, event_id: str):
    return render(request, "event.html", _detail(request, event_id))
