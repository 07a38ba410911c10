"""Shared fixtures: paths to the real data copied into tests/fixtures and a fresh store."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A path for a fresh DuckDB store (created on first use)."""
    return tmp_path / "jervis.duckdb"
