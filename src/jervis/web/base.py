"""What every resource module shares: templates, problem documents, paging, form checks.

Errors are RFC 9457 problem documents (``application/problem+json``) for the API and for a
client of a page that asks for JSON only; pages get the same status, title and detail as an
HTML page (escaped), whatever the client's ``Accept``. Nothing else ever reaches the client: an unexpected exception is logged with its
traceback and answered with a bare 500 problem.
"""

from __future__ import annotations

import logging
import math
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.exceptions import HTTPException as StarletteHTTPException

from jervis import __version__
from jervis.errors import JervisError

log = logging.getLogger("jervis.web")
PROBLEM = "application/problem+json"
PAGE_SIZES = (25, 50, 100, 250)

_env = Environment(
    loader=PackageLoader("jervis.web", "templates"),
    autoescape=True,  # every template, whatever its name: strings from data or users are escaped
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=_env)


def _number(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return f"{int(value):,}"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _blank(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return "" if str(value) in ("<NA>", "NaT", "nan") else value


def _http_url(value: Any) -> str | None:
    """A link target only for http(s) URLs: `javascript:` and other schemes from data never link."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else None


_env.filters["num"] = _number
_env.filters["http_url"] = _http_url
_env.filters["blank"] = _blank


class Problem(Exception):
    """An error the client should see: status, a short title, a sentence of detail."""

    def __init__(self, status: int, title: str, detail: str = "", *, headers: dict | None = None,
                 **extra: Any):  # fmt: skip
        super().__init__(detail or title)
        self.status, self.title, self.detail = status, title, detail
        self.headers, self.extra = headers or {}, extra


def wants_html(request: Request) -> bool:
    """An error page for a page route (whatever its client: curl sends ``*/*``), unless the
    client asks for JSON and not HTML; the API always answers problem documents."""
    if request.url.path.startswith("/api/"):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "json" not in accept


def problem_response(request: Request, status: int, title: str, detail: str = "",
                     headers: dict | None = None, **extra: Any):  # fmt: skip
    if wants_html(request):
        return render(request, "error.html", {"status": status, "title": title, "detail": detail},
                      status_code=status, headers=headers)  # fmt: skip
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": request.url.path, **extra}  # fmt: skip
    return JSONResponse(jsonable_encoder(body), status_code=status, media_type=PROBLEM,
                        headers=headers)  # fmt: skip


_TITLES = {400: "Bad request", 401: "Token required", 403: "Forbidden", 404: "Not found",
           405: "Method not allowed", 409: "Conflict", 413: "Request too large",
           415: "Unsupported media type", 422: "Invalid request", 429: "Too many requests"}  # fmt: skip


def install_error_handlers(app: Any) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem):
        return problem_response(request, exc.status, exc.title, exc.detail, exc.headers, **exc.extra)

    @app.exception_handler(JervisError)
    async def _jervis(request: Request, exc: JervisError):
        return problem_response(request, 400, "Cannot do that", str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        title = _TITLES.get(exc.status_code, "Error")
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else ""
        if exc.status_code == 404 and not detail:
            detail = "nothing here; see /api/docs for the API"
        return problem_response(request, exc.status_code, title, detail,
                                getattr(exc, "headers", None))  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")),
                   "type": str(e.get("type", ""))} for e in exc.errors()]  # fmt: skip
        detail = "; ".join(f"{'.'.join(e['loc'][1:]) or e['loc'][0]}: {e['msg']}" for e in errors[:5])
        return problem_response(request, 422, "Invalid request", detail, errors=errors)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem_response(request, 500, "Internal error",
                                "the server failed; the details are in its log")  # fmt: skip


def render(request: Request, name: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, headers: dict | None = None) -> HTMLResponse:  # fmt: skip
    from jervis.web.auth import can_write
    from jervis.web.security import csrf_token

    state = request.app.state.web
    ctx = {
        "request": request,
        "settings": state.settings,
        "version": __version__,
        "csrf": csrf_token(request),
        "can_write": can_write(request),
        "logged_in": bool(state.settings.token) and can_write(request),
        "nav": request.url.path.split("/")[1] if request.url.path != "/" else "",
        **(context or {}),
    }
    return templates.TemplateResponse(request, name, ctx, status_code=status_code, headers=headers)


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """The query string for these parameters with some changed (lists repeat the key)."""
    merged = {**params, **changes}
    pairs = []
    for key, value in merged.items():
        values = value if isinstance(value, list | tuple) else [value]
        pairs += [(key, str(v)) for v in values if v not in (None, "", [])]
    return urlencode(pairs)


def page_info(total: int, limit: int, offset: int) -> dict[str, Any]:
    """Numbers for a pager: which rows are shown, and the offsets of neighbouring pages."""
    last = max(0, (max(total, 1) - 1) // limit * limit)
    return {
        "total": total, "limit": limit, "offset": offset,
        "first_row": offset + 1 if total else 0, "last_row": min(total, offset + limit),
        "prev": max(0, offset - limit) if offset > 0 else None,
        "next": offset + limit if offset + limit < total else None,
        "last": last if offset < last else None,
    }  # fmt: skip


def state_of(request: Request) -> Any:
    return request.app.state.web
