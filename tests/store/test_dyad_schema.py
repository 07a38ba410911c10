"""Issue 9: dyad files are checked against a schema (items 11, 14, 15, 24)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import jervis
from jervis.errors import JervisError, JervisWarning
from jervis.store.dyad import load_dyad, parse_dyad
from jervis.store.query import dyad_events

SIDES = {"A": {"actors": ["US forces"]}, "B": {"actors": ["Kataib Hezbollah"]}}
EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"sides": SIDES, "filter": {"country": "IRQ"}}, r"unknown key 'filter' \(did you mean 'filters'\?\)"),
        ({"sides": SIDES, "filters": {"countries": ["IRQ"]}}, r"unknown key 'filters\.countries' \(did you mean 'country'\?\)"),
        ({"sides": {"A": {"actor": ["x"]}, "B": {"actors": "y"}}}, r"unknown key 'sides\.A\.actor' \(did you mean 'actors'\?\)"),
        ({"sides": "A and B"}, r"sides: Input should be a valid dictionary"),
        ({"sides": SIDES, "filters": ["IRQ"]}, r"filters: Input should be a valid dictionary"),
        ({"sides": {"A": {"column": "actor_side"}, "B": {"actors": "y"}}}, r"sides\.A\.column"),
        ({"sides": {"A": {"actors": [1, 2]}, "B": {"actors": "y"}}}, r"sides\.A\.actors"),
        ({"sides": SIDES, "filters": {"bbox": [1, 2, 3]}}, r"bbox must be \[min_lon"),
        ({"sides": SIDES, "filters": {"bbox": ["a", 2, 3, 4]}}, r"filters\.bbox"),
        ({"sides": SIDES, "filters": {"bbox": [49.0, 29.0, 38.0, 38.0]}}, "swapped corners .min_lon 49.0 > max_lon 38.0"),
        ({"sides": SIDES, "filters": {"start": 2020}}, r"filters\.start"),
        ({"sides": SIDES, "filters": {"country": "Atlantis"}}, "not a country name or ISO code"),
        ({"sides": {"A": {"actors": "x"}, "C": {"actors": "y"}}}, "exactly two sides"),
    ],
)
def test_item15_dyad_schema_errors(data, message):
    with pytest.raises(JervisError, match=message):
        parse_dyad(data, "d.toml")


def test_item15_country_names_are_accepted_in_filters():
    dyad = parse_dyad({"sides": SIDES, "filters": {"country": ["Iraq", "SYR"]}})
    assert dyad.filters.country == ["IRQ", "SYR"]


def test_item15_overlapping_sides_warn():
    with pytest.warns(JervisWarning, match="sides A and B overlap .actor 'US forces'"):
        parse_dyad({"sides": {"A": {"actors": ["US forces"]}, "B": {"actors": ["US forces", "x"]}}})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parse_dyad({"sides": SIDES})  # no overlap, no warning


def test_item11_dyad_regex_is_checked_by_duckdb_re2():
    with pytest.raises(JervisError, match="not a valid RE2 regular expression"):
        parse_dyad({"sides": {"A": {"actor_regex": "(?=US)U"}, "B": {"actors": "y"}}}, "d.toml")


def test_item14_non_utf8_and_folder_dyad_files(tmp_path):
    bad = tmp_path / "d.toml"
    bad.write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(JervisError, match="not UTF-8 text"):
        load_dyad(bad)
    with pytest.raises(JervisError, match="is a folder"):
        load_dyad(tmp_path)


def test_item24_side_matching_nothing_names_the_nearest_actors(tmp_path, db):
    path = tmp_path / "ab.csv"
    path.write_text(
        "date,event,actor,target\n"
        "2021-01-01,ASSAULT,Kataib Hezbollah,US forces\n"
        "2021-01-02,ASSAULT,US forces,Kataib Hezbollah\n"
    )
    jervis.ingest([path], db=db)
    dyad = parse_dyad({"sides": {"A": {"actors": "US forces"}, "B": {"actors": "Kataib Hezbolah"}}}, "d.toml")
    with pytest.raises(JervisError, match=r"side B \(B\) matches no events .*nearest actor names: 'Kataib Hezbollah'"):
        dyad_events(dyad, db)
