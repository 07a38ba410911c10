"""The token: who may write, and the login form that turns it into a session cookie.

A token is sent as ``Authorization: Bearer TOKEN`` or ``X-Jervis-Token: TOKEN`` (programs), or
typed once into /login, which sets an HttpOnly, SameSite=Strict session cookie signed with a
per-process secret (browsers). Without a configured token (loopback only) every local client
may write; a read-only server refuses every write.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from jervis.web.base import Problem, render
from jervis.web.security import SESSION_COOKIE, cookies_of, csrf_ok, header, sign

router = APIRouter(include_in_schema=False)
_bearer = HTTPBearer(auto_error=False, description="The server's token (jervis serve --token).")
_key = APIKeyHeader(name="X-Jervis-Token", auto_error=False, description="The same token.")


def _session_ok(state: Any, value: str | None) -> bool:
    if not value or "." not in value:
        return False
    nonce, _, sig = value.partition(".")
    return hmac.compare_digest(sign(state.secret, nonce, "session"), sig)


def _token_ok(state: Any, given: str | None) -> bool:
    token = state.settings.token
    return bool(token) and given is not None and hmac.compare_digest(token.encode(), given.encode())


def authorized(scope: Any, cookies: dict[str, str], state: Any) -> bool:
    """Does this request carry the token (header) or a session from the login form?"""
    if not state.settings.token:
        return True
    auth = header(scope, b"authorization") or ""
    if auth[:7].lower() == "bearer " and _token_ok(state, auth[7:].strip()):
        return True
    if _token_ok(state, header(scope, b"x-jervis-token")):
        return True
    return _session_ok(state, cookies.get(SESSION_COOKIE))


def require_write(
    request: Request,
    _b: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
    _k: Annotated[str | None, Depends(_key)] = None,
) -> None:
    """Dependency of every route that writes: refused on a read-only server, else needs the token."""
    state = request.app.state.web
    if state.settings.read_only:
        raise Problem(403, "Read-only server", "this server was started with --read-only")
    if not authorized(request.scope, cookies_of(request.scope), state):
        raise Problem(401, "Token required", "send the token as 'Authorization: Bearer TOKEN' "
                      "or log in at /login", headers={"WWW-Authenticate": "Bearer"})  # fmt: skip


def require_keep(
    request: Request,
    _b: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
    _k: Annotated[str | None, Depends(_key)] = None,
) -> None:
    """Dependency of routes that keep files in the data folder (extractions): the token whenever
    one is set. A read-only server keeps nothing, so there they run without it (reads rules)."""
    state = request.app.state.web
    if not state.settings.read_only and not authorized(request.scope, cookies_of(request.scope), state):
        raise Problem(401, "Token required", "send the token as 'Authorization: Bearer TOKEN' "
                      "or log in at /login", headers={"WWW-Authenticate": "Bearer"})  # fmt: skip


def can_write(request: Request) -> bool:
    state = request.app.state.web
    return not state.settings.read_only and authorized(request.scope, cookies_of(request.scope), state)


def safe_next(target: str | None) -> str:
    """Only a path on this server (no scheme, no host, no '//' or backslash tricks)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return "/" if parts.scheme or parts.netloc else target


@router.get("/login")
def login_form(request: Request, next: str = "/"):
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    token: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
):
    state = request.app.state.web
    if not csrf_ok(request, csrf_token):
        raise Problem(403, "Form expired", "reload the page and submit the form again")
    if not _token_ok(state, token):
        return render(request, "login.html", {"next": safe_next(next), "error": "wrong token"},
                      status_code=401)  # fmt: skip
    nonce = secrets.token_hex(16)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, f"{nonce}.{sign(state.secret, nonce, 'session')}",
                        httponly=True, samesite="strict", path="/")  # fmt: skip
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form(max_length=128)] = ""):
    if not csrf_ok(request, csrf_token):
        raise Problem(403, "Form expired", "reload the page and submit the form again")
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
