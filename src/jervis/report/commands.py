"""CLI command ``jervis report``: presentation only; ``register(app)`` adds it (from jervis.cli)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

_console = Console()


def register(app: typer.Typer) -> None:
    """Add ``report`` to the jervis command."""

    @app.command()
    def report(
        dyad: Annotated[Path, typer.Option("--dyad", help="Dyad TOML file (docs/dyads.md).")],
        db: Annotated[
            Optional[Path],  # noqa: UP045 - Typer needs Optional here
            typer.Option("--db", envvar="JERVIS_DB", help="DuckDB store (default ./jervis.duckdb)."),
        ] = None,
        out: Annotated[
            Path, typer.Option("--out", help="Folder for index.html, verdict.json and charts/.")
        ] = Path("jervis-report"),
        verdict: Annotated[
            Optional[Path],  # noqa: UP045
            typer.Option(
                "--json",
                help="A verdict JSON file (`jervis analyze --json`); without it the dyad is analysed first.",
            ),
        ] = None,
        hawkes: Annotated[
            Optional[Path],  # noqa: UP045
            typer.Option("--hawkes", help="`jervis hawkes --json` output to draw (the self-exciting model)."),
        ] = None,
        policies: Annotated[
            Optional[Path],  # noqa: UP045
            typer.Option("--policies", help="`jervis policies --json` output to draw (what-if paths)."),
        ] = None,
        no_files: Annotated[
            bool, typer.Option("--no-chart-files", help="Skip the SVG and PNG file per chart.")
        ] = False,
    ) -> None:
        """Write an offline HTML report: the verdict, timeline, each method's evidence, a map, and
        where the data came from. Opens from disk with no network."""
        from jervis.analysis.api import CLI_HINT
        from jervis.errors import JervisError
        from jervis.report.api import report as write
        from jervis.store.db import resolve_db

        if verdict is None and not resolve_db(db).exists():  # the Python API would say db="..."
            raise JervisError(f"no such store; {CLI_HINT}", path=str(resolve_db(db)))
        index = write(dyad, db=db, out=out, verdict=verdict, hawkes=hawkes, policies=policies,
                      formats=() if no_files else ("svg", "png"))  # fmt: skip
        _console.print(f"report written to {index}", soft_wrap=True, highlight=False)
