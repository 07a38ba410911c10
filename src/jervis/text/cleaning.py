"""Text as the extractor reads it, with a map back to the characters the user gave.

Three rules, applied before sentences are split (jervis.text.extract):

- **Invisible characters go**: terminal escape sequences (colours and cursor moves, ``ESC [31m``,
  window titles ``ESC ]0;...BEL``; a log or a terminal capture pasted in), whose printable tail
  would otherwise end up in names ("soldiers[31m"), control characters (C0/C1, DEL) other than tab, newline and
  carriage return, and format characters (zero-width spaces and joiners, soft hyphens, direction
  marks, the byte-order mark) are removed; line and paragraph separators become newlines. A
  control character inside a word ("Ha<BEL>mas") would otherwise cut it in two.
- **Compatibility forms fold** (Unicode NFKC, one character at a time): full-width letters and
  digits, ligatures, the ellipsis character, superscript digits, typographic spaces become their
  plain forms. Quotes and dashes fold later, one for one (jervis.text.pipeline.normalise).
- **A shouting document is re-cased**: when at least 90% of a document's cased letters (and at
  least 20) are capitals, it is lower-cased and then given the capitals an English writer would
  use: the first letter of each sentence and line, and every word or phrase (up to five words)
  that is a known place (the gazetteer) or actor name (the actor dictionary) and not a common
  English word; actor acronyms ("ISIS", "IDF") get their capitals back, and an acronym that is
  also an English word ("US") only before a word that is not one ("us forces" yes, "told us
  that" no). Names, roles and places are found by their capitals; all-capitals text hides them.

Offsets: ``prepare`` returns the text the extractor reads and ``offsets``, the original index of
each of its characters (and the original length at the end), or None when the two texts have
the same length (re-casing and one-for-one folds keep every index). :func:`map_span` takes a span
back to the original text, so every span an event reports names the user's own characters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f"
                        r"\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")  # fmt: skip
# ECMA-48: CSI (ESC [ or C1 CSI, parameters, intermediates, a final byte), OSC/DCS/PM/APC strings
# up to BEL or ST, and two-character escapes (ESC and one more).
_ESCAPE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"
                     r"|\x1b[ -/]*[0-~]?")  # fmt: skip
_SEPARATORS = {"\u2028": "\n", "\u2029": "\n", "\x85": "\n"}
_SHOUTING_RATIO = 9  # capitals per small letter: 90% of the cased letters
_SHOUTING_MIN = 20
_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))


def prepare(text: str) -> tuple[str, list[int] | None]:
    """(text to read, offsets or None): see the module docstring."""
    text, offsets = clean(text)
    return (recase(text) if shouting(text) else text), offsets


def clean(text: str) -> tuple[str, list[int] | None]:
    """Invisible characters removed, compatibility forms folded: (text, offsets or None)."""
    if "\x1b" in text or "\x9b" in text:
        inside = {j for m in _ESCAPE.finditer(text) for j in range(*m.span())}
        kept = [i for i in range(len(text)) if i not in inside] + [len(text)]
        rest, where = clean("".join(text[i] for i in kept[:-1]))
        return rest, [kept[j] for j in where] if where is not None else kept
    if text.isascii() and not _INVISIBLE.search(text):
        return text, None  # the common case: nothing to do
    changed = {}
    for ch in set(_SPECIAL.findall(text)):
        rep = _fold(ch)
        if rep != ch:
            changed[ord(ch)] = rep
    if not changed:
        return text, None
    cleaned = text.translate(changed)
    if all(len(rep) == 1 for rep in changed.values()):
        return cleaned, None  # one-for-one replacements: the indices hold
    where: list[int] = []
    pos = 0
    for m in _SPECIAL.finditer(text):
        i = m.start()
        rep = changed.get(ord(text[i]))
        if rep is None or len(rep) == 1:
            continue
        where.extend(range(pos, i))
        where.extend([i] * len(rep))
        pos = i + 1
    where.extend(range(pos, len(text) + 1))  # the rest, and the original length at the end
    return cleaned, where


def without_escapes(text: str) -> str:
    """The user's characters without terminal escape sequences (evidence: the original
    characters otherwise, invisible ones included)."""
    return _ESCAPE.sub("", text)


_SPECIAL = re.compile(r"[^\t\n\r\x20-\x7e]")  # anything but printable ASCII, tab and newlines


@lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    """What one character becomes: "" (invisible), a newline (a line separator) or its NFKC form."""
    if ch in _SEPARATORS:
        return _SEPARATORS[ch]
    if _INVISIBLE.match(ch):
        return ""
    return unicodedata.normalize("NFKC", ch)


def map_span(span: tuple[int, int], offsets: list[int] | None) -> tuple[int, int]:
    """A span of the prepared text as a span of the original text (the whole original
    characters that the span's characters came from)."""
    if offsets is None:
        return span
    a, b = span
    a = max(0, min(a, len(offsets) - 1))
    b = max(a, min(b, len(offsets) - 1))
    return offsets[a], (offsets[b - 1] + 1 if b > a else offsets[a])


def shouting(text: str) -> bool:
    """At least 90% of the cased letters (and at least 20 of them) are capitals."""
    raw = text.encode("ascii", "ignore")  # bytes.translate counts in C: microseconds
    upper = len(raw) - len(raw.translate(None, _ASCII_UPPER))
    lower = len(raw) - len(raw.translate(None, _ASCII_LOWER))
    other = len(text) - len(raw)  # characters outside ASCII: letters of either case, or none
    if upper + other < _SHOUTING_RATIO * lower:
        return False  # even if every other character were a capital
    if other:
        upper = lower = 0
        for ch in text:
            if ch.isupper():
                upper += 1
            elif ch.islower():
                lower += 1
    return upper >= _SHOUTING_MIN and upper >= _SHOUTING_RATIO * lower


_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_JOIN = re.compile(r"[ \t]+|-|[ \t]*[.'][ \t]*")  # what may stand between two words of a name
_SENTENCE_START = re.compile(r"(?:^|[.!?][\"')\]]*\s+|\n\s*)[\"'(\[]*([^\W\d_])")
_MAX_WORDS = 5


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], frozenset[str], frozenset[str]]:
    """(known name key -> its written form, or "" for a place: title case), acronyms, common
    words; keys as jervis.text.gazetteer.normalise makes them."""
    from spacy.lang.en.stop_words import STOP_WORDS

    from jervis.text import actors
    from jervis.text.gazetteer import Gazetteer, _common_words, normalise

    forms: dict[str, str] = dict.fromkeys(Gazetteer.load().names(), "")
    aliases = actors._dictionary().aliases()
    acronyms = frozenset(a.replace(".", "").casefold() for a in aliases
                         if a.replace(".", "").isupper() and 1 < len(a) <= 6)  # fmt: skip
    for alias in sorted(aliases):
        if any(c.isupper() for c in alias):  # a name as the dictionary writes it
            forms.setdefault(normalise(alias), alias)
    common = frozenset(w.casefold() for w in _common_words()) | frozenset(STOP_WORDS)
    forms.pop("", None)
    return forms, acronyms, common


def recase(text: str) -> str:
    """A shouting text in the case an English writer would use (module docstring); the same
    length, so every offset holds."""
    low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    chars = list(low)
    forms, acronyms, common = _names()
    words = [(m.start(), m.end()) for m in _WORD.finditer(low)]
    i = 0
    while i < len(words):
        n, form = _longest_name(low, words, i)
        if n == 0:
            a, b = words[i]
            key = low[a:b].replace("'", "")
            if key in acronyms and (key not in common or _before_plural(low, words, i + 1, common)):
                chars[a:b] = list(low[a:b].upper())
            i += 1
            continue
        shape = [low_form for low_form in _WORD.findall(form)] if form else []
        for k, (a, b) in enumerate(words[i : i + n]):
            word = low[a:b]
            if len(shape) == n:  # the dictionary's own capitals ("al-Shabaab", "IDF")
                model = shape[k]
                if model.isupper() and len(model) == len(word):
                    chars[a:b] = list(word.upper())
                elif model[:1].isupper():
                    chars[a] = word[0].upper()
            elif k == 0 or word not in common:  # a place: "Kafr Nabl", "Republic of the Congo"
                chars[a] = word[0].upper()
        i += n
    for m in _SENTENCE_START.finditer(low):
        chars[m.start(1)] = chars[m.start(1)].upper()
    out = "".join(chars)
    return out if len(out) == len(text) else text


def _before_plural(low: str, words: list[tuple[int, int]], j: int, common: frozenset[str]) -> bool:
    """An acronym that is also an English word ("us", "is") is one only before a hyphen ("us-led")
    or a plural word that is not a common one ("us troops", "is fighters"); "told us that", "it
    is expected" stay words."""
    if j >= len(words):
        return False
    a, b = words[j]
    if low[words[j - 1][1] : a] == "-":
        return True
    word = low[a:b]
    return word.endswith("s") and not word.endswith("ss") and word not in common


def _longest_name(low: str, words, i: int) -> tuple[int, str]:
    """(how many words from words[i] form the longest known name, its written form); (0, "")
    for none. A single common English word is never a name ("police", "said")."""
    from jervis.text.gazetteer import normalise

    forms, _, common = _names()
    best = (0, "")
    for n in range(1, _MAX_WORDS + 1):
        if i + n > len(words):
            break
        if n > 1 and not _JOIN.fullmatch(low[words[i + n - 2][1] : words[i + n - 1][0]]):
            break
        key = normalise(low[words[i][0] : words[i + n - 1][1]])
        if key in forms and (n > 1 or key not in common):
            best = (n, forms[key])
    return best
