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
    e = _one('The US military said it had carried out "defensive precision strikes" against '
             "Kataib Hezbollah facilities in Iraq and Syria on Sunday.")  # fmt: skip
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
