"""Report generation on the Iraq demo (112,313 events): seconds beyond the analysis, HTML size.

The demo's data are ingested into a fresh store and analysed once (not timed: the report's
budget is what it adds to the analysis). Then, best of N runs each:

* baseline: what any report must do at least, read the verdict JSON and the dyad's events
  from the store into pandas (``jervis.dyad_events``);
* ``jervis.report(..., verdict=FILE)``: store aggregates, every chart's spec, the page, and
  one SVG and PNG per chart (vl-convert), split into those steps.

    .venv/bin/python benchmarks/bench_report.py                  # JSON on stdout
    .venv/bin/python benchmarks/bench_report.py --write-docs     # also update docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from docs_section import write_section  # benchmarks/docs_section.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Report generation"
BUDGET_S = 10.0
BUDGET_BYTES = 5_000_000


def run(repeat: int) -> dict:
    import jervis
    from jervis.demo import demo_dyad_path, embedded_data_dir

    folder = Path(tempfile.mkdtemp(prefix="bench-report-"))
    db = folder / "jervis.duckdb"
    jervis.ingest([embedded_data_dir()], db=db)
    dyad = demo_dyad_path()
    clock = time.perf_counter()
    verdict = jervis.analyze(dyad, db=db)
    # as `jervis demo`: the daily Hawkes model and two response policies, drawn in the report
    hawkes = jervis.hawkes(dyad, db=db, model="discrete", link="log")
    policies = jervis.policies(dyad, db=db, policy=["never_respond", "always_respond"], days=30)
    analysis_s = time.perf_counter() - clock
    verdict_file = folder / "verdict.json"
    verdict_file.write_text(verdict.to_json(), encoding="utf-8")
    extra = {}
    for name, result in (("hawkes", hawkes), ("policies", policies)):
        extra[name] = folder / f"{name}.json"
        extra[name].write_text(json.dumps(result, default=str), encoding="utf-8")

    baseline, totals, cpu, steps = [], [], [], []
    for i in range(repeat):
        clock = time.perf_counter()
        json.loads(verdict_file.read_text(encoding="utf-8"))
        events = jervis.dyad_events(dyad, db)
        baseline.append(time.perf_counter() - clock)
        timings: dict[str, float] = {}
        clock, cpu_clock = time.perf_counter(), time.process_time()
        index = jervis.report(dyad, db=db, out=folder / f"report-{i}", verdict=verdict_file,
                              timings=timings, **extra)  # fmt: skip
        totals.append(time.perf_counter() - clock)
        cpu.append(time.process_time() - cpu_clock)
        steps.append(timings)
    best = min(range(repeat), key=lambda i: totals[i])
    charts = sorted((index.parent / "charts").glob("*.svg"))
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": [round(x, 1) for x in os.getloadavg()],
        },
        "events": int(len(events)),
        "repeat": repeat,
        "analysis_seconds": round(analysis_s, 2),
        "baseline_seconds": {"best": round(min(baseline), 3),
                             "median": round(statistics.median(baseline), 3)},  # fmt: skip
        "report_seconds": {"best": round(totals[best], 3),
                           "median": round(statistics.median(totals), 3)},  # fmt: skip
        "report_cpu_seconds": round(cpu[best], 3),
        "steps_of_best": {k: round(v, 3) for k, v in steps[best].items()},
        "ratio_to_baseline": round(totals[best] / min(baseline), 1),
        "html_bytes": index.stat().st_size,
        "charts": len(charts),
        "chart_files_bytes": sum(p.stat().st_size for p in (index.parent / "charts").iterdir()),
    }


def markdown(r: dict) -> str:
    m = r["machine"]
    s = r["steps_of_best"]
    met = r["report_seconds"]["best"] < BUDGET_S and r["html_bytes"] < BUDGET_BYTES
    return "\n".join([
        SECTION,
        "",
        f"Measured {r['date']} with `benchmarks/bench_report.py` on {m['nproc']} CPUs, Python "
        f"{m['python']}; load average at start {m['load_average'][0]} (the machine is shared, "
        "so these are upper bounds). The Iraq demo dyad ({:,} events), analysed once before "
        "timing ({} s, not counted); best of {} runs (median in brackets). Reproduce: "
        "`.venv/bin/python benchmarks/bench_report.py --write-docs`.".format(
            r["events"], r["analysis_seconds"], r["repeat"]),
        "",
        "| step | seconds |",
        "|---|---:|",
        f"| baseline: read the verdict JSON and the dyad's events from the store (pandas) | "
        f"{r['baseline_seconds']['best']} ({r['baseline_seconds']['median']}) |",
        f"| `jervis.report(..., verdict=FILE)`, all of it | {r['report_seconds']['best']} "
        f"({r['report_seconds']['median']}) |",
        f"| the same, CPU time of the process (all its threads; does not grow with the "
        f"machine's load) | {r.get('report_cpu_seconds', '?')} |",
        f"| of which: store aggregates and chart specs | {s.get('figures', 0)} |",
        f"| of which: the page (Jinja2, inlined scripts) | {s.get('html', 0)} |",
        f"| of which: one SVG and PNG per chart ({r['charts']} charts, vl-convert) | "
        f"{s.get('files', 0)} |",
        "",
        f"- Ratio, report / baseline: **{r['ratio_to_baseline']}**.",
        f"- `index.html`: **{r['html_bytes'] / 1e6:.2f} MB** with vega, vega-lite, vega-embed "
        f"and the base map inlined (chart files beside it: {r['chart_files_bytes'] / 1e6:.1f} MB).",
        f"- Acceptance (under {BUDGET_S:.0f} s beyond the analysis, HTML under "
        f"{BUDGET_BYTES / 1e6:.0f} MB): **{'met' if met else 'missed'}**.",
        "",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)
    result = run(args.repeat)
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    if args.write_docs:
        write_section(markdown(result), SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
