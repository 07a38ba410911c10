"""The security model: loopback by default, a token for writes (and for reads beyond loopback),
read-only mode, CSRF and origin checks, strict headers, upload limits and server-chosen names,
no path from a client reaching the filesystem, hostile strings escaped, no tracebacks."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from jervis.errors import JervisError
from jervis.web import Settings

TOKEN = "correct-horse-battery-staple"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
UKR = FIXTURES / "ucdp-ged" / "conflict_data_ukr.csv"
PAGES = ["/", "/events", "/dyads", "/dyads/new", "/dyads/iraq-2006-2008", "/extract", "/ingest",
         "/sources", "/actors", "/quarantine", "/login", "/api/docs", "/no-such-page"]  # fmt: skip


def uploads_of(store: Path) -> Path:
    return store.with_name("jervis.web") / "uploads"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_refuses_to_listen_beyond_loopback_without_a_token(host, store):
    with pytest.raises(JervisError, match="refusing to listen"):
        Settings(db=store, host=host).check()
    Settings(db=store, host=host, token=TOKEN).check()
    Settings(db=store, host=host, read_only=True).check()
    for loopback in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        Settings(db=store, host=loopback).check()
    with pytest.raises(JervisError, match="at least 16"):
        Settings(db=store, host=host, token="short").check()


def test_serve_command_refuses_in_one_line(store):
    run = subprocess.run([sys.executable, "-m", "jervis", "serve", "--host", "0.0.0.0", "--db", str(store)],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert run.returncode == 2
    assert "refusing to listen on 0.0.0.0 without a token" in run.stderr
    assert "Traceback" not in run.stderr and not store.with_name("jervis.web").exists()


def test_strict_headers_everywhere(client):
    for url in ["/", "/events", "/api/events?limit=1", "/static/app.css", "/api/nope", "/api/openapi.json"]:
        r = client.get(url)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
    head = client.head("/events")
    assert head.status_code == 200 and head.content == b"" and "content-security-policy" in head.headers


def test_pages_have_no_inline_script_or_style(client):
    for url in PAGES:
        html = client.get(url, headers={"accept": "text/html"}).text
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, (url, tag)
        assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html), url  # no script body
        assert not re.search(r"\son[a-z]+\s*=", html), url  # no event handler attributes
        assert not re.search(r"\sstyle\s*=|<style", html), url


def test_dns_rebinding_host_is_refused(client):
    r = client.get("/api/events", headers={"host": "attacker.example"})
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"


def test_beyond_loopback_every_request_needs_the_token(make_client, store):
    client = make_client(host="0.0.0.0", token=TOKEN)
    r = client.get("/api/events?limit=1")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert r.json()["title"] == "Token required"
    assert client.get("/api/events?limit=1", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert client.get("/api/events?limit=1", headers={"x-jervis-token": TOKEN}).status_code == 200
    assert client.get("/api/events?limit=1", headers={"authorization": "Bearer wrong-token-wrong"}).status_code == 401
    with open(UKR, "rb") as fh:
        r = client.post("/api/ingest", files={"file": ("ukr.csv", fh, "text/csv")})
    assert r.status_code == 401
    assert not any(uploads_of(store).iterdir())
    page = client.get("/events", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/events"
    assert client.get("/static/app.css").status_code == 200  # the login page needs its style


def test_login_form_gives_a_session(make_client):
    client = make_client(host="0.0.0.0", token=TOKEN)
    form = client.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form).group(1)
    bad = client.post("/login", data={"token": "wrong-token-wrong", "csrf_token": csrf})
    assert bad.status_code == 401
    nope = client.post("/login", data={"token": TOKEN, "csrf_token": "0" * 64})
    assert nope.status_code == 403
    evil = client.post("/login", data={"token": TOKEN, "csrf_token": csrf, "next": "//evil.example/x"},
                       follow_redirects=False)  # fmt: skip
    assert evil.status_code == 303 and evil.headers["location"] == "/"
    assert "HttpOnly" in evil.headers["set-cookie"] and "SameSite=strict" in evil.headers["set-cookie"]
    assert client.get("/api/events?limit=1").status_code == 200
    assert client.get("/events").status_code == 200
    r = client.post("/api/dyads", json={"name": "x", "sides": {"A": {"label": "a", "actors": ["a"]},
                                                                "B": {"label": "b", "actors": ["b"]}}})  # fmt: skip
    assert r.status_code == 201


def test_on_loopback_a_token_still_guards_writes(make_client):
    client = make_client(token=TOKEN)
    assert client.get("/api/events?limit=1").status_code == 200
    body = {"dyad": "iraq-2006-2008", "methods": ["count_regression"]}
    assert client.post("/api/analyses", json=body).status_code == 401
    assert client.post("/api/dyads", json={}).status_code in (401, 422)
    r = client.post("/api/extract/" + "0" * 32 + "/store", json={"events": []})
    assert r.status_code == 401


def test_read_only_server_refuses_every_write(make_client):
    client = make_client(host="0.0.0.0", read_only=True)
    assert client.get("/api/events?limit=1").status_code == 200
    with open(UKR, "rb") as fh:
        assert client.post("/api/ingest", files={"file": ("ukr.csv", fh, "text/csv")}).status_code == 403
    assert client.post("/api/analyses", json={"dyad": "iraq-2006-2008"}).status_code == 403
    extracted = client.post("/api/extract", json={"text": "Rockets hit the base on Monday, killing two soldiers."})
    assert extracted.status_code == 200 and extracted.json()["id"] is None  # nothing kept


def test_forms_need_their_csrf_token(client):
    r = client.post("/extract", data={"text": "Rockets hit the base.", "csrf_token": "f" * 64})
    assert r.status_code == 403
    other = client.get("/extract").text  # a token minted for another browser's cookie is refused
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', other).group(1)
    client.cookies.clear()
    assert client.post("/extract", data={"text": "Rockets hit.", "csrf_token": token}).status_code == 403


def test_cross_origin_writes_are_refused(client):
    body = {"name": "x", "sides": {"A": {"label": "a", "actors": ["a"]}, "B": {"label": "b", "actors": ["b"]}}}
    for headers in ({"origin": "https://evil.example"}, {"sec-fetch-site": "cross-site"}, {"origin": "null"}):
        r = client.post("/api/dyads", json=body, headers=headers)
        assert r.status_code == 403, headers
    assert client.post("/api/dyads", json=body, headers={"origin": "http://127.0.0.1"}).status_code == 201


@pytest.mark.parametrize("name", ["../../../../tmp/jervis-pwned.csv", "..\\..\\evil.csv", "/etc/passwd",
                                  "ok.csv\x00.sh", ".hidden", "a" * 300 + ".csv"])  # fmt: skip
def test_upload_names_never_reach_the_filesystem(client, store, name):
    with open(UKR, "rb") as fh:
        r = client.post("/api/ingest", files={"file": (name, fh, "text/csv")})
    assert r.status_code == 201, r.text
    kept = sorted(p.name for p in uploads_of(store).iterdir())
    assert all(re.fullmatch(r"[0-9a-f]{32}(\.csv)?(\.json)?", n) for n in kept), kept
    assert not Path("/tmp/jervis-pwned.csv").exists()
    assert r.json()["uploaded_as"] == name.replace("\x00", "%00")[:255]  # as the client encoded it


@pytest.mark.parametrize("url", ["/static/../pyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml",
                                 "/static/..%2f..%2f..%2fpyproject.toml", "/api/dyads/..%2F..%2Fetc%2Fpasswd",
                                 "/api/dyads/../../etc/passwd", "/api/extract/..%2f..%2fsecret",
                                 "/api/ingest/..%2f..%2fjervis", "/api/analyses/..%2f..%2fx/verdict",
                                 "/api/events/export?format=../../etc/passwd",
                                 "/api/events/export?format=csv&out=/tmp/jervis-export-pwned.csv"])  # fmt: skip
def test_paths_from_the_client_never_read_or_write_files(client, url):
    r = client.get(url)
    assert r.status_code in (200, 404, 422)
    assert b"[project]" not in r.content and b"root:" not in r.content
    if r.status_code == 200:  # the extra parameter is ignored: the export is a download
        assert r.headers["content-disposition"] == 'attachment; filename="jervis-events.csv"'
    assert not Path("/tmp/jervis-export-pwned.csv").exists()


def test_oversize_uploads_get_413_and_leave_nothing(make_client, store, tmp_path, monkeypatch):
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))  # where a parser would spool the body
    client = make_client(max_upload_mb=1)
    before = client.get("/api/sources").json()
    big = b"x" * (3 * 1024 * 1024)
    declared = client.post("/api/ingest", files={"file": ("big.csv", big, "text/csv")})
    assert declared.status_code == 413 and declared.headers["content-type"] == "application/problem+json"

    def chunks():  # no Content-Length: the limit holds while the body streams in
        boundary = b"--jervisboundary\r\n"
        yield boundary + b'Content-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
        for _ in range(30):
            yield b"y" * (128 * 1024)
        yield b"\r\n--jervisboundary--\r\n"

    streamed = client.post("/api/ingest", content=chunks(),
                           headers={"content-type": "multipart/form-data; boundary=jervisboundary"})  # fmt: skip
    assert streamed.status_code == 413
    assert not any(uploads_of(store).iterdir())
    assert not any(spool.iterdir())
    assert client.get("/api/sources").json() == before
    big_json = client.post("/api/dyads", json={"name": "x" * (3 * 1024 * 1024)})
    assert big_json.status_code == 413
    big_article = client.post("/api/extract", json={"text": "x" * (9 * 1024 * 1024)})
    assert big_article.status_code == 413


def test_hostile_strings_are_escaped_in_every_page(client, hostile, hostile_csv):
    from markupsafe import escape

    path = hostile_csv
    with open(path, "rb") as fh:
        up = client.post("/api/ingest", files={"file": (f"{hostile[1]}.csv", fh, "text/csv")}).json()
    assert up["stored"] == 3 and up["quarantined"] == 1
    dyad = {"name": hostile[0], "sides": {"A": {"label": hostile[1], "actors": [hostile[0]]},
                                          "B": {"label": hostile[2], "actors": ["insurgents"]}}}  # fmt: skip
    dyad_id = client.post("/api/dyads", json=dyad).json()["id"]
    text = f"{hostile[0]} Rockets hit Camp Taji on Wednesday, killing two US soldiers. {hostile[1]}"
    x = client.post("/api/extract", json={"text": text, "published": "2020-03-14", "title": hostile[1]}).json()
    urls = ["/events?source=hostile", "/events/hostile:0", "/events/hostile:1", "/events/hostile:2", "/actors", "/quarantine",
            f"/ingest/{up['id']}", "/ingest", "/dyads", f"/dyads/{dyad_id}", f"/extract/{x['id']}", "/extract",
            "/sources"]  # fmt: skip
    for url in urls:
        html = client.get(url, headers={"accept": "text/html"}).text
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert not re.search(r"""href=["']?\s*javascript:""", html, re.I), url
        if url not in ("/sources", "/actors"):  # the others show at least one of them, as text
            shown = any(str(escape(h)) in html for h in hostile)
            assert shown or "&lt;script&gt;alert" in html or "&lt;img src=x" in html, url


    for chart in ("timeline", "map"):  # sides named with markup, in the charts' legends
        svg = client.get(f"/events/{chart}.svg?source=hostile")
        assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
        assert b"<script" not in svg.content and b"<img" not in svg.content
        assert b"&lt;script&gt;" in svg.content


def test_unexpected_errors_are_bare_problems(client, monkeypatch):
    import jervis.web.events as events_module

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail at /srv/data")

    monkeypatch.setattr(events_module, "events_page", broken)
    r = client.get("/api/events")
    assert r.status_code == 500 and r.headers["content-type"] == "application/problem+json"
    assert "secret" not in r.text and "Traceback" not in r.text
    page = client.get("/events", headers={"accept": "text/html"})
    assert page.status_code == 500 and "secret" not in page.text
