"""Fixtures for the web app: a demo store built once, apps on copies of it, a live server (the
browser, Playwright driving Debian's Chromium, is tests/conftest.py's)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
HOSTILE = ['<script>alert("x1")</script>', '"><img src=x onerror=alert("x2")>', "javascript:alert('x3')"]


@pytest.fixture
def hostile_csv(tmp_path: Path, hostile: list[str]) -> Path:
    """A canonical CSV whose actor, target, place, evidence and URL are the hostile strings
    (events hostile:0..2, dataset "hostile"), plus one bad row for the quarantine."""
    import csv

    path = tmp_path / "hostile.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["event_id", "date", "date_precision", "actor", "target", "event", "mode",
                         "source_dataset", "evidence", "source_url", "location", "actor_side",
                         "latitude", "longitude"])  # fmt: skip
        for i, text in enumerate(hostile):
            writer.writerow([f"hostile:{i}", f"2007-02-0{i + 1}", "day", text, text, "ASSAULT", "rocket",
                             "hostile", f"note {text}", hostile[2], text, text, 33.3, 44.4 + i])  # fmt: skip
        writer.writerow(["hostile:bad", "not-a-date", "day", hostile[0], "", "ASSAULT", "rocket",
                         "hostile", "", "", "", "", "", ""])  # fmt: skip
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded Iraq 2006-2008 data (112,313 events) in a store, built once per worker."""
    from jervis.demo import embedded_data_dir
    from jervis.store.ingest import ingest

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    ingest([embedded_data_dir()], db=path)
    return path


@pytest.fixture
def store(tmp_path: Path, demo_db: Path) -> Path:
    """A private copy of the demo store (tests may write to it)."""
    path = tmp_path / "jervis.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture
def make_client(store: Path) -> Iterator[Callable]:
    """make_client(**settings) -> a TestClient on a fresh app over the test's store."""
    from fastapi.testclient import TestClient

    from jervis.web import Settings, create_app

    clients = []

    def make(base_url: str = "http://127.0.0.1", **overrides):
        settings = Settings(db=overrides.pop("db", store), **overrides)
        client = TestClient(create_app(settings), base_url=base_url, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client):
    return make_client()


class LiveServer:
    """The app served by uvicorn on a free loopback port, in a thread of the test process."""

    def __init__(self, settings):
        import uvicorn

        from jervis.web import create_app

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="on")  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


@pytest.fixture(scope="module")
def live_store(tmp_path_factory: pytest.TempPathFactory, demo_db: Path) -> Path:
    path = tmp_path_factory.mktemp("live") / "jervis.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def live_server(live_store: Path) -> Iterator[LiveServer]:
    from jervis.web import Settings

    with LiveServer(Settings(db=live_store)) as server:
        yield server


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page that records console errors, dialogs and requests beyond the server."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=live_server.url)
    page = context.new_page()
    page.console_errors = []
    page.dialogs = []
    page.foreign_requests = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: r.url.startswith(live_server.url) or r.url.startswith("data:")
            or page.foreign_requests.append(r.url))  # fmt: skip
    yield page
    context.close()


def _shot(page, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"web-{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def shot() -> Callable:
    """shot(page, name): a screenshot under tests/artifacts/ (git-ignored), to look at."""
    return _shot


@pytest.fixture
def hostile() -> list[str]:
    """Markup and script in data: must be shown as text everywhere, and never run."""
    return list(HOSTILE)

