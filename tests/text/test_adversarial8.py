"""Adversarial round 8 on the extractor: odd text that gave events the store then refused, or
output no reader could use. Each failed before its fix."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from jervis.text.extract import extract_text

SENTENCE = "Insurgents attacked a checkpoint in Mosul on March 3, 2020, killing 4 policemen. "


def test_a_sentence_repeated_is_one_piece_of_evidence():
    events = extract_text(SENTENCE * 200, published="2020-03-05", backend="rules")
    assert len(events) == 1
    assert events[0].evidence == SENTENCE.strip()  # was the sentence 200 times, " ... " between


def test_an_invisible_nul_does_not_keep_the_event_out_of_the_store(tmp_path):
    from jervis.store.ingest import ingest_rows

    events = extract_text(SENTENCE.replace("killing", "killing\x00"), published="2020-03-05", backend="rules")
    assert len(events) == 1 and events[0].killed == 4
    counts = ingest_rows([e.to_row() for e in events], "nul.txt", db=tmp_path / "j.duckdb")
    assert counts["stored"] == 1 and counts["quarantined"] == 0, counts  # was "evidence holds a NUL byte"


def test_a_day_outside_the_stores_calendar_dates_nothing():
    from jervis.store.validate import DATE_MAX, DATE_MIN
    from jervis.text import dates

    assert (dates.CALENDAR_MIN, dates.CALENDAR_MAX) == (DATE_MIN, DATE_MAX)
    for when in ("on 1 January 0001", "on March 3, 1500"):
        events = extract_text(f"Militants killed 7 people in Herat {when}.", published="2020-03-15", backend="rules")
        assert len(events) == 1 and events[0].date is None, events  # was 0001-01-01: quarantined when stored


def test_a_year_of_another_century_is_not_this_weeks_news():
    text = ("Militants attacked a base in Iraq in 1850. Rebels attacked a town in Syria 3000 years ago. "
            "Gunmen attacked a post in Mali in 2150.")
    events = extract_text(text, published="2020-03-15", backend="rules")
    # history is background (as "in 1998" is), a future year dates nothing; the first two were
    # rows of the publication week and an undated row, the last a row of the publication week
    assert [(e.location, e.date) for e in events] == [("Mali", None)], [(e.location, e.date, e.date_precision) for e in events]


def test_a_web_page_saved_as_txt_is_read_as_html(tmp_path):
    from jervis.text.extract import extract

    page = tmp_path / "page.txt"
    page.write_text("<html><body><script>alert(1)</script><p>Rockets killed <b>2 US soldiers</b> at Camp Taji "
                    "on March 11, 2020.</p></body></html>")  # fmt: skip
    events = extract([page], published="2020-03-12", backend="rules")
    assert len(events) == 1 and events[0].killed == 2
    for value in (events[0].actor_raw, events[0].target_raw, events[0].evidence):
        assert "<" not in (value or ""), events[0]  # was actor "html><body><script>alert(1)</script><p>Rockets"


def test_two_files_of_one_name_keep_both_events_in_the_store(tmp_path):
    from jervis.store.ingest import ingest_rows
    from jervis.text.extract import extract

    for folder, text in (("a", "Rockets killed 2 in Baghdad on March 3, 2020."),
                         ("b", "A bomb killed 3 in Basra on March 4, 2020.")):  # fmt: skip
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(text)
    events = extract([tmp_path], published="2020-03-05", backend="rules")
    ids = [e.source_id for e in events]
    assert len(events) == 2 and len(set(ids)) == 2, ids  # both were "story#1"
    counts = ingest_rows([e.to_row() for e in events], "news", db=tmp_path / "j.duckdb")
    assert counts["stored"] == 2 and counts["quarantined"] == 0, counts  # the second was quarantined


# the store's calendar holds for any publication date and cue (Hypothesis, derandomized)
WORDS = ["on", "in", "during", "of", "1 January", "0001", "1500", "1850", "2150", "9999", "March", "3,", "years",
         "ago", "3000", "days", "800000", "yesterday", "last", "week", "month", "the", "next", "day", "2020-02-30",
         "0001-01-01", "9999-12-31", "February", "30,"]  # fmt: skip


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=10),
       published=st.one_of(st.none(), st.dates(date(1, 1, 1), date(9999, 12, 31))),
       previous=st.one_of(st.none(), st.dates(date(1, 1, 1), date(9999, 12, 31))))  # fmt: skip
def test_a_resolved_day_is_one_a_store_holds_or_history(words, published, previous):
    from jervis.text.dates import CALENDAR_MAX, CALENDAR_MIN, find_cues, is_background, resolve

    for cue in find_cues(" ".join(words)):
        day, precision = resolve(cue, published, previous)
        assert day is None or CALENDAR_MIN <= day <= CALENDAR_MAX or (
            precision == "year" and is_background(day, precision, published)), (cue, day, precision)
