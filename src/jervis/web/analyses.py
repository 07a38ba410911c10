"""Dyads and analyses: pick or write a dyad, run its analysis in the background, read the verdict.

A dyad written in the form is saved as the same TOML a dyad file holds (``dyad_toml``, checked
by the same rules), under ``<data_dir>/dyads/``; the shipped dyads are offered too. Analyses
run as background jobs (jobs.py): starting one answers 202 at once with a status URL.
"""

from __future__ import annotations

import re
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, Field

from jervis.errors import JervisError
from jervis.store.dyad import dyad_toml, load_dyad
from jervis.store.schema import MODES, PLOVER_EVENTS
from jervis.web.auth import can_write, require_write
from jervis.web.base import Problem, render, state_of
from jervis.web.jobs import QueueFull
from jervis.web.security import csrf_ok

router = APIRouter()
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_JOB = re.compile(r"[0-9a-f]{32}")
Method = Literal["count_regression", "event_study", "granger", "episodes", "spatial"]
Bin = Literal["day", "week", "month"]


class SideIn(BaseModel):
    label: str = Field(min_length=1, max_length=200)
    actors: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=200)
    actor_regex: list[Annotated[str, Field(max_length=500)]] = Field(default_factory=list, max_length=50)
    cameo_prefix: list[Annotated[str, Field(max_length=20)]] = Field(default_factory=list, max_length=50)
    column: dict[str, list[Annotated[str, Field(max_length=200)]]] = Field(default_factory=dict, max_length=10)


class FiltersIn(BaseModel):
    country: list[Annotated[str, Field(max_length=3)]] = Field(default_factory=list, max_length=300)
    start: date | None = None
    end: date | None = None
    events: list[Annotated[str, Field(max_length=20)]] = Field(default_factory=list, max_length=30)
    modes: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=40)
    source_dataset: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list, max_length=50)
    bbox: list[float] | None = Field(None, min_length=4, max_length=4)


class DyadIn(BaseModel):
    """The structure of a dyad file (docs/dyads.md)."""

    name: str = Field(min_length=1, max_length=200)
    sides: dict[Literal["A", "B"], SideIn]
    filters: FiltersIn = Field(default_factory=FiltersIn)
    analysis: dict[str, str | int | float | bool | list[str]] = Field(default_factory=dict, max_length=30)


class DyadOut(BaseModel):
    id: str
    name: str
    builtin: bool
    labels: dict[str, str]
    toml: str | None = None


class AnalysisIn(BaseModel):
    dyad: str = Field(max_length=64, description="A dyad id from GET /api/dyads.")
    methods: list[Method] | None = Field(None, max_length=5, description="Default: the dyad's, else all five.")
    bin: Bin | None = None
    horizon_days: int | None = Field(None, ge=1, le=365)


class AnalysisStatus(BaseModel):
    id: str
    dyad: str
    dyad_name: str
    methods: list[str] | None
    bin: str | None
    settings: dict[str, Any]
    state: Literal["queued", "loading", "running", "reporting", "done", "failed", "interrupted"]
    stage: str
    done: bool
    created: str | None
    started: str | None
    finished: str | None
    elapsed_s: float
    typical_s: float | None
    events: int | None
    verdicts: dict[str, str]
    error: str | None
    report: bool = Field(description="The report page exists: /analyses/{id}/report.")
    report_error: str | None = None


# -- dyads ---------------------------------------------------------------------------------


def _builtin_dir() -> Path:
    return Path(str(resources.files("jervis.data").joinpath("dyads")))


def dyad_files(request: Request) -> dict[str, tuple[Path, bool]]:
    """Known dyads: id -> (file, shipped with jervis?). Ids come from this listing only."""
    found = {p.stem: (p, True) for p in sorted(_builtin_dir().glob("*.toml")) if _ID.fullmatch(p.stem)}
    folder = state_of(request).dirs["dyads"]
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
        if _ID.fullmatch(path.stem) and path.stem not in found:
            found[path.stem] = (path, False)
    return found


def dyad_entry(request: Request, dyad_id: str, with_toml: bool = False) -> dict[str, Any]:
    files = dyad_files(request)
    if dyad_id not in files:
        raise Problem(404, "Not found", "no such dyad")
    path, builtin = files[dyad_id]
    try:
        dyad = load_dyad(path)
        labels = {s: dyad.label(s) for s in ("A", "B")}
        name = dyad.name
    except JervisError as exc:
        name, labels = f"{dyad_id} (invalid: {exc.message})", {"A": "?", "B": "?"}
    out = {"id": dyad_id, "name": name, "builtin": builtin, "labels": labels}
    if with_toml:
        out["toml"] = path.read_text(encoding="utf-8")
    return out


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:48] or "dyad"
    return slug if slug[0].isalnum() else f"d{slug}"


def _clean(data: Any) -> Any:
    """Drop empty values: the TOML keeps only what was set."""
    if isinstance(data, dict):
        out = {k: _clean(v) for k, v in data.items()}
        return {k: v for k, v in out.items() if v not in (None, [], {}, "")}
    return data


def check_analysis_keys(analysis: dict[str, Any]) -> None:
    """The analysis' own settings check (unknown keys name the nearest valid one)."""
    from jervis.analysis.settings import check_settings

    try:
        check_settings(analysis)
    except JervisError as exc:
        raise Problem(422, "Invalid dyad", str(exc)) from None


def save_dyad(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Check the dyad by the file rules, write its TOML under a server-chosen name."""
    data = _clean(data)
    check_analysis_keys(data.get("analysis", {}))
    try:
        text = dyad_toml(data, path="the form")
    except JervisError as exc:
        raise Problem(422, "Invalid dyad", str(exc)) from None
    state = state_of(request)
    base = _slug(data["name"])
    with state.write_lock:
        taken = dyad_files(request)
        dyad_id, n = base, 1
        while True:
            if dyad_id not in taken:
                try:  # never over a file another save has just written (it was not listed yet)
                    with open(state.dirs["dyads"] / f"{dyad_id}.toml", "x", encoding="utf-8") as fh:
                        fh.write(text)
                    break
                except FileExistsError:
                    pass
            n += 1
            dyad_id = f"{base}-{n}"
    return {"id": dyad_id, "toml": text}


@router.get("/api/dyads", response_model=list[DyadOut], tags=["dyads"], summary="Known dyads")
def api_dyads(request: Request):
    return [dyad_entry(request, d) for d in dyad_files(request)]


@router.get("/api/dyads/{dyad_id}", response_model=DyadOut, tags=["dyads"], summary="One dyad and its TOML")
def api_dyad(request: Request, dyad_id: str):
    return dyad_entry(request, dyad_id, with_toml=True)


@router.post("/api/dyads", response_model=DyadOut, status_code=201, tags=["dyads"],
             summary="Save a dyad (written as a dyad TOML file)", dependencies=[Depends(require_write)])  # fmt: skip
def api_save_dyad(request: Request, body: DyadIn):
    saved = save_dyad(request, body.model_dump(mode="json"))
    return dyad_entry(request, saved["id"], with_toml=True)


@router.get("/api/dyads/{dyad_id}/check", tags=["dyads"],
            summary="Events per side and the frequent actors left unassigned")  # fmt: skip
def api_dyad_check(request: Request, dyad_id: str) -> dict[str, Any]:
    return dyad_checked(request, dyad_id)


def dyad_checked(request: Request, dyad_id: str) -> dict[str, Any]:
    from jervis.store.query import dyad_check

    state = state_of(request)
    path, _ = dyad_files(request).get(dyad_id, (None, None))
    if path is None:
        raise Problem(404, "Not found", "no such dyad")

    def compute() -> dict[str, Any]:
        try:
            return dyad_check(path, backend=state.backend())
        except JervisError as exc:
            return {"error": exc.message}

    return state.cached(f"check:{dyad_id}", compute)


# -- analyses ------------------------------------------------------------------------------


def start_analysis(request: Request, body: AnalysisIn) -> dict[str, Any]:
    state = state_of(request)
    entry = dyad_entry(request, body.dyad, with_toml=True)
    try:
        load_dyad(dyad_files(request)[body.dyad][0])
    except JervisError as exc:
        raise Problem(422, "Invalid dyad", str(exc)) from None
    settings = {"horizon_days": body.horizon_days} if body.horizon_days else {}
    try:
        job = state.jobs.start(body.dyad, entry["name"], entry["toml"], methods=body.methods,
                               bin=body.bin, settings=settings)  # fmt: skip
    except QueueFull as exc:
        raise Problem(429, "Too many analyses", str(exc), headers={"Retry-After": "30"}) from None
    return job.status()


def job_of(request: Request, job_id: str):
    job = state_of(request).jobs.get(job_id) if _JOB.fullmatch(job_id) else None
    if job is None:
        raise Problem(404, "Not found", "no such analysis")
    return job


def status_of(request: Request, job) -> dict[str, Any]:
    return job.status(state_of(request).jobs.typical_seconds(job))


@router.post("/api/analyses", response_model=AnalysisStatus, status_code=202, tags=["analyses"],
             summary="Start an analysis (runs in the background)", dependencies=[Depends(require_write)])  # fmt: skip
def api_start(request: Request, body: AnalysisIn):
    """Answers at once; poll GET /api/analyses/{id} until `done`, then read its verdict."""
    status = start_analysis(request, body)
    return JSONResponse(status, status_code=202, headers={"Location": f"/api/analyses/{status['id']}"})


@router.get("/api/analyses", response_model=list[AnalysisStatus], tags=["analyses"], summary="All analyses, newest first")
def api_analyses(request: Request):
    return [status_of(request, j) for j in state_of(request).jobs.listing()]


@router.get("/api/analyses/{job_id}", response_model=AnalysisStatus, tags=["analyses"], summary="An analysis's state")
def api_status(request: Request, job_id: str):
    return status_of(request, job_of(request, job_id))


@router.get("/api/analyses/{job_id}/verdict", tags=["analyses"],
            summary="The verdict JSON of a finished analysis (409 while it runs)")  # fmt: skip
def api_verdict(request: Request, job_id: str) -> dict[str, Any]:
    job = job_of(request, job_id)
    verdict = state_of(request).jobs.verdict(job)
    if verdict is None:
        raise Problem(409, "Not finished", f"the analysis is {job.state}" +
                      (f": {job.error}" if job.error else ""))  # fmt: skip
    return verdict


# -- pages ---------------------------------------------------------------------------------


def _form_context(request: Request) -> dict[str, Any]:
    from jervis.web.catalog import sources_data

    return {"plover": sorted(PLOVER_EVENTS), "modes": sorted(MODES),
            "datasets": [s["source_dataset"] for s in sources_data(request) if s["events"]]}  # fmt: skip


@router.get("/dyads", include_in_schema=False)
def dyads_page(request: Request):
    jobs = [status_of(request, j) for j in state_of(request).jobs.listing()[:20]]
    return render(request, "dyads.html", {"dyads": api_dyads(request), "jobs": jobs})


@router.get("/dyads/new", include_in_schema=False)
def new_dyad_page(request: Request):
    return render(request, "dyad_form.html", {**_form_context(request), "form": {}, "toml": None,
                                              "error": None, "chosen": _chosen(None)})  # fmt: skip


def _chosen(form: Any) -> dict[str, list[str]]:
    keys = ("events", "modes", "source_dataset")
    return {k: form.getlist(k) if form is not None else [] for k in keys}


def _lines(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[\n,]", text or "") if p.strip()]


def dyad_from_form(form: Any) -> dict[str, Any]:
    """The form's fields as the structure of a dyad file."""
    sides = {}
    for s in ("A", "B"):
        values = _lines(form.get(f"{s}_side_values", ""))
        sides[s] = {"label": form.get(f"{s}_label", "").strip(), "actors": _lines(form.get(f"{s}_actors", "")),
                    "actor_regex": [ln.strip() for ln in form.get(f"{s}_actor_regex", "").splitlines() if ln.strip()],
                    "column": {"actor_side": values} if values else {}}  # fmt: skip
    analysis: dict[str, Any] = {}
    for key in ("bin", "actions"):
        if form.get(key):
            analysis[key] = form.get(key)
    if form.get("horizon_days", "").strip():
        try:
            analysis["horizon_days"] = int(form.get("horizon_days"))
        except ValueError:
            raise Problem(422, "Invalid dyad", "the horizon must be a whole number of days") from None
    return {
        "name": form.get("name", "").strip(),
        "sides": sides,
        "filters": {"country": [c.upper() for c in _lines(form.get("country", ""))],
                    "start": form.get("start") or None, "end": form.get("end") or None,
                    "events": form.getlist("events"), "modes": form.getlist("modes"),
                    "source_dataset": form.getlist("source_dataset")},  # fmt: skip
        "analysis": analysis,
    }


@router.post("/dyads/new", include_in_schema=False)
async def new_dyad_form(request: Request):
    form = await request.form(max_files=0, max_fields=500)
    if not csrf_ok(request, form.get("csrf_token")):
        raise Problem(403, "Form expired", "reload the page and submit the form again")
    data = dyad_from_form(form)
    ctx = {**_form_context(request), "form": form, "toml": None, "error": None, "chosen": _chosen(form)}
    try:
        for key in ("start", "end"):
            if data["filters"][key]:
                data["filters"][key] = date.fromisoformat(data["filters"][key])
        check_analysis_keys(data["analysis"])
        if not data["name"]:
            raise Problem(422, "Invalid dyad", "give the dyad a name")
        if form.get("action") != "save":
            ctx["toml"] = dyad_toml(_clean(data), path="the form")
            return render(request, "dyad_form.html", ctx)
        require_write(request)
        saved = save_dyad(request, data)
    except (JervisError, ValueError) as exc:
        ctx["error"] = str(exc)
        return render(request, "dyad_form.html", ctx, status_code=422)
    except Problem as exc:
        if exc.status != 422:
            raise
        ctx["error"] = exc.detail
        return render(request, "dyad_form.html", ctx, status_code=422)
    return RedirectResponse(f"/dyads/{saved['id']}", status_code=303)


@router.get("/dyads/{dyad_id}", include_in_schema=False)
def dyad_page(request: Request, dyad_id: str):
    from jervis.analysis.base import METHODS

    entry = dyad_entry(request, dyad_id, with_toml=True)
    jobs = [status_of(request, j) for j in state_of(request).jobs.listing() if j.dyad_id == dyad_id][:10]
    return render(request, "dyad.html", {"d": entry, "check": dyad_checked(request, dyad_id),
                                         "methods": list(METHODS), "jobs": jobs})  # fmt: skip


@router.post("/dyads/{dyad_id}/analyse", include_in_schema=False, dependencies=[Depends(require_write)])
async def analyse_form(request: Request, dyad_id: str):
    form = await request.form(max_files=0, max_fields=50)
    if not csrf_ok(request, form.get("csrf_token")):
        raise Problem(403, "Form expired", "reload the page and submit the form again")
    try:
        body = AnalysisIn(dyad=dyad_id, methods=form.getlist("methods") or None,
                          bin=form.get("bin") or None,
                          horizon_days=int(form["horizon_days"]) if form.get("horizon_days") else None)  # fmt: skip
    except ValueError as exc:
        raise Problem(422, "Invalid request", str(exc).splitlines()[0]) from None
    status = start_analysis(request, body)
    return RedirectResponse(f"/analyses/{status['id']}", status_code=303)


@router.get("/analyses", include_in_schema=False)
def analyses_page(request: Request):
    return render(request, "analyses.html", {"jobs": api_analyses(request)})


_META_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"')


@router.get("/analyses/{job_id}/report", include_in_schema=False)
def report_page(request: Request, job_id: str):
    """The analysis's report (jervis.report: self-contained, its own scripts), sandboxed.

    It is served with the policy it declares itself plus ``sandbox allow-scripts``: its
    scripts run in an opaque origin, without this app's cookies or API, even when opened on
    its own; only this app may frame it.
    """
    import html

    job = job_of(request, job_id)
    page = state_of(request).jobs.report_html(job)
    if page is None:
        raise Problem(404, "Not found", "this analysis has no report (yet)")
    found = _META_CSP.search(page)
    own = html.unescape(found.group(1)) if found else "default-src 'none'"
    policy = f"{own}; frame-ancestors 'self'; sandbox allow-scripts"
    return HTMLResponse(page, headers={"Content-Security-Policy": policy,
                                       "X-Frame-Options": "SAMEORIGIN"})  # fmt: skip


@router.get("/analyses/{job_id}", include_in_schema=False)
def analysis_page(request: Request, job_id: str):
    job = job_of(request, job_id)
    return render(request, "analysis.html", {"job": status_of(request, job),
                                             "verdict": state_of(request).jobs.verdict(job),
                                             "writable": can_write(request)})  # fmt: skip
