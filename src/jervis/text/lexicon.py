"""The extractor's word lists and patterns, loaded once from data (src/jervis/data/text/).

Users can replace the shipped lexicon with their own copy: JERVIS_TEXT_LEXICON=PATH.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from jervis.errors import JervisError


def by_first_letter(alternatives: Iterable[str], *, ignorecase: bool = False) -> str:
    """``(?:a|b|...)`` with the alternatives that start with the same letter under one branch
    ("s(?:oldiers?|ervicemen)|t(?:roops?|anks?)"): the same matches, preferred in the same order.

    Python's engine tries every branch of an alternation at every position of the text; grouped
    by their first letter, a list of 80 words is 20 branches, and it scans about twice as fast.
    Alternatives that start with different letters cannot match at the same position, so only
    the order within a letter matters, and it is kept. ``ignorecase``: the pattern is compiled
    with re.IGNORECASE, so "K" and "k" are one letter (no other letter folds onto an ASCII
    letter's branch). A list with an alternative that does not start with a plain letter (an
    escape, a group, a letter under a quantifier) is joined as it is.
    """
    alts = list(alternatives)
    groups: dict[str, list[str]] = {}
    for alt in alts:
        first = alt[:1]
        if not (first.isascii() and first.isalpha()) or alt[1:2] in ("?", "*", "+", "{"):
            return "(?:" + "|".join(alts) + ")"
        groups.setdefault(first.lower() if ignorecase else first, []).append(alt[1:])
    return "(?:" + "|".join(f"{key}(?:{'|'.join(rest)})" for key, rest in groups.items()) + ")"


def factored(pattern: str) -> str:
    """A lexicon pattern compiled with re.IGNORECASE, its alternatives grouped under their first
    letter (:func:`by_first_letter`) when the pattern is a list of them ("drones?|uavs?|...",
    "(?:attacked|bombed|...)"): the same matches. Any other pattern, or one that does not
    compile (its error is reported as written), is returned as it is."""
    try:
        re.compile(pattern, re.IGNORECASE)
    except re.error:
        return pattern
    inner = pattern
    if pattern.startswith("(?:") and _closing(pattern, 0) == len(pattern) - 1:
        inner = pattern[3:-1]
    alts = _top_alternatives(inner)
    if alts is None or len(alts) < 2:
        return pattern
    grouped = by_first_letter(alts, ignorecase=True)
    return pattern if grouped == "(?:" + "|".join(alts) + ")" else grouped


def _syntax(pattern: str, start: int = 0) -> list[tuple[int, str]] | None:
    """The characters of ``pattern`` from ``start`` that are regex syntax at the top of a
    class-free reading: not escaped and not inside a character class, with their indices
    (None if a class does not close)."""
    out, i = [], start
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            end = _class_end(pattern, i)
            if end is None:
                return None
            i = end
        else:
            out.append((i, c))
        i += 1
    return out


def _closing(pattern: str, start: int) -> int | None:
    """The index of the parenthesis that closes the one at ``start``."""
    depth = 0
    for i, c in _syntax(pattern, start) or ():
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
    return None


def _class_end(pattern: str, i: int) -> int | None:
    """The index of the "]" that closes the character class opened at ``i``."""
    j = i + 1
    if pattern[j : j + 1] == "^":
        j += 1
    if pattern[j : j + 1] == "]":  # a "]" first in the class is a member
        j += 1
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
            continue
        if pattern[j] == "]":
            return j
        j += 1
    return None


def _top_alternatives(pattern: str) -> list[str] | None:
    """The pattern split at its top-level "|" (None if its brackets do not balance)."""
    syntax = _syntax(pattern)
    if syntax is None:
        return None
    alts, depth, last = [], 0, 0
    for i, c in syntax:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                return None
        elif c == "|" and depth == 0:
            alts.append(pattern[last:i])
            last = i + 1
    if depth != 0:
        return None
    alts.append(pattern[last:])
    return alts


@dataclass(frozen=True)
class Trigger:
    id: str
    kind: str  # verb | noun | casualty
    event: str
    mode: str | None
    weak: bool
    broad: bool = False  # a candidate for the learned classifiers only


@dataclass(frozen=True)
class Lexicon:
    triggers: tuple[Trigger, ...]
    trigger_re: re.Pattern[str]  # one alternation, group t<i> = triggers[i]
    broad_re: re.Pattern[str] | None  # the broad triggers (learned detector's candidates)
    prefilter: re.Pattern[str] | None  # cheap stems: a sentence without any has no trigger
    modes: tuple[tuple[str, re.Pattern[str]], ...]
    cues: dict[str, re.Pattern[str]]

    def trigger_of(self, match: re.Match[str]) -> Trigger:
        return self.triggers[int((match.lastgroup or "t0")[1:])]


def _word(pattern: str) -> str:
    """The pattern as whole words: a hyphen joins words ("anti-attack", "attack-helicopter")."""
    return r"(?<![\w-])(?:" + pattern + r")(?![\w-])"


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> Lexicon:
    """Compile the lexicon (shipped file, or JERVIS_TEXT_LEXICON, or the given path)."""
    path = path or os.environ.get("JERVIS_TEXT_LEXICON") or None
    try:
        if path:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        else:
            ref = resources.files("jervis.data").joinpath("text/lexicon.toml")
            data = tomllib.loads(ref.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise JervisError("text lexicon not found", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise JervisError(f"not a valid TOML lexicon ({exc})", path=path) from None
    try:
        triggers = tuple(
            Trigger(t["id"], t["kind"], t["event"], t.get("mode"), t.get("strength") == "weak",
                    bool(t.get("broad")))
            for t in data["trigger"]
        )
        def alternation(broad: bool) -> str:
            # _word() of each pattern, its zero-width start check hoisted out of the alternation
            # (the same matches, groups and spans; the engine tests it once per position instead
            # of once per trigger: the whole trigger scan takes ~40% less time)
            # (factored: each pattern's words grouped under their first letter, the same matches)
            parts = [f"(?P<t{i}>(?:{factored(t['pattern'])})(?![\\w-]))"
                     for i, t in enumerate(data["trigger"]) if bool(t.get("broad")) == broad]  # fmt: skip
            return r"(?<![\w-])(?:" + "|".join(parts) + ")" if parts else ""

        trigger_re = re.compile(alternation(False), re.IGNORECASE)
        broad = alternation(True)
        broad_re = re.compile(broad, re.IGNORECASE) if broad else None
        modes = tuple((m["mode"], re.compile(_word(factored(m["pattern"])), re.IGNORECASE))
                      for m in data["mode"])  # fmt: skip
        # (the cues are kept as written: jervis.text.roles reads the words of one from its text)
        cues = {k: re.compile(_word(v), re.IGNORECASE) for k, v in data["cues"].items()}
        stems = data.get("prefilter", {}).get("stems")
        # stems that all start with a word character: "(?=\w)" skips word ends at once (the same
        # sentences pass, in half the time)
        # (by_first_letter: the stems grouped under their first letter, the same matches)
        lead = r"\b(?=\w)" if stems and all(re.match(r"\w", s) for s in stems) else r"\b"
        prefilter = (re.compile(lead + by_first_letter(stems, ignorecase=True), re.IGNORECASE)
                     if stems else None)  # fmt: skip
    except (KeyError, re.error) as exc:
        raise JervisError(f"bad text lexicon entry ({exc})", path=path) from None
    return Lexicon(triggers, trigger_re, broad_re, prefilter, modes, cues)
