"""How well do the news-level assembly rules of the sixth round generalise? (docs/extraction.md,
"Sixth round: news rows").

Reads only the *learn* articles: news-dev (all 12) and news-dev2's learn part (01-14). Never
reads news-dev2's test part (a validation set, scored as counts with ``jervis eval extract``)
or the held-out news set.

Three measures, printed as JSON:

1. ``ablation``: the 26 learn articles scored (event-level F1 and F1 with casualties on the
   right event, as ``score_news``) with every rule, and with each rule switched off.
2. ``rule_cv``: leave-one-article-out over the rules' authoring. A rule was written from the
   errors of the articles it changes; held out, an article keeps a rule only if the rule also
   helps at least one *other* learn article (one that would have motivated it without the held
   out article). Rules supported by one article only are switched off for that article.
3. ``learned_cv``: the learned alternative tried first, two small logistic models over general
   row features (no words of a text): "is this later row the same event as an earlier one"
   (pairs) and "is this row a reported event" (rows), trained on 25 articles and applied to the
   26th, for a few regularisation strengths; reported against the rules alone.

    .venv/bin/python scripts/study_news_rows.py [--skip-learned]
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import re
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEVER = re.compile(r"(?!x)x")


def learn_docs():
    from jervis.text.goldsets import read_news

    docs = read_news(ROOT / "tests/fixtures/news-dev/gold.jsonl")
    docs += [d for d in read_news(ROOT / "tests/fixtures/news-dev2/gold.jsonl") if d.split == "learn"]
    return docs


def _switches():
    """Each rule of the round and how to switch it off (monkeypatching the modules)."""
    coref = importlib.import_module("jervis.text.coref")
    ex = importlib.import_module("jervis.text.extract")
    numbers = importlib.import_module("jervis.text.numbers")
    toll_entry = next(e for e in numbers.STANDALONE if "{1,24}" in e[1].pattern)

    def toll_phrase(on: bool) -> None:
        if on and toll_entry not in numbers.STANDALONE:
            numbers.STANDALONE.append(toll_entry)
        if not on and toll_entry in numbers.STANDALONE:
            numbers.STANDALONE.remove(toll_entry)
        numbers._standalone.cache_clear()

    saved = {"placed": coref.placed_to_the_day, "later": coref.LATER_TOLL_DAYS,
             "toll_of": coref._toll_of, "claim": ex._CLAIM_AND_BEFORE, "clause": ex._CLAUSE_PENALTY,
             "armed": ex._GENERIC_ARMED, "date": ex._DATE_WORD, "own": ex._own_target}  # fmt: skip
    return {
        "week/month/year rows": lambda on: setattr(
            coref, "placed_to_the_day", saved["placed"] if on else (lambda events: events)),
        "later casualty report joins": lambda on: setattr(
            coref, "LATER_TOLL_DAYS", saved["later"] if on else -1),
        "toll-rose row joins its attack": lambda on: setattr(
            coref, "_toll_of", saved["toll_of"] if on else (lambda row, events: None)),
        "toll-from-X-rose-to-N count": toll_phrase,
        "said-it-struck-and-killed claim": lambda on: setattr(
            ex, "_CLAIM_AND_BEFORE", saved["claim"] if on else NEVER),
        "date ends its clause": lambda on: setattr(
            ex, "_CLAUSE_PENALTY", saved["clause"] if on else 0),
        "generic armed men": lambda on: setattr(ex, "_GENERIC_ARMED", saved["armed"] if on else NEVER),
        "date word actor": lambda on: setattr(ex, "_DATE_WORD", saved["date"] if on else NEVER),
        "victims' own noun actor": lambda on: setattr(
            ex, "_own_target", saved["own"] if on else (lambda values: False)),
    }


def per_article(docs) -> list[tuple[int, int, int, int]]:
    """(found, extracted, gold, found with casualties right) per article."""
    from jervis.text import evaluate as ev
    from jervis.text.extract import extract_text

    out = []
    for d in docs:
        preds = [p for p in extract_text(d.text, published=d.published, doc_id=d.doc_id)
                 if p.event in ev.DETECTED]  # fmt: skip
        pairs = ev._news_pairs(d, preds, strict=False)
        out.append((len(pairs), len(preds), len(d.events),
                    sum(ev._casualties_right(g, p) for g, p in pairs)))  # fmt: skip
    return out


def summary(rows) -> dict:
    tp, pred, gold, right = (sum(r[k] for r in rows) for k in range(4))
    return {"found": tp, "extracted": pred, "gold": gold, "casualties_right": right,
            "f1": round(2 * tp / (pred + gold), 3), "f1_casualties": round(2 * right / (pred + gold), 3)}  # fmt: skip


def _value(row) -> tuple[int, int]:
    """What a rule can change in one article: (2 * right - extracted, 2 * found - extracted),
    each the article's share of the numerator minus its share of the denominator."""
    found, pred, _, right = row
    return (2 * right - pred, 2 * found - pred)


def ablation_and_rule_cv(docs, switches: dict | None = None) -> dict:
    """``switches``: rule name -> function(on) (default: this round's rules)."""
    switches = _switches() if switches is None else switches
    full = per_article(docs)
    result = {"all rules": summary(full), "without": {}}
    support: dict[str, set[int]] = {}
    result["articles each rule hurts"] = {}
    for name, switch in switches.items():
        switch(False)
        rows = per_article(docs)
        switch(True)
        result["without"][name] = summary(rows)
        pairs = list(enumerate(zip(full, rows, strict=True)))
        support[name] = {k for k, (a, b) in pairs if _value(a) > _value(b)}
        result["articles each rule hurts"][name] = sorted(
            docs[k].doc_id for k, (a, b) in pairs if _value(a) < _value(b))
    result["articles each rule helps"] = {
        n: sorted(docs[k].doc_id for k in s) for n, s in support.items()}
    cv = []
    for k, doc in enumerate(docs):
        off = [n for n, s in support.items() if s and not (s - {k})]
        for name in off:
            switches[name](False)
        cv.extend(per_article([doc]))
        for name in off:
            switches[name](True)
    result["rule_cv"] = summary(cv)
    return result


# -- the learned alternative: features of rows and of pairs of rows --------------------------

def _bucket(n: int, edges: tuple[int, ...]) -> str:
    return next((str(e) for e in edges if n <= e), f">{edges[-1]}")


def row_features(coref, event, index: int, events: list, published: date) -> list[str]:
    v = event.values
    f = [f"prec={v.get('date_precision') or 'unknown'}", f"row={_bucket(index, (0, 1, 2))}",
         f"sent={_bucket(min(event.sentences), (0, 2, 5, 9))}",
         f"nsent={_bucket(len(event.sentences), (1, 2))}"]  # fmt: skip
    if isinstance(v.get("date"), date):
        f.append(f"age={_bucket((published - v['date']).days, (0, 1, 3, 7, 31))}")
    flags = {"cited": event.cited, "explicit": event.explicit_date, "definite": event.definite,
             "strong": event.strong, "toll": event.toll, "nomode": v.get("mode") is None,
             "actor": bool(v.get("actor_side")), "target": bool(v.get("target")),
             "killed": v.get("killed") is not None, "wounded": v.get("wounded") is not None,
             "fight": v.get("event") == "FIGHT", "place": bool(v.get("location"))}  # fmt: skip
    f += [n for n, on in flags.items() if on]
    earlier = events[:index]
    if any(coref._same_day(e.values, v) for e in earlier):
        f.append("sameday_earlier")
    if any(coref._fits(e, event) for e in earlier):
        f.append("fits_earlier")
    return f


def pair_features(coref, first, later) -> list[str]:
    a, b = first.values, later.values
    gap = (b["date"] - a["date"]).days if isinstance(a.get("date"), date) and isinstance(
        b.get("date"), date) else None  # fmt: skip
    f = [f"gap={'na' if gap is None else _bucket(gap, (-2, -1, 0, 1, 3))}",
         f"precs={a.get('date_precision')}/{b.get('date_precision')}",
         f"dist={_bucket(min(later.sentences) - max(first.sentences), (-1, 0, 1, 3))}"]  # fmt: skip
    flags = {
        "sameday": coref._same_day(a, b), "mode_same": a.get("mode") == b.get("mode") is not None,
        "mode_compat": coref._compatible_mode(a.get("mode"), b.get("mode")),
        "place_compat": coref._compatible_place(a, b), "opposed": coref._opposed(a, b),
        "actor_same": bool(a.get("actor_side")) and a.get("actor_side") == b.get("actor_side"),
        "b_cited": later.cited, "b_definite": later.definite, "b_toll": later.toll,
        "b_explicit": later.explicit_date, "a_explicit": first.explicit_date,
        "b_counts": b.get("killed") is not None or b.get("wounded") is not None,
        "a_counts": a.get("killed") is not None or a.get("wounded") is not None,
        "fight": "FIGHT" in (a.get("event"), b.get("event")),
    }  # fmt: skip
    return f + [n for n, on in flags.items() if on]


def fit_logistic(features: list[list[str]], y: list[int], c: float) -> dict:
    """L2 logistic regression by Newton's method (NumPy), in the shipped models' JSON shape."""
    import numpy as np

    vocab = {f: k for k, f in enumerate(sorted({f for fs in features for f in fs}))}
    x = np.zeros((len(features), len(vocab) + 1))
    x[:, -1] = 1.0
    for i, fs in enumerate(features):
        for f in fs:
            x[i, vocab[f]] = 1.0
    target = np.asarray(y, float)
    w = np.zeros(x.shape[1])
    penalty = np.r_[np.full(len(vocab), 1.0 / c), 1e-6]
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - target) + penalty * w
        hess = x.T @ (x * (p * (1 - p))[:, None]) + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return {"name": "study", "classes": ["yes"], "bias": [float(w[-1])], "threshold": 0.5,
            "weights": {f: [float(w[k])] for f, k in vocab.items()}}  # fmt: skip


def _overlap(a, b) -> int:
    return sum(max(0, min(y1, y2) - max(x1, x2)) for x1, y1 in a for x2, y2 in b)


def learned_cv(docs, strengths=(0.3, 1.0, 3.0)) -> dict:
    """Leave-one-article-out CV of the pair and row models on top of the rules."""
    from jervis.text import evaluate as ev
    from jervis.text.classifier import from_dict

    coref = importlib.import_module("jervis.text.coref")
    ex = importlib.import_module("jervis.text.extract")
    captured = {}
    reconcile = coref.reconcile

    def capture(events, published):
        out = reconcile(events, published)
        captured["events"] = copy.deepcopy(out)
        return out

    coref.reconcile = capture
    items = []
    for d in docs:
        captured.clear()
        ex.extract_text(d.text, published=d.published, doc_id=d.doc_id)
        items.append((d, captured.get("events", []), date.fromisoformat(d.published)))
    coref.reconcile = reconcile

    def rows_of(d, events):
        return [p for p in (ex._finish(d.text, copy.deepcopy(e), n, d.doc_id, None)
                            for n, e in enumerate(events, 1)) if p.event in ev.DETECTED]  # fmt: skip

    def gold_of(d, event):
        best = max(range(len(d.events)), default=None,
                   key=lambda g: _overlap(event.evidence, d.events[g].spans.get("evidence") or []))
        if best is None or not _overlap(event.evidence, d.events[best].spans.get("evidence") or []):
            return None
        return best

    def pair_data(train):
        x, y = [], []
        for d, events, _ in train:
            labels = [gold_of(d, e) for e in events]
            for j in range(len(events)):
                for i in range(j):
                    x.append(pair_features(coref, events[i], events[j]))
                    y.append(int(labels[i] is not None and labels[i] == labels[j]))
        return x, y

    def row_data(train):
        x, y = [], []
        for d, events, pub in train:
            preds = rows_of(d, events)
            paired = {id(p) for _, p in ev._news_pairs(d, preds, strict=False)}
            kept = [e for e in events if e.values.get("event") in ev.DETECTED]
            for i, (e, p) in enumerate(zip(kept, preds, strict=True)):
                if i:
                    x.append(row_features(coref, e, i, kept, pub))
                    y.append(int(id(p) in paired or gold_of(d, e) is not None))
        return x, y

    def apply(events, pub, pair_model, row_model):
        events = copy.deepcopy(events)
        if pair_model is not None:
            kept = []
            for e in events:
                best = max(kept, default=None, key=lambda k: pair_model.probability(
                    pair_features(coref, k, e)))  # fmt: skip
                if best is not None and pair_model.predict(pair_features(coref, best, e)):
                    coref._combine(best, e)
                else:
                    kept.append(e)
            events = kept
        if row_model is not None:
            events = [e for i, e in enumerate(events)
                      if i == 0 or row_model.predict(row_features(coref, e, i, events, pub))]  # fmt: skip
        return events

    def score(results):
        rows = []
        for d, preds in results:
            pairs = ev._news_pairs(d, preds, strict=False)
            rows.append((len(pairs), len(preds), len(d.events),
                         sum(ev._casualties_right(g, p) for g, p in pairs)))  # fmt: skip
        return summary(rows)

    out = {"rules alone": score([(d, rows_of(d, e)) for d, e, _ in items])}
    x, y = pair_data(items)
    xr, yr = row_data(items)
    out["examples"] = {"pairs": len(y), "same event": sum(y), "rows after the first": len(yr),
                       "reported": sum(yr)}  # fmt: skip
    for c in strengths:
        for use_pair, use_row in ((True, False), (False, True), (True, True)):
            results = []
            for k, (d, events, pub) in enumerate(items):
                train = items[:k] + items[k + 1 :]
                pm = from_dict(fit_logistic(*pair_data(train), c)) if use_pair else None
                rm = from_dict(fit_logistic(*row_data(train), c)) if use_row else None
                results.append((d, rows_of(d, apply(events, pub, pm, rm))))
            name = "+".join(n for n, on in (("pairs", use_pair), ("rows", use_row)) if on)
            out[f"{name}, C={c}"] = score(results)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-learned", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    docs = learn_docs()
    report = {"articles": len(docs), **ablation_and_rule_cv(docs)}
    if not args.skip_learned:
        report["learned_cv"] = learned_cv(docs)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
