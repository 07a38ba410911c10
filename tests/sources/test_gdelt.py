"""GDELT 1.0/2.0 reader: canonical values, layouts, zip, broken lines, streaming and ingest."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import jervis
from jervis.sources import detect_reader
from jervis.sources.gdelt import GDELT, LAYOUTS, cameo_table, fips_to_iso3

V2 = "gdelt/20200314.export.CSV"
V1 = "gdelt/20200313.export.CSV"
BROKEN = "gdelt/broken.export.CSV"


def _read(path: Path, **options) -> pd.DataFrame:
    return pd.concat(GDELT.read(path, **options), ignore_index=True)


def test_layouts_have_documented_widths():
    assert {n: len(cols) for n, (_, cols) in LAYOUTS.items()} == {57: 57, 58: 58, 61: 61}
    assert LAYOUTS[61][1][-2:] == ["DATEADDED", "SOURCEURL"]
    assert "ActionGeo_ADM2Code" in LAYOUTS[61][1] and "ActionGeo_ADM2Code" not in LAYOUTS[58][1]


def test_cameo_table_maps_violence_and_modes():
    table = cameo_table()
    assert table.loc["195", "plover_event"] == "FIGHT" and table.loc["195", "mode"] == "air_strike"
    assert table.loc["194", "mode"] == "artillery"
    assert table.loc["1831", "mode"] == "suicide_bomb" and table.loc["1832", "mode"] == "car_bomb"
    assert table.loc["0213", "plover_event"] == "REQUEST"  # absent from CAMEO2PLOVER: root 02
    assert table.loc["145", "plover_event"] == "PROTEST"
    assert table.loc["173", "plover_event"] == "COERCE" and table.loc["173", "mode"] == "arrest"
    assert table.loc["010", "plover_event"] == ""  # public statements have no PLOVER type
    assert fips_to_iso3()["IZ"] == "IRQ" and fips_to_iso3()["UK"] == "GBR"
    assert fips_to_iso3()["GZ"] == "PSE"


def test_v2_canonical_values(fixtures):
    df = _read(fixtures / V2)
    assert len(df) == 14 and list(df["_line"]) == list(range(1, 15))
    first = df.iloc[0]
    assert first["source_id"] == "907212001" and first["date"] == "2020-03-11"
    assert first["time"] == "19:30:00" and first["date_precision"] == "day"
    assert first["actor_raw"] == "REB|MILITIA" and first["target_raw"] == "USAMIL|UNITED STATES"
    assert first["event"] == "FIGHT" and first["country"] == "IRQ" and first["admin1"] == "IZ07"
    assert first["location"] == "Taji, Baghdad, Iraq" and first["geo_precision"] == "4"
    assert (first["latitude"], first["longitude"]) == ("33.5219", "44.2567")
    assert first["source_url"].startswith("https://www.reuters.com/")
    strike = df[df["source_id"] == "907251101"].iloc[0]
    assert (strike["event"], strike["mode"]) == ("FIGHT", "air_strike")
    # DATEADDED on a later day than the event: the time is not the event's, so it is null.
    late = df[df["source_id"] == "907251100"].iloc[0]
    assert late["date"] == "2020-03-12" and late["time"] is None
    assert df.loc[df["source_id"] == "907212002", "actor_raw"].iloc[0] is None
    assert df.loc[df["source_id"] == "907290001", "mode"].iloc[0] == "car_bomb"
    assert df.loc[df["source_id"] == "907281913", "country"].iloc[0] == "GBR"
    statement = df[df["source_id"] == "907260379"].iloc[0]
    assert statement["event"] is None and "make public statement" in statement["_error"]
    assert df["_error"].notna().sum() == 1
    raw = json.loads(first["_raw"])
    assert len(raw) == 61 and raw[0] == "907212001" and raw[-1] == first["source_url"]


def test_v1_layout_has_no_time(fixtures):
    df = _read(fixtures / V1)
    assert len(df) == 6 and "time" not in df
    assert list(df["event"]) == ["FIGHT", "ASSAULT", "ACCUSE", "FIGHT", "FIGHT", "FIGHT"]
    assert df["source_url"].notna().all()


def test_v1_without_sourceurl(tmp_path, fixtures):
    lines = (fixtures / V1).read_text().splitlines()
    path = tmp_path / "old.export.CSV"
    path.write_text("\n".join(line.rsplit("\t", 1)[0] for line in lines) + "\n")
    df = _read(path)
    assert len(df) == 6 and df["source_url"].isna().all() and df["_error"].isna().all()
    assert detect_reader(path).name == "gdelt"


def test_zip_reads_same_as_plain(fixtures):
    plain, zipped = _read(fixtures / V2), _read(fixtures / (V2 + ".zip"))
    pd.testing.assert_frame_equal(plain, zipped)


def test_small_batches_equal_one_batch(fixtures):
    batches = list(GDELT.read(fixtures / V2, batch_rows=4))
    assert [len(b) for b in batches] == [4, 4, 4, 2]
    pd.testing.assert_frame_equal(pd.concat(batches, ignore_index=True), _read(fixtures / V2))


def test_broken_lines_flagged(fixtures):
    df = _read(fixtures / BROKEN)
    assert list(df["_line"]) == [1, 2, 3, 4]
    errors = dict(zip(df["_line"], df["_error"], strict=True))
    assert errors[1] is None and errors[3] is None
    assert "expected 61" in errors[2] and "found 30" in errors[2]
    assert "0xe4" in errors[4]
    assert json.loads(df.loc[df["_line"] == 2, "_raw"].iloc[0])[0] == "907212002"


@pytest.mark.parametrize("name", [V2, V1, BROKEN, V2 + ".zip"])
def test_sniffed_as_gdelt(fixtures, name):
    assert detect_reader(fixtures / name).name == "gdelt"


def test_ingest_reconciles_and_is_idempotent(fixtures, db):
    counts = jervis.ingest([fixtures / V2], db=db)
    assert counts["read"] == 14 and counts["stored"] == 13 and counts["quarantined"] == 1
    again = jervis.ingest([fixtures / (V2 + ".zip")], db=db)
    assert again["stored"] == 0 and again["duplicates"] == 13
    broken = jervis.ingest([fixtures / BROKEN], db=db)
    assert broken["read"] == 4 and broken["quarantined"] == 2
    for c in (counts, again, broken):
        assert c["read"] == c["stored"] + c["quarantined"] + c["duplicates"]
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute(
        "SELECT event, mode, country, time, actor_raw FROM events WHERE source_id = '907251101'"
    ).fetchone()
    assert row == ("FIGHT", "air_strike", "IRQ", "02:45:00", "USAMIL|UNITED STATES")


def test_large_file_streams_in_batches(tmp_path, fixtures):
    """Many batches from one file without holding it: each batch is at most batch_rows."""
    line = (fixtures / V2).read_bytes().splitlines(keepends=True)[0]
    path = tmp_path / "big.export.CSV.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("big.export.CSV", "w") as member:
            for i in range(5000):
                member.write(line.replace(b"907212001", str(10**9 + i).encode(), 1))
    sizes = [len(b) for b in GDELT.read(path, batch_rows=1000)]
    assert sizes == [1000] * 5


def test_translate_passes_odd_values_to_the_validator():
    """Values the reader cannot read are passed on unchanged, for the store to quarantine."""
    _, names = LAYOUTS[61]
    row = dict.fromkeys(names, "")
    row.update(GLOBALEVENTID="1", SQLDATE="2020031", DATEADDED="20200311", EventCode="999",
               ActionGeo_CountryCode="XX", ActionGeo_Lat="123")  # fmt: skip
    out = GDELT.translate(pd.DataFrame([row], dtype=object)).iloc[0]
    assert out["date"] == "2020031" and out["time"] is None
    assert out["country"] == "XX" and out["latitude"] == "123"
    assert out["event"] is None and "'999'" in out["_error"]
    assert out["actor_raw"] is None and out["target_raw"] is None


def test_layout_from_first_well_formed_line(tmp_path, fixtures):
    lines = (fixtures / V1).read_text().splitlines(keepends=True)
    path = tmp_path / "v1.export.CSV"
    path.write_text("\t".join(lines[0].split("\t")[:10]) + "\n" + "".join(lines[1:]))
    df = _read(path)
    assert "expected 58" in df["_error"].iloc[0] and df["_error"].iloc[1:].isna().all()


def test_windows_line_endings(tmp_path, fixtures):
    path = tmp_path / "crlf.export.CSV"
    path.write_bytes((fixtures / V2).read_bytes().replace(b"\n", b"\r\n"))
    pd.testing.assert_frame_equal(_read(path), _read(fixtures / V2))
