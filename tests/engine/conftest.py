"""Engine tests run once per engine: DuckDB and Spark (local mode, one session for them all).

The Spark ones carry the ``spark`` marker (skip them by hand with ``-m 'not spark'``) and one
xdist group, so a ``make test`` worker starts one JVM, and it is stopped when the run ends.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import jervis
from jervis.store.engine import stop_spark

FIXTURES = Path(__file__).parents[1] / "fixtures"
EXAMPLES = Path(__file__).parents[2] / "examples"

ENGINES = [
    "duckdb",
    pytest.param("spark", marks=[pytest.mark.spark, pytest.mark.xdist_group("spark")]),
]


@pytest.fixture(params=ENGINES)
def engine_name(request) -> str:
    return request.param


@pytest.fixture(scope="session", autouse=True)
def _stop_spark_at_the_end():
    yield
    stop_spark()


@pytest.fixture(scope="session")
def stores(tmp_path_factory) -> dict[str, Path]:
    """The same files ingested into a DuckDB store and into an event lake."""
    root = tmp_path_factory.mktemp("engines")
    files = [
        (FIXTURES / "ucdp-ged" / "conflict_data_ukr.csv", None),
        (FIXTURES / "iraq-2019-2021" / "events.csv", EXAMPLES / "iraq-2019-2021.mapping.toml"),
    ]
    for path, mapping in files:
        jervis.ingest(path, db=root / "store.duckdb", mapping=mapping)
        jervis.ingest(path, lake=root / "lake", mapping=mapping)
    return {"db": root / "store.duckdb", "lake": root / "lake"}
