"""The Arrow validator against the pandas validator it replaced (tests/reference/).

Same input, same output: the rows stored (every value, event id and content hash), the rows
quarantined (line, reason, raw row and its hash, as the store keeps them) and the occurrence
counts behind hash-based ids. Checked on batches made up to hit every rule and spelling, on the
real fixture files through every reader, and on damaged copies of them (the fuzz corpus). Where
the old validator crashed (a traceback), the new one must not.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.reference import validate_pandas as reference
from tests.reference.gdelt_lines import GDELT as REFERENCE_GDELT
from tests.test_fuzz import MAPPING, REAL, mutated

from jervis.sources import detect_reader
from jervis.sources.gdelt import GDELT
from jervis.sources.mapping import load_mapping
from jervis.store.actors import ActorDictionary
from jervis.store.schema import COLUMNS, INT_COLUMNS
from jervis.store.validate import check_batch

ACTORS = ActorDictionary.load()
SETTINGS = settings(deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])  # fmt: skip


def _stored_raw(raw: object) -> tuple[str, str]:
    """What the store kept of a raw row before: text with escapes, SHA-1 over the text as is."""
    text = "" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw)
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
    return text.encode("utf-8", "backslashreplace").decode("utf-8"), digest


def assert_same_checks(old_batch, new_batch, dataset: str = "test") -> None:
    old_seen: Counter[str] = Counter()
    new_seen: Counter[str] = Counter()
    try:
        old = reference.check_batch(old_batch, source_dataset=dataset, actors=ACTORS, occurrences=old_seen)
    except Exception:  # noqa: BLE001 - the old validator crashed: the new one must not
        check_batch(new_batch, source_dataset=dataset, actors=ACTORS, occurrences=new_seen)
        return
    new = check_batch(new_batch, source_dataset=dataset, actors=ACTORS, occurrences=new_seen)
    assert new.good.schema == old.good.schema
    assert new.good.to_pylist() == old.good.to_pylist()
    expected = []
    for line, reason, raw in zip(old.bad["line"], old.bad["reason"], old.bad["raw"], strict=True):
        text, digest = _stored_raw(raw)
        expected.append((int(line), reason.encode("utf-8", "backslashreplace").decode("utf-8"), text, digest))
    got = [(r["line"], r["reason"], r["raw"], r["raw_hash"] or hashlib.sha1(r["raw"].encode()).hexdigest())
           for r in new.bad.to_pylist()]  # fmt: skip
    assert got == expected
    assert new_seen == old_seen


# ---- made-up batches ---------------------------------------------------------------------------
_ANY = ["", " ", "NA", "n/a", "None", "nan", "NaN", "null", "\x00x", "x\udcff", "\ud800", "ﬁght", "ß", "ǅ", "İ"]
_NUMBERS = ["0", "-0", "-0.0", "00", "3", "-1", "2.5", "1e5", "+5", ".5", "5.", "1_000", "0x10", "١٢", "inf", "-inf",
            "nAn", "1e400", "33.3386", "-77.0364", "91", "-180.5", "2147483647", "2147483648", "32767", "32768",
            "99999999999999999999", "123456789012345678", "1234567890.12345", "0.30000000000000004", "7 "]
_VALUES = {
    "date": ["2020-01-01", "2020-02-29", "2019-02-29", "2020-02-30", "2020-13-01", "2020-00-10", "1677-09-21",
             "1677-09-22", "1678-01-01", "2261-12-31", "2262-04-11", "2262-04-12", "1500-01-01", "0000-01-01",
             "2020-1-5", " 2020-03-11 ", "２０２０-01-01", "2020-W01-1", "20200101", "2020-01-01T00:00", "NaT"],
    "time": ["12:30", "12:30:00", "23:59:59", "24:00:00", "25:00", "1230", "12:30:60", "12:3", "١٢:٣٠", " 07:05 "],
    "date_precision": ["day", "DAY", "Week", "month", "YEAR", "time", "unknown", "bogus", "Tİme"],
    "event": ["ASSAULT", "fight", "Fight ", "ﬁght", "PROTEST", "Bogus", "coerce", "ſupport"],
    "mode": ["rocket", "AIR_STRIKE", "Ied", "armed_clash", "bogus", "K"],
    "country": ["IRQ", "irq", "Iraq", "IQ", "GBR", "ıRQ", "ǆaa", "A1C"],
    "actor": ["Kataib Hezbollah", "US Army", "Unknown", "Iraqi Army", "X"],
    "actor_raw": ["USAMIL|UNITED STATES", "|", "REB|", "|IRAQ", "Islamic State", "kataib hezbollah",
                  "foreign troops", "REB|MILITIA"],
    "target": ["US military", "Iraqi Army", "Civilians", "the coalition"],
    "target_raw": ["IRQ|IRAQ", "USA|", "civilians", "Coalition forces", "militia (suspected)"],
    "actor_side": ["A", "B", "a"],
    "target_side": ["A", "B"],
    "event_id": ["e1", "e2", "e1", " e3 "],
    "source_id": ["1", "2", "1", "907212001"],
    "source_dataset": ["acled", "gdelt", "Other"],
    "latitude": _NUMBERS,
    "longitude": _NUMBERS,
    "geo_precision": _NUMBERS,
    "killed": _NUMBERS,
    "wounded": _NUMBERS,
    "civilians_killed": _NUMBERS,
    "confidence": ["0", "1", "0.5", "1.5", "-0.1", "abc"],
}
# Values every check accepts, in many spellings (so stored rows, ids and hashes are compared too).
_GOOD_NUMBERS = ["0", "-0", "00", "3", "7 ", "1e1", "+5", "5.", "2147483647", "32767", "1234567890"]
_GOOD = {
    "date": ["2020-01-01", "2020-02-29", "1678-01-01", "2261-12-31", "1677-09-22", "2262-04-11", "2020-1-5",
             " 2020-03-11 ", "２０２０-01-01", "2013-06-30", "2022-01-01"],
    "time": ["12:30", "12:30:00", "23:59:59", " 07:05 ", None],
    "date_precision": ["day", "DAY", "Week", "time", None],
    "event": ["ASSAULT", "fight", "Fight ", "ﬁght", "PROTEST", "coerce"],
    "mode": ["rocket", "AIR_STRIKE", "Ied", None],
    "country": ["IRQ", "irq", "gbr", "SYR", None],
    # scoped aliases (docs/actors.md): in and out of their countries and years
    "actor_raw": ["foreign troops", "REB|MILITIA", "MILITIA|", "Militias", "x", None],
    "target_raw": ["the Coalition", "coalition forces (US-led)", "IRQMIL|IRAQ", "x", None],
    "latitude": ["33.3386", "-0", "0", "45", "-89.999999", "1e1", "+5", "0.30000000000000004"],
    "longitude": ["44.3939", "-77.0364", "0", "-0.0", "179.5", "1e1", "+5", "12345678901.2345"],
    "geo_precision": _GOOD_NUMBERS[:8] + ["32767"],
    "confidence": ["0", "1", "0.5", ".25", "-0", None],
}
_OBJECTS = st.one_of(st.none(), st.just(float("nan")), st.integers(-(2**65), 2**65), st.booleans(),
                     st.floats(allow_nan=True), st.just(pd.Timestamp("2020-01-02")))  # fmt: skip


@st.composite
def batches(draw) -> pd.DataFrame:
    """A batch as a reader hands it over: canonical columns with odd values, _line/_error/_raw."""
    rows = draw(st.integers(0, 12))
    names = draw(st.lists(st.sampled_from(list(COLUMNS)), unique=True, min_size=1, max_size=12))
    for required in ("date", "event"):
        if required not in names and draw(st.booleans()):
            names.append(required)
    frame = pd.DataFrame(index=range(rows))
    for name in names:
        words = _VALUES.get(name, ["x", "Kataib Hezbollah", "https://example.org/a"]) + _ANY
        kind = draw(st.sampled_from(["text", "text", "mixed", "typed"]))
        if kind == "typed" and name == "date":
            frame[name] = pd.to_datetime(draw(st.lists(st.sampled_from(["2020-01-01", "2021-06-30 13:00", None]),
                                                       min_size=rows, max_size=rows)), format="ISO8601")  # fmt: skip
        elif kind == "typed" and name in ("latitude", "longitude", "killed", "confidence", "geo_precision"):
            values = draw(st.lists(st.one_of(st.none(), st.floats(-200, 200), st.integers(-5, 40000)),
                                   min_size=rows, max_size=rows))  # fmt: skip
            frame[name] = pd.Series(values, dtype="float64")
        else:
            cell = st.sampled_from(words) | st.text(max_size=8) if kind == "text" else st.sampled_from(words) | _OBJECTS
            frame[name] = pd.Series(draw(st.lists(cell, min_size=rows, max_size=rows)), dtype=object)
    for row in range(rows):  # most rows pass every check
        if draw(st.integers(0, 9)) < 6:
            for name in names:
                if name in ("latitude", "longitude") and frame[name].dtype == object:
                    continue  # both or neither: set together below
                words = _GOOD.get(name, _GOOD_NUMBERS if name in INT_COLUMNS else ["x", "Kataib Hezbollah", None])
                if frame[name].dtype == object:
                    frame.at[row, name] = draw(st.sampled_from(words))
            if {"latitude", "longitude"} <= set(names) and frame["latitude"].dtype == frame["longitude"].dtype == object:
                pair = draw(st.sampled_from([(None, None), ("33.3", "44.4"), ("-0", "0"), ("1e1", "+5")]))
                frame.at[row, "latitude"], frame.at[row, "longitude"] = pair
    if draw(st.booleans()):
        frame["_line"] = range(1, rows + 1)
    if draw(st.booleans()):
        frame["_error"] = draw(st.lists(st.none() | st.sampled_from(["expected 3 fields, found 2", "bad \udce9"]),
                                        min_size=rows, max_size=rows))  # fmt: skip
    if draw(st.booleans()):
        frame["_raw"] = draw(st.lists(st.none() | st.sampled_from(['{"a": 1}', "x\udcff", "\x00"]) | st.text(max_size=5),
                                      min_size=rows, max_size=rows))  # fmt: skip
    return frame


@settings(SETTINGS, max_examples=100)
@given(frame=batches())
def test_same_checks_on_made_up_batches(frame):
    assert_same_checks(frame.copy(), frame.copy())


# ---- files through the readers ----------------------------------------------------------------
def _reader_batches(path: Path, options: dict) -> list[tuple[object, object]] | None:
    """(old input, new input) per batch: the same DataFrame, or for GDELT the old reader's
    DataFrame and the new reader's ArrowBatch (the pair the ingest used then and uses now)."""
    try:
        reader = detect_reader(path, mapping=options.get("mapping"))
        if reader is GDELT:
            try:
                old = list(REFERENCE_GDELT.read(path))
            except Exception:  # noqa: BLE001 - the old reader failed on this file
                return None
            return list(zip(old, GDELT.read_arrow(path), strict=True))
        frames = list(reader.read(path, **options))
    except Exception:  # noqa: BLE001 - a file no reader can read (the ingest says why): no batch
        return None
    return [(f, f.copy()) for f in frames]


def _check_file(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    options = {"mapping": load_mapping(MAPPING)} if path.name == "events.csv" else {}
    pairs = _reader_batches(path, options)
    for old, new in pairs or []:
        assert_same_checks(old, new)


@pytest.mark.parametrize("name", sorted(REAL))
def test_same_checks_on_the_real_files(tmp_path, name):
    _check_file(tmp_path / name, REAL[name])


@settings(SETTINGS, max_examples=60)
@given(name=st.sampled_from(sorted(REAL)), st_data=st.data())
def test_same_checks_on_damaged_files(tmp_path_factory, name, st_data):
    data = st_data.draw(mutated(REAL[name]))
    _check_file(tmp_path_factory.mktemp("mut") / name, data)


def test_gdelt_statements_and_hashes_at_batch_scale(tmp_path):
    """A full GDELT batch (25,000 lines of the real file, ids changed) through both paths."""
    lines = REAL["gdelt.export.CSV"].splitlines(keepends=True)
    rows = [lines[i % len(lines)].replace(b"9072", str(10**6 + i).encode(), 1) for i in range(25_000)]
    path = tmp_path / "big.export.CSV"
    path.write_bytes(b"".join(rows))
    (old,), (new,) = list(REFERENCE_GDELT.read(path)), list(GDELT.read_arrow(path))
    assert_same_checks(old, new, "gdelt")


def test_the_hash_is_pandas_hash(tmp_path):
    """row_hash is still pandas.util.hash_pandas_object over the typed row (stores stay valid)."""
    frame = pd.DataFrame({"date": ["2020-01-01", "2020-01-02"], "event": ["FIGHT", "ASSAULT"],
                          "latitude": ["33.3", None], "longitude": ["44.4", None], "killed": ["3", None]})  # fmt: skip
    good = check_batch(frame, source_dataset="x", actors=ACTORS, occurrences=Counter()).good.to_pandas()
    content = good[[c for c in COLUMNS if c != "event_id"]].astype(object)
    for column in ("killed", "wounded", "actor_killed", "target_killed", "civilians_killed", "latitude", "longitude",
                   "geo_precision", "confidence"):  # fmt: skip
        content[column] = content[column].astype("float64")
    content["date"] = pd.to_datetime(content["date"]).astype("datetime64[ns]")
    expected = pd.util.hash_pandas_object(content, index=False).map("{:016x}".format)
    assert list(good["row_hash"]) == list(expected)
    assert np.all(pa.array(good["row_hash"]).is_valid())
