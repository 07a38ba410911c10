"""Adversarial round 6 on the web app: what an upload reports, and settings that broke routes.

Each failed before its fix: a zip upload with several members hid the members it skipped (the
response had no `skipped`) and listed none of its quarantined rows (they are stored under the
member's path), and `--max-upload-mb nan` or `inf` started a server whose every upload was a 500.
"""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

import pytest

from jervis.errors import JervisError
from jervis.web import Settings


@pytest.fixture
def empty_client(make_client, tmp_path: Path):
    return make_client(db=tmp_path / "fresh.duckdb")


def test_zip_upload_reports_skipped_members_and_their_quarantine(empty_client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.csv", "date,event\nnot-a-date,ASSAULT\n2007-05-05,ASSAULT\n")
        zf.writestr("notes.txt", "hello, nothing to read here\n")
        zf.writestr("c.csv", "date,event\n2007-06-06,ASSAULT\n")
    r = empty_client.post("/api/ingest", files={"file": ("batch.zip", buf.getvalue())})
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["read"], body["stored"], body["quarantined"]) == (3, 2, 1)
    assert [s["file"] for s in body["skipped"]] == ["batch.zip/notes.txt"]
    assert body["quarantine_total"] == 1
    assert [(q["source_file"], q["line"]) for q in body["quarantine"]] == [("batch.zip/a.csv", 2)]
    assert "/uploads/" not in r.text  # the server's paths stay on the server
    page = empty_client.get(f"/ingest/{body['id']}", headers={"accept": "text/html"})
    assert "batch.zip/notes.txt" in page.text and "not-a-date" in page.text


@pytest.mark.parametrize("value", [math.nan, math.inf, -1.0, 0.0])
def test_upload_limit_must_be_a_positive_finite_number(tmp_path, value):
    with pytest.raises(JervisError, match="max-upload-mb"):
        Settings(db=tmp_path / "x.duckdb", max_upload_mb=value).check()


def test_csv_export_neutralises_formulas(empty_client):
    rows = "date,event,actor,evidence\n2007-01-01,ASSAULT,=HYPERLINK(\"http://x\"),@SUM(1)\n"
    r = empty_client.post("/api/ingest", files={"file": ("f.csv", rows.encode())})
    assert r.status_code == 201, r.text
    export = empty_client.get("/api/events/export?format=csv")
    assert export.status_code == 200
    assert "'=HYPERLINK" in export.text and "'@SUM(1)" in export.text
    assert ",=" not in export.text and ",@" not in export.text


def test_serve_on_a_port_in_use_is_one_line(capsys, tmp_path):
    import socket

    from tests.test_cli_errors import cli, one_line_error

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = cli(capsys, "serve", "--db", str(tmp_path / "s.duckdb"), "--port", str(port))
    assert "port" in one_line_error(code, err)
    assert not (tmp_path / "s.duckdb").exists()  # refused before the store was created


def test_storing_an_extraction_lists_only_the_events_stored(empty_client, tmp_path):
    """An event the store quarantines (a date past 2262) is not reported as stored, and no edit
    is recorded for it (event_ids listed it, and its correction was kept for a missing event)."""
    import json

    ext_id = "0123456789abcdef0123456789abcdef"
    event = {"date": "2020-03-11", "date_precision": "day", "event": "ASSAULT", "mode": "rocket",
             "target": "US forces", "country": "IRQ", "evidence": "Rockets hit the base."}  # fmt: skip
    record = {"id": ext_id, "title": None, "published": "2020-03-12", "source": "pasted text",
              "created": "2020-03-12T00:00:00Z", "text": "Rockets hit the base.",
              "events": [{**event, "index": 1}, {**event, "index": 2, "date": "9999-12-27"}]}  # fmt: skip
    folder = tmp_path / "fresh.web" / "extractions"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{ext_id}.json").write_text(json.dumps(record))
    r = empty_client.post(f"/api/extract/{ext_id}/store", json={"events": [
        {"index": 1, "keep": True}, {"index": 2, "keep": True, "fields": {"killed": 3}}]})  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["stored"], body["quarantined"]) == (1, 1)
    assert body["event_ids"] == [f"text:web-{ext_id[:12]}#1"]
    assert body["edits"] == 0


def test_many_filter_values_are_all_applied(empty_client):
    """The 51st and later values of a filter were dropped silently (a wrong total, no error)."""
    rows = "date,event,actor\n2007-01-01,ASSAULT,Zed\n2007-01-02,ASSAULT,Other\n"
    assert empty_client.post("/api/ingest", files={"file": ("f.csv", rows.encode())}).status_code == 201
    query = "&".join(f"actor=nobody{i}" for i in range(60)) + "&actor=Zed"
    for path in ("/api/events", "/api/events/export"):
        r = empty_client.get(f"{path}?{query}")
        assert r.status_code == 200, r.text
    assert empty_client.get(f"/api/events?{query}").json()["total"] == 1
    assert "Zed" in empty_client.get(f"/api/events/export?{query}").text


def test_data_dir_that_is_a_file_is_refused_at_start(tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    for data_dir in (a_file, a_file / "below"):
        with pytest.raises(JervisError) as info:
            Settings(db=tmp_path / "x.duckdb", data_dir=data_dir).check()
        assert "--data-dir" in info.value.message


def test_the_banner_says_when_the_store_is_new(tmp_path):
    from jervis.web.commands import banner

    settings = Settings(db=tmp_path / "typo.duckdb")
    assert "new and empty" in banner(settings, True) and "new" not in banner(settings, False)
