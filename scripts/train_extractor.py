"""Rebuild the extractor's shipped models from the development corpora (train split only).

    .venv/bin/pip install -c requirements.lock -e '.[train]'   # scikit-learn, for this script only
    .venv/bin/python scripts/train_extractor.py [--data DIR] [--cache DIR]

The corpora are read from the copies shipped in this repository (``tests/fixtures``: M2E2,
RAMS, PLOVER GSR, MUC-4; byte-identical to the shared data folder's files, see each folder's
ATTRIBUTION.md); ``--data ../shared/data`` reads the originals instead and gives the same models.

Writes three logistic regressions to ``src/jervis/data/text/models/``:

- ``trigger.json``: is this candidate word an attack? Features of the word in its parsed sentence
  (jervis.text.triggers). Fitted on the train splits of M2E2, RAMS (its dev file) and PLOVER.
- ``roles.json``: which noun phrase of the sentence is the attacker, the target, the place, the
  instrument, or none, for a trigger (jervis.text.arguments). Fitted on the train splits of
  M2E2, RAMS, PLOVER and MUC-4 (``train.json``).
- ``detector.json``: the surface-feature mention detector of the ``rules`` backend
  (jervis.text.features), no parse.

The trigger classifier weighs each corpus' train rows the same (their annotations disagree on
broad words such as "war"; unweighted, M2E2's four times larger share decides them), chooses C
by the mean average precision over the corpora and then its threshold by macro F1, where RAMS'
attack triggers that no candidate word covers count as misses.

Regularisation and thresholds are chosen on the ``dev`` splits (jervis.text.splits). The
``test`` splits are never read: RAMS' test file and MUC-4's ``dev.json`` are not opened, and
documents of the other corpora in a test split are dropped as they are read.

Labels, and what partial annotation means for them:
- M2E2 marks every event of a sentence: a candidate word on a Conflict:Attack trigger is an
  attack, one on no trigger or another event's is not, one on a Life:Die trigger is not used.
- RAMS marks one event per passage: only the candidate on the annotated trigger is labelled
  (attack or not); every other word of the passage is unknown and not used.
- PLOVER codes a record: its candidate words are attacks when the record is an ASSAULT or
  FIGHT, not when it is another type.
- Roles: M2E2 and RAMS arguments of attack, death and injury events (attacker, killer, injurer,
  agent -> attacker; target, victim -> target); MUC-4 and PLOVER name fillers per document or
  record, so a candidate overlapping a perpetrator or target filler is labelled so, for the
  trigger words of the sentences that hold a filler.

Training takes a few minutes, most of it parsing (``--cache DIR`` keeps the parses).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "src" / "jervis" / "data" / "text" / "models"
FIXTURES = ROOT / "tests" / "fixtures"
LICENCES = {
    "rams": "RAMS 1.0 (Ebner et al., ACL 2020), CC BY-SA 4.0, Johns Hopkins University",
    "m2e2": "M2E2 (Li et al., ACL 2020), Voice of America text, US-government public domain",
    "plover": "PLOVER GSR, CC BY-SA 4.0, Open Event Data Alliance",
    "muc4": "MUC-3/4 development documents (FBIS, US-government texts) with the MUC-3/4 answer "
    "keys, as redistributed for research by Du et al. (GRIT, EACL 2021)",
}
ROLE_NAMES = {"attacker": "attacker", "killer": "attacker", "injurer": "attacker",
              "agent": "attacker", "target": "target", "victim": "target", "place": "place",
              "instrument": "instrument"}  # fmt: skip
ROLE_CLASSES = ("none", "attacker", "target", "place", "instrument")


@dataclass
class TrainDoc:
    """One training document with what its corpus says about it."""

    corpus: str
    split: str
    doc_id: str
    text: str
    triggers: list[tuple[int, int, str]] = field(default_factory=list)  # attack|other|ambiguous
    args: list[tuple[int, int, int, str]] = field(default_factory=list)  # trigger index, span, role
    record: str | None = None  # PLOVER / MUC-4: attack | other | ambiguous
    fillers: list[tuple[int, int, str]] = field(default_factory=list)  # span, role
    sentences: list = field(default_factory=list)
    parses: dict = field(default_factory=dict)  # sentence index -> spaCy Doc


def data_folder(path: str | None) -> Path:
    """``--data`` (or $JERVIS_SHARED_DATA) if given, else the corpora shipped in tests/fixtures."""
    for candidate in (path, os.environ.get("JERVIS_SHARED_DATA")):
        if candidate:
            if not Path(candidate).is_dir():
                sys.exit(f"{candidate}: not a folder")
            return Path(candidate)
    return FIXTURES


def corpus_file(data: Path, *names: str) -> Path:
    """The first of ``names`` (the shared folder's layout, then the fixtures') under ``data``."""
    for name in names:
        if (data / name).is_file():
            return data / name
    sys.exit(f"{data}: none of {', '.join(names)}")


def read_text(path: Path) -> str:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return fh.read()
    return path.read_text(encoding="utf-8")


# -- readers (train and dev splits only) -----------------------------------------------------
def read_m2e2(path: Path) -> list[TrainDoc]:
    from jervis.text.goldsets import _char_offsets
    from jervis.text.splits import split_of

    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        sid = r["sentence_id"]
        split = split_of("m2e2", sid.rsplit("_", 1)[0])
        if split == "test":
            continue
        sentence, offsets = r["sentence"], _char_offsets(r["sentence"], r["words"])
        text = sentence if re.search(r"[.!?\"'\u201d]\s*$", sentence) else sentence + "."
        doc = TrainDoc("m2e2", split, sid, text)
        for m in r["golden-event-mentions"]:
            t, etype = m["trigger"], m["event_type"]
            label = {"Conflict:Attack": "attack", "Life:Die": "ambiguous"}.get(etype, "other")
            doc.triggers.append((offsets[t["start"]][0], offsets[t["end"] - 1][1], label))
            if label == "other":
                continue
            for a in m["arguments"]:
                role = ROLE_NAMES.get(a["role"].lower())
                if role:
                    last = min(max(a["start"], a["end"] - 1), len(offsets) - 1)
                    doc.args.append((len(doc.triggers) - 1, offsets[a["start"]][0],
                                     offsets[last][1], role))  # fmt: skip
        out.append(doc)
    return out


def read_rams(path: Path) -> list[TrainDoc]:
    """RAMS' dev file (its own test file is the test split and is never read here)."""
    from jervis.text.goldsets import RAMS_AMBIGUOUS, detokenize
    from jervis.text.splits import split_of

    out = []
    for line in read_text(path).splitlines():
        r = json.loads(line)
        split = split_of("rams", r.get("source_url") or r["doc_key"])
        text, spans = detokenize([t for s in r["sentences"] for t in s])

        def char(a: int, b: int, spans=spans) -> tuple[int, int]:
            return spans[a][0], spans[min(b, len(spans) - 1)][1]

        t0, t1, labels = r["evt_triggers"][0]
        etype = labels[0][0]
        label = ("attack" if etype.startswith("conflict.attack") else
                 "ambiguous" if etype.startswith(RAMS_AMBIGUOUS) else "other")  # fmt: skip
        doc = TrainDoc("rams", split, r["doc_key"], text, triggers=[(*char(t0, t1), label)])
        if label != "other":
            for _t, (a, b), role in r["gold_evt_links"]:
                name = ROLE_NAMES.get(re.sub(r"^evt\d+arg\d+", "", role))
                if name:
                    doc.args.append((0, *char(a, b), name))
        out.append(doc)
    return out


def read_plover(path: Path) -> list[TrainDoc]:
    from jervis.text.splits import split_of

    records = [r for r in json.loads(path.read_text(encoding="utf-8"))
               if r.get("event") not in (None, "DOCUMENT") and r.get("text")]  # fmt: skip
    violent = {r["text"].strip() for r in records if r["event"] in ("ASSAULT", "FIGHT")}
    out = []
    for r in records:
        split = split_of("plover", r["id"])
        if split == "test":
            continue
        positive = r["event"] in ("ASSAULT", "FIGHT")
        record = ("attack" if positive else
                  "ambiguous" if r["text"].strip() in violent else "other")  # fmt: skip
        doc = TrainDoc("plover", split, r["id"], r["text"], record=record)
        for key, role in (("source", "attacker"), ("target", "target")):
            for actor in r.get(key) or [] if positive else []:
                name = actor.get("actorText") if isinstance(actor, dict) else None
                for m in re.finditer(re.escape(name), r["text"]) if name else []:
                    doc.fillers.append((m.start(), m.end(), role))
        out.append(doc)
    return out


def read_muc4(path: Path) -> list[TrainDoc]:
    """MUC-4 ``train.json`` (DEV-MUC3); its ``dev.json`` (TST1, TST2) is the test split."""
    from jervis.text.splits import split_of

    opener = gzip.open if path.suffix == ".gz" else open
    out = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["docid"].startswith("TST"):
                continue
            extracts = r["extracts"]
            doc = TrainDoc("muc4", split_of("muc4", r["docid"]), r["docid"], r["doctext"],
                           record="attack" if any(extracts.values()) else "other")  # fmt: skip
            for keys, role in ((("PerpInd", "PerpOrg"), "attacker"), (("Target", "Victim"), "target")):
                for key in keys:
                    for entity in extracts.get(key, []):
                        for text, offset in entity:
                            if offset >= 0:
                                doc.fillers.append((offset, offset + len(text), role))
            out.append(doc)
    return out


def corpora(data: Path) -> list[TrainDoc]:
    docs = (read_m2e2(corpus_file(data, "m2e2/text_only_event.compact.jsonl"))
            + read_rams(corpus_file(data, "rams/dev.jsonlines", "rams/dev.jsonlines.gz"))
            + read_plover(corpus_file(data, "plover-gsr/PLOVER_GSR_CAMEO.txt"))
            + read_muc4(corpus_file(data, "muc4-dev/train.json", "muc4/train.json.gz")))  # fmt: skip
    assert all(d.split in ("train", "dev") for d in docs)
    return docs


# -- parsing ---------------------------------------------------------------------------------
def parse(docs: list[TrainDoc], cache: Path | None) -> None:
    """Sentences of every document (the run-time splitter) and the parse of those the
    classifiers look at: every sentence of M2E2, RAMS and PLOVER; MUC-4 sentences with a
    candidate word."""
    from jervis.text.detect import all_hits
    from jervis.text.lexicon import load_lexicon
    from jervis.text.pipeline import split_sentences
    from jervis.text.roles import parser

    lex = load_lexicon()
    todo = []
    for doc, sentences in zip(docs, split_sentences(d.text for d in docs), strict=True):
        doc.sentences = sentences
        for s in sentences:
            if doc.corpus != "muc4" or all_hits(lex, s):
                todo.append((doc, s))
    nlp = parser()
    key = hashlib.sha256("\n".join(s.norm for _, s in todo).encode()).hexdigest()[:16]
    from spacy.tokens import DocBin

    path = cache / f"parses-{key}.spacy" if cache else None
    if path is not None and path.exists():
        parsed = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    else:
        started = time.time()
        parsed = list(nlp.pipe((s.norm for _, s in todo), batch_size=128))
        print(f"parsed {len(parsed)} sentences in {time.time() - started:.0f} s", file=sys.stderr)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            bin_ = DocBin()
            for p in parsed:
                bin_.add(p)
            bin_.to_disk(path)
    for (doc, sentence), p in zip(todo, parsed, strict=True):
        doc.parses[sentence.index] = p


# -- trigger classifier ----------------------------------------------------------------------
def trigger_rows(docs: list[TrainDoc]) -> list[tuple]:
    """(split, corpus, sentence key, features, label) per labelled candidate word."""
    from jervis.text.detect import all_hits, find_mentions
    from jervis.text.lexicon import load_lexicon
    from jervis.text.triggers import event_decisions, trigger_features

    lex = load_lexicon()
    rows = []
    for doc in docs:
        if doc.corpus == "muc4":
            continue  # no trigger annotation
        for s in doc.sentences:
            parsed = doc.parses.get(s.index)
            if parsed is None:
                continue
            hits = all_hits(lex, s)
            # deaths and injuries are no attack in any of these corpora: casualty words are
            # not candidates
            for hit, ruled, added in event_decisions(lex, s, hits, find_mentions(lex, s)[0]):
                label = _trigger_label(doc, s.start + hit.start, s.start + hit.end)
                if label is not None:
                    rows.append((doc.split, doc.corpus, (doc.doc_id, s.index),
                                 trigger_features(lex, hit, s, parsed), label, (ruled, added)))  # fmt: skip
    return rows


def uncovered_attacks(docs: list[TrainDoc]) -> dict[str, int]:
    """RAMS attack triggers (train and dev) that no candidate word covers: misses the model
    cannot fix, counted so that the F1 it is chosen by is the one the evaluation reports."""
    from jervis.text.detect import all_hits
    from jervis.text.lexicon import load_lexicon

    lex = load_lexicon()
    missed = 0
    for doc in docs:
        if doc.corpus != "rams":
            continue
        for a, b, label in doc.triggers:
            s = next((s for s in doc.sentences if s.start <= a < s.end), None)
            if label != "attack" or s is None:
                missed += label == "attack"
                continue
            missed += not any(s.start + h.start < b and a < s.start + h.end
                              for h in all_hits(lex, s) if h.trigger.kind != "casualty")  # fmt: skip
    return {"rams": missed}


def _trigger_label(doc: TrainDoc, a: int, b: int) -> int | None:
    if doc.record is not None:  # PLOVER: the record's type
        return {"attack": 1, "other": 0}.get(doc.record)
    labels = {t[2] for t in doc.triggers if t[0] < b and a < t[1]}
    if "attack" in labels:
        return 1
    if "ambiguous" in labels:
        return None
    if labels:
        return 0
    return 0 if doc.corpus == "m2e2" else None  # RAMS: an unannotated word is unknown


def detection_scores(rows: list[tuple], decided, beta: float = 1.0,
                     missed: dict[str, int] | None = None) -> dict[str, float]:  # fmt: skip
    """Per corpus: M2E2 and PLOVER sentence / record F1 (a sentence is detected when one of
    its candidates is), RAMS F1 at its annotated triggers. ``decided``: a bool per row;
    ``beta`` < 1 weighs precision more (F-beta); ``missed``: per corpus, annotated attack
    triggers no candidate covers (misses whatever the model says, as the evaluation counts them)."""
    out = {}
    for corpus in ("m2e2", "plover", "rams"):
        units: dict = defaultdict(lambda: [0, 0])
        for row, yes in zip(rows, decided, strict=True):
            if row[1] != corpus:
                continue
            key = row[2] if corpus != "rams" else (row[2], id(row))
            unit = units[key]
            unit[0], unit[1] = max(unit[0], row[4]), max(unit[1], int(yes))
        tp = sum(1 for g, p in units.values() if g and p)
        fp = sum(1 for g, p in units.values() if p and not g)
        fn = sum(1 for g, p in units.values() if g and not p) + (missed or {}).get(corpus, 0)
        b2 = beta * beta
        out[corpus] = (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp) if tp else 0.0
    return out


def held_out_predictions(rows: list[tuple], make_model, *, proba_column=None, weights=None):
    """(model fitted on all train rows, its vectoriser, predictions for the selection rows): the
    dev rows scored by that model and the train rows scored out of fold (five folds by
    document, each predicted by a model fitted on the other four). Settings are chosen on both,
    which gives the choice four times the data of the dev split alone; the shipped model is
    the one fitted on train only."""
    import numpy as np

    train = [r for r in rows if r[0] == "train"]
    dev = [r for r in rows if r[0] == "dev"]
    w = np.array([weights(r) if weights else 1.0 for r in train])

    def fit(part):
        vec, x = _vectorise([train[i][3] for i in part])
        model = make_model().fit(x, [train[i][4] for i in part], sample_weight=w[part])
        return vec, model

    def predict(vec, model, subset):
        out = model.predict_proba(vec.transform([dict.fromkeys(r[3], 1) for r in subset]))
        return out[:, proba_column] if proba_column is not None else out

    folds = np.array([int(hashlib.sha256(str(r[2][0]).encode()).hexdigest(), 16) % 5
                      for r in train])  # fmt: skip
    oof = [None] * len(train)
    for k in range(5):
        vec, model = fit(np.flatnonzero(folds != k))
        held = np.flatnonzero(folds == k)
        for i, p in zip(held, predict(vec, model, [train[i] for i in held]), strict=True):
            oof[i] = p
    vec, model = fit(np.arange(len(train)))
    return model, vec, train + dev, list(oof) + list(predict(vec, model, dev))


def corpus_weights(rows: list[tuple]):
    """A weight per row such that each corpus' train rows weigh the same in the fit.

    The corpora annotate differently (ACE-style M2E2 rarely marks a war or a coup as an attack,
    RAMS often does; PLOVER codes records, not words) and M2E2 has four times the rows of the
    others: unweighted, its convention decides every word the corpora disagree on."""
    counts = Counter(r[1] for r in rows if r[0] == "train")
    total = sum(counts.values())
    return lambda r: total / (len(counts) * counts[r[1]])


def unit_average_precision(rows: list[tuple], probs) -> dict[str, float]:
    """Per corpus, the average precision of the units (sentences, records, RAMS triggers; a
    unit scores its best candidate): how well the model ranks, whatever the threshold."""
    from sklearn.metrics import average_precision_score

    out = {}
    for corpus in ("m2e2", "plover", "rams"):
        units: dict = defaultdict(lambda: [0, 0.0])
        for row, p in zip(rows, probs, strict=True):
            if row[1] == corpus:
                unit = units[row[2] if corpus != "rams" else (row[2], id(row))]
                unit[0], unit[1] = max(unit[0], row[4]), max(unit[1], float(p))
        labels = [u[0] for u in units.values()]
        if 0 < sum(labels) < len(labels):
            out[corpus] = float(average_precision_score(labels, [u[1] for u in units.values()]))
    return out


def fit_trigger(rows: list[tuple], missed: dict[str, int] | None = None,
                weighted: bool = False) -> dict:  # fmt: skip
    """Logistic regressions for each C, on the dev rows and the train rows scored out of fold
    (held_out_predictions). ``weighted``: each corpus weighs the same (corpus_weights), C is the
    one with the best mean average precision over the corpora (threshold-free, so less at the
    mercy of a few PLOVER records than an F1 at one threshold) and the threshold the one with
    the best macro F1 at that C; otherwise C and threshold together by macro F1 (the surface
    detector's choice, as before). ``missed``: see detection_scores."""
    from sklearn.linear_model import LogisticRegression

    best = None
    for c in (0.03, 0.1, 0.3, 1.0):
        model, vec, chosen_on, probs = held_out_predictions(
            rows, lambda c=c: LogisticRegression(C=c, max_iter=5000, class_weight="balanced"),
            proba_column=1, weights=corpus_weights(rows) if weighted else None)  # fmt: skip
        ap = unit_average_precision(chosen_on, probs)
        mean_ap = sum(ap.values()) / len(ap)
        if weighted and best is not None and mean_ap <= best["mean_ap"] + 1e-9:
            continue
        if weighted:
            best = None
        grid = range(2, 15) if weighted else range(5, 15)
        for t in [i / 20 for i in grid]:
            scores = detection_scores(chosen_on, [p >= t for p in probs], missed=missed)
            macro = sum(scores.values()) / len(scores)
            if best is None or macro > best["macro"] + 1e-9:
                best = {"model": model, "vec": vec, "C": c, "threshold": t, "macro": macro,
                        "dev": {k: round(float(v), 3) for k, v in scores.items()},
                        "average_precision": {k: round(v, 3) for k, v in ap.items()},
                        "mean_ap": mean_ap, "rows": chosen_on, "probs": probs}  # fmt: skip
    if len(rows[0]) > 5:  # reported events: the veto and add thresholds (triggers.reported_events)
        # chosen by F0.5: an event is a stored fact, a false one costs more than a missed one.
        # Ties keep the checks as they are (the lowest veto, the highest add).
        best["event"] = None
        for veto in (0.0, 0.1, 0.2, 0.3, 0.4):
            for add in (1.01, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5):
                decided = [(r[5][0] and p >= veto) or (r[5][1] and p >= add)
                           for r, p in zip(best["rows"], best["probs"], strict=True)]  # fmt: skip
                scores = detection_scores(best["rows"], decided, beta=0.5, missed=missed)
                # RAMS marks one event per passage: it cannot measure the precision of added
                # events, so the fully annotated corpora choose
                macro = (scores["m2e2"] + scores["plover"]) / 2
                if best["event"] is None or macro > best["event"][0] + 1e-9:
                    best["event"] = (macro, veto, add, {k: round(float(v), 3)
                                                        for k, v in scores.items()})  # fmt: skip
    return best


def _vectorise(feature_lists: list[list[str]], min_count: int = 2):
    """A DictVectorizer over the features seen in at least ``min_count`` training rows (rarer
    ones cannot be weighed and would bloat the shipped file)."""
    from sklearn.feature_extraction import DictVectorizer

    counts = Counter(f for feats in feature_lists for f in set(feats))
    keep = sorted(f for f, n in counts.items() if n >= min_count)
    vec = DictVectorizer().fit([dict.fromkeys(keep, 1)])
    return vec, vec.transform([dict.fromkeys(f, 1) for f in feature_lists])


# -- role classifier -------------------------------------------------------------------------
def role_rows(docs: list[TrainDoc]) -> list[tuple]:
    """(split, corpus, group, features, role) per (trigger, candidate) pair."""
    from jervis.text import arguments
    from jervis.text.detect import all_hits
    from jervis.text.lexicon import load_lexicon
    from jervis.text.syntax import token_at

    lex = load_lexicon()
    rows = []

    def add(doc, s, parsed, trigger, spans, group, inside, victims=frozenset()):
        rule = arguments.rule_roles(parsed, trigger)[0]
        claimer = arguments._claimer(parsed)
        for cand in arguments.candidates(parsed, trigger):
            a, b = s.start + cand.idx, s.start + cand.idx + len(cand.text)
            role = next((r for x, y, r in spans
                         if (x <= a and b <= y if inside else x < b and a < y)), "none")  # fmt: skip
            if role == "none" and cand.i in victims:
                continue  # whom a casualty verb of the sentence hit: unknown, not "none"
            rows.append((doc.split, doc.corpus, group,
                         arguments.pair_features(lex, trigger, cand, rule, claimer), role))  # fmt: skip

    for doc in docs:
        if doc.corpus in ("m2e2", "rams"):
            for k, (t0, t1, label) in enumerate(doc.triggers):
                spans = [(a, b, role) for i, a, b, role in doc.args if i == k]
                s = next((s for s in doc.sentences if s.start <= t0 < s.end), None)
                if label == "other" or not spans or s is None or s.index not in doc.parses:
                    continue
                parsed = doc.parses[s.index]
                trigger = token_at(parsed, t0 - s.start, t1 - s.start)
                if trigger is not None:
                    add(doc, s, parsed, trigger, spans, (doc.doc_id, k), inside=True)
        elif doc.record == "attack" and doc.fillers:
            for s in doc.sentences:
                parsed = doc.parses.get(s.index)
                if parsed is None or not any(s.start <= a < s.end for a, _, _ in doc.fillers):
                    continue
                every = all_hits(lex, s)
                victims = casualty_victims(parsed, every)
                hits = [h for h in every if h.reason is None and not h.trigger.broad]
                for hit in hits[:3]:
                    trigger = token_at(parsed, hit.start, hit.end)
                    if trigger is not None:
                        add(doc, s, parsed, trigger, doc.fillers,
                            (doc.doc_id, s.index, hit.start), inside=False, victims=victims)  # fmt: skip
    return rows


def casualty_victims(parsed, hits) -> frozenset[int]:
    """Token indices of whom the casualty verbs of a sentence killed or wounded: the passive
    subject, or the object of an active verb, and their conjuncts. MUC-4 and PLOVER name the
    fillers of one incident per document or record, so a victim they leave out (another
    incident's, or one the key did not list) would be labelled "none" though the grammar says
    it was hit: such a candidate is left unlabelled (unused), as partial annotation is."""
    from jervis.text.syntax import token_at

    out = set()
    for hit in hits:
        if hit.trigger.kind != "casualty":
            continue
        verb = token_at(parsed, hit.start, hit.end)
        if verb is None or not verb.tag_.startswith("VB"):
            continue
        deps = ("nsubjpass",) if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) \
            else ("dobj", "obj")
        for child in verb.children:
            if child.dep_ in deps or (deps[0] == "nsubjpass" and child.dep_ == "nsubj"):
                if child.tag_.startswith("NN"):
                    out.add(child.i)
                    out.update(c.i for c in child.conjuncts if c.tag_.startswith("NN"))
    return frozenset(out)


def role_f1(rows: list[tuple], dists, classes, thresholds: dict) -> dict[str, float]:
    """Per corpus and role, F1 of filling the role: a trigger's best candidate above the
    threshold fills it; right when the gold gives it that role; recall over the triggers whose
    gold names one. A wrong filler costs more than none (it is a wrong fact)."""
    groups: dict = defaultdict(list)
    for i, row in enumerate(rows):
        groups[(row[1], row[2])].append(i)
    out = {}
    for role in ("attacker", "target"):
        k = list(classes).index(role)
        tally: dict = defaultdict(lambda: [0, 0, 0])  # right, filled, gold
        for (corpus, _), idx in groups.items():
            best = max(idx, key=lambda i: dists[i][k])
            filled = dists[best][k] >= thresholds[role]
            tally[corpus][0] += filled and rows[best][4] == role
            tally[corpus][1] += filled
            tally[corpus][2] += any(rows[i][4] == role for i in idx)
        for corpus, (right, filled, gold) in tally.items():
            out[f"{corpus}/{role}"] = 2 * right / (filled + gold) if right else 0.0
    return out


# Macro role-filling F1 differences under this are ties (one trigger of the smallest corpus
# moves it by more): the first setting tried keeps them (lower C, lower MUC-4 weight, lower
# threshold: a role filled more often), so that a change of a rule's reading of a few sentences
# does not flip the threshold between two settings the held-out rows cannot tell apart.
ROLE_TIE = 0.002


def fit_roles(rows: list[tuple]) -> dict:
    """A multinomial logistic regression for each C and MUC-4 weight; the one (and the role
    threshold) with the best macro role-filling F1, on the dev rows and the train rows scored
    out of fold."""
    from sklearn.linear_model import LogisticRegression

    best = None
    for c in (0.1, 0.3, 1.0):
        for muc_weight in (0.3, 1.0):  # MUC-4 has ten times the rows of the others
            model, vec, chosen_on, dists = held_out_predictions(
                rows, lambda c=c: LogisticRegression(C=c, max_iter=5000),
                weights=lambda r, w=muc_weight: w if r[1] == "muc4" else 1.0)  # fmt: skip
            for t in (0.1, 0.15, 0.2, 0.25, 0.3, 0.4):
                scores = role_f1(chosen_on, dists, model.classes_, {"attacker": t, "target": t})
                macro = sum(scores.values()) / len(scores)
                print(f"roles C={c} muc4_weight={muc_weight} threshold={t}: macro {macro:.4f}",
                      file=sys.stderr)  # fmt: skip
                if best is None or macro > best["macro"] + ROLE_TIE:
                    best = {"model": model, "vec": vec, "C": c, "muc4_weight": muc_weight,
                            "threshold": t, "macro": macro,
                            "dev": {k: round(float(v), 3) for k, v in sorted(scores.items())}}  # fmt: skip
    return best


# -- surface detector (rules backend) --------------------------------------------------------
def detector_rows(docs: list[TrainDoc]) -> list[tuple]:
    """(split, corpus, sentence key, features, label) per candidate mention (no parse)."""
    from jervis.text.detect import candidate_mentions
    from jervis.text.features import mention_features
    from jervis.text.lexicon import load_lexicon

    lex = load_lexicon()
    rows = []
    for doc in docs:
        if doc.corpus == "muc4":
            continue
        for s in doc.sentences:
            for mention in candidate_mentions(lex, s):
                a, b = s.start + mention.start, s.start + mention.end
                label = _trigger_label(doc, a, b)
                if label is not None:
                    rows.append((doc.split, doc.corpus, (doc.doc_id, s.index),
                                 mention_features(lex, mention), label))  # fmt: skip
    return rows


# -- export ----------------------------------------------------------------------------------
def export(name: str, fitted: dict, classes: list[str], info: dict, **extra) -> None:
    model, vec = fitted["model"], fitted["vec"]
    coef, names = model.coef_, vec.get_feature_names_out()
    weights = {}
    for j, feature in enumerate(names):
        w = [round(float(coef[k, j]), 4) for k in range(coef.shape[0])]
        if any(abs(v) >= 1e-3 for v in w):
            weights[str(feature)] = w
    data = {"name": name, "classes": classes,
            "bias": [round(float(b), 4) for b in model.intercept_],
            "threshold": fitted.get("threshold", 0.5), **extra,
            "weights": dict(sorted(weights.items())), "info": info}  # fmt: skip
    MODELS.mkdir(parents=True, exist_ok=True)
    (MODELS / f"{name}.json").write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {name}.json: {len(weights)} features; {info.get('dev')}", file=sys.stderr)


def _info(fitted: dict, rows: list[tuple], corpora_used: tuple[str, ...], **more) -> dict:
    examples = Counter(f"{r[0]}/{r[1]}/{r[4]}" for r in rows)  # split/corpus/label
    return {"trained": time.strftime("%Y-%m-%d"), "C": fitted["C"], "dev": fitted["dev"],
            "examples": dict(sorted(examples.items())),
            "data": [LICENCES[c] for c in corpora_used],
            "splits": "train fitted, dev chose the settings (jervis.text.splits)", **more}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="a folder with the corpora in the shared data folder's "
                        "layout (default: the copies in tests/fixtures)")
    parser.add_argument("--cache", type=Path, help="a folder to keep the parses in")
    parser.add_argument("--only", choices=("trigger", "roles", "detector"), action="append")
    args = parser.parse_args(argv)
    only = set(args.only or ("trigger", "roles", "detector"))
    docs = corpora(data_folder(args.data))
    print(f"{len(docs)} train/dev documents: {dict(Counter(d.corpus for d in docs))}",
          file=sys.stderr)  # fmt: skip
    parse(docs, args.cache)
    if "trigger" in only:
        rows = trigger_rows(docs)
        missed = uncovered_attacks(docs)
        fitted = fit_trigger(rows, missed=missed, weighted=True)
        macro, veto, add, scores = fitted["event"]
        export("trigger", fitted, ["attack"],
               _info(fitted, rows, ("m2e2", "rams", "plover"), macro_dev=round(fitted["macro"], 3),
                     events_dev=scores, events_macro_dev=round(macro, 3),
                     average_precision_dev=fitted["average_precision"],
                     weights="each corpus' train rows weigh the same", uncovered_dev=missed),
               thresholds={"veto": veto, "add": add})  # fmt: skip
    if "roles" in only:
        rows = role_rows(docs)
        fitted = fit_roles(rows)
        t = fitted["threshold"]
        export("roles", fitted, [str(c) for c in fitted["model"].classes_],
               _info(fitted, rows, ("m2e2", "rams", "plover", "muc4"),
                     muc4_weight=fitted["muc4_weight"], macro_dev=round(fitted["macro"], 3)),
               thresholds={"attacker": t, "target": t})  # fmt: skip
    if "detector" in only:
        rows = detector_rows(docs)
        fitted = fit_trigger(rows)
        export("detector", fitted, ["attack"],
               _info(fitted, rows, ("m2e2", "rams", "plover"), macro_dev=round(fitted["macro"], 3)))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
