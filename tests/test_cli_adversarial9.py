"""Adversarial round 9 on the CLI: exports that did not round-trip. Each failed before its fix."""

from __future__ import annotations

import json

import pandas as pd
from tests.test_cli_errors import cli


def test_a_json_export_reingested_beside_the_original_changes_nothing(capsys, tmp_path, fixtures):
    rows = pd.read_csv(fixtures / "ucdp-ged" / "conflict_data_irq.csv", dtype=str, keep_default_na=False)
    rows = pd.concat([rows.iloc[:1], rows.iloc[1:21]])  # the HXL tag row, then 20 events
    rows.loc[rows.index[1:], "latitude"] = [f"33.{k:02d}12345678901" for k in range(20)]  # 15 digits
    rows.loc[rows.index[1:], "longitude"] = [f"44.{k:02d}98765432109" for k in range(20)]
    source, db, export = tmp_path / "ged.csv", tmp_path / "j.duckdb", tmp_path / "events.json"
    rows.to_csv(source, index=False)
    assert cli(capsys, "ingest", str(source), "--db", str(db))[0] == 0
    code, _, err = cli(capsys, "events", "--db", str(db), "--format", "json", "--out", str(export))
    assert code == 0, err
    latitudes = {json.loads(line)["latitude"] for line in export.read_text().splitlines()}
    assert 33.0012345678901 in latitudes, sorted(latitudes)  # was 33.0012345679 (10 digits)
    code, out, err = cli(capsys, "ingest", str(export), "--db", str(db))
    assert code == 0 and "duplicates 20" in out, out + err  # were 20 "updated"
