"""Who attacked whom, from the dependency parse (spaCy ``en_core_web_sm``), not from word lists.

Only the sentences in which an event can be found are parsed (jervis.text.extract). These rules
come first; the learned role classifier (jervis.text.arguments) fills the roles they leave empty. For a mention's trigger word the rules follow
English grammar, stated without examples from any corpus:

- a verb in the active voice: its subject acts, its direct object is hit; a verb in the passive
  voice: the subject is hit and the agent ("by ...") acts; a participle or conjoined verb
  without a subject of its own takes the subject of the verb it hangs on;
- an attack noun: a possessive or a name-like modifier before it acts, "by ..." acts, "on /
  against / targeting ..." is hit; when the noun is the object of a verb (launched, carried out,
  claimed) that verb's subject acts; when it is the subject of a verb, that verb's object is hit;
- "claimed responsibility for" names the attacker as the subject of "claimed";
- a pronoun, a reporting phrase's subject (someone who *said*) and an instrument ("a drone")
  are not actors.

Each role is a span of the sentence: the noun phrase of the head word (its compounds, modifiers
and possessor, without relative clauses or appositions), later mapped to the actor dictionary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SUBJ = ("nsubj",)
_PASS_SUBJ = ("nsubjpass",)
_OBJ = ("dobj", "obj")
_TARGET_PREPS = frozenset({"on", "against", "targeting", "at", "upon", "into"})
_KEEP = frozenset({"compound", "amod", "nummod", "poss", "det", "case", "nmod", "quantmod",
                   "prep", "pobj", "cc", "conj", "punct"})  # fmt: skip
_DATE_WORD = re.compile(r"(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|"
                        r"yesterday|tonight|morning|afternoon|evening|night|weekend|week|month|"
                        r"year|hours?|days?|january|february|march|april|may|june|july|august|"
                        r"september|october|november|december)")
# verbs whose subject defends: "X repelled / thwarted / survived an attack" (X was the target)
_DEFEND = re.compile(r"(?i:repel\w*|repuls\w*|thwart\w*|foil\w*|fend\w*|fought|beat|"
                     r"survived?|withstood|withstand|rebuff\w*|intercept\w*)")
_SOURCE = re.compile(r"(?i:spokes\w+|officials?|sources?|reporters?|correspondents?|"
                     r"witness(?:es)?|statement|ministry|agency)")
_PRONOUNS = frozenset("it they he she we i you them him her us this that which who those these".split())


@dataclass(frozen=True)
class RoleSpan:
    start: int  # within the sentence
    end: int
    text: str
    pronoun: bool = False  # a third-person pronoun: whom it stands for is read from the context


def parser():
    """en_core_web_sm's tagger and parser (NER, lemmatizer and attribute ruler are not needed).
    Not cached here: load_nlp holds the one cached pipeline, so clearing its cache is enough."""
    from jervis.text.pipeline import load_nlp

    return load_nlp("spacy")


def _phrase(token) -> RoleSpan | None:
    """The noun phrase headed by ``token``: left modifiers and "of"/"from" complements; a
    coordinated phrase ("troops and a soldier") is one span, read part by part later."""
    if token.lower_ in _PRONOUNS or token.tag_ in ("PRP", "PRP$", "WP", "WDT", "EX"):
        return None
    if _DATE_WORD.fullmatch(token.text) or token.like_num:
        return None  # "an attack on Wednesday": a date, not a target
    if token.tag_ in ("JJ", "VBN", "VBD", "RB") and token.dep_ not in ("amod", "compound"):
        return None  # a mis-parsed modifier ("Unidentified ...") is no phrase
    left = token
    for child in token.lefts:
        if child.dep_ in ("compound", "amod", "nummod", "poss", "det", "nmod", "quantmod", "npadvmod"):
            left = min(left, child.left_edge, key=lambda t: t.i)
    right = token
    for child in token.rights:
        if child.dep_ in ("compound", "nummod", "case"):
            right = max(right, child.right_edge, key=lambda t: t.i)
        elif child.dep_ == "prep" and child.lower_ in ("of", "from"):
            right = max(right, child.right_edge, key=lambda t: t.i)
        elif child.dep_ == "conj" and child.tag_.startswith("NN"):
            right = max(right, child.right_edge, key=lambda t: t.i)
    while left.i < right.i and left.dep_ in ("det", "punct", "cc"):
        left = left.doc[left.i + 1]
    start, end = left.idx, right.idx + len(right.text)
    return RoleSpan(start, end, left.doc[left.i : right.i + 1].text)


# third-person pronouns that can stand for a party named before them (first and second person
# are the speaker and the addressee: not resolved); "it" stands for an attacker only (as a
# target it is mostly a thing: a base, a building), and so do the possessives ("its attack")
PARTY_PRONOUNS = {"attacker": frozenset({"he", "she", "it", "they", "its", "their", "his"}),
                  "target": frozenset({"him", "her", "them", "he", "she", "they"})}  # fmt: skip


def pronoun_span(token, role: str) -> RoleSpan | None:
    """A third-person personal pronoun in ``role`` as a span flagged ``pronoun`` (resolved later
    against the words before it, jervis.text.arguments.antecedent); None for any other word."""
    if token.tag_ not in ("PRP", "PRP$") or token.lower_ not in PARTY_PRONOUNS[role]:
        return None
    return RoleSpan(token.idx, token.idx + len(token.text), token.text, pronoun=True)


def _verb(token) -> bool:
    return token.tag_.startswith("VB") or token.tag_ == "MD"


def _child(token, deps) -> object | None:
    return next((c for c in token.children if c.dep_ in deps), None)


def _agent(token):
    agent = _child(token, ("agent",))
    return _child(agent, ("pobj",)) if agent is not None else None


def _prep_object(token, preps) -> object | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in preps:
            obj = _child(child, ("pobj",))
            if obj is not None:
                return obj
    return None


def _subject_up(token):
    """The subject of the verb a participle / conjunct / complement hangs on."""
    head = token
    for _ in range(3):
        if head.dep_ in ("conj", "xcomp", "advcl", "acl", "ccomp") and head.head is not head:
            head = head.head
            subj = _child(head, _SUBJ)
            if subj is not None:
                return subj
        else:
            return None
    return None


def roles_for(
    doc, char_start: int, char_end: int, _depth: int = 0
) -> tuple[RoleSpan | None, RoleSpan | None]:
    """(attacker, target) for the trigger at doc.text[char_start:char_end]."""
    span = doc.char_span(char_start, char_end, alignment_mode="expand")
    if span is None or not len(span):
        return None, None
    trigger = span.root
    actor = target = None
    if _verb(trigger):
        passive = _child(trigger, _PASS_SUBJ) or (
            _child(trigger, ("auxpass",)) and _child(trigger, _SUBJ))
        if passive is not None:
            target = passive
            actor = _agent(trigger)
        else:
            actor = _child(trigger, _SUBJ) or _subject_up(trigger)
            target = _child(trigger, _OBJ)
            if target is None or _event_word(target):  # "fired rockets at X": X is hit
                target = _prep_object(trigger, _TARGET_PREPS) or (
                    _prep_object(target, _TARGET_PREPS) if target is not None else None)
            if trigger.dep_ == "acl" and trigger.tag_ == "VBN":  # "a base attacked by ..."
                actor, target = _agent(trigger), trigger.head
    else:
        by = _prep_object(trigger, ("by",))
        mod = next((c for c in trigger.lefts if c.dep_ == "poss" or (
            c.dep_ in ("compound", "amod", "nmod") and _party_word(c))), None)  # fmt: skip
        owner = mod if mod is not None and mod.tag_ == "PRP$" else None
        actor = by or (mod if owner is None else None)  # "launched its attack": the subject
        target = _prep_object(trigger, _TARGET_PREPS)
        head = trigger.head
        if actor is None:
            actor = attributed_to(trigger)  # "blamed the attack on X", "accused X of the attack"
            if actor is not None and target is not None and target.i == actor.i:
                target = None  # "blamed the attack on X": X did it, X was not hit
        if actor is None and trigger.dep_ in _OBJ + ("pobj",):
            verb = head if trigger.dep_ in _OBJ else head.head
            for _ in range(3):  # "carried out a series of strikes": up to the verb
                if _verb(verb) or verb.head is verb:
                    break
                verb = verb.head
            if _verb(verb) and _DEFEND.fullmatch(verb.text) and trigger.dep_ in _OBJ:
                target = target or _child(verb, _SUBJ)  # "X repelled attacks": X was attacked
            elif _verb(verb) and not _reporting(verb):  # who *confirmed* an attack is a source
                actor = _child(verb, _SUBJ) or _agent(verb)
                if trigger.dep_ == "pobj" and target is None:  # "were killed in an attack":
                    target = _child(verb, _PASS_SUBJ)  # the passive subject was hit
        if trigger.dep_ in _SUBJ and _verb(head) and target is None:
            target = _child(head, _OBJ) or _prep_object(head, _TARGET_PREPS)
        actor = actor or owner  # "its attack" with no subject to take: whom "its" stands for
    owned = actor is not None and any(
        c.dep_ in ("poss", "amod", "compound", "nmod") and _party_word(c) for c in actor.children
    )  # "Russian aircraft", "US drones": a weapon someone owns names them
    pronoun = next((c for c in actor.children if c.tag_ == "PRP$"), None) if actor is not None \
        else None
    if actor is not None and pronoun is not None and _event_word(actor):
        # "X said its jets struck ...": the weapon's owner is the one who reports it
        return _phrase(_reporter_of(pronoun)) if _reporter_of(pronoun) is not None else None, \
            _phrase(target) if target is not None else None
    if actor is not None and _event_word(actor) and not owned:
        # "an attack (by X) killed ...": the subject is the attack itself, or its weapon
        inner = None
        if actor is not trigger and _depth < 2:
            inner, _ = roles_for(doc, actor.idx, actor.idx + len(actor.text), _depth + 1)
        return inner, _phrase(target) if target is not None else None
    if actor is None:
        actor = _claimer(doc)
    if actor is not None and actor.tag_ in ("PRP", "PRP$") and actor.lower_ in (
        "it", "they", "we", "its", "their", "our"
    ):
        actor = _reporter_of(actor) or actor  # "X said it had carried out strikes": X
    if actor is not None and _SOURCE.fullmatch(actor.text):
        actor = None  # a spokesman, an official, a source: who tells, not who attacked
    actor_span = _phrase(actor) if actor is not None else None
    if actor_span is not None and actor_span.start <= trigger.idx < actor_span.end:
        end = actor.idx + len(actor.text)  # "accused X of the attack": X, not "X of the attack"
        actor_span = RoleSpan(actor_span.start, end, doc.text[actor_span.start : end])
    target_span = _phrase(target) if target is not None else None
    if actor_span is None and actor is not None:
        actor_span = pronoun_span(actor, "attacker")
    if target_span is None and target is not None:
        target_span = pronoun_span(target, "target")
    if actor_span and target_span and actor_span.start == target_span.start:
        target_span = None
    return actor_span, target_span


def _event_word(token) -> bool:
    """An attack word or a weapon (the lexicon's triggers and mode words), not a party."""
    from jervis.text.lexicon import load_lexicon

    lex = load_lexicon()
    word = token.text
    from jervis.text.actors import INSTRUMENT

    if lex.cues["armed"].fullmatch(word) and not INSTRUMENT.match(word.lower()):
        return False  # "gunmen", "militants": people who attack (a drone is a weapon)
    if lex.trigger_re.fullmatch(word) or (lex.broad_re and lex.broad_re.fullmatch(word)):
        return True
    return any(mode not in ("armed_clash", "raid") and pattern.fullmatch(word)
               for mode, pattern in lex.modes)  # fmt: skip


def _party_word(token) -> bool:
    """A modifier that names who acts: a proper name, a nationality, an armed group's noun."""
    from jervis.text.lexicon import load_lexicon

    if token.tag_ in ("NNP", "NNPS"):
        return True
    if token.text[:1].isupper() and token.tag_ == "JJ":  # "Russian", "Israeli"
        return True
    return bool(load_lexicon().cues["armed"].fullmatch(token.text) or
                re.fullmatch(r"(?i:terrorists?|insurgents?|militants?|rebels?)", token.text))


def _reporting(verb) -> bool:
    """A verb of telling, judging or attributing ("confirmed", "condemned", "investigated",
    "blamed"): its subject is a source, not who attacked. The lexicon lists the verbs' base
    forms; their inflections count too, except those of "claim" ("X claimed the attack" names
    who carried it out)."""
    from jervis.text.lexicon import load_lexicon

    cues = load_lexicon().cues
    word = verb.lower_
    return bool(cues["to_report"].fullmatch(word) or cues["reporter"].fullmatch(word)
                or word in ("confirmed", "confirms", "reported", "said", "says")
                or (_inflected(cues["to_report"]).fullmatch(word)
                    and not word.startswith("claim")))  # fmt: skip


_INFLECTED: dict[str, re.Pattern[str]] = {}


def _inflected(cue: re.Pattern[str]) -> re.Pattern[str]:
    """A pattern of base verb forms ("describe", "verify", "condemn") widened to their
    inflections ("described", "describing", "verified", "condemns")."""
    found = _INFLECTED.get(cue.pattern)
    if found is None:
        bases = max(re.findall(r"[a-z|]+", cue.pattern), key=len).split("|")  # the alternatives
        forms = []
        for b in bases:
            if b.endswith("e"):
                forms.append(b[:-1] + "(?:e|es|ed|ing)")
            elif b.endswith("y"):
                forms.append(b[:-1] + "(?:y|ies|ied|ying)")
            else:
                forms.append(b + "(?:s|ed|ing)?")
        found = _INFLECTED[cue.pattern] = re.compile("(?:" + "|".join(forms) + ")", re.IGNORECASE)
    return found


# verbs that lay an attack at someone's door: "attributed / blamed the attack on X", "accused X
# of the attack", "held X responsible for it"
_ATTRIBUTE = re.compile(r"(?i:attribut(?:e|es|ed|ing)|blam(?:e|es|ed|ing)|accus(?:e|es|ed|ing)|"
                        r"h[eo]ld|holds|holding)")


def _attributing(token) -> bool:
    return _verb(token) and bool(_ATTRIBUTE.fullmatch(token.text))


def attributed_to(trigger):
    """Whom a verb of attribution names as the author of the attack noun ``trigger``: the object
    of "to" / "on" when the attack is its object or passive subject ("attributed the attack to
    X", "the attack was blamed on X", "an action attributed to X"); the verb's object, or its
    passive subject, when the attack follows "for" / "of" ("blamed X for the attack", "accused X
    of the attack", "X was accused of the attack", "held X responsible for it"). "Held" counts
    only with "responsible". None otherwise."""
    head, dep = trigger.head, trigger.dep_
    if dep == "pobj" and head.dep_ == "prep" and head.lower_ in ("for", "of"):
        up = head.head  # the verb, or its object / "responsible" the preposition hangs on
        if up.lower_ == "responsible":
            up = up.head
        verb = up if _verb(up) else up.head
        if not _attributing(verb):
            return None
        if verb.lower_.startswith("h") and not any(
                t.lower_ == "responsible" for t in verb.subtree):  # fmt: skip
            return None
        who = _child(verb, _PASS_SUBJ) if passive_verb(verb) else _child(verb, _OBJ)
        return who if who is not None and who.i != trigger.i else None
    if dep in _OBJ + _PASS_SUBJ and _attributing(head) and not head.lower_.startswith("h"):
        return _prep_object(head, ("to", "on")) or _prep_object(trigger, ("to", "on"))
    acl = next((c for c in trigger.children if c.dep_ == "acl" and c.tag_ == "VBN"
                and _attributing(c) and not c.lower_.startswith("h")), None)  # fmt: skip
    return _prep_object(acl, ("to", "on")) if acl is not None else None


def passive_verb(verb) -> bool:
    return _child(verb, ("auxpass",)) is not None or _child(verb, _PASS_SUBJ) is not None


def _reporter_of(pronoun):
    """The subject of the reporting verb whose complement holds ``pronoun``'s clause."""
    verb = pronoun.head
    for _ in range(3):
        if verb.dep_ == "ccomp" and _reporting(verb.head):
            subj = _child(verb.head, _SUBJ)
            return subj if subj is not None and subj.tag_ != "PRP" else None
        verb = verb.head
        if verb.head is verb:
            break
    return None


def _claimer(doc):
    """The subject of "claimed responsibility" in the sentence, if any."""
    for token in doc:
        if token.lower_ in ("claimed", "claims", "claim", "claiming"):
            obj = _child(token, _OBJ)
            if obj is not None and obj.lower_ == "responsibility":
                return _child(token, _SUBJ)
    return None


_ONE_PRONOUN = frozenset({"him", "her", "he", "she"})
_COLLECTIVE = frozenset({"police", "people", "personnel", "staff", "crew", "army", "militia",
                         "family", "group", "number", "toll", "dozen"})  # fmt: skip


def victims_count(doc, char_start: int, char_end: int) -> int | None:
    """How many the casualty verb at doc.text[char_start:char_end] killed or wounded, read from
    its victims' phrase: the passive subject or the active object, its number ("three farmers")
    plus those of its conjuncts ("three farmers and two more villagers": 5); a singular noun or
    "him"/"her" is one. None when the phrase has no definite number ("soldiers", "many")."""
    from jervis.text.numbers import bounded, parse_number

    span = doc.char_span(char_start, char_end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    verb = span.root
    victim = _child(verb, _PASS_SUBJ)
    if victim is None and _child(verb, ("auxpass",)) is not None:
        victim = _child(verb, _SUBJ)
    if victim is None:
        victim = _child(verb, _OBJ)
    if victim is None:
        return None

    def count(token) -> int | None:
        if token.lower_ in ("nobody", "none") or any(c.lower_ == "no" for c in token.children):
            return 0  # "no one was hurt"
        if token.lower_ in _ONE_PRONOUN:
            return 1
        number = next((c for c in token.children if c.dep_ == "nummod"), None)
        if number is not None and number.left_edge.i > 0 and doc[number.left_edge.i - 1].lower_ in ("minus", "negative"):
            return None  # "killed minus five people": a negative number counts no one
        if number is not None:
            value = parse_number(doc[number.left_edge.i : number.i + 1].text)
        elif token.tag_ in ("NN", "NNP") and token.lower_ not in _COLLECTIVE:
            value = 1
        else:
            return None
        for conj in (c for c in token.children if c.dep_ == "conj"):
            more = count(conj)
            if more is None or value is None:
                return None
            value += more
        return value

    return bounded(count(victim))
