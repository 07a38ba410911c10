"""Features of a candidate mention for the learned detector (jervis.text.classifier).

A candidate is a group of trigger hits in one clause (jervis.text.detect.candidate_mentions),
whether or not the hand-written checks accept them. Its features are what a reader uses to tell
a reported attack from a word about violence: the trigger words and their kind, the words around
them, what the checks say (negated, modal, generic, background, a count over a period...), whether
an armed agent, a weapon or a casualty count is near, voice and definiteness. They are strings
(one-hot), computed from the sentence text alone: the surface detector of the ``rules`` backend
uses them without a parse, and the trigger classifier (jervis.text.triggers) adds the parse's
features to them.
"""

from __future__ import annotations

import re

from jervis.text.detect import Mention, corroborated
from jervis.text.lexicon import Lexicon
from jervis.text.numbers import NUMBER_RE

_WORD = re.compile(r"[A-Za-z][\w'-]*|\d[\d,.]*")
_YEAR = re.compile(r"\b(?:1[0-9]|20)\d{2}\b")
_FIRST_PERSON = re.compile(r"\b(?:I|we|We|you|You|our|Our|us)\b")
_QUESTION = re.compile(r"\?\s*$")
_CONTEXT = 4  # words on each side


def _shape(word: str) -> str:
    if word[:1].isdigit():
        return "#num"
    if word.isupper() and len(word) > 1:
        return "#ACR"
    if word[:1].isupper():
        return "#Cap"
    return "#low"


def mention_features(lex: Lexicon, mention: Mention) -> list[str]:
    """The feature strings of one candidate mention."""
    sentence = mention.sentence
    norm = sentence.norm
    feats = ["bias"]
    head = next((h for h in mention.hits if h.trigger.kind != "casualty"), mention.hits[0])
    for hit in mention.hits:
        word = hit.text.lower()
        feats += [f"trig={hit.trigger.id}", f"w={word}", f"kind={hit.trigger.kind}"]
        feats.append(f"reason={hit.reason or 'none'}")
        if hit.trigger.weak:
            feats.append("weak")
        if hit.text[:1].isupper() and hit.start > 0:
            feats.append("capitalised")  # "Rob", "Strike Force": a name, not the word
        if hit.passive:
            feats.append("passive")
        if hit.definite:
            feats.append("definite")
        if (hit.trigger.weak or hit.trigger.kind == "casualty") and corroborated(lex, norm, hit):
            feats.append("corroborated")
    feats.append(f"head_reason={head.reason or 'none'}")
    feats.append(f"head_kind={head.trigger.kind}")
    feats.append(f"hits={min(len(mention.hits), 3)}")
    if all(h.reason for h in mention.hits):
        feats.append("all_rejected")
    if all(h.trigger.kind == "casualty" for h in mention.hits):
        feats.append("casualty_only")
    left = _WORD.findall(norm[max(0, mention.start - 60) : mention.start])[-_CONTEXT:]
    right = _WORD.findall(norm[mention.end : mention.end + 60])[:_CONTEXT]
    for i, w in enumerate(reversed(left)):
        feats.append(f"L:{w.lower()}")
        feats.append(f"L{i}:{_shape(w)}")
        if i == 0:
            feats.append(f"L0:{w.lower()}")
    for i, w in enumerate(right):
        feats.append(f"R:{w.lower()}")
        feats.append(f"R{i}:{_shape(w)}")
        if i == 0:
            feats.append(f"R0:{w.lower()}")
    lo, hi = max(0, mention.start - 80), min(len(norm), mention.end + 80)
    window = norm[lo : mention.start] + " " + norm[mention.end : hi]
    for cue in ("weapon", "armed", "modal", "negation", "generic", "aggregate", "reaction"):
        if lex.cues[cue].search(window):
            feats.append(f"cue:{cue}")
    if NUMBER_RE.search(window):
        feats.append("number_near")
    if _YEAR.search(norm):
        feats.append("year_in_sentence")
    if _FIRST_PERSON.search(norm):
        feats.append("first_person")
    if _QUESTION.search(norm):
        feats.append("question")
    if norm.count('"') >= 2:
        feats.append("quoted")
    words = len(_WORD.findall(norm))
    feats.append(f"len={min(words // 10, 5)}")
    return feats
