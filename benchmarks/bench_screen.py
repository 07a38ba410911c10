"""Benchmark: ``jervis screen`` over a large synthetic event lake, on each engine.

Events: the UCDP GED Iraq file (tests/fixtures/ucdp-ged) re-reported with noise
(``jervis.dedup.synthetic.rereport``) and tiled until ``--rows`` events
(``write_tiled_lake(..., separate=True)``): each tile has its own actor names (``name #k``)
and its own period (its dates moved by k * 211 days, wrapped into +-11 years), so actors of
different tiles are unrelated (known nulls) while each tile keeps the real dynamics of one
period of the Iraq war; the rows are written to a Parquet lake (the same lake as
bench_dedup.py's). Then ``jervis.screen`` (top ``--top`` actors, every pair, both directions,
count regression and Granger, FDR) runs on each engine of ``--engines``.

Baseline in the same run: the engine's grouped count alone (the query part of the screen).
Accuracy: the share of pairs across tiles (unrelated by construction) that get a signal,
beside the share of pairs within a tile. Writes the "Screening" section of
docs/benchmarks.md (other sections are kept).

    nice -n 10 python benchmarks/bench_screen.py [--rows 10000000] [--top 50] [--engines duckdb,spark]
    nice -n 10 python benchmarks/bench_screen.py --calibrate 6 --actors 8 --days 1096   # null rates
    nice -n 10 python benchmarks/bench_screen.py --power 20 --actors 4 --days 1096      # linked pairs
    nice -n 10 python benchmarks/bench_screen.py --null-pairs 250 --days 1096          # per direction
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DOCS = ROOT / "docs" / "benchmarks.md"

import jervis  # noqa: E402
from jervis.analysis.screen.screening import SIGNALS  # noqa: E402
from jervis.dedup.synthetic import rereport, write_tiled_lake  # noqa: E402
from jervis.store.engine import Engine, stop_spark  # noqa: E402


def replace_section(title: str, body: str) -> None:
    """Write ``## title`` in docs/benchmarks.md, replacing the old one and keeping the rest."""
    text = DOCS.read_text()
    section = f"## {title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    DOCS.write_text(text)


def make_lake(rows: int, work: Path, seed: int = 3) -> Path:
    """The tiled, re-reported Iraq lake (kept in ``work`` and reused by both benchmarks)."""
    lake = work / f"lake-{rows}-{seed}"
    if lake.exists():  # kept from an earlier run (--keep)
        return lake
    db = work / "irq.duckdb"
    if not db.exists():
        jervis.ingest(ROOT / "tests" / "fixtures" / "ucdp-ged" / "conflict_data_irq.csv", db=db)
    base = rereport(jervis.events(db), seed=seed)
    staging = lake.with_name(lake.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    write_tiled_lake(base, rows, staging, separate=True)
    staging.rename(lake)
    return lake


def _tile(actor: str) -> str:
    return actor.rsplit("#", 1)[-1]


def accuracy(rows: list[dict]) -> dict:
    """Signals among directions across tiles (unrelated: any signal is false) and within."""
    across = [r for r in rows if _tile(r["source"]) != _tile(r["target"])]
    within = [r for r in rows if _tile(r["source"]) == _tile(r["target"])]
    fitted = lambda rs: [r for r in rs if r["p_count_regression"] is not None]  # noqa: E731
    signals = lambda rs: sum(r["signal"] in SIGNALS for r in rs)  # noqa: E731
    return {"across": len(fitted(across)), "across_signals": signals(across),
            "within": len(fitted(within)), "within_signals": signals(within)}  # fmt: skip


def real_pool(work: Path, min_events: int = 300) -> list:
    """Daily series (whole file period) of the actors with at least ``min_events`` events in the
    UCDP GED Iraq and Ukraine fixtures: the bootstrap's material."""
    from jervis.analysis.screen.calibration import series_pool

    pool = []
    for name in ("irq", "ukr"):
        db = work / f"pool-{name}.duckdb"
        if not db.exists():
            jervis.ingest(ROOT / "tests" / "fixtures" / "ucdp-ged" / f"conflict_data_{name}.csv", db=db)
        pool += series_pool(jervis.events(db), actor="actor", date="date", min_events=min_events)
    return pool


def _q(row: dict) -> float:
    q = row["q_count_regression"]
    return 1.0 if q is None else q


def shift_days(tile: str) -> int:
    """How far tile k's dates were moved (synthetic.tile)."""
    from jervis.dedup.synthetic import SHIFT_SPAN_DAYS, SHIFT_STEP_DAYS

    return (int(tile) * SHIFT_STEP_DAYS) % SHIFT_SPAN_DAYS - SHIFT_SPAN_DAYS // 2


def tile_offsets(rows: list[dict], lags_days: int = 28) -> dict:
    """Directions across tiles by how far apart the two tiles' periods are: a tile is a moved
    copy of one file, so two actors of tiles moved by nearly the same number of days are two
    actors of one war, a few days apart (not a null); signals among near and far ones."""
    near = [r for r in rows if _tile(r["source"]) != _tile(r["target"])
            and abs(shift_days(_tile(r["source"])) - shift_days(_tile(r["target"]))) <= lags_days]  # fmt: skip
    far = [r for r in rows if _tile(r["source"]) != _tile(r["target"]) and r not in near]
    fitted = lambda rs: [r for r in rs if r["p_count_regression"] is not None]  # noqa: E731
    signals = lambda rs: sum(r["signal"] in SIGNALS for r in rs)  # noqa: E731
    q05 = lambda rs: sum(_q(r) < 0.05 for r in rs)  # noqa: E731 - before the control
    return {"near": len(fitted(near)), "near_signals": signals(near), "near_q05": q05(near),
            "far": len(fitted(far)), "far_signals": signals(far), "far_q05": q05(far),
            "near_days": lags_days}  # fmt: skip


def calibration(runs: int, actors: int, days: int, work: Path) -> list[dict]:
    """The screen on independent null actors (jervis.analysis.screen.calibration), both kinds."""
    from jervis.analysis.screen.calibration import calibrate

    pool = real_pool(work)
    out = []
    for kind in ("simulated", "bootstrap"):
        started = time.perf_counter()
        load = os.getloadavg()[0]
        result = calibrate(kind, runs=runs, actors=actors, days=days, seed=11, pool=pool, jobs=2)
        result |= {"seconds": time.perf_counter() - started, "load": load}
        print(result, flush=True)
        out.append(result)
    return out


def power_study(runs: int, actors: int, days: int) -> list[dict]:
    """The screen on linked pairs it does not model (jervis.analysis.screen.calibration.power): a
    delayed, spread-out response (days 3-10) at two strengths, and a common driver."""
    from jervis.analysis.screen.calibration import power

    out = []
    for scenario, branching in (("delayed", 0.3), ("delayed", 0.15), ("common_driver", 0.0)):
        started = time.perf_counter()
        result = power(scenario, runs=runs, actors=actors, days=days, seed=17, branching=branching, jobs=2)
        result |= {"branching": branching, "seconds": time.perf_counter() - started, "load": os.getloadavg()[0]}
        print(result, flush=True)
        out.append(result)
    return out


def null_rates(pairs: int, days: int, work: Path) -> list[dict]:
    """Per-direction rejection rates on ``pairs`` independent pairs of each kind: the screen's
    shift-calibrated p-values and, on the same series, the models' own Wald p-values."""
    import numpy as np

    from jervis.analysis.screen.calibration import null_pvalues

    pool = real_pool(work)
    out = []
    for kind, seed in (("simulated", 3), ("bootstrap", 5)):
        for wald in (False, True):
            started, load = time.perf_counter(), os.getloadavg()[0]
            p = null_pvalues(kind, pairs=pairs, days=days, seed=seed, pool=pool, wald=wald)
            row = {"kind": kind, "p": "wald" if wald else "shift", "seconds": time.perf_counter() - started,
                   "load": load}  # fmt: skip
            for method, values in p.items():
                v = np.array(values)
                row |= {f"{method}_n": len(v), f"{method}_p05": float((v < 0.05).mean()),
                        f"{method}_p01": float((v < 0.01).mean())}  # fmt: skip
            print(row, flush=True)
            out.append(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--start", default="2004-01-01")
    parser.add_argument("--end", default="2009-12-31")
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--json", type=Path, help="write the screen's rows here (per engine)")
    parser.add_argument("--calibrate", type=int, metavar="RUNS",
                        help="instead: RUNS screens of --actors independent null actors each")
    parser.add_argument("--power", type=int, metavar="RUNS",
                        help="instead: RUNS screens of --actors actors with one linked pair per scenario")
    parser.add_argument("--null-pairs", type=int, metavar="PAIRS",
                        help="instead: per-direction null rates on PAIRS independent pairs of each kind")
    parser.add_argument("--actors", type=int, default=10)
    parser.add_argument("--days", type=int, default=2191)
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="jervis-bench-screen-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    if args.null_pairs:
        null_rates(args.null_pairs, args.days, work)
        return
    if args.power:
        power_study(args.power, args.actors, args.days)
        return
    if args.calibrate:
        try:
            calibration(args.calibrate, args.actors, args.days, work)
        finally:
            if args.keep is None:
                shutil.rmtree(work, ignore_errors=True)
        return
    try:
        lake = make_lake(args.rows, work)
        n = Engine(lake=lake).raw_events().count().to_pandas()
        for name in args.engines.split(","):
            engine = Engine(name, lake=lake)
            load = os.getloadavg()[0]  # the machine is shared: how busy it was
            started = time.perf_counter()
            t = engine.events()
            t = t.filter(t.actor.notnull())
            t.group_by(["actor", "date"]).aggregate(n=t.count()).count().to_pandas()
            query = time.perf_counter() - started
            started = time.perf_counter()
            report = jervis.screen(engine, top=args.top, start=args.start, end=args.end)
            seconds = time.perf_counter() - started
            fitted = sum(r["p_count_regression"] is not None for r in report["rows"])
            signals = sum(r["signal"] in SIGNALS for r in report["rows"])
            confounded = sum(r["signal"] == "confounded" for r in report["rows"])
            results.append({"engine": name, "rows": n, "pairs": report["pairs"], "fitted": fitted,
                            "signals": signals, "confounded": confounded, "seconds": seconds, "query": query, "load": load,
                            **accuracy(report["rows"]), **tile_offsets(report["rows"])})  # fmt: skip
            if args.json:
                import json

                args.json.with_suffix(f".{name}.json").write_text(json.dumps(report["rows"], default=str))
            print(results[-1], flush=True)
            if name == "spark":
                stop_spark()
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.no_docs:
        return
    lines = [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()} (shared with other jobs while measured)",
        f"- Command: `nice -n 10 python benchmarks/bench_screen.py {' '.join(sys.argv[1:])}`",
        f"- Events: re-reported UCDP GED Iraq tiled to {results[0]['rows']:,} rows in a Parquet lake, "
        f"each tile with its own actors and period; screened {args.start} to {args.end}, top {args.top} actors.",
        "",
        "| engine | events | pairs | directions fitted | signals (FDR < 0.05) | across tiles: fitted, signals "
        "| within a tile: fitted, signals | screen s | grouped count alone s | ratio | load avg at start |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['engine']} | {r['rows']:,} | {r['pairs']:,} | {r['fitted']:,} | {r['signals']:,} "
            f"| {r['across']:,}, {r['across_signals']:,} | {r['within']:,}, {r['within_signals']:,} "
            f"| {r['seconds']:.0f} | {r['query']:.0f} | {r['seconds'] / max(r['query'], 1e-9):.1f} | {r['load']:.1f} |"
        )
    replace_section("Screening", "\n".join(lines))


if __name__ == "__main__":
    main()
