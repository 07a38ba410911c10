"""Adversarial round 10 on the extractor. Each failed before its fix: the town after "killed
three in" was the event's target."""

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
