"""The guard every request passes before any route, and the headers every response carries.

In order: the Host header must name this server (a page elsewhere cannot reach a loopback
server through DNS rebinding); a request body may not exceed its route's limit (uploads
``max_upload_mb``, articles to extract 8 MB, anything else ``max_body_kb``; 413 before or while reading, so nothing is
kept); beyond loopback with a token, reads need it too (API: 401, pages: the login form); a
request that writes must come from this origin (``Sec-Fetch-Site``/``Origin``: a form on
another site cannot post here, token or not). Every response gets a strict
Content-Security-Policy (scripts, styles and images from this server only, no inline script,
no framing; the one route that sets its own, an analysis's report, is sandboxed), ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, no referrer
beyond this server, and
``Cache-Control: no-store`` except for static assets.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from http.cookies import SimpleCookie
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-src 'self'; "
    "frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # "no-referrer" would make forms send "Origin: null"
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
]
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
UPLOAD_PATHS = {"/api/ingest", "/ingest"}  # limited by --max-upload-mb
ARTICLE_PATHS = {"/api/extract", "/extract", "/api/extract/file", "/extract/file"}
ARTICLE_LIMIT = 8 * 1024 * 1024  # a 1M-character article, even percent-encoded in a form
PUBLIC_PREFIXES = ("/static/", "/login", "/favicon.ico")
CSRF_COOKIE = "jervis_csrf"
SESSION_COOKIE = "jervis_session"


class BodyTooLarge(HTTPException):
    """Raised while the body streams in (an HTTPException, so the form parser lets it through
    and closes the temporary files it had started)."""

    def __init__(self, limit: int):
        super().__init__(413, f"the limit here is {_size(limit)}")
        self.limit = limit


def sign(secret: bytes, value: str, purpose: str) -> str:
    return hmac.new(secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Any) -> str:
    """The token forms carry: the signed value of this browser's CSRF cookie."""
    state = request.app.state.web
    return sign(state.secret, request.scope["jervis_csrf"], "csrf")


def csrf_ok(request: Any, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(csrf_token(request), str(submitted))


def cookies_of(scope: Scope) -> dict[str, str]:
    raw = b"; ".join(v for k, v in scope["headers"] if k == b"cookie").decode("latin-1")
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # noqa: BLE001 - a malformed cookie header counts as no cookies
        return {}
    return {k: m.value for k, m in jar.items()}


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def problem_bytes(status: int, title: str, detail: str, **extra: Any) -> bytes:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return json.dumps(body).encode()


class Guard:
    """Pure ASGI middleware (it must see the body stream to limit it)."""

    def __init__(self, app: ASGIApp, state: Any):
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = self.state.settings
        path: str = scope["path"]
        head = scope["method"] == "HEAD"
        if head:  # answered as GET without the body (curl -I, link checkers)
            scope = {**scope, "method": "GET"}
        method: str = scope["method"]
        cookies = cookies_of(scope)
        csrf_id = cookies.get(CSRF_COOKIE)
        new_csrf = not csrf_id or len(csrf_id) != 32 or not csrf_id.isalnum()
        scope["jervis_csrf"] = secrets.token_hex(16) if new_csrf else csrf_id
        static = path.startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                own = {h[0].lower() for h in headers}  # a route that sets its own policy keeps it
                headers += [h for h in HEADERS if h[0] not in own]
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                if new_csrf and not static:
                    cookie = (f"{CSRF_COOKIE}={scope['jervis_csrf']}; Path=/; HttpOnly; "
                              "SameSite=Strict")  # fmt: skip
                    headers.append((b"set-cookie", cookie.encode()))
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        async def refuse(status: int, title: str, detail: str, extra_headers=(), **extra) -> None:
            body = problem_bytes(status, title, detail, instance=path, **extra)
            headers = [(b"content-type", b"application/problem+json"),
                       (b"content-length", str(len(body)).encode()), *extra_headers]  # fmt: skip
            await send_with_headers({"type": "http.response.start", "status": status, "headers": headers})
            await send_with_headers({"type": "http.response.body", "body": body})

        host = (header(scope, b"host") or "").lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if "*" not in settings.hosts and name not in settings.hosts:
            await refuse(400, "Unknown host", "this server does not answer to that host name")
            return

        if settings.reads_need_token and not path.startswith(PUBLIC_PREFIXES):
            from jervis.web.auth import authorized

            if not authorized(scope, cookies, self.state):
                if path.startswith("/api/") or method != "GET":
                    await refuse(401, "Token required", "send the token as 'Authorization: "
                                 "Bearer TOKEN' or log in at /login",
                                 extra_headers=[(b"www-authenticate", b"Bearer")])  # fmt: skip
                    return
                from urllib.parse import quote

                target = quote(path, safe="/")
                await send_with_headers({"type": "http.response.start", "status": 303,
                                         "headers": [(b"location", f"/login?next={target}".encode()),
                                                     (b"content-length", b"0")]})  # fmt: skip
                await send_with_headers({"type": "http.response.body", "body": b""})
                return

        if method in UNSAFE:
            site = header(scope, b"sec-fetch-site")
            origin = header(scope, b"origin")
            scheme = scope.get("scheme", "http")
            if site is not None and site not in ("same-origin", "none"):
                await refuse(403, "Cross-origin request refused",
                             "requests that write must come from this server's own pages")  # fmt: skip
                return
            if origin is not None and origin.lower() != f"{scheme}://{host}":
                await refuse(403, "Cross-origin request refused",
                             "requests that write must come from this server's own pages")  # fmt: skip
                return

        if path in UPLOAD_PATHS:
            limit = int(settings.max_upload_mb * 1024 * 1024)
        elif path in ARTICLE_PATHS:
            limit = ARTICLE_LIMIT
        else:
            limit = settings.max_body_kb * 1024
        length = header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await refuse(413, "Request too large", f"the limit here is {_size(limit)}",
                         limit_bytes=limit)  # fmt: skip
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send_with_headers(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as exc:
            if not started:
                await refuse(413, "Request too large", f"the limit here is {_size(exc.limit)}",
                             limit_bytes=exc.limit)  # fmt: skip


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} kB"
