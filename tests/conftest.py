"""Shared fixtures: paths to the real data copied into tests/fixtures and a fresh store."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
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


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium through Playwright (never a downloaded browser), one per test
    process: Playwright's sync API cannot run two instances at once, so the report's and the
    web app's browser tests share this one."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: `make test` installs the chromium package")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
