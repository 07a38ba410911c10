"""Analyses as background jobs: the server answers while they run, and survives their failure.

A job's events are read from the store in the server process (which owns the store), then the
methods run in a separate worker process (``spawn``, at a lower CPU priority), so a long
analysis neither holds the server's interpreter lock, nor takes the CPU from requests, nor can
crash the server. Jobs wait in a queue of bounded length;
each job's folder (``<data_dir>/analyses/<id>/``) keeps its dyad file, its settings and state
(``job.json``) and, once done, ``verdict.json``, so results outlive the server.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import logging
import multiprocessing
import statistics
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jervis.errors import JervisError

if TYPE_CHECKING:
    from jervis.web.state import WebState

log = logging.getLogger("jervis.web")

ACTIVE = ("queued", "loading", "running", "reporting")
STAGES = {
    "queued": "waiting for a free worker",
    "loading": "reading the dyad's events from the store",
    "running": "running the methods in both directions",
    "reporting": "drawing the report (charts of the data and of each method's evidence)",
    "done": "finished",
    "failed": "failed",
    "interrupted": "interrupted (the server stopped while it ran)",
}


@dataclass
class Job:
    id: str
    dyad_id: str
    dyad_name: str
    methods: list[str] | None
    bin: str | None
    settings: dict[str, Any]
    created: float
    state: str = "queued"
    started: float | None = None
    finished: float | None = None
    error: str | None = None
    report_error: str | None = None
    events: int | None = None
    verdicts: dict[str, str] = field(default_factory=dict)

    def status(self, typical: float | None = None) -> dict[str, Any]:
        end = self.finished or (time.time() if self.state in ACTIVE else self.created)
        return {
            "id": self.id,
            "dyad": self.dyad_id,
            "dyad_name": self.dyad_name,
            "methods": self.methods,
            "bin": self.bin,
            "settings": self.settings,
            "state": self.state,
            "stage": STAGES[self.state],
            "done": self.state not in ACTIVE,
            "created": _iso(self.created),
            "started": _iso(self.started),
            "finished": _iso(self.finished),
            "elapsed_s": round(end - (self.started or self.created), 1),
            "typical_s": None if typical is None else round(typical, 1),
            "events": self.events,
            "verdicts": self.verdicts,
            "error": self.error,
            "report": self.state == "done" and self.report_error is None,
            "report_error": self.report_error,
        }


def _iso(ts: float | None) -> str | None:
    return None if ts is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def _lower_priority() -> None:
    """Worker processes yield the CPU to the server: a page asked for now matters more."""
    import os

    try:
        os.nice(10)
    except (AttributeError, OSError):  # not on this platform, or not allowed: run as is
        pass


def analyse_in_worker(dyad_path: str, events: Any, gaps: list[dict], methods: list[str] | None,
                      bin: str | None, settings: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """Runs in a worker process: the public ``analyze`` on events (and the spans the sources did
    not cover) read by the server, so the verdict is the one `jervis analyze` gives."""
    from jervis.analysis.api import analyze

    return analyze(dyad_path, events=events, methods=methods, bin=bin, source_gaps=gaps,
                   **settings).to_dict()  # fmt: skip


class AnalysisJobs:
    def __init__(self, state: WebState):
        self.state = state
        self.root = state.dirs["analyses"]
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        workers = state.settings.analysis_workers
        self._runners = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="analysis")
        self._pool: cf.ProcessPoolExecutor | None = None
        self._workers = workers
        self._closing = False
        self._load()

    # -- persistence -------------------------------------------------------------------------
    def _load(self) -> None:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.glob("*/job.json")):
            try:
                job = Job(**json.loads(path.read_text()))
            except (ValueError, TypeError):
                continue
            if job.state in ACTIVE:
                job.state, job.finished = "interrupted", job.finished or path.stat().st_mtime
                self._save(job)
            self.jobs[job.id] = job

    def _save(self, job: Job) -> None:
        if self.state.settings.read_only:
            return
        folder = self.root / job.id
        folder.mkdir(exist_ok=True)
        tmp = folder / "job.json.tmp"
        tmp.write_text(json.dumps(asdict(job), indent=2))
        tmp.replace(folder / "job.json")

    # -- queries -----------------------------------------------------------------------------
    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def folder(self, job: Job) -> Path:
        return self.root / job.id

    def listing(self) -> list[Job]:
        return sorted(self.jobs.values(), key=lambda j: j.created, reverse=True)

    def typical_seconds(self, job: Job) -> float | None:
        """Median duration of earlier finished runs of the same dyad and methods."""
        same = [j.finished - j.started for j in self.jobs.values()
                if j.state == "done" and j.id != job.id and j.dyad_id == job.dyad_id
                and j.methods == job.methods and j.started and j.finished]  # fmt: skip
        return statistics.median(same) if same else None

    def verdict(self, job: Job) -> dict[str, Any] | None:
        path = self.folder(job) / "verdict.json"
        return json.loads(path.read_text()) if job.state == "done" and path.exists() else None

    # -- running -----------------------------------------------------------------------------
    def start(self, dyad_id: str, dyad_name: str, dyad_toml: str, *, methods: list[str] | None,
              bin: str | None, settings: dict[str, Any]) -> Job:  # fmt: skip
        with self._lock:
            active = sum(j.state in ACTIVE for j in self.jobs.values())
            if active >= self.state.settings.max_queued_analyses:
                raise QueueFull(active)
            job = Job(id=uuid.uuid4().hex, dyad_id=dyad_id, dyad_name=dyad_name, methods=methods,
                      bin=bin, settings=settings, created=time.time())  # fmt: skip
            self.jobs[job.id] = job
        folder = self.folder(job)
        folder.mkdir()
        (folder / "dyad.toml").write_text(dyad_toml, encoding="utf-8")
        self._save(job)
        self._runners.submit(self._run, job)
        return job

    def _process_pool(self) -> cf.ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = cf.ProcessPoolExecutor(
                    max_workers=self._workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_lower_priority,
                )
            return self._pool

    def _run(self, job: Job) -> None:
        from jervis.store.query import dyad_events, source_gaps

        dyad_path = str(self.folder(job) / "dyad.toml")
        try:
            job.state, job.started = "loading", time.time()
            self._save(job)
            events = dyad_events(dyad_path, backend=self.state.backend())
            gaps = source_gaps(dyad_path, backend=self.state.backend())
            job.events = int(len(events))
            job.state = "running"
            self._save(job)
            future = self._process_pool().submit(
                analyse_in_worker, dyad_path, events, gaps, job.methods, job.bin, job.settings
            )
            verdict = future.result()
            (self.folder(job) / "verdict.json").write_text(
                json.dumps(verdict, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
            )
            job.verdicts = {f"{d['from']}->{d['to']}": d["verdict"] for d in verdict["directions"]}
            job.state = "reporting"
            self._save(job)
            self._report(job, dyad_path, verdict)
            job.state = "done"
        except JervisError as exc:
            job.state, job.error = "failed", str(exc)
        except cf.process.BrokenProcessPool:
            if self._closing:
                job.state = "interrupted"
            else:
                job.state, job.error = "failed", "the analysis worker stopped unexpectedly"
            with self._lock:
                self._pool = None
        except Exception as exc:  # noqa: BLE001 - reported in the job, logged with its traceback
            log.exception("analysis %s failed", job.id)
            job.state, job.error = "failed", f"the analysis failed ({type(exc).__name__})"
        job.finished = time.time()
        self._save(job)

    def _report(self, job: Job, dyad_path: str, verdict: dict[str, Any]) -> None:
        """The report of issue "See the evidence" for this verdict, shown inside the app."""
        from jervis.report.api import report

        try:
            report(dyad_path, db=self.state.db, out=self.folder(job) / "report", verdict=verdict,
                   formats=(), backend=self.state.backend())  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - the verdict stands without its report
            log.exception("report of analysis %s failed", job.id)
            job.report_error = f"the report could not be drawn ({type(exc).__name__})"

    def report_html(self, job: Job) -> str | None:
        path = self.folder(job) / "report" / "index.html"
        return path.read_text(encoding="utf-8") if job.state == "done" and path.is_file() else None

    def shutdown(self) -> None:
        self._closing = True
        self._runners.shutdown(wait=False, cancel_futures=True)
        pool = self._pool
        if pool is not None:
            # Running analyses would otherwise keep the process alive until they finish.
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            pool.shutdown(wait=True, cancel_futures=True)


class QueueFull(Exception):
    def __init__(self, active: int):
        super().__init__(f"{active} analyses are queued or running; try again when one finishes")
