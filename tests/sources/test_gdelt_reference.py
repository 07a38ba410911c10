"""The Arrow GDELT reader against the line-by-line reader it replaced (tests/reference/).

For any file the old reader could read, both give the same batches: the same rows in the same
order with the same canonical values, ``_line``, ``_error`` (the reason a line was rejected) and
``_raw`` (the row kept in quarantine). Files are real GDELT 1.0/2.0 lines with damage of every
kind the hardened reader handles: wrong field counts, bytes that are not UTF-8, NUL bytes,
carriage returns, control characters, blank and over-long lines, quotes and backslashes.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.reference.gdelt_lines import GDELT as REFERENCE

from jervis.sources.gdelt import GDELT

FIXTURES = Path(__file__).parents[1] / "fixtures" / "gdelt"
V2 = (FIXTURES / "20200314.export.CSV").read_bytes().splitlines(keepends=True)
V1 = (FIXTURES / "20200313.export.CSV").read_bytes().splitlines(keepends=True)
BROKEN = (FIXTURES / "broken.export.CSV").read_bytes().splitlines(keepends=True)

_DAMAGE = [b"\t", b"\t\t", b"\xff", b"\xe4\xb8", b"\x00", b"\r", b"\x01", b"\x0b", b'"', b"\\", b"\xc3\xa9",
           b"\xe2\x80\xa8", b"  ", b"01", b"\xef\xbb\xbf", b"\n", b"\r\n", b"x" * 300]  # fmt: skip


@st.composite
def gdelt_files(draw) -> bytes:
    """Real lines, some damaged, shuffled with blank lines; maybe without a final newline."""
    source = draw(st.sampled_from([V2, V1, V2 + V1]))
    lines = draw(st.lists(st.sampled_from(source + BROKEN[:1] + [b"\n", b"  \n", b"\r\n"]), min_size=1, max_size=30))
    out = []
    for line in lines:
        if draw(st.integers(0, 3)) == 0:
            at = draw(st.integers(0, len(line)))
            line = line[:at] + draw(st.sampled_from(_DAMAGE)) + line[at + draw(st.integers(0, 3)) :]
        out.append(line)
    data = b"".join(out)
    return data.rstrip(b"\n") if draw(st.booleans()) else data


def _frames(reader, path: Path, batch_rows: int) -> list[pd.DataFrame] | None:
    try:
        return list(reader.read(path, batch_rows=batch_rows))
    except Exception:  # noqa: BLE001 - the old reader failed on this file (the new one may not)
        return None


def _assert_same(path: Path, batch_rows: int) -> None:
    expected = _frames(REFERENCE, path, batch_rows)
    if expected is None:
        list(GDELT.read(path, batch_rows=batch_rows))  # reads what the old reader could not
        return
    got = list(GDELT.read(path, batch_rows=batch_rows))
    assert len(got) == len(expected)
    for new, old in zip(got, expected, strict=True):
        pd.testing.assert_frame_equal(new.reset_index(drop=True), old.reset_index(drop=True))


@contextlib.contextmanager
def _max_line(limit: int | None):
    import os

    old = os.environ.get("JERVIS_MAX_LINE_BYTES")
    if limit is not None:
        os.environ["JERVIS_MAX_LINE_BYTES"] = str(limit)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("JERVIS_MAX_LINE_BYTES", None)
        else:
            os.environ["JERVIS_MAX_LINE_BYTES"] = old


@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(data=gdelt_files(), batch_rows=st.sampled_from([1, 3, 7, 25_000]),
       limit=st.sampled_from([None, None, 300, 700]))  # fmt: skip
def test_same_batches_as_the_line_reader(tmp_path_factory, data, batch_rows, limit):
    path = tmp_path_factory.mktemp("gdelt") / "x.export.CSV"
    path.write_bytes(data)
    with _max_line(limit):
        _assert_same(path, batch_rows)


@pytest.mark.parametrize("name", ["20200314.export.CSV", "20200313.export.CSV", "broken.export.CSV",
                                  "20200314.export.CSV.zip"])  # fmt: skip
def test_same_batches_on_the_real_files(name):
    _assert_same(FIXTURES / name, 25_000)
    _assert_same(FIXTURES / name, 4)
