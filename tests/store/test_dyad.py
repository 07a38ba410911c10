"""Dyad files: parsing, clear errors, and side assignment through Ibis on real data."""

from __future__ import annotations

from pathlib import Path

import pytest

import jervis
from jervis.errors import JervisError
from jervis.store.dyad import load_dyad, parse_dyad
from jervis.store.query import dyad_check, dyad_events

EXAMPLES = Path(__file__).parents[2] / "examples"
DEMO_DYAD = Path(__file__).parents[2] / "src/jervis/data/dyads/iraq-2006-2008.toml"


def test_example_dyads_parse():
    for path in EXAMPLES.glob("*.toml"):
        if "mapping" in path.name:
            continue
        dyad = load_dyad(path)
        assert set(dyad.sides) == {"A", "B"}


@pytest.mark.parametrize(
    "data, message",
    [
        ({"sides": {"A": {"actors": ["x"]}}}, "exactly two sides"),
        ({"sides": {"A": {"actors": ["x"]}, "B": {}}}, "assigns nothing"),
        ({"sides": {"A": {"actors": ["x"]}, "B": {"actor_regex": ["("]}}}, "actor_regex"),
        ({"sides": {"A": {"actors": ["x"]}, "B": {"column": {"colour": "B"}}}}, "not a canonical column"),
        ({"sides": {"A": {"actors": "x"}, "B": {"actors": "y"}}, "filters": {"events": ["BOMB"]}}, "unknown PLOVER"),
        ({"sides": {"A": {"actors": "x"}, "B": {"actors": "y"}}, "filters": {"start": "March"}}, "not a YYYY-MM-DD"),
    ],
)
def test_bad_dyads_are_clear_errors(data, message):
    with pytest.raises(JervisError, match=message):
        parse_dyad(data, "d.toml")


def test_demo_dyad_on_embedded_data(db):
    from jervis.demo import embedded_data_dir

    jervis.ingest([embedded_data_dir()], db=db)
    report = dyad_check(DEMO_DYAD, db)
    assert report["sides"]["A"]["as_actor"] == 6039
    assert report["sides"]["B"]["as_actor"] == 106274
    assert report["unassigned"] == 0
    frame = dyad_events(DEMO_DYAD, db)
    assert len(frame) == 112313
    assert set(frame["side"]) == {"A", "B"}
    assert str(frame["date"].dtype).startswith("datetime64")


def test_sides_by_column_and_unassigned_actors(tmp_path, db):
    path = tmp_path / "ab.csv"
    path.write_text(
        "date,event,actor,actor_side,target,target_side\n"
        "2021-01-01,ASSAULT,Red,A,Blue,B\n"
        "2021-01-02,ASSAULT,Blue,B,Red,A\n"
        "2021-01-03,ASSAULT,Blue,B,Red,A\n"
        "2021-01-03,PROTEST,Green,,,\n"
    )
    jervis.ingest([path], db=db)
    report = dyad_check(EXAMPLES / "ab-dyad.toml", db)
    assert report["sides"]["A"] == {"label": "A", "as_actor": 1, "as_target": 2}
    assert report["sides"]["B"]["as_actor"] == 2
    assert report["frequent_unassigned_actors"] == [{"actor": "Green", "events": 1}]


def test_regex_and_cameo_prefix(tmp_path, db):
    path = tmp_path / "g.jsonl"
    path.write_text(
        '{"date": "2020-01-03", "event": "ASSAULT", "actor_raw": "USAMIL|UNITED STATES", "target_raw": "IRNMIL|IRAN"}\n'
        '{"date": "2020-01-08", "event": "ASSAULT", "actor_raw": "IRNMIL|IRAN", "target_raw": "USAMIL|UNITED STATES"}\n'
        '{"date": "2020-01-09", "event": "ASSAULT", "actor_raw": "Kata\'ib Hizballah militia", "target_raw": "US"}\n'
    )
    assert jervis.ingest([path], db=db)["stored"] == 3
    dyad = parse_dyad(
        {"sides": {"A": {"cameo_prefix": "USA"}, "B": {"cameo_prefix": "IRN", "actor_regex": "(?i)hizballah"}}}
    )
    frame = dyad_events(dyad, db)
    assert list(frame["side"]) == ["A", "B", "B"]
    assert list(frame["target_side"].fillna("-")) == ["B", "A", "-"]
    assert frame["actor"].iloc[0] == "US forces"  # 'CODE|Name' normalised through the dictionary
