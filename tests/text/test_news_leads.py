"""The ninth round's rules (docs/extraction.md, "Ninth round: the lead's toll and the attack it
reports (news9)"): a toll the lead gives before the attack, a subset of a figure, a weapon read
as the attacker, a statement's day, "came N days after X", one date per mention. Every text here
is invented for the rule it checks."""

from __future__ import annotations

import importlib
import re
from datetime import date

import pytest
from tests.reference.news import violent

from jervis.text import coref, numbers
from jervis.text.numbers import casualty_count


def test_a_rising_toll_told_before_its_attack_joins_the_attack_and_keeps_its_day():
    text = ("The number of people killed when a missile hit a hospital in the town of Kindu rose "
            "to 40 on Saturday, officials said.\n\nThe missile struck the hospital on Thursday "
            "afternoon, bringing down its east wing.")  # fmt: skip
    rows = violent(text)
    assert [(r.date, r.killed) for r in rows] == [(date(2023, 5, 18), 40)]  # the attack's day


def test_a_lead_toll_with_the_attacks_day_dates_the_attack_told_next():
    text = ("A powerful explosion tore through a market in the town of Kindu, the capital of "
            "Maniema province, late on Thursday, killing 23 people, eight of them children, and "
            "wounding 41, the governor said.\n\nThe blast hit the market at around 10 p.m., when "
            "traders were closing their stalls.")  # fmt: skip
    rows = violent(text)
    assert [(r.date, r.killed, r.wounded) for r in rows] == [(date(2023, 5, 18), 23, 41)]


def test_a_lead_toll_far_from_the_next_attack_is_still_no_events_toll():
    text = ("The number of people killed in the town of Kindu has risen to 40, officials said on "
            "Saturday.\n\nMarkets stayed closed.\n\nSchools stayed closed.\n\nOn May 2, gunmen "
            "attacked a police post in the town and killed three officers.")  # fmt: skip
    rows = violent(text)
    assert [(r.date, r.killed) for r in rows] == [(date(2023, 5, 2), 3)]


@pytest.mark.parametrize("on", [True, False])
def test_a_subset_of_a_figure_is_not_more_victims(monkeypatch, on):
    monkeypatch.setattr(numbers, "SUBSET_IS_NOT_MORE", on)
    norm = "killing 23 people, eight of them children, and wounding 41"
    assert casualty_count(norm, 0, 7, False) == ((23 if on else 31), True)
    assert casualty_count("killing a captain and three guards", 0, 7, False) == (4, True)


def test_the_lead_toll_rule_switched_off_drops_the_toll(monkeypatch):
    monkeypatch.setattr(coref, "LEAD_TOLL_WAITS", False)
    text = ("The number of people killed when a missile hit a hospital in the town of Kindu rose "
            "to 40 on Saturday, officials said.\n\nThe missile struck the hospital on Thursday "
            "afternoon, bringing down its east wing.")  # fmt: skip
    assert [r.killed for r in violent(text)] == [None]


def test_a_weapon_is_not_the_attacker_but_a_nationality_keeps_it():
    row = violent("Drones loaded with explosives struck a wedding in the town of Kindu on Thursday, "
                  "killing 12 people, the governor said.")  # fmt: skip
    assert [(r.actor, r.actor_raw, r.killed) for r in row] == [(None, "Drones", 12)]
    kept = violent("A Ruritanian missile struck a wedding in the town of Kindu on Thursday, killing "
                   "12 people, the governor said.")  # fmt: skip
    assert kept and kept[0].actor_raw and "Ruritanian" in kept[0].actor_raw


@pytest.mark.parametrize("on", [True, False])
def test_a_denial_on_a_later_day_is_no_new_event(monkeypatch, on):
    extract = importlib.import_module("jervis.text.extract")
    if not on:  # the speech verbs before this round
        monkeypatch.setattr(extract, "_SPEECH_BEFORE", re.compile(extract._SPEECH_BEFORE.pattern.replace(
            "|denied|denies|condemned|vowed|blamed|accused|warned", ""), re.IGNORECASE))
    text = ("A missile struck an apartment block in the town of Kindu on Thursday, killing 12 "
            "people, officials said.\n\nA government spokesman denied on Saturday that its forces "
            "had struck the building.")  # fmt: skip
    rows = [(r.date, r.killed) for r in violent(text)]
    assert rows == [(date(2023, 5, 18), 12)] + ([] if on else [(date(2023, 5, 20), None)])


@pytest.mark.parametrize("on", [True, False])
def test_the_attack_came_n_days_after_x_dates_x_not_the_attack(monkeypatch, on):
    monkeypatch.setattr(importlib.import_module("jervis.text.extract"), "CAME_AFTER_DATES_WHAT_FOLLOWS", on)
    text = ("Two bombs exploded at a cathedral in the town of Kindu during Sunday mass, killing 20 "
            "people, officials said.\n\nThe bombings came six days after voters in the region "
            "approved a new constitution.")  # fmt: skip
    rows = violent(text, published="2023-05-22")
    want = [(date(2023, 5, 21), 20)] + ([] if on else [(date(2023, 5, 15), None)])
    assert [(r.date, r.killed) for r in rows] == want


def test_the_weapon_rule_switched_off_keeps_the_weapon_as_attacker(monkeypatch):
    monkeypatch.setattr(importlib.import_module("jervis.text.extract"), "INSTRUMENT_IS_NO_ACTOR", False)
    row = violent("Drones loaded with explosives struck a wedding in the town of Kindu on Thursday, "
                  "killing 12 people, the governor said.")  # fmt: skip
    assert [r.actor for r in row] == ["Drones"]


@pytest.mark.parametrize("on", [True, False])
def test_a_date_whose_nearest_mention_has_a_nearer_one_dates_the_other(monkeypatch, on):
    monkeypatch.setattr(importlib.import_module("jervis.text.extract"), "ONE_DATE_PER_MENTION", on)
    text = ("Jets bombed fuel depots on both sides of the river near the town of Kindu late on "
            "Thursday, and rockets were fired at a police post in the east of the town the next "
            "day in what appeared to be a reply.")  # fmt: skip
    days = sorted(r.date for r in violent(text))
    if on:  # Thursday for the bombing, the day after for the rockets
        assert days == [date(2023, 5, 18), date(2023, 5, 19)]
    else:  # Thursday's nearest mention had a nearer date: Thursday was dropped
        assert date(2023, 5, 18) not in days
