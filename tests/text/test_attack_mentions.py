"""Attack mentions the ACE/M2E2 guideline counts, each beside a control that must stay out.

ACE Conflict:Attack: any violent physical act causing harm or damage, including attacks named
by a noun ("the attack", "the fighting") when a specific real event is meant. Purely future,
hypothetical, generic or denied ones are not events.
"""

from __future__ import annotations

import pytest

from jervis.text import extract_text
from jervis.text.pipeline import normalise

PUB = "2016-05-30"
VIOLENT = {"ASSAULT", "FIGHT"}


def _violent(sentence: str) -> list:
    return [e for e in extract_text(sentence, published=PUB) if e.event in VIOLENT]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a dated possessive names one specific attack; a labour strike stays out
        ("News media look at documents left in the home following Wednesday's attacks.", 1),
        ("Monday's strike in Paris disrupted trains.", 0),
        # a participle after an armed group says what it is doing, whatever the infinitive
        ("The group said it was mobilizing to support rebel factions battling for Azaz.", 1),
        ("The army plans to start shelling the town.", 0),
        # armed men as victims of a passive casualty verb; accidents are not attacks
        ("Three soldiers were killed on Monday.", 1),
        ("Two soldiers were killed in a helicopter crash on Monday.", 0),
        ("About 20 officers were hurt.", 1),
        ("Soldiers were hurt by the decision to cut their pay.", 0),
        # "failed to stop the attack": the attack happened
        ("Police were blamed for failing to stop the attack on Farkhunda.", 1),
        ("Police failed to stop the march.", 0),
        # a negated verb presupposes the definite event noun after it; "no attack" denies it
        ("The ministry did not say who carried out the attack on the convoy.", 1),
        ("There was no attack on the base.", 0),
        ("Police did not find the bomb.", 0),
        ("The war won't be resolved by the clash of arms.", 0),
        # returned fire, combat against armed men, attacks on people, physical altercations
        ("The coalition troops returned fire near Mosul.", 1),
        ("The YPG has been combating our forces in northern Aleppo.", 1),
        ("Police are combating drug trafficking in the city.", 0),
        ("The last two years saw unprecedented attacks on LGBT citizens in Indonesia.", 1),
        ("The senator renewed his attacks on the budget bill.", 0),
        ("Physical altercations involving rival protesters broke out at the rally.", 1),
        ("The battles have drawn in Turkish warplanes and Kurdish militiamen.", 1),
        ("Civilians are held as human shields in the battle zones.", 0),
        ("The gunmen tried to shoot their way out of a police cordon.", 1),
        ("Footage showed the men beheading a prisoner in the desert.", 1),
        # a concrete war action against armed men; the fight against them as a cause is not
        ("Iraqi forces are fighting IS militants in Mosul.", 1),
        ("Iraq forces battle militants in the north.", 1),
        ("The fight against IS militants continues.", 0),
        ("The coalition helps Iraq to fight IS militants.", 0),
        ("Iraq has been fighting IS militants since 2014.", 0),
        ("Clashes have killed 300 people since 2014.", 0),
        ("Gunmen killed two soldiers on Monday, the first attack since the ceasefire.", 1),
        # headline grammar: present tense with a count
        ("Gunmen kill nine in Iraq's Anbar province.", 1),
        ("Militants plan to kill 20 people.", 0),
        ("The US will strike the militia if they attack.", 0),
        # damage done by an explosion, unless it was an accident
        ("The explosion destroyed a building in Kabul.", 1),
        ("A gas explosion killed five people in a restaurant.", 0),
        # victims of an attack name it; a vigil for them reports the vigil
        ("Haley shows pictures of Syrian victims of chemical attacks.", 1),
        ("Women attend a prayer vigil for the victims of Wednesday's massacre.", 0),
        ("Obama opened his remarks with the aftermath of the Dallas shooting.", 1),
    ],
)  # fmt: skip
def test_attack_mentions_and_controls(sentence, expected):
    assert len(_violent(sentence)) == expected


def test_a_year_in_a_later_clause_does_not_date_the_attack():
    text = ("Before it was bombed, the mosque was the symbolic heart of IS, where Abu Bakr "
            "al-Baghdadi declared his caliphate in 2014.")  # fmt: skip
    (event,) = _violent(text)
    assert event.date_precision != "year"
    # an attack dated by its own year is still history, not news
    assert _violent("He was convicted for bomb attacks on the US embassy in 1983.") == []


def test_glued_heading_is_a_clause_boundary():
    text = ("History of conflict-The fighting that erupted in Nagorno-Karabakh last weekend is "
            "the worst outbreak of violence in the history of the conflict.")  # fmt: skip
    assert [e.event for e in _violent(text)] == ["FIGHT"]
    assert normalise("conflict-The fighting") == "conflict;The fighting"
    kept = "anti-American al-Qaida then-President Nagorno-Karabakh"
    assert normalise(kept) == kept
