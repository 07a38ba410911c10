"""One event per real-world event: later references merge, "another" starts a new event."""

from __future__ import annotations

from datetime import date

from jervis.text import extract_text

TEXT = """Militants attacked a checkpoint in Mosul on Monday, killing two policemen. The attack also \
wounded five civilians, officials said.

Separately, a car bomb exploded in Baghdad on Tuesday, killing seven people. Police said the blast \
wounded 20 others. Another bomb went off near a market in Basra the next day but caused no \
casualties.

US forces responded with air strikes on Kataib Hezbollah positions near al-Qaim on Wednesday \
night. Iraqi officials said the strikes killed four fighters."""


def test_merging_and_new_events():
    events = extract_text(TEXT, published="2021-06-10", doc_id="d")
    summary = [(e.date, e.mode, e.location, e.killed, e.wounded) for e in events]
    assert summary == [
        (date(2021, 6, 7), None, "Mosul", 2, 5),
        (date(2021, 6, 8), "car_bomb", "Baghdad", 7, 20),
        (date(2021, 6, 9), "ied", "Basrah", 0, 0),
        (date(2021, 6, 9), "air_strike", "Al-Qaim", 4, None),
    ]
    assert events[0].sentences == [0, 1] and events[1].sentences == [2, 3]
    assert events[3].actor == "US forces" and events[3].target == "Kataib Hezbollah"
    assert [e.source_id for e in events] == ["d#1", "d#2", "d#3", "d#4"]


def test_same_base_takes_the_earlier_place():
    text = ("Rockets hit Camp Taji on Wednesday, killing two soldiers. On Saturday another rocket "
            "attack on the same base wounded three troops.")  # fmt: skip
    first, second = extract_text(text, published="2020-03-14")
    assert first.location == second.location == "Camp Taji"
    assert (first.killed, second.wounded) == (2, 3)
    assert second.date == date(2020, 3, 14)


def test_two_events_in_one_sentence_keep_their_own_evidence():
    text = ("After a rocket attack killed two soldiers on Wednesday, US jets struck militia "
            "depots on Thursday.")  # fmt: skip
    first, second = extract_text(text, published="2020-03-14")
    assert first.evidence.endswith("on Wednesday")
    assert second.evidence.startswith("US jets struck")
    assert (first.mode, second.mode) == ("rocket", "air_strike")
