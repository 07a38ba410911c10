"""Counts in words and digits, killed vs wounded vs unknown."""

from __future__ import annotations

import pytest

from jervis.text import extract_text
from jervis.text.numbers import casualty_count, parse_number, standalone_counts


@pytest.mark.parametrize(
    ("phrase", "value"),
    [("two", 2), ("a dozen", 12), ("half a dozen", 6), ("at least 25", 25), ("dozens", None),
     ("3", 3), ("1,200", 1200), ("twenty-five", 25), ("one hundred", 100), ("more than 70", 70),
     ("an unknown number", None), ("several", None), ("no one", 0)],
)  # fmt: skip
def test_parse_number(phrase, value):
    assert parse_number(phrase) == value


def _count(sentence: str, verb: str, passive: bool = False):
    at = sentence.index(verb)
    return casualty_count(sentence, at, at + len(verb), passive)


def test_active_and_passive_counts():
    assert _count("a rocket attack killed 2 US soldiers", "killed") == (2, True)
    assert _count("Three US servicemen were killed by a bomb", "killed", True) == (3, True)
    assert _count("A journalist has been killed in a blast", "killed", True) == (1, True)
    assert _count("guerrillas killed the deputy chief of the militia", "killed") == (1, True)
    assert _count("killing an unknown number of guards", "killing") == (None, True)
    assert _count("killing or wounding 50, officials said", "killing") == (None, True)


def test_kia_and_dead_phrases_outside_parentheses():
    found = standalone_counts("The blast left 7 people dead (Britain sustained 1 KIA).")
    assert ("killed", 7) in [(f, n) for f, n, _, _ in found]
    assert all(n != 1 for _, n, _, _ in found)


def test_killed_and_wounded_in_one_sentence():
    (e,) = extract_text("A roadside bombing near the town of Samarra on Sunday killed one U.S. "
                        "soldier and wounded two others, the military said.")  # fmt: skip
    assert (e.killed, e.wounded) == (1, 2)


def test_unknown_number_is_null_not_zero():
    (e,) = extract_text("Warplanes struck the camp on Monday, killing an unknown number of "
                        "fighters.", published="2021-06-30")  # fmt: skip
    assert e.killed is None and "killed" in e.spans


def test_three_foreign_troops_wounded():
    (e,) = extract_text("A rocket attack on the base wounded 3 foreign troops on Friday.",
                        published="2020-03-14")  # fmt: skip
    assert e.wounded == 3 and e.killed is None


def test_counts_joined_by_and_are_added():
    (e,) = extract_text("Islamic State militants ambushed an army patrol near Tarmiyah overnight, "
                        "killing an officer and four soldiers.", published="2021-07-08")  # fmt: skip
    assert e.killed == 5


def test_no_one_hurt_is_zero():
    (e,) = extract_text("A drone attack targeted Erbil airport on Wednesday night, officials said, "
                        "adding that no one was hurt.", published="2021-07-08")  # fmt: skip
    assert e.wounded == 0 and e.mode == "drone_strike"
