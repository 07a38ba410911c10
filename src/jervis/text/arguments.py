"""The learned role classifier: who attacked, who or what was hit, from the dependency parse.

For a trigger word, every noun phrase head of its sentence is a candidate. The features are the
grammar between the two words, not word lists: the dependency path from the trigger to the
candidate (with prepositions: "vprep:on/vpobj" is "attack on X", "vagent:by/vpobj" is "attacked
by X"), the voice of the trigger, the candidate's relation and kind (a known actor of the
dictionary, a place of the gazetteer, armed men, civilians, a source who speaks, a pronoun, a
date), its head word, whether it stands before or after the trigger, how far and across how many
clause verbs, appositions, "claimed responsibility", and what the grammar rules of
:func:`jervis.text.roles.roles_for` say about it. A multinomial logistic regression
(``models/roles.json``), fitted on the train splits of M2E2, RAMS, MUC-4 and PLOVER, gives each
candidate P(attacker), P(target), P(place), P(instrument), P(none); the best candidate for a
role above the threshold chosen on held-out data fills it.

An attacker named only in another sentence is not a candidate of the model (candidates from the
two sentences before, with their distance as a feature, changed one dev decision and cost a parse
of sentences that report nothing). Two stated rules reach it instead: a third-person pronoun in a
role stands for the first fitting party named before it (:func:`antecedent`), and an event no
sentence of its own gives an attacker takes the perpetrator another sentence of the document
names in so many words, the nearest first (:func:`nearby_attackers`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from jervis.text.lexicon import Lexicon
from jervis.text.roles import _DATE_WORD, RoleSpan
from jervis.text.roles import _SOURCE as _RULE_SOURCE
from jervis.text.syntax import PRONOUN_TAGS, climb, columns, passive, path_to, stem

ROLES = ("none", "attacker", "target", "place", "instrument")
_DATE = re.compile(_DATE_WORD.pattern + r"|(?i:years)")  # the rules' date words, plural too
_CIVILIAN = re.compile(r"(?i:civilians?|villagers?|residents?|worshippers?|children|child|women|"
                       r"woman|students?|refugees?|passers-?by|shoppers?|pilgrims?|people|"
                       r"families|family|farmers?|patients?|journalists?|protesters?|"
                       r"demonstrators?|teachers?|doctors?|workers?|passengers?)")
# who speaks: the rules' source words, and the media
_SOURCE = re.compile(_RULE_SOURCE.pattern + r"|(?i:media|report|reports|television|radio|newspaper)")


# prepositions that say where: a place after them is where the event happened, not what it hit
# ("killed three in Basra"); a place hit is the object of the attack verb ("shelled Basra") or
# follows a preposition of aim ("an attack on Kyiv", "fired at ...")
_LOCATIVE = frozenset({"in", "near", "outside", "inside", "across", "around", "throughout",
                       "within", "along", "beside", "nearby"})  # fmt: skip


def locative_place(tok) -> bool:
    """A gazetteer place in a locative prepositional phrase ("in Basra", "in Basra and Mosul")."""
    head = tok
    for _ in range(4):  # "in Basra and Mosul", "near Baghdad airport": up to the preposition's object
        if head.dep_ not in ("conj", "compound") or head.head is head:
            break
        head = head.head
    if head.dep_ != "pobj" or head.head.dep_ != "prep" or head.head.lower_ not in _LOCATIVE:
        return False
    return _lookup(_phrase_text(tok, _info(tok.doc)[4]))[2] or _lookup(tok.text)[2]


def candidates(doc, trigger=None) -> list:
    """Noun phrase heads of the parsed sentence other than the trigger itself."""
    out = []
    for tok, compound_head in _info(doc)[1]:
        if trigger is not None and tok.i == trigger.i:
            continue
        if compound_head is not None and (trigger is None or compound_head != trigger.i):
            continue  # part of a bigger phrase ("Taliban fighters": the head is a candidate)
        out.append(tok)
    return out


_INFO: dict[int, tuple] = {}


def _info(doc) -> tuple:
    """What every trigger of a parsed sentence asks of it, computed once: the running count of
    clause verbs before each token, the noun-like tokens (with the head a compound hangs on), the
    subject of "claimed responsibility", and each token's word, tag, relation, head, offset and
    children (read once here: a spaCy Token makes its strings and children anew per access)."""
    cached = _INFO.get(id(doc))
    if cached is not None and cached[0] is doc:
        return cached[1:]  # (counts, nouns, claimer, kinds: token index -> kind_features, table)
    counts, nouns, claimer, n = [0], [], None, 0
    texts, tags, deps, heads, starts, lowers, punct = columns(doc)
    for i, (tag, dep) in enumerate(zip(tags, deps, strict=True)):
        n += tag.startswith("VB") and dep not in ("aux", "auxpass", "amod")
        counts.append(n)
        if not punct[i] and (tag.startswith("NN") or tag == "PRP" or (
                tag == "CD" and dep in ("nsubj", "nsubjpass", "dobj", "pobj"))):  # fmt: skip
            nouns.append((doc[i], heads[i] if dep == "compound" else None))
        if claimer is None and lowers[i].startswith("claim"):
            tok = doc[i]
            if any(c.dep_ in ("dobj", "obj") and c.lower_ == "responsibility" for c in tok.children):
                claimer = next((c for c in tok.children if c.dep_ == "nsubj"), None)
    children: list[list[int]] = [[] for _ in texts]
    for j, h in enumerate(heads):
        if h != j:
            children[h].append(j)
    if len(_INFO) > 256:
        _INFO.clear()
    kinds: dict[int, list[str]] = {}
    table = (texts, tags, deps, heads, starts, children, doc.text)
    _INFO[id(doc)] = (doc, counts, nouns, claimer, kinds, table)
    return counts, nouns, claimer, kinds, table


@lru_cache(maxsize=4096)
def _lookup(phrase: str) -> tuple[bool, str | None, bool]:
    """(a known actor, its side, a place) for a phrase."""
    from jervis.text.actors import _dictionary
    from jervis.text.gazetteer import Gazetteer

    actor = _dictionary().lookup(phrase)
    side = _dictionary().normalise(phrase)[1] if actor else None
    hit = Gazetteer.load().lookup(phrase)
    return actor is not None, side, hit is not None and hit.kind != "demonym"


_PHRASE_DEPS = frozenset(("compound", "amod", "poss", "nmod"))


def _phrase_text(tok, table: tuple) -> str:
    """The candidate's phrase, from the sentence's token table (_info): from the left edge of
    its leftmost modifier (compound, adjective, owner) to the word itself."""
    texts, _tags, deps, _heads, starts, children, text = table
    i = tok.i
    mods = [j for j in children[i] if j < i and deps[j] in _PHRASE_DEPS]
    left = min(tok.doc[j].left_edge.i for j in mods) if mods else i
    return text[starts[left] : starts[i] + len(texts[i])]


def kind_features(lex: Lexicon, tok) -> list[str]:
    """What the candidate is: its tag and relation, and its kind (a known actor and its side, a
    place, armed men, civilians, a weapon, a source who speaks, a pronoun, a date or number)."""
    return _kind_features(lex, tok, _info(tok.doc)[4])


def _kind_features(lex: Lexicon, tok, table: tuple) -> list[str]:
    """kind_features from the sentence's token table (_info)."""
    texts, tags, deps, heads, _starts, children, _text = table
    i = tok.i
    word, tag, dep = texts[i], tags[i], deps[i]
    feats = [f"ctag={tag}", f"cdep={dep}", f"cw={stem(word)}"]
    if tag in PRONOUN_TAGS:
        feats.append("ck=pron")
        feats.append(f"ck=pron|{tok.lower_}")
        return feats
    kids = children[i]
    known, side, place = _lookup(_phrase_text(tok, table))
    if known:
        feats.append("ck=actor")
        feats.append(f"ck=actor|{side or 'noside'}")
    if place:
        feats.append("ck=place")
    armed, weapon, source, civilian, dated = _word_kinds(lex, word)
    if armed:
        feats.append("ck=armed")
    if weapon:
        feats.append("ck=weapon")
    if source:
        feats.append("ck=source")
    if _word_kinds(lex, texts[heads[i]])[2] and dep in ("compound", "nmod", "amod", "poss"):
        feats.append("ck=source_owner")  # "a Coalition spokesman": who speaks, not who acts
    if civilian:
        feats.append("ck=civilian")
    if dated or tok.like_num:
        feats.append("ck=date_or_number")
    if word[:1].isupper() and i > 0:
        feats.append("ck=cap")
    if any(deps[j] == "nummod" for j in kids):
        feats.append("ck=counted")
    if any(deps[j] == "poss" or (deps[j] in ("amod", "compound") and texts[j][:1].isupper())
           for j in kids):  # fmt: skip
        feats.append("ck=owned")
    if dep == "appos":
        feats.append("ck=appos")
    return feats


_WORD_KINDS: dict[int, tuple] = {}


def _word_kinds(lex: Lexicon, word: str) -> tuple[bool, bool, bool, bool, bool]:
    """(armed, weapon, source, civilian, date) of a word, as kind_features' patterns say; each
    word's answer remembered (per lexicon)."""
    cached = _WORD_KINDS.get(id(lex))
    if cached is None or cached[0] is not lex:
        cached = _WORD_KINDS[id(lex)] = (lex, {})
    known = cached[1]
    found = known.get(word)
    if found is None:
        if len(known) > 100_000:
            known.clear()
        found = known[word] = (
            lex.cues["armed"].fullmatch(word) is not None,
            lex.cues["weapon"].fullmatch(word) is not None or lex.trigger_re.fullmatch(word) is not None,
            _SOURCE.fullmatch(word) is not None,
            _CIVILIAN.fullmatch(word) is not None,
            _DATE.fullmatch(word) is not None,
        )  # fmt: skip
    return found


def _bucket(n: int) -> str:
    return "1" if n <= 1 else "2" if n == 2 else "3-5" if n <= 5 else "6-10" if n <= 10 else "11+"


def _claimer(doc):
    """The subject of "claimed responsibility" in the sentence, if any."""
    return _info(doc)[2]


def verb_counts(doc) -> list[int]:
    """Running count of the clause verbs before each token (how many clauses lie between two
    words), computed once per parsed sentence."""
    return _info(doc)[0]


def pair_features(lex: Lexicon, trigger, cand, rule: dict[int, str], claimer) -> list[str]:
    """Features of (trigger, candidate) in one parsed sentence."""
    return _Trigger(lex, trigger).features(cand, rule, claimer)


class _Trigger:
    """What pair_features reads of the trigger alone (its voice, part of speech, word, climb to
    the root), computed once for all its candidates."""

    __slots__ = ("lex", "i", "tpos", "voice_tpos", "voice", "climbed", "side", "modifies",
                 "counts", "known", "table")  # fmt: skip

    def __init__(self, lex: Lexicon, trigger) -> None:
        self.lex = lex
        self.i = trigger.i
        voice = "pass" if passive(trigger) else "act"
        tpos = "V" if trigger.tag_.startswith("VB") else "N"
        self.voice, self.tpos, self.voice_tpos = voice, tpos, f"{voice}|{tpos}"
        self.climbed = climb(trigger)
        tw = stem(trigger.text)
        self.side = {side: (f"side={side}|{voice}|{tpos}", f"tw={tw}|{side}")
                     for side in ("before", "after")}  # fmt: skip
        self.modifies = trigger.head.i if trigger.dep_ == "compound" else None
        doc = trigger.doc
        self.counts = verb_counts(doc)
        info = _info(doc)
        self.known, self.table = info[3], info[4]

    def features(self, cand, rule: dict[int, str], claimer) -> list[str]:
        tpos, voice_tpos, i, c = self.tpos, self.voice_tpos, self.i, cand.i
        parts = path_to(self.climbed, cand)
        side = "before" if c < i else "after"
        side_feat, tw_feat = self.side[side]
        dist = _bucket(abs(c - i))
        if parts is not None:
            up, down = parts
            steps = (up + down) or ["self"]
            p = "/".join(up + down)
            feats = ["bias", f"path={p}", f"path={p}|{voice_tpos}", f"e1={steps[0]}|{voice_tpos}",
                     f"elast={steps[-1]}", f"len={len(steps)}", f"up={'/'.join(up)}|{tpos}",
                     f"down={'/'.join(down)}", side_feat, f"dist={dist}", tw_feat]  # fmt: skip
            first = steps[0]
        else:
            feats = ["bias", "path=far", f"path=far|{voice_tpos}", f"e1=far|{voice_tpos}",
                     "elast=far", "len=far", f"up=far|{tpos}", "down=far", side_feat,
                     f"dist={dist}", tw_feat]  # fmt: skip
            first = "far"
        lo, hi = (c, i) if c < i else (i, c)
        counts = self.counts
        verbs = min(counts[hi] - counts[lo + 1], 3)
        feats.append(f"verbs_between={verbs}|{side}")
        if parts is None:
            feats.append(f"far|{side}|{dist}|verbs={verbs}")
        known = self.known
        kinds = known.get(c)
        if kinds is None:
            kinds = known[c] = _kind_features(self.lex, cand, self.table)
        feats += kinds
        voice = self.voice
        for k in kinds:
            if k.startswith("ck="):
                feats.append(f"{k}|{side}|{voice}")
                feats.append(f"{k}|e1={first}")
        ruled = rule.get(c)
        if ruled:
            feats.append(f"rule={ruled}")
            feats.append(f"rule={ruled}|{tpos}")
        if claimer is not None and c == claimer.i:
            feats.append("claimed_responsibility")
        if self.modifies == c:
            feats.append("trigger_modifies_it")  # "attack helicopters", "bomb squad"
        return feats


def rule_roles(doc, trigger) -> tuple[dict[int, str], tuple]:
    """What the grammar rules (jervis.text.roles.roles_for) say: the head tokens they take as
    attacker / target (a feature of the model) and their (attacker, target) RoleSpans."""
    from jervis.text.roles import roles_for

    heads: dict[int, str] = {}
    found = roles_for(doc, trigger.idx, trigger.idx + len(trigger.text))
    for name, span in zip(("attacker", "target"), found, strict=True):
        if span is None or span.pronoun:  # a pronoun: not a party of this sentence's own
            continue
        s = doc.char_span(span.start, span.end, alignment_mode="expand")
        if s is not None and len(s):
            heads[s.root.i] = name
    return heads, found


def roles(lex: Lexicon, doc, trigger, *, rules_first: bool = True, context: Sequence[str] = ()):
    """(attacker, target) RoleSpans for the trigger token.

    The role model scores every candidate; the best one for a role whose probability reaches
    that role's threshold (chosen on the dev splits) fills it, one candidate one role. With
    ``rules_first``, a role the grammar rules fill (jervis.text.roles.roles_for: they also
    resolve "X said it carried out ..." to X, "X repelled attacks" to a target, "X said its
    jets struck" to X) is taken from them, and the model fills the rest. A role filled by a
    third-person pronoun ("it launched", "they were shot") is the party it stands for
    (:func:`antecedent`, over the sentence before the pronoun and ``context``, the sentences
    before it, nearest last): its span stays on the pronoun, its text is the party's name;
    unresolved, the role stays empty.
    """
    from jervis.text.classifier import load_model
    from jervis.text.roles import _phrase, _reporter_of, pronoun_span

    model = load_model("roles")
    cands = candidates(doc, trigger)
    heads, ruled = rule_roles(doc, trigger)
    claimer = _claimer(doc)
    view = _Trigger(lex, trigger)
    dists = [model.distribution(view.features(c, heads, claimer)) for c in cands]
    thresholds = model.thresholds or {}
    chosen: dict[str, object] = {}
    pairs = []
    for role in ("attacker", "target"):
        k = model.classes.index(role)
        pairs += [(d[k], role, i) for i, d in enumerate(dists) if d[k] >= thresholds.get(role, 0.5)]
    used = {c.i for c in cands if heads.get(c.i)} if rules_first else set()
    for _p, role, i in sorted(pairs, key=lambda x: -x[0]):
        if role in chosen or cands[i].i in used:
            continue
        if role == "target" and locative_place(cands[i]):
            continue  # "killed three in Basra": Basra is the event's place
        chosen[role] = cands[i]
        used.add(cands[i].i)
    out = []
    for k, role in enumerate(("attacker", "target")):
        span = _resolved(ruled[k], role, doc, context) if rules_first else None
        if span is None:
            tok = chosen.get(role)
            if tok is not None and tok.tag_ in PRONOUN_TAGS:
                reporter = _reporter_of(tok) if role == "attacker" else None
                span = _phrase(reporter) if reporter is not None else pronoun_span(tok, role)
            elif tok is not None:
                span = _phrase(tok)
            span = _resolved(span, role, doc, context)
        out.append(span)
    return out[0], out[1]


def _resolved(span, role: str, doc, context: Sequence[str]):
    """A pronoun span as the party it stands for (antecedent), None if nothing fits; any other
    span as it is."""
    if span is None or not span.pronoun:
        return span
    name = antecedent(span.text, role, doc.text[: span.start], context)
    return RoleSpan(span.start, span.end, name) if name else None


_TITLE = re.compile(r"^(?:Mr|Mrs|Ms|Dr|President|Prime\s+Minister|Minister|General|Gen|Col|Colonel|"
                    r"Commander|Leader|King|Queen|Prince|Senator|Sen|Rep|Governor|Gov)\.?\s+[A-Z]")
_PERSON_NAME = re.compile(r"^[A-Z][a-z][\w'.-]*(?:\s+(?:[A-Z]\.|[A-Z][a-z][\w'.-]*|al-[A-Z][\w'-]*)){1,3}$")


def antecedent(pronoun: str, role: str, before: str, context: Sequence[str] = ()) -> str | None:
    """The party a third-person pronoun stands for: the first party phrase of the pronoun's kind
    in its own sentence before it, else in the sentence before, and so on back through
    ``context`` (the subject-first order of a sentence: the first party named leads), skipping
    phrases after a locative preposition ("in X", "near the X": where, not who).
    "it" and "they" stand for a party the actor dictionary knows (a state, its forces, an armed
    group) or, "they" only, a plural phrase of armed men or forces ("the militants");
    "he" / "she" / "him" / "her" for a person: a name of two to four capitalised words or a
    title and a name, which the dictionary does not know as a group and the gazetteer not as a
    place. Nothing fits: None (the role stays empty rather than guess)."""
    from jervis.text import actors

    word = _POSSESSIVE.get(pronoun.lower(), pronoun.lower())
    if word not in ("it", "they", "them", "he", "she", "him", "her"):
        return None  # the speaker or the addressee ("we", "you"): not a party named before
    person = word in ("he", "she", "him", "her")
    for text in (before, *reversed(list(context))):
        for a, b in actors.candidates(text) if text else []:
            if _LOCATIVE_BEFORE.search(text[max(0, a - 12) : a]):
                continue  # "in Syria", "near the border": where, not who
            phrase = _DETERMINER.sub("", text[a:b].strip(" ,.\"'"))
            if phrase and _fits(phrase, person, plural=word in ("they", "them")):
                return phrase
    return None


_LOCATIVE_BEFORE = re.compile(r"\b(?i:in|at|near|across|into|from|to|inside|outside|around)\s+(?:the\s+)?$")


_POSSESSIVE = {"its": "it", "their": "they", "his": "he"}
_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_PLURAL_ARMED = re.compile(r"(?i:.*\b(?:forces|troops|soldiers|militants|rebels|insurgents|"
                           r"guerrillas|fighters|militias|militiamen|jihadists|terrorists|"
                           r"extremists|gunmen|police|policemen)$)")


def _fits(phrase: str, person: bool, *, plural: bool) -> bool:
    """Whether a party phrase can be what a pronoun of that kind stands for (antecedent)."""
    known, _side, place = _lookup(phrase)
    if person:
        return not known and not place and bool(_PERSON_NAME.match(phrase) or _TITLE.match(phrase))
    if place and not known:
        return False
    return known or (plural and bool(_PLURAL_ARMED.fullmatch(phrase)))


def two_sides(doc, span) -> tuple | None:
    """For a fight: the two coordinated phrases of a party span ("clashes between X and Y",
    "X and Y clashed"), as RoleSpans in text order; None when the span holds no coordination."""
    from jervis.text.roles import RoleSpan

    s = doc.char_span(span.start, span.end, alignment_mode="expand")
    if s is None or not len(s):
        return None
    tok = s.root
    first = tok.head if tok.dep_ == "conj" else tok
    second = next((c for c in first.children if c.dep_ == "conj"), None)
    if second is None or first.tag_ in PRONOUN_TAGS or second.tag_ in PRONOUN_TAGS:
        return None
    out = []
    for t in (first, second):
        left = min((c.left_edge for c in t.lefts if c.dep_ in ("compound", "amod", "poss", "nmod")),
                   key=lambda x: x.i, default=t)  # fmt: skip
        start, end = left.idx, t.idx + len(t.text)
        out.append(RoleSpan(start, end, doc[left.i : t.i + 1].text))
    return out[0], out[1]


# -- the attacker another sentence names -------------------------------------------------------
# how many sentences before or after an event's own a perpetrator is looked for; None: every
# sentence of the document (a report often names the group that claimed or carried out the
# attack several sentences after the attack itself, and the nearest such sentence is taken).
# Beyond NEAR sentences a sentence that puts itself in another time does not count
# (:func:`perpetrator` with ``far``): it tells another incident.
NEARBY_REACH: int | None = None
NEAR = 2
# a sentence may name who carried out an attack: it says "by" or "responsibility" (cheap test
# before any parse)
_PERPETRATOR_CUE = re.compile(r"(?i:\bby\b|\bresponsib|\battribut|\bblam|\baccus)")
# verbs of carrying out an attack whose passive agent is its perpetrator ("was carried out /
# planted / staged by X"); the lexicon's attack and casualty words count too ("killed by X")
_PERPETRATE = re.compile(r"(?i:carried|perpetrated|committed|planted|placed|staged|launched|"
                         r"ordered|masterminded|organi[sz]ed|detonated|thrown|hurled|fired|"
                         r"kidnapped|abducted|intercepted|ambushed|executed|machine-?gunned)")
# a sentence that puts itself in another time than the report's: a year, "last / previous /
# past" year, month or week, "earlier this year", "ago"
_OTHER_TIME = re.compile(r"(?i:\b(?:1[89]|20)\d\d\b|\b(?:last|previous|past|earlier this)\s+"
                         r"(?:year|month|week|decade)s?\b|\bago\b)")


def perpetrator(lex: Lexicon, doc, *, far: bool = False) -> RoleSpan | None:
    """Who a parsed sentence says in so many words carried out an attack: the subject of
    "claimed responsibility", or the agent ("by ...") of an attack word or of a verb of carrying
    out in the passive ("was carried out by X", "were killed by X", "the murder of Y by X").
    Not a pronoun, a source who speaks, a place, a date, or a weapon ("killed by a bomb").
    ``far`` (a sentence several sentences from the event's own): nothing when the sentence
    puts itself in another time ("last year", "in 1985", "two months ago"): it tells another
    incident."""
    from jervis.text.roles import (
        _agent,
        _event_word,
        _party_word,
        _phrase,
        _prep_object,
        attributed_to,
    )

    found = []
    if far and _OTHER_TIME.search(doc.text):
        return None  # a far sentence of another time tells another incident
    claimer = _claimer(doc)
    if claimer is not None:
        found.append(claimer)
    for tok in doc:
        if tok.tag_.startswith("VB") and passive(tok) and (
            _PERPETRATE.fullmatch(tok.text) or _event_word(tok)
        ):
            found.append(_agent(tok))
        elif tok.tag_.startswith("NN") and _event_word(tok):
            found.append(_prep_object(tok, ("by",)) or attributed_to(tok))
    for who in found:
        if who is None or who.tag_ in PRONOUN_TAGS or who.tag_ == "PRP$":
            continue
        if _RULE_SOURCE.fullmatch(who.text) or _DATE.fullmatch(who.text) or who.like_num:
            continue
        if _event_word(who) and not any(
            c.dep_ in ("poss", "amod", "compound", "nmod") and _party_word(c) for c in who.children
        ):
            continue  # a weapon or an attack ("killed by a bomb"), unless someone owns it
        span = _phrase(who)
        if span is None:
            continue
        known, _side, place = _lookup(span.text)
        if place and not known:
            continue
        return span
    return None


def _lacking(events: list) -> list:
    """The events nearby_attackers may give an attacker."""
    return [e for e in events if not e.values.get("actor_raw") and not e.toll
            and e.values.get("event") != "FIGHT"]  # fmt: skip


def _around(j: int, reach: int | None, last: int) -> range:
    """The sentence indices within ``reach`` of sentence ``j`` (every one up to ``last``: None)."""
    return range(0, last + 1) if reach is None else range(j - reach, j + reach + 1)


def nearby_todo(events: list, sentences: list, parses: dict, *,
                reach: int | None = NEARBY_REACH) -> list:  # fmt: skip
    """The sentences nearby_attackers would parse (not in ``parses``), in text order: a
    caller with several documents parses them in one batch and passes them in ``parses``.
    Not one that only lies far from every event lacking an attacker and puts itself in
    another time: :func:`perpetrator` would find nothing in it."""
    lacking = _lacking(events)
    if not lacking:
        return []
    by_index = {s.index: s for s in sentences}
    last = max((s.index for s in sentences), default=0)
    nearest: dict[int, int] = {}
    for e in lacking:
        for j in e.sentences:
            for i in _around(j, reach, last):
                nearest[i] = min(abs(i - j), nearest.get(i, abs(i - j)))
    return [by_index[i] for i in sorted(nearest) if i in by_index and i not in parses
            and _PERPETRATOR_CUE.search(by_index[i].norm)
            and (nearest[i] <= NEAR or not _OTHER_TIME.search(by_index[i].norm))]  # fmt: skip


def nearby_attackers(lex: Lexicon, events: list, sentences: list, parses: dict, *,
                     reach: int | None = NEARBY_REACH) -> None:  # fmt: skip
    """Give an event no sentence of its own names an attacker for the perpetrator another
    sentence of the document names (:func:`perpetrator`; within ``reach`` sentences before or
    after one of its own, None: any; beyond ``NEAR`` not one of another time), the nearest
    such sentence first (the earlier on a tie). A sentence that belongs to another event tells
    of that one and is not used; fights (two sides) and tolls (a count
    without an attack word) are left as they are. ``parses``: sentence index -> parse, for the
    sentences already parsed; the others with a cue are parsed here. Sets the event's actor
    fields and its ``actor`` span (document offsets)."""
    from jervis.text.actors import normalise_party

    lacking = _lacking(events)
    if not lacking:
        return
    owner = {i: k for k, e in enumerate(events) for i in e.sentences}
    by_index = {s.index: s for s in sentences}
    last = max(by_index, default=0)
    todo = nearby_todo(events, sentences, parses, reach=reach)
    if todo:
        from jervis.text.pipeline import parse

        parses = dict(parses)
        parses.update(zip((s.index for s in todo), parse(s.norm for s in todo), strict=True))
    said: dict[tuple[int, bool], RoleSpan | None] = {}
    wanted = {id(e) for e in lacking}
    for k, event in enumerate(events):
        if id(event) not in wanted:
            continue
        order = sorted((abs(i - j), i) for j in event.sentences
                       for i in _around(j, reach, last))  # fmt: skip
        for dist, i in order:
            if i not in by_index or owner.get(i, k) != k or i not in parses:
                continue
            far = dist > NEAR
            if (i, far) not in said:
                said[i, far] = perpetrator(lex, parses[i], far=far) if _PERPETRATOR_CUE.search(
                    by_index[i].norm) else None  # fmt: skip
            span = said[i, far]
            if span is None:
                continue
            party = normalise_party(span.text, span.start, span.end)
            start = by_index[i].start + span.start
            event.values.update(actor=party.name, actor_raw=party.raw, actor_side=party.side)
            event.spans["actor"] = (start, start + len(span.text))
            break
