"""Issue 9 item 12: a paragraph longer than spaCy's max_length no longer fails the run (E088)."""

from __future__ import annotations

from jervis.text.extract import extract_text
from jervis.text.pipeline import load_nlp


def test_item12_paragraph_over_max_length_is_chunked():
    nlp = load_nlp("rules")
    saved = nlp.max_length
    nlp.max_length = 20_000  # the same check as at 1,000,000 characters, at test size
    try:
        filler = "The weather stayed calm in the north that week. " * 600  # ~29,000 characters
        text = filler + "Rockets hit Camp Taji on Wednesday, killing two US soldiers. " + filler
        assert "\n" not in text and len(text) > nlp.max_length
        events = extract_text(text, published="2020-03-14")
    finally:
        nlp.max_length = saved
    assert [(str(e.to_row()["date"]), e.to_row()["mode"]) for e in events] == [("2020-03-11", "rocket")]
