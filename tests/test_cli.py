"""The CLI: JSON counts, one-line errors with non-zero exit, the demo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jervis", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_ingest_json_counts(fixtures, db):
    result = run("ingest", str(fixtures / "ucdp-ged/conflict_data_ukr.csv"), "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "read": 2989, "stored": 2989, "quarantined": 0, "duplicates": 0, "updated": 0,
    }  # fmt: skip


def test_user_errors_are_one_line_without_traceback(tmp_path, db):
    result = run("ingest", str(tmp_path / "missing.csv"), "--db", str(db))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "missing.csv" in result.stderr and "no such file" in result.stderr
    result = run("events", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 2 and "no such database" in result.stderr
    result = run("analyze", "--dyad", str(tmp_path / "nope.toml"), "--db", str(db))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "nope.toml: no such dyad file" in result.stderr


def test_events_export_formats(fixtures, db, tmp_path):
    run("ingest", str(fixtures / "ucdp-ged/conflict_data_ukr.csv"), "--db", str(db))
    result = run("events", "--db", str(db), "--format", "json", "--limit", "3", "--start", "2015-01-01")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3 and all(r["date"] >= "2015-01-01" for r in rows)
    out = tmp_path / "out.parquet"
    assert run("events", "--db", str(db), "--format", "parquet", "--out", str(out)).returncode == 0
    # The export is itself importable with no mapping (canonical schema round trip).
    again = run("ingest", str(out), "--db", str(db), "--json")
    assert json.loads(again.stdout)["duplicates"] == 2989


def test_seed_episode_list_is_too_small_for_a_verdict(fixtures, db):
    """20 hand-compiled events, imported through the shipped mapping: inconclusive, with the reason."""
    examples = Path(__file__).parents[1] / "examples"
    result = run(
        "ingest", str(fixtures / "iraq-2019-2021/events.csv"),
        "--mapping", str(examples / "iraq-2019-2021.mapping.toml"), "--db", str(db), "--json",
    )  # fmt: skip
    assert json.loads(result.stdout)["stored"] == 20, result.stderr
    result = run("analyze", "--dyad", str(examples / "us-iraqi-militias.toml"), "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    for direction in verdict["directions"]:
        assert direction["verdict"] == "inconclusive"
        assert "at least 30 separate events" in direction["summary"]
