"""Which phrases name a party (jervis.text.actors.name_parties and normalise_party).

Every sentence here is invented for the test; none comes from a corpus or a news set.
"""

from __future__ import annotations

import pytest

from jervis.text import extract_text
from jervis.text.actors import Party, names_no_one, normalise_party, unnamed_attacker
from jervis.text.coref import Draft, _absorb


@pytest.mark.parametrize("raw", ["Oct", "Oct.", "10:15", "the toll from the blast", "scores",
                                 "the operation", "Christmas", "dozens"])  # fmt: skip
def test_dates_tolls_and_events_name_no_one(raw):
    assert names_no_one(raw)


@pytest.mark.parametrize("raw", ["Hamas", "the army", "villagers", "Rapid Support Forces",
                                 "a convoy of aid workers", "the border police"])  # fmt: skip
def test_parties_are_parties(raw):
    assert not names_no_one(raw)


def _party(raw: str) -> Party:
    return normalise_party(raw, 0, len(raw))


@pytest.mark.parametrize("raw", ["heavily armed militants", "gunmen", "the bomber", "masked men",
                                 "two suspected attackers"])  # fmt: skip
def test_described_attackers_are_unknown(raw):
    assert unnamed_attacker(_party(raw))


@pytest.mark.parametrize("raw", ["rebel fighters", "Hamas gunmen", "pro-government militias",
                                 "Islamic State militants", "Malian soldiers"])  # fmt: skip
def test_named_or_camp_attackers_are_kept(raw):
    assert not unnamed_attacker(_party(raw))


def test_a_sponsor_is_not_the_party():
    """'<X>-backed <noun>' names the noun, never X."""
    assert _party("Iran-backed Houthis").name == "Houthis"
    assert _party("Iran-backed Hezbollah fighters").name == "Hezbollah"
    for raw in ("Russian-backed separatists", "Turkish-backed rebels", "Hamas-run health ministry"):
        party = _party(raw)
        assert party.side is None and party.name == raw  # unknown, kept as written


def test_members_of_a_group_are_the_group():
    assert _party("Fighters of the Rapid Support Forces").name == "Rapid Support Forces"
    assert _party("members of the Islamic State").name == "Islamic State"
    assert _party("fighters of Sudan's paramilitary Rapid Support Forces").name == (
        "Rapid Support Forces")


def _only(text: str):
    events = [e for e in extract_text(text, published="2024-03-10") if e.event == "ASSAULT"]
    assert len(events) == 1, events
    return events[0]


def test_the_source_of_a_statement_is_not_the_actor():
    event = _only("The provincial governor condemned the bombing of a bus near the town on "
                  "Sunday, which killed 11 people.")  # fmt: skip
    assert event.actor is None and event.killed == 11
    event = _only("The Red Crescent put the toll from Monday's bombing at 14 dead.")
    assert event.actor is None


def test_a_speaker_who_says_it_struck_is_the_actor():
    event = _only("The army said it struck rebel positions near the town of Kalu on Monday, "
                  "killing 12 fighters.")  # fmt: skip
    assert event.actor_raw == "army"


def test_origin_and_likeness_are_not_actors():
    assert _only("Rockets fired from Syria hit an army post in the north on Monday, wounding "
                 "two soldiers.").actor is None  # fmt: skip
    event = _only("Gunmen dressed as police attacked a clinic in the capital on Friday, killing "
                  "nine people.")  # fmt: skip
    assert event.actor is None and event.actor_raw == "Gunmen"  # the disguised, not the disguise


def test_described_attacker_gives_no_actor_but_keeps_its_words():
    event = _only("Heavily armed gunmen stormed a police station in the northern province on "
                  "Friday, killing four officers.")  # fmt: skip
    assert event.actor is None and event.actor_raw == "Heavily armed gunmen"
    event = _only("Hamas gunmen attacked an army post near the fence on Monday, killing two "
                  "soldiers.")  # fmt: skip
    assert event.actor == "Hamas"


def test_a_date_word_is_not_an_actor():
    assert _only("On Oct. 3, a missile hit a school in the town, killing seven children.").actor is None


def test_an_unknown_perpetrator_is_named_later_only_by_a_known_party():
    def draft(**values):
        return Draft(values=values, spans={}, sentences=[0], evidence=[])

    event = draft(actor=None, actor_raw="gunmen", actor_side=None)
    _absorb(event, draft(actor="doctors", actor_raw="doctors", actor_side=None))
    assert event.values["actor"] is None and event.values["actor_raw"] == "gunmen"
    _absorb(event, draft(actor="Hezbollah", actor_raw="Hezbollah fighters", actor_side="hezbollah"))
    assert (event.values["actor"], event.values["actor_raw"], event.values["actor_side"]) == (
        "Hezbollah", "Hezbollah fighters", "hezbollah")


def test_a_town_or_a_building_does_not_attack_but_a_capital_names_its_state():
    assert _only("Aleppo was shelled on Monday, killing five civilians.").actor is None
    event = _only("Moscow launched a barrage of missiles at power plants in western Ukraine on "
                  "Monday, killing four people.")  # fmt: skip
    assert event.actor_raw == "Moscow" and event.actor_side == "russia"


def test_a_possessive_cut_before_its_noun_is_read_to_the_name():
    event = _only("Fighters of Sudan's paramilitary Rapid Support Forces attacked a village in "
                  "the east on Wednesday, killing 30 people.")  # fmt: skip
    assert event.actor == "Rapid Support Forces"
