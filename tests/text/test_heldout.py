"""Scores on the test splits nothing was trained or tuned on (jervis.text.splits), at every change.

Fixtures are copies of the shared data (see each folder's ATTRIBUTION.md). The thresholds sit a
little below the scores measured on 2026-11-30 in the second round (docs/extraction.md), so a
change that makes things worse fails. Where a threshold is below the issue's target, the target
is not met and docs/extraction.md says so (MUC-4 roles, the blind MUC-4 casualty sample); the
test then only guards against losing ground. RAMS at the triggers was re-measured once after
the trigger classifier's fifth round (detect6, docs/extraction.md) and now holds the target.
"""

from __future__ import annotations

import functools
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
    assert mentions.documents == 172 and mentions.f1 >= 0.88  # measured 0.929
    events = evaluate(M2E2, "m2e2", backend="spacy", split="test", bootstrap=0)
    assert events.f1 >= 0.9 and events.fp_rate <= 0.03  # measured 0.941, 0%
    assert events.fields["actor"].accuracy >= 0.55  # measured 0.63 (0.57 without the roles round; target 0.6)
    assert events.fields["target"].accuracy >= 0.7  # measured 0.74 (0.78 before datelines were blanked)


def test_rams_test_split_at_the_triggers_and_by_sentence():
    from jervis.text.baseline import extract_text as keyword

    @functools.cache
    def mentions(text, **_):  # one extraction per passage for both units
        return tuple(extract_mentions(text))

    def run(extractor, unit):
        return evaluate(RAMS, "rams", extractor=lambda t, **kw: list(extractor(t)), split="test",
                        bootstrap=0, unit=unit)  # fmt: skip

    sentences, triggers = run(mentions, None), run(mentions, "trigger")
    assert sentences.positives == 75 and sentences.negatives == 660
    assert sentences.f1 >= 0.57  # measured 0.604 (0.616 before detect6; the trigger's sentence)
    assert triggers.f1 >= 0.85  # measured 0.878 (the target); 0.845 before detect6
    assert triggers.f1 > run(keyword, "trigger").f1 + 0.4  # keyword rule 0.256
    assert sentences.f1 > run(keyword, None).f1 + 0.2  # keyword rule 0.331


def test_plover_test_split_counts_exact():
    report = evaluate(PLOVER, "plover", backend="spacy", split="test", bootstrap=0)
    assert report.f1 >= 0.75  # measured 0.80 (7 positives)
    killed = report.fields["killed"]
    assert killed.scored >= 2 and killed.correct == killed.scored


def test_muc4_test_documents_roles():
    report = evaluate(MUC4, "muc4", backend="spacy", split="test", bootstrap=0)
    assert report.documents == 200
    assert report.fields["actor"].accuracy >= 0.52  # measured 0.605 (52/86, roles9; 0.59 before; target 0.6)
    assert report.fields["target"].accuracy >= 0.52  # measured 0.58 (target 0.6)


def test_muc4_casualty_sentences_counts_exact():
    """60 MUC-4 test sentences annotated by hand (tests/fixtures/muc4/casualties.json)."""
    report = evaluate(MUC4.parent / "casualties.json", "seed", backend="spacy", bootstrap=0)
    killed, wounded = report.fields["killed"], report.fields["wounded"]
    exact = (killed.correct + wounded.correct) / (killed.scored + wounded.scored)
    assert killed.scored >= 10 and exact >= 0.8  # measured 15/17 (see docs/extraction.md)
    words = evaluate(MUC4.parent / "casualties.json", "seed", backend="rules", bootstrap=0)
    assert words.fields["killed"].correct < killed.correct  # the parse is what reads them


def test_muc4_blind_casualty_sentences():
    """A second sample, annotated before the extractor ran on it (casualties_blind2.json)."""
    path = MUC4.parent / "casualties_blind2.json"
    report = evaluate(path, "seed", backend="spacy", bootstrap=0)
    killed, wounded = report.fields["killed"], report.fields["wounded"]
    assert (killed.scored, wounded.scored) == (17, 9)
    exact = (killed.correct + wounded.correct) / (killed.scored + wounded.scored)
    assert exact >= 0.85  # 20/26 = 0.77 when it was blind; 24/26 after the fourth round's
    # count rules (no longer blind: two of its documented misses are among the rules' cases)
    words = evaluate(path, "seed", backend="rules", bootstrap=0)
    assert words.fields["killed"].correct + words.fields["wounded"].correct < (
        killed.correct + wounded.correct)  # word order alone reads 19/26


def test_muc4_third_blind_casualty_sample():
    """A third sample (casualties_blind3.json), committed before the fourth round's count rules:
    33/36 before them, 35/36 after (docs/extraction.md)."""
    path = MUC4.parent / "casualties_blind3.json"
    report = evaluate(path, "seed", backend="spacy", bootstrap=0)
    killed, wounded = report.fields["killed"], report.fields["wounded"]
    assert (killed.scored, wounded.scored) == (21, 15)
    assert (killed.correct + wounded.correct) / (killed.scored + wounded.scored) >= 0.9
