"""Mapping reader: renames, value maps, extraction, constants, conditional columns, options."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

import jervis
from jervis.errors import JervisError
from jervis.sources import detect_reader
from jervis.sources.mapping import MAPPING, load_mapping

ROOT = Path(__file__).resolve().parents[2]
IRAQ_MAPPING = ROOT / "examples" / "iraq-2019-2021.mapping.toml"
IRAQ = "iraq-2019-2021/events.csv"


def _read(path, mapping) -> pd.DataFrame:
    return pd.concat(MAPPING.read(path, mapping=mapping), ignore_index=True)


def test_iraq_example_reads_all_rows(fixtures):
    df = _read(fixtures / IRAQ, IRAQ_MAPPING).set_index("source_id", drop=False)
    assert len(df) == 20 and df["_error"].isna().all()
    taji = df.loc["IQ-CUR-010"]
    assert (taji["date"], taji["event"], taji["mode"]) == ("2020-03-11", "ASSAULT", "rocket")
    assert (taji["actor_side"], taji["target_side"]) == ("militia", "us_coalition")
    assert (taji["target_killed"], taji["wounded"]) == ("3", "14")  # "3 (2 US, 1 UK)"
    assert taji["source_url"].startswith("https://www.rollingstone.com/")
    assert taji["country"] == "IRQ" and taji["source_dataset"] == "iraq_2019_2021"
    strike = df.loc["IQ-CUR-011"]
    assert (strike["event"], strike["mode"], strike["actor_killed"]) == (
        "ASSAULT",
        "air_strike",
        "0",
    )
    assert strike["target_killed"] is None  # US casualties are not the target's
    assert df.loc["IQ-CUR-006", "mode"] == "drone_strike"  # [[when]] constant
    assert df.loc["IQ-CUR-008", "mode"] == "missile" and df.loc["IQ-CUR-008", "wounded"] == "11"
    assert df.loc["IQ-CUR-003", "wounded"] is None  # "several ..." is unknown, not 0
    assert df.loc["IQ-CUR-005", "event"] == "PROTEST"
    assert df.loc["IQ-CUR-004", "country"] == "IRQ" and df.loc["IQ-CUR-018", "country"] == "SYR"


def test_iraq_example_ingests(fixtures, db):
    counts = jervis.ingest([fixtures / IRAQ], db=db, mapping=IRAQ_MAPPING)
    assert counts == {"read": 20, "stored": 20, "quarantined": 0, "duplicates": 0, "updated": 0}
    again = jervis.ingest([fixtures / IRAQ], db=db, mapping=IRAQ_MAPPING)
    assert again["stored"] == 0 and again["duplicates"] == 20
    con = duckdb.connect(str(db), read_only=True)
    total = con.execute(
        "SELECT sum(target_killed) FROM events WHERE actor_side = 'militia'"
    ).fetchone()
    assert total == (6,)  # K1 1 + Taji 3 + Erbil 1 + Ain al-Asad 1


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_renames_values_constants_and_date_format(tmp_path):
    data = _write(
        tmp_path, "attacks.csv",
        "Titel der Datei\nTag;Wer;Art;Tote;Ort\n11.03.2020;Miliz;Rakete;3 Soldaten;Täji\n"
        "14.03.2020;Miliz;Mörser;unbekannt;Bagdad\n99.99.2020;Miliz;Rakete;;Bagdad\n",
        encoding="cp1252",
    )  # fmt: skip
    mapping = _write(
        tmp_path, "m.toml",
        """
[source]
dataset = "my_attacks"
licence = "CC BY 4.0"
[read]
delimiter = ";"
encoding = "cp1252"
skip_rows = 1
date_format = "%d.%m.%Y"
[columns]
date = "Tag"
actor_raw = "Wer"
event = "Art"
mode = "Art"
killed = "Tote"
location = "Ort"
[extract]
killed = '(\\d+)'
[values.event]
"*" = "ASSAULT"
[values.mode]
Rakete = "rocket"
"Mörser" = "mortar"
[constants]
country = "Iraq"
""",
    )  # fmt: skip
    df = _read(data, mapping)
    assert list(df["date"]) == ["2020-03-11", "2020-03-14", "99.99.2020"]
    assert list(df["event"]) == ["ASSAULT"] * 3 and list(df["mode"]) == [
        "rocket",
        "mortar",
        "rocket",
    ]
    assert list(df["killed"]) == ["3", None, None]
    assert list(df["country"]) == ["IRQ"] * 3 and (df["source_dataset"] == "my_attacks").all()
    assert df["location"].iloc[0] == "Täji"  # decoded from cp1252
    assert list(df["_line"]) == [3, 4, 5]
    assert load_mapping(mapping).info.licence == "CC BY 4.0"
    assert MAPPING.info_for(mapping).dataset == "my_attacks"


def test_auto_dates_and_tab_delimiter(tmp_path):
    data = _write(tmp_path, "a.tsv", "when\twhat\n2020-03-11\tASSAULT\n12 March 2020\tFIGHT\n")
    mapping = _write(
        tmp_path, "m.toml", '[read]\ndelimiter = "\\t"\n[columns]\ndate = "when"\nevent = "what"\n'
    )
    df = _read(data, mapping)
    assert list(df["date"]) == ["2020-03-11", "2020-03-12"]
    assert (df["source_dataset"] == "m").all()  # default dataset: the mapping file's name


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[columns]\ndate = "d"\nkilled_total = "k"\n', "unknown canonical columns"),
        ('[colums]\ndate = "d"\n', "unknown key 'colums' .did you mean 'columns'"),
        ('[columns]\nevent = "e"\n', "no source column for 'date'"),
        ('[columns]\ndate = "d"\n[extract]\ndate = "("\n', "bad regular expression"),
        ('[columns]\ndate = "d"\n[read]\nencoding = "klingon"\n', "unknown encoding"),
        ("[columns\n", "not valid TOML"),
    ],
)
def test_bad_mapping_files(tmp_path, toml, message):
    with pytest.raises(JervisError, match=message):
        load_mapping(_write(tmp_path, "bad.toml", toml))


def test_missing_source_column(tmp_path):
    data = _write(tmp_path, "a.csv", "day,what\n2020-03-11,ASSAULT\n")
    mapping = _write(tmp_path, "m.toml", '[columns]\ndate = "date"\nevent = "what"\n')
    with pytest.raises(JervisError, match=r"\['date'\].*not in the file"):
        _read(data, mapping)


def test_mapping_option_selects_reader(fixtures):
    assert detect_reader(fixtures / IRAQ, mapping=IRAQ_MAPPING).name == "mapping"
