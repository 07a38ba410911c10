"""Acceptance 2 on the dev sets (fixtures copied from the shared data, see their ATTRIBUTION.md).

PLOVER GSR: ASSAULT/FIGHT records positive, the rest negative. M2E2: Conflict:Attack sentences
positive, sentences with other event types negative, Life:Die-only sentences left out (see
jervis.text.goldsets). The thresholds are the issue's (detection F1 >= 0.85 on both, false
positives <= 5% of the negatives), so a change that makes things worse fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jervis.text import extract_texts
from jervis.text.goldsets import read_gold

FIXTURES = Path(__file__).parents[1] / "fixtures"
DETECTED = {"ASSAULT", "FIGHT"}

pytestmark = pytest.mark.slow


def _run(kind: str, path: Path):
    _, docs = read_gold(path, kind)
    results = extract_texts([(d.text, d.published, d.doc_id, None) for d in docs])
    return docs, [[e for e in evs if e.event in DETECTED] for evs in results]


def _detection(docs, preds):
    tp = sum(1 for d, p in zip(docs, preds, strict=True) if d.events and p)
    fn = sum(1 for d, p in zip(docs, preds, strict=True) if d.events and not p)
    neg = [p for d, p in zip(docs, preds, strict=True) if not d.events and not d.ambiguous]
    fp = sum(1 for p in neg if p)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return 2 * precision * recall / (precision + recall), fp / len(neg)


def test_plover_detection_counts_and_places():
    docs, preds = _run("plover", FIXTURES / "plover-gsr" / "PLOVER_GSR_CAMEO.txt")
    f1, fp_rate = _detection(docs, preds)
    assert f1 >= 0.85 and fp_rate <= 0.05
    counts = [(d.events[0], p) for d, p in zip(docs, preds, strict=True)
              if d.events and (d.events[0].killed is not None or d.events[0].wounded is not None)]  # fmt: skip
    exact = sum(
        1 for g, p in counts
        if any((g.killed is None or e.killed in g.killed)
               and (g.wounded is None or e.wounded in g.wounded) for e in p)
    )  # fmt: skip
    assert len(counts) >= 15 and exact / len(counts) >= 0.9
    placed = [(g, p) for d, p in zip(docs, preds, strict=True) for g in d.events[:1] if g.places]
    found = sum(1 for _, p in placed if any(e.country or e.location for e in p))
    assert found / len(placed) >= 0.8


def test_m2e2_detection_and_false_positive_rate():
    docs, preds = _run("m2e2", FIXTURES / "m2e2" / "text_only_event.compact.jsonl")
    f1, fp_rate = _detection(docs, preds)
    assert f1 >= 0.85 and fp_rate <= 0.05  # the acceptance 2
