"""Adversarial round 10 on the JSON API. Failed before its fix: a NUL in the quarantine's file
filter was a 500 (DuckDB's parser stops at the NUL of the literal Ibis inlines)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jervis
from jervis.errors import JervisError


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("adv10-web")
    (folder / "events.csv").write_text("date,event\nnot-a-date,ASSAULT\n2007-05-05,ASSAULT\n")
    db = folder / "j.duckdb"
    jervis.ingest(folder / "events.csv", db=db)
    return db


@pytest.fixture(scope="module")
def client(store):
    from fastapi.testclient import TestClient

    from jervis.web import Settings, create_app

    with TestClient(create_app(Settings(db=store)), base_url="http://127.0.0.1",
                    raise_server_exceptions=False) as client:  # fmt: skip
        yield client


@settings(max_examples=15, deadline=None)
@given(before=st.text(max_size=5), after=st.text(max_size=5))
def test_a_nul_in_the_quarantine_filter_is_a_400_naming_it(client, before, after):
    response = client.get("/api/quarantine", params={"source_file": f"{before}\x00{after}"})
    assert response.status_code == 400, response.text  # was 500
    assert "NUL" in response.json()["detail"]


def test_the_python_api_names_the_nul(tmp_path):
    from jervis.store.inspect import quarantine_count, quarantined

    (tmp_path / "events.csv").write_text("date,event\nnot-a-date,ASSAULT\n")
    store = tmp_path / "own.duckdb"  # not the app's: DuckDB refuses a second configuration
    jervis.ingest(tmp_path / "events.csv", db=store)

    for call in (quarantined, quarantine_count):
        with pytest.raises(JervisError, match="NUL"):
            call(store, named="events\x00.csv")
        with pytest.raises(JervisError, match="NUL"):
            call(store, source_file="events\x00.csv")
    assert quarantine_count(store, named="events.csv") == 1
