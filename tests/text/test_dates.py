"""Date cues resolved against the publication date."""

from __future__ import annotations

from datetime import date

import pytest

from jervis.text import extract_text
from jervis.text.dates import find_cues, is_background, resolve

PUB = date(2020, 3, 14)  # a Saturday


def _resolve(phrase: str, published=PUB, previous=None):
    (cue,) = find_cues(phrase)
    return resolve(cue, published, previous)


@pytest.mark.parametrize(
    ("phrase", "day", "precision"),
    [("Wednesday", date(2020, 3, 11), "day"), ("on Thursday night", date(2020, 3, 12), "day"),
     ("Saturday", date(2020, 3, 14), "day"), ("last Saturday", date(2020, 3, 7), "day"),
     ("yesterday", date(2020, 3, 13), "day"), ("hours ago", date(2020, 3, 14), "day"),
     ("two days ago", date(2020, 3, 12), "day"), ("last week", date(2020, 3, 7), "week"),
     ("last month", date(2020, 2, 1), "month"), ("March 11", date(2020, 3, 11), "day"),
     ("11 March 2020", date(2020, 3, 11), "day"), ("2020-03-02", date(2020, 3, 2), "day"),
     ("December 29", date(2019, 12, 29), "day"), ("in 2014", date(2014, 1, 1), "year")],
)  # fmt: skip
def test_cues(phrase, day, precision):
    assert _resolve(phrase) == (day, precision)


def test_next_day_is_relative_to_the_previous_event():
    assert _resolve("the next day", previous=date(2020, 3, 11)) == (date(2020, 3, 12), "day")


def test_no_cue_and_no_publication_date():
    assert resolve(None, PUB) == (PUB, "week")
    assert resolve(None, None) == (None, "unknown")


def test_background_is_more_than_a_year_old_unless_it_has_its_day():
    assert is_background(date(2014, 1, 1), "year", PUB)
    assert is_background(date(2018, 5, 1), "month", PUB)
    assert not is_background(date(2020, 3, 11), "day", PUB)
    # an attack the article dates to the day is a concrete event, however old (third round:
    # the news gold sets code it as a background event)
    assert not is_background(date(2018, 5, 1), "day", PUB)


def test_next_day_in_a_text():
    text = ("Militants attacked a checkpoint in Mosul on Monday, killing two policemen. "
            "The next day a car bomb exploded in Baghdad, killing five people.")  # fmt: skip
    first, second = extract_text(text, published="2021-06-10")  # a Thursday
    assert first.date == date(2021, 6, 7) and second.date == date(2021, 6, 8)
    assert second.mode == "car_bomb" and second.killed == 5


def test_old_events_are_background():
    text = "Gunmen attacked the embassy in 1983, killing 60 people."
    assert extract_text(text, published="2020-03-14") == []


def test_a_day_count_outside_the_calendar_dates_nothing_instead_of_crashing():
    from jervis.text.extract import extract_text

    alone = extract_text("Gunmen killed 5 people in Kabul 800000 days ago.", published="2024-01-05",
                         backend="rules")  # fmt: skip
    assert [(e.date, e.date_precision, e.killed) for e in alone] == [(None, "unknown", 5)]
    after = extract_text("A bomb exploded in Baghdad on Monday, killing 10 people. 99999999999999999999 "
                         "days earlier, a car bomb killed 4 people in Mosul.", published="2024-01-05",
                         backend="rules")  # fmt: skip
    assert [(e.date, e.killed) for e in after] == [(date(2024, 1, 1), 10), (None, 4)]
