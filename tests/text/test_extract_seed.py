"""Acceptance 1: the seed article gives exactly its three gold events, with evidence."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jervis.text import extract, extract_text

FIXTURE = Path(__file__).parents[1] / "fixtures" / "seed-article"
ARTICLE = FIXTURE / "rockets-slam-us-base.txt"


@pytest.fixture(scope="module")
def events():
    return extract([ARTICLE], published="2020-03-14")


def test_exactly_the_three_gold_events(events):
    gold = json.loads((FIXTURE / "gold.json").read_text())
    assert len(events) == len(gold["events"]) == 3
    by_date = {e.date.isoformat(): e for e in events}
    assert set(by_date) == {g["date"] for g in gold["events"]}
    for g in gold["events"]:
        e = by_date[g["date"]]
        assert e.event == g["event"] == "ASSAULT"
        assert e.mode == g["mode"]
        assert e.country == g["country"]
        assert e.target_side == g["target_side"]
        assert e.date_precision == "day"
        for key in ("killed", "wounded"):
            accept = (g.get(key) or {"accept": [None]})["accept"]
            assert getattr(e, key) in accept, (g["key"], key, getattr(e, key))


def test_fields_of_each_event(events):
    first, strikes, second = sorted(events, key=lambda e: e.date)
    assert first.killed == 2 and first.target == "US forces" and first.actor is None
    assert strikes.actor == "US forces" and strikes.actor_side == "us_coalition"
    assert strikes.target == "Popular Mobilization Forces" and strikes.target_side == "militia"
    assert strikes.killed is None  # "killing an unknown number": unknown, never 0
    assert second.wounded == 3 and second.actor is None
    assert second.location == first.location  # "the same base"


def test_evidence_and_spans_point_into_the_text(events):
    text = ARTICLE.read_text()
    gold = json.loads((FIXTURE / "gold.json").read_text())
    for e, g in zip(sorted(events, key=lambda e: e.date), gold["events"], strict=True):
        assert e.evidence and e.evidence in text
        assert g["evidence"][:40] in e.evidence or e.evidence in g["evidence"]
        assert e.spans["event"] and e.spans["date"]
        for start, end in e.spans.values():
            assert 0 <= start < end <= len(text)
    assert text[slice(*events[0].spans["date"])] == "Wednesday"


def test_none_of_the_not_events(events):
    joined = " ".join(e.evidence for e in events)
    for phrase in ("If we strike a site", "not going to tolerate", "helping against ISIS",
                   "Do NOT follow", "speaks of bombing", "kill a certain number"):  # fmt: skip
        assert phrase not in joined
    assert all(e.date != date(2020, 3, 14) or e.wounded == 3 for e in events)


def test_rows_have_the_canonical_columns(events):
    from jervis.store.schema import COLUMNS

    for e in events:
        row = e.to_row()
        assert tuple(row) == COLUMNS
        assert row["source_dataset"] == "text" and row["source_id"].startswith(ARTICLE.stem)


def test_no_publication_date_means_unknown_dates():
    events = extract_text(ARTICLE.read_text())
    assert len(events) == 3
    assert all(e.date is None and e.date_precision == "unknown" for e in events)


def test_cli_jsonl_and_csv():
    from jervis.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["extract", str(ARTICLE), "--published", "2020-03-14"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["date"] for x in lines] == ["2020-03-11", "2020-03-12", "2020-03-14"]
    assert all(x["evidence"] and x["spans"]["event"] for x in lines)
    result = runner.invoke(app, ["extract", str(ARTICLE), "--published", "2020-03-14",
                                 "--format", "csv"])  # fmt: skip
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("event_id,date,time,date_precision")
    assert len(result.stdout.strip().splitlines()) == 4


def test_cli_ingest_stores_the_events(tmp_path):
    import duckdb

    from jervis.cli import app

    db = tmp_path / "store.duckdb"
    result = CliRunner().invoke(app, ["extract", str(ARTICLE), "--published", "2020-03-14",
                                      "--ingest", "--db", str(db), "--format", "table"])  # fmt: skip
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT date, mode, killed, wounded FROM events "
                       "WHERE source_dataset = 'text' ORDER BY date").fetchall()  # fmt: skip
    con.close()
    assert [(str(r[0]), r[1]) for r in rows] == [
        ("2020-03-11", "rocket"), ("2020-03-12", "air_strike"), ("2020-03-14", "rocket"),
    ]  # fmt: skip
    assert rows[0][2] == 2 and rows[2][3] == 3
