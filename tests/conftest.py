"""Shared fixtures: paths to the real data copied into tests/fixtures and a fresh store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A path for a fresh DuckDB store (created on first use)."""
    return tmp_path / "jervis.duckdb"


def _haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distances by the haversine formula, independent of the package's own."""
    from jervis.analysis.spatial import EARTH_RADIUS_KM

    la1, lo1, la2, lo2 = map(np.radians, (lat1, lon1, lat2, lon2))
    h = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


@pytest.fixture
def haversine_km() -> Callable[..., np.ndarray]:
    """The brute-force distance the spatial tests check the package's cKDTree counts against."""
    return _haversine_km
