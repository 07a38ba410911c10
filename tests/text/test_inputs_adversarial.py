"""Article files under hostile input: what JSON allows inside a record (U+2028, escaped lone
surrogates), a byte-order mark, a text file that mentions "html", HTML nested deeper than
lxml parses. Every record is read once or reported once; nothing crashes the output."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_cli_errors import cli

from jervis.text.inputs import read_documents, read_file

FIXTURES = Path(__file__).parents[1] / "fixtures"
REPORT = "Militants attacked a checkpoint in Kirkuk, killing three police officers."


def test_line_separators_inside_a_json_string_stay_in_their_record(tmp_path):
    """JSON allows U+2028, U+2029 and U+0085 unescaped in a string; str.splitlines() cut the
    record there (two "bad records" for one good one, and the counts were off)."""
    path = tmp_path / "a.jsonl"
    records = [{"id": "a", "text": f"Rockets hit the base.{sep}{REPORT}"} for sep in ("\u2028", "\u2029", "\x85")]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    errors = []
    docs = read_documents([path], on_error=errors.append)
    assert not errors and [d.doc_id for d in docs] == ["a", "a", "a"]


def test_crlf_and_cr_line_ends_still_separate_records(tmp_path):
    for end in ("\r\n", "\r"):
        path = tmp_path / "b.jsonl"
        path.write_bytes(end.join(json.dumps({"id": k, "text": REPORT}) for k in "xyz").encode() + end.encode())
        assert [d.doc_id for d in read_documents([path])] == ["x", "y", "z"]


def test_a_byte_order_mark_does_not_cost_the_first_record(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_text(json.dumps({"id": "first", "text": REPORT}) + "\n", encoding="utf-8-sig")
    assert [d.doc_id for d in read_documents([path])] == ["first"]


def test_an_escaped_lone_surrogate_is_replaced_not_a_crash(capsys, tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "s\\udc00", "title": "\\ud800", "text": "' + REPORT[:9] + '\\ud800 ' + REPORT[9:] + '"}\n')
    doc = read_documents([path])[0]
    for value in (doc.text, doc.title, doc.doc_id):
        value.encode("utf-8")  # raised UnicodeEncodeError on output before
    code, out, err = cli(capsys, "extract", str(path), "--backend", "rules")
    assert code == 0 and "Traceback" not in err and out.strip()


def test_a_text_file_that_mentions_html_is_text(tmp_path):
    path = tmp_path / "notes.log"
    path.write_text(f'The site serves "html" pages. {REPORT}\n')
    assert [d.text.strip() for d in read_file(path)] == [f'The site serves "html" pages. {REPORT}']


def test_html_nested_deeper_than_lxml_parses_keeps_its_text(tmp_path):
    for depth in (300, 5000):
        path = tmp_path / f"deep{depth}.html"
        path.write_text("<html><body>" + "<div>" * depth + REPORT + "</div>" * depth + "</body></html>")
        (doc,) = read_file(path)
        assert REPORT in doc.text, depth


SEPARATORS = st.sampled_from(list("ab \t\r\"\\\u2028\u2029\x85\x0b\x1c\ufeff\u00e9"))


@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(texts=st.lists(st.one_of(st.text(SEPARATORS, max_size=20), st.text(max_size=20)), min_size=1, max_size=5))
def test_every_json_record_is_one_document(tmp_path_factory, texts):
    """Whatever the strings hold, n JSON records written one a line (unescaped, as
    json.dumps(ensure_ascii=False) writes them) are n documents."""
    path = tmp_path_factory.mktemp("jsonl") / "r.jsonl"
    path.write_text("\n".join(json.dumps({"id": str(k), "text": t}, ensure_ascii=False)
                              for k, t in enumerate(texts)) + "\n", encoding="utf-8")  # fmt: skip
    errors = []
    docs = read_documents([path], on_error=errors.append)
    assert not errors and [d.doc_id for d in docs] == [str(k) for k in range(len(texts))]


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(published=st.sampled_from([date.max, date.max - timedelta(days=3), date.min, date(1, 1, 2)]),
       words=st.lists(st.sampled_from(["yesterday", "tomorrow", "next", "last", "week", "on", "Monday",
                                       "two", "days", "ago", "later", "month", "in", "March"]),
                      min_size=1, max_size=6))  # fmt: skip
def test_a_publication_date_at_the_calendar_edge_dates_nothing_wrong(published, words):
    """"published": "9999-12-31" in a JSONL record: the check that an event is not after its
    report added a day to the publication date, past the calendar (OverflowError traceback)."""
    from jervis.text.dates import find_cues, resolve

    for cue in [None, *find_cues(" ".join(words))]:
        day, precision = resolve(cue, published)
        assert day is None or day - published <= timedelta(days=1)


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"])
def test_windows_and_old_mac_line_ends_read_as_before(tmp_path, newline):
    """Files are read as bytes (to name a PDF or a UTF-16 file): CRLF and CR still become LF, as
    reading in text mode made them, so a Windows article gives the same document."""
    seed = FIXTURES / "seed-article" / "rockets-slam-us-base.txt"
    unix = seed.read_bytes().replace(b"\r\n", b"\n")
    path = tmp_path / "windows.txt"
    path.write_bytes(unix.replace(b"\n", newline))
    (lf,) = read_file(seed)
    (other,) = read_file(path)
    assert other.text == lf.text and "\r" not in other.text
