"""One server's shared state: the open store, per-thread query backends, folders, the jobs.

The server process holds the store open for its whole life (a DuckDB file has one writing
process). Each worker thread queries through its own cursor on that connection (a DuckDB
connection is not thread-safe, its cursors are), and writes are serialised by one lock, so
an ingest never races another. The public API functions take ``backend=`` for reads and the
store path for writes; the path opens the same in-process database, not a second one.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from jervis.errors import JervisError
from jervis.store.db import connect
from jervis.web.settings import Settings

FOLDERS = ("dyads", "analyses", "uploads", "extractions")


class WebState:
    def __init__(self, settings: Settings):
        settings.check()
        self.settings = settings
        self.secret = secrets.token_bytes(32)  # signs session and CSRF cookies; new per process
        self.write_lock = threading.Lock()
        self._local = threading.local()
        self.dirs: dict[str, Path] = {}
        if not settings.read_only:
            for name in FOLDERS:
                path = settings.data_dir / name
                try:
                    path.mkdir(parents=True, exist_ok=True)
                except OSError as exc:  # read-only disk, permissions: one line, not a traceback
                    raise JervisError(f"cannot create --data-dir's folders ({exc.strerror or exc})",
                                      path=str(path)) from None  # fmt: skip
                self.dirs[name] = path
        else:
            self.dirs = {name: settings.data_dir / name for name in FOLDERS}
        self._con = connect(settings.db, read_only=settings.read_only)
        self._cursors: list[Any] = []
        self._lock = threading.Lock()
        self._cache: dict[str, Any] = {}
        self._recent: OrderedDict[str, Any] = OrderedDict()
        from jervis.web.jobs import AnalysisJobs

        self.jobs = AnalysisJobs(self)

    @property
    def db(self) -> Path:
        return self.settings.db

    def backend(self) -> Any:
        """This thread's Ibis backend on the shared store."""
        backend = getattr(self._local, "backend", None)
        if backend is None:
            import ibis

            with self._lock:
                cursor = self._con.cursor()
                self._cursors.append(cursor)
            backend = ibis.duckdb.from_connection(cursor)
            self._local.backend = backend
        return backend

    def cached(self, key: str, compute: Any) -> Any:
        """A value computed once until the next write (this server is the store's only writer)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def remembered(self, key: str, compute: Any, size: int = 64) -> Any:
        """Like `cached`, for the many keys of charts: the last `size` used are kept."""
        with self._lock:
            if key in self._recent:
                self._recent.move_to_end(key)
                return self._recent[key]
        value = compute()
        with self._lock:
            self._recent[key] = value
            while len(self._recent) > size:
                self._recent.popitem(last=False)
        return value

    def invalidate(self) -> None:
        self._cache.clear()
        with self._lock:
            self._recent.clear()

    def upload_names(self) -> dict[str, str]:
        """Stored upload path -> the name the file had on the user's machine (shown, never used)."""

        def read() -> dict[str, str]:
            import json

            names = {}
            for meta in self.dirs["uploads"].glob("*.json") if self.dirs["uploads"].is_dir() else ():
                try:
                    info = json.loads(meta.read_text())
                    names[info["stored_as"]] = info["uploaded_as"]
                    names.setdefault(str(Path(info["stored_as"]).resolve()), info["uploaded_as"])
                except (ValueError, KeyError, OSError, TypeError):
                    continue
            return names

        return self.cached("upload_names", read)

    def shown_name(self, path: str | None) -> str | None:
        """A source file as pages and the API show it: an upload (or a member of an uploaded
        archive) under the name the user gave, any other file by its name; never a server path."""
        if not path:
            return path
        names = self.upload_names()
        if path in names:
            return names[path]
        cut = path.find("/", 1)
        while cut != -1:  # <stored upload>/<member> for archives
            if path[:cut] in names:
                return names[path[:cut]] + path[cut:]
            cut = path.find("/", cut + 1)
        return Path(path.replace("\\", "/")).name or path

    def close(self) -> None:
        self.jobs.shutdown()
        with self._lock:
            for cursor in self._cursors:
                try:
                    cursor.close()
                except Exception:  # noqa: BLE001 - closing on shutdown: nothing left to do
                    pass
            self._cursors.clear()
        self._con.close()
