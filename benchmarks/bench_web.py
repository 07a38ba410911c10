"""Load test of `jervis serve` on loopback: 50 concurrent clients for 30 s against the events API
and the event page, then the same clients while 5 analyses of the demo dyad run at once.

The server is the real command (`jervis serve`, one uvicorn process) on the Iraq 2006-2008 demo
store (112,313 events), started as a subprocess. Each client loops without pause (a closed
loop: the hardest load 50 clients can make), choosing at random between
- an events API query: a random mix of filters (mode, side, country, a date range) and a random
  page offset, 50 rows, with its total count;
- an event page (HTML): one of 2,000 event ids drawn from the store.
Latency is measured per request from send to last byte; errors are non-2xx answers or transport
failures. The baseline, run in this process before the server starts, is the same query mix
called directly through the Python API (`jervis.events` + `count_events`) on one thread: the
ratio says what HTTP, JSON and the pages cost on top of the query itself.

The clients share the 2 CPUs with the server, so figures are lower bounds for the server alone.

    .venv/bin/python benchmarks/bench_web.py                    # JSON on stdout
    .venv/bin/python benchmarks/bench_web.py --write-docs       # also update docs/benchmarks.md
    .venv/bin/python benchmarks/bench_web.py --clients 10 --seconds 5 --analyses 1   # quick look
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from docs_section import write_section  # benchmarks/docs_section.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Web app under load"
MODES = ["ied", "small_arms", "air_strike", "show_of_force", "other"]
SIDES = ["insurgents", "us_coalition"]
FAILURES: list[str] = []


def query_params(rng: random.Random) -> dict:
    """A random events query: some filters, a random page of 50."""
    params: dict = {"limit": 50}
    if rng.random() < 0.5:
        params["mode"] = rng.choice(MODES)
    if rng.random() < 0.4:
        params["side"] = rng.choice(SIDES)
    if rng.random() < 0.3:
        params["country"] = "IRQ"
    if rng.random() < 0.5:
        year = rng.choice([2006, 2007, 2008])
        month = rng.randint(1, 6)
        params["start"], params["end"] = f"{year}-{month:02d}-01", f"{year}-{month + 6:02d}-28"
    params["offset"] = rng.choice([0, 0, 50, 500, 2000])
    return params


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[k]


def summarise(samples: list[tuple[str, float, bool]], seconds: float) -> dict:
    out = {}
    for kind in sorted({s[0] for s in samples}):
        lat = [s[1] * 1000 for s in samples if s[0] == kind]
        errors = sum(1 for s in samples if s[0] == kind and not s[2])
        out[kind] = {"requests": len(lat), "errors": errors, "per_s": round(len(lat) / seconds, 1),
                     "p50_ms": round(percentile(lat, 50), 1), "p99_ms": round(percentile(lat, 99), 1),
                     "max_ms": round(max(lat), 1) if lat else None}  # fmt: skip
    return out


def baseline(db: Path, n: int, seed: int) -> dict:
    """The same query mix through the Python API, sequentially, in this process."""
    import ibis

    from jervis.store.query import count_events, events

    backend = ibis.duckdb.connect(str(db), read_only=True)
    rng = random.Random(seed)
    times = []
    cpu = time.process_time()
    for _ in range(n):
        params = query_params(rng)
        limit, offset = params.pop("limit"), params.pop("offset")
        started = time.perf_counter()
        count_events(backend=backend, **params)
        events(backend=backend, limit=limit, offset=offset, **params)
        times.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu) / n * 1000
    backend.disconnect()
    return {"queries": n, "p50_ms": round(percentile(times, 50), 1),
            "p99_ms": round(percentile(times, 99), 1), "cpu_ms": round(cpu_ms, 1)}  # fmt: skip


async def client_loop(base: str, stop: float, rng: random.Random, ids: list[str], samples: list,
                      client: httpx.AsyncClient, think: float) -> None:  # fmt: skip
    if think:
        await asyncio.sleep(rng.uniform(0, think))  # users do not all start at once
    while time.perf_counter() < stop:
        if rng.random() < 0.6:
            kind, url, params = "events API", "/api/events", query_params(rng)
        else:
            kind, url, params = "event page", f"/events/{rng.choice(ids)}", None
        started = time.perf_counter()
        try:
            r = await client.get(base + url, params=params)
            await r.aread()
            ok = r.status_code == 200
            what = None if ok else f"HTTP {r.status_code}: {r.text[:200]}"
        except httpx.HTTPError as exc:
            ok, what = False, f"{type(exc).__name__}: {exc}"
        samples.append((kind, time.perf_counter() - started, ok))
        if what:
            FAILURES.append(f"{kind} {url}: {what}")
        if think:
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))


async def load(base: str, clients: int, seconds: float, ids: list[str], seed: int, think: float = 0,
               analyses: int = 0, methods: list[str] | None = None) -> dict:  # fmt: skip
    samples: list = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        jobs: list[str] = []
        started = time.perf_counter()
        if analyses:
            body = {"dyad": "iraq-2006-2008", **({"methods": methods} if methods else {})}
            for _ in range(analyses):
                r = await client.post(base + "/api/analyses", json=body)
                r.raise_for_status()
                jobs.append(r.json()["id"])
        stop = time.perf_counter() + seconds
        tasks = [client_loop(base, stop, random.Random(seed + i), ids, samples, client, think)
                 for i in range(clients)]  # fmt: skip
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
        result = {"clients": clients, "think_s": think, "seconds": round(elapsed, 1),
                  "by_kind": summarise(samples, elapsed)}  # fmt: skip
        if analyses:
            statuses = []
            while True:  # wait for every analysis (the load stops once the window ends)
                statuses = [(await client.get(f"{base}/api/analyses/{j}")).json() for j in jobs]
                if all(s["done"] for s in statuses):
                    break
                await asyncio.sleep(1)
            result["analyses"] = {
                "started": analyses, "methods": methods or "all five",
                "states": [s["state"] for s in statuses],
                "seconds_each": [s["elapsed_s"] for s in statuses],
                "all_done_after_s": round(time.perf_counter() - started, 1),
                "verdicts": [s["verdicts"] for s in statuses][:1],
            }
    return result


def server_cpu_per_request(base: str, pid: int, ids: list[str], n: int = 200) -> dict:
    """The server's own CPU time per request (from /proc), one request at a time: what a
    request costs, whatever else the machine is doing."""

    def cpu() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    rng = random.Random(7)
    out = {}
    with httpx.Client(timeout=60) as client:
        for kind in ("events API", "event page"):
            before = cpu()
            for i in range(n):
                if kind == "events API":
                    client.get(base + "/api/events", params=query_params(rng)).raise_for_status()
                else:
                    client.get(f"{base}/events/{ids[i % len(ids)]}").raise_for_status()
            out[kind] = round((cpu() - before) / n * 1000, 1)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--analyses", type=int, default=5)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause of a paced client (s)")
    parser.add_argument("--methods", default="", help="comma-separated; default all five")
    parser.add_argument("--analysis-workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    methods = [m for m in args.methods.split(",") if m] or None

    from jervis.demo import embedded_data_dir
    from jervis.store.ingest import ingest

    work = Path(tempfile.mkdtemp(prefix="jervis-bench-web-"))
    server = None
    try:
        db = work / "jervis.duckdb"
        ingest([embedded_data_dir()], db=db)
        base_line = baseline(db, 300, args.seed)
        import ibis

        con = ibis.duckdb.connect(str(db), read_only=True)
        ids = list(con.table("events").select("event_id").to_pandas().sample(2000, random_state=1)["event_id"])
        con.disconnect()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        jervis_cmd = [sys.executable, "-m", "jervis", "serve", "--db", str(db), "--port", str(port),
                      "--analysis-workers", str(args.analysis_workers)]  # fmt: skip
        log = open(work / "server.log", "w+")  # noqa: SIM115 - read back at the end
        server = subprocess.Popen(jervis_cmd, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.time() + 60
        while True:
            try:
                if httpx.get(base + "/api/events?limit=1", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline or server.poll() is not None:
                log.seek(0)
                raise SystemExit("the server did not start: " + log.read())
            time.sleep(0.2)
        for _ in range(20):  # warm caches and the query path once
            httpx.get(base + "/api/events", params=query_params(random.Random(99)), timeout=30)
        cost = server_cpu_per_request(base, server.pid, ids)
        closed = asyncio.run(load(base, args.clients, args.seconds, ids, args.seed))
        queries = asyncio.run(load(base, args.clients, args.seconds, ids, args.seed + 500, think=args.think))
        with_jobs = asyncio.run(load(base, args.clients, args.seconds, ids, args.seed + 1000,
                                     think=args.think, analyses=args.analyses, methods=methods))  # fmt: skip
    finally:
        server_log = ""
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.seek(0)
            server_log = log.read()[-3000:]
            log.close()
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}",
        "load_average_at_start": os.getloadavg()[0],
        "baseline_python_api": base_line,
        "server_cpu_ms_per_request": cost,
        "closed_loop": closed,
        "queries_only": queries,
        "with_analyses": with_jobs,
        "failures": FAILURES[:20],
        "server_log_tail": server_log,
    }
    # CPU per request over CPU per query: both independent of what else the machine runs.
    result["ratio_cpu_web_to_python_api"] = round(cost["events API"] / base_line["cpu_ms"], 2)
    print(json.dumps(result, indent=2))
    if args.write_docs:
        write_docs(result, args)


def write_docs(r: dict, args) -> None:
    def rows(phase: dict) -> list[str]:
        return [f"| {kind} | {v['requests']:,} | {v['errors']} | {v['per_s']} | {v['p50_ms']} | {v['p99_ms']} |"
                for kind, v in phase["by_kind"].items()]  # fmt: skip

    c, q, j = r["closed_loop"], r["queries_only"], r["with_analyses"]
    errors = sum(v["errors"] for phase in (c, q, j) for v in phase["by_kind"].values())

    def goal(phase: dict) -> str:
        api = phase["by_kind"]["events API"]
        return "met" if errors == 0 and api["p99_ms"] < 200 else "not met"
    a = j["analyses"]
    cpus, load_avg = os.cpu_count() or 1, r["load_average_at_start"]
    busy = ""
    if load_avg > cpus:
        busy = (f"\nThe machine was busy: a load average of {load_avg:.1f} on {cpus} CPUs means the server "
                f"had roughly {cpus / load_avg:.0%} of the machine, so the latencies measure the "
                "contention more than the app; rerun on an idle machine before reading them as the "
                "app's own. The CPU cost per request above does not depend on the load.\n")  # fmt: skip
    text = f"""{SECTION}

Measured {r['date']} with `benchmarks/bench_web.py` ({r['machine']}; load average at start
{r['load_average_at_start']:.1f}; the machine is shared, and the clients run on the same 2 CPUs
as the server, so these are lower bounds). `jervis serve` on the Iraq 2006-2008 demo store
(112,313 events), {args.clients} clients for {args.seconds:.0f} s each phase: 60% events API
queries (random filters and page of 50, with the total), 40% event pages (HTML).
Reproduce: `.venv/bin/python benchmarks/bench_web.py --write-docs`.

Closed loop (each client sends its next request as soon as the last is answered: the most
load 50 clients can make, far beyond 50 people reading pages):

| request | requests | errors | per s | p50 ms | p99 ms |
|---|---:|---:|---:|---:|---:|
{chr(10).join(rows(c))}

Paced like people (each client pauses {args.think:g} s on average between requests):

| request | requests | errors | per s | p50 ms | p99 ms |
|---|---:|---:|---:|---:|---:|
{chr(10).join(rows(q))}

The paced load while {a['started']} analyses of the demo dyad ({a['methods']}) run at once
(`--analysis-workers {args.analysis_workers}`: they queue and run one at a time in a worker process):

| request | requests | errors | per s | p50 ms | p99 ms |
|---|---:|---:|---:|---:|---:|
{chr(10).join(rows(j))}

Analyses: {', '.join(a['states'])}; each ran {', '.join(str(s) for s in a['seconds_each'])} s once
it left the queue; all done {a['all_done_after_s']} s after the first was submitted.

What a request costs the server, measured as its own CPU time one request at a time (so the
rest of the machine does not count): events API {r['server_cpu_ms_per_request']['events API']} ms,
event page {r['server_cpu_ms_per_request']['event page']} ms. One core therefore serves about
{1000 / (0.6 * r['server_cpu_ms_per_request']['events API'] + 0.4 * r['server_cpu_ms_per_request']['event page']):.0f}
requests a second of this mix; the latencies above are that capacity shared with the clients,
the analyses and everything else running on the machine.

Baseline: the same query mix through the Python API (`jervis.events` + `count_events`, Ibis)
on one thread, in the benchmark's process: {r['baseline_python_api']['cpu_ms']} ms of CPU per query
(wall p50 {r['baseline_python_api']['p50_ms']} ms, p99 {r['baseline_python_api']['p99_ms']} ms). Ratio of
the server's CPU per events API request (HTTP, JSON and the query, which the web app runs as
bound SQL: `store.query.events_page`) to it: **{r['ratio_cpu_web_to_python_api']}**.

Goal (0 errors, p99 under 200 ms for event queries): closed loop **{goal(c)}**, paced
**{goal(q)}**, paced with analyses **{goal(j)}**; errors in all phases: {errors}.
{busy}"""
    write_section(text.rstrip("\n"), SECTION, DOCS)


if __name__ == "__main__":
    main()
