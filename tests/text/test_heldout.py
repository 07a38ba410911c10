"""Scores on the test splits nothing was trained or tuned on (jervis.text.splits), at every change.

Fixtures are copies of the shared data (see each folder's ATTRIBUTION.md). The thresholds sit a
little below the scores measured on 2026-11-30 (docs/extraction.md), so a change that makes
things worse fails. Where a threshold is below the issue's target, the target is not met yet and
docs/extraction.md says so (RAMS detection, RAMS roles); the test then only guards against losing
ground.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jervis.text.evaluate import evaluate
from jervis.text.extract import extract_mentions

FIXTURES = Path(__file__).parents[1] / "fixtures"
M2E2 = FIXTURES / "m2e2" / "text_only_event.compact.jsonl"
RAMS = FIXTURES / "rams" / "test.jsonlines.gz"
PLOVER = FIXTURES / "plover-gsr" / "PLOVER_GSR_CAMEO.txt"
MUC4 = FIXTURES / "muc4" / "dev.json.gz"

pytestmark = pytest.mark.slow


def test_m2e2_test_split_attack_detection():
    mentions = evaluate(M2E2, "m2e2", extractor=extract_mentions, split="test", bootstrap=0)
    assert mentions.documents == 172 and mentions.f1 >= 0.85  # measured 0.895
    events = evaluate(M2E2, "m2e2", backend="spacy", split="test", bootstrap=0)
    assert events.f1 >= 0.85 and events.fp_rate <= 0.05  # measured 0.885, 3.6%
    assert events.fields["actor"].accuracy >= 0.55  # measured 0.64 (target 0.6)


def test_rams_test_split_is_scored_and_beats_the_keyword_rule():
    from jervis.text.baseline import extract_text as keyword

    mentions = evaluate(RAMS, "rams", extractor=extract_mentions, split="test", bootstrap=0)
    baseline = evaluate(RAMS, "rams", extractor=keyword, split="test", bootstrap=0)
    assert mentions.positives == 75 and mentions.negatives == 660
    assert mentions.f1 >= 0.55  # measured 0.59; the 0.85 is not met
    assert mentions.f1 > baseline.f1 + 0.2  # keyword rule 0.33


def test_plover_test_split_counts_exact():
    report = evaluate(PLOVER, "plover", backend="spacy", split="test", bootstrap=0)
    assert report.f1 >= 0.75  # measured 0.80 (7 positives)
    killed = report.fields["killed"]
    assert killed.scored >= 2 and killed.correct == killed.scored


def test_muc4_test_documents_roles():
    report = evaluate(MUC4, "muc4", backend="spacy", split="test", bootstrap=0)
    assert report.documents == 200
    assert report.fields["actor"].accuracy >= 0.4  # measured 0.48
    assert report.fields["target"].accuracy >= 0.45  # measured 0.55


def test_muc4_casualty_sentences_counts_exact():
    """60 MUC-4 test sentences annotated by hand (tests/fixtures/muc4/casualties.json)."""
    report = evaluate(MUC4.parent / "casualties.json", "seed", backend="spacy", bootstrap=0)
    killed, wounded = report.fields["killed"], report.fields["wounded"]
    exact = (killed.correct + wounded.correct) / (killed.scored + wounded.scored)
    assert killed.scored >= 10 and exact >= 0.8  # measured 15/17 (see docs/extraction.md)
    words = evaluate(MUC4.parent / "casualties.json", "seed", backend="rules", bootstrap=0)
    assert words.fields["killed"].correct < killed.correct  # the parse is what reads them
