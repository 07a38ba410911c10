"""Score an extractor against a gold set: detection P/R/F1, per-field accuracy, mode confusion.

Two units, because the gold sets differ:

- ``record`` (PLOVER, M2E2: one short text per record): a record counts as detected when the
  extractor returns at least one ASSAULT or FIGHT event for it. Extra events in a positive record
  are reported, not counted as false positives (one sentence may well describe two attacks).
- ``event`` (the seed article: several events per document): predicted events are matched one to
  one to gold events, by evidence overlap and date; unmatched predictions are false positives.
- ``trigger`` (RAMS, M2E2; asked for with ``unit="trigger"``): scored at the annotated event
  triggers, the standard treatment of partial annotation. A predicted attack whose words
  (``trigger_spans``) overlap an annotated attack trigger is a true positive; one that overlaps
  an annotated trigger of another, non-violent type is a false positive; an annotated attack
  trigger that no prediction overlaps is a false negative; deaths, injuries and damage are
  ambiguous (counted apart). A prediction at words nobody annotated is neither right nor wrong
  where the annotation is partial (RAMS marks one event per passage); where it is complete
  (``GoldDoc.complete``: M2E2 marks every event of its sentences) it is a false positive.

Fields are scored on matched pairs only, and only where the gold states them (a gold ``None``
means "not said" and is skipped). "Violent" here means ASSAULT or FIGHT: a COERCE event for an
arrest is right on PLOVER's COERCE records and must not count against the extractor.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jervis.text.goldsets import GoldDoc, GoldEvent, read_gold

DETECTED = frozenset({"ASSAULT", "FIGHT"})
FIELDS = ("date", "actor", "target", "mode", "place", "killed", "wounded", "deaths")
_GENERIC = frozenset(
    """the a an of and in on at to by for with from his her their its this that those these
    forces force troops troop soldiers soldier military army men people group groups members
    member unit units some several other others two three one""".split()
)
_WORD = re.compile(r"[^\W_]+")

Extractor = Callable[..., Sequence[Any]]
_WARM_UP = "Rockets hit Camp Taji near Baghdad on 11 March, killing two US soldiers."


@dataclass
class FieldScore:
    scored: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float | None:
        return round(self.correct / self.scored, 4) if self.scored else None


@dataclass
class EvalReport:
    """What :func:`evaluate` measured; :meth:`summary` is the JSON the CLI prints."""

    kind: str
    gold: str
    unit: str
    backend: str
    documents: int = 0
    positives: int = 0
    negatives: int = 0
    ambiguous: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    negatives_flagged: int = 0
    ambiguous_flagged: int = 0
    extra_events: int = 0
    seconds: float = 0.0
    split: str | None = None
    fields: dict[str, FieldScore] = field(default_factory=lambda: {f: FieldScore() for f in FIELDS})
    # one row per scored document: (tp, fp, fn, {field: (scored, correct)}) for the bootstrap
    tallies: list[tuple[int, int, int, dict[str, tuple[int, int]]]] = field(default_factory=list)
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    # error analysis: the gold label of each false alarm (what the extractor took for an
    # attack), and of each missed positive's gold mode
    confusions: dict[str, dict[str, int]] = field(default_factory=dict)
    mode_confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    field_errors: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # unit-specific results (news set)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def fp_rate(self) -> float | None:
        """Share of negative documents for which a violent event was extracted."""
        return self.negatives_flagged / self.negatives if self.negatives else None

    def summary(self) -> dict[str, Any]:
        """Plain JSON-serialisable data."""
        out = {
            k: v for k, v in asdict(self).items()
            if k not in ("fields", "misses", "false_alarms", "field_errors", "tallies",
                         "intervals")
        }  # fmt: skip
        out.update(
            precision=round(self.precision, 4), recall=round(self.recall, 4),
            f1=round(self.f1, 4),
            fp_rate=None if self.fp_rate is None else round(self.fp_rate, 4),
            seconds=round(self.seconds, 3),
            docs_per_second=round(self.documents / self.seconds, 1) if self.seconds else None,
            fields={
                f: {"scored": s.scored, "correct": s.correct, "accuracy": s.accuracy,
                    "interval": self.intervals.get(f)}
                for f, s in self.fields.items() if s.scored
            },
            f1_interval=self.intervals.get("f1"),
            misses=self.misses, false_alarms=self.false_alarms, field_errors=self.field_errors,
        )  # fmt: skip
        return out


def evaluate(
    gold: str | Path,
    kind: str = "auto",
    *,
    backend: str = "spacy",
    extractor: Extractor | None = None,
    limit: int | None = None,
    examples: int = 20,
    split: str | None = None,
    bootstrap: int = 1000,
    unit: str | None = None,
) -> EvalReport:
    """Run the extractor (default: :func:`jervis.text.extract.extract_text`) over a gold set.

    ``split`` keeps only that split's documents (jervis.text.splits); ``bootstrap`` resamples
    the scored documents that many times for 95% intervals (0: none); ``unit="trigger"``
    scores at the annotated triggers (RAMS, M2E2) instead of the corpus' own unit.
    """
    kind, docs = read_gold(gold, kind)
    if kind == "news":
        if split is not None:  # a news set's own parts (news-dev: learn / test)
            docs = [d for d in docs if d.split == split]
        return score_news(docs, extractor or _default_extractor(backend), gold=str(gold),
                          backend=backend, bootstrap=bootstrap)  # fmt: skip
    if unit == "trigger" and not any(d.triggers for d in docs):
        from jervis.errors import JervisError

        raise JervisError(f"{kind} gold has no annotated triggers: no --unit trigger")
    if split is not None:
        docs = [d for d in docs if d.split == split]
    if limit is not None:
        docs = docs[:limit]
    if extractor is None:
        extractor = _default_extractor(backend)
    report = score(docs, extractor, kind=kind, gold=str(gold), backend=backend, examples=examples,
                   unit=unit)  # fmt: skip
    report.split = split
    if bootstrap:
        report.intervals = bootstrap_intervals(report.tallies, bootstrap)
    return report


def _default_extractor(backend: str) -> Extractor:
    from jervis.text.extract import extract_text

    def extractor(text, **kw):  # noqa: ANN001 - thin adapter
        return extract_text(text, backend=backend, **kw)

    return extractor


def bootstrap_intervals(tallies, n: int = 1000, seed: int = 0) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of F1 and each field's accuracy, resampling scored documents."""
    import numpy as np

    if not tallies:
        return {}
    rng = np.random.default_rng(seed)
    counts = np.array([t[:3] for t in tallies], dtype=float)
    names = sorted({f for t in tallies for f in t[3]})
    fields = {f: np.array([t[3].get(f, (0, 0)) for t in tallies], dtype=float) for f in names}
    draws = rng.integers(0, len(tallies), size=(n, len(tallies)))
    out: dict[str, tuple[float, float]] = {}
    tp, fp, fn = (counts[:, k][draws].sum(axis=1) for k in range(3))
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
        out["f1"] = _percentiles(f1)
        for f, arr in fields.items():
            scored, correct = arr[:, 0][draws].sum(axis=1), arr[:, 1][draws].sum(axis=1)
            acc = correct[scored > 0] / scored[scored > 0]
            if acc.size:
                out[f] = _percentiles(acc)
    return out


def _percentiles(values) -> tuple[float, float]:
    import numpy as np

    lo, hi = np.percentile(values, [2.5, 97.5])
    return round(float(lo), 4), round(float(hi), 4)


def score(
    docs: Sequence[GoldDoc],
    extractor: Extractor,
    *,
    kind: str = "custom",
    gold: str = "",
    backend: str = "spacy",
    examples: int = 20,
    unit: str | None = None,
) -> EvalReport:
    """Score ``extractor(text, published=..., doc_id=...)`` on already-read gold documents."""
    if unit is None:
        unit = "event" if any(len(d.events) > 1 for d in docs) or kind == "seed" else "record"
    report = EvalReport(kind=kind, gold=gold, unit=unit, backend=backend, documents=len(docs))
    # Load models, dictionaries and dateparser before the clock starts.
    extractor(_WARM_UP, published="2020-03-14", doc_id=None)
    started = time.perf_counter()
    predictions = []
    for doc in docs:
        preds = extractor(doc.text, published=doc.published, doc_id=doc.doc_id)
        preds = [p for p in preds if _get(p, "event") in DETECTED]
        if doc.focus is not None and unit != "trigger":
            preds = [p for p in preds if _covers(p, doc.text, doc.focus)]
        predictions.append(preds)
    report.seconds = time.perf_counter() - started
    for doc, preds in zip(docs, predictions, strict=True):
        _score_doc(report, doc, preds, unit, examples)
    return report


def _covers(pred: Any, text: str, focus: tuple[int, int]) -> bool:
    """The event reports something in the focus sentence: one of its mentions lies there."""
    pieces = _get(pred, "evidence_spans") or []
    if not pieces:
        span = (_get(pred, "spans") or {}).get("event") or _pred_span(pred, text)
        pieces = [span] if span else []
    return any(_overlap(tuple(p), focus) > 0 for p in pieces)


def _score_doc(report: EvalReport, doc: GoldDoc, preds: list, unit: str, examples: int) -> None:
    before = (report.tp, report.fp, report.fn)
    fields_before = {f: (s.scored, s.correct) for f, s in report.fields.items()}
    if unit == "trigger":
        _score_triggers(report, doc, preds, examples)
    else:
        _score_one(report, doc, preds, unit, examples)
    if doc.ambiguous and unit != "trigger":
        return
    delta = {
        f: (s.scored - fields_before[f][0], s.correct - fields_before[f][1])
        for f, s in report.fields.items() if s.scored > fields_before[f][0]
    }  # fmt: skip
    report.tallies.append(
        (report.tp - before[0], report.fp - before[1], report.fn - before[2], delta)
    )


def _score_one(report: EvalReport, doc: GoldDoc, preds: list, unit: str, examples: int) -> None:
    if doc.ambiguous:
        report.ambiguous += 1
        report.ambiguous_flagged += bool(preds)
        return
    if doc.negative:
        report.negatives += 1
        if preds:
            report.negatives_flagged += 1
            row = report.confusions.setdefault("false alarm on", {})
            row[doc.label or "-"] = row.get(doc.label or "-", 0) + 1
            report.fp += len(preds) if unit == "event" else 1
            if len(report.false_alarms) < examples:
                report.false_alarms.append(_example(doc, preds[0]))
        return
    report.positives += 1
    if unit == "record":
        if not preds:
            label = doc.events[0].mode_label or "no mode"
            row = report.confusions.setdefault("missed, gold mode", {})
            row[label] = row.get(label, 0) + 1
            report.fn += 1
            if len(report.misses) < examples:
                report.misses.append({"doc_id": doc.doc_id, "text": doc.text[:300]})
            return
        report.tp += 1
        report.extra_events += len(preds) - 1
        gold = doc.events[0]
        if doc.any_event:
            _score_fields(report, doc, gold, preds, examples)
            return
        best = max(
            preds, key=lambda p: _overlap(_pred_span(p, doc.text), gold.spans.get("trigger"))
        )
        _score_fields(report, doc, gold, best, examples)
        return
    pairs = _match(doc, preds)
    report.tp += len(pairs)
    report.fn += len(doc.events) - len(pairs)
    report.fp += len(preds) - len(pairs)
    matched_gold = {id(g) for g, _ in pairs}
    matched_pred = {id(p) for _, p in pairs}
    for g in doc.events:
        if id(g) not in matched_gold and len(report.misses) < examples:
            report.misses.append({"doc_id": doc.doc_id, "key": g.key, "evidence": g.evidence})
    for p in preds:
        if id(p) not in matched_pred and len(report.false_alarms) < examples:
            report.false_alarms.append(_example(doc, p))
    for g, p in pairs:
        _score_fields(report, doc, g, p, examples)


def _trigger_spans(pred: Any) -> list[tuple[int, int]]:
    spans = [tuple(s) for s in (_get(pred, "trigger_spans") or []) if s]
    event = (_get(pred, "spans") or {}).get("event")
    return spans or ([tuple(event)] if event else [])


def _score_triggers(report: EvalReport, doc: GoldDoc, preds: list, examples: int) -> None:
    """Unit "trigger" (see the module docstring)."""
    found = {id(p): _trigger_spans(p) for p in preds}
    scored_fields = False
    for start, end, label in doc.triggers:
        hits = [p for p in preds if any(_overlap(s, (start, end)) for s in found[id(p)])]
        if label == "ambiguous":
            report.ambiguous += 1
            report.ambiguous_flagged += bool(hits)
        elif label == "attack":
            report.positives += 1
            if hits:
                report.tp += 1
                if not scored_fields and doc.events:
                    _score_fields(report, doc, doc.events[0], hits[0], examples)
                    scored_fields = True
            else:
                report.fn += 1
                row = report.confusions.setdefault("missed, gold mode", {})
                label_ = doc.events[0].mode_label if doc.events else None
                row[label_ or "no mode"] = row.get(label_ or "no mode", 0) + 1
                if len(report.misses) < examples:
                    report.misses.append({"doc_id": doc.doc_id, "text": doc.text[start:end],
                                          "evidence": doc.text[max(0, start - 150) : end + 150]})  # fmt: skip
        else:
            report.negatives += 1
            if hits:
                report.fp += 1
                report.negatives_flagged += 1
                row = report.confusions.setdefault("false alarm on", {})
                row[doc.label or "-"] = row.get(doc.label or "-", 0) + 1
                if len(report.false_alarms) < examples:
                    report.false_alarms.append(_example(doc, hits[0]))
    if doc.complete:  # every event is marked: an attack where none is annotated is wrong
        for p in preds:
            if not any(_overlap(s, (a, b)) for s in found[id(p)] for a, b, _ in doc.triggers):
                report.fp += 1
                row = report.confusions.setdefault("false alarm on", {})
                row["unannotated words"] = row.get("unannotated words", 0) + 1
                if len(report.false_alarms) < examples:
                    report.false_alarms.append(_example(doc, p))


# -- matching -------------------------------------------------------------------------------
def _get(pred: Any, name: str, default: Any = None) -> Any:
    if isinstance(pred, dict):
        return pred.get(name, default)
    return getattr(pred, name, default)


def _pred_span(pred: Any, text: str) -> tuple[int, int] | None:
    spans = [s for s in (_get(pred, "spans") or {}).values() if s and s[1] > s[0]]
    if spans:
        return min(s[0] for s in spans), max(s[1] for s in spans)
    evidence = _get(pred, "evidence")
    if evidence:
        at = text.find(evidence)
        if at >= 0:
            return at, at + len(evidence)
    return None


def _gold_span(gold: GoldEvent, text: str) -> tuple[int, int] | None:
    if gold.evidence:
        at = text.find(gold.evidence)
        if at >= 0:
            return at, at + len(gold.evidence)
    spans = [s for v in gold.spans.values() for s in v]
    return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None


def _overlap(a: tuple[int, int] | None, spans) -> int:
    if a is None or not spans:
        return 0
    if isinstance(spans, tuple):
        spans = [spans]
    return sum(max(0, min(a[1], b[1]) - max(a[0], b[0])) for b in spans)


def _match(doc: GoldDoc, preds: list) -> list[tuple[GoldEvent, Any]]:
    """Greedy one-to-one matching: evidence overlap and same date make a pair."""
    scored = []
    for gi, g in enumerate(doc.events):
        gspan = _gold_span(g, doc.text)
        for pi, p in enumerate(preds):
            overlap = _overlap(_pred_span(p, doc.text), gspan) > 0
            same_day = g.date is not None and _date(p) == g.date
            if not (overlap or same_day):
                continue
            points = (
                2 * overlap + 2 * same_day + (g.modes is not None and _get(p, "mode") in g.modes)
            )
            scored.append((points, -gi, -pi, gi, pi))
    pairs, used_g, used_p = [], set(), set()
    for _, _, _, gi, pi in sorted(scored, reverse=True):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((doc.events[gi], preds[pi]))
    return pairs


# -- fields ---------------------------------------------------------------------------------
def _date(pred: Any) -> str | None:
    value = _get(pred, "date")
    return None if value is None else str(value)[:10]


def _words(text: str | None) -> set[str]:
    out = set()
    for w in _WORD.findall((text or "").replace(".", "").casefold()):
        if w in _GENERIC or len(w) < 2:
            continue
        out.add(w[:-1] if len(w) > 3 and w.endswith("s") else w)
    return out


def _span_text(pred: Any, text: str, *names: str) -> list[str]:
    spans = _get(pred, "spans") or {}
    return [text[s[0] : s[1]] for n in names if (s := spans.get(n)) and s[1] > s[0]]


def _names_agree(pred_texts: list[str | None], gold_texts: Sequence[str]) -> bool:
    """Same name: a shared content word, containment, or the same actor-dictionary entry."""
    gold_words = set().union(*(_words(g) for g in gold_texts)) if gold_texts else set()
    canonical = {_canonical(g) for g in gold_texts} - {None}
    for p in pred_texts:
        if not p:
            continue
        if _words(p) & gold_words or _canonical(p) in canonical:
            return True
        low = p.casefold().strip()
        if any(low and (low in g.casefold() or g.casefold() in low) for g in gold_texts if g):
            return True
    return False


def _canonical(name: str | None) -> str | None:
    from jervis.store.actors import ActorDictionary

    return ActorDictionary.load().lookup(name)


def _touches(a: tuple[int, int] | None, spans, text: str) -> bool:
    """Overlapping, or only spaces/hyphens apart ("police" + gold head "officer")."""
    if a is None or not spans:
        return False
    for b in spans:
        if max(a[0], b[0]) < min(a[1], b[1]):
            return True
        gap = text[a[1] : b[0]] if a[1] <= b[0] else text[b[1] : a[0]]
        if len(gap) <= 2 and not gap.strip(" -"):
            return True
    return False


def _party_ok(pred, doc, role: str, texts, side, unnamed, gold_spans) -> bool | None:
    if unnamed:
        return _get(pred, role) is None
    if side:
        return _get(pred, f"{role}_side") == side
    if not texts:
        return None
    pred_texts = [_get(pred, f"{role}_raw"), _get(pred, role), *_span_text(pred, doc.text, role)]
    if _names_agree(pred_texts, texts):
        return True
    spans = (_get(pred, "spans") or {}).get(role)
    if _touches(tuple(spans) if spans else None, gold_spans, doc.text):
        return True
    return any(_same_place(pred, text) for text in texts)


def _same_place(pred: Any, name: str) -> bool:
    """A gold party that is a place ("shelled Juba", CAMEO style) agrees with the event's place."""
    from jervis.text.gazetteer import Gazetteer

    hit = Gazetteer.load().lookup(name)
    if hit is None or hit.kind == "demonym":
        return False
    if hit.precision == "country":
        return _get(pred, "country") == hit.country and _get(pred, "location") in (None, hit.name)
    return _get(pred, "location") == hit.name


def _place_ok(pred: Any, doc: GoldDoc, gold: GoldEvent) -> bool | None:
    if not gold.places:
        return None if gold.country is None else _get(pred, "country") == gold.country
    names = [_get(pred, "location"), _get(pred, "admin1"),
             *_span_text(pred, doc.text, "location", "place")]  # fmt: skip
    if _names_agree(names, gold.places):
        return True
    from jervis.text.gazetteer import Gazetteer

    gaz = Gazetteer.load()
    for place in gold.places:
        hit = gaz.lookup(place)
        if hit is None:
            continue
        if hit.name in names or (
            hit.precision == "country" and _get(pred, "country") == hit.country
        ):
            return True
    return False


def _score_fields(report: EvalReport, doc: GoldDoc, gold: GoldEvent, pred: Any, n: int) -> None:
    """Score one extracted event's fields; a list of events: a field is right if any has it."""
    preds = pred if isinstance(pred, list) else [pred]
    every = [_checks(report, doc, gold, p, i == 0) for i, p in enumerate(preds)]
    checks = dict(every[0])
    for other in every[1:]:
        for name, (ok, want, got) in other.items():
            if ok and not checks[name][0]:
                checks[name] = (ok, want, got)
    for name, (ok, want, got) in checks.items():
        if ok is None:
            continue
        report.fields[name].scored += 1
        report.fields[name].correct += bool(ok)
        if not ok and len(report.field_errors) < 3 * n:
            report.field_errors.append(
                {"doc_id": doc.doc_id, "field": name, "gold": want, "extracted": got}
            )


def _checks(report: EvalReport, doc: GoldDoc, gold: GoldEvent, pred: Any, first: bool) -> dict:
    checks: dict[str, tuple[bool | None, Any, Any]] = {}
    if gold.date is not None:
        checks["date"] = (_date(pred) == gold.date, gold.date, _date(pred))
    checks["actor"] = (
        _party_ok(pred, doc, "actor", gold.actors, gold.actor_side, gold.actor_unnamed,
                  gold.spans.get("actor")),
        gold.actor_side or list(gold.actors), _get(pred, "actor_raw") or _get(pred, "actor"),
    )  # fmt: skip
    checks["target"] = (
        _party_ok(pred, doc, "target", gold.targets, gold.target_side, False,
                  gold.spans.get("target")),
        gold.target_side or list(gold.targets), _get(pred, "target_raw") or _get(pred, "target"),
    )  # fmt: skip
    mode = _get(pred, "mode")
    if gold.modes is not None:
        checks["mode"] = (mode in gold.modes, gold.mode_label, mode)
    if gold.mode_label and first:
        row = report.mode_confusion.setdefault(gold.mode_label, {})
        row[mode or "-"] = row.get(mode or "-", 0) + 1
    checks["place"] = (_place_ok(pred, doc, gold), list(gold.places) or gold.country,
                       _get(pred, "location") or _get(pred, "country"))  # fmt: skip
    for name in ("killed", "wounded"):
        accepted = getattr(gold, name)
        if accepted is not None:
            checks[name] = (_get(pred, name) in accepted, list(accepted), _get(pred, name))
    if gold.deaths is not None:
        killed = _get(pred, "killed")
        checks["deaths"] = (bool(killed) == gold.deaths, gold.deaths, killed)
    return checks


def _example(doc: GoldDoc, pred: Any) -> dict[str, Any]:
    return {
        "doc_id": doc.doc_id, "label": doc.label, "text": doc.text[:300],
        "evidence": _get(pred, "evidence"), "mode": _get(pred, "mode"),
    }  # fmt: skip


# -- news set: event level ------------------------------------------------------------------
def score_news(docs: Sequence[GoldDoc], extractor: Extractor, *, gold: str = "",
               backend: str = "spacy", bootstrap: int = 1000) -> EvalReport:  # fmt: skip
    """Event-level scores on a held-out news set (docs/extraction.md, "The held-out news set").

    A gold event is found by a predicted ASSAULT / FIGHT event of the same type dated within a
    day of it (any date when the gold has none) whose actor and target are compatible with the
    gold's: not two different named parties. Each agrees (a shared content word, one name
    inside the other, the same actor of the dictionary; a target may also be the event's
    place), or was left empty, or one side is a generic phrase ("soldiers", "a base"); an
    actor where the article names none is not compatible. Pairs are matched one to one,
    closest date first, then most overlapping evidence.
    ``f1``: found events; ``extra["f1_casualties"]``: found with killed and wounded both equal
    to the gold's (null = null); ``extra["strict"]``: the same where actor and target must
    agree (an empty or generic one where the gold names someone is not compatible); ``extra["without_background"]``: background gold events (and the
    predictions they matched) left out. Only counts are kept: no text of the set is reported.
    """
    report = EvalReport(kind="news", gold=gold, unit="news-event", backend=backend,
                        documents=len(docs))  # fmt: skip
    extractor(_WARM_UP, published="2020-03-14", doc_id=None)
    started = time.perf_counter()
    predictions = [[p for p in extractor(d.text, published=d.published, doc_id=d.doc_id)
                    if _get(p, "event") in DETECTED] for d in docs]  # fmt: skip
    report.seconds = time.perf_counter() - started
    tallies: dict[str, list] = {"lenient": [], "strict": [], "without_background": []}
    errors: dict[str, int] = {}
    for doc, preds in zip(docs, predictions, strict=True):
        report.positives += len(doc.events)
        for mode in ("lenient", "strict"):
            pairs = _news_pairs(doc, preds, strict=mode == "strict")
            right = sum(_casualties_right(g, p) for g, p in pairs)
            tallies[mode].append((len(pairs), len(preds), len(doc.events), right))
            if mode == "strict":
                continue
            report.tp += len(pairs)
            report.fp += len(preds) - len(pairs)
            report.fn += len(doc.events) - len(pairs)
            _news_errors(doc, preds, pairs, errors)
            lead = [g for g in doc.events if not g.background]
            kept = [(g, p) for g, p in pairs if not g.background]
            dropped = {id(p) for g, p in pairs if g.background}
            n_preds = sum(id(p) not in dropped for p in preds)
            tallies["without_background"].append(
                (len(kept), n_preds, len(lead), sum(_casualties_right(g, p) for g, p in kept)))
    report.extra = {"errors": dict(sorted(errors.items(), key=lambda kv: -kv[1]))}
    for mode, rows in tallies.items():
        tp, pred, gold_n, right = (sum(r[k] for r in rows) for k in range(4))
        block = {"tp": tp, "predicted": pred, "gold": gold_n, "casualties_right": right,
                 "f1": round(2 * tp / (pred + gold_n), 4) if pred + gold_n else 0.0,
                 "f1_casualties": round(2 * right / (pred + gold_n), 4) if pred + gold_n else 0.0}  # fmt: skip
        if bootstrap:
            block["f1_interval"], block["f1_casualties_interval"] = _news_intervals(rows, bootstrap)
        report.extra[mode] = block
    report.extra["f1_casualties"] = report.extra["lenient"]["f1_casualties"]
    report.intervals["f1"] = report.extra["lenient"].get("f1_interval")
    return report


def _news_intervals(rows, n: int, seed: int = 0):
    """95% bootstrap intervals (articles resampled) of the matched and casualty F1."""
    import numpy as np

    arr = np.array(rows, dtype=float)
    draws = np.random.default_rng(seed).integers(0, len(rows), size=(n, len(rows)))
    tp, pred, gold_n, right = (arr[:, k][draws].sum(axis=1) for k in range(4))
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = 2 * tp / (pred + gold_n)  # nan for a draw with no event at all: left out
        f1c = 2 * right / (pred + gold_n)
    return _percentiles(f1[~np.isnan(f1)]), _percentiles(f1c[~np.isnan(f1c)])


def _days_apart(gold: GoldEvent, pred: Any) -> int | None:
    """Days between the dates (0 when the gold has none); None when the prediction has none."""
    from datetime import date

    if gold.date is None:
        return 0
    got = _date(pred)
    if got is None:
        return None
    return abs((date.fromisoformat(got) - date.fromisoformat(gold.date)).days)


def _compatible(doc: GoldDoc, gold: GoldEvent, pred: Any, strict: bool) -> bool:
    """Actor and target do not contradict the gold (``strict``: they agree with it)."""
    for role, texts in (("actor", gold.actors), ("target", gold.targets)):
        got = _get(pred, role) or _get(pred, f"{role}_raw")
        if role == "actor" and gold.actor_unnamed:
            if _get(pred, "actor") is not None:
                return False  # an attacker where the article names none
            continue
        if not got or not texts:
            if strict and texts:
                return False
            continue
        pred_texts = [_get(pred, f"{role}_raw"), _get(pred, role), *_span_text(pred, doc.text, role)]
        if _names_agree(pred_texts, texts) or _same_side_name(pred_texts, texts) or (
            role == "target" and any(_same_place(pred, t) for t in texts)
        ):
            continue
        if strict or (_known_actor(_get(pred, role)) and any(_known_actor(t) for t in texts)):
            return False  # two different named parties
    return True


def _known_actor(name: str | None) -> bool:
    """A name of the actor dictionary (a state's forces, an armed group), not a generic phrase
    ("soldiers", "a military base")."""
    from jervis.text.actors import normalise_party

    if not name:
        return False
    return normalise_party(name, 0, 0).side is not None or _canonical(name) is not None


def _same_side_name(pred_texts: list, gold_texts: Sequence[str]) -> bool:
    """The gold phrase read through the actor dictionary names the extracted actor ("Israel's
    military" and "Government of Israel")."""
    from jervis.text.actors import normalise_party

    names = {normalise_party(g, 0, 0).name for g in gold_texts if g} - {None}
    return any(p in names for p in pred_texts if p)


def _news_pairs(doc: GoldDoc, preds: list, *, strict: bool) -> list[tuple[GoldEvent, Any]]:
    candidates = []
    for gi, g in enumerate(doc.events):
        for pi, p in enumerate(preds):
            days = _days_apart(g, p)
            if _get(p, "event") != g.event or days is None or days > 1:
                continue
            if not _compatible(doc, g, p, strict):
                continue
            overlap = sum(_overlap(tuple(e), g.spans.get("evidence")) for e in
                          (_get(p, "evidence_spans") or []))  # fmt: skip
            candidates.append((days, -overlap, gi, pi))
    pairs, used_g, used_p = [], set(), set()
    for _, _, gi, pi in sorted(candidates):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((doc.events[gi], preds[pi]))
    return pairs


def _casualties_right(gold: GoldEvent, pred: Any) -> bool:
    return (_get(pred, "killed") in (gold.killed or (None,))
            and _get(pred, "wounded") in (gold.wounded or (None,)))  # fmt: skip


def _news_errors(doc: GoldDoc, preds: list, pairs: list, errors: dict[str, int]) -> None:
    """Counts of what went wrong (no text): why a gold event was not found, what was wrong
    with the casualties of one that was, how many predictions matched nothing."""

    def add(name: str) -> None:
        errors[name] = errors.get(name, 0) + 1

    matched = {id(g) for g, _ in pairs}
    for g in doc.events:
        if id(g) in matched:
            continue
        near = [p for p in preds if (d := _days_apart(g, p)) is not None and d <= 1]
        if not preds:
            add("missed: no event extracted from the article")
        elif not near:
            add("missed: no extracted event within a day (date wrong or event missed)")
        elif not any(_get(p, "event") == g.event for p in near):
            add("missed: an event within a day, of the other type")
        elif not any(_compatible(doc, g, p, False) for p in near if _get(p, "event") == g.event):
            add("missed: events within a day, actor or target incompatible")
        else:
            add("missed: its match went to another gold event")
        add(f"missed ({'background' if g.background else 'lead'} events)")
    for g, p in pairs:
        for field_ in ("killed", "wounded"):
            want, got = (getattr(g, field_) or (None,))[0], _get(p, field_)
            if got == want:
                continue
            add(f"{field_}: {'none extracted' if got is None else 'extracted where none' if want is None else 'different number'}")
    add_n = len(preds) - len(pairs)
    if add_n:
        errors["extra: extracted events matching no gold event"] = (
            errors.get("extra: extracted events matching no gold event", 0) + add_n)
