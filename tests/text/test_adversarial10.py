"""Adversarial round 10 on the extractor. Each failed before its fix: the town after "killed
three in" was the event's target, and a bare "militia" anywhere was Iran's militias in Iraq."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jervis.text.extract import extract_text

TOWNS = ("Basra", "Mosul", "Kirkuk", "Herat", "Gao", "Kandahar")


@settings(max_examples=12, deadline=None)
@given(town=st.sampled_from(TOWNS), prep=st.sampled_from(("in", "near", "outside")),
       attackers=st.sampled_from(("Gunmen", "Militants", "Insurgents")), n=st.integers(2, 40))
def test_a_place_after_a_locative_preposition_is_where_not_whom(town, prep, attackers, n):
    (event,) = extract_text(f"{attackers} killed {n} {prep} {town} on Monday.", published="2020-03-05")
    assert town not in (event.target_raw or ""), event  # was the target
    assert event.killed == n and (event.location or prep != "in")  # the town is still the place


def test_a_place_that_is_the_attack_verbs_object_stays_the_target():
    (event,) = extract_text("Militants shelled Basra on Monday.", published="2020-03-05")
    assert event.target_raw == "Basra"


def test_a_bare_militia_is_no_particular_militia_outside_its_scope():
    (event,) = extract_text("Militia attacked a village in Mali on Monday, killing 10.", published="2020-03-05")
    assert event.actor != "Iran-aligned militias" and event.actor_side is None, event  # was Iran-aligned militias
    (event,) = extract_text("Militiamen killed 4 farmers in Burundi on Monday.", published="2016-03-05")
    assert event.actor != "Iran-aligned militias" and event.actor_side is None, event


def test_a_bare_militia_in_iraq_is_still_the_iran_aligned_militias():
    (event,) = extract_text("Militiamen fired rockets at the US embassy in Baghdad on Monday.", published="2020-03-05")
    assert event.actor == "Iran-aligned militias" and event.actor_side == "militia", event
