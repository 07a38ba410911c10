"""News text -> canonical events: the extractor's public API.

    extract_text(text, published=..., doc_id=..., url=..., backend="spacy") -> [ExtractedEvent]
    extract(paths, published=..., backend="spacy", jobs=1) -> [ExtractedEvent]
    extract_mentions(text) -> [dict]  (every attack mention, as ACE-style gold marks them)

Steps per document: paragraphs and sentences (pipeline), trigger hits checked for negation,
modality, genericity and background (detect, negation), grouped into mentions; for each mention
its date (dates), counts (numbers), mode and PLOVER type (modes), actor and target (actors) and
place (places); then mentions of the same real-world event merged (coref). Every filled field
keeps the character span (in the document text) that supports it: ``ExtractedEvent.spans``.

``ExtractedEvent.to_row()`` gives exactly the canonical columns (jervis.store.schema.COLUMNS) for
the store; ``to_dict()`` adds ``spans`` ({field: [start, end]}), ``sentences`` and ``doc_id`` for
JSONL output. Only ASSAULT, FIGHT and COERCE events are produced; detection scores count
ASSAULT and FIGHT (COERCE is arrests, bloodless raids and arson).

``evidence`` joins, with " ... ", the text of each mention merged into the event: the whole
sentence, or the mention's part of it when one sentence reports two events; a text repeated
word for word is there once (``evidence_spans`` keeps every mention's span). Events dated more
than a year before publication (or, without a publication date, only by a past year) are
background and are not returned (jervis.text.dates.is_background).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from jervis.errors import JervisError
from jervis.store.schema import COLUMNS
from jervis.text import actors, cleaning, coref, dates, places
from jervis.text.classifier import load_model
from jervis.text.coref import Draft, merge
from jervis.text.detect import Hit, Mention, all_hits, candidate_mentions, find_mentions, screen
from jervis.text.features import mention_features
from jervis.text.inputs import blank_datelines, drop_boilerplate
from jervis.text.lexicon import load_lexicon
from jervis.text.modes import event_of, mode_of
from jervis.text.numbers import (
    NUMBER_OF_DEAD,
    UNKNOWN_RE,
    attackers_died,
    bounded,
    casualty_count,
    count_span,
    enemy_claim,
    first_report,
    is_additive,
    same_group,
    standalone_counts,
    victim_group,
)
from jervis.text.pipeline import Sentence, split_sentences

# "spacy" (default): the checked rules find the events, en_core_web_sm's parse (installed by
# `make install`) reads who did what to whom and how many; "rules": word order only, no model,
# about 2.5 times faster. See docs/extraction.md.
DEFAULT_BACKEND = "spacy"

_CIVILIAN = re.compile(r"\b(?:civilians?|villagers|residents|worshippers|children|women|"
                       r"students|refugees|passers-?by|shoppers|pilgrims)\b", re.I)  # fmt: skip


_STRIKE_REF = re.compile(r"\b(?:air)?strikes?\b|\braids?\b", re.IGNORECASE)
_NEW_BEFORE = re.compile(r"\b(?:another|second|third|new|further|fresh|separate|more|other)\s+"
                         r"(?:[\w-]+\s+){0,2}$", re.IGNORECASE)  # fmt: skip
# a reported clause whose subject is the speaker: "X said it had killed ..." (a claim)
_SAID_IT = (r"\s+(?:on\s+\w+\s+)?(?:that\s+)?(?:it|they|its\s+\w+|their\s+\w+)\s+"
            r"(?:had\s+|has\s+|have\s+)?")
_CLAIM_BEFORE = re.compile(r"\b(?:said|says|claimed|claims|announced|added)" + _SAID_IT
                           + r"(?:\w+\s+)?$", re.IGNORECASE)  # fmt: skip
# the same claim with the killing as the second of two joined verbs: "X said it had struck a
# gathering of commanders with missiles and killed N" (one clause: no comma, no full stop)
_CLAIM_AND_BEFORE = re.compile(r"\b(?:said|says|claimed|claims|announced)" + _SAID_IT
                               + r"\w+[^,;.]{0,120}?\band\s+(?:had\s+)?$", re.IGNORECASE)  # fmt: skip
# "in Iraq and Syria", "in northern Syria and northern Iraq", "in Syria and in Iraq"
_AND_PLACE = re.compile(r"\s*,?\s+and\s+(?:in\s+)?(?:(?:north|south|east|west)(?:-?(?:east|west))?"
                        r"(?:ern)?\s+|central\s+)?", re.IGNORECASE)  # fmt: skip
# a phrase that names no one: a generic attacker noun with at most lower-case modifiers
_GENERIC_ACTOR = re.compile(
    r"^(?:(?:the|a|an|some|several|two|three|four|five|dozens\s+of)\s+)?(?:[a-z][\w-]*\s+){0,2}"
    r"(?:[Gg]unm[ae]n|[Aa]ttackers?|[Aa]ssailants?|[Bb]ombers?|[Ss]uicide\s+bombers?|[Ss]hooters?|"
    r"[Kk]idnappers?|[Aa]rsonists?|[Aa]ssassins?|[Ss]nipers?)$")
# armed men the text names no group for ("heavily armed militants", "the fighters", "men"):
# no named attacker (a group's name or a nationality gives the actor a side, which keeps it)
_GENERIC_ARMED = re.compile(
    r"^(?:(?:[Tt]he|[Ss]ome|[Ss]everal|[Dd]ozens\s+of|[Hh]undreds\s+of)\s+)?"
    r"(?:(?:[A-Z][a-z]+ly|Armed|Masked|Unidentified|Unknown|Suspected)\s+)?(?:[a-z][a-z-]*\s+){0,2}"
    r"(?:militants|insurgents|fighters|jihadists|extremists|militiamen|men)$")  # fmt: skip
# (a capitalised modifier is a name or a nationality, "Kurdish militants", unless an adverb or
# a plain adjective that opened the sentence)
# a weapon or device read as the attacker (the subject of "struck" or "exploded" is often what
# hit, not who fired it): no named attacker; a nationality or a name among its words ("a
# Ruritanian missile") gives the attacker and keeps it
_INSTRUMENT = re.compile(
    r"^(?:[\w'-]+\s+){0,3}?(?:drones?|missiles?|rockets?|shells?|bombs?|devices?|explosives?|"
    r"radios?|pagers?|walkie-talkies|grenades?|mortars?|projectiles?|munitions?|warheads?)$",
    re.IGNORECASE)  # fmt: skip
INSTRUMENT_IS_NO_ACTOR = True


def _instrument(actor: str) -> bool:
    if not INSTRUMENT_IS_NO_ACTOR or not _INSTRUMENT.match(actor):
        return False
    from jervis.text.numbers import _demonyms

    words = actor.split()
    return not any(w.strip("'s").lower() in _demonyms() or (k and w[:1].isupper())
                   for k, w in enumerate(words))  # fmt: skip


# a month or weekday read as a party ("Oct", "Sunday"): a date, never an actor
_DATE_WORD = re.compile(r"^(?:" + dates.MONTHS + "|" + "|".join(dates.WEEKDAYS) + r")\.?$", re.IGNORECASE)


def _own_target(values: dict) -> bool:
    """The actor is the target's own common noun ("soldiers" attacked "soldiers"): the victims
    read as their attacker; an attacker named by no group is not its own target."""
    actor, target = values.get("actor_raw") or "", values.get("target_raw") or ""
    if actor != actor.lower():
        return False  # a name ("Free Syrian Army") is left to the roles
    a, t = actor.split()[-1:], target.lower().split()[-1:]
    return bool(a) and a == t


_CLAIM_RE = re.compile(r"^\W*(?P<who>[A-Z][\w'-]*(?:\s+[\w'-]+){0,4}?)\s+(?:has\s+|have\s+|had\s+)?"
                       r"(?:claimed|claims)\s+(?:responsibility|credit)\b")  # fmt: skip
# attack verbs that say the victims died: their count is of the killed, as "killed"'s is
_KILLING_VERB = re.compile(r"(?:murdered|murdering|assassinated|assassinating|massacred|"
                           r"slaughtered|lynched|beheaded|gunned\s+down|shot\s+(?:dead|to\s+death|"
                           r"and\s+killed)|(?:hacked|stabbed|beaten)\s+to\s+death)", re.IGNORECASE)  # fmt: skip
# a toll said to have risen since it was first given
_TOLL_WORDS = r"(?:toll|" + NUMBER_OF_DEAD + r")"
_RISING = re.compile(r"\b" + _TOLL_WORDS + r"\b.{0,40}\b(?:rose|risen|climbed|increased|reached|jumped)\b|"
                     r"\b(?:later|since|subsequently)\s+died\b|\bdied\s+(?:later|of\s+(?:their|his|"
                     r"her)\s+(?:wounds|injuries))\b|\bsuccumbed\b", re.IGNORECASE)  # fmt: skip
# "the toll from a bombing at a mosque in X rose to 93": an attack's toll, on the report's day
_TOLL_ROSE = re.compile(r"\b" + _TOLL_WORDS + r"\b[^,;.]{0,140}?\b(?:rose|has\s+risen|had\s+risen|climbed|"
                        r"increased|jumped)\s+to\b", re.IGNORECASE)  # fmt: skip
_BY_AGENT = re.compile(r"\b(?:killed|wounded|injured|hurt)\s+(?:\w+\s+){0,3}?by\b", re.IGNORECASE)
# a relative clause between commas ("the group, which seized the town on June 3, condemned ..."):
# a date inside it dates that clause, not a mention outside it
_RELATIVE = re.compile(r",\s+(?:who|which|whose|where)\b[^,;]*(?=,)", re.IGNORECASE)
_LIST_PLACE = re.compile(r"\s*,\s*(?:in\s+)?(?:(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+|"
                         r"central\s+)?", re.IGNORECASE)  # fmt: skip
_ERA_CUES = frozenset({"year", "years_ago", "month", "month_name"})
# a toll over a period: a war, an insurgency, a campaign that "has killed" N, or N dead "since" a year
_PERIOD_TOLL = re.compile(r"\b(?:conflict|war|insurgency|rebellion|uprising|campaign|violence|fighting|"
                          r"crisis)\b[^.;]{0,30}?\b(?:has|have|had)\s+(?:\w+\s+)?(?:killed|claimed|left|"
                          r"cost)\b|\bsince\s+(?:(?:early|late|mid-?)\s*)?(?:\d{4}|" + dates.MONTHS + r")\b",
                          re.IGNORECASE)  # fmt: skip
_CASUALTY_VERB = re.compile(r"(?:kill|wound|injur|maim|hurt)\w*", re.IGNORECASE)
_TOLL_HINT = re.compile(r"\b(?:kill|wound|injur|hurt|dead|died|death|toll|murder|slain|casualt|bodies|hospitali|treated)",
                        re.IGNORECASE)  # fmt: skip
_SUBORDINATE = re.compile(r"\b(?:after|before|since|following|ahead\s+of|in\s+(?:reply|response|"
                          r"retaliation|revenge)\s+(?:to|for))\b",
                          re.IGNORECASE)  # fmt: skip
# a date right after a verb of speech dates the statement ("said on Saturday"), not the event:
# it dates the event only when nothing else does, and never counts as the event's own day
_SPEECH_BEFORE = re.compile(r"\b(?:said|says|told|announced|reported|added|confirmed|stated|"
                            r"statement|reporters|parliament|television|denied|denies|condemned|"
                            r"vowed|blamed|accused|warned)\s+$", re.IGNORECASE)  # fmt: skip
# (a denial, a condemnation, a vow, a blame: statements too)
# "<the attack> came / happened N days after X": the subject is the event in view; the cue dates X
_CAME = re.compile(r"\s+(?:came|happened|occurred|took\s+place|followed)\s+", re.IGNORECASE)
CAME_AFTER_DATES_WHAT_FOLLOWS = True
ONE_DATE_PER_MENTION = True  # a date whose nearest mention has a nearer one dates the next nearest
_CLAUSE_GAP = re.compile(r",\s|;|\s-\s")  # a bare year does not reach across a clause
_CUE_REACH = 100  # characters between a date cue and the mention it dates


@dataclass
class ExtractedEvent:
    """One event read from text; field names are the canonical schema's columns."""

    date: date | None
    date_precision: str
    event: str
    actor: str | None = None
    actor_raw: str | None = None
    actor_side: str | None = None
    target: str | None = None
    target_raw: str | None = None
    target_side: str | None = None
    mode: str | None = None
    country: str | None = None
    admin1: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    killed: int | None = None
    wounded: int | None = None
    actor_killed: int | None = None
    target_killed: int | None = None
    civilians_killed: int | None = None
    source_dataset: str = "text"
    source_id: str | None = None
    source_url: str | None = None
    evidence: str | None = None
    confidence: float | None = None
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    sentences: list[int] = field(default_factory=list)
    doc_id: str | None = None
    evidence_spans: list[tuple[int, int]] = field(default_factory=list)  # one per merged mention
    trigger_spans: list[tuple[int, int]] = field(default_factory=list)  # each mention's words

    def to_row(self) -> dict:
        """The canonical columns only (event_id left to the store: dataset + source_id)."""
        data = asdict(self)
        row = {col: data.get(col) for col in COLUMNS}
        row["event_id"] = None
        row["time"] = None
        if self.evidence and "\x00" in self.evidence:  # the extractor read the text without it
            row["evidence"] = self.evidence.replace("\x00", "")  # (a store holds no NUL)
        return row

    def to_dict(self) -> dict:
        """Canonical columns plus spans, sentence numbers and doc_id (JSON-serialisable)."""
        row = self.to_row()
        row["date"] = self.date.isoformat() if self.date else None
        row["spans"] = {k: [a, b] for k, (a, b) in self.spans.items()}
        row["sentences"] = list(self.sentences)
        row["evidence_spans"] = [[a, b] for a, b in self.evidence_spans]
        row["trigger_spans"] = [[a, b] for a, b in self.trigger_spans]
        row["doc_id"] = self.doc_id
        return row


def extract_text(
    text: str,
    *,
    published: date | str | None = None,
    doc_id: str | None = None,
    url: str | None = None,
    backend: str = DEFAULT_BACKEND,
) -> list[ExtractedEvent]:
    """Events reported in one document's text (see the module docstring)."""
    return extract_texts([(text, published, doc_id, url)], backend=backend)[0]


def extract_texts(
    docs: Iterable[tuple[str, date | str | None, str | None, str | None]], *,
    backend: str = DEFAULT_BACKEND,
) -> list[list[ExtractedEvent]]:  # fmt: skip
    """Batch form of extract_text: (text, published, doc_id, url) per document."""
    if backend not in ("rules", "spacy"):
        raise JervisError(f"unknown backend {backend!r}: use 'rules' or 'spacy'")
    docs = list(docs)
    for doc in docs:  # None or a number gave no events and no word; bytes were read as text
        if not isinstance(doc[0], str):
            raise JervisError(f"text must be a str, not {type(doc[0]).__name__}")
    with _older_objects_frozen():
        return _extract_texts(docs, backend)


@contextmanager
def _older_objects_frozen() -> Iterator[None]:
    """The garbage collector leaves the objects that existed before the batch alone while it
    runs (gc.freeze, undone after it; nothing done if something is frozen already).

    The batch allocates hundreds of thousands of objects, so the collector's full passes come
    every few seconds, and each one walked every object of the process: the loaded model, the
    gazetteer and the actor dictionary (~280,000 objects) among them, which the batch never
    frees. That was 4-6% of the default backend's CPU time on the throughput benchmark. What is
    collected does not change: unfrozen after the batch, the older objects are collectable again.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _extract_texts(docs: list, backend: str) -> list[list[ExtractedEvent]]:
    originals = [_as_text(d[0]) for d in docs]
    readable = [_readable(text) for text in originals]
    docs = [(r[0], *d[1:]) for r, d in zip(readable, docs, strict=True)]
    # sentences always come from the fast rule-based splitter; the statistical pipeline (backend
    # "spacy") parses only the sentences that may report an event, all documents' in one batch
    sentence_lists = split_sentences(d[0] for d in docs)
    found: list = [None] * len(docs)
    parsed: list[dict] = [{} for _ in docs]  # every sentence the batch parsed, per document
    screened: list[dict] = [{} for _ in docs]  # every sentence's trigger hits, per document
    if backend == "spacy":
        found = learned_mentions_batch(load_lexicon(), sentence_lists, factual=True, parsed=parsed,
                                       screened=screened)  # fmt: skip
    staged = [
        _doc_events(dates.to_date(d[1]), sents, backend, found[k], parsed[k], screened[k])
        for k, (d, sents) in enumerate(zip(docs, sentence_lists, strict=True))
    ]
    if backend != "rules":  # an attacker another sentence of the document names (by the parse)
        _nearby_attackers(load_lexicon(), staged, sentence_lists, parsed)
    out = []
    for k, (text, pub, doc_id, url) in enumerate(docs):
        events = _finish_doc(text, staged[k], dates.to_date(pub), doc_id, url)
        if readable[k][1]:  # read in another form: spans and evidence back on the user's text
            for event in events:
                _restore(event, originals[k], readable[k][2])
        out.append(events)
    return out


def _as_text(value) -> str:
    """A document's text: None is empty, bytes are UTF-8 (undecodable bytes replaced)."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) else str(value)


def _readable(text: str) -> tuple[str, bool, list[int] | None]:
    """(the text the extractor reads, whether it differs from ``text``, offsets back to
    ``text`` or None): invisible characters out and compatibility forms folded, boilerplate and
    datelines blanked, a shouting document re-cased (jervis.text.cleaning)."""
    clean, offsets = cleaning.clean(text)
    changed = clean is not text
    clean = blank_datelines(drop_boilerplate(clean))
    if cleaning.shouting(clean):
        clean, changed = cleaning.recase(clean), True
    return clean, changed, offsets


def _restore(event: ExtractedEvent, original: str, offsets: list[int] | None) -> None:
    """Spans of the prepared text mapped back to the original text, evidence re-read from it."""
    event.spans = {k: cleaning.map_span(v, offsets) for k, v in event.spans.items()}
    event.evidence_spans = [cleaning.map_span(v, offsets) for v in event.evidence_spans]
    event.trigger_spans = [cleaning.map_span(v, offsets) for v in event.trigger_spans]
    event.evidence = join_evidence(cleaning.without_escapes(original[a:b]) for a, b in event.evidence_spans)


def join_evidence(pieces: Iterable[str]) -> str:
    """The merged mentions' text, joined by " ... ", each distinct piece once: a report that
    repeats its sentence (a feed's copies, a page's summary above its text) is one sentence of
    evidence, not the sentence as many times as it appears."""
    return " ... ".join(dict.fromkeys(piece.strip() for piece in pieces))


def extract(
    paths: Iterable[str | Path] | str | Path,
    *,
    published: date | str | None = None,
    backend: str = DEFAULT_BACKEND,
    jobs: int = 1,
    on_skip: Callable | None = None,
    on_error: Callable | None = None,
    stats: dict | None = None,
) -> list[ExtractedEvent]:
    """Events from files, directories or globs (text, HTML, RSS/Atom, JSONL of articles).

    Documents not in English are not extracted: ``on_skip(document, language_code)`` is called
    for each (the CLI prints one line: file, language found). ``on_error(JervisError)`` is
    called for each bad JSONL record, which is left out (without it the first one raises).
    ``stats``, when given, receives ``documents`` (read), ``extracted``, ``not_english`` and
    ``bad`` (records left out): documents + bad = every record read.
    """
    from jervis.text.inputs import read_documents
    from jervis.text.language import detect_language

    bad = []

    def failed(exc: JervisError) -> None:
        bad.append(exc)
        if on_error is not None:
            on_error(exc)

    documents = []
    read = read_documents(paths, published=published, on_error=failed if on_error else None)
    for doc in read:
        code = detect_language(doc.text)
        if code != "en":  # not extracted as garbage: reported, skipped
            if on_skip is not None:
                on_skip(doc, code)
            continue
        documents.append(doc)
    if stats is not None:
        stats.update(documents=len(read), extracted=len(documents),
                     not_english=len(read) - len(documents), bad=len(bad))  # fmt: skip
    items = [(d.text, d.published, d.doc_id, d.url) for d in documents]
    if jobs <= 1 or len(items) < 2 * jobs:
        results = extract_texts(items, backend=backend)
    else:
        from concurrent.futures import ProcessPoolExecutor

        size = (len(items) + jobs - 1) // jobs
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            parts = list(pool.map(_run_chunk, chunks, [backend] * len(chunks)))
        results = [r for part in parts for r in part]
    return [event for events in results for event in events]


def _run_chunk(items, backend):
    return extract_texts(items, backend=backend)


def detected_mentions(lex, sentence: Sentence) -> list[Mention]:
    """Every attack mention the surface detector (no parse) finds in the sentence, reported or not."""
    model = load_model("detector")
    out = []
    for mention in candidate_mentions(lex, sentence):
        probability = model.probability(mention_features(lex, mention))
        if probability >= model.threshold:
            mention.probability = probability
            out.append(mention)
    return out


def _nearby_attackers(lex, staged: list[list[Draft]], sentence_lists: list[list[Sentence]],
                      parsed: list[dict]) -> None:  # fmt: skip
    """jervis.text.arguments.nearby_attackers for every document, the sentences it needs that
    the trigger batch did not parse parsed in one batch (as one call per document would)."""
    from jervis.text.arguments import nearby_attackers, nearby_todo
    from jervis.text.pipeline import parse

    todo = [(k, s) for k, (events, sentences) in enumerate(zip(staged, sentence_lists, strict=True))
            for s in nearby_todo(events, sentences, parsed[k])]  # fmt: skip
    for (k, s), doc in zip(todo, parse(s.norm for _, s in todo), strict=True):
        parsed[k][s.index] = doc
    for events, sentences, parses in zip(staged, sentence_lists, parsed, strict=True):
        nearby_attackers(lex, events, sentences, parses)


def _doc_events(
    published: date | None, sentences: list[Sentence], backend: str = "rules",
    found: list | None = None, parsed: dict | None = None, screened: dict | None = None,
) -> list[Draft]:  # fmt: skip
    """A document's merged events before the nearby attackers and the finish. ``parsed``
    (sentence index -> parse) receives the parses of the sentences with mentions; ``screened``
    (sentence index -> all_hits), the trigger scan of the sentences already scanned."""
    lex = load_lexicon()
    drafts: list[Draft] = []
    previous: date | None = None
    if found is None and backend != "rules":
        found = learned_mentions(lex, sentences, factual=True, parsed=parsed)
    elif found is None:  # word order only: the hand-written checks decide (negation, modality,
        # genericity, background, corroboration of weak words)
        found = [(s, m, None) for s in sentences if (m := find_mentions(lex, s)[0])]
    with_mentions = {sentence.index for sentence, _, _ in found}
    tolls = [(s, [m], None) for s in sentences if s.index not in with_mentions
             and (m := _toll_mention(lex, s, (screened or {}).get(s.index))) is not None]  # fmt: skip
    claims = {s.index: c for s in sentences if s.index not in with_mentions
              and (c := _claim_draft(s, published)) is not None}  # fmt: skip
    for sentence, mentions, parse in sorted(found + tolls, key=lambda f: f[0].index):
        toll = sentence.index not in with_mentions
        while claims and min(claims) < sentence.index:
            drafts.append(claims.pop(min(claims)))
        cues = _assign_cues(sentence, mentions)
        matches = places.find(sentence.text)
        if toll:  # a toll's place is where the victims were hit, not whence or whither
            matches = places.victims_elsewhere(sentence.norm, matches)
        pieces = _evidence_pieces(sentence, mentions, cues)
        dated = None  # the day a mention of this sentence was given: its undated ones share it
        for mention, cue, piece in zip(mentions, cues, pieces, strict=True):
            main = cue is not None and _opens_clause(sentence.norm, cue, mention)
            cited = bool(_SUBORDINATE.search(sentence.norm[: mention.start][-40:]))
            if cue is None and dated is not None and not cited:
                day = dated
            else:  # the date _draft gives it
                day = dates.resolve(cue, published, previous, main=main)
            if dates.is_background(*day, published):
                continue  # history, not news: tested before the draft's work (roles, counts)
            own = matches if len(mentions) == 1 else [  # several events: each its own places
                m for m in matches if piece[0] <= sentence.start + m.start < piece[1]]
            draft = _draft(lex, sentence, mention, cue, own, published, previous, parse, main=main,
                           context=_before(sentences, sentence))
            draft.evidence = [piece]
            draft.toll = toll
            draft.rising = toll and bool(_RISING.search(sentence.norm))
            draft.toll_rose = bool(_TOLL_ROSE.search(sentence.norm))
            v = draft.values
            draft.cited = cited  # "in reply to rocket attacks": an earlier event, cited
            if cue is None and dated is not None and not cited:
                v["date"], v["date_precision"] = dated
            if draft.explicit_date and draft.values["date"] is not None:
                previous = draft.values["date"]
            if draft.explicit_date and v["date_precision"] == "day":
                dated = (v["date"], "day")
            draft.dated = draft.explicit_date or (dated is not None and not cited)
            others = _other_countries(sentence, own, draft)
            if toll:  # a toll gives counts, not parties: whom the sentence names may be sources
                for key in ("actor", "actor_raw", "actor_side", "target", "target_raw",
                            "target_side"):  # fmt: skip
                    v.pop(key, None)
            elif draft.casualty_only and all(h.passive for h in mention.hits) and not (
                _BY_AGENT.search(sentence.norm)
            ):  # "ten people were killed": no attacker in the sentence, whatever the parse says
                for key in ("actor", "actor_raw", "actor_side"):
                    v.pop(key, None)
            drafts.append(draft)
            drafts.extend(others)
    drafts.extend(claims[k] for k in sorted(claims))
    events = merge(drafts, dated=published is not None)
    events = coref.reconcile(events, published)
    if parsed is not None:
        parsed.update((s.index, p) for s, _, p in found if p is not None)
    return events


def _finish_doc(text: str, events: list[Draft], published: date | None, doc_id: str | None,
                url: str | None) -> list[ExtractedEvent]:  # fmt: skip
    out = []
    for n, draft in enumerate(events, start=1):
        _scoped_parties(draft.values, published)  # the merged event may know its place now
        out.append(_finish(text, draft, n, doc_id, url))
    return out


def _other_countries(sentence: Sentence, matches: list, draft: Draft) -> list[Draft]:
    """One attack operation in several countries ("struck targets in Iraq and Syria", "in Iraq,
    Syria and Libya") is one event per country, as the event datasets code it: a copy of the
    draft for each country after the first, placed there, without the counts (a sentence that
    gives one toll for all cannot split it). The countries must form one list after a locative
    word: names joined by commas and a final "and" (or by "and" alone)."""
    v = draft.values
    if draft.toll:
        return []
    countries = [m for m in matches if getattr(m, "kind", "") != "demonym" and m.country]
    for i, first in enumerate(countries):
        if not getattr(first, "locative", False) or v.get("country") not in (None, first.country):
            continue
        run, joined = [first], False
        for nxt in countries[i + 1 :]:
            gap = sentence.norm[run[-1].end : nxt.start]
            if _AND_PLACE.fullmatch(gap):
                joined = True
            elif not _LIST_PLACE.fullmatch(gap):
                break
            run.append(nxt)
        others: dict[str, object] = {}
        for m in run:
            if m.country != first.country:
                others.setdefault(m.country, m)
        if not joined or not others:
            continue
        if v.get("country") is None:  # the places were read as the target's words: the first
            _place(v, draft.spans, _as_place(first), sentence.start)  # country is where it landed
        target = draft.spans.get("target")
        if target is not None and sentence.start + run[0].start <= target[0] < sentence.start + run[-1].end:
            for key in ("target", "target_raw", "target_side"):  # a listed country is where
                v.pop(key, None)  # the operation struck, not whom
            draft.spans.pop("target", None)
        copies = []
        for m in others.values():
            values = {k: val for k, val in v.items() if k not in ("killed", "wounded",
                                                                  "target_killed", "civilians_killed")}  # fmt: skip
            spans = {k: span for k, span in draft.spans.items() if k not in ("killed", "wounded")}
            _place(values, spans, _as_place(m), sentence.start)
            copies.append(Draft(values=values, spans=spans, sentences=list(draft.sentences),
                                evidence=list(draft.evidence), explicit_date=draft.explicit_date,
                                strong=draft.strong, triggers=list(draft.triggers),
                                dated=draft.dated, new=True))  # fmt: skip
        return copies
    return []


def _place(values: dict, spans: dict, place: places.Place, offset: int) -> None:
    """An event's place fields and span, from a place of its sentence."""
    values.update(country=place.country, admin1=place.admin1, location=place.name,
                  latitude=place.latitude, longitude=place.longitude,
                  geo_precision=place.precision)  # fmt: skip
    spans["place"] = (offset + place.start, offset + place.end)


def _as_place(match) -> places.Place:
    return places.as_place(match, places.GEO_PRECISION.get(match.precision))


def _claim_draft(sentence: Sentence, published: date | None) -> Draft | None:
    """A sentence in which a named group claims an attack it does not name ("X claimed
    responsibility in a statement"): the attacker of the event the text is about."""
    match = _CLAIM_RE.search(sentence.norm)
    if match is None or sentence.heading:
        return None
    who = match.group("who")
    party = actors.normalise_party(who, match.start("who"), match.end("who"))
    if party.side is None:
        return None
    off = sentence.start
    return Draft(
        values={"event": "ASSAULT", "actor": party.name, "actor_raw": party.raw,
                "actor_side": party.side, "date": published, "date_precision": "week"},
        spans={"actor": (off + match.start("who"), off + match.end("who"))},
        sentences=[sentence.index], evidence=[(sentence.start, sentence.end)],
        toll=True, claim=True, dated=False, casualty_only=True,
    )  # fmt: skip


def _toll_mention(lex, sentence: Sentence, hits: list[Hit] | None = None) -> Mention | None:
    """A sentence that gives a toll but names no attack ("Ten people were killed, the ministry
    said"; "the toll rose to 30"): a mention of its casualty words, which may only join the
    event the text is about (jervis.text.coref), never make one of its own."""
    if sentence.heading or not _TOLL_HINT.search(sentence.norm):
        return None
    if any(c.kind in _ERA_CUES for c in dates.find_cues(sentence.norm)):
        return None  # the toll of a war or of a month ("in 2020", "last month"): not of a day
    if _PERIOD_TOLL.search(sentence.norm):
        return None  # "a war that has claimed N lives", "N dead since 2014": a war's toll
    if hits is None:  # (``hits``: all_hits of the sentence, when the caller has them)
        hits = all_hits(lex, sentence)
    hits = [h for h in hits if h.trigger.kind == "casualty" and h.reason is None]
    counted = [h for h in hits if casualty_count(sentence.norm, h.start, h.end, h.passive)[1]]
    if counted:
        return Mention(sentence, counted)
    standalone = standalone_counts(sentence.norm)
    if not standalone:
        return None
    trigger = next(t for t in lex.triggers if t.kind == "casualty")
    a, b = min(x[2] for x in standalone), max(x[3] for x in standalone)
    return Mention(sentence, [Hit(a, b, sentence.norm[a:b], trigger)])


def learned_mentions(lex, sentences: list[Sentence], *, factual: bool, parsed: dict | None = None):
    """(sentence, mentions, parse) for each sentence in which the learned trigger classifier
    finds an attack (jervis.text.triggers): ``factual`` events reported as having happened, else
    every attack mention. Only sentences with a candidate word are parsed."""
    return learned_mentions_batch(lex, [sentences], factual=factual,
                                  parsed=None if parsed is None else [parsed])[0]  # fmt: skip


def learned_mentions_batch(lex, sentence_lists: list[list[Sentence]], *, factual: bool,
                           parsed: list[dict] | None = None,
                           screened: list[dict] | None = None):  # fmt: skip
    """learned_mentions for several documents, their sentences parsed in one batch.
    ``parsed``: one dict per document, which receives sentence index -> parse for every
    sentence parsed (with or without a mention: a later step may read it); ``screened``, the
    same for every sentence's trigger hits (all_hits)."""
    from jervis.text import triggers
    from jervis.text.pipeline import parse

    todo = []
    for k, sentences in enumerate(sentence_lists):
        for sentence in sentences:
            if factual:
                hits, ruled = screen(lex, sentence)  # all_hits and find_mentions, one scan
            else:
                hits, ruled = all_hits(lex, sentence), None
            if screened is not None:
                screened[k][sentence.index] = hits
            if not hits:
                continue
            if factual and not triggers.may_report(lex, sentence, hits, ruled):
                continue  # nothing the checks report nor the classifier could add: no parse
            todo.append((k, sentence, hits, ruled))
    out: list[list] = [[] for _ in sentence_lists]
    docs = parse(t[1].norm for t in todo)
    for (k, sentence, hits, ruled), doc in zip(todo, docs, strict=True):
        if parsed is not None:
            parsed[k][sentence.index] = doc
        if factual:
            found = triggers.reported_events(lex, sentence, hits, ruled, doc)
        else:
            probs = triggers.probabilities(lex, sentence, hits, doc)
            found = triggers.attack_mentions(lex, sentence, hits, probs)
        if found:
            out[k].append((sentence, found, doc))
    return out


def _opens_clause(norm: str, cue: dates.DateCue, mention: Mention) -> bool:
    """A "N days after X" cue that opens the sentence before the mention's clause ("A day after
    the shelling, a bomber struck": the mention has words after the comma that closes the cue's
    phrase): it dates the mention's event from X's day, counted forward. Otherwise the mention
    is taken as X itself, cited by a clause dated before it ("struck on Friday, a day after a
    bombing": the cue went to the bombing). (A cue after the mention's own verb, "struck back
    two days after the shelling", was tried as counting forward too: it cost an event on the
    news-dev test part, and is left reading X.)"""
    if cue.kind != "days_apart" or cue.end > mention.start:
        return False
    comma = norm.find(", ", cue.end)
    return comma >= 0 and any(h.start > comma for h in mention.hits)


def _evidence_pieces(sentence: Sentence, mentions: list[Mention], cues) -> list[tuple[int, int]]:
    """Document spans of each mention's part of the sentence (the whole sentence if alone).

    Two events in one sentence ("After a mortar attack hit the camp on Monday, the army shelled
    the hills on Tuesday") are cut between them: before a word that cites another event ("a day
    after", "in reply to"), else after the first one's date, else at the last comma or "and"
    between them, else at the space nearest half way (never inside a word).
    """
    norm, off = sentence.norm, sentence.start
    cuts = [0]
    for i in range(len(mentions) - 1):
        lo, hi = mentions[i].end, mentions[i + 1].start
        cue = cues[i]
        sub = _SUBORDINATE.search(norm, lo, hi)
        if sub is not None:  # "..., a day after a rocket attack ...": the cited event's part
            cut = sub.start()
        elif cue is not None and lo <= cue.end <= hi:
            cut = cue.end
        else:
            seps = [m.end() for m in re.finditer(r",\s|;\s|\s(?:and|but)\s", norm[lo:hi])]
            if seps:
                cut = lo + seps[-1]
            else:  # half way, at a space: never inside a word ("Iran-backed")
                spaces = [m.end() for m in re.finditer(r"\s+", norm[lo:hi])]
                mid = (hi - lo) // 2
                cut = lo + min(spaces, key=lambda x: abs(x - mid)) if spaces else hi
        cuts.append(cut)
    cuts.append(len(norm))
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = norm[a:b]
        lead = len(piece) - len(piece.lstrip(" ,;"))
        trail = len(piece.rstrip(" ,;"))
        out.append((off + a + lead, off + a + max(trail, lead)))
    return out


_CLAUSE_PENALTY = 25  # characters: a comma after a date that ends another mention's clause


def _assign_cues(sentence: Sentence, mentions: list[Mention]) -> list[dates.DateCue | None]:
    """Each date cue goes to the nearest mention (ties: the one before it); a mention takes one
    cue, its nearest, and a cue whose nearest mention has a nearer one goes to the next nearest
    mention within reach (``ONE_DATE_PER_MENTION``; before, it was dropped)."""
    out: list[dates.DateCue | None] = [None] * len(mentions)
    best: list[float] = [float("inf")] * len(mentions)
    parens = [(m.start(), m.end()) for m in re.finditer(r"\([^)]*\)", sentence.norm)]
    relative = [(m.start(), m.end()) for m in _RELATIVE.finditer(sentence.norm)]
    pairs: list[tuple[float, int, int, dates.DateCue]] = []
    n_cue = 0
    for cue in dates.find_cues(sentence.norm):
        if any(a <= cue.start < b for a, b in parens):
            continue
        if cue.kind == "days_apart" and all(cue.end <= m.start for m in mentions):
            comma = sentence.norm.find(", ", cue.end)  # "A day after X, Y struck": the cue
            after = [k for k, m in enumerate(mentions) if comma >= 0 and m.start > comma]
            if after:  # opens the sentence and dates its main clause, after the comma
                if best[after[0]] > 0:
                    best[after[0]], out[after[0]] = 0, cue
                continue
        if any(a <= cue.start < b and not any(a <= m.start < b for m in mentions)
               for a, b in relative):  # fmt: skip
            continue
        scores = []
        for m in mentions:
            if cue.start >= m.end:
                d = cue.start - m.end
            elif cue.end <= m.start:
                d = (m.start - cue.end) + 0.5
            else:
                d = 0
            if cue.kind == "year" and d and _CLAUSE_GAP.search(
                sentence.norm[min(cue.end, m.end) : max(cue.start, m.start)]
            ):
                d = float("inf")  # "Before it was shelled, ..., where X founded Y in 2014"
            if (cue.end <= m.start and "," in sentence.norm[cue.end : m.start]
                    and any(o.end <= cue.start and "," not in sentence.norm[o.end : cue.start]
                            for o in mentions)):  # fmt: skip
                d += _CLAUSE_PENALTY  # a date that ends a mention's clause belongs to it, not
                # to the mention after the comma ("killed two soldiers on Wednesday, US jets
                # struck ... on Thursday")
            if (cue.kind == "days_apart" and cue.start >= m.end and CAME_AFTER_DATES_WHAT_FOLLOWS
                    and _CAME.fullmatch(sentence.norm[m.end : cue.start])):  # fmt: skip
                d = float("inf")  # "<an attack> came N days after X": the days count back
                # to X's day; the attack is the one in view, not X
            scores.append(d)
            if cue.end <= m.start and d and any(o.end <= cue.start for o in mentions) and (
                _SUBORDINATE.search(sentence.norm[cue.end : m.start])
            ):
                scores[-1] = float("inf")  # "struck X on Friday, a day after a bombing ...":
                # the main clause's date does not reach into the earlier event it cites
        if not ONE_DATE_PER_MENTION:
            i = min(range(len(mentions)), key=lambda k: scores[k])
            if scores[i] > _CUE_REACH:
                continue  # a date far from any mention dates something else
            if scores[i] < best[i]:
                best[i], out[i] = scores[i], cue
            continue
        pairs.extend((score, n_cue, k, cue) for k, score in enumerate(scores) if score <= _CUE_REACH)
        n_cue += 1  # (a date far from every mention dates something else)
    taken: set[int] = set()
    for score, n, k, cue in sorted(pairs, key=lambda p: (p[0], p[1], p[2])):
        if n in taken or score >= best[k]:
            continue  # each date dates one mention, each mention takes its nearest date; a date
        best[k], out[k] = score, cue  # whose nearest mention has a nearer one dates the next
        taken.add(n)  # nearest (a weekday ending the first clause, "a day later" in the second)
    return out


def _draft(lex, sentence, mention, cue, matches, published, previous, parse=None, *,
           main: bool = False, context: tuple[str, ...] = ()) -> Draft:  # fmt: skip
    norm, off = sentence.norm, sentence.start
    hits = mention.hits
    spans: dict[str, tuple[int, int]] = {"event": (off + mention.start, off + mention.end)}
    values: dict = {}
    stated: set[str] = set()
    groups: dict[str, str | None] = {}
    additive: set[str] = set()
    first_said: set[str] = set()  # figures given as the first report
    # counts
    for hit in hits:
        if hit.trigger.kind == "casualty" and not _CASUALTY_VERB.fullmatch(hit.text):
            continue  # a toll's figure phrase ("N bodies were recovered"): read as a figure below
        if hit.trigger.kind == "casualty":
            key = "killed" if hit.text.lower().startswith("kill") else "wounded"
        elif _KILLING_VERB.fullmatch(hit.text):
            key = "killed"  # "murdered four farmers": a verb that says the victims died
        else:
            continue
        count, said = casualty_count(norm, hit.start, hit.end, hit.passive)
        if parse is not None and not UNKNOWN_RE.search(
            norm[max(0, hit.start - 60) : hit.end + 40]
        ):  # syntax over word order: the victims' phrase ("six priests and two women were killed")
            from jervis.text.roles import victims_count

            parsed = victims_count(parse, hit.start, hit.end)
            if parsed is not None:
                count, said = parsed, True
        if said and attackers_died(norm, hit.start, hit.end, hit.passive):
            continue  # "the bomber was killed": the attackers' own dead are not victims
        if said and count and enemy_claim(norm, hit.start, hit.end, hit.passive):
            continue  # "the army said 20 rebels were killed": a claim of the enemy's losses
        if said and key == "killed" and count and (
            _CLAIM_BEFORE.search(norm[max(0, hit.start - 50) : hit.start])
            or _CLAIM_AND_BEFORE.search(norm[max(0, hit.start - 200) : hit.start])
        ):  # "X said it had killed N militants": the attacker's claim of its enemy's losses
            continue
        if said and key not in stated:
            if count and first_report(norm, hit.start):
                first_said.add(key)  # "the army first gave 12 dead": a later figure replaces it
            stated.add(key)
            values[key] = count
            a, b = count_span(norm, hit.start, hit.end, hit.passive)
            spans[key] = (off + a, off + b)
            groups[key] = victim_group(norm, hit.start, hit.end, hit.passive)
            if is_additive(norm, hit.start, hit.end):
                additive.add(key)
    for key, count, a, b in standalone_counts(norm):
        if key in stated and key in first_said and count is not None and not first_report(norm, a):
            first_said.discard(key)  # "first said N ..., later M": M
            values[key], spans[key], groups[key] = count, (off + a, off + b), victim_group(norm, a, b)
            continue
        if key in stated:
            if count and values.get(key) is not None and a > spans[key][0] - off and (
                is_additive(norm, a, b) or _other_group(groups.get(key), victim_group(norm, a, b))
            ):  # "seven were killed, and two more died": on top of the first; so is another
                values[key] = bounded(values[key] + count)  # group's ("four soldiers died,
                groups[key] = None  # ... they lost seven fighters"): the sum is no one group
            continue
        if abs(a - mention.end) > 120 and abs(mention.start - b) > 120:
            continue
        if attackers_died(norm, a, b, True) or (count and enemy_claim(norm, a, b)):
            continue
        values[key], spans[key] = count, (off + a, off + b)
        groups[key] = victim_group(norm, a, b)
        stated.add(key)
        if count and first_report(norm, a):
            first_said.add(key)
    mode, mode_span = mode_of(lex, norm, hits, mention.start, mention.end)
    values["mode"] = mode
    if mode_span:
        spans["mode"] = (off + mode_span[0], off + mode_span[1])
    values["event"] = event_of(hits, mode, values.get("killed"), values.get("wounded"))
    # date
    day, precision = dates.resolve(cue, published, previous, main=main)
    values["date"], values["date_precision"] = day, precision
    if cue is not None:
        spans["date"] = (off + cue.start, off + cue.end)
    # actor and target
    trigger_spans = [(h.start, h.end) for h in hits]
    actor, target = actors.assign_roles(norm, hits, trigger_spans)
    if parse is not None:
        actor, target = _parsed_roles(norm, parse, hits, actor, target, context)
    actor, target = actors.name_parties(norm, min(h.start for h in hits), actor, target)
    if values["event"] == "FIGHT" and actor and target and target.start < actor.start:
        actor, target = target, actor  # a fight has two sides: named in the text's order
    exclude = []
    for role, party in (("actor", actor), ("target", target)):
        if party is None:
            continue
        values[role], values[f"{role}_raw"], values[f"{role}_side"] = party.name, party.raw, party.side
        a, b = _raw_span(norm, party)
        spans[role] = (off + a, off + b)
        exclude.append((party.start, party.end))
    if values.get("killed") is not None and target is not None and _killed_target(norm, hits, target):
        values["target_killed"] = values["killed"]
        if _CIVILIAN.search(target.raw):
            values["civilians_killed"] = values["killed"]
    # place
    place = places.choose(norm, matches, mention.start, mention.end, exclude)
    if place is not None:
        _place(values, spans, place, off)
    _scoped_parties(values, published)
    first = hits[0]
    new = any(  # "another attack", "a second strike": a new event, whatever else it shares
        _NEW_BEFORE.search(norm[max(0, h.start - 30) : h.start]) and lex.cues["new_event"].search(
            norm[max(0, h.start - 30) : h.start])
        for h in hits if h.trigger.kind != "casualty"
    )  # fmt: skip
    return Draft(
        values=values, spans=spans, sentences=[sentence.index],
        evidence=[(sentence.start, sentence.end)],
        definite=any(h.definite for h in hits if h.trigger.kind == "noun" or h is first)
        and not new,
        new=new,
        same_place=bool(lex.cues["same_place"].search(norm[mention.start : mention.end + 60])),
        explicit_date=cue is not None and not _SPEECH_BEFORE.search(norm[max(0, cue.start - 30) : cue.start]),
        strong=mention.strong, stated=stated,
        strike_ref=bool(_STRIKE_REF.search(norm[max(0, first.start - 25) : mention.end])),
        triggers=[spans["event"]],
        casualty_only=all(h.trigger.kind == "casualty" for h in hits),
        groups=groups, additive=additive, first=first_said,
    )  # fmt: skip


def _raw_span(norm: str, party: actors.Party) -> tuple[int, int]:
    """The party's span narrowed to the words it was read from (its raw text without the
    punctuation or article the phrase's edges held), so the span names exactly those."""
    at = norm.find(party.raw, party.start, party.end) if party.raw else -1
    return (at, at + len(party.raw)) if at >= 0 else (party.start, party.end)


def _parsed_roles(norm, parse, hits, actor, target, context=()):
    """Roles from the parse (jervis.text.roles), merged with the word-order reading: the parse's
    party wins, unless it is only a place and the other one a known actor (with a side).
    ``context``: the sentences before, where a pronoun's party may be named."""
    from jervis.text.arguments import roles
    from jervis.text.syntax import token_at

    lex = load_lexicon()
    head = next((h for h in hits if h.trigger.kind != "casualty"), hits[0])
    found = (None, None)
    for hit in [head] + ([hits[-1]] if hits[-1] is not head else []):
        token = token_at(parse, hit.start, hit.end)
        if token is not None:
            found = roles(lex, parse, token, context=context)
        if found != (None, None):
            break
    if any(h.trigger.event == "FIGHT" for h in hits) and found[0] is not None and (
        found[1] is None or found[1].start == found[0].start
    ):  # a fight between two coordinated sides
        from jervis.text.arguments import two_sides

        found = two_sides(parse, found[0]) or found
    victims = next((h for h in hits if h.trigger.kind == "casualty"), None)
    if victims is not None and victims is not head and (found[1] is None or (
        _is_place(found[1].text) and actors.normalise_party(found[1].text, 0, 0).side is None
    )):  # "an attack on the base wounded three troops": whom it hit are the wounded
        # (an actor's place, "Hezbollah positions", names the party hit: it stays)
        token = token_at(parse, victims.start, victims.end)
        hurt = roles(lex, parse, token, context=context)[1] if token is not None else None
        if hurt is not None and not _is_place(hurt.text):
            found = (found[0], hurt)
    if actor is not None and _is_source(norm, actor.end, actor.raw):
        actor = None  # "X spokesman said", "X officials confirmed": a source, not the attacker
    if found[0] is not None and (_SOURCE_NOUN_AFTER.match(norm[found[0].end : found[0].end + 30])
                                 or _SOURCE_HEAD.search(found[0].text)):  # fmt: skip
        found = (None, found[1])  # "the Coalition spokesman": who speaks (a reported clause's
        # subject, "X said it struck", is resolved to X by the parse on purpose)
    if found[0] is not None and _in_victims_aside(norm, hits, found[0].start):
        found = (None, found[1])  # "killed 31 people, among them X": X were hit, not hitting
    out = []
    for span, regex in zip(found, (actor, target), strict=True):
        parsed = actors.normalise_party(span.text, span.start, span.end) if span else None
        if parsed is not None and parsed.side is None and re.fullmatch(r"[A-Z][a-z]+", span.text):
            forces = actors.normalise_party(f"{span.text} forces", span.start, span.end)
            if forces.side:  # "Russian shelling": a nationality names that state's forces
                parsed = actors.Party(forces.name, span.text, forces.side, span.start, span.end)
        if parsed is not None and parsed.name and "; " not in parsed.name and " and " in span.text:
            parsed = actors.with_conjuncts(norm, parsed)
        if parsed is None or (regex is not None and regex.side and parsed.side is None
                              and _is_place(parsed.raw)):  # fmt: skip
            out.append(regex)  # "struck Camp X, ..., killing two Dutch soldiers": the soldiers
        else:
            out.append(parsed)
    if out[1] is not None and _locative(parse, out[1]):
        out[1] = None  # "killed three in Basra": the word after the verb is where, not whom
    return out[0], out[1]


def _locative(parse, party) -> bool:
    """The party's words are a place in a locative phrase of the parse ("in Basra")."""
    from jervis.text.arguments import locative_place
    from jervis.text.syntax import token_at

    lead = _LOCATIVE_LEAD.match(party.raw)  # "outside Basra" parsed as one noun phrase
    if lead and _is_place(party.raw[lead.end() :]):
        return True
    token = token_at(parse, party.start, party.end)
    return token is not None and locative_place(token)


_LOCATIVE_LEAD = re.compile(r"(?i)(?:in|near|outside|inside|around|across|throughout|within|along)\s+")


_VICTIMS_ASIDE = re.compile(r",\s+(?:among\s+them|among\s+(?:the\s+)?(?:dead|victims|wounded|injured|"
                            r"casualties)|including)\b[^;:.()]*$", re.IGNORECASE)  # fmt: skip


def _in_victims_aside(norm: str, hits, start: int) -> bool:
    """A phrase at ``start`` inside an aside that lists the victims of a casualty word before it
    ("... killed N people, among them / including X"): one of the victims, never the attacker."""
    casualty = [h.end for h in hits if h.trigger.kind == "casualty" and h.end <= start]
    if not casualty:
        return False
    aside = _VICTIMS_ASIDE.search(norm[max(casualty) : start])
    return aside is not None


def _before(sentences: list[Sentence], sentence: Sentence, n: int = 2) -> tuple[str, ...]:
    """The ``n`` sentences before ``sentence`` (where a pronoun of it may name its party)."""
    return tuple(s.norm for s in sentences if sentence.index - n <= s.index < sentence.index)


def _is_source(norm: str, end: int, raw: str) -> bool:
    """A phrase that names who reports ("X spokesman said", "X officials confirmed"): not the
    attacker."""
    return bool(_SOURCE_AFTER.match(norm[end : end + 30]) or _SOURCE_HEAD.search(raw))


def _is_place(raw: str) -> bool:
    """A base, town or country rather than people: where the attack fell, not whom it hit."""
    if actors.PLACE_HEAD.search(raw):
        return True
    from jervis.text.gazetteer import Gazetteer

    hit = Gazetteer.load().lookup(raw)
    return hit is not None and hit.kind != "demonym"


_SOURCE_HEAD = re.compile(r"\b(?:spokes\w+|officials?|sources?|reporters?|correspondents?)\W*$",
                          re.IGNORECASE)  # fmt: skip
_SOURCE_NOUN_AFTER = re.compile(r"^[\W]*(?:spokes\w+|officials?|sources?)\b", re.IGNORECASE)
_SOURCE_AFTER = re.compile(r"^\W*(?:spokes\w+|officials?|sources?|said|says|told|statement|"
                           r"reported|confirmed|announced)\b", re.IGNORECASE)  # fmt: skip


def _scoped_parties(values: dict, published: date | None) -> None:
    """Re-read an unknown actor or target with the event's country and year: aliases scoped to
    a place and period ("foreign troops" in Iraq 2014-2021) apply only there."""
    day = values.get("date") or published
    if not values.get("country") or day is None:
        return
    for role in ("actor", "target"):
        raw = values.get(f"{role}_raw")
        if raw and values.get(f"{role}_side") is None:
            party = actors.normalise_party(raw, 0, 0, country=values["country"], year=day.year)
            if party.side:
                values[role], values[f"{role}_side"] = party.name, party.side


def _other_group(first: str | None, second: str | None) -> bool:
    """Two named victims' groups that are not one (soldiers and fighters; two sides' soldiers)."""
    return first is not None and second is not None and not same_group(first, second)


def _killed_target(norm: str, hits, target) -> bool:
    """'killed two US soldiers': the count is of the target (the phrase right after the verb)."""
    for hit in hits:
        if hit.trigger.kind == "casualty" and hit.text.lower().startswith("kill"):
            if not hit.passive and 0 <= target.start - hit.end <= 30:
                return True
            if hit.passive and 0 <= hit.start - target.end <= 40:
                return True
    return False


def _finish(text: str, draft: Draft, n: int, doc_id: str | None, url: str | None) -> ExtractedEvent:
    v = draft.values
    if v.get("actor") and v.get("actor_side") is None and (
        _GENERIC_ACTOR.match(v["actor"]) or _GENERIC_ARMED.match(v["actor"])
        or _DATE_WORD.match(v["actor"]) or _own_target(v) or _instrument(v["actor"])
    ):  # fmt: skip
        v["actor"] = None  # "gunmen", "the bomber", "heavily armed militants": an attacker
        # nobody is named for; a date word; the victims' own noun (raw kept)
    evidence = join_evidence(text[a:b] for a, b in draft.evidence)
    confidence = 0.5 + 0.15 * draft.strong + 0.1 * draft.explicit_date
    confidence += 0.1 * bool(v.get("actor") or v.get("target")) + 0.1 * bool(v.get("country"))
    return ExtractedEvent(
        date=v.get("date"), date_precision=v.get("date_precision", "unknown"), event=v["event"],
        actor=v.get("actor"), actor_raw=v.get("actor_raw"), actor_side=v.get("actor_side"),
        target=v.get("target"), target_raw=v.get("target_raw"), target_side=v.get("target_side"),
        mode=v.get("mode"), country=v.get("country"), admin1=v.get("admin1"),
        location=v.get("location"), latitude=v.get("latitude"), longitude=v.get("longitude"),
        geo_precision=v.get("geo_precision"), killed=v.get("killed"), wounded=v.get("wounded"),
        target_killed=v.get("target_killed"), civilians_killed=v.get("civilians_killed"),
        source_id=f"{doc_id}#{n}" if doc_id else None, source_url=url, evidence=evidence,
        confidence=round(min(confidence, 0.95), 2), spans=dict(draft.spans),
        sentences=sorted(draft.sentences), doc_id=doc_id, evidence_spans=list(draft.evidence),
        trigger_spans=list(draft.triggers),
    )  # fmt: skip


def extract_mentions(text: str, *, backend: str = DEFAULT_BACKEND, **_: object) -> list[dict]:
    """Every attack mention the learned classifiers find, reported or not (hypothetical, negated,
    generic ones included, with ``factual`` False): what ACE-style annotations (M2E2, RAMS) mark.
    Backend ``spacy``: the trigger classifier over the parse (jervis.text.triggers); ``rules``:
    the surface-feature detector (no parse).

    One dict per mention: ``event``, ``probability``, ``factual``, ``spans`` (``event``: the
    mention's words) and ``evidence_spans`` (the same, as a list), document offsets.
    """
    lex = load_lexicon()
    original = _as_text(text)
    text, changed, offsets = _readable(original)
    sentences = split_sentences([text])[0]
    if backend == "rules":
        found = [(s, detected_mentions(lex, s), None) for s in sentences]
    else:
        found = learned_mentions(lex, sentences, factual=False)
    out = []
    for sentence, mentions, parse in found:
        for mention in mentions:
            off = sentence.start
            span = (off + mention.start, off + mention.end)
            item = {
                "event": "FIGHT" if any(h.trigger.event == "FIGHT" for h in mention.hits)
                else "ASSAULT",
                "probability": round(mention.probability or 0.0, 3),
                "factual": any(h.reason is None for h in mention.hits),
                "spans": {"event": span}, "evidence_spans": [span], "trigger_spans": [span],
                "evidence": sentence.text,
            }  # fmt: skip
            if parse is not None:  # who did it to whom, as for events
                norm, hits = sentence.norm, mention.hits
                regex = actors.assign_roles(norm, hits, [(h.start, h.end) for h in hits])
                parties = _parsed_roles(norm, parse, hits, *regex, _before(sentences, sentence))
                for role, party in zip(("actor", "target"), parties, strict=True):
                    if party is not None:
                        item[role], item[f"{role}_raw"] = party.name, party.raw
                        a, b = _raw_span(norm, party)
                        item["spans"][role] = (off + a, off + b)
            if changed:  # spans and evidence on the user's own characters
                item["spans"] = {k: cleaning.map_span(v, offsets) for k, v in item["spans"].items()}
                item["evidence_spans"] = item["trigger_spans"] = [item["spans"]["event"]]
                a, b = cleaning.map_span((sentence.start, sentence.end), offsets)
                item["evidence"] = original[a:b]
            out.append(item)
    return out
