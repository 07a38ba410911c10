"""Alternations grouped under their first letter (jervis.text.lexicon.by_first_letter and
factored) match exactly what the plain alternations match: the same spans, the same named group,
in every case, the Unicode letters that fold onto ASCII ones under re.IGNORECASE included."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jervis.text import actors, numbers
from jervis.text.lexicon import by_first_letter, factored

# letters that fold onto an ASCII letter under re.IGNORECASE: long s, Kelvin sign, dotted and
# dotless i; and the usual word and boundary characters
ODD = ["\u017f", "\u212a", "\u0130", "\u0131", "-", " ", "  ", ",", "'", "\n", "_", "1"]


def _spans(pattern: re.Pattern[str], text: str) -> list:
    return [(m.span(), m.lastgroup) for m in pattern.finditer(text)]


def _lexicon_patterns() -> list[str]:
    data = tomllib.loads(resources.files("jervis.data").joinpath("text/lexicon.toml")
                         .read_text(encoding="utf-8"))  # fmt: skip
    return [t["pattern"] for t in data["trigger"]] + [m["pattern"] for m in data["mode"]]


def _words(patterns: list[str]) -> list[str]:
    """The literal words of the patterns (what makes them match), in both cases."""
    words = sorted({w for p in patterns for w in re.findall(r"[A-Za-z]{2,}", p)})
    return words + [w.upper() for w in words[:40]] + [w.title() for w in words[:40]]


def test_grouped_by_first_letter() -> None:
    assert by_first_letter(["soldiers?", "tanks?", "service\\s+members"]) == (
        "(?:s(?:oldiers?|ervice\\s+members)|t(?:anks?))"
    )
    assert by_first_letter(["KIA", "killed"], ignorecase=True) == "(?:k(?:IA|illed))"
    assert by_first_letter(["KIA", "killed"]) == "(?:K(?:IA)|k(?:illed))"


@pytest.mark.parametrize("words", [["\\bhit", "hits"], ["s?hell", "shot"], ["(?:a|b)c", "d"], ["", "a"]])
def test_anything_but_a_plain_first_letter_is_left_as_it_is(words: list[str]) -> None:
    assert by_first_letter(words) == "(?:" + "|".join(words) + ")"


def test_the_shipped_patterns_are_factored_and_match_the_same() -> None:
    patterns = _lexicon_patterns()
    assert sum(factored(p) != p for p in patterns) >= 20  # most of them are lists of words
    words = _words(patterns)
    texts = [" ".join(words[k : k + 12]) for k in range(0, len(words), 5)]
    texts += [t.replace("s", "\u017f").replace("k", "\u212a") for t in texts[:50]]
    for pattern in patterns:
        plain, grouped = re.compile(pattern, re.I), re.compile(factored(pattern), re.I)
        for text in texts:
            assert _spans(plain, text) == _spans(grouped, text), (pattern, text)


def test_patterns_that_do_not_compile_are_reported_as_written() -> None:
    for bad in ["(?:a|b", "a)|(b", "[ab|c", "a|b)"]:
        assert factored(bad) == bad


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(
    st.lists(st.text(alphabet="abkisKS", min_size=1, max_size=4), min_size=2, max_size=8),
    st.lists(st.sampled_from(["a", "b", "k", "i", "s", "K", "I", "S", "ab", "kis", *ODD]),
             max_size=30),  # fmt: skip
    st.booleans(),
)
def test_any_word_list_matches_the_same(words: list[str], pieces: list[str], ignorecase: bool) -> None:
    flags = re.I if ignorecase else 0
    try:
        plain = re.compile(r"\b(?:" + "|".join(words) + r")", flags)
    except re.error:
        return
    grouped = re.compile(r"\b" + by_first_letter(words, ignorecase=ignorecase), flags)
    text = "".join(pieces)
    assert _spans(plain, text) == _spans(grouped, text)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_words(_lexicon_patterns())[::7] + ODD), max_size=25))
def test_the_lexicon_patterns_match_as_written(pieces: list[str]) -> None:
    """Each pattern as load_lexicon uses it: a whole word (the modes) and a named trigger
    branch; an alternation of branches that each match the same matches the same."""
    text = " ".join(pieces)
    for pattern in _lexicon_patterns():
        for form in (r"(?<![\w-])(?:{})(?![\w-])", r"(?<![\w-])(?:(?P<t0>(?:{})(?![\w-])))"):
            plain = re.compile(form.format(pattern), re.I)
            grouped = re.compile(form.format(factored(pattern)), re.I)
            assert _spans(plain, text) == _spans(grouped, text), pattern


# the alternations as they were written before they were grouped by first letter
HEAD = (r"(?:soldiers?|troops?|forces|army|military|militants?|militias?|militiamen|rebels?|"
        r"insurgents?|guerrillas?|gunmen|gunman|attackers?|assailants?|fighters|jihadists?|"
        r"terrorists?|extremists?|police(?:men)?|policem[ae]n|officers?|servicemen|service\s+"
        r"members|guards?|warplanes?|jets?|aircraft|helicopters?|gunships?|drones?|tanks?|"
        r"civilians?|refugees|villagers|protesters|demonstrators|worshippers|students|children|"
        r"people|youths|detainees|prisoners|immigrants|journalists?|workers|residents|agents|"
        r"wom[ae]n|m[ae]n|boys?|girls?|child|teenagers?|farmers?|shepherds?|fishermen|"
        r"bombers?|commanders?|leaders?|officials?|personnel|marines|contractors|diplomats|"
        r"population|positions|targets|camps?|bases?|convoy|checkpoint|patrol|village|town)")
STANDALONE = (r"dead|died|slain|murder|killings?\s+of|in\s+action|KIA|WIA|fatalities|deaths?|hurt|"
              r"lives|wounds|lost|losing|injuries|toll|casualties|no\s+one|nobody|number\s+of|"
              r"bodies|hospital")


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_words([HEAD, STANDALONE, actors._MOD]) + ["U.S.", "Israeli", "and",
                                                                              *ODD]),
                max_size=25))  # fmt: skip
def test_head_words_and_count_hints_match_as_written(pieces: list[str]) -> None:
    text = " ".join(pieces)
    assert [m.span() for m in actors.NP_RE.finditer(text)] == [
        m.span() for m in re.finditer(actors.NP_RE.pattern.replace(actors._HEAD, HEAD), text)]
    assert [m.span() for m in actors._HEAD_END.finditer(text)] == [
        m.span() for m in re.finditer(HEAD + "$", text)]
    assert [m.span() for m in numbers._STANDALONE_HINT.finditer(text)] == [
        m.span() for m in re.finditer(STANDALONE, text, re.I)]
