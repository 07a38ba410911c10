"""Rebuild the extractor's shipped models from the development corpora (train split only).

    .venv/bin/pip install -c requirements.lock '.[train]'     # scikit-learn, for this script only
    .venv/bin/python scripts/train_extractor.py [--data ../shared/data]

Writes ``src/jervis/data/text/models/detector.json``: a logistic regression on candidate-mention
features (jervis.text.features), fitted on the ``train`` split of RAMS (its dev file), M2E2 and
PLOVER GSR, with the regularisation and the decision threshold chosen on the ``dev`` split
(jervis.text.splits). The ``test`` splits are never read here (RAMS' test file and MUC-4 are not
even opened). Roles and counts are rules on the dependency parse (jervis.text.roles): nothing to
train. The training data's licences are recorded in each model
file's ``info`` and in src/jervis/data/text/models/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "src" / "jervis" / "data" / "text" / "models"
LICENCES = {
    "rams": "RAMS 1.0 (Ebner et al., ACL 2020), CC BY-SA 4.0, Johns Hopkins University",
    "m2e2": "M2E2 (Li et al., ACL 2020), Voice of America text, US-government public domain",
    "plover": "PLOVER GSR, CC BY-SA 4.0, Open Event Data Alliance",
}


def shared_data(path: str | None) -> Path:
    for candidate in (path, os.environ.get("JERVIS_SHARED_DATA"), ROOT.parent / "shared" / "data",
                      ROOT.parents[1] / "shared" / "data"):  # fmt: skip
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    sys.exit("no shared data folder: pass --data")


def corpora(data: Path) -> dict[str, list]:
    from jervis.text.goldsets import read_m2e2, read_plover, read_rams

    return {
        "rams": read_rams(data / "rams" / "dev.jsonlines"),  # RAMS' test file is never read here
        "m2e2": read_m2e2(data / "m2e2" / "text_only_event.compact.jsonl"),
        "plover": read_plover(data / "plover-gsr" / "PLOVER_GSR_CAMEO.txt"),
    }


# -- detector ----------------------------------------------------------------------------------
def detector_examples(name: str, docs: list) -> tuple[list, Counter]:
    """(split, sentence key, features, label) per labelled candidate mention; candidate recall."""
    from jervis.text.detect import candidate_mentions
    from jervis.text.features import mention_features
    from jervis.text.lexicon import load_lexicon
    from jervis.text.pipeline import split_sentences

    lex = load_lexicon()
    docs = [d for d in docs if d.split in ("train", "dev") and not d.ambiguous]
    sentence_lists = split_sentences([d.text for d in docs])
    rows, recall = [], Counter()
    for doc, sentences in zip(docs, sentence_lists, strict=True):
        gold = doc.events[0] if doc.events else None
        triggers = gold.spans.get("trigger", []) if gold else []
        for sentence in sentences:
            if doc.focus is not None and not (
                sentence.start < doc.focus[1] and doc.focus[0] < sentence.end
            ):
                continue  # RAMS: only the annotated event's sentence is labelled
            found = False
            for mention in candidate_mentions(lex, sentence):
                a, b = sentence.start + mention.start, sentence.start + mention.end
                if gold is None:
                    label = 0
                elif triggers:
                    near = any(a - 25 <= t1 and t0 <= b + 25 for t0, t1 in triggers)
                    if not near:
                        continue  # another mention of a positive sentence: unknown, unused
                    label, found = 1, True
                else:
                    label, found = 1, True
                key = (name, doc.doc_id, sentence.index)
                rows.append((doc.split, key, mention_features(lex, mention), label))
            if gold is not None and doc.split == "train":
                recall["found" if found else "missed"] += 1
    return rows, recall


def fit_binary(rows: list, c_values=(0.03, 0.1, 0.3, 1.0, 3.0)):
    """Logistic regressions for each C on train; (model, C, threshold, dev F1) of the best on dev."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    train = [r for r in rows if r[0] == "train"]
    dev = [r for r in rows if r[0] == "dev"]
    vec = DictVectorizer()
    x_train = vec.fit_transform([dict.fromkeys(r[2], 1) for r in train])
    y_train = [r[3] for r in train]
    x_dev = vec.transform([dict.fromkeys(r[2], 1) for r in dev])
    best = None
    for c in c_values:
        model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
        model.fit(x_train, y_train)
        probs = model.predict_proba(x_dev)[:, 1]
        for t in [i / 20 for i in range(4, 18)]:
            f1 = sentence_f1(dev, probs, t)
            if best is None or f1 > best[3] + 1e-9:
                best = (model, c, t, f1)
    return vec, best


def sentence_f1(rows: list, probs, threshold: float) -> float:
    """Macro F1 over corpora of sentence-level detection (a sentence: any mention above t)."""
    by_corpus: dict[str, dict] = {}
    for row, p in zip(rows, probs, strict=True):
        key = row[1]
        sent = by_corpus.setdefault(key[0], {}).setdefault(key, [0, 0])
        sent[0] = max(sent[0], row[3])
        sent[1] = max(sent[1], int(p >= threshold))
    scores = []
    for sents in by_corpus.values():
        tp = sum(1 for g, p in sents.values() if g and p)
        fp = sum(1 for g, p in sents.values() if not g and p)
        fn = sum(1 for g, p in sents.values() if g and not p)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def export(name: str, vec, model, threshold: float, info: dict, classes=("attack",)) -> None:
    coef = model.coef_
    names = vec.get_feature_names_out()
    weights = {}
    for j, feature in enumerate(names):
        w = [round(float(coef[k, j]), 4) for k in range(coef.shape[0])]
        if any(abs(v) >= 1e-4 for v in w):
            weights[str(feature)] = w
    data = {
        "name": name, "classes": list(classes),
        "bias": [round(float(b), 4) for b in model.intercept_],
        "threshold": threshold, "weights": dict(sorted(weights.items())), "info": info,
    }  # fmt: skip
    MODELS.mkdir(parents=True, exist_ok=True)
    (MODELS / f"{name}.json").write_text(json.dumps(data, indent=0, sort_keys=False) + "\n")
    print(f"wrote {MODELS / f'{name}.json'}: {len(weights)} features", file=sys.stderr)


def train_detector(data: dict[str, list]) -> None:
    rows, recall = [], Counter()
    for name in ("rams", "m2e2", "plover"):
        r, rec = detector_examples(name, data[name])
        rows += r
        recall.update({f"{name}_{k}": v for k, v in rec.items()})
    counts = Counter((r[0], r[3]) for r in rows)
    vec, (model, c, t, f1) = fit_binary(rows)
    print(f"detector: C={c} threshold={t} dev macro F1={f1:.3f} rows={dict(counts)} "
          f"candidate recall (train)={dict(recall)}", file=sys.stderr)  # fmt: skip
    info = {
        "trained": time.strftime("%Y-%m-%d"), "C": c, "dev_macro_f1": round(f1, 4),
        "examples": {f"{s}/{'pos' if y else 'neg'}": n for (s, y), n in sorted(counts.items())},
        "data": [LICENCES[n] for n in ("rams", "m2e2", "plover")],
        "splits": "train fitted, dev chose C and threshold (jervis.text.splits)",
    }  # fmt: skip
    export("detector", vec, model, t, info)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="the shared data folder (../shared/data)")
    args = parser.parse_args(argv)
    train_detector(corpora(shared_data(args.data)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
