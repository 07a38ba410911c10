"""What is not an event: negated, hypothetical, future, generic, background, policy quotes."""

from __future__ import annotations

import pytest

from jervis.text import extract_text

PUB = "2020-03-14"


@pytest.mark.parametrize(
    "sentence",
    [
        "The United States is not going to strike those sites.",
        "If we strike a site, we're going to find one consistent with our values.",
        "Iran threatened to shell Iraqi towns unless Baghdad accepted its conditions.",
        "The militia will attack the base if the troops stay.",
        "Officials warned of possible rocket attacks on the embassy.",
        "We are not going to tolerate these direct attacks on American service members.",
        "The US entered Iraq under the pretext of fighting ISIS.",
        "The militias the US was helping against ISIS 2014-2017 fought in Mosul.",
        "Israeli soldiers routinely beat up detainees, a court was told.",
        "Dozens of people have been killed in clashes between farmers and herdsmen this year.",
        "The Pentagon speaks of bombing non-compliant militias.",
        "Hundreds of thousands of people plan to attend the rally.",
        "Lebanon complained to the United Nations over two Israeli air raids last Friday.",
        "The heart attack killed the former minister.",
        "The foundation helps families of soldiers killed in action.",
    ],
)
def test_not_an_event(sentence):
    assert [e.event for e in extract_text(sentence, published=PUB)] == []


@pytest.mark.parametrize(
    ("sentence", "mode"),
    [
        ("Gunmen opened fire on a checkpoint in Kirkuk on Tuesday, killing three soldiers.",
         "small_arms"),
        ("A suicide car bombing killed at least 12 people in central Baghdad on Monday.",
         "suicide_bomb"),
        ("US warplanes struck militia positions near Al-Qaim overnight.", "air_strike"),
        ("Two rockets hit the Green Zone late on Sunday, officials said.", "rocket"),
        ("No group has claimed responsibility for Tuesday's border attack.", None),
    ],
)  # fmt: skip
def test_controls_are_events(sentence, mode):
    events = extract_text(sentence, published=PUB)
    assert len(events) == 1 and events[0].event in ("ASSAULT", "FIGHT")
    assert events[0].mode == mode


def test_arrest_raid_is_coerce_not_assault():
    (e,) = extract_text("Police raided a house in Basra on Friday.", published=PUB)
    assert e.event == "COERCE" and e.mode == "raid"


def test_background_cause_of_a_diplomatic_reaction():
    text = ("The ministry protested to Serbia on Wednesday over the shelling of a border post by "
            "Serbian artillery.")  # fmt: skip
    assert extract_text(text, published=PUB) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Manchester United's attack looked blunt as they lost 2-0 on Saturday.",
        "The senator attacked the bill as reckless in a speech on Wednesday.",
        "The film bombed at the box office last weekend.",
        "Curry shot 40 points as the Warriors beat the Lakers.",
        "Workers at the plant went on strike on Monday over pay.",
        "A bus crash killed 12 people near Kirkuk on Sunday.",
        "The company fired 200 workers last month.",
    ],
)
def test_everyday_words_are_not_violence(sentence):
    assert extract_text(sentence, published=PUB) == []


@pytest.mark.parametrize(
    ("sentence", "n"),
    [
        ("Thousands of people were displaced by fighting in Bentiu.", 0),
        ("People flee their homes during clashes in Mosul.", 0),
        ("Women mourn the victims of the attack on the market.", 0),
        ("Residents fled as militants attacked the village on Monday.", 1),
    ],
)
def test_displacement_and_mourning_report_something_else(sentence, n):
    assert len(extract_text(sentence, published=PUB)) == n
