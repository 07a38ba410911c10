"""Property tests (Hypothesis) for the extractor's parsers: dates, numbers, the whole of
extract_text, the JSONL reader. Few examples in CI (derandomized, so a run is repeatable);
``JERVIS_FUZZ_EXAMPLES=2000`` runs each property that many times."""

from __future__ import annotations

import json
import os
import unicodedata
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jervis.errors import JervisError

EXAMPLES = int(os.environ.get("JERVIS_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=EXAMPLES or 80, deadline=None, derandomize=not EXAMPLES,
                database=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.function_scoped_fixture])  # fmt: skip


def small(n: int) -> settings:
    return settings(FUZZ, max_examples=EXAMPLES or n)


# words that make the parsers work: dates, counts, attack and casualty words, places, actors
DATE_WORDS = ["on", "Monday", "last", "week", "yesterday", "days", "ago", "later", "earlier",
              "after", "before", "the", "following", "next", "day", "in", "March", "December",
              "11", "2020", "2099", "9999", "2031-01-01", "2023-13-45", "years", "decades", "a",
              "two", "ten", "1999", "month", "this", "morning", "31", "of", "June"]  # fmt: skip
NUMBER_WORDS = ["killed", "were", "at", "least", "a", "billion", "million", "thousand",
                "hundred", "dozen", "dozens", "1e30", "10^30", "9999999999", "2.5", "1,000",
                "twenty-three", "people", "soldiers", "and", "two", "more", "no", "one", "was",
                "hurt", "dead", "toll", "rose", "to", "wounded", "civilians", "others", "0.5",
                "99999", "five", "several"]  # fmt: skip
TEXT_WORDS = DATE_WORDS + NUMBER_WORDS + [
    "Militants", "attacked", "a", "police", "post", "in", "Kirkuk,", "Iraq", "Syria", "and",
    "Libya", "US", "forces", "struck", "Hamas", "fired", "rockets", "at", "Sderot,", "Israel",
    "\u201cthe", "army\u2019s", "said.", "bomb", "exploded", "\x00", "\u200b", "\ufb01re", "\u2026",
    "KILLED", "ISLAMIC", "STATE", "\n\n", ",", ".", "-", "\u2014", "airstrike", "gunmen",
]  # fmt: skip


def _phrase(words):
    return st.lists(st.sampled_from(words), min_size=1, max_size=14).map(" ".join)


# -- dates: never after publication + 1 day, never raises ------------------------------------
@FUZZ
@given(text=st.one_of(_phrase(DATE_WORDS), st.text(max_size=60)),
       published=st.dates(date(1900, 1, 1), date(2100, 12, 31)),
       previous=st.one_of(st.none(), st.dates(date(1, 1, 2), date(9999, 12, 30))))  # fmt: skip
def test_dates_never_after_publication(text, published, previous):
    from jervis.text.dates import find_cues, resolve

    for cue in [None, *find_cues(text)]:
        for main in (False, True):
            day, precision = resolve(cue, published, previous, main=main)
            assert precision in ("day", "week", "month", "year", "unknown")
            assert day is None or day <= published + timedelta(days=1)
            assert (day is None) == (precision == "unknown")


@FUZZ
@given(value=st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.booleans(),
                       st.none(), st.lists(st.integers(), max_size=3)))  # fmt: skip
def test_publication_date_is_a_date_or_one_error(value):
    from jervis.text.dates import to_date

    try:
        out = to_date(value)
    except JervisError as exc:
        assert "\n" not in str(exc)
        return
    assert out is None or isinstance(out, date)


# -- numbers: never raise, whole counts within the bound -------------------------------------
@FUZZ
@given(text=st.one_of(_phrase(NUMBER_WORDS), st.text(max_size=60)))
def test_counts_are_bounded_integers(text):
    from jervis.text.numbers import (
        MAX_COUNT,
        casualty_count,
        count_span,
        parse_number,
        standalone_counts,
    )

    def ok(n):
        return n is None or (type(n) is int and 0 <= n <= MAX_COUNT)

    assert ok(parse_number(text))
    for _key, n, a, b in standalone_counts(text):
        assert ok(n) and 0 <= a <= b <= len(text)
    for word in ("killed", "wounded", "hurt"):
        at = text.find(word)
        if at >= 0:
            for passive in (False, True):
                assert ok(casualty_count(text, at, at + len(word), passive)[0])
                a, b = count_span(text, at, at + len(word), passive)
                assert 0 <= a <= at and at + len(word) <= b <= len(text)


# -- extract_text: never raises, spans inside the text and on the characters they name --------
def _fold(text: str) -> str:
    from jervis.text.cleaning import clean
    from jervis.text.pipeline import _TRANSLATE

    return " ".join(clean(text)[0].translate(_TRANSLATE).casefold().split())


@small(50)
@given(text=st.one_of(_phrase(TEXT_WORDS).map(lambda t: t + "."), st.text(max_size=200)),
       published=st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31))))  # fmt: skip
def test_extract_text_never_raises_and_spans_hold(text, published):
    from jervis.text import extract_text
    from jervis.text.numbers import MAX_COUNT

    for event in extract_text(text, published=published):
        spans = [*event.spans.values(), *event.evidence_spans, *event.trigger_spans]
        for a, b in spans:
            assert 0 <= a <= b <= len(text)
        for role in ("actor", "target"):
            raw = getattr(event, f"{role}_raw")
            if raw and role in event.spans:
                a, b = event.spans[role]
                assert _fold(text[a:b]) == _fold(raw)
        for n in (event.killed, event.wounded, event.target_killed, event.civilians_killed):
            assert n is None or (type(n) is int and 0 <= n <= MAX_COUNT)
        if published is not None and event.date is not None:
            assert event.date <= published + timedelta(days=1)
        assert event.evidence == " ... ".join(text[a:b].strip() for a, b in event.evidence_spans)


@FUZZ
@given(text=st.text(max_size=300))
def test_cleaning_maps_every_character_back(text):
    from jervis.text.cleaning import clean, map_span, prepare

    out, offsets = clean(text)
    ready, _ = prepare(text)
    assert len(ready) == len(out)
    if offsets is None:  # one for one: each character from the one at its own index
        assert len(out) == len(text)
        offsets = list(range(len(text) + 1))
    assert len(offsets) == len(out) + 1 and offsets == sorted(offsets)
    for i, ch in enumerate(out):
        a, b = map_span((i, i + 1), offsets)
        source = text[a:b]
        assert ch in unicodedata.normalize("NFKC", source) or ch == "\n"


# -- the JSONL reader: a bad record is one line, the others are read, counts reconcile -------
RECORD = st.one_of(
    st.fixed_dictionaries({"id": st.text(max_size=5), "text": st.text(max_size=40)},
                          optional={"published": st.one_of(st.just("2023-05-10"), st.text(max_size=12),
                                                           st.integers(), st.none())}),
    st.fixed_dictionaries({"id": st.integers()}, optional={"text": st.one_of(st.none(), st.integers(),
                                                                             st.lists(st.text()))}),
    st.one_of(st.integers(), st.lists(st.integers(), max_size=2), st.text(max_size=10)),
)  # fmt: skip


@FUZZ
@given(records=st.lists(st.one_of(RECORD.map(json.dumps), st.text(alphabet="{[\"x:,1 ", max_size=8)),
                        max_size=8))  # fmt: skip
def test_jsonl_reader_reports_each_bad_record(tmp_path_factory, records):
    from jervis.text.inputs import read_documents

    path = tmp_path_factory.mktemp("jsonl") / "mixed.jsonl"
    path.write_text("\n".join(r.replace("\n", " ") for r in records) + "\n", encoding="utf-8")
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    errors: list[JervisError] = []
    docs = read_documents([path], on_error=errors.append)
    assert len(docs) + len(errors) == len(lines)
    for exc in errors:
        assert exc.path == str(path) and exc.row is not None and "\n" not in exc.message
    assert all(isinstance(d.text, str) for d in docs)


@small(15)
@given(records=st.lists(RECORD.map(json.dumps), min_size=1, max_size=5))
def test_extract_command_exit_and_tally(tmp_path_factory, records):
    import contextlib
    import io
    import sys

    from jervis.cli import main

    path = tmp_path_factory.mktemp("cli") / "mixed.jsonl"
    path.write_text("\n".join(records) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    old, sys.argv = sys.argv, ["jervis", "extract", str(path), "--backend", "rules"]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.argv = old
    errors = err.getvalue()
    assert "Traceback" not in errors
    bad = [line for line in errors.splitlines() if line.startswith("error: ")]
    if bad:
        assert code == 2
        tally = errors.strip().splitlines()[-1]
        assert tally.startswith(f"{len(records)} records read: ") and f"{len(bad)} bad" in tally
    else:
        assert code == 0
