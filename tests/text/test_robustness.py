"""The extractor under hostile input (issue 13's adversarial defects): each test reproduces one
defect as it was reported, with invented sentences, and checks the general rule that fixes it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from tests.test_cli_errors import cli

from jervis.text import extract_text
from jervis.text.dates import find_cues, resolve
from jervis.text.numbers import MAX_COUNT, casualty_count, parse_number

PUB = "2023-05-10"  # a Wednesday


def _events(text: str, published: str | None = PUB, backend: str = "spacy"):
    return extract_text(text, published=published, backend=backend)


# -- 1. "A day after X, ..." dates the main clause a day after X ------------------------------
def test_sentence_initial_day_after_counts_forward_from_the_cited_event():
    text = ("Rebels shelled the town of Kunduz, Afghanistan on May 3. A day after the shelling, a "
            "suicide bomber killed 12 soldiers in Kunduz.")  # fmt: skip
    events = _events(text)
    assert [e.date for e in events] == [date(2023, 5, 3), date(2023, 5, 4)]
    # the main clause dated first, the cited event second: the cited one is a day before
    events = _events("Troops raided a camp near Kunduz, Afghanistan on May 6, two days after a "
                     "bombing that killed four guards in the city.")  # fmt: skip
    assert date(2023, 5, 6) in [e.date for e in events]
    assert all(e.date in (date(2023, 5, 6), date(2023, 5, 4)) for e in events)


def test_days_after_cue_direction():
    (cue,) = find_cues("a day after the shelling")
    assert resolve(cue, date(2023, 5, 10), date(2023, 5, 3), main=True) == (date(2023, 5, 4), "day")
    assert resolve(cue, date(2023, 5, 10), date(2023, 5, 3)) == (date(2023, 5, 2), "day")
    (cue,) = find_cues("two days before the vote")
    assert resolve(cue, date(2023, 5, 10), date(2023, 5, 6), main=True)[0] == date(2023, 5, 4)


# -- 2. no date after publication ------------------------------------------------------------
@pytest.mark.parametrize("phrase", ["on 2031-01-01", "in 2099", "in June 2030", "on May 20, 2024"])
def test_dates_after_publication_give_no_date(phrase):
    (cue,) = find_cues(phrase)
    assert resolve(cue, date(2023, 5, 10)) == (None, "unknown")


def test_day_and_month_without_year_read_in_the_past():
    (cue,) = find_cues("on December 25")
    assert resolve(cue, date(2023, 5, 10)) == (date(2022, 12, 25), "day")
    (cue,) = find_cues("on May 11")  # the next day: within the time-zone slack
    assert resolve(cue, date(2023, 5, 10)) == (date(2023, 5, 11), "day")
    (cue,) = find_cues("in December")
    assert resolve(cue, date(2023, 5, 10)) == (date(2022, 12, 1), "month")


@pytest.mark.parametrize("phrase", ["9999 years ago", "99999999 days ago", "on 2023-13-45",
                                    "10000 days earlier"])  # fmt: skip
def test_out_of_calendar_cues_date_nothing(phrase):
    for cue in find_cues(phrase):
        day, _ = resolve(cue, date(2023, 5, 10), date(2023, 5, 1))
        assert day is None or day <= date(2023, 5, 11)


def test_future_date_in_text_is_dropped_not_kept():
    (event,) = _events("A bomb killed 5 people in Kabul, Afghanistan on 2031-01-01.")
    assert event.date is None and event.date_precision == "unknown"


# -- 3. long sentences: bounded work ---------------------------------------------------------
def test_overlong_sentence_is_cut_at_clause_punctuation():
    from jervis.text.pipeline import MAX_SENTENCE, split_sentences

    text = "On Monday " + "rebels attacked the village and killed two people, " * 400 + "it said"
    (sentences,) = split_sentences([text])
    assert len(sentences) > 1 and all(len(s.text) <= MAX_SENTENCE for s in sentences)
    assert all(text[s.start : s.end] == s.text for s in sentences)
    assert all(s.text.endswith(",") for s in sentences[:-1])  # cut after a comma, not mid-clause
    assert sum(len(s.text) for s in sentences) >= len(text) - len(sentences)  # nothing lost


def test_role_search_grows_linearly_with_a_run_on_sentence(monkeypatch):
    """Work, not time: how many (trigger, candidate) pairs the role model scores. Before the cut
    every trigger of a run-on sentence was paired with every candidate of it (quadratic)."""
    from jervis.text import arguments

    calls = []
    original = arguments._Trigger.features  # one call per (trigger, candidate) pair scored
    monkeypatch.setattr(arguments._Trigger, "features",
                        lambda *a, **k: calls.append(1) or original(*a, **k))  # fmt: skip
    work = []
    for n in (40, 160):
        calls.clear()
        _events("On Monday " + "rebels attacked the village and killed two people, " * n + "it said")
        work.append(len(calls))
    assert work[0] > 0 and work[1] / work[0] < 4 * 1.5  # 4 times the text: about 4 times the work


# -- 4. counts bounded -----------------------------------------------------------------------
@pytest.mark.parametrize("phrase", ["10^30", "1e30", "10**30", "a billion billion", "9999999999",
                                    "2.5", "1,000,001", "two million"])  # fmt: skip
def test_absurd_or_fractional_counts_are_no_count(phrase):
    assert parse_number(phrase) is None


@pytest.mark.parametrize(("phrase", "n"), [("2.5 thousand", 2500), ("one million", MAX_COUNT),
                                           ("a hundred", 100), ("3.0", 3), ("1,200", 1200)])  # fmt: skip
def test_plausible_counts_still_read(phrase, n):
    assert parse_number(phrase) == n


@pytest.mark.parametrize("number", ["10^30", "1e30", "a billion billion", "9999999999"])
def test_absurd_counts_give_no_killed(number):
    for text in (f"A bomb killed {number} people in Kabul, Afghanistan on Monday.",
                 f"{number} people were killed when a bomb exploded in Kabul on Monday."):  # fmt: skip
        for event in _events(text):
            assert event.killed is None and event.target_killed is None


def test_casualty_count_of_exponent_is_none():
    norm = "The blast killed 1e30 people."
    start = norm.index("killed")
    assert casualty_count(norm, start, start + 6, False)[0] is None


# -- 5. a rising toll reaches the victims' own field -----------------------------------------
def test_rising_toll_updates_target_killed():
    text = ("Rebel fighters attacked an army post in Kirkuk, Iraq on Monday, killing three soldiers. "
            "The death toll later rose to seven soldiers.")  # fmt: skip
    (event,) = _events(text)
    assert event.killed == 7 and event.target_killed == 7


def test_other_group_does_not_raise_target_killed():
    text = ("Rebel fighters attacked an army post in Kirkuk, Iraq on Monday, killing three soldiers. "
            "Two civilians were also killed in the attack.")  # fmt: skip
    (event,) = _events(text)
    assert event.killed == 5 and event.target_killed == 3


# -- 6. "N days later", "the following week" -------------------------------------------------
@pytest.mark.parametrize(("cue", "day", "precision"),
                         [("Two days later", date(2023, 5, 3), "day"),
                          ("Three days later", date(2023, 5, 4), "day"),
                          ("The following week", date(2023, 5, 8), "week"),
                          ("A week later", date(2023, 5, 8), "week")])  # fmt: skip
def test_later_cues_count_forward_from_the_previous_event(cue, day, precision):
    text = (f"Rebels attacked a police station in Goma, Congo on May 1. {cue}, gunmen ambushed a "
            "convoy near Beni, Congo.")  # fmt: skip
    events = _events(text)
    assert [(e.date, e.date_precision) for e in events] == [(date(2023, 5, 1), "day"), (day, precision)]


def test_later_cue_past_publication_gives_no_date():
    (cue,) = find_cues("ten days later")
    assert resolve(cue, date(2023, 5, 10), date(2023, 5, 8)) == (None, "unknown")


# -- 7, 10. the JSONL reader and the extract command -----------------------------------------


GOOD = "Militants attacked a police post in Kirkuk, Iraq on Monday, killing three soldiers."


def test_bad_jsonl_records_one_line_each_others_extracted(tmp_path, capsys):
    rows = [json.dumps({"id": "a", "published": PUB, "text": GOOD}), '{"id": "b", "text": null}',
            '{"id": "c"}', '{"id": "d", "text": 5}', "[1, 2]", "not json",
            json.dumps({"id": "e", "published": "yesterday", "text": GOOD}),
            json.dumps({"id": "f", "published": 20230510, "text": GOOD}),
            json.dumps({"id": "g", "published": "2023-02-30", "text": GOOD}),
            json.dumps({"id": "h", "published": PUB, "text": GOOD})]  # fmt: skip
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(rows) + "\n")
    code, out, err = cli(capsys, "extract", str(path), "--backend", "rules")
    assert code == 2 and "Traceback" not in err
    assert sorted(json.loads(line)["doc_id"] for line in out.splitlines()) == ["a", "h"]
    lines = err.strip().splitlines()
    assert len(lines) == 9  # one per bad record, and the tally
    for n in (2, 3, 4, 5, 6, 7, 8, 9):
        assert sum(f"mixed.jsonl, line {n}:" in line for line in lines) == 1
    assert "'yesterday' is not a date" in err and "'2023-02-30' is not a date" in err
    assert lines[-1] == "10 records read: 2 extracted (2 events), 0 not in English, 8 bad (left out)"


def test_clean_jsonl_exits_zero(tmp_path, capsys):
    path = tmp_path / "ok.jsonl"
    path.write_text(json.dumps({"id": "a", "published": PUB, "text": GOOD}) + "\n")
    code, out, err = cli(capsys, "extract", str(path), "--backend", "rules")
    assert code == 0 and err == "" and len(out.splitlines()) == 1


@pytest.mark.parametrize("value", ["yesterday", "2023-02-30", "10/05/2023x", "soon"])
def test_bad_published_option_is_a_usage_error(tmp_path, capsys, value):
    path = tmp_path / "a.txt"
    path.write_text(GOOD)
    code, out, err = cli(capsys, "extract", str(path), "--published", value)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and value in err


def test_to_date_rejects_clock_relative_and_non_strings():
    from jervis.errors import JervisError
    from jervis.text.dates import to_date

    assert to_date("Tue, 09 May 2023 08:00:00 GMT") == date(2023, 5, 9)
    for value in ("yesterday", "3 days ago", 20230510, True, "[1]"):
        with pytest.raises(JervisError):
            to_date(value)


# -- 8, 9. eval extract usage errors ---------------------------------------------------------
@pytest.mark.parametrize("args", [["--bootstrap", "-5"], ["--bootstrap", "many"], ["--limit", "0"]])
def test_eval_bad_numbers_are_usage_errors(fixtures, capsys, args):
    gold = fixtures / "seed-article" / "gold.json"
    code, out, err = cli(capsys, "eval", "extract", "--gold", str(gold), *args)
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_eval_missing_gold_names_the_path(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "gold.json"
    for kind in ("auto", "seed", "plover", "news"):
        code, out, err = cli(capsys, "eval", "extract", "--gold", str(missing), "--kind", kind)
        assert code == 2 and str(missing) in err and "not found" in err
        assert len(err.strip().splitlines()) == 1
    code, out, err = cli(capsys, "eval", "extract", "--gold", str(tmp_path))
    assert code == 2 and "folder" in err


# -- 11. killed spans on word boundaries -----------------------------------------------------
@pytest.mark.parametrize("text", [
    "The attack in Mosul, Iraq on Monday killed twenty-three civilians, officials said.",
    "A car bomb in Kabul, Afghanistan on Monday killed 112 worshippers at a mosque.",
    "Three soldiers were wounded and two policemen were killed by a roadside bomb in Kirkuk.",
])  # fmt: skip
def test_count_spans_fall_on_word_boundaries(text):
    events = _events(text)
    spans = [(k, e.spans[k]) for e in events for k in ("killed", "wounded") if k in e.spans]
    assert spans
    for _, (a, b) in spans:
        assert a == 0 or not text[a - 1].isalnum()
        assert b == len(text) or not text[b].isalnum()
        assert text[a:b].strip() == text[a:b]
    killed = dict(spans)["killed"]
    assert any(word in text[killed[0] : killed[1]] for word in ("twenty-three", "112", "two"))


# -- 12. quotes, control characters, capitals ------------------------------------------------
PLAIN = ('Hamas fighters fired rockets at Sderot, Israel on Monday, killing two civilians, '
         'the army\'s spokesman said in a statement called "a warning".')  # fmt: skip
FIELDS = ("date", "event", "actor", "target", "country", "location", "killed", "target_killed")


def _fields(events):
    return [tuple(str(getattr(e, f)).casefold() for f in FIELDS) for e in events]


@pytest.mark.parametrize("variant", [
    PLAIN.replace("'", "\u2019").replace('"a', "\u201ca").replace('g".', "g\u201d."),
    PLAIN.replace("fighters", "fight\u00aders").replace("Sderot", "Sde\u200brot"),
    PLAIN.replace(" fired", "\x07 fired").replace("two", "two\x00").replace(", Israel", ",\x0bIsrael"),
    PLAIN.replace("Hamas", "\uff28\uff41\uff4d\uff41\uff53"),  # full-width letters
    PLAIN.upper(),
])  # fmt: skip
def test_text_variants_give_the_same_fields_with_original_spans(variant):
    from jervis.text.cleaning import clean

    expected = _fields(_events(PLAIN))
    assert expected and expected[0][2] == "hamas"
    events = _events(variant)
    assert _fields(events) == expected
    for event in events:
        for a, b in [*event.spans.values(), *event.evidence_spans]:
            assert 0 <= a < b <= len(variant)
        a, b = event.spans["actor"]
        assert clean(variant[a:b])[0].casefold() in ("hamas", "hamas fighters")  # the original
        # characters, invisible ones included
        assert event.evidence == variant[event.evidence_spans[0][0] : event.evidence_spans[0][1]].strip()


def test_recase_keeps_length_and_restores_names():
    from jervis.text.cleaning import recase

    text = "US TROOPS AND ISLAMIC STATE FIGHTERS CLASHED NEAR MOSUL, IRAQ. IT IS NOT CLEAR WHO TOLD US."
    out = recase(text)
    assert len(out) == len(text)
    assert "US troops" in out and "Islamic State" in out and "Mosul, Iraq" in out
    assert "It is not clear who told us." in out


def test_cleaning_offsets_map_back():
    from jervis.text.cleaning import clean, map_span

    text = "A\u200b \ufb01ne \u2026 Kab\x00ul"
    out, offsets = clean(text)
    assert out == "A fine ... Kabul"
    start = out.index("Kabul")
    a, b = map_span((start, start + 5), offsets)
    assert text[a:b] == "Kab\x00ul"
    a, b = map_span((out.index("fi"), out.index("fi") + 1), offsets)
    assert text[a:b] == "\ufb01"
    text = "\x00 Iraq \ufb01re"  # one character out, one in: the same length, other offsets
    out, offsets = clean(text)
    assert out == " Iraq fire" and offsets is not None
    assert text[slice(*map_span((1, 5), offsets))] == "Iraq"


# -- 13. one operation in several countries --------------------------------------------------
@pytest.mark.parametrize(("places", "countries"), [
    ("in Iraq and Syria", ["IRQ", "SYR"]),
    ("in Iraq, Syria and Libya", ["IRQ", "SYR", "LBY"]),
    ("in Iraq, Syria, Yemen and Libya", ["IRQ", "SYR", "YEM", "LBY"]),
])  # fmt: skip
def test_one_event_per_listed_country(places, countries):
    events = _events(f"US aircraft struck Islamic State targets {places} on Monday.")
    assert sorted(e.country for e in events) == sorted(countries)
    assert all(e.actor_side == events[0].actor_side for e in events)
    assert len({e.date for e in events}) == 1


def test_rising_toll_rule_in_the_merge():
    from jervis.text.coref import Draft, _absorb, _start_tally

    def draft(n, group, **values):
        d = Draft(values={"killed": n, **values}, spans={}, sentences=[0], evidence=[],
                  groups={"killed": group}, stated={"killed"})  # fmt: skip
        _start_tally(d)
        return d

    event = draft(3, "civilian", target_killed=3, civilians_killed=3)
    _absorb(event, draft(7, "civilian"))  # the same group's toll rose
    assert event.values["killed"] == event.values["target_killed"] == 7
    assert event.values["civilians_killed"] == 7
    _absorb(event, draft(2, "security"))  # another group: added, the victims' figure stays
    assert event.values["killed"] == 9 and event.values["target_killed"] == 7
    _absorb(event, draft(500, None))  # a larger general figure may count others: not the target's
    assert event.values["killed"] == 500 and event.values["target_killed"] == 7
