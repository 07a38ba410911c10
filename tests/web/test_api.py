"""The JSON API: the same answers as the Python API, paging, exports, extraction with edits,
ingest, dyads, and analyses that run in the background without blocking the server."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import jervis
from jervis.store.dyad import load_dyad

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED = FIXTURES / "seed-article" / "rockets-slam-us-base.txt"
UKR = FIXTURES / "ucdp-ged" / "conflict_data_ukr.csv"


def test_events_page_and_filters_match_the_python_api(client, store):
    r = client.get("/api/events", params={"mode": "air_strike", "start": "2007-01-01", "limit": 20})
    assert r.status_code == 200
    page = r.json()
    expected = jervis.events(backend=client.app.state.web.backend(), mode="air_strike", start="2007-01-01")
    assert page["total"] == len(expected)
    assert [e["event_id"] for e in page["events"]] == list(expected["event_id"][:20])
    second = client.get("/api/events", params={"mode": "air_strike", "start": "2007-01-01",
                                               "limit": 20, "offset": 20}).json()  # fmt: skip
    assert [e["event_id"] for e in second["events"]] == list(expected["event_id"][20:40])
    sides = client.get("/api/events", params={"side": "us_coalition", "limit": 1}).json()
    assert sides["total"] == 6039


@pytest.mark.parametrize("params", [{"start": "2007-13-01"}, {"limit": 0}, {"limit": 5000},
                                    {"offset": -1}, {"start": "2008-01-01", "end": "2007-01-01"}])  # fmt: skip
def test_bad_queries_are_problem_documents(client, params):
    r = client.get("/api/events", params=params)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == 422 and body["title"] and "Traceback" not in r.text


def test_exports_hold_the_whole_filtered_set(client):
    params = {"mode": "air_strike", "end": "2006-06-30"}
    total = client.get("/api/events", params=params).json()["total"]
    csv = client.get("/api/events/export", params={**params, "format": "csv"})
    assert csv.headers["content-disposition"] == 'attachment; filename="jervis-events.csv"'
    assert len(csv.text.strip().splitlines()) == total + 1
    lines = client.get("/api/events/export", params={**params, "format": "jsonl"}).text.splitlines()
    assert len(lines) == total
    parquet = client.get("/api/events/export", params={**params, "format": "parquet"})
    assert pq.read_table(io.BytesIO(parquet.content)).num_rows == total


def test_one_event_with_its_provenance(client, store):
    with open(UKR, "rb") as fh:
        up = client.post("/api/ingest", files={"file": ("conflict_data_ukr.csv", fh, "text/csv")})
    assert up.status_code == 201 and up.json()["stored"] == 2989
    first = client.get("/api/events", params={"source": "ucdp_ged", "limit": 1}).json()["events"][0]
    detail = client.get(f"/api/events/{first['event_id']}").json()
    assert detail["event"] == first
    assert detail["provenance"]["uploaded_as"] == "conflict_data_ukr.csv"
    assert detail["provenance"]["line"] >= 2  # the file's line (header is line 1)
    assert "CC BY 4.0" in detail["source"]["licence"]
    assert client.get("/api/events/ucdp_ged:no-such-id").status_code == 404


def test_extract_the_seed_article_store_with_edits(client):
    r = client.post("/api/extract", json={"text": SEED.read_text(), "published": "2020-03-14"})
    assert r.status_code == 200
    x = r.json()
    assert [(e["date"], e["mode"], e["killed"], e["wounded"]) for e in x["events"]] == [
        ("2020-03-11", "rocket", 2, None), ("2020-03-12", "air_strike", None, None),
        ("2020-03-14", "rocket", None, 3)]  # fmt: skip
    first = x["events"][0]
    a, b = first["spans"]["date"]
    assert x["text"][a:b] == "Wednesday"
    body = {"events": [{"index": 2, "keep": False}, {"index": 3, "fields": {"wounded": 4, "mode": "rocket"}}]}
    stored = client.post(f"/api/extract/{x['id']}/store", json=body).json()
    assert (stored["stored"], stored["dropped"], stored["edits"]) == (2, [2], 1)
    detail = client.get(f"/api/events/{stored['event_ids'][1].replace('#', '%23')}").json()
    assert detail["event"]["wounded"] == 4 and detail["event"]["source_dataset"] == "text"
    assert [(e["field"], e["extracted"], e["stored"]) for e in detail["edits"]] == [("wounded", "3", "4")]
    assert client.get(f"/api/extract/{x['id']}").json()["stored"]["event_ids"] == stored["event_ids"]


def test_a_bad_correction_is_quarantined_with_its_reason(client):
    x = client.post("/api/extract", json={"text": SEED.read_text(), "published": "2020-03-14"}).json()
    body = {"events": [{"index": 1, "fields": {"event": "BOGUS"}}]}
    stored = client.post(f"/api/extract/{x['id']}/store", json=body).json()
    assert stored["quarantined"] == 1 and stored["stored"] == 2
    assert "BOGUS" in stored["quarantine"][0]["reason"]
    bad = client.post(f"/api/extract/{x['id']}/store", json={"events": [{"index": 1, "fields": {"source_dataset": "x"}}]})
    assert bad.status_code == 422


def test_ingest_counts_and_a_file_it_cannot_read(client, store):
    with open(UKR, "rb") as fh:
        first = client.post("/api/ingest", files={"file": ("ukr.csv", fh, "text/csv")}).json()
    with open(UKR, "rb") as fh:
        again = client.post("/api/ingest", files={"file": ("ukr.csv", fh, "text/csv")}).json()
    assert (first["read"], first["stored"], again["stored"], again["duplicates"]) == (2989, 2989, 0, 2989)
    assert client.get(f"/api/ingest/{first['id']}").json()["stored"] == 2989
    uploads = store.with_name("jervis.web") / "uploads"
    before = sorted(uploads.iterdir())
    r = client.post("/api/ingest", files={"file": ("notes.txt", b"just some words\n", "text/plain")})
    assert r.status_code == 422 and r.json()["detail"].startswith("notes.txt: cannot tell the format")
    assert sorted(uploads.iterdir()) == before  # nothing kept from a refused file


def test_dyad_saved_from_json_is_the_same_toml_as_a_file(client, store):
    body = {"name": "Coalition vs insurgents", "sides": {"A": {"label": "Coalition", "actors": ["US-led coalition"]},
            "B": {"label": "Insurgents", "actors": ["insurgents"]}},
            "filters": {"country": ["IRQ"], "start": "2007-01-01"}, "analysis": {"bin": "week"}}  # fmt: skip
    r = client.post("/api/dyads", json=body)
    assert r.status_code == 201
    saved = r.json()
    path = store.with_name("jervis.web") / "dyads" / f"{saved['id']}.toml"
    assert path.read_text() == saved["toml"]
    dyad = load_dyad(path)
    assert dyad.sides["A"].actors == ["US-led coalition"] and str(dyad.filters.start) == "2007-01-01"
    assert dyad.analysis == {"bin": "week"}
    assert saved["id"] in [d["id"] for d in client.get("/api/dyads").json()]
    check = client.get(f"/api/dyads/{saved['id']}/check").json()
    assert check["sides"]["A"]["as_actor"] == len(jervis.events(backend=client.app.state.web.backend(), actor="US-led coalition", start="2007-01-01"))
    for bad in ({**body, "sides": {"A": body["sides"]["A"]}}, {**body, "analysis": {"horizon": 3}},
                {**body, "filters": {"events": ["NOT_PLOVER"]}}):  # fmt: skip
        r = client.post("/api/dyads", json=bad)
        assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"


def test_analysis_runs_in_the_background(client):
    r = client.post("/api/analyses", json={"dyad": "iraq-2006-2008", "methods": ["count_regression"]})
    assert r.status_code == 202
    job = r.json()
    assert r.headers["location"] == f"/api/analyses/{job['id']}" and not job["done"]
    answered_while_running = False
    while True:
        status = client.get(job_url := f"/api/analyses/{job['id']}").json()
        if status["state"] == "running":
            # The server answers other requests while the methods run in a worker process.
            events = client.get("/api/events", params={"limit": 5})
            answered_while_running |= events.status_code == 200 and client.get(job_url).json()["state"] == "running"
            code = client.get(f"{job_url}/verdict").status_code
            assert code == 409 or (code == 200 and client.get(job_url).json()["done"])
        if status["done"]:
            break
        time.sleep(0.2)
    assert status["state"] == "done", status
    assert answered_while_running
    verdict = client.get(f"/api/analyses/{job['id']}/verdict").json()
    assert [d["verdict"] for d in verdict["directions"]] == ["no_detectable_effect"] * 2
    assert verdict["settings"]["methods"] == ["count_regression"]
    assert status["events"] == 112_313 and status["report"]
    report = client.get(f"/analyses/{job['id']}/report")  # jervis.report's page, sandboxed
    assert report.status_code == 200 and "US-led coalition" in report.text
    policy = report.headers["content-security-policy"]
    assert "sandbox allow-scripts" in policy and "frame-ancestors 'self'" in policy
    assert "connect-src 'none'" in policy and report.headers["x-frame-options"] == "SAMEORIGIN"
    assert client.post("/api/analyses", json={"dyad": "no-such-dyad"}).status_code == 404
    assert client.get("/api/analyses/" + "0" * 32).status_code == 404


def test_sources_actors_quarantine(client):
    sources = {s["source_dataset"]: s for s in client.get("/api/sources").json()}
    assert sources["iraq_2006_2008"]["events"] == 112_313 and "MIT" in sources["iraq_2006_2008"]["licence"]
    actors = {a["name"]: a for a in client.get("/api/actors").json()}
    assert actors["insurgents"]["events"] == 106_274
    q = client.get("/api/quarantine", params={"limit": 5}).json()
    assert q["total"] == 0 and q["rows"] == []


def test_any_csv_with_an_uploaded_mapping(client):
    csv_path = FIXTURES / "iraq-2019-2021" / "events.csv"
    mapping = Path(__file__).resolve().parents[2] / "examples" / "iraq-2019-2021.mapping.toml"
    expected = jervis.ingest([csv_path], db=client.app.state.web.settings.db.with_name("direct.duckdb"),
                             mapping=mapping)  # fmt: skip
    with open(csv_path, "rb") as data, open(mapping, "rb") as toml:
        r = client.post("/api/ingest", files={"file": ("events.csv", data, "text/csv"),
                                              "mapping": ("map.toml", toml, "application/toml")})  # fmt: skip
    assert r.status_code == 201, r.text
    got = r.json()
    assert got["format"] == "mapping"
    assert {k: got[k] for k in expected} == expected
    sources = {s["source_dataset"] for s in client.get("/api/sources").json() if s["events"]}
    assert "iraq_2019_2021" in sources


def test_extract_from_an_html_file(client):
    text = SEED.read_text()
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    page = (f"<!doctype html><html><head><title>Rockets slam US base</title></head><body>"
            f"<nav>Home | World</nav><article>{paragraphs}</article></body></html>")  # fmt: skip
    r = client.post("/api/extract/file", files={"file": ("article.html", page.encode(), "text/html")},
                    data={"published": "2020-03-14"})  # fmt: skip
    assert r.status_code == 200, r.text
    x = r.json()
    assert [e["date"] for e in x["events"]] == ["2020-03-11", "2020-03-12", "2020-03-14"]
    assert "<p>" not in x["text"] and x["source"] == "article.html"
