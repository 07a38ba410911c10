"""`/api/quarantine?source_file=` takes a file as the user sees it. The API and pages show a
file by the name the user gave (an upload, ``<upload>/<member>``) or by its name alone, and
`jervis quarantine` by its path relative to the working folder; the filter matched only the
server's absolute path, which neither shows, so every filter a user could type found nothing."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from tests.test_cli_errors import cli

import jervis

BAD = "date,event\nnot-a-date,ASSAULT\n2007-05-05,ASSAULT\n"


def bad(k: int) -> str:
    """A file with one bad row (line 2), its content unlike any other's (a file read before is
    not quarantined twice)."""
    return BAD.replace("not-a-date", f"not-a-date-{k}")


@pytest.fixture
def client(tmp_path: Path, monkeypatch):
    """An app over its own store (not the demo's: nothing here needs it)."""
    from fastapi.testclient import TestClient

    from jervis.web import Settings, create_app

    db = tmp_path / "fresh.duckdb"
    folder = tmp_path / "work" / "data"
    folder.mkdir(parents=True)
    (folder / "events.csv").write_text(bad(1))
    (folder / "100%_x.csv").write_text(bad(2))  # LIKE's wildcards in a name match only themselves
    (tmp_path / "work" / "events.csv").write_text(bad(3))
    monkeypatch.chdir(tmp_path / "work")
    jervis.ingest([Path("data/events.csv"), Path("data/100%_x.csv"), Path("events.csv")], db=db)
    client = TestClient(create_app(Settings(db=db)), base_url="http://127.0.0.1", raise_server_exceptions=False)
    client.__enter__()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.csv", bad(4))
        zf.writestr("b.csv", "date,event\n2007-06-06,ASSAULT\n")
    assert client.post("/api/ingest", files={"file": ("batch.zip", buf.getvalue())}).status_code == 201
    assert client.post("/api/ingest", files={"file": ("my data.csv", bad(5).encode())}).status_code == 201
    yield client
    client.__exit__(None, None, None)


def _rows(client, source_file: str) -> list[tuple[str, int, str]]:
    r = client.get("/api/quarantine", params={"source_file": source_file})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["rows"])
    return sorted((q["source_file"], q["line"], q["reason"][:12]) for q in body["rows"])


def test_the_filter_takes_the_file_as_the_user_sees_it(client, tmp_path: Path):
    shown = {q["source_file"] for q in client.get("/api/quarantine").json()["rows"]}
    assert shown == {"events.csv", "100%_x.csv", "batch.zip/a.csv", "my data.csv"}
    data = _rows(client, "data/events.csv")  # the path as given at ingest, as `jervis quarantine` shows it
    assert len(data) == 1 and data[0][0] == "events.csv"
    assert _rows(client, "./data/events.csv") == data
    assert _rows(client, str(tmp_path / "work" / "data" / "events.csv")) == data  # the full path
    both = _rows(client, "events.csv")  # the name the pages show: both files of that name
    assert len(both) == 2 and data[0] in both
    assert len(_rows(client, "my data.csv")) == 1  # an upload, by the name it was uploaded as
    assert _rows(client, "batch.zip/a.csv") == [("batch.zip/a.csv", 2, data[0][2])]  # an archive's member
    assert len(_rows(client, "100%_x.csv")) == 1
    for nothing in ("%", "_vents.csv", "vents.csv", "data", "a.csv/..", "' OR 1=1 --", "batch.zip"):
        assert _rows(client, nothing) == [], nothing


def test_jervis_quarantine_file_takes_the_path_it_shows(capsys, tmp_path: Path, monkeypatch):
    db = tmp_path / "q.duckdb"
    (tmp_path / "data").mkdir()
    for k, name in enumerate(("data/events.csv", "events.csv")):
        (tmp_path / name).write_text(bad(k))
    monkeypatch.chdir(tmp_path)
    jervis.ingest([Path("data/events.csv"), Path("events.csv")], db=db)
    code, out, _ = cli(capsys, "quarantine", "--db", str(db), "--json")
    assert code == 0 and len(json.loads(out)) == 2
    code, out, _ = cli(capsys, "quarantine", "--db", str(db), "--file", "data/events.csv")
    assert code == 0 and "data/events.csv" in out and "1 shown" in out
