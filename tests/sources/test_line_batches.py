"""The bulk line splitter (sources/base.py: line_batches) against the line-by-line one it replaced.

Both must give the same physical lines, the same over-long lines (length and head) and the
same batch boundaries, for any bytes, any block size and any line limit.
"""

from __future__ import annotations

import contextlib
import io
import tracemalloc

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.reference.lines import physical_lines as reference_lines

from jervis.sources import base
from jervis.sources.base import Overlong, line_batches, physical_lines

_PIECES = st.lists(
    st.one_of(st.sampled_from([b"\n", b"\r\n", b"\t", b"a" * 7, b"x" * 40, b"", b"  \n", b"\n\n"]),
              st.binary(max_size=30)),
    max_size=40,
).map(b"".join)  # fmt: skip


def _same(lines, expected) -> None:
    assert len(lines) == len(expected)
    for got, want in zip(lines, expected, strict=True):
        if isinstance(want, Overlong):
            assert got == want
        else:
            assert isinstance(got, bytes) and got == want


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(data=_PIECES, max_line=st.integers(1, 60), block=st.integers(1, 64), rows=st.integers(1, 7))
def test_same_lines_as_the_line_by_line_splitter(data, max_line, block, rows):
    with _block_size(block):
        _check(data, max_line, block, rows)


def _check(data: bytes, max_line: int, block: int, rows: int) -> None:
    expected = list(reference_lines(io.BytesIO(data), max_line, block=block))
    _same(list(physical_lines(io.BytesIO(data), max_line)), expected)
    batches = list(line_batches(io.BytesIO(data), max_line, rows))
    assert all(len(b) == rows for b in batches[:-1]) and (not batches or 0 < len(batches[-1]) <= rows)
    _same([line for b in batches for line in b.lines()], expected)
    _same([b.line(i) for b in batches for i in range(len(b))], expected)


@contextlib.contextmanager
def _block_size(size: int):
    """The splitter's read size, set for the duration (small blocks cut lines everywhere)."""
    old = base._BLOCK
    base._BLOCK = size
    try:
        yield
    finally:
        base._BLOCK = old


def test_an_enormous_line_costs_a_block_not_its_length():
    size = 256 << 20

    class OneLongLine(io.RawIOBase):
        """256 MB of one line, then a short one, made on the fly (never held)."""

        def __init__(self):
            self.left = size

        def readable(self):
            return True

        def readinto(self, buffer):
            if self.left < 0:
                return 0
            if self.left == 0:  # the long line is over: one short line, then the end
                self.left = -1
                buffer[:6] = b"short\n"
                return 6
            n = min(len(buffer), self.left)
            buffer[:n] = bytes(n)
            self.left -= n
            if not self.left:
                buffer[n - 1 : n] = b"\n"
            return n

    tracemalloc.start()
    try:
        lines = list(physical_lines(io.BufferedReader(OneLongLine(), buffer_size=1 << 20), 1 << 20))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert lines == [Overlong(size, bytes(200)), b"short\n"]
    assert peak < 16 << 20, peak
