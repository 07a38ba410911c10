"""Adversarial round 14 on the web app and its JSON API, on a small store of its own (not the
demo store). Each test failed before its fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import jervis

ROWS = "date,event,actor,target,country\nnot-a-date,ASSAULT,a,b,IRQ\n2007-05-05,ASSAULT,Militia,Army,IRQ\n"


@pytest.fixture
def small_client(tmp_path: Path):
    from fastapi.testclient import TestClient

    from jervis.web import Settings, create_app

    (tmp_path / "events.csv").write_text(ROWS)
    db = tmp_path / "j.duckdb"
    jervis.ingest(tmp_path / "events.csv", db=db)
    with TestClient(create_app(Settings(db=db)), base_url="http://127.0.0.1",
                    raise_server_exceptions=False) as client:  # fmt: skip
        yield client


def _dyad(side_a: dict, **extra) -> dict:
    return {"name": "d", "sides": {"A": {"label": "a", **side_a}, "B": {"label": "b", "actors": ["Army"]}}, **extra}


# ---- dyads the API saved and then could not show ----------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        _dyad({"actors": ["Mil\x00itia"]}),
        _dyad({"cameo_prefix": ["\x00"]}),
        _dyad({"column": {"date": ["x"]}}),
        _dyad({"column": {"killed": ["many"]}}),
    ],
)
def test_a_dyad_duckdb_cannot_run_is_refused_when_saved(small_client, body):
    """POST /api/dyads saved these (201), then its check, its page and its analyses were 500s."""
    r = small_client.post("/api/dyads", json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert [d["id"] for d in small_client.get("/api/dyads").json() if not d["builtin"]] == []


@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "NaN", "1e400"])
def test_a_setting_that_is_not_finite_is_a_422(small_client, value):
    """JSON bodies may spell Infinity and NaN (Python's parser reads them): was a 500."""
    body = json.dumps(_dyad({"actors": ["Militia"]})).replace('"sides"', f'"analysis": {{"horizon_days": {value}}}, "sides"')
    r = small_client.post("/api/dyads", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422 and "horizon_days" in r.json()["detail"], r.text


# ---- an extraction that could never be stored ---------------------------------------------------------
def test_an_extraction_titled_with_a_nul_is_stored_and_reported(small_client):
    """POST /api/extract took a title with a NUL; storing that extraction stored its good events,
    then answered 400 ("file name 'web extract ...' contains a NUL character") when it looked up
    the rows quarantined: the client was told it failed, the extraction was not marked stored."""
    text = "Rockets killed 2 US soldiers at Camp Taji on March 11, 2020. Yesterday a car bomb killed 5 people in Baghdad."
    x = small_client.post("/api/extract", json={"text": text, "title": "a\x00b"})
    assert x.status_code == 200 and len(x.json()["events"]) == 2, x.text
    r = small_client.post(f"/api/extract/{x.json()['id']}/store", json={"events": []})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["read"], body["stored"], body["quarantined"]) == (2, 1, 1), body
    assert len(body["quarantine"]) == 1 and "date" in body["quarantine"][0]["reason"]
    assert small_client.get(f"/api/extract/{x.json()['id']}").json()["stored"]["stored"] == 1


# ---- two saves of one name -----------------------------------------------------------------------
def test_a_dyad_saved_while_another_of_its_name_is_saved_keeps_both(small_client, monkeypatch):
    """The free id was chosen from a listing made before the write lock was taken, and the file
    written with write_text: two saves of one name at once (the listing of the second made
    before the first was written) wrote the same file, the first dyad lost without a word."""
    from types import SimpleNamespace

    import jervis.web.analyses as analyses

    first = small_client.post("/api/dyads", json=_dyad({"actors": ["Militia"]}))
    assert first.status_code == 201 and first.json()["id"] == "d"
    request = SimpleNamespace(app=small_client.app)  # what the route's functions read of a request
    stale = {k: v for k, v in analyses.dyad_files(request).items() if k != "d"}
    monkeypatch.setattr(analyses, "dyad_files", lambda request: dict(stale))  # listed before the first write
    other = _dyad({"actors": ["Militia"]})
    other["sides"]["A"]["label"] = "a2"
    second = analyses.save_dyad(request, other)
    monkeypatch.undo()
    assert second["id"] != "d"
    assert 'label = "a"' in small_client.get("/api/dyads/d").json()["toml"]  # the first is intact
    assert 'label = "a2"' in small_client.get(f"/api/dyads/{second['id']}").json()["toml"]
