"""Adversarial round 7 on the web app. Each failed before its fix: `POST /api/extract` kept
its text in the data folder for any local client of a server that has a token (a program
could fill the disk), and `/api/quarantine` showed the server's absolute paths, uploads
included (`<data-dir>/uploads/<uuid>.csv`), instead of the names the user gave."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

TOKEN = "correct-horse-battery-staple"
ARTICLE = {"text": "Rockets hit the base on Monday, killing two soldiers.", "published": "2020-03-14"}


def test_extraction_keeps_files_so_it_needs_the_token(make_client, tmp_path: Path):
    client = make_client(db=tmp_path / "fresh.duckdb", token=TOKEN)
    kept = tmp_path / "fresh.web" / "extractions"
    refused = client.post("/api/extract", json=ARTICLE)
    assert refused.status_code == 401, refused.text
    assert client.post("/api/extract/file", files={"file": ("a.txt", ARTICLE["text"].encode())}).status_code == 401
    assert not list(kept.glob("*.json"))  # nothing was written
    allowed = client.post("/api/extract", json=ARTICLE, headers={"authorization": f"Bearer {TOKEN}"})
    assert allowed.status_code == 200, allowed.text
    ext_id = allowed.json()["id"]
    assert [p.name for p in kept.glob("*.json")] == [f"{ext_id}.json"]
    assert client.get(f"/api/extract/{ext_id}").status_code == 200  # reading it back is a read


def test_quarantine_shows_the_names_the_user_gave(make_client, tmp_path: Path):
    client = make_client(db=tmp_path / "fresh.duckdb")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.csv", "date,event\nnot-a-date,ASSAULT\n2007-05-05,ASSAULT\n")
        zf.writestr("b.csv", "date,event\n2007-06-06,ASSAULT\n")
    assert client.post("/api/ingest", files={"file": ("batch.zip", buf.getvalue())}).status_code == 201
    plain = b"date,event\n2007-13-45,ASSAULT\n"
    assert client.post("/api/ingest", files={"file": ("my data.csv", plain)}).status_code == 201
    r = client.get("/api/quarantine")
    assert r.status_code == 200, r.text
    assert sorted(q["source_file"] for q in r.json()["rows"]) == ["batch.zip/a.csv", "my data.csv"]
    for text in (r.text, client.get("/quarantine").text):
        assert "/uploads/" not in text and str(tmp_path) not in text


def test_extract_page_asks_for_the_login_when_a_token_is_set(make_client, tmp_path: Path):
    client = make_client(db=tmp_path / "fresh.duckdb", token=TOKEN)
    page = client.get("/extract").text
    assert 'action="/extract"' not in page and 'href="/login?next=/extract"' in page
    assert client.post("/extract", data={"text": "Rockets hit."}).status_code in (401, 403)


def test_an_event_names_its_file_as_the_user_gave_it(make_client, tmp_path: Path):
    client = make_client(db=tmp_path / "fresh.duckdb")
    body = b"date,event,source_id\n2007-05-05,ASSAULT,x1\n"
    assert client.post("/api/ingest", files={"file": ("my events.csv", body)}).status_code == 201
    event_id = client.get("/api/events", params={"limit": 1}).json()["events"][0]["event_id"]
    detail = client.get(f"/api/events/{event_id}")
    assert detail.json()["provenance"]["source_file"] == "my events.csv"
    for text in (detail.text, client.get(f"/events/{event_id}").text):
        assert "/uploads/" not in text and str(tmp_path) not in text
