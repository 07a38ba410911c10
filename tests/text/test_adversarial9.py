"""Adversarial round 9 on text input: ids that collided across runs, terminal escapes, numbers
read as a language, negative counts. Each failed before its fix."""

from __future__ import annotations

import re


def test_two_articles_of_one_file_name_in_separate_runs_are_two_events(tmp_path):
    from jervis.store.ingest import ingest_rows
    from jervis.text.extract import extract

    db = tmp_path / "s.duckdb"
    texts = {"a": "Rockets killed 2 in Baghdad on March 3, 2020.",
             "b": "A bomb killed 3 in Basra on March 4, 2020."}  # fmt: skip
    ids = []
    for folder, text in texts.items():
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(text)
        events = extract([tmp_path / folder / "story.txt"], published="2020-03-05", backend="rules")
        ids += [e.source_id for e in events]
        counts = ingest_rows([e.to_row() for e in events], "news", db=db)
        assert counts["stored"] == 1 and counts.get("updated", 0) == 0, counts  # b replaced a
    assert all(re.fullmatch(r"story-[0-9a-f]{8}#1", i) for i in ids), ids
    # the same article read again keeps its id: an update, not a second event
    again = extract([tmp_path / "a" / "story.txt"], published="2020-03-05", backend="rules")
    assert [e.source_id for e in again] == ids[:1]


def test_terminal_escape_sequences_are_not_read_as_text():
    from jervis.text.extract import extract_text

    text = "Rockets killed 2 soldiers\x1b[31m at Camp Taji on March 11, 2020.\x1b]0;title\x07\x1b[0m"
    (event,) = extract_text(text, published="2020-03-12")
    assert event.killed == 2 and event.location == "Camp Taji", event
    for value in event.to_row().values():
        assert not (isinstance(value, str) and ("[31m" in value or "\x1b" in value)), event.to_row()
    start, end = event.spans["place"]
    assert text[start:end] == "Camp Taji"  # spans still index the user's text


def test_a_file_of_numbers_is_not_given_a_language():
    from jervis.text.language import detect_language

    for numbers in (" ".join(f"{k}e{k}" for k in range(40)), " ".join(f"0x{k:x}" for k in range(100, 160))):
        assert detect_language(numbers) == "en", numbers[:30]  # were Spanish and Romanian
    # words beside numbers still count: a Spanish report with its figures stays Spanish
    assert detect_language("El ataque de 2020 dejó 5 muertos y 12 heridos en la ciudad, según "
                           "el ministerio, que no dio más detalles sobre los autores del ataque "
                           "ni sobre la hora en que se produjo.") == "es"  # fmt: skip


def test_a_negative_number_is_no_toll():
    from jervis.text.extract import extract_text

    for text in ("Rockets killed minus five people in Baghdad on March 3, 2020.",
                 "Rockets killed negative five people in Baghdad on March 3, 2020."):  # fmt: skip
        events = extract_text(text, published="2020-03-05")
        assert [e.killed for e in events] == [None], text  # was 5
    (event,) = extract_text("Rockets killed five people in Baghdad on March 3, 2020.", published="2020-03-05")
    assert event.killed == 5
