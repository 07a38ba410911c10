"""`jervis demo`: the embedded Iraq 2006-2008 data into a fresh store, then what it holds."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from importlib import resources
from pathlib import Path

from rich.console import Console

from jervis.store.ingest import ProgressCallback, ingest_counts
from jervis.store.query import events


def embedded_data_dir() -> Path:
    """The folder of the shipped Iraq 2006-2008 Parquet files."""
    return Path(str(resources.files("jervis.data").joinpath("iraq_2006_2008")))


def _is_demo_store(db: Path) -> bool:
    """Whether a store holds nothing but an earlier demo's ingest of the embedded files (so
    running the demo again may replace it); an empty file is nothing to keep either."""
    import duckdb

    if db.is_file() and db.stat().st_size == 0:
        return True
    shipped = {p.name for p in embedded_data_dir().iterdir()}
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            files = con.execute("SELECT path, source_dataset FROM ingests").fetchall()
            others = con.execute("SELECT count(*) FROM events WHERE source_dataset <> 'iraq_2006_2008'").fetchone()
    except (duckdb.Error, OSError):
        return False
    return bool(files) and others == (0,) and all(
        Path(path).name in shipped and dataset == "iraq_2006_2008" for path, dataset in files
    )


def demo_dyad_path() -> Path:
    return Path(str(resources.files("jervis.data").joinpath("dyads/iraq-2006-2008.toml")))


def run_demo(
    out: Path, *, console: Console, as_json: bool = False, progress: ProgressCallback | None = None,
    step: Callable[[str], None] | None = None,
) -> dict:  # fmt: skip
    """``progress(file, rows)`` is called as the embedded files are ingested, ``step(what)``
    when a new step starts (the CLI shows both on stderr)."""
    from jervis.errors import JervisError

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise JervisError(f"cannot create the demo folder ({exc.strerror})", path=str(out)) from None
    if not out.is_dir():
        raise JervisError("is not a folder", path=str(out))
    db = out / "jervis.duckdb"
    if db.exists() and not _is_demo_store(db):
        raise JervisError("holds a jervis.duckdb that is not a demo store (the default store name): "
                          "the demo will not replace it; give --out another folder", path=str(out))  # fmt: skip
    for stale in (db, db.with_suffix(".duckdb.wal")):
        if stale.exists():
            stale.unlink()
    counts = ingest_counts([embedded_data_dir()], db=db, progress=progress)
    frame = events(db)
    air = frame[frame["actor"] == "US-led coalition"]
    attacks = frame[frame["actor"] == "insurgents"]
    summary = {
        "database": str(db),
        "ingest": counts.as_dict(),
        "air_operations": int(len(air)),
        "insurgent_attacks": int(len(attacks)),
        "by_mode": {k: int(v) for k, v in frame.groupby("mode").size().items()},
        "period": [str(frame["date"].min().date()), str(frame["date"].max().date())],
    }
    if step:
        step("demo: analysing the dyad (both directions, national and spatial)")
    result = _analyse(db, out, step)
    verdict = result.to_dict()
    summary["verdict_file"] = str(out / "verdict.json")
    if step:
        step("demo: fitting the daily Hawkes model and two response policies")
    hawkes, policies = _hawkes(db, out)
    summary["hawkes_file"], summary["policies_file"] = str(out / "hawkes.json"), str(out / "policies.json")
    if step:
        step("demo: writing the report (a page and an SVG and PNG per chart)")
    summary["report"] = str(_report(db, out, result, hawkes, policies))
    if as_json:
        console.print_json(json.dumps(summary))
        return summary
    say = partial(console.print, soft_wrap=True)  # plain lines stay whole in logs and pipes
    say("[bold]jervis demo[/]: Iraq 2006-2008 (Papadogeorgou, Imai, Lyall & Li 2022; data MIT, geocausal)")
    say(
        f"stored {counts.stored:,} events in {db}: "
        f"{summary['air_operations']:,} air operations (US-led coalition) and "
        f"{summary['insurgent_attacks']:,} insurgent attacks, {summary['period'][0]} .. {summary['period'][1]}"
    )
    say("by mode: " + ", ".join(f"{k} {v:,}" for k, v in summary["by_mode"].items()))
    from jervis.analysis.commands import print_verdict

    print_verdict(verdict, console)
    say(f"verdict written to {out / 'verdict.json'}")
    from jervis.analysis.hawkes.commands import hawkes_table

    console.print(hawkes_table(hawkes))
    for item in policies["difference"]:
        lo, hi = item["interval90"]
        say(f"policies, next {policies['days']} days: {item['policy']} vs {item['versus']} by "
            f"{policies['responder']}: {item['attacks']:+.1f} attacks by {policies['attacker']} "
            f"(90% interval {lo:+.1f} to {hi:+.1f})")
    say(f"Hawkes fit and policies written to {out / 'hawkes.json'} and {out / 'policies.json'}")
    say(f"report written to {summary['report']} (open it in a browser; it works offline)")
    return summary


def _analyse(db: Path, out: Path, step: Callable[[str], None] | None = None):
    """Both directions of the demo dyad, national and spatial; the verdict also goes to a file.
    ``step`` hears each step of the analysis (the CLI shows it on stderr)."""
    from jervis.analysis.api import analyze_dyad

    progress = (lambda what: step(f"demo: analysing ({what})")) if step else None
    verdict = analyze_dyad(demo_dyad_path(), db=db, progress=progress)
    (out / "verdict.json").write_text(verdict.to_json())
    return verdict


def _hawkes(db: Path, out: Path) -> tuple[dict, dict]:
    """The daily Hawkes count model (log link: deterrence can show) and two response policies."""
    from jervis.analysis.hawkes.api import hawkes, policies

    fit = hawkes(demo_dyad_path(), db=db, model="discrete", link="log")
    what_if = policies(demo_dyad_path(), db=db, policy=["never_respond", "always_respond"], days=30)
    (out / "hawkes.json").write_text(json.dumps(fit, indent=2, default=str))
    (out / "policies.json").write_text(json.dumps(what_if, indent=2, default=str))
    return fit, what_if


def _report(db: Path, out: Path, verdict, hawkes: dict, policies: dict) -> Path:
    """The offline HTML report of the demo's verdict, the Hawkes fit and the policies, with its
    charts as SVG and PNG."""
    from jervis.report.api import report

    return report(demo_dyad_path(), db=db, out=out / "report", verdict=verdict, hawkes=hawkes,
                  policies=policies)  # fmt: skip
