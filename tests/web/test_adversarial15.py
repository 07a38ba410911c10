"""Adversarial round 15 on the web app and its JSON API, on a small store of a real ACLED fixture
(16 rows, one quarantined), not the demo store. Each test failed before its fix."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

import jervis

ACLED = Path(__file__).parents[1] / "fixtures" / "acled" / "acled_iraq_2020-03.csv"


@pytest.fixture
def acled_client(tmp_path: Path):
    from fastapi.testclient import TestClient

    from jervis.web import Settings, create_app

    db = tmp_path / "j.duckdb"
    jervis.ingest([ACLED], db=db)
    with TestClient(create_app(Settings(db=db)), base_url="http://127.0.0.1",
                    raise_server_exceptions=False) as client:  # fmt: skip
        yield client


def test_an_empty_source_file_is_no_filter(acled_client):
    """`/api/quarantine?source_file=` answered total 0: no stored file has an empty name. An
    empty value is no filter, as an empty menu choice is for /api/events (?country=)."""
    everything = acled_client.get("/api/quarantine").json()
    assert everything["total"] == 1
    r = acled_client.get("/api/quarantine", params={"source_file": ""})
    assert r.status_code == 200 and r.json() == everything, r.text
    named = acled_client.get("/api/quarantine", params={"source_file": ACLED.name}).json()
    assert named["total"] == 1
    assert acled_client.get("/api/quarantine", params={"source_file": "other.csv"}).json()["total"] == 0


def test_a_zip_holding_only_a_zip_names_it(acled_client):
    """Uploading outer.zip (its one member inner.zip) was a 422 'outer.zip: cannot tell the format
    of this file'; the inner archive is now named and nested archives said not to be read."""
    inner, outer = io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.write(ACLED, ACLED.name)
    with zipfile.ZipFile(outer, "w") as zf:
        zf.writestr("data/inner.zip", inner.getvalue())
    r = acled_client.post("/api/ingest", files={"file": ("outer.zip", outer.getvalue(), "application/zip")})
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail.startswith("outer.zip: ") and "data/inner.zip" in detail, detail
    assert "archive inside an archive" in detail, detail
    assert acled_client.get("/api/events").json()["total"] == 15
