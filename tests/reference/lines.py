"""The line splitter of jervis 4c4ec11 (``sources/base.py: physical_lines``), kept verbatim.

The reference for tests/sources/test_line_batches.py: the bulk splitter that replaced it must
yield the same lines, over-long lines and lengths for any bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from jervis.sources.base import Overlong

_BLOCK = 1 << 20


def physical_lines(stream: IO[bytes], max_line: int, block: int = _BLOCK) -> Iterator[bytes | Overlong]:
    """Lines ending in b"\\n" (kept), read in blocks; a line over ``max_line`` becomes Overlong."""
    rest = b""
    while True:
        data = stream.read(block)
        if not data:
            break
        rest += data
        parts = rest.split(b"\n")
        rest = parts.pop()
        for part in parts:
            if len(part) >= max_line:
                yield Overlong(len(part) + 1, part[:200])
            else:
                yield part + b"\n"
        if len(rest) > max_line:  # no line end in sight: skip to the next one, counting
            length, head = len(rest), rest[:200]
            while True:
                data = stream.read(block)
                if not data:
                    rest = b""
                    break
                cut = data.find(b"\n")
                if cut < 0:
                    length += len(data)
                    continue
                length += cut + 1
                rest = data[cut + 1 :]
                break
            yield Overlong(length, head)
            if rest:  # lines after the over-long one, in the same block
                parts = rest.split(b"\n")
                rest = parts.pop()
                for part in parts:
                    yield Overlong(len(part) + 1, part[:200]) if len(part) >= max_line else part + b"\n"
    if rest:
        yield Overlong(len(rest), rest[:200]) if len(rest) > max_line else rest
