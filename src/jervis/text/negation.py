"""Is a trigger a reported event? Negation, modality, genericity and background checks.

Each check looks at the trigger's clause: the words before it back to the nearest clause
boundary (punctuation or a subordinating word), at most ~12 words. The cue lists are data
(``[cues]`` in src/jervis/data/text/lexicon.toml). A trigger that fails a check is dropped and
the reason is kept, so tests and ``--explain`` style debugging can say why.
"""

from __future__ import annotations

import re

from jervis.text.lexicon import Lexicon
from jervis.text.numbers import NONE_RE, NUMBER_RE

_BOUNDARY = re.compile(r"[;:()\[\]\"!?]|,\s|\s-\s|\b(?:but|while|whereas|although|"
                       r"though|because|after|before|since|until|unless|whereby|however)\b",
                       re.IGNORECASE)  # fmt: skip
_BARE_VERB = re.compile(r"(?:attack|strike|raid|bomb|shell|fight|combat|battle|ambush|assault|kill|"
                        r"storm|invade|seize|capture|hit|target|wound|injure|murder|kidnap|abduct)s?$",
                        re.IGNORECASE)  # fmt: skip
_ATTEMPT = re.compile(r"\b(?:attempt(?:ed|s|ing)?|tried|tries|trying)\s+to\s*$", re.IGNORECASE)
_INFINITIVE = re.compile(
    r"\b(\w+)\s+to\s+(?!(?:the|a|an|this|that|these|those|its|their|his|her|our|any|such|be)\b)"
    r"([a-z]+)(?:\s+(?:out|up|off|on))?\s+(?:(?:the|a|an|new|more|further|fresh|its|their|"
    r"air|\w+)\s+){0,2}$",
    re.IGNORECASE,
)
# "failed to stop the attack": the attack happened (what failed was stopping it).
_FAILED_TO_STOP = re.compile(r"\bfail(?:ed|ing|s|ure)?\s+to\s+(?:stop|prevent|avert|thwart|foil)\s+"
                             r"(?:the|this|that|these|those|[\w-]+'s)(?:\s+[\w-]+){0,2}\s*$",
                             re.IGNORECASE)  # fmt: skip
_TAIL_STOP = re.compile(r"[;:()\[\]\"!?]|,\s|\.(?:\s|$)|\s-\s")
_RANKED = re.compile(r"\b(?:first|second|third|worst|deadliest|biggest|largest|heaviest|bloodiest|"
                     r"latest|most\s+\w+)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)  # fmt: skip
_PASSIVE_AUX = re.compile(r"\b(?:was|were|been|be|being|is|are|got|get)\s+(?:\w+ly\s+)?$", re.I)
_DETERMINER_END = re.compile(r"\b(?:the|this|that|these|those|its|their|his|her|our|\w+day's)\s+"
                             r"(?:(?!\w+ed\s)[\w-]+\s+|(?:alleged|suspected|coordinated|renewed|"
                             r"failed|botched)\s+){0,2}$", re.IGNORECASE)  # fmt: skip
WINDOW = 90  # characters looked back from a trigger
_MODAL_SCOPE = 9  # words
_NEGATION_SCOPE = 6
_CAUSE_SCOPE = 7  # words from "after"/"over"/"for" to the trigger


def clause_before(norm: str, start: int) -> str:
    """The words of the trigger's clause that precede it (bounded, lower case kept)."""
    lo = max(0, start - WINDOW)
    window = norm[lo:start]
    cut = 0
    for match in _BOUNDARY.finditer(window):
        cut = match.end()
    return window[cut:]


def clause_after(norm: str, end: int, width: int = 60) -> str:
    window = norm[end : end + width]
    match = _BOUNDARY.search(window)
    return window[: match.start()] if match else window


_TO_END = re.compile(r"\bto$", re.IGNORECASE)


def reject_reason(lex: Lexicon, norm: str, start: int, end: int) -> str | None:
    """Why the trigger at norm[start:end] is not a reported event, or None when it is."""
    before = clause_before(norm, start)
    text = norm[start:end]
    cues = lex.cues
    scrubbed = " ".join(NONE_RE.sub(" ", before).split()[-_NEGATION_SCOPE:])
    if cues["negation"].search(scrubbed) and not (
        _EVENT_NOUN.match(text) and _presupposed(scrubbed)
    ):
        return "negated"
    factive = _FAILED_TO_STOP.search(before)
    if not factive and cues["modal"].search(" ".join(before.split()[-_MODAL_SCOPE:])):
        return "modal"
    if cues["generic"].search(before):
        return "generic"
    if cues["reference"].search(before):
        return "reference"
    stripped = before.rstrip()
    if _TO_END.search(stripped) and _BARE_VERB.search(text.split()[0]):
        head = stripped[:-2].rstrip().rsplit(None, 1)
        if not _ATTEMPT.search(before) and not (head and cues["to_preposition"].fullmatch(head[-1])):
            return "infinitive"
    inf = None if factive else _INFINITIVE.search(before)
    if inf and not cues["to_preposition"].fullmatch(inf.group(1)) and not cues[
        "to_report"
    ].fullmatch(inf.group(2)) and not _ATTEMPT.search(before[: inf.start(2)]):
        words = before.split()
        # "to arm the militias fighting in the north": the participle says what the armed
        # group is doing now; it is not the object of the infinitive.
        armed = any(cues["armed"].fullmatch(w) for w in words[-2:])
        if not (text.lower().endswith("ing") and armed):
            return "infinitive"
    if text.lower().endswith("ing") and " " not in text.strip():
        if re.search(r"\b(?:" + cues["topic"].pattern + r")\s*$", stripped, re.IGNORECASE):
            return "topic"
    after = clause_after(norm, end)
    # the rest of the sentence up to punctuation: "since" ends a clause but starts a period
    tail = _TAIL_STOP.split(norm[end : end + 70], maxsplit=1)[0]
    if _RANKED.search(before):
        tail = after  # "the first attack since the ceasefire": one event, ranked in a period
    if cues["aggregate"].search(before) or cues["aggregate"].search(tail):
        return "aggregate"
    words_before = before.split()
    if words_before and cues["nonviolent"].fullmatch(words_before[-1].strip("\"'")):
        return "not violence"
    words_after = after.split()
    if words_after and cues["campaign"].fullmatch(words_after[0].strip(",.\"'")):
        return "generic"
    if _WHO_WAS.search(before) and _HOSTAGE.search(text):
        return "victim reference"  # "engineers who were kidnapped": who they are, not news
    if _CASUALTY.fullmatch(text):
        if words_before and words_before[-1].lower() in ("the", "those", "these", "of"):
            return "nominal"  # "the wounded", "those killed": people, not an event
        if _reduced_relative(before, after):
            return "victim reference"
    return None


_WHO_WAS = re.compile(r"\b(?:(?:who|whom)\s+(?:was|were|had\s+been|have\s+been|has\s+been)|"
                      r"whom\s+\w+\s+(?:had|have|has))\s+$", re.IGNORECASE)  # fmt: skip
_SUBJECT_NOUN = re.compile(r"(?:attacks?|strikes?|bombings?|shelling|explosions?|blasts?|bombs?|"
                           r"rockets?|missiles?|fire|gunfire|raids?|ambush|clashes|fighting|"
                           r"barrages?|shells?|mortars?|drones?)$", re.IGNORECASE)  # fmt: skip
_HOSTAGE = re.compile(r"hostage|kidnapped|abducted", re.IGNORECASE)
_CASUALTY = re.compile(r"(?:killed|wounded|injured|hurt)", re.IGNORECASE)
_NOT_NOUN = re.compile(r"(?:and|or|but|who|which|that|was|were|been|be|being|is|are|has|have|had|"
                       r"got|also|reportedly|allegedly|then|later|\d[\d,]*|\w+ly)$", re.IGNORECASE)
_REL_NEXT = re.compile(r"(?:in|by|during|when|after|while|at|on|near|last|as|since|trying|under|"
                       r"outside|inside|from|over|earlier|this|that)$", re.IGNORECASE)
_COUNT_BEFORE = re.compile(r"(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|dozens|"
                           r"hundreds|thousands|scores|several|many)\s+(?:[\w'-]+\s+){0,3}$",
                           re.IGNORECASE)


_NOT_VERB = re.compile(r"\b(?:not|(?:did|does|do|is|was|are|were|has|have|had)n't|never)\s+"
                       r"((?:[\w-]+\s+){1,4}?)(?:the|this|that|these|those|its|their|his|her|"
                       r"[\w-]+'s)(?:\s+[\w.-]+){0,2}\s*$", re.IGNORECASE)  # fmt: skip
# Nouns that name an event (not an object such as "the bomb"): what a negated verb presupposes.
_EVENT_NOUN = re.compile(r"(?:[\w-]+\s+)*(?:attacks?|(?:air)?strikes?|raids?|bombings?|shelling|"
                         r"fighting|clash(?:es)?|battles?|shootings?|assaults?|ambush(?:es)?|"
                         r"massacres?|"
                         r"barrages?|bombardments?|offensive)$", re.IGNORECASE)  # fmt: skip
_AUX = re.compile(r"(?:be|been|being|have|has|had|a|an|any|no|so|even|yet|only|just|all)$", re.I)


def _presupposed(before: str) -> bool:
    """'did not deter the Russian air strikes': the negation denies the verb; the definite
    noun after it names an event that did happen (it is presupposed, not denied)."""
    match = _NOT_VERB.search(before)
    if not match:
        return False
    words = match.group(1).split()
    return not _AUX.fullmatch(words[-1]) and not any(w.lower() in ("be", "been") for w in words)


def _reduced_relative(before: str, after: str) -> bool:
    """'farmers killed in the shelling': a participle describing victims, not a report.

    Said of people already introduced by the main clause ("a fund helps the families of farmers
    killed in the shelling"); a count before it ("12 people killed in ...") is a report.
    """
    words = before.split()
    nxt = after.split()
    if not words or not nxt or _NOT_NOUN.fullmatch(words[-1].strip(",")):
        return False
    if _SUBJECT_NOUN.search(words[-1]) or NUMBER_RE.match(after.lstrip()):
        return False  # "Russian shelling killed at least five": the attack is the subject
    if not _REL_NEXT.fullmatch(nxt[0]):
        return False
    return not _COUNT_BEFORE.search(before)


def is_background(lex: Lexicon, norm: str, start: int) -> bool:
    """A violent event given only as the cause of a non-violent reaction in the main clause.

    "The ministry protested ... over the shelling of a border post", "The airline halted flights
    after a drone hit the airport": the sentence reports the reaction; the attack is
    background (reported in its own right elsewhere in a story about it).
    """
    pre = norm[:start]
    cues = lex.cues
    for reaction in cues["reaction"].finditer(pre):
        between = pre[reaction.end() :]
        if re.search(r"[;.]", between):
            continue
        for connector in cues["connector"].finditer(between):
            if len(between[connector.end() :].split()) <= _CAUSE_SCOPE:
                return True
    return False


def is_passive(norm: str, start: int, end: int) -> bool:
    """'were killed', 'was attacked by': the subject is the victim."""
    before = norm[max(0, start - 30) : start]
    after = norm[end : end + 6]
    return bool(_PASSIVE_AUX.search(before)) or after.lower().startswith(" by ")


def definite_before(norm: str, start: int) -> bool:
    """'the attack', 'this strike': a reference to an event named before."""
    return bool(_DETERMINER_END.search(re.sub(r"\"", " ", norm[max(0, start - 40) : start])))
