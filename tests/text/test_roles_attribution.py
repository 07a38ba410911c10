"""Verbs of telling, judging and attributing (invented sentences): whoever condemns, investigates
or attributes an attack is a source, and the party an attack is attributed to carried it out."""

from __future__ import annotations

import pytest

from jervis.text.extract import extract_text
from jervis.text.pipeline import parse
from jervis.text.roles import roles_for


def _roles(sentence: str, word: str):
    (doc,) = parse([sentence])
    at = sentence.index(word)
    actor, target = roles_for(doc, at, at + len(word))
    return (actor.text if actor else None), (target.text if target else None)


@pytest.mark.parametrize(
    ("sentence", "word", "actor"),
    [
        ("Police blamed the bombing on the rebels.", "bombing", "rebels"),
        ("The ambush was attributed to the rebels.", "ambush", "rebels"),
        ("Officials accused the rebels of the attack.", "attack", "rebels"),
        ("The rebels were accused of the massacre.", "massacre", "rebels"),
        ("The mayor held the militia responsible for the bombing.", "bombing", "militia"),
        ("In a new attack attributed to the cartel, a bomb exploded.", "attack", "cartel"),
        # doers stay doers: carrying out or claiming an attack
        ("The rebels carried out the attack.", "attack", "rebels"),
        ("The militia claimed the attack.", "attack", "militia"),
    ],
)
def test_an_attack_attributed_to_a_party_was_carried_out_by_it(sentence, word, actor):
    assert _roles(sentence, word)[0] == actor


@pytest.mark.parametrize(
    "sentence",
    [
        "The army condemned the bombing of the market.",
        "Police investigated the bombing of the market.",
        "The minister described the bombing as cowardly.",
    ],
)
def test_who_condemns_investigates_or_describes_an_attack_did_not_carry_it_out(sentence):
    assert _roles(sentence, "bombing")[0] is None


def test_the_party_blamed_is_not_also_the_target():
    assert _roles("Police blamed the attack on the rebels.", "attack") == ("rebels", None)


def test_an_event_takes_the_party_a_later_sentence_lays_it_on():
    text = ("A bomb exploded outside a bank in the capital on Monday, killing two guards. "
            "Police blamed the bombing on the rebels.")
    (event,) = extract_text(text, published="2024-03-06")
    assert event.actor_raw == "rebels" and event.killed == 2
