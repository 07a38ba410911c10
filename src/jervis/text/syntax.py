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
    return path_to(climb(a, limit), b)


def climb(a, limit: int = 6) -> tuple:
    """The part of :func:`path` that depends on ``a`` alone (its climb to the root), so that a
    caller asking for the paths from one trigger to every candidate climbs once."""
    heads, ups, downs = _tree(a.doc)  # token indices and edge names: no Token objects made
    # As the models were trained: the climb does not stop at the root (spaCy makes a new Token
    # object per access, so the former test "token.head is not token" never failed): the root
    # repeats up to ``limit`` steps and the last of its repeats is the one indexed.
    up_a = [a.i]
    while len(up_a) <= limit:
        up_a.append(heads[up_a[-1]])
    index = {t: k for k, t in enumerate(up_a)}
    return heads, ups, downs, up_a, index, limit


def path_to(climbed: tuple, b) -> tuple[list[str], list[str]] | None:
    """:func:`path` from the token :func:`climb` climbed from to token ``b``."""
    heads, ups, downs, up_a, index, limit = climbed
    down = [b.i]
    while down[-1] not in index and len(down) <= limit:
        down.append(heads[down[-1]])
    if down[-1] not in index:
        return None
    k = index[down[-1]]
    if k + len(down) - 1 > limit:
        return None
    return [ups[t] for t in up_a[:k]], [downs[t] for t in reversed(down[:-1])]


def columns(doc) -> tuple[list[str], list[str], list[str], list[int], list[int], list[str], list[int]]:
    """Each token's word, tag, relation, head index, character offset, lower-case word and
    punctuation flag, read in one pass of ``Doc.to_array`` (a spaCy Token object, made anew at
    every access, costs more than the values it is asked for) and kept on the Doc itself."""
    cached = doc.user_data.get("jervis.syntax.columns")
    if cached is not None:
        return cached
    if len(doc):
        rows = doc.to_array(_columns()).T.tolist()  # uint64: a head is an offset modulo 2**64
        orth, tag, dep, head, idx, lower, punct = rows
        if len(_STRINGS) > 200_000:
            _STRINGS.clear()
        text = _text_of(doc.vocab.strings)
        cached = ([text(h) for h in orth], [text(h) for h in tag], [text(h) for h in dep],
                  [(i + h) % _WRAP for i, h in enumerate(head)], idx, [text(h) for h in lower],
                  punct)  # fmt: skip
    else:
        cached = ([], [], [], [], [], [], [])
    doc.user_data["jervis.syntax.columns"] = cached
    return cached


def _text_of(strings):
    """hash -> string, remembered: a string's hash is the same in every spaCy vocabulary (it is
    the MurmurHash of the string), so one table serves them all."""

    def text(h: int) -> str:
        found = _STRINGS.get(h)
        if found is None:
            found = _STRINGS[h] = strings[h]
        return found

    return text


_STRINGS: dict[int, str] = {}
_WRAP = 2**64
_COLUMNS: list[int] = []


def _columns() -> list[int]:
    """spaCy's attribute ids of the columns (imported on first use: importing this module does
    not import spaCy)."""
    if not _COLUMNS:
        from spacy.attrs import DEP, HEAD, IDX, IS_PUNCT, LOWER, ORTH, TAG

        _COLUMNS.extend((ORTH, TAG, DEP, HEAD, IDX, LOWER, IS_PUNCT))
    return _COLUMNS


def _tree(doc) -> tuple[list[int], list[str], list[str]]:
    """Each token's head index and its edge as a path step up ('^dep') and down ('vdep'), computed
    once per parsed sentence (path is asked for every trigger and candidate pair) and kept on
    the Doc itself, so it lives exactly as long as the parse."""
    cached = doc.user_data.get("jervis.syntax.tree")
    if cached is not None:
        return cached
    _words, tags, deps, heads, _starts, lowers, _punct = columns(doc)
    ups, downs = [], []
    for tag, dep, lower in zip(tags, deps, lowers, strict=True):
        edge = _edge_of(dep, tag, lower)
        ups.append(f"^{edge}")
        downs.append(f"v{edge}")
    doc.user_data["jervis.syntax.tree"] = (heads, ups, downs)
    return heads, ups, downs


def _edge_of(dep: str, tag: str, lower: str) -> str:
    if dep in ("prep", "agent") or (dep == "mark" and tag == "IN"):
        return f"{dep}:{lower}"
    return dep
