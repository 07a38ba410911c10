"""A whole wire-style article (written for this test, facts of March 2020): events, merging,
dates, counts and places across paragraphs, with known truth."""

from __future__ import annotations

from datetime import date

import pytest

from jervis.text import extract_text

ARTICLE = """US strikes Iranian-backed militia in Iraq after deadly rocket attack

BAGHDAD (AP) - The United States launched airstrikes Thursday against an Iranian-backed militia \
group in Iraq, a day after a rocket attack killed two American troops and a British soldier at a \
base north of Baghdad.

The U.S. military said the "defensive precision strikes" targeted five weapons storage facilities \
used by Kataib Hezbollah. Iraqi officials said the strikes killed three soldiers, two police \
officers and a civilian worker at an airport under construction in Karbala, and wounded 12 other \
people.

Wednesday's attack on Camp Taji involved 18 Katyusha rockets fired from a truck, U.S. officials \
said. Twelve other people were wounded in the attack. No group claimed responsibility.

Defense Secretary Mark Esper said the United States will not tolerate attacks against its people. \
"We will take any action necessary," he said.

On Saturday, another barrage of rockets hit Camp Taji, wounding three coalition troops and two \
Iraqi soldiers, the coalition said.
"""


@pytest.fixture(scope="module")
def events():
    return extract_text(ARTICLE, published="2020-03-14", doc_id="ap")


def test_three_events_in_story_order(events):
    assert [(e.date, e.mode) for e in events] == [
        (date(2020, 3, 12), "air_strike"),
        (date(2020, 3, 11), "rocket"),
        (date(2020, 3, 14), "rocket"),
    ]


def test_the_strikes(events):
    strikes = events[0]
    assert strikes.actor == "US forces" and strikes.location == "Karbala"
    assert (strikes.killed, strikes.wounded) == (6, 12)  # "three ..., two ... and a ..." = 6
    assert strikes.sentences == [1, 2, 3]


def test_the_first_rocket_attack_merges_three_mentions(events):
    rockets = events[1]
    assert rockets.location == "Camp Taji"  # "Wednesday's attack on Camp Taji" refines "a base"
    assert rockets.target == "US forces; UK forces" and rockets.target_side == "us_coalition"
    assert (rockets.killed, rockets.wounded) == (3, 12)
    assert rockets.date_precision == "day" and rockets.sentences == [1, 4, 5]


def test_another_barrage_is_a_new_event(events):
    second = events[2]
    assert second.location == "Camp Taji" and second.wounded == 5 and second.killed is None
    assert "will not tolerate" not in " ".join(e.evidence for e in events)
