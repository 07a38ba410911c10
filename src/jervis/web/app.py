"""The app factory: routers of every resource, the guard, error handlers, static assets."""

from __future__ import annotations

from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from jervis import __version__
from jervis.web import analyses, auth, catalog, events, extract, ingest
from jervis.web.base import install_error_handlers, render, state_of
from jervis.web.security import Guard
from jervis.web.settings import Settings
from jervis.web.state import WebState

STATIC = Path(str(resources.files("jervis.web").joinpath("static")))
DESCRIPTION = """The JSON API of a local jervis store: the same functions as the `jervis` command
and the Python API. Errors are RFC 9457 problem documents. Requests that write (ingest, storing
extracted events, saving dyads, starting analyses) need the server's token when it has one:
`Authorization: Bearer TOKEN` or `X-Jervis-Token: TOKEN`."""


def create_app(settings: Settings | None = None) -> FastAPI:
    """A jervis web app on one store (opened now, closed on shutdown)."""
    state = WebState(settings or Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        state.close()

    app = FastAPI(
        title="jervis", version=__version__, description=DESCRIPTION, lifespan=lifespan,
        openapi_url="/api/openapi.json", docs_url=None, redoc_url=None,
    )  # fmt: skip
    app.state.web = state
    install_error_handlers(app)
    for module in (auth, events, analyses, extract, ingest, catalog):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC, follow_symlink=False), name="static")

    @app.get("/", include_in_schema=False)
    def home(request: Request):
        from jervis.store.query import count_events
        from jervis.web.catalog import sources_data

        state = state_of(request)
        total = state.cached("total", lambda: count_events(backend=state.backend()))
        return render(request, "home.html", {"total": total, "sources": sources_data(request)})

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request):
        return render(request, "api_docs.html")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    app.add_middleware(Guard, state=state)
    return app
