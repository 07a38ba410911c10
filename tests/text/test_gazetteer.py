"""The gazetteer: bases with aliases and coordinates, countries, demonyms, no common-word places."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from jervis.text.gazetteer import PRECISIONS, Gazetteer, find_places


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def names(text: str) -> list[tuple[str, str, str | None]]:
    return [(text[m.start : m.end], m.name, m.country) for m in find_places(text)]


def test_load_is_cached(gaz):
    assert Gazetteer.load() is gaz
    assert len(gaz) > 30_000


@pytest.mark.parametrize(
    ("text", "surface", "name", "country"),
    [
        ("Rockets hit Camp Taji on Wednesday.", "Camp Taji", "Camp Taji", "IRQ"),
        ("Missiles struck Ain al-Assad early on Wednesday.", "Ain al-Assad",
         "Ain al-Asad Air Base", "IRQ"),
        ("Iran fired missiles at al-Asad air base.", "al-Asad air base",
         "Ain al-Asad Air Base", "IRQ"),
        ("About 30 rockets hit the K1 base near Kirkuk.", "K1 base", "K-1 Air Base", "IRQ"),
        ("Mortars landed on Joint Base Balad.", "Joint Base Balad", "Balad Air Base", "IRQ"),
        ("A convoy was hit near Baghdad International Airport.", "Baghdad International Airport",
         "Baghdad International Airport", "IRQ"),
        ("Rockets struck the Green Zone.", "Green Zone", "Green Zone", "IRQ"),
        ("Protesters stormed the U.S. Embassy in Baghdad.", "U.S. Embassy in Baghdad",
         "US Embassy in Baghdad", "IRQ"),
        ("Strikes hit sites near Albu Kamal.", "Albu Kamal", "Abu Kamal", "SYR"),
        ("Drones attacked the al-Tanf garrison.", "al-Tanf garrison", "Al-Tanf", "SYR"),
        ("Rockets fell on Q-West overnight.", "Q-West", "Qayyarah Airfield West", "IRQ"),
        ("Jets struck Jurf al-Sakhar.", "Jurf al-Sakhar", "Jurf al-Sakhar", "IRQ"),
    ],
)  # fmt: skip
def test_bases_and_aliases(text, surface, name, country):
    match = next(m for m in find_places(text) if m.kind == "base")
    assert (text[match.start : match.end], match.name, match.country) == (surface, name, country)
    assert match.precision in ("site", "city")
    assert match.latitude is not None and match.longitude is not None


def test_base_coordinates_and_precision(gaz):
    taji = gaz.lookup("Camp Taji")
    assert taji.precision == "site" and taji.admin1 == "Baghdad"
    assert taji.latitude == pytest.approx(33.53, abs=0.05)
    assert taji.longitude == pytest.approx(44.26, abs=0.05)
    asad = gaz.lookup("Ain al-Asad")
    assert asad.latitude == pytest.approx(33.79, abs=0.05) and asad.admin1 == "Anbar"


def test_bases_file_is_sourced_and_consistent(gaz):
    text = resources.files("jervis.data").joinpath("places", "bases.csv").read_text()
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) >= 50
    admin1 = resources.files("jervis.data").joinpath("places", "admin1.csv").read_text()
    governorates = {(r["country"], r["name"]) for r in csv.DictReader(admin1.splitlines())}
    for row in rows:
        assert row["source"].strip(), row["name"]
        assert row["precision"] in PRECISIONS
        lat, lon = float(row["latitude"]), float(row["longitude"])
        if row["country"] in ("IRQ", "SYR"):
            assert 29 < lat < 38 and 35 < lon < 49, row["name"]
            assert (row["country"], row["admin1"]) in governorates, row["name"]
        for alias in [row["name"], *filter(None, row["aliases"].split("|"))]:
            hit = gaz.lookup(alias)
            assert hit is not None and hit.country == row["country"], alias


def test_longest_match_wins():
    assert names("Mortars hit Baghdad International Airport.") == [
        ("Baghdad International Airport", "Baghdad International Airport", "IRQ")
    ]
    assert names("Rockets hit Balad Air Base north of Baghdad.")[0][1] == "Balad Air Base"


@pytest.mark.parametrize(
    "text",
    [
        "Police said Reading the report took an hour.",
        "The Mobile unit moved in March and May.",
        "Of the dead, most were Nice people who Split up.",
        "Obama said Clinton met Lloyd Austin.",
        "Charlotte Police Chief Kerr Putney spoke.",
        "The Samarra shrine was damaged.",
        "Hit by rockets, the Union said Independence mattered.",
        "The White House said DACA talks resume on October 6.",  # Casablanca, Dhaka, a town
        "Supporters of Morsi and of Obama marched.",  # "of" is no cue for a person's name
        "Protests spread across Latin America.",
    ],
)
def test_no_places_from_common_words_or_names(text):
    assert names(text) == []


def test_small_towns_need_a_locative_cue():
    assert names("A roadside bomb near the town of Samarra killed a soldier.") == [
        ("Samarra", "Samarra", "IRQ")
    ]
    assert [n for _, n, _ in names("Protests in Charlotte after the shooting.")] == ["Charlotte"]
    assert names("Fighting near Bodrum, Turkey.")[0][:2] == ("Bodrum", "Bodrum")
    # ... or a country the text names: "The Samarra shrine in Iraq"
    assert names("The Samarra shrine in Iraq was hit.")[0] == ("Samarra", "Samarra", "IRQ")
    text = "Dozens died in rebel-held northern Idlib, in the town of Khan Sheikhoun."
    assert [n for _, n, _ in names(text)] == ["Idlib", "Khan Shaykhun"]


def test_countries_demonyms_and_admin1():
    iraqi, syrian, iraq = find_places("Iraqi police and Syrian troops met in Iraq.")
    assert (iraqi.name, iraqi.country, iraqi.kind, iraqi.precision) == (
        "Iraq", "IRQ", "demonym", "country",
    )  # fmt: skip
    assert (syrian.country, syrian.kind) == ("SYR", "demonym")
    assert (iraq.country, iraq.kind, iraq.locative) == ("IRQ", "country", True)
    idlib = find_places("Turkish troops moved into Idlib province.")[-1]
    assert (idlib.name, idlib.precision, idlib.country) == ("Idlib", "admin1", "SYR")
    herat = find_places("a village in the western province of Herat")[0]
    assert herat.name == "Herat" and herat.country == "AFG" and herat.locative


def test_main_names_states_and_demonyms_beat_alternate_names():
    found = find_places("Islamabad, Colorado and Florida; Thai troops.")
    assert [(m.name, m.country, m.kind) for m in found] == [
        ("Islamabad", "PAK", "city"),
        ("Colorado", "USA", "admin1"),
        ("Florida", "USA", "admin1"),
        ("Thailand", "THA", "demonym"),
    ]
    assert names("Clashes in Raqqah and Diyala.") == [
        ("Raqqah", "Ar Raqqah", "SYR"),  # the city; the governorate is "Raqqa province"
        ("Diyala", "Diyala", "IRQ"),
    ]


def test_context_country_disambiguates():
    assert names("Clashes erupted in Tripoli on Monday.")[0][2] == "LBY"
    assert names("Clashes erupted in Tripoli, Lebanon on Monday.")[0][2] == "LBN"


def test_city_admin1_for_iraq_and_us():
    assert find_places("Rockets fell in Kirkuk.")[0].admin1 == "Kirkuk"
    assert find_places("A blast in Houston.")[0].admin1 == "Texas"


def test_a_long_article_gives_the_same_places_every_time(gaz):
    text = (
        "Rockets hit Camp Taji north of Baghdad on Wednesday, killing two US soldiers and a "
        "British soldier. Iraqi officials said the launchers were found in a truck near Taji. "
        "Police said Reading the report was hard. The Pentagon said it struck five sites. "
    ) * 25  # ~ 900 words
    first = gaz.find_places(text)
    assert first and all(gaz.find_places(text) == first for _ in range(3))  # speed: bench_extract


def test_cache_round_trip(gaz, tmp_path, monkeypatch):
    import json

    from jervis.text import gazetteer

    copy = Gazetteer._from_state(json.loads(json.dumps(gaz._state())))
    text = "Iraqi police said rockets hit Camp Taji and the town of Samarra, not Reading."
    assert copy.find_places(text) == gaz.find_places(text) and len(copy) == len(gaz)
    monkeypatch.setenv("JERVIS_CACHE_DIR", str(tmp_path))
    assert gazetteer._cache_path().parent == tmp_path
    monkeypatch.setenv("JERVIS_CACHE_DIR", "")
    assert gazetteer._cache_path() is None


def test_towns_in_real_headlines_lie_near_the_coded_event(gaz):
    """UCDP GED Iraq: headlines of events coded to a town; the towns found should be near it."""
    import math
    from pathlib import Path

    path = Path(__file__).parents[1] / "fixtures" / "ucdp-ged" / "conflict_data_irq.csv"
    rows = [r for r in csv.DictReader(path.open(encoding="utf-8")) if r["id"]]
    near = total = 0
    for r in rows:
        if r["where_prec"] not in ("1", "2") or not r["source_headline"]:
            continue
        lat, lon = math.radians(float(r["latitude"])), math.radians(float(r["longitude"]))
        for m in gaz.find_places(r["source_headline"]):
            if m.latitude is None:
                continue
            mlat, mlon = math.radians(m.latitude), math.radians(m.longitude)
            a = math.sin((mlat - lat) / 2) ** 2
            a += math.cos(lat) * math.cos(mlat) * math.sin((mlon - lon) / 2) ** 2
            total += 1
            near += 12742 * math.asin(math.sqrt(a)) < 50
    assert total > 1500
    assert near / total > 0.8  # the rest are mostly real places that are not the event's
