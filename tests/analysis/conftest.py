"""Fixtures of the analysis tests: a store holding one simulated dyad."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import jervis
from jervis.analysis.validation.loglinear import simulate


def simulated_store(folder: Path, n_days: int, seed: int, cross_irr: dict[str, float]) -> Path:
    """A canonical CSV with an actor_side column of A/B (examples/ab-dyad.toml reads it),
    ingested into a fresh store in ``folder``; returns the store's path."""
    frame = simulate(n_days=n_days, seed=seed, cross_irr=cross_irr)
    pd.DataFrame(
        {
            "event_id": [f"sim-{i}" for i in range(len(frame))],
            "date": frame["date"].dt.strftime("%Y-%m-%d"),
            "actor_side": frame["side"],
            "event": "ASSAULT",
        }
    ).to_csv(folder / "sim.csv", index=False)
    db = folder / "j.duckdb"
    jervis.ingest(folder / "sim.csv", db=db)
    return db


@pytest.fixture(scope="session")
def make_store():
    """``make_store(folder, n_days, seed, cross_irr) -> store path`` (see simulated_store)."""
    return simulated_store
