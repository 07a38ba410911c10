"""The canonical reader takes a JSON array of event objects as it takes JSON Lines: streamed,
each element a row numbered from 1 as JSONL's lines are, a bad element quarantined with its
number and nothing lost (read = stored + quarantined + duplicates). The array and its JSONL
twin give the same store."""

from __future__ import annotations

import json
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.test_cli_errors import cli
from tests.test_fuzz import _CANONICAL_NAMES, _JSON_VALUES, small

import jervis
from jervis.sources import base
from jervis.sources.canonical import CANONICAL
from jervis.store.engine import Engine
from jervis.store.ingest import ingest_counts
from jervis.store.inspect import quarantined

GOOD = {"date": "2020-03-11", "event": "ASSAULT", "actor": "Kataib Hezbollah", "target": "USAMIL",
        "country": "IRQ", "killed": 3, "source_id": "a"}  # fmt: skip


def _store(paths: list[Path], db: Path) -> tuple[list, list, list]:
    """Per-file counts, the stored events (without their ids) and the quarantine's (file, line)."""
    counts = ingest_counts(paths, db=db, format="jervis")
    files = [{k: v for k, v in f.items() if k not in ("path", "format", "lines")} for f in counts.files]
    assert counts.read == counts.stored + counts.quarantined + counts.duplicates
    events = jervis.events(Engine(db=db)).drop(columns=["event_id"])
    events = sorted(map(tuple, events.astype(str).to_numpy().tolist()))
    rows = sorted((Path(r["source_file"]).stem, r["line"]) for r in quarantined(db, limit=10_000))
    return files, events, rows


def _array(elements: list[str], indent: str) -> str:
    return "[" + indent + ("," + indent).join(elements) + indent + "]"


def _frames(path: Path) -> list[dict]:
    frames = list(CANONICAL.read(path))
    rows = [r for f in frames for r in f.to_dict("records")]
    return [{k: v for k, v in r.items() if v == v and v is not None} for r in rows]  # NaN: absent


_ELEMENTS = st.one_of(
    st.dictionaries(st.sampled_from(_CANONICAL_NAMES), _JSON_VALUES, max_size=6).map(json.dumps),
    st.fixed_dictionaries({"date": st.sampled_from(["2020-01-01", "2020-13-01", "yesterday"]),
                           "event": st.sampled_from(["ASSAULT", "FIGHT", "nothing"]),
                           "actor": st.sampled_from(["A", "B", "A"])}).map(json.dumps),  # fmt: skip
    _JSON_VALUES.map(json.dumps),
    st.sampled_from(['{"date": "2020-01-01", "event": }', '{"date": [1, 2', "nul", '"\\x"', "{}}"]),
)
_INDENTS = st.sampled_from(["", "\n", "\n  ", " "])


def _balanced(elements: list[str]) -> list[str]:
    """Elements whose brackets close: an unclosed one runs to the end of the array, and takes
    its "]" (test_array_edges_reconcile), so its text is not its JSONL line's."""
    def closes(e: str) -> bool:
        try:
            json.loads(e)
            return True
        except ValueError:
            return e.count("[") == e.count("]") and e.count("{") == e.count("}")

    return [e for e in elements if closes(e)] or ["1"]


@small(40)
@given(elements=st.lists(_ELEMENTS, min_size=1, max_size=8), indent=_INDENTS, block=st.sampled_from([1, 3, 1 << 20]))
def test_an_array_reads_as_its_jsonl(tmp_path_factory, elements, indent, block):
    """Reader level (cheap, many examples): the same rows, numbered alike, the same errors."""
    folder = tmp_path_factory.mktemp("array")
    elements = _balanced(elements)
    array, lines = folder / "events.json", folder / "events.jsonl"
    array.write_text(_array(elements, indent))
    lines.write_text("\n".join(elements) + "\n")
    with patch.object(base, "_BLOCK", block):  # elements, strings and escapes across blocks
        got = _frames(array)
    want = _frames(lines)
    assert [r["_line"] for r in got] == list(range(1, len(elements) + 1))
    for a, b in zip(got, want, strict=True):
        a["_error"] = a.get("_error", "").replace("an array element", "a JSON line") or None
        assert {k: v for k, v in a.items() if v is not None} == {k: v for k, v in b.items() if v is not None}


@small(2)
@given(files=st.lists(st.tuples(st.lists(_ELEMENTS, min_size=1, max_size=8), _INDENTS), min_size=6, max_size=8))
def test_arrays_and_their_jsonl_give_the_same_store(tmp_path_factory, files):
    """Store level (an ingest costs ~0.5 s: few examples, several files each): the same counts
    per file, the same events, each bad element quarantined under its number."""
    folder = tmp_path_factory.mktemp("arrays")
    arrays, jsonl = [], []
    for k, (elements, indent) in enumerate(files):
        elements = _balanced(elements)
        arrays.append(folder / f"f{k}.json")
        arrays[-1].write_text(_array(elements, indent))
        jsonl.append(folder / f"f{k}.jsonl")
        jsonl[-1].write_text("\n".join(elements) + "\n")
    a, b = _store(arrays, folder / "a.duckdb"), _store(jsonl, folder / "b.duckdb")
    assert [f["read"] for f in a[0]] == [len(_balanced(e)) for e, _ in files]
    assert a == b


def test_a_pretty_printed_array_with_bad_elements(tmp_path):
    path = tmp_path / "export.json"
    elements = [GOOD, "not an event", {**GOOD, "source_id": "b", "date": "2020-02-30"},
                {**GOOD, "source_id": "c", "colour": "red"}, {**GOOD, "source_id": "d"}]  # fmt: skip
    text = json.dumps(elements, indent=2)
    text = text.replace('"source_id": "d"', '"source_id": "d",, "x"', 1)  # a syntax error in element 5
    path.write_text("\ufeff" + text + "\n\n", encoding="utf-8")
    counts = jervis.ingest([path], db=tmp_path / "j.duckdb")
    assert (counts["read"], counts["stored"], counts["quarantined"]) == (5, 1, 4)
    bad = quarantined(tmp_path / "j.duckdb")
    assert [r["line"] for r in bad] == [2, 3, 4, 5]
    assert "must be an object" in bad[0]["reason"] and "colour" in bad[2]["reason"]
    assert "not valid JSON" in bad[3]["reason"] and '\\"x\\"' in bad[3]["raw"]


@pytest.mark.parametrize(("text", "expected"), [
    ("[]", (0, 0)), ("  [ ]\n", (0, 0)),
    ('[{"date": "2020-03-11", "event": "ASSAULT"}', (1, 0)),  # no closing bracket: read, not lost
    ('[{"date": "2020-03-11", "event": "ASSAULT"}, {"date": "2020-03-1', (2, 1)),  # cut short
    ('[{"date": "2020-03-11", "event": "ASSAULT"}] trailing', (2, 1)),  # text after the array
])  # fmt: skip
def test_array_edges_reconcile(tmp_path, text, expected):
    path = tmp_path / "events.json"
    path.write_text(text)
    counts = jervis.ingest([path], db=tmp_path / "j.duckdb", format="jervis")
    assert (counts["read"], counts["quarantined"]) == expected
    assert counts["read"] == counts["stored"] + counts["quarantined"] + counts["duplicates"]


def test_cli_ingests_an_array_by_sniffing(capsys, tmp_path):
    path = tmp_path / "events.json"
    path.write_text(json.dumps([GOOD, {**GOOD, "source_id": "b"}]))
    code, out, err = cli(capsys, "ingest", str(path), "--db", str(tmp_path / "j.duckdb"), "--json")
    assert code == 0, err
    assert json.loads(out)["stored"] == 2
