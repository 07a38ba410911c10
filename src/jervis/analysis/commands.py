"""CLI commands ``jervis analyze`` and ``jervis validate``: presentation only, no logic.

``register(app)`` adds them to the main Typer app (called from jervis.cli).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from jervis.store.options import (
    EngineOption,
    LakeOption,
    NoFusionOption,
    SparkMasterOption,
    engine_from,
)

_console = Console()
_err = Console(stderr=True)


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def verdict_table(data: dict[str, Any]) -> Table:
    """One row per direction: the call, the headline IRR and what each method says."""
    sides = data["sides"]
    title = (
        f"{data['dyad']}: {data['period']['start']} to {data['period']['end']}, "
        f"{data['bin']} bins, actions = {data['actions']} "
        f"(A: {sides['A']['label']}, {sides['A']['actions']}; "
        f"B: {sides['B']['label']}, {sides['B']['actions']})"
    )
    table = Table(title=title, title_justify="left", show_lines=True)
    for column in ("direction", "verdict", "rate ratio (95% CI)", "p (Holm)", "methods"):
        table.add_column(column, overflow="fold")
    for item in data["directions"]:
        effect = item.get("effect") or {}
        irr = ""
        if effect.get("estimate") is not None:
            lo, hi = effect["ci95"]
            irr = f"{effect['estimate']:.2f} ({lo:.2f}-{hi:.2f}) over {effect['horizon_days']}"
        p = effect.get("p_value_holm")
        methods = ", ".join(
            f"{name}: {summary.get('points_to') or 'n/a'}"
            for name, summary in item["methods"].items()
        )
        table.add_row(
            f"{sides[item['from']]['label']} -> {sides[item['to']]['label']}",
            item["verdict"],
            irr,
            "" if p is None else f"{p:.3g}",
            methods or (item.get("reason") or ""),
        )
    return table


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
        engine: EngineOption = "duckdb",
        spark_master: SparkMasterOption = None,
        lake: LakeOption = None,
        no_fusion: NoFusionOption = False,
    ) -> None:
        """Did A's actions deter or provoke B's (and B's, A's)? The verdict per direction."""
        from jervis.analysis.api import analyze as run

        store = engine_from(db, engine, spark_master, lake, no_fusion)
        verdict = run(dyad, db=store, bin=bin)  # a JervisError becomes one line in cli.main
        data = verdict.to_dict()
        if as_json:
            _print_json(data)
            return
        _console.print(verdict_table(data))
        for item in data["directions"]:
            _console.print(f"[bold]{item['from']} -> {item['to']}:[/bold] {item['summary']}")

    @app.command()
    def validate(
        runs: Annotated[int, typer.Option("--runs", help="Simulated dyads per scenario.")] = 100,
        n_days: Annotated[int, typer.Option("--days", help="Days per simulated dyad.")] = 730,
        seed: Annotated[int, typer.Option("--seed")] = 0,
        methods: Annotated[
            Optional[str],  # noqa: UP045
            typer.Option("--methods", help="Comma-separated, e.g. count_regression,granger."),
        ] = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the full report JSON.")
        ] = False,
        spatial: Annotated[
            bool,
            typer.Option(
                "--spatial", help="Validate the spatial-windows method on simulated point patterns."
            ),
        ] = False,
        n_x: Annotated[
            int, typer.Option("--n-x", help="With --spatial: A's actions per simulated dyad.")
        ] = 300,
        n_y: Annotated[
            int, typer.Option("--n-y", help="With --spatial: B's expected background events.")
        ] = 6000,
        overlap: Annotated[
            str,
            typer.Option(
                "--overlap", help="With --spatial: overlapping effects 'compound' or 'saturate'."
            ),
        ] = "compound",
    ) -> None:
        """Simulation study: right calls, type-I error and interval coverage per method.

        With --spatial: the spatial windows on simulated point patterns with a known local
        effect (jervis.analysis.validate_spatial); --methods is then ignored.
        """
        from jervis.analysis.validate import DEFAULT_METHODS, SCENARIOS
        from jervis.analysis.validate import validate as run

        chosen = [m.strip() for m in methods.split(",")] if methods else list(DEFAULT_METHODS)
        columns = (
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(),
        )  # fmt: skip
        with Progress(*columns, console=_err, transient=True) as bar:
            task = bar.add_task("simulating", total=runs * len(SCENARIOS))
            if spatial:
                from jervis.analysis.validate_spatial import validate_spatial

                report = validate_spatial(
                    runs=runs, seed=seed, n_days=n_days, n_x=n_x, n_y=n_y, overlap=overlap,
                    progress=lambda k: bar.advance(task, k),
                )  # fmt: skip
            else:
                report = run(
                    runs=runs, n_days=n_days, seed=seed, methods=chosen,
                    progress=lambda k: bar.advance(task, k),
                )  # fmt: skip
        if as_json:
            _print_json(report)
            return
        title = f"{runs} runs per scenario, {n_days} days"
        if spatial:
            title += f", {n_x} actions of A, ~{n_y} events of B, {overlap} effects"
        table = Table(title=title, title_justify="left")
        for column in ("scenario", "method", "right", "calls", "coverage95", "reverse FP"):
            table.add_column(column)
        for name, scenario in report["scenarios"].items():
            for method, row in scenario["methods"].items():
                table.add_row(
                    f"{name} (IRR {scenario['true_irr']})", method, f"{row['right']:.0%}",
                    ", ".join(f"{k} {v}" for k, v in sorted(row["calls"].items())),
                    "" if "coverage95" not in row else f"{row['coverage95']:.1%}" + (
                        f" (estimand {row['coverage95_estimand']:.1%})"
                        if "coverage95_estimand" in row else ""
                    ),
                    f"{row['reverse_false_positive']:.0%}",
                )  # fmt: skip
        _console.print(table)
