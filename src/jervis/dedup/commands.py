"""CLI command ``jervis dedup``: presentation only (``register(app)`` is called by jervis.cli)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from jervis.store.options import DbOption, EngineOption, LakeOption, SparkMasterOption, engine_from

_console = Console()


def register(app: typer.Typer) -> None:
    @app.command()
    def dedup(
        db: DbOption = None,
        engine: EngineOption = "duckdb",
        spark_master: SparkMasterOption = None,
        lake: LakeOption = None,
        config: Annotated[
            Optional[Path],  # noqa: UP045
            typer.Option("--config", help="De-duplication settings (default: jervis/data/dedup.toml)."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the run's counts as JSON.")] = False,
    ) -> None:
        """Link rows that report the same real-world event (across reports and sources) and fuse them.

        Nothing is deleted: links and fused records are stored beside the events, and analyses
        read the fused events from then on (--no-fusion to count every row).
        """
        from jervis.dedup.run import dedup as run

        report = run(engine_from(db, engine, spark_master, lake), config=config)
        if as_json:
            sys.stdout.write(json.dumps(report, indent=2) + "\n")
            return
        _console.print(
            f"{report['events']:,} rows: {report['candidate_pairs']:,} candidate pairs compared, "
            f"{report['linked_pairs']:,} linked; {report['rows_merged']:,} rows fused into "
            f"{report['clusters']:,} events -> {report['events_after_fusion']:,} events "
            f"({report['engine']}, {report['seconds']} s)."
        )
