"""Fixtures for the report tests: the demo report (made once per worker), a store whose actor
names and file name are HTML (the browser is tests/conftest.py's, shared with tests/web)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import jervis

EXAMPLES = Path(__file__).parents[2] / "examples"
ARTIFACTS = Path(__file__).parents[2] / "tests" / "artifacts"
# Actor names, a side label and a file name that are HTML: the report must show them as text.
EVIL_ACTORS = {"A": "<script>alert(1)</script>", "B": '"><img src=x onerror=alert(2)>'}
EVIL_FILE = "<img src=x onerror=alert(3)>.csv"
EVIL_LABEL = "<b>Side A</b> & \"co\" </script><script>alert(4)</script>"


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`jervis demo` run once: its folder (jervis.duckdb, verdict.json, report/)."""
    from rich.console import Console

    from jervis.demo import run_demo

    out = tmp_path_factory.mktemp("demo")
    run_demo(out, console=Console(file=open(os.devnull, "w")))  # noqa: SIM115
    return out


@pytest.fixture(scope="session")
def evil_store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A simulated A/B dyad (A deters B) whose actor names and file name are HTML, some
    events located, one bad row quarantined; with a dyad file whose side A label is HTML."""
    folder = tmp_path_factory.mktemp("evil")
    frame = jervis.simulate(n_days=365, seed=4, cross_irr={"A->B": 0.6})
    rng = np.random.default_rng(4)
    rows = pd.DataFrame({
        "event_id": [f"sim-{i}" for i in range(len(frame))],
        "date": frame["date"].dt.strftime("%Y-%m-%d"),
        "actor_side": frame["side"],
        "actor_raw": frame["side"].map(EVIL_ACTORS),
        "event": "ASSAULT",
        "latitude": (33.3 + rng.normal(0, 0.5, len(frame))).round(4),
        "longitude": (44.4 + rng.normal(0, 0.5, len(frame))).round(4),
        "killed": rng.integers(0, 3, len(frame)),
    })  # fmt: skip
    bad = rows.iloc[:1].assign(event_id="bad-1", date="2020-13-45")
    path = folder / EVIL_FILE
    pd.concat([rows, bad]).to_csv(path, index=False)
    db = folder / "evil.duckdb"
    counts = jervis.ingest(path, db=db)
    assert counts["quarantined"] == 1 and counts["stored"] == len(rows)
    dyad = folder / "evil-dyad.toml"
    text = (EXAMPLES / "ab-dyad.toml").read_text().replace('label = "A"', f"label = {_toml(EVIL_LABEL)}")
    dyad.write_text(text)
    return {"db": db, "dyad": dyad, "csv": path}


@pytest.fixture(scope="session")
def evil_verdict(evil_store: dict[str, Path]) -> object:
    """The verdict for the HTML-labelled dyad (fewer placebo draws: its numbers are not tested)."""
    return jervis.analyze(evil_store["dyad"], db=evil_store["db"], n_placebo=199)


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def copy_alone(index: Path, folder: Path) -> Path:
    """index.html copied alone into an empty folder, as if it arrived by e-mail."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "index.html"
    shutil.copyfile(index, target)
    return target
