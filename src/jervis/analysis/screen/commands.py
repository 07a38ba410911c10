"""CLI command ``jervis screen``: presentation only (``register(app)`` is called by jervis.cli)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from jervis.store.options import (
    DbOption,
    EngineOption,
    LakeOption,
    NoFusionOption,
    SparkMasterOption,
    engine_from,
)

_console = Console()


def _num(value: float | None, fmt: str = ".3g") -> str:
    return "" if value is None else format(value, fmt)


def register(app: typer.Typer) -> None:
    @app.command()
    def screen(
        db: DbOption = None,
        engine: EngineOption = "duckdb",
        spark_master: SparkMasterOption = None,
        lake: LakeOption = None,
        no_fusion: NoFusionOption = False,
        top: Annotated[int, typer.Option("--top", help="Screen every pair of the N most active actors.")] = 50,
        dyad: Annotated[Optional[list[Path]], typer.Option("--dyad", help="Screen these dyads' sides instead (repeatable).")] = None,  # noqa: UP045
        country: Annotated[Optional[list[str]], typer.Option(help="Country: ISO3 code or name (repeatable).")] = None,  # noqa: UP045
        start: Annotated[Optional[str], typer.Option(help="First date, YYYY-MM-DD.")] = None,  # noqa: UP045
        end: Annotated[Optional[str], typer.Option(help="Last date, YYYY-MM-DD.")] = None,  # noqa: UP045
        jobs: Annotated[Optional[int], typer.Option(min=1, help="Worker processes on DuckDB (default 2).")] = None,  # noqa: UP045
        show: Annotated[int, typer.Option(min=0, help="Rows of the table to show.")] = 20,
        as_json: Annotated[bool, typer.Option("--json", help="Print every row as JSON.")] = False,
        out: Annotated[Optional[Path], typer.Option(help="Also write the JSON to this file.")] = None,  # noqa: UP045
    ) -> None:
        """Quick action-reaction statistics for every pair of the most active actors, ranked by
        evidence with a false discovery rate over all pairs (then `jervis analyze` the leads)."""
        from jervis.analysis.screen.screening import screen as run
        from jervis.errors import JervisError

        if out is not None:  # before the screen runs, not after its minutes of fitting
            if out.is_dir():
                raise JervisError("is a folder; --out needs a file name", path=str(out))
            if not out.parent.exists():
                raise JervisError("the folder does not exist", path=str(out.parent))
            from jervis.store.db import check_export_path

            check_export_path(out, lake)  # never over the store, nor into the lake being read
        report = run(
            engine_from(db, engine, spark_master, lake, no_fusion), top=top, dyads=dyad or (),
            country=country, start=start, end=end, jobs=jobs,
        )  # fmt: skip
        text = json.dumps(report, indent=2, default=str)
        if out is not None:
            try:
                out.write_text(text + "\n")
            except OSError as exc:
                raise JervisError(f"cannot write ({exc.strerror or exc})", path=str(out)) from None
        if as_json:
            sys.stdout.write(text + "\n")
            return
        table = Table(
            title=f"{report['pairs']:,} pairs, {report['period']['start']} to {report['period']['end']} "
            f"({report['engine']}); q = false discovery rate of p-values calibrated by time shifts "
            "(valid for autocorrelated series)",
            title_justify="left",
        )
        for column in ("from -> to", "events", "rate ratio (95% CI, widened)", "q regression", "q Granger",
                       "signal"):  # fmt: skip
            table.add_column(column, overflow="fold")
        for r in report["rows"][:show]:
            ci = r["irr_ci95"]
            irr = "" if r["irr"] is None else f"{r['irr']:.2f} ({ci[0]:.2f}-{ci[1]:.2f})"
            table.add_row(
                f"{r['source']} -> {r['target']}", f"{r['events_source']:,} / {r['events_target']:,}",
                irr, _num(r["q_count_regression"]), _num(r["q_granger"]), r["signal"],
            )  # fmt: skip
        _console.print(table)
