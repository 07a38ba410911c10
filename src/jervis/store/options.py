"""The CLI options that choose an engine and a store, shared by every command that reads events.

``--engine duckdb|spark``, ``--spark-master local[2]|URL``, ``--lake DIR``, ``--no-fusion``;
``engine_from(...)`` turns them into a ``store.engine.Engine``. Presentation only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from jervis.store.engine import Engine, make_engine

DbOption = Annotated[
    Optional[Path],  # noqa: UP045 - Typer needs Optional here
    typer.Option("--db", envvar="JERVIS_DB", help="DuckDB store (default ./jervis.duckdb)."),
]
EngineOption = Annotated[
    str,
    typer.Option("--engine", envvar="JERVIS_ENGINE", help="Query engine: duckdb or spark (pip install 'jervis\\[spark]')."),
]
SparkMasterOption = Annotated[
    Optional[str],  # noqa: UP045 - Typer needs Optional here
    typer.Option("--spark-master", envvar="JERVIS_SPARK_MASTER", help="Spark master: local[2] (default) or a cluster URL."),
]
LakeOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--lake", help="Read events from this Parquet event lake instead of --db."),
]
NoFusionOption = Annotated[
    bool,
    typer.Option("--no-fusion", help="Count every stored row, not the fused events of `jervis dedup`."),
]


def engine_from(
    db: Path | None, engine: str = "duckdb", spark_master: str | None = None,
    lake: Path | None = None, no_fusion: bool = False,
) -> Engine:  # fmt: skip
    """The Engine the options describe."""
    return make_engine(engine, db=db, lake=lake, spark_master=spark_master, fusion=not no_fusion)
