"""The CLI options that choose an engine and a store, shared by every command that reads events.

``--engine duckdb|spark``, ``--spark-master local[2]|URL``, ``--lake DIR``, ``--no-fusion``;
``engine_from(...)`` turns them into a ``store.engine.Engine``. Presentation only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from jervis.errors import JervisError
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
    typer.Option("--lake", help="Read events from this Parquet event lake instead of a store (not with --db)."),
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
    db_or_lake(db, lake)
    return make_engine(engine, db=db, lake=lake, spark_master=spark_master, fusion=not no_fusion)


def given(name: str) -> bool:
    """Whether the running command's parameter ``name`` was typed on the command line (not a
    default, not an environment variable); False outside a command."""
    from typer._click.core import ParameterSource
    from typer._click.globals import get_current_context

    ctx = get_current_context(silent=True)
    return ctx is not None and ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE


def db_or_lake(db: Path | None, lake: Path | None) -> None:
    """``--db`` beside ``--lake`` is a usage error: a lake keeps its own catalogue
    (DIR/_catalog.duckdb), so the store would be silently ignored. ``JERVIS_DB`` from the
    environment is a default, not a choice: ``--lake`` then wins."""
    if db is not None and lake is not None and given("db"):
        raise JervisError(
            "--db and --lake both given: a lake keeps its own catalogue, so give one of them"
        )
