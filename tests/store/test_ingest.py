"""Ingest guarantees: exact counts on real files, quarantine of bad rows, idempotence, atomicity."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import jervis
from jervis.errors import JervisError

UKR = "ucdp-ged/conflict_data_ukr.csv"
IRQ = "ucdp-ged/conflict_data_irq.csv"


def _reconciles(counts: dict) -> bool:
    return counts["read"] == counts["stored"] + counts["quarantined"] + counts["duplicates"]


def test_ucdp_ukraine_exact_counts(fixtures, db):
    counts = jervis.ingest([fixtures / UKR], db=db)
    assert counts["stored"] == 2989 and counts["quarantined"] == 0 and _reconciles(counts)
    again = jervis.ingest([fixtures / UKR], db=db)
    assert again["stored"] == 0 and again["duplicates"] == 2989


def test_ucdp_iraq_old_layout(fixtures, db):
    counts = jervis.ingest([fixtures / IRQ], db=db)
    assert counts["stored"] == 7473 and counts["quarantined"] == 0
    con = duckdb.connect(str(db), read_only=True)
    # GED codes a dyad, not an initiator: state-based events are FIGHT, one-sided ASSAULT.
    events = dict(con.execute("SELECT event, count(*) FROM events GROUP BY 1").fetchall())
    assert set(events) == {"FIGHT", "ASSAULT"}
    row = con.execute(
        "SELECT actor, target, country, killed, actor_killed, target_killed, civilians_killed "
        "FROM events WHERE source_id = '1'"
    ).fetchone()
    con.close()
    assert row is None or row[2] == "IRQ"


def _corrupt(source: Path, target: Path) -> list[int]:
    """Write `source` with 10 broken rows; returns the record numbers that were broken."""
    text = source.read_text(encoding="utf-8")
    records = list(csv.reader(io.StringIO(text)))
    header = records[0]
    col = {name: i for i, name in enumerate(header)}
    broken = {
        10: ("date_start", "2014-13-45"),
        20: ("date_start", "yesterday"),
        30: ("latitude", "123"),
        40: ("longitude", "-200.5"),
        50: ("best", "twelve"),
        60: ("deaths_a", "abc"),
        70: ("latitude", "north"),
        80: ("date_start", ""),
    }
    for number, (name, value) in broken.items():
        records[number][col[name]] = value
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for i, record in enumerate(records):
        if i == 90:  # a truncated line: the record stops after 20 fields
            out.write(",".join(f'"{f}"' if "," in f else f for f in record[:20]) + "\n")
        else:
            writer.writerow(record)
    data = out.getvalue().encode("utf-8")
    # A wrong encoding byte (Latin-1 0xE9) inside record 100's location field.
    location = records[100][col["where_coordinates"]].encode("utf-8")
    assert data.count(location) >= 1
    marker = records[100][col["id"]].encode() + b","
    start = data.index(b"\n" + marker) + 1
    end = data.index(b"\n", start)
    line = data[start:end]
    data = data[:start] + line.replace(location, location + b"\xe9", 1) + data[end:]
    target.write_bytes(data)
    return [*broken, 90, 100]


def test_corrupted_rows_go_to_quarantine(fixtures, db, tmp_path):
    bad_file = tmp_path / "conflict_data_ukr_broken.csv"
    _corrupt(fixtures / UKR, bad_file)
    counts = jervis.ingest([bad_file], db=db)
    assert counts == {"read": 2989, "stored": 2979, "quarantined": 10, "duplicates": 0, "updated": 0}
    con = duckdb.connect(str(db), read_only=True)
    reasons = [r[0] for r in con.execute("SELECT reason FROM quarantine ORDER BY line").fetchall()]
    con.close()
    assert len(reasons) == 10 and all(reasons)
    joined = " | ".join(reasons)
    for expected in (
        "bad date '2014-13-45'", "bad date 'yesterday'", "missing date",
        "latitude '123.0' out of range", "longitude '-200.5' out of range", "killed 'twelve' is not a number",
        "actor_killed 'abc' is not a number", "latitude 'north' is not a number",
        "truncated", "invalid UTF-8 byte 0xe9",
    ):  # fmt: skip
        assert expected in joined, expected
    again = jervis.ingest([bad_file], db=db)
    assert again["stored"] == 0 and again["duplicates"] == 2979 and again["quarantined"] == 10
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 10
    con.close()


def test_changed_file_adds_only_what_changed(fixtures, db, tmp_path):
    source = (fixtures / "../../src/jervis/data/iraq_2006_2008/airstrikes.parquet").resolve()
    import pandas as pd

    frame = pd.read_parquet(source)
    first = tmp_path / "air.csv"
    frame.to_csv(first, index=False)
    assert jervis.ingest([first], db=db)["stored"] == len(frame)
    extra = frame.iloc[:3].assign(date="2008-07-06")
    changed = pd.concat([extra.iloc[:1], frame, extra.iloc[1:]])
    changed.to_csv(first, index=False)
    counts = jervis.ingest([first], db=db)
    assert counts["stored"] == 3 and counts["duplicates"] == len(frame)


def test_explicit_unknown_file_is_one_clear_error(tmp_path, db):
    junk = tmp_path / "notes.txt"
    junk.write_text("hello\nworld\n")
    with pytest.raises(JervisError, match="cannot tell the format"):
        jervis.ingest([junk], db=db)


_SLOW_INGEST = """
import sys, time
import jervis
def stall(path, rows):
    print("inside", flush=True)
    time.sleep(60)
jervis.ingest([sys.argv[1]], db=sys.argv[2], progress=stall)
"""


def test_killed_ingest_leaves_nothing(fixtures, db, tmp_path):
    script = tmp_path / "slow.py"
    script.write_text(_SLOW_INGEST)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(fixtures / IRQ), str(db)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "inside"  # the first batch is staged, not committed
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM ingests").fetchone()[0] == 0
    con.close()
    counts = jervis.ingest([fixtures / IRQ], db=db)
    assert counts["stored"] == 7473


def test_canonical_csv_needs_no_mapping(tmp_path, db):
    path = tmp_path / "mine.csv"
    path.write_text(
        "date,event,mode,actor,target,actor_side,target_side,killed,country\n"
        "2020-03-11,ASSAULT,rocket,Kataib Hezbollah,US forces,B,A,2,IRQ\n"
        "2020-03-12,ASSAULT,air_strike,US forces,Kata'ib Hizballah,A,B,,IRQ\n"
        "2020-03-14,ASSAULT,rocket,,US forces,B,A,0,IRQ\n"
    )
    counts = jervis.ingest([path], db=db)
    assert counts["stored"] == 3
    frame = jervis.events(db=db)
    assert list(frame["killed"].astype("Float64").fillna(-1)) == [2, -1, 0]  # unknown stays null
    assert frame.loc[1, "target"] == "Kataib Hezbollah"


def test_jsonl_bad_line_is_quarantined(tmp_path, db):
    path = tmp_path / "mine.jsonl"
    lines = [
        {"date": "2020-03-11", "event": "ASSAULT", "mode": "rocket"},
        {"date": "2020-03-12", "event": "ASSAULT", "mode": "banana"},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n{not json\n")
    counts = jervis.ingest([path], db=db)
    assert counts["stored"] == 1 and counts["quarantined"] == 2
