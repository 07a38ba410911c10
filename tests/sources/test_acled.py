"""ACLED reader: current and older CSV layouts, API JSON, type mapping, dates, ingest."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

import jervis
from jervis.errors import JervisError
from jervis.sources import detect_reader
from jervis.sources.acled import ACLED, ACLED_JSON, parse_dates

CURRENT = "acled/acled_iraq_2020-03.csv"
OLD = "acled/acled_somalia_2016_old_layout.csv"
API = "acled/acled_api_iraq.json"


def _read(reader, path) -> pd.DataFrame:
    return pd.concat(reader.read(path), ignore_index=True).set_index("source_id", drop=False)


def test_current_layout_canonical_values(fixtures):
    df = _read(ACLED, fixtures / CURRENT)
    assert len(df) == 16
    taji = df.loc["IRQ38001"]
    assert taji["date"] == "2020-03-11" and taji["date_precision"] == "day"
    assert (taji["event"], taji["mode"]) == ("ASSAULT", "artillery")
    assert taji["actor_raw"] == "Unidentified Armed Group (Iraq)"
    assert taji["target_raw"] == "Military Forces of the United States (2017-2021)"
    assert taji["country"] == "IRQ"  # from the numeric ISO code 368
    assert (taji["admin1"], taji["location"]) == ("Baghdad", "Camp Taji")
    assert (taji["latitude"], taji["longitude"], taji["geo_precision"]) == (
        "33.5228",
        "44.2436",
        "1",
    )
    assert taji["killed"] == "3" and "Katyusha" in taji["evidence"]
    # ACLED fatalities do not say who died.
    assert "actor_killed" not in df and "target_killed" not in df
    assert df.loc["IRQ38010", "date"] == "2020-03-12"  # "12-March-2020"
    assert df.loc["IRQ38012", "date"] == "2020-03-13"  # ISO
    assert df.loc["IRQ38010", "mode"] == "air_strike"
    assert (df.loc["IRQ38041", "event"], df.loc["IRQ38041", "mode"]) == ("FIGHT", "armed_clash")
    assert df.loc["IRQ38040", "mode"] == "ied"
    assert (df.loc["IRQ38031", "event"], df.loc["IRQ38032", "event"]) == ("PROTEST", "ASSAULT")
    assert df.loc["IRQ38032", "mode"] == "melee"  # mob violence
    assert df.loc["IRQ38043", "mode"] == "kidnapping"
    assert df.loc["IRQ38051", "mode"] == "arrest"
    assert df.loc["IRQ38050", "date_precision"] == "week"
    assert df.loc["IRQ38052", "date_precision"] == "month"
    assert "'Other'" in df.loc["IRQ38052", "_error"] and df.loc["IRQ38052", "event"] is None
    assert df["_error"].notna().sum() == 1
    raw = json.loads(taji["_raw"])
    assert raw["event_id_cnty"] == "IRQ38001" and raw["iso"] == "368"


def test_old_layout(fixtures):
    df = _read(ACLED, fixtures / OLD)
    assert len(df) == 10 and (df["country"] == "SOM").all()
    expected = {
        "SOM21001": ("FIGHT", "armed_clash"), "SOM21002": ("ASSAULT", None),
        "SOM21003": ("ASSAULT", None), "SOM21004": ("PROTEST", None),
        "SOM21006": ("MOBILIZE", None), "SOM21009": ("RETREAT", None),
    }  # fmt: skip
    for source_id, (event, mode) in expected.items():
        assert (df.loc[source_id, "event"], df.loc[source_id, "mode"]) == (event, mode)
    assert df.loc["SOM21001", "date"] == "2016-03-05"  # 05/03/2016, day first
    assert df.loc["SOM21002", "date"] == "2016-03-05"  # 05-March-2016
    assert df.loc["SOM21010", "date"] == "31/02/2016"  # impossible: left for the validator
    assert df.loc["SOM21002", "actor_raw"].startswith("Military Forces of the United States")
    assert df.loc["SOM21002", "killed"] == "150"


def test_api_json_matches_csv(fixtures):
    api, csv_rows = _read(ACLED_JSON, fixtures / API), _read(ACLED, fixtures / CURRENT)
    assert list(api.index) == ["IRQ38001", "IRQ38010", "IRQ38011", "IRQ38012"]
    columns = ["date", "event", "mode", "country", "actor_raw", "target_raw", "killed", "latitude"]
    pd.testing.assert_frame_equal(api[columns], csv_rows.loc[api.index, columns])
    assert list(api["_line"]) == [1, 2, 3, 4]


def test_api_error_response(tmp_path):
    path = tmp_path / "acled.json"
    path.write_text(
        json.dumps({"status": 403, "success": False, "error": "Access denied", "event_id_cnty": 1})
    )
    with pytest.raises(JervisError, match="Access denied"):
        list(ACLED_JSON.read(path))


def test_upper_case_headers(tmp_path, fixtures):
    text = (fixtures / CURRENT).read_text().splitlines()
    path = tmp_path / "upper.csv"
    path.write_text("\n".join([text[0].upper()] + text[1:]) + "\n")
    assert detect_reader(path).name == "acled"
    assert _read(ACLED, path).loc["IRQ38001", "mode"] == "artillery"


def test_parse_dates_formats():
    values = pd.Series(["2020-03-11", "11 March 2020", "11-March-2020", "11 Mar 2020", "x", None])
    assert list(parse_dates(values)) == ["2020-03-11"] * 4 + ["x", None]


@pytest.mark.parametrize(
    ("name", "reader"), [(CURRENT, "acled"), (OLD, "acled"), (API, "acled_json")]
)
def test_sniffing(fixtures, name, reader):
    assert detect_reader(fixtures / name).name == reader


def test_ingest_reconciles(fixtures, db):
    first = jervis.ingest([fixtures / CURRENT, fixtures / OLD], db=db)
    assert first == {"read": 26, "stored": 24, "quarantined": 2, "duplicates": 0, "updated": 0}
    api = jervis.ingest([fixtures / API], db=db)
    assert api["duplicates"] == 4 and api["stored"] == 0  # same events as the CSV
    again = jervis.ingest([fixtures / CURRENT, fixtures / OLD], db=db)
    assert again["stored"] == 0
    assert again["read"] == again["stored"] + again["quarantined"] + again["duplicates"]
    con = duckdb.connect(str(db), read_only=True)
    reasons = [
        r for (r,) in con.execute("SELECT reason FROM quarantine ORDER BY reason").fetchall()
    ]
    assert any("'Other'" in r for r in reasons) and any("bad date" in r for r in reasons)
    row = con.execute(
        "SELECT event, mode, killed, actor_killed, country, source_dataset FROM events "
        "WHERE source_id = 'IRQ38011'"
    ).fetchone()
    assert row == ("ASSAULT", "air_strike", 6, None, "IRQ", "acled")


def test_byte_order_mark_is_ignored(tmp_path, fixtures):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (fixtures / CURRENT).read_bytes())
    assert detect_reader(path).name == "acled"
    assert len(_read(ACLED, path)) == 16
