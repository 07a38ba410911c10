"""Sources, actors and quarantine: the tables `jervis sources`, `jervis actors` and
`jervis quarantine` print, as pages and as JSON."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from jervis.store.inspect import actor_list, quarantine_count, quarantined, source_list
from jervis.web.base import page_info, query_string, render, state_of

router = APIRouter()


class Source(BaseModel):
    source_dataset: str
    name: str | None = None
    licence: str | None = None
    attribution: str | None = None
    url: str | None = None
    events: int


class Actor(BaseModel):
    name: str
    side: str | None = None
    kind: str | None = None
    events: int
    aliases: str
    source: str | None = None


class QuarantineRow(BaseModel):
    source_file: str | None = None
    line: int | None = None
    reason: str | None = None
    raw: str | None = None


class QuarantinePage(BaseModel):
    total: int
    limit: int
    offset: int
    rows: list[QuarantineRow]


def _clean(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (None if v != v else v) for k, v in r.items()} for r in rows]  # NaN -> None


def sources_data(request: Request) -> list[dict[str, Any]]:
    state = state_of(request)
    return state.cached("sources", lambda: _clean(source_list(backend=state.backend())))


def quarantine_page(
    request: Request, limit: int, offset: int, source_file: str | None = None, *, named: str | None = None
):
    """A page of the quarantine: of one stored file (``source_file``), or of the files a user
    names ``named`` as pages show them (``uploads_named``, ``inspect.quarantined``)."""
    state = state_of(request)
    backend = state.backend()
    if named is not None:
        source_file = uploads_named(state, named)
    rows = quarantined(limit=limit, offset=offset, source_file=source_file, named=named, backend=backend)
    total = quarantine_count(source_file=source_file, named=named, backend=backend)
    rows = [{**r, "source_file": state.shown_name(r["source_file"])} for r in _clean(rows)]  # no server paths
    return {"total": total, "limit": limit, "offset": offset, "rows": rows}


def uploads_named(state: Any, name: str) -> list[str]:
    """The stored paths of uploads (and of their archives' members) that pages show as
    ``name``: the name the user gave the upload, ``<upload>/<member>`` for a member."""
    paths = []
    for stored, shown in state.upload_names().items():
        if name == shown:
            paths.append(stored)
        elif name.startswith(f"{shown}/"):
            paths.append(stored + name[len(shown):])
    return paths


@router.get("/api/sources", response_model=list[Source], tags=["catalog"],
            summary="Datasets in the store with licence, attribution and event counts")  # fmt: skip
def api_sources(request: Request):
    return sources_data(request)


@router.get("/api/actors", response_model=list[Actor], tags=["catalog"],
            summary="The actor alias dictionary with how many events name each actor")  # fmt: skip
def api_actors(request: Request):
    state = state_of(request)
    return state.cached("actors", lambda: _clean(actor_list(backend=state.backend())))


@router.get("/api/quarantine", response_model=QuarantinePage, tags=["catalog"],
            summary="Rejected rows with the reason, file and line")  # fmt: skip
def api_quarantine(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    source_file: Annotated[str | None, Query(max_length=4096, description=(
        "Only the rows of the file(s) named so: as the rows name them (an upload's name, "
        "`<upload>/<member>`, a file's name), or by the path given at ingest (as `jervis "
        "quarantine` shows it) or the full path. A name matches every file of that name."))] = None,
):
    """Rows name their file as the user gave it (an upload, `<upload>/<member>`) or by its name
    alone: never by the server's path."""
    return quarantine_page(request, limit, offset, named=source_file or None)  # empty: no filter, as ?country=


@router.get("/sources", include_in_schema=False)
def sources_page(request: Request):
    return render(request, "sources.html", {"rows": sources_data(request)})


@router.get("/actors", include_in_schema=False)
def actors_page(request: Request):
    return render(request, "actors.html", {"rows": api_actors(request)})


@router.get("/quarantine", include_in_schema=False)
def quarantine_html(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
):
    page = quarantine_page(request, limit, offset)
    return render(request, "quarantine.html", {
        "page": page, "pg": page_info(page["total"], limit, offset),
        "qs": lambda **c: query_string({"limit": limit}, **c),
    })  # fmt: skip
