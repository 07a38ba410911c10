"""Actors and targets: voice, appositions, coordination, unknown perpetrators."""

from __future__ import annotations

from jervis.text import extract_text

PUB = "2020-03-14"


def _one(text: str):
    events = extract_text(text, published=PUB)
    assert len(events) == 1, events
    return events[0]


def test_passive_voice_with_by():
    e = _one("Three US soldiers were killed by Kataib Hezbollah fighters near Taji on Friday.")
    assert e.actor == "Kataib Hezbollah" and e.actor_side == "militia"
    assert e.target == "US forces" and e.killed == 3


def test_active_voice():
    e = _one("Kataib Hezbollah fired rockets at US troops in Taji on Wednesday.")
    assert e.actor == "Kataib Hezbollah" and e.target == "US forces" and e.mode == "rocket"


def test_coordinated_targets():
    e = _one("A rocket attack on Wednesday wounded US and British soldiers at Camp Taji.")
    assert e.target == "US forces; UK forces" and e.target_side == "us_coalition"
    assert e.target_raw == "US and British soldiers"


def test_unknown_perpetrators_stay_unknown():
    e = _one("Unidentified gunmen killed two policemen in Baghdad on Tuesday.")
    assert e.actor is None and e.actor_raw == "Unidentified gunmen"
    assert e.killed == 2


def test_air_strikes_on_a_group_by_the_subject():
    e = _one("The US carried out air strikes on Kataib Hezbollah sites in Iraq on Thursday.")
    assert (e.actor, e.target, e.mode) == ("US forces", "Kataib Hezbollah", "air_strike")
    assert e.country == "IRQ"


def test_apposition_names_the_target():
    e = _one("Rockets struck Camp Taji, a base north of Baghdad, on Wednesday, killing two "
             "American soldiers.")  # fmt: skip
    assert e.killed == 2 and e.target_side == "us_coalition"


def test_clashes_between_two_sides_are_a_fight():
    e = _one("Clashes between Iraqi forces and Islamic State militants erupted in Mosul on Monday.")
    assert e.event == "FIGHT"
    assert e.actor == "Iraqi security forces" and e.target == "Islamic State"


def test_an_instrument_is_not_an_actor_but_a_base_is_the_place():
    e = _one("An explosive-laden drone hit the Ain al-Asad air base in western Iraq on Tuesday, "
             "wounding two US service members, a US official said.")  # fmt: skip
    assert e.actor is None and e.target == "US forces" and e.wounded == 2
    assert e.location == "Ain al-Asad Air Base" and e.country == "IRQ"


def test_pronoun_subject_resolves_to_the_source():
    events = extract_text('The US military said it had carried out "defensive precision strikes" '
                          "against Kataib Hezbollah facilities in Iraq and Syria on Sunday.",
                          published=PUB)  # fmt: skip
    assert [e.country for e in events] == ["IRQ", "SYR"]  # one event per country (coref)
    for e in events:
        assert e.actor == "US forces" and e.target == "Kataib Hezbollah"


def test_demonym_modifier_names_the_forces():
    e = _one("Russian shelling killed at least five civilians in the eastern Ukrainian city of "
             "Kramatorsk on Tuesday, the regional governor said.")  # fmt: skip
    assert e.actor == "Government of Russia (Soviet Union)" and e.actor_side == "russia"
    assert (e.killed, e.civilians_killed, e.location) == (5, 5, "Kramatorsk")


def test_repelled_attacks_make_the_subject_the_target():
    e = _one("Ukrainian forces repelled 12 attacks near Bakhmut, the General Staff said.")
    assert e.actor is None and e.target == "Government of Ukraine"


def test_an_age_is_not_a_count_and_the_source_place_is_not_the_place():
    e = _one("Separatist fighters in Donetsk said Ukrainian troops fired mortars at the village "
             "of Zaitseve overnight, wounding a 60-year-old woman.")  # fmt: skip
    assert e.wounded == 1 and e.actor == "Government of Ukraine" and e.location != "Donetsk"


def test_scoped_alias_applies_only_in_its_country_and_period():
    from jervis.store.actors import ActorDictionary

    d = ActorDictionary.load()
    assert d.lookup("foreign troops", country="IRQ", year=2020) == "US-led coalition"
    assert d.lookup("foreign troops", country="IRQ", year=2008) is None
    assert d.lookup("foreign troops", country="MLI", year=2020) is None
    assert d.lookup("foreign troops") is None
    assert d.lookup("the coalition", country="YEM", year=2018) is None  # Saudi-led there


def test_grown_dictionary_names_state_forces_and_major_groups():
    from jervis.store.actors import ActorDictionary

    d = ActorDictionary.load()
    assert d.lookup("IDF") == d.lookup("Israeli army") == "Government of Israel"
    assert d.lookup("Hezbollah") == "Hezbollah" != d.lookup("Kataib Hezbollah")
    assert d.lookup("Hamas") == "Hamas" and d.lookup("Malian army") == "Government of Mali"
    assert d.suggest("Hezbolah") == ["Hezbollah"]


def test_iran_backed_militia_is_not_iran_and_israel_is_an_actor():
    (e,) = extract_text("Israeli warplanes struck Hezbollah positions in southern Lebanon on "
                        "Tuesday, killing three fighters, Lebanese security sources said.",
                        published="2023-12-06")  # fmt: skip
    assert e.actor == "Government of Israel" and e.target == "Hezbollah" and e.killed == 3
    assert e.country == "LBN"
    (e,) = extract_text("Iran-backed militants fired rockets at a US base in Syria on Monday.",
                        published="2023-12-06")  # fmt: skip
    assert e.actor != "Iran" and e.country == "SYR"


def test_the_source_owns_the_weapon_and_is_not_the_place():
    (e,) = extract_text("Israel's military said its jets struck Hezbollah targets overnight.",
                        published="2023-12-06")  # fmt: skip
    assert e.actor == "Government of Israel" and e.target == "Hezbollah"
    assert e.country is None  # "Israel's military said": where the news came from


def test_actor_lookup_cli_suggests_and_explains_scope():
    from typer.testing import CliRunner

    from jervis.cli import app

    out = CliRunner().invoke(app, ["actors", "--lookup", "Hezbolah"]).output
    assert "did you mean Hezbollah" in out
    out = CliRunner().invoke(app, ["actors", "--lookup", "foreign troops"]).output
    assert "US-led coalition in IRQ/SYR 2014-2021" in out
