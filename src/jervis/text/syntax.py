"""Small helpers over a spaCy parse shared by the learned trigger and role classifiers.

The run-time pipeline loads en_core_web_sm without its lemmatizer, attribute ruler and NER (they
cost as much as the parser and the classifiers do not need them), so words are reduced with
:func:`stem`, a crude suffix stripper: enough for a linear model to see "attacked", "attacks"
and "attacking" as one feature.
"""

from __future__ import annotations

import re

_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ying", "y"), ("ings", ""), ("ing", ""), ("ed", ""),
             ("es", ""), ("s", ""))  # fmt: skip
_DOUBLE = re.compile(r"([bdgklmnprt])\1$")
PRONOUN_TAGS = frozenset({"PRP", "WP", "WDT", "EX"})


def stem(word: str) -> str:
    """'attacked' / 'attacks' / 'attacking' -> 'attack'; 'shelled' -> 'shell'; 'stabbed' -> 'stab'."""
    w = word.lower()
    if len(w) <= 4 or not w.isalpha():
        return w
    for suffix, repl in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                return w
            base = w[: -len(suffix)] + repl
            if suffix in ("ed", "ing") and _DOUBLE.search(base) and not base.endswith("ll"):
                base = base[:-1]
            return base
    return w


def token_at(doc, start: int, end: int):
    """The syntactic head of the words at doc.text[start:end] (None if no token there)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    return span.root


def passive(token) -> bool:
    """A verb in the passive voice ('was attacked', 'a base attacked by ...')."""
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children):
        return True
    return token.tag_ == "VBN" and token.dep_ in ("acl", "relcl") and any(
        c.dep_ == "agent" for c in token.children
    )


def path(a, b, limit: int = 6) -> tuple[list[str], list[str]] | None:
    """Dependency path from token ``a`` to token ``b``: the steps up from ``a`` to the lowest
    common ancestor ('^dep') and down from it to ``b`` ('vdep'), a preposition's word kept
    ('vprep:on'); None when longer than ``limit`` steps."""
    up_a = [a]
    while up_a[-1].head is not up_a[-1] and len(up_a) <= limit:
        up_a.append(up_a[-1].head)
    index = {t.i: k for k, t in enumerate(up_a)}
    down = [b]
    while down[-1].i not in index and down[-1].head is not down[-1] and len(down) <= limit:
        down.append(down[-1].head)
    if down[-1].i not in index:
        return None
    k = index[down[-1].i]
    if k + len(down) - 1 > limit:
        return None
    return [f"^{_edge(t)}" for t in up_a[:k]], [f"v{_edge(t)}" for t in reversed(down[:-1])]


def _edge(token) -> str:
    if token.dep_ in ("prep", "agent") or (token.dep_ == "mark" and token.tag_ == "IN"):
        return f"{token.dep_}:{token.lower_}"
    return token.dep_
