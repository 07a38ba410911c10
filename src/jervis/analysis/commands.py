"""CLI commands ``jervis analyze`` and ``jervis validate``: presentation only, no logic.

``register(app)`` adds them to the main Typer app (called from jervis.cli). Long work reports
progress on stderr (Rich), so stdout stays clean for ``--json``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from jervis.errors import JervisError
from jervis.store.options import (
    EngineOption,
    LakeOption,
    NoFusionOption,
    SparkMasterOption,
    engine_from,
    given,
)

_console = Console()
_err = Console(stderr=True)


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


@contextmanager
def step_progress(console: Console = _err, delay: float = 2.0) -> Iterator[Callable[[str], None]]:
    """A spinner with the current step on stderr, shown once the work has run ``delay`` s."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, auto_refresh=False,
                  disable=not console.is_terminal) as bar:  # off the terminal it left a blank line
        task = bar.add_task("analysing", start=True, visible=False)
        began = time.monotonic()

        def report(step: str) -> None:
            visible = time.monotonic() - began >= delay
            bar.update(task, description=step, visible=visible)
            bar.refresh()

        yield report


def _effect_text(effect: dict[str, Any] | None) -> str:
    if not effect or effect.get("estimate") is None:
        return ""
    lo, hi = effect["ci95"]
    return f"{effect['estimate']:.2f} ({lo:.2f}-{hi:.2f}) over {effect['horizon_days']} days"


def verdict_table(data: dict[str, Any]) -> Table:
    """One row per direction: the call, the headline rate ratio and what each method says."""
    sides = data["sides"]
    unit = data.get("unit", "actions")
    title = (
        f"{data['dyad']}: {data['period']['start']} to {data['period']['end']}, "
        f"{data['bin']} bins, counting {unit} "
        f"(A: {sides['A']['label']}, {sides['A']['actions']:,}; "
        f"B: {sides['B']['label']}, {sides['B']['actions']:,})"
    )
    table = Table(title=Text(title), title_justify="left", show_lines=True)
    for column in ("direction", "verdict", "rate ratio (95% CI)", "p (Holm)", "methods",
                   "robustness"):  # fmt: skip
        table.add_column(column, overflow="fold")
    for item in data["directions"]:
        effect = item.get("effect") or {}
        p = effect.get("p_value_holm")
        methods = ", ".join(
            f"{name}: {result.get('points_to') or 'n/a'}"
            for name, result in item["methods"].items()
        )
        grid = item.get("robustness") or {}
        share = grid.get("share") or {}
        robust = (
            f"{grid['n_fitted']} specs: {share.get('provokes', 0):.0%} up, "
            f"{share.get('deters', 0):.0%} down" if grid.get("n_fitted") else ""
        )  # fmt: skip
        table.add_row(*(Text(cell) for cell in (  # text from the dyad file is not markup
            f"{sides[item['from']]['label']} -> {sides[item['to']]['label']}",
            item["verdict"],
            _effect_text(effect),
            "" if p is None else f"{p:.3g}",
            methods or (item.get("reason") or ""),
            robust,
        )))
    return table


def print_verdict(data: dict[str, Any], console: Console = _console) -> None:
    """The table, each direction's sentence, and the notes that qualify them."""
    console.print(verdict_table(data))
    for item in data["directions"]:
        console.print(f"[bold]{item['from']} -> {item['to']}:[/bold] {escape(item['summary'])}", soft_wrap=True)
    for note in data.get("notes") or []:
        console.print(f"[dim]note: {escape(note)}[/dim]", soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``analyze`` and ``validate`` to the jervis command."""

    @app.command()
    def analyze(
        dyad: Annotated[Path, typer.Option("--dyad", help="Dyad TOML file (docs/dyads.md).")],
        db: Annotated[
            Optional[Path],  # noqa: UP045 - Typer needs Optional here
            typer.Option(
                "--db", envvar="JERVIS_DB", help="DuckDB store (default ./jervis.duckdb)."
            ),
        ] = None,
        bin: Annotated[
            Optional[str],  # noqa: UP045
            typer.Option("--bin", help="day, week or month (default: the dyad's, else day)."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the verdict JSON.")] = False,
        out: Annotated[
            Optional[Path],  # noqa: UP045
            typer.Option("--out", help="Also write the verdict JSON to this file."),
        ] = None,
        engine: EngineOption = "duckdb",
        spark_master: SparkMasterOption = None,
        lake: LakeOption = None,
        no_fusion: NoFusionOption = False,
    ) -> None:
        """Did A's actions deter or provoke B's (and B's, A's)? The verdict per direction."""
        from jervis.analysis.api import analyze_dyad
        from jervis.store.db import check_export_path

        if out is not None:  # before the analysis, not after it
            check_export_path(out, lake)
        store = engine_from(db, engine, spark_master, lake, no_fusion)
        with step_progress() as progress:
            verdict = analyze_dyad(dyad, db=store, bin=bin, progress=progress)
        data = verdict.to_dict()
        if out is not None:
            write_json(out, data)
        if as_json:
            _print_json(data)
            return
        print_verdict(data)

    @app.command()
    def validate(
        runs: Annotated[
            int, typer.Option("--runs", min=1, max=10_000, help="Simulated dyads per scenario.")
        ] = 100,
        n_days: Annotated[
            int, typer.Option("--days", min=2, max=100_000, help="Days per simulated dyad.")
        ] = 730,
        seed: Annotated[int, typer.Option("--seed", min=0, help="NumPy seed (a whole number >= 0).")] = 0,
        bin: Annotated[
            str, typer.Option("--bin", help="Analyse the simulated dyads in day or week bins.")
        ] = "day",
        scenarios: Annotated[
            Optional[str],  # noqa: UP045
            typer.Option("--scenarios", help="Comma-separated scenario names (default: all)."),
        ] = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the full report JSON.")
        ] = False,
        spatial: Annotated[
            bool,
            typer.Option("--spatial", help="Simulated point patterns with a local effect."),
        ] = False,
        n_x: Annotated[
            int, typer.Option("--n-x", min=1, max=10_000,
                              help="With --spatial: A's actions per simulated dyad.")  # fmt: skip
        ] = 300,
        n_y: Annotated[
            int, typer.Option("--n-y", min=1, max=100_000,
                              help="With --spatial: B's expected background events.")  # fmt: skip
        ] = 6000,
        overlap: Annotated[
            str,
            typer.Option(
                "--overlap", help="With --spatial: overlapping effects 'compound' or 'saturate'."
            ),
        ] = "compound",
    ) -> None:
        """Simulation study of the shipped verdict: right calls, false effects, wrong
        directions and interval coverage per scenario, for every method and the verdict."""
        from jervis.analysis.validation import study

        # An option of the other study is a usage error, not silently ignored.
        other = ("bin", "scenarios") if spatial else ("n_x", "n_y", "overlap")
        for name in (n for n in other if given(n)):
            option = "--" + name.replace("_", "-")
            raise JervisError(
                f"{option} does not apply with --spatial (its scenarios are fixed)" if spatial
                else f"{option} needs --spatial (it sets the simulated point patterns)"
            )  # fmt: skip
        chosen = [s.strip() for s in scenarios.split(",") if s.strip()] if scenarios is not None else list(study.SCENARIOS)
        if not chosen:  # `--scenarios ""` was every scenario, a full study nobody asked for
            raise JervisError(f"--scenarios names no scenario; choose from {', '.join(study.SCENARIOS)}")
        if not spatial and n_days < 2 * 7:  # the simulated dyads' 7-day horizon (validation.study)
            raise JervisError(f"--days must be at least 14 (twice the simulation's 7-day horizon), not {n_days}")
        if bin not in ("day", "week"):
            raise JervisError(f"--bin must be day or week, not {bin!r}")
        unknown = [s for s in chosen if s not in study.SCENARIOS]
        if unknown and not spatial:
            raise JervisError(
                f"unknown scenarios {unknown}; choose from {', '.join(study.SCENARIOS)}"
            )
        columns = (
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(),
        )  # fmt: skip
        # (off when stderr is not a terminal: its last refresh left a blank line before an error)
        with Progress(*columns, console=_err, transient=True, disable=not _err.is_terminal) as bar:
            if spatial:
                from jervis.analysis.validation.spatial_study import SCENARIOS, validate_spatial

                task = bar.add_task("simulating point patterns", total=runs * len(SCENARIOS))
                report = validate_spatial(
                    runs=runs, seed=seed, n_days=n_days, n_x=n_x, n_y=n_y, overlap=overlap,
                    progress=lambda k: bar.advance(task, k),
                )  # fmt: skip
            else:
                task = bar.add_task("simulating dyads", total=runs * len(chosen))
                report = study.validate(
                    runs=runs, n_days=n_days, seed=seed, scenarios=chosen, bin=bin,
                    progress=lambda k: bar.advance(task, k),
                )  # fmt: skip
        if as_json:
            _print_json(report)
            return
        shown = ("verdict", "spatial") if spatial else ("verdict", "count_regression")
        _console.print(study_table(report, f"{runs} runs per scenario, {n_days} days", shown))


def write_json(path: Path, data: dict[str, Any]) -> None:
    """The verdict JSON to a file (a user error, not a traceback, when that fails)."""
    try:
        Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise JervisError(f"cannot write the verdict ({exc.strerror})", path=str(path)) from None


def study_table(report: dict[str, Any], title: str, methods: tuple = ("verdict",
                "count_regression", "spatial")) -> Table:  # fmt: skip
    """One row per scenario, direction and method (by default the verdict, the lead and the
    spatial windows; ``--json`` has every method)."""
    table = Table(title=title, title_justify="left")
    for column in ("scenario", "method", "dir.", "truth", "right", "false effect", "wrong dir.",
                   "calls", "coverage95"):  # fmt: skip
        # names stay whole on a narrow terminal; the calls fold instead
        table.add_column(column, no_wrap=column in ("scenario", "method", "dir."))
    for name, scenario in report["scenarios"].items():
        for method, per in scenario["methods"].items():
            if method not in methods:
                continue
            for direction, row in per.items():
                table.add_row(
                    name, method, direction, row["truth"], f"{row['right']:.0%}",
                    f"{row['false_effect']:.0%}", f"{row['wrong_direction']:.0%}",
                    ", ".join(f"{k} {v}" for k, v in row["calls"].items()),
                    f"{row['coverage95']:.1%}" if "coverage95" in row else (
                        f"{row['coverage95_estimand']:.1%}" if "coverage95_estimand" in row else ""
                    ),
                )  # fmt: skip
    return table
