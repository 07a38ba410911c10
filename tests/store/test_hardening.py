"""Issue 9, "nothing lost": each test names the numbered item it holds fixed.

Every test here failed on the code before the fix (see the report of branch `harden`).
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

import jervis
from jervis.errors import JervisError
from jervis.store.ingest import ingest_counts

UKR = "ucdp-ged/conflict_data_ukr.csv"
IRQ = "ucdp-ged/conflict_data_irq.csv"
GDELT_V2 = "gdelt/20200314.export.CSV"


def _canonical(rows: int, start: int = 0) -> str:
    lines = ["date,event,actor,country,killed"]
    lines += [f"2020-01-{1 + (i % 28):02d},ASSAULT,Actor {start + i},IRQ,{i}" for i in range(rows)]
    return "\n".join(lines) + "\n"


def _count(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


# 1 ---------------------------------------------------------------------------------------------
def test_item01_db_naming_a_data_file_is_refused(fixtures, tmp_path):
    csv_db = tmp_path / "events.csv"
    csv_db.write_bytes((fixtures / UKR).read_bytes())
    with pytest.raises(JervisError, match="is not a DuckDB database"):
        jervis.ingest([fixtures / UKR], db=csv_db)
    assert csv_db.read_bytes() == (fixtures / UKR).read_bytes()  # untouched
    with pytest.raises(JervisError, match="is a folder"):
        jervis.ingest([fixtures / UKR], db=tmp_path)


# 2 ---------------------------------------------------------------------------------------------
def test_item02_stray_quote_loses_no_rows(tmp_path, db):
    lines = _canonical(100).splitlines()
    lines[3] = lines[3].replace("Actor 2", '"Actor 2')  # an opening quote that never closes
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(lines) + "\n")
    counts = ingest_counts([path], db=db)
    assert counts.read == 100 and counts.lines == 100
    assert counts.stored == 99 and counts.quarantined == 1
    con = duckdb.connect(str(db), read_only=True)
    (line, reason), = con.execute("SELECT line, reason FROM quarantine").fetchall()
    con.close()
    assert line == 4 and "expected 5 fields" in reason


def test_item02_quote_closed_many_lines_later_is_split_back(tmp_path, db):
    lines = _canonical(50).splitlines()
    lines[10] = lines[10].replace("Actor 9", '"Actor 9')
    lines[40] = lines[40].replace("Actor 39", 'Actor 39"')  # "closes" 30 lines later
    path = tmp_path / "stray2.csv"
    path.write_text("\n".join(lines) + "\n")
    counts = ingest_counts([path], db=db)
    assert counts.read == counts.lines == 50
    assert counts.read == counts.stored + counts.quarantined + counts.duplicates
    assert counts.stored >= 48


def test_item02_quoted_line_breaks_stay_one_record(fixtures, db):
    """UCDP's own file has quoted fields with line breaks: 3,134 non-blank data lines, 2,989 records."""
    counts = ingest_counts([fixtures / UKR], db=db)
    assert counts.read == counts.stored == 2989 and counts.lines == 3134  # blank lines are not data


# 3 ---------------------------------------------------------------------------------------------
def test_item03_every_zip_member_is_read_and_counted(tmp_path, db):
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.csv", _canonical(10))
        zf.writestr("b.csv", _canonical(7, start=100))
        zf.writestr("README.txt", "not data\n")
    counts = ingest_counts([path], db=db)
    assert counts.stored == 17
    assert [Path(f["path"]).name for f in counts.files] == ["a.csv", "b.csv"]
    assert [f["read"] for f in counts.files] == [10, 7]
    assert [Path(s["file"]).name for s in counts.skipped] == ["README.txt"]


def test_item10_zip_bomb_is_refused(tmp_path, db):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.csv", "date,event\n" + "2020-01-01,ASSAULT\n" * 1 + " " * (30 << 20))
    with pytest.raises(JervisError, match="zip bomb"):
        jervis.ingest([path], db=db)


# 4 ---------------------------------------------------------------------------------------------
def test_item04_out_of_range_integers_are_quarantined(tmp_path, db):
    path = tmp_path / "big.csv"
    path.write_text(
        "date,event,killed,geo_precision,wounded\n"
        "2020-01-01,ASSAULT,3000000000,1,\n"
        "2020-01-02,ASSAULT,1,40000,\n"
        "2020-01-03,ASSAULT,1,1,99999999999999999999999\n"
        "2020-01-04,ASSAULT,2147483647,32767,0\n"
    )
    counts = jervis.ingest([path], db=db)
    assert counts == {"read": 4, "stored": 1, "quarantined": 3, "duplicates": 0, "updated": 0}
    con = duckdb.connect(str(db), read_only=True)
    reasons = [r[0] for r in con.execute("SELECT reason FROM quarantine ORDER BY line").fetchall()]
    con.close()
    assert "killed '3000000000' is out of range (at most 2,147,483,647)" in reasons[0]
    assert "geo_precision '40000' is out of range (at most 32,767)" in reasons[1]
    assert "wounded" in reasons[2] and "out of range" in reasons[2]


# 5 ---------------------------------------------------------------------------------------------
def test_item05_hashtag_row_after_the_second_line_is_counted(fixtures, tmp_path, db):
    rows = list(csv.reader(io.StringIO((fixtures / UKR).read_text(encoding="utf-8"))))
    header, col = rows[0], {n: i for i, n in enumerate(rows[0])}
    rows[50][col["id"]] = ""
    rows[50][col["side_b"]] = "#unknown group"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows[1:]])
    path = tmp_path / "hxl.csv"
    path.write_text(out.getvalue())
    counts = jervis.ingest([path], db=db)
    assert counts["read"] == 2989 and counts["stored"] + counts["quarantined"] == 2989


# 6 ---------------------------------------------------------------------------------------------
def test_item06_unrecognised_files_in_a_folder_are_listed(fixtures, tmp_path, db):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "events.csv").write_text(_canonical(3))
    (folder / "notes.txt").write_text("hello\n")
    counts = jervis.ingest([folder], db=db)
    assert counts["stored"] == 3
    assert counts["skipped"] == [{"file": str(folder / "notes.txt"), "reason": counts["skipped"][0]["reason"]}]
    assert "cannot tell the format" in counts["skipped"][0]["reason"]


# 7 ---------------------------------------------------------------------------------------------
def test_item07_same_file_by_another_path_is_not_quarantined_twice(tmp_path, db, monkeypatch):
    path = tmp_path / "bad.csv"
    path.write_text("date,event\n2020-13-45,ASSAULT\n2020-01-01,ASSAULT\n")
    jervis.ingest([path], db=db)
    monkeypatch.chdir(tmp_path)
    jervis.ingest(["./bad.csv"], db=db)
    jervis.ingest([str(tmp_path / "." / "bad.csv")], db=db)
    copy = tmp_path / "copy.csv"
    copy.write_bytes(path.read_bytes())
    jervis.ingest([copy], db=db)
    assert _count(db, "SELECT count(*) FROM quarantine") == 1


# 10 --------------------------------------------------------------------------------------------
def test_item10_an_enormous_line_is_quarantined_in_bounded_memory(tmp_path, db, monkeypatch):
    monkeypatch.setenv("JERVIS_MAX_LINE_BYTES", "4096")
    path = tmp_path / "long.csv"
    path.write_text("date,event\n2020-01-01,ASSAULT\n" + "2020-01-02," + "A" * 100_000 + "\n2020-01-03,FIGHT\n")
    counts = ingest_counts([path], db=db)
    assert (counts.read, counts.stored, counts.quarantined, counts.lines) == (3, 2, 1, 3)
    reason = duckdb.connect(str(db), read_only=True).execute("SELECT reason FROM quarantine").fetchone()[0]
    assert "longer than the limit of 4,096" in reason


def test_item10_gdelt_line_is_bounded(fixtures, tmp_path, db, monkeypatch):
    monkeypatch.setenv("JERVIS_MAX_LINE_BYTES", "8192")
    good = (fixtures / GDELT_V2).read_bytes().splitlines(keepends=True)
    path = tmp_path / "long.export.CSV"
    path.write_bytes(good[0] + b"1\t" * 200_000 + b"\n" + b"".join(good[1:]))
    counts = ingest_counts([path], db=db)
    assert counts.read == 15 and counts.quarantined == 2  # the long line and the 01x statement
    con = duckdb.connect(str(db), read_only=True)
    reason = con.execute("SELECT reason FROM quarantine WHERE line = 2").fetchone()[0]
    con.close()
    assert reason == "line of 400,001 bytes is longer than the limit of 8,192 bytes ($JERVIS_MAX_LINE_BYTES)"


# 16 --------------------------------------------------------------------------------------------
_HOLD_READ_ONLY = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("open", flush=True)
time.sleep(60)
"""


def test_item16_read_commands_open_the_store_read_only(fixtures, tmp_path, db):
    """Another process holding a read-only connection blocks writers, not readers."""
    jervis.ingest([fixtures / "iraq-2019-2021/events.csv"], db=db,
                  mapping=Path(__file__).parents[2] / "examples/iraq-2019-2021.mapping.toml")  # fmt: skip
    script = tmp_path / "hold.py"
    script.write_text(_HOLD_READ_ONLY)
    proc = subprocess.Popen([sys.executable, str(script), str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "open"
        assert len(jervis.events(db=db)) == 20
        from jervis.store.inspect import quarantined, source_list

        quarantined(db)
        assert source_list(db)
    finally:
        proc.kill()
        proc.wait()


# 17 --------------------------------------------------------------------------------------------
def test_item17_smaller_checks(tmp_path, db):
    path = tmp_path / "small.csv"
    path.write_text(
        "date,event,actor,country\n"
        "2020-01-01,ASSAULT,Red\x00Army,IRQ\n"
        "1500-06-01,ASSAULT,Old,IRQ\n"
        "2500-06-01,ASSAULT,Future,IRQ\n"
        "2020-01-02,ASSAULT,Fine,IRQ\n"
    )
    counts = jervis.ingest([path], db=db)
    assert counts["stored"] == 1 and counts["quarantined"] == 3
    con = duckdb.connect(str(db), read_only=True)
    reasons = [r[0] for r in con.execute("SELECT reason FROM quarantine ORDER BY line").fetchall()]
    assert con.execute("SELECT count(*) FROM events WHERE actor LIKE '%' || chr(0) || '%'").fetchone()[0] == 0
    con.close()
    assert "actor holds a NUL byte" in reasons[0]
    assert "'1500-06-01' is outside the supported range" in reasons[1] and "bad date" not in reasons[1]
    assert "'2500-06-01' is outside the supported range" in reasons[2]


def _ucdp_with(fixtures: Path, tmp_path: Path, changes: dict[int, dict[str, str]]) -> Path:
    rows = list(csv.reader(io.StringIO((fixtures / UKR).read_text(encoding="utf-8"))))
    col = {n: i for i, n in enumerate(rows[0])}
    for number, values in changes.items():
        for name, value in values.items():
            rows[number][col[name]] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / "ucdp.csv"
    path.write_text(out.getvalue())
    return path


def test_item17_ucdp_dates_and_country(fixtures, tmp_path, db):
    path = _ucdp_with(fixtures, tmp_path, {
        10: {"date_start": "  2014-05-03 00:00:00.000", "date_end": "2014-05-03 00:00:00.000"},
        11: {"date_start": "2014-05-03", "date_end": "2014-05-01"},
        12: {"iso3": "", "country": "Narnia"},
    })  # fmt: skip
    counts = jervis.ingest([path], db=db)
    assert counts["read"] == 2989 and counts["quarantined"] == 2
    con = duckdb.connect(str(db), read_only=True)
    reasons = [r[0] for r in con.execute("SELECT reason FROM quarantine ORDER BY line").fetchall()]
    assert con.execute("SELECT count(*) FROM events WHERE country IS NULL").fetchone()[0] == 0
    con.close()
    assert "date_end '2014-05-01' is before date_start '2014-05-03'" in reasons[0]
    assert "country 'NARNIA' is not ISO 3166 alpha-3" in reasons[1]


# 18 --------------------------------------------------------------------------------------------
def test_item18_country_names_through_country_converter(tmp_path, db):
    from jervis.sources.countries import to_iso3

    assert to_iso3("Republic of Congo") == "COG" and to_iso3("DR Congo (Zaire)") == "COD"
    assert to_iso3("IQ") == "IRQ" and to_iso3("368") == "IRQ" and to_iso3("645", "gw") == "IRQ"
    path = tmp_path / "acled.csv"
    path.write_text(
        "event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,country,iso,fatalities\n"
        "COG1,2020-03-01,Battles,Armed clash,Military Forces of the Republic of Congo,,Republic of Congo,,0\n"
    )
    counts = jervis.ingest([path], db=db)
    assert counts["stored"] == 1, counts
    assert _count(db, "SELECT count(*) FROM events WHERE country = 'COG'") == 1


# 19 --------------------------------------------------------------------------------------------
def test_item19_stale_staging_folders_are_removed(fixtures, tmp_path, db):
    stale = tmp_path / f".jervis-staging-{db.name}~abc123"
    stale.mkdir()
    (stale / "000000.parquet").write_bytes(b"x" * 1000)
    other = tmp_path / ".jervis-staging-other.duckdb~zzz"
    other.mkdir()
    path = tmp_path / "e.csv"
    path.write_text(_canonical(2))
    jervis.ingest([path], db=db)
    assert not stale.exists() and other.exists()


# 20 --------------------------------------------------------------------------------------------
_HOLD_WRITE = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("open", flush=True)
time.sleep(60)
"""


def test_item20_locked_store_names_the_writer(tmp_path, db):
    path = tmp_path / "e.csv"
    path.write_text(_canonical(2))
    jervis.ingest([path], db=db)
    script = tmp_path / "hold.py"
    script.write_text(_HOLD_WRITE)
    proc = subprocess.Popen([sys.executable, str(script), str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "open"
        with pytest.raises(JervisError, match=rf"being written by another jervis process \(pid {proc.pid}\)"):
            jervis.events(db=db)
        with pytest.raises(JervisError, match="being written by another jervis process"):
            jervis.ingest([path], db=db)
    finally:
        proc.kill()
        proc.wait()


# 14 (store side) ------------------------------------------------------------------------------
def test_item14_disk_full_at_commit_keeps_the_real_cause(tmp_path, db, monkeypatch):
    import jervis.store.ingest as ingest_module

    path = tmp_path / "e.csv"
    path.write_text(_canonical(5))

    def full(*_args, **_kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ingest_module.pq, "write_table", full)
    with pytest.raises(JervisError, match="No space left on device.*nothing of this file was stored|nothing of this file was stored.*No space left"):
        jervis.ingest([path], db=db)
    monkeypatch.undo()
    assert jervis.ingest([path], db=db)["stored"] == 5
    assert not list(tmp_path.glob(".jervis-staging-*"))


def test_item14_forced_format_on_the_wrong_file(fixtures, db):
    with pytest.raises(JervisError, match="not in the 'iraq_2006_2008' format"):
        jervis.ingest([fixtures / UKR], db=db, format="iraq_2006_2008")
    with pytest.raises(JervisError, match="unknown format 'gdlet' .did you mean 'gdelt'"):
        jervis.ingest([fixtures / UKR], db=db, format="gdlet")


def test_env_limits_must_be_numbers(tmp_path, db, monkeypatch):
    monkeypatch.setenv("JERVIS_ZIP_MAX_RATIO", "lots")
    path = tmp_path / "e.csv"
    path.write_text(_canonical(1))
    with pytest.raises(JervisError, match=r"\$JERVIS_ZIP_MAX_RATIO must be a number"):
        jervis.ingest([path], db=db)


def test_nothing_staged_is_left_after_an_ingest(tmp_path, db):
    path = tmp_path / "e.csv"
    path.write_text(_canonical(2))
    jervis.ingest([path], db=db)
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".jervis-staging")]
