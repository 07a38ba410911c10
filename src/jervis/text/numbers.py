"""Counts in news text: "two", "a dozen", "at least 25", "dozens", "1 KIA" -> int or None.

Conventions (documented in docs/extraction.md):
- A bound is read as the number it names: "at least 25", "more than 25", "up to 25" -> 25.
- Vague plurals ("dozens", "scores", "hundreds", "thousands") -> None, like "several", "many",
  "a number of", "an unknown number", "some": the text gives no number (never 0). (Until the
  third round they were read as a lower bound, "dozens" -> 24; every hand-annotated gold set
  here codes them as no number, and a made-up figure is a wrong count.)
- "no one", "nobody", "no casualties" -> 0: the text says none.
- A count is a whole number from 0 to MAX_COUNT (one million). The deadliest single attacks on
  record killed in the order of a hundred thousand people (the atomic bombing of Hiroshima:
  about 140,000), so a larger figure for one event is a misreading or nonsense ("a billion
  billion", "9999999999 people"), and gives no count. A decimal is a count only with a scale
  word that makes it whole ("2.5 thousand" = 2,500; "2.5 people" is none); numbers in exponent
  or power notation ("1e30", "10^30") are not counts.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jervis.text.lexicon import by_first_letter

_UNITS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "both": 2, "pair": 2, "couple": 2,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 10**9,
           "trillion": 10**12}
MAX_COUNT = 1_000_000


def bounded(count: int | None) -> int | None:
    """The count if it is a plausible toll of one event (0 to MAX_COUNT), else None."""
    return count if count is not None and 0 <= count <= MAX_COUNT else None
_VAGUE: dict[str, int | None] = dict.fromkeys(("dozens", "scores", "hundreds", "thousands", "tens"))
_VAGUE_RE = re.compile(r"\b(?:" + "|".join(_VAGUE) + r")\s*$", re.IGNORECASE)
UNKNOWN_WORDS = ("several", "many", "some", "numerous", "unknown", "unspecified", "undisclosed",
                 "countless", "multiple", "a number of", "an unknown number", "a few", "few")  # fmt: skip

_SCALE = r"(?:hundred|thousand|million|billion|trillion)"
_WORD_NUM = (
    r"(?:(?:" + "|".join(sorted(_TENS, key=len, reverse=True)) + r")(?:[-\s](?:"
    + "|".join(k for k in _UNITS if k not in ("a", "an", "both", "pair", "couple", "single"))
    + r"))?|" + "|".join(k for k in _UNITS if k not in ("a", "an", "both", "pair", "couple"))
    + r")(?:\s+" + _SCALE + r")*|" + _SCALE + r"(?:\s+" + _SCALE + r")*"
)
# digits neither part of an exponent or a power ("1e30", "10^30", "10**30") nor the tail of a
# decimal or grouped number ("2.5", "1,000": read whole or not at all)
_DIGITS = (r"(?<![\d.,^*])(?<![\d.][eE])(?<![eE][+-])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![eE][+-]?\d|\s*(?:\^|\*\*))(?:\s+" + _SCALE
           + r")*")
_BOUND = r"(?:(?:at\s+least|more\s+than|over|nearly|almost|about|around|some|roughly|approximately|up\s+to|as\s+many\s+as|fewer\s+than|less\s+than|an\s+estimated|a\s+total\s+of|a\s+further|another|(?:a|the)\s+)\s*)?"  # noqa: E501
NUMBER = (
    _BOUND
    + r"(?:half\s+a\s+dozen|a\s+dozen|a\s+couple\s+of|a\s+pair\s+of|dozens|scores|hundreds|thousands|tens"
    + r"|" + _DIGITS + r"|" + _WORD_NUM + r")"
)
NUMBER_RE = re.compile(r"\b" + NUMBER + r"\b", re.IGNORECASE)
UNKNOWN_RE = re.compile(
    r"\b(?:an?\s+)?(?:unknown|unspecified|undisclosed|unconfirmed)\s+number\b|\b(?:several|many|"
    r"numerous|multiple|countless|an?\s+(?:[\w-]+\s+){0,2}?number\s+of|a\s+few)\b",
    re.IGNORECASE,
)
NONE_RE = re.compile(r"\b(?:no\s+one|nobody|none|no\s+(?:casualties|injuries|deaths|fatalities))\b",
                     re.IGNORECASE)  # fmt: skip


def parse_number(phrase: str) -> int | None:
    """The integer a count phrase names, or None when it names no definite number."""
    text = phrase.strip().lower().replace(",", "")
    text = re.sub(r"\s+", " ", text)
    if not text:
        return None
    if NONE_RE.fullmatch(text):
        return 0
    text = re.sub(
        r"^(?:at least|more than|over|nearly|almost|about|around|some|roughly|approximately|"
        r"up to|as many as|fewer than|less than|an estimated|a total of|a further|another|"
        r"the|a) ",
        "",
        text,
    )
    if text in ("half a dozen",):
        return 6
    if text in ("a dozen", "dozen"):
        return 12
    if text in ("a couple of", "a pair of"):
        return 2
    if text in _VAGUE:
        return _VAGUE[text]
    if re.search(r"\d\s*(?:[eE][+-]?\d|\^|\*\*)", text):
        return None  # exponent or power notation: not a count
    match = re.fullmatch(r"(\d+)(?:\.(\d+))?((?: (?:hundred|thousand|million|billion|trillion))*)",
                         text)  # fmt: skip
    if match:
        scale = 1
        for word in match.group(3).split():
            scale *= _SCALES[word]
        whole, frac = int(match.group(1)), match.group(2) or ""
        if frac.strip("0") and (scale == 1 or (int(frac) * scale) % 10 ** len(frac)):
            return None  # "2.5 people": not a whole number
        return bounded(whole * scale + (int(frac) * scale) // 10 ** len(frac) if frac else whole * scale)
    return bounded(_words_to_int(text))


def _words_to_int(text: str) -> int | None:
    total = 0
    current = 0
    seen = False
    for word in re.split(r"[\s-]+", text):
        if word in ("and", ""):
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total += current
                current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


# --- casualty counts around a mention ------------------------------------------------------

_N = r"\b(?P<n>" + NUMBER + r"|both)(?![-\s]+times\b)"  # whole words only ("everyone" holds no "one"); "both" only here: NUMBER is shared
_AUX = (r"(?:were|was|have\s+been|has\s+been|had\s+been|are|is|got|being)\s+"
        r"(?:(?:\w+ly|also|all|later|then|too)\s+)?")
_ACTIVE_RE = re.compile(r"^\s+(?:or\s+\w+\s+)?" + _N + r"\b(?![-\s]*(?:year|month|week)s?[-\s]old)",
                        re.IGNORECASE)  # fmt: skip
_ACTIVE_ONE_RE = re.compile(
    r"^\s+(?:(?P<a>an?)\s+(?:[\w'-]+\s+){0,3}?[\w'-]+|the\s+(?:[\w'-]+\s+){0,2}?(?P<head>[\w'-]+))"
    r"(?=\s+(?:of|in|on|at|and|near|who|as|,)\b|[,.]|$)",
    re.IGNORECASE,
)
_UNKNOWN_AFTER_RE = re.compile(r"^\s+(?:an?\s+)?(?:unknown|unspecified|undisclosed|unconfirmed)\s+"
                               r"number|^\s+(?:several|many|numerous|scores\s+of\s+\w+\s+and)",
                               re.IGNORECASE)  # fmt: skip
_PASSIVE_RE = re.compile(_N + r"\s+(?:[\w'.-]+\s+){0,5}?" + _AUX + r"$", re.IGNORECASE)
_PASSIVE_ONE_RE = re.compile(r"(?:^|\b)(?P<a>an?)\s+(?:[\w'.-]+\s+){0,4}?" + _AUX + r"$",
                             re.IGNORECASE)  # fmt: skip
_HEADLINE_RE = re.compile(_N + r"\s+(?:[\w'.-]+\s+){0,3}?$", re.IGNORECASE)
# "one guard was killed and another wounded": "another" with the verb left out is one more
_ANOTHER_RE = re.compile(r"\b(?P<a>another|one\s+(?:more|other))\s+(?:[\w'.-]+\s+){0,2}?(?:"
                         + _AUX + r")?$", re.IGNORECASE)  # fmt: skip
# "the driver was killed", "Mayor X was wounded": a singular verb whose subject names no number
_SINGULAR_RE = re.compile(r"(?:^|\b)(?P<subject>[\w'.-]+(?:\s+[\w'.-]+){0,4}?)\s+(?:was|has\s+been)\s+"
                          r"(?:(?:\w+ly|also|later|then|too)\s+)?$",
                          re.IGNORECASE)  # fmt: skip
_NOT_ONE = frozenset("everyone everybody anyone anybody all each much most part rest nobody none "
                     "it this that which what who whom he she".split())  # fmt: skip
# ("he was killed" is left to the parse, which reads it in a sentence that reports an attack: in
# word order alone it would make a toll of a sentence about someone the text left behind)
_COLLECTIVE_HEAD = frozenset("family crew staff personnel police army militia people unit group "
                             "convoy force forces team".split())  # fmt: skip
# a casualty word: a number before another one is that word's, not the next one's
_CASUALTY_WORD = re.compile(r"\b(?:kill|dead|died|dies|wound|injur|hurt|slain|murder)",
                            re.IGNORECASE)  # fmt: skip
_PLURAL_OK = frozenset("people police personnel staff crew army militia".split())
# the toll in other words ("the number of dead", "the number of people killed"): the standalone
# counts and the extractor's rising-toll patterns read it alike
NUMBER_OF_DEAD = (r"number\s+of\s+(?:the\s+)?(?:dead|deaths|fatalities|(?:people|persons|those|"
                  r"civilians)\s+(?:killed|dead|who\s+died))")

STANDALONE = [
    ("killed", re.compile(_N + r"\s+(?:[\w'.-]+\s+){0,4}?(?:" + _AUX + r"|(?:had|have|has)\s+)?"
                          r"(?:dead|died|slain|murdered|"
                          r"killed\s+in\s+action)\b|" + _N.replace("<n>", "<n2>")
                          + r"\s+(?:KIA|fatalities|deaths)\b", re.IGNORECASE)),
    ("wounded", re.compile(_N + r"\s+(?:[\w'.-]+\s+){0,4}?(?:" + _AUX + r")?(?:hurt|"
                           r"wounded\s+in\s+action)\b|" + _N.replace("<n>", "<n2>")
                           + r"\s+(?:WIA|injuries)\b", re.IGNORECASE)),
    ("killed", re.compile(r"\b(?:left|leaving)\s+" + _N + r"\s+(?:[\w'-]+\s+){0,3}?dead\b", re.I)),
    ("killed", re.compile(r"\bmurders?\s+of\s+" + _N + r"\s+(?:[\w'-]+\s+){0,2}?"
                          r"(?:people|persons|civilians?|soldiers?|troops?|officers?|policem[ae]n|"
                          r"workers?|villagers?|children|men|women|fighters?|members?|"
                          r"journalists?|students?|worshippers?|guards?|residents?)\b", re.I)),
    ("killed", re.compile(r"\b(?:death\s+)?toll\s+(?:\w+\s+){0,3}?(?:to|of|at)\s+" + _N, re.I)),
    # the toll said in other words: "the number of dead climbed to N", "the number of those
    # killed ... reached N"; a bare "the figure reached N" is left alone (a figure of what?)
    ("killed", re.compile(r"\b" + NUMBER_OF_DEAD + r"\s+(?:[\w'.-]+\s+){0,24}?"
                          r"(?:rose|has\s+risen|had\s+risen|climbed|reached|increased|jumped|stood|"
                          r"stands|was|is)\s+(?:to\s+|at\s+)?" + _N, re.I)),
    # bodies recovered are the dead: "N bodies were pulled from the debris", "N bodies found"
    ("killed", re.compile(_N + r"\s+(?:[\w'-]+\s+){0,2}?bodies\s+(?:had\s+|have\s+|were\s+|"
                          r"are\s+)?(?:been\s+|being\s+)?(?:recovered|found|retrieved|pulled|"
                          r"collected|brought|taken)\b", re.I)),
    # the toll named with its attack before the verb: "the toll from Monday's bombing at a
    # market in X rose to 41" (a phrase of up to 24 words, no clause break, then the toll's verb)
    ("killed", re.compile(r"\b(?:death\s+)?toll\s+(?:from|of|in)\s+(?:[\w'.-]+\s+){1,24}?"
                          r"(?:rose|has\s+risen|had\s+risen|climbed|reached|increased|jumped|"
                          r"stood|stands|was\s+put|is\s+put)\s+(?:to\s+|at\s+)?" + _N, re.I)),
    # "N people lost their lives", "claimed the lives of N", "N suffered (serious) injuries"
    ("killed", re.compile(_N + r"\s+(?:[\w'.-]+\s+){0,4}?(?:lost|losing)\s+their\s+lives\b|"
                          r"\b(?:claimed|claiming|took|taking)\s+the\s+lives\s+of\s+"
                          + _N.replace("<n>", "<n2>"), re.I)),
    # a side's own dead: "the rebels said they lost seven fighters"
    ("killed", re.compile(r"\b(?:lost|losing)\s+" + _N + r"\s+(?:of\s+(?:its|their|our)\s+)?"
                          r"(?:[\w'-]+\s+){0,2}?(?:soldiers|troops|fighters|men|servicemen|members|"
                          r"officers|policemen|personnel|militants|rebels)\b", re.I)),
    # the wounded as hospitals count them: "N hospitalised", "N admitted to a city hospital",
    # "N still under treatment at hospitals"
    ("wounded", re.compile(_N + r"\s+(?:[\w'.-]+\s+){0,3}?(?:" + _AUX + r")?(?:being\s+)?(?:treated\s+"
                           r"(?:in|at)\s+(?:\w+\s+){0,2}?hospitals?|hospitali[sz]ed|admitted\s+to\s+"
                           r"(?:\w+\s+){0,2}?hospitals?)\b", re.I)),
    ("wounded", re.compile(_N + r"\s+(?:[\w'.-]+\s+){0,4}?(?:suffered|sustained|suffering)\s+"
                           r"(?:\w+\s+)?(?:injuries|wounds)\b", re.I)),
    ("killed", re.compile(r"(?:^|\b)(?P<a>an?)\s+(?:[\w'.-]+\s+){0,4}?(?:died|was\s+killed)\b",
                          re.I)),
]


def _value(match: re.Match[str]) -> int | None:
    groups = match.groupdict()
    if groups.get("a"):
        return 1
    text = groups.get("n") or groups.get("n2")
    return parse_number(text) if text else None


def casualty_count(norm: str, start: int, end: int, passive: bool) -> tuple[int | None, bool]:
    """(count, stated) for the casualty verb at norm[start:end].

    stated is True when the text says something about the number, even "an unknown number"
    (count None) - so a later sentence does not overwrite a deliberate "unknown".
    """
    after = norm[end : end + 60]
    before = norm[max(0, start - 70) : start]
    if re.match(r"^\s+or\s+(?:wound|injur|kill)", after, re.I) or re.search(
        r"(?:kill\w*|wound\w*|injur\w*)\s+or\s+$", before, re.I
    ):
        return None, True  # "killed or wounded 50": not a count of either
    if not passive:
        if _UNKNOWN_AFTER_RE.match(after):
            return None, True
        match = _ACTIVE_RE.match(after)
        if match:
            return _plus_more(parse_number(match.group("n")), norm, end + match.end()), True
        match = _ACTIVE_ONE_RE.match(after)
        if match:
            head = (match.group("head") or "").lower()
            if match.group("a") or (head and not head.endswith("s") and head not in _PLURAL_OK):
                return _plus_more(1, norm, end + match.end()), True
    before_clause = re.split(r"[;:()]|,\s", before)[-1]
    if passive and _NONE_SUBJECT.search(before_clause):
        return 0, True  # "no one was hurt", "nobody was injured"
    for pattern in (_PASSIVE_RE, _PASSIVE_ONE_RE, _HEADLINE_RE, _ANOTHER_RE):
        match = _own_number(pattern, before_clause)
        if match and UNKNOWN_RE.search(match.group(0)):
            return None, True  # "a large number of fighters were killed": no number
        if match:
            value = _value(match)
            if value is not None:  # "four soldiers and seven civilians were killed": 11
                return _joined(value, match), True
            if pattern is _PASSIVE_RE and re.search(r"\d|" + _SCALE, match.group("n"), re.I):
                return None, True  # a figure out of bounds ("a billion billion"): no count
    match = _SINGULAR_RE.search(before_clause)
    if match and _one_victim(match.group("subject")):
        return 1, True  # "the driver was killed": one victim
    return None, False


_ATTACKER_NOUN = (r"\b(?:attackers?|assailants?|(?:suicide\s+)?bombers?|gunm[ae]n|hijackers?|"
                  r"perpetrators?|raiders?|kidnappers?)\b")
_ATTACKERS_BEFORE = re.compile(_ATTACKER_NOUN + r"(?:\s+[\w'-]+){0,3}?\s+(?:" + _AUX + r")?$",
                               re.IGNORECASE)  # fmt: skip
_ATTACKERS_AFTER = re.compile(r"^\s+(?:[\w'-]+\s+){0,3}?" + _ATTACKER_NOUN, re.IGNORECASE)


_ATTACKERS_COUNTED = re.compile(r"^(?:\W*(?:left|leaving)\s+)?\W*(?:" + NUMBER + r"|both)\s+"
                                r"(?:of\s+the\s+)?(?:[\w'-]+\s+){0,2}?" + _ATTACKER_NOUN
                                + r"(?!\s+by\b)", re.IGNORECASE)  # fmt: skip
_DIED = re.compile(r"(?:died|dies|die|dead|perished|were\s+slain)\b", re.IGNORECASE)


def attackers_died(norm: str, start: int, end: int, passive: bool) -> bool:
    """The casualty word at norm[start:end] counts the attackers ("the bomber was killed",
    "three of the gunmen were also killed", "killing two of the attackers"): for an attack,
    attackers who die in their own attack are not its victims."""
    if _ATTACKERS_COUNTED.search(norm[start:end]):
        return True  # a figure's own phrase names them: "14 attackers died", "left 3 gunmen dead"
    intransitive = bool(_DIED.match(norm[start:end]))  # "N attackers died": its subject died
    if not passive and not intransitive and not re.search(r"\b" + _AUX + r"$",
                                                          norm[max(0, start - 30) : start]):
        # the subject of an active verb is who killed
        return bool(_ATTACKERS_AFTER.match(norm[end : end + 40]))
    clause = re.split(r"[;:()]|,\s|\band\b", norm[max(0, start - 60) : start])[-1]
    return bool(_ATTACKERS_BEFORE.search(clause))


_PARTY_SAID = re.compile(
    r"\b(?:army|military|armed\s+forces|troops|air\s+force|navy|defen[cs]e\s+ministry|ministry\s+"
    r"of\s+defen[cs]e|high\s+command|state\s+(?:television|tv|media|news\s+agency)|IDF)(?:'s)?"
    r"(?:\s+[\w'-]+){0,3}?\s+(?:said|says|claimed|claims|announced|reported|stated|added)\b",
    re.IGNORECASE)  # fmt: skip


def enemy_claim(norm: str, start: int, end: int, passive: bool | None = None) -> bool:
    """The count at norm[start:end] is a party's claim of its enemy's losses: armed men
    (fighters, rebels, militants) counted in what an army, a military or state media said
    ("the army said about 20 rebels were killed"). A party's own losses ("two of its soldiers")
    and a neutral source's figures (a monitor, medics, officials) are counts."""
    group = victim_group(norm, start, end, passive)
    if group is None or group.partition(":")[0] != "armed" or group.endswith(":own"):
        return False
    return bool(_PARTY_SAID.search(norm[max(0, start - 120) : start]))


def _one_victim(subject: str) -> bool:
    """A subject before a singular "was killed" that is one person: no number, no quantifier
    ("everyone on board"), no pronoun that stands for a thing or a clause, no collective head
    ("the crew"), no other casualty word."""
    words = subject.lower().split()
    return bool(words) and not (
        NUMBER_RE.search(subject) or _NOT_ONE.intersection(words)
        or words[-1].removesuffix("'s") in _COLLECTIVE_HEAD or _CASUALTY_WORD.search(subject)
    )  # fmt: skip


_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_MONTH_AFTER = re.compile(r"\s+" + _MONTH + r"\b", re.IGNORECASE)
_MONTH_BEFORE = re.compile(r"\b" + _MONTH + r"\s+$", re.IGNORECASE)


def _a_date(match: re.Match[str]) -> bool:
    """The match's number is a day of the month ("on 6 May", "on May 6") or part of a number
    written with a slash ("6/6"), not a count."""
    name = "n" if match.groupdict().get("n") else "n2" if match.groupdict().get("n2") else None
    if name is None or not match.group(name)[-1:].isdigit():
        return False
    text = match.string
    if text[match.start(name) - 1 : match.start(name)] == "/" or text.startswith("/", match.end(name)):
        return True  # "6/6", "5/6": a date or a picture's number in a gallery
    return bool(_MONTH_AFTER.match(text, match.end(name))
                or _MONTH_BEFORE.search(text[max(0, match.start(name) - 12) : match.start(name)]))


def _joined(value: int, match: re.Match[str]) -> int | None:
    """The count of a victims' phrase before its verb, with the counts joined to it by "and"
    up to the verb ("four soldiers and seven civilians were killed": 11)."""
    if not match.groupdict().get("n"):
        return value
    return _plus_more(value, match.string[: match.end()], match.end("n"))


def _own_number(pattern: re.Pattern[str], clause: str) -> re.Match[str] | None:
    """The first match of a count pattern that ends at the casualty word (the clause's end) with
    no other casualty word between its number and it: in "12 dead and 30 injured" the 12 is the
    dead's, so "injured" takes 30; in "two members of the 101 battalion were killed" the first
    number, which opens the victims' phrase, is the count."""
    pos = 0
    while (match := pattern.search(clause, pos)) is not None:
        if not _a_date(match) and not _CASUALTY_WORD.search(
            clause, match.end("n") if "n" in match.re.groupindex and match.group("n")
            else match.end(1)
        ):
            return match
        pos = match.start() + 1
    return None


def count_span(norm: str, start: int, end: int, passive: bool) -> tuple[int, int]:
    """The words that give the count of the casualty verb at norm[start:end]: the verb and the
    whole number phrase with the noun it counts ("killed twenty-three civilians", "three
    soldiers were wounded"), or the verb alone when no number is next to it. Both ends fall on
    word boundaries."""
    a, b = start, end
    match = None if passive else _ACTIVE_RE.match(norm[end : end + 60])
    if match is not None:
        b = end + match.end()
        noun = re.match(r"\s+(?:[\w'-]+\s+){0,2}?" + _VICTIM_NOUN, norm[b : b + 60], re.IGNORECASE)
        b += noun.end() if noun else 0
    else:
        before = norm[max(0, start - 70) : start]
        clause = re.split(r"[;:()]|,\s", before)[-1]
        found = _PASSIVE_RE.search(clause) if passive else None
        if found is not None:
            a = start - len(clause) + found.start()
    while a > 0 and norm[a - 1].isalnum():
        a -= 1
    while b < len(norm) and norm[b].isalnum():
        b += 1
    return a, b


_VICTIM_NOUN = (r"(?:people|persons|civilians?|soldiers?|troops?|officers?|policem[ae]n|police|"
                r"guards?|fighters?|militants?|members?|child(?:ren)?|wom[ae]n|m[ae]n|others|"
                r"servicem[ae]n|contractors?|workers?|students?|journalists?|marines?|personnel|"
                r"villagers?|residents?|worshippers?|passengers?|pilgrims?|rebels?|insurgents?|"
                r"gunmen|militiam[ae]n|civilians?|refugees?|patients?|farmers?|protesters?|peasants?|"
                r"guests?|drivers?|teachers?|doctors?|nurses?|priests?)\b")
_NONE_SUBJECT = re.compile(r"\b(?:no\s+one|nobody|none\s+of\s+(?:them|the\s+\w+))\s+"
                           r"(?:\w+\s+){0,2}$", re.IGNORECASE)  # fmt: skip
_STANDALONE_HINT = re.compile(by_first_letter((  # (grouped by first letter: the same matches)
    r"dead|died|slain|murder|killings?\s+of|in\s+action|KIA|WIA|fatalities|deaths?|hurt|lives|"
    r"wounds|lost|losing|injuries|toll|casualties|no\s+one|nobody|number\s+of|bodies|hospital"
).split("|"), ignorecase=True), re.IGNORECASE)
_NO_CASUALTIES = re.compile(r"\b(?:no|without|any)\s+(?:causing\s+(?:any\s+)?|(?:immediate\s+)?reports?\s+of\s+)?"
                            r"(?:casualties|victims)\b", re.IGNORECASE)  # fmt: skip
_NO_DEAD = re.compile(r"\b(?:no\s+one|nobody)\s+(?:was|were|has\s+been)\s+(?:killed|hurt|injured|"
                      r"wounded)|\bno\s+(?:deaths|fatalities)\b|\bno\s+(?:injuries)\b",
                      re.IGNORECASE)  # fmt: skip


_AND_MORE = re.compile(r"^(?:\s+[\w'-]+){0,3}?(?:,\s+(?:and\s+|as\s+well\s+as\s+)?|\s+and\s+|"
                       r"\s+as\s+well\s+as\s+)(?:" + _N
                       + r"|(?P<one>an?|one))\s+"
                       r"(?:[\w'-]+\s+){0,2}?(?:police\s+officers?|" + _VICTIM_NOUN[3:],
                       re.IGNORECASE)  # fmt: skip


SUBSET_IS_NOT_MORE = True
_SUBSET = re.compile(r"\b(?:of\s+(?:them|whom|those)|among\s+them)\b", re.IGNORECASE)


def _plus_more(count: int | None, norm: str, pos: int) -> int | None:
    """'killing a captain and three guards' -> 4 (a second count joined by 'and')."""
    if count is None:
        return None
    for _ in range(6):  # "three soldiers, two police officers and a civilian worker"
        match = _AND_MORE.match(norm[pos : pos + 90])
        if not match:
            break
        more = 1 if match.group("one") else parse_number(match.group("n"))
        if more is None or match.group("n") and _VAGUE_RE.search(match.group("n")):
            break  # "four soldiers and dozens of civilians": a vague part is no number to add
        if SUBSET_IS_NOT_MORE and _SUBSET.search(match.group(0)):
            break  # "N people, M of them women": a part of the count, not more victims
        count, pos = count + more, pos + match.end()
    return bounded(count)


def _own_matches(pattern: re.Pattern[str], norm: str):
    """pattern.finditer, but a match whose number is followed by another casualty word before
    its own ("12 killed and 30 hurt" for "hurt") gives way to a later start (the 30)."""
    pos = 0
    while (match := pattern.search(norm, pos)) is not None:
        groups = match.groupdict()
        number = "n" if groups.get("n") else "n2" if groups.get("n2") else None
        if number is not None and (_a_date(match) or len(
                _CASUALTY_WORD.findall(norm, match.end(number), match.end())) > 1):
            pos = match.start() + 1
            continue
        yield match
        pos = match.end()


def standalone_counts(norm: str) -> list[tuple[str, int | None, int, int]]:
    """('killed'|'wounded', count, start, end) for "N dead", "1 KIA", "left N dead"..."""
    if not _STANDALONE_HINT.search(norm):
        return []  # fast path: most sentences have none of these words
    return list(_standalone(norm))


@lru_cache(maxsize=256)
def _standalone(norm: str) -> tuple[tuple[str, int | None, int, int], ...]:
    out = []
    depth_spans = [(m.start(), m.end()) for m in re.finditer(r"\([^)]*\)", norm)]
    for field, pattern in STANDALONE:
        for match in _own_matches(pattern, norm):
            if any(a <= match.start() < b for a, b in depth_spans):
                continue  # an aside in parentheses ("France, which lost 2 KIA")
            if re.search(r"\bno\s+$", norm[max(0, match.start() - 4) : match.start()], re.I):
                continue  # "no one was hurt" is handled below as zero
            value = _value(match)
            out.append((field, value if value is None else _joined(value, match), match.start(),
                        match.end()))
    for match in _NO_CASUALTIES.finditer(norm):  # "caused no casualties": none killed or hurt
        out += [("killed", 0, match.start(), match.end()), ("wounded", 0, match.start(), match.end())]
    for match in _NO_DEAD.finditer(norm):
        text = match.group(0).lower()
        field = "killed" if ("killed" in text or "death" in text or "fatal" in text) else "wounded"
        out.append((field, 0, match.start(), match.end()))
        if field == "wounded" and re.search(r"\bhurt\b", text):  # "nobody was hurt": none
            out.append(("killed", 0, match.start(), match.end()))  # killed either
    return tuple(out)


# -- whose count: the victims' group, and counts said to come on top of others ------------------
_GROUPS = (
    ("security", r"soldiers?|troops?|servicem[ae]n|service\s+members?|servicewom[ae]n|marines?|"
                 r"sailors?|airm[ae]n|paratroopers?|commandos?|policem[ae]n|police(?:\s+officers?)?|"
                 r"officers?|guards?|personnel|medics?|conscripts?"),
    ("armed", r"fighters?|militants?|rebels?|insurgents?|jihadists?|gunmen|militiam[ae]n|"
              r"combatants?|extremists?|terrorists?"),
    ("civilian", r"civilians?|residents?|villagers?|worshippers?|child(?:ren)?|wom[ae]n|students?|"
                 r"passengers?|shoppers?|pilgrims?|journalists?|contractors?|workers?|"
                 r"patients?|farmers?|protesters?|displaced|refugees?|girls?|boys?|babies"),
)
_GROUP_RE = re.compile(
    r"\b(?P<n>" + NUMBER + r")\s+(?:[\w'-]+\s+){0,3}?(?:"
    + "|".join(f"(?P<{name}>{words})" for name, words in _GROUPS) + r")\b",
    re.IGNORECASE,
)
_ALSO_RE = re.compile(r"\b(?:also|too|as\s+well)\b", re.IGNORECASE)


def victim_group(norm: str, start: int, end: int, passive: bool | None = None) -> str | None:
    """The group whose count a casualty word at norm[start:end] gives: "security" (soldiers,
    police), "armed" (fighters, militants) or "civilian", read from the nearest "N <group>"
    phrase of its clause (before a passive verb, after an active one); None for "people" or
    when no group is named. A subset ("N of them children") names no group."""
    lo = max(0, start - 80) if passive is not False else start
    hi = min(len(norm), end + 60) if passive is not True else end
    best, group = None, None
    for match in _GROUP_RE.finditer(norm, lo, hi):
        if re.search(r"\b(?:of\s+them|of\s+whom|among\s+them|including)\b", match.group(0), re.I):
            continue
        gap = norm[min(match.end(), start) : max(match.start(), end)]
        if re.search(r"[;.]", gap):
            continue  # another sentence or clause
        distance = start - match.end() if match.end() <= start else match.start() - end
        if best is None or abs(distance) < best:
            best = abs(distance)
            group = next(name for name, _ in _GROUPS if match.group(name))
            side = _side(match.group(0))
            if side is not None:
                group = f"{group}:{side}"
    return group


def _side(phrase: str) -> str | None:
    """Whose the counted group is, when its phrase says: a nationality ("12 Moldovan soldiers":
    the country's code) or an owner pronoun ("15 of its servicemen": "own", the speaker's)."""
    for word in re.findall(r"[\w'-]+", phrase):
        if word.lower() in ("its", "their", "our"):
            return "own"
        if word[:1].isupper() and (code := _demonyms().get(word.lower())):
            return code
    return None


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    from importlib.resources import files

    out = {}
    text = files("jervis.data.places").joinpath("demonyms.csv").read_text(encoding="utf-8")
    for line in text.splitlines()[1:]:
        code, _, names = line.partition(",")
        out.update({name.lower(): code for name in names.split("|") if name})
    return out


def same_group(a: str | None, b: str | None) -> bool:
    """Two victims' groups are one when they are the same kind (soldiers, fighters, civilians)
    and do not name two different sides ("Moldovan soldiers" and "its servicemen" differ; a
    group that names no side is the same as either)."""
    if a is None or b is None:
        return a == b
    kind_a, _, side_a = a.partition(":")
    kind_b, _, side_b = b.partition(":")
    return kind_a == kind_b and (not side_a or not side_b or side_a == side_b)


_FIRST_REPORT = re.compile(r"\b(?:first|initially|originally|earlier|at\s+first)\b(?:\s+[\w']+){0,3}?\s+"
                           r"(?:said|put|gave|given|reported|announced|estimated|spoke\s+of)\b"
                           r"[^,;.]{0,60}$", re.IGNORECASE)  # fmt: skip


def first_report(norm: str, start: int) -> bool:
    """The figure at ``start`` is what was said first ("the army first gave 12 dead", "a
    hospital initially reported five deaths"): a report the article then corrects or raises,
    not the count."""
    return bool(_FIRST_REPORT.search(norm[max(0, start - 90) : start]))


def is_additive(norm: str, start: int, end: int) -> bool:
    """A count said to come on top of the ones already given: "N other soldiers were wounded",
    "two more died", "... were also killed"."""
    before = norm[max(0, start - 60) : start]
    clause = re.split(r"[;:]|,\s", before)[-1] + norm[start:end]  # the count may be inside
    if _ALSO_RE.search(clause[-25:]) or _ALSO_RE.match(norm[end : end + 12].strip() or "-"):
        return True
    return any(re.match(r"\s+(?:other|more|additional|further)\b", clause[m.end():], re.I)
               for m in NUMBER_RE.finditer(clause))  # fmt: skip
