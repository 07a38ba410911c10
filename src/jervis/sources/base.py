"""What every reader shares: the batch contract, source metadata and robust CSV reading.

A reader translates one source's rows into canonical columns (see store/schema.py) and never
touches the database. It yields pandas DataFrames ("batches") whose columns are a subset of the
canonical columns (values may still be strings; the validator coerces and checks them) plus:

- ``_line``: the 1-based physical line (or record number) in the file, for error messages;
- ``_raw``: the original row as JSON text, kept in quarantine when the row is rejected;
- ``_error``: a structural problem the reader already found (truncated line, bad encoding), else None.

Validation, actor normalisation, ids, de-duplication and storage happen in ``store/``, once, for
every source.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import re
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa

from jervis.errors import JervisError

BATCH_ROWS = 50_000


@dataclass(frozen=True)
class Limits:
    """Bounds on what one input may cost; documented in docs/schema.md ("Limits").

    Every record and every decompressed size is bounded, so a hostile or broken file cannot
    exhaust memory: an over-long line is quarantined with a reason, an archive beyond the zip
    limits is refused. Each can be raised through an environment variable.
    """

    max_line_bytes: int = 1 << 20  # one physical line, and one record spanning several lines
    max_record_lines: int = 100  # physical lines one quoted record may span
    zip_max_ratio: float = 200.0  # uncompressed / compressed size of one archive member
    zip_max_bytes: int = 16 << 30  # uncompressed size of one archive (all members)
    max_json_bytes: int = 512 << 20  # a JSON document is parsed whole; JSON Lines stream

    ENV = {
        "max_line_bytes": "JERVIS_MAX_LINE_BYTES",
        "max_record_lines": "JERVIS_MAX_RECORD_LINES",
        "zip_max_ratio": "JERVIS_ZIP_MAX_RATIO",
        "zip_max_bytes": "JERVIS_ZIP_MAX_BYTES",
        "max_json_bytes": "JERVIS_MAX_JSON_BYTES",
    }

    @classmethod
    def from_env(cls) -> Limits:
        values: dict[str, float | int] = {}
        for name, variable in cls.ENV.items():
            text = os.environ.get(variable)
            if text is None or not text.strip():
                continue
            kind = float if name == "zip_max_ratio" else int
            try:
                value = kind(text)
            except ValueError:
                raise JervisError(f"${variable} must be a number, not {text!r}") from None
            if value <= 0:
                raise JervisError(f"${variable} must be positive, not {text!r}")
            values[name] = value
        return cls(**values)  # type: ignore[arg-type]


# csv's own limit stays above ours: records are bounded by Limits.max_line_bytes before csv.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True)
class SourceInfo:
    """Licence and attribution, recorded with every row through ``source_dataset``."""

    dataset: str  # value stored in events.source_dataset
    name: str
    licence: str
    attribution: str
    url: str = ""


class Reader(Protocol):
    """A source format: ``sniff`` recognises a file, ``read`` yields canonical batches.

    A reader of large files may also offer ``read_arrow(path, **options)``, yielding the same
    batches as ArrowBatch; the store uses it when present.
    """

    name: str
    info: SourceInfo

    def sniff(self, path: Path, head: str) -> bool: ...

    def read(self, path: Path, **options: object) -> Iterator[pd.DataFrame]: ...


@dataclass
class ArrowBatch:
    """A batch held in Arrow, for readers of large files: no Python object per row or value.

    ``table`` has the columns of a DataFrame batch (canonical names with text or null values,
    ``_line``, ``_error``, optionally ``_span``) but not ``_raw``: the original rows are made
    only for the positions asked for (``raw(positions)``), as only quarantined rows keep them.
    """

    table: pa.Table
    raw: Callable[[np.ndarray], list[str]]

    def __len__(self) -> int:
        return self.table.num_rows

    def to_pandas(self) -> pd.DataFrame:
        """The same batch as a DataFrame (missing values None, ``_raw`` for every row)."""
        frame = self.table.to_pandas()
        raws = self.raw(np.arange(len(frame.index)))
        frame.insert(frame.columns.get_loc("_line") if "_line" in frame else len(frame.columns), "_raw", raws)
        return frame


# ---- archives -------------------------------------------------------------------------------
# A member of a zip archive is named like a file inside a folder: ``data/events.zip/a.csv``.
# Readers open every input through open_binary, so they read members as they read files.


def split_member(path: Path) -> tuple[Path, str] | None:
    """(archive, member name) when ``path`` names a member of a .zip archive, else None."""
    if path.exists():
        return None
    for parent in path.parents:
        if parent.suffix.lower() == ".zip" and parent.is_file():
            return parent, path.relative_to(parent).as_posix()
    return None


def _open_zip(archive: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise JervisError(f"not a readable zip archive ({exc})", path=str(archive)) from None


def zip_members(archive: Path, limits: Limits | None = None) -> list[zipfile.ZipInfo]:
    """The data members of an archive, after checking the zip limits (bombs are refused)."""
    limits = limits or Limits.from_env()
    with _open_zip(archive) as zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > (1 << 20) and ratio > limits.zip_max_ratio:
            raise JervisError(
                f"zip member {info.filename!r} expands {ratio:,.0f} times ({info.compress_size:,} to "
                f"{info.file_size:,} bytes), above the limit of {limits.zip_max_ratio:,.0f} "
                f"(${Limits.ENV['zip_max_ratio']}); refused as a possible zip bomb",
                path=str(archive),
            )
    if total > limits.zip_max_bytes:
        raise JervisError(
            f"the zip archive expands to {total:,} bytes, above the limit of "
            f"{limits.zip_max_bytes:,} (${Limits.ENV['zip_max_bytes']})",
            path=str(archive),
        )
    return members


def open_binary(path: Path, limits: Limits | None = None) -> IO[bytes]:
    """Open a file or an archive member (``x.zip/name``); a one-member .zip opens its member.

    The zip limits are checked before anything is decompressed; zipfile never yields more
    than a member's declared size, so the checked size bounds what is read. Inside
    ``content_hash(path)``, the stream hashes what it yields (see ContentHash).
    """
    member = split_member(path)
    if member is None and path.suffix.lower() != ".zip":
        tap = _tap_for(path)
        if tap is None:
            return open(path, "rb")
        raw = open(path, "rb", buffering=0)
        return tap.attach(raw, os.fstat(raw.fileno()).st_size)
    archive, name = member if member else (path, None)
    members = zip_members(archive, limits)
    if name is None:
        if len(members) != 1:
            names = ", ".join(m.filename for m in members[:10]) or "none"
            raise JervisError(
                f"the zip archive holds {len(members)} files ({names}); ingest the archive "
                "to read every member, or name one as ARCHIVE.zip/MEMBER",
                path=str(path),
            )
        name = members[0].filename
    zf = _open_zip(archive)
    try:
        stream = zf.open(name)
    except KeyError:
        zf.close()
        raise JervisError("no such member in the zip archive", path=str(path)) from None
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
        zf.close()
        raise JervisError(f"cannot read the zip member ({exc})", path=str(path)) from None
    tap = _tap_for(path)
    return stream if tap is None else tap.attach(stream, zf.getinfo(name).file_size)


# ---- content hash while reading ---------------------------------------------------------------


class ContentHash:
    """The SHA-256 of one input, taken from the bytes its reader reads: the file is read once.

    Valid only when the reader opened the input once, through open_binary, and read all of it
    in order; otherwise ``result()`` is None and the caller hashes the file itself (a Parquet
    file, read by column chunks, is one such case).
    """

    def __init__(self, path: Path):
        self.key = str(path)
        self._digest = hashlib.sha256()
        self._size = -1
        self._read = 0
        self._opened = 0
        self._done = False

    def attach(self, stream: IO[bytes], size: int) -> IO[bytes]:
        if self._done:
            return stream
        self._opened += 1
        if self._opened > 1:  # opened again: the hash no longer follows one pass
            return stream
        self._size = size
        return io.BufferedReader(_Tap(stream, self), buffer_size=_BLOCK)

    def update(self, data: memoryview) -> None:
        self._digest.update(data)
        self._read += len(data)

    def result(self) -> str | None:
        """The hex digest if the reader read the input whole, in one pass; the tap stops here."""
        self._done = True
        if self._opened == 1 and self._read == self._size:
            return self._digest.hexdigest()
        return None


class _Tap(io.RawIOBase):
    """A raw stream that hashes what passes through it, in order."""

    def __init__(self, inner: IO[bytes], tap: ContentHash):
        self.inner, self.tap = inner, tap

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        n = self.inner.readinto(buffer) or 0  # type: ignore[attr-defined]
        if n:
            self.tap.update(memoryview(buffer)[:n])
        return n

    def close(self) -> None:
        self.inner.close()
        super().close()


_CONTENT_HASH: ContextVar[ContentHash | None] = ContextVar("jervis_content_hash", default=None)


@contextmanager
def content_hash(path: Path) -> Iterator[ContentHash]:
    """Hash ``path`` while its reader reads it (within this block, in this thread)."""
    tap = ContentHash(path)
    token = _CONTENT_HASH.set(tap)
    try:
        yield tap
    finally:
        _CONTENT_HASH.reset(token)


def _tap_for(path: Path) -> ContentHash | None:
    tap = _CONTENT_HASH.get()
    return tap if tap is not None and tap.key == str(path) else None


def read_head(path: Path, size: int = 65536) -> str:
    """The first bytes of a file as text, for format sniffing (without a UTF-8 byte-order mark,
    which the readers skip too: Excel's "CSV UTF-8" starts with one)."""
    with open_binary(path) as fh:
        return fh.read(size).decode("utf-8-sig", errors="replace")


def read_all(path: Path, limit: int, what: str) -> bytes:
    """A whole (bounded) input, for formats that cannot stream (a JSON document)."""
    with open_binary(path) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise JervisError(
            f"{what} larger than {limit:,} bytes (${Limits.ENV['max_json_bytes']}); "
            "use JSON Lines, which streams",
            path=str(path),
        )
    return data


def parquet_file(path: Path):
    """A pyarrow ParquetFile for a file or an archive member (read into memory, bounded)."""
    import pyarrow.parquet as pq

    try:
        if split_member(path) is None:
            return pq.ParquetFile(path)
        limits = Limits.from_env()
        return pq.ParquetFile(io.BytesIO(read_all(path, limits.zip_max_bytes, "a zipped Parquet file")))
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        if isinstance(exc, JervisError):
            raise
        raise JervisError(f"not a readable Parquet file ({exc})", path=str(path)) from None


# ---- lines ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overlong:
    """A physical line longer than Limits.max_line_bytes: only its length and head are kept.

    ``unit`` is what the length and the limit counted: bytes when lines are split in the raw
    stream, characters when a codec (UTF-8, UTF-16, UTF-32) decodes the stream before it is split.
    """

    length: int
    head: bytes
    unit: str = "bytes"

    def reason(self, limit: int) -> str:
        return (
            f"line of {self.length:,} {self.unit} is longer than the limit of {limit:,} "
            f"{self.unit} (${Limits.ENV['max_line_bytes']})"
        )


_BLOCK = 1 << 20
_NEWLINE = 10


@dataclass
class LineBatch:
    """Consecutive physical lines of a stream, held in one bytes object (one copy, no per-line objects).

    ``data`` holds the lines back to back, each with its b"\\n" (the stream's last line may lack
    it); ``ends[i]`` is where line ``i`` ends in ``data``. An over-long line takes no bytes: only
    its length and head are kept, in ``overlong``.
    """

    data: bytes
    ends: np.ndarray  # int64
    overlong: dict[int, Overlong]

    def __len__(self) -> int:
        return len(self.ends)

    @property
    def starts(self) -> np.ndarray:
        starts = np.zeros_like(self.ends)
        starts[1:] = self.ends[:-1]
        return starts

    def line(self, i: int) -> bytes | Overlong:
        if i in self.overlong:
            return self.overlong[i]
        return self.data[int(self.ends[i - 1]) if i else 0 : int(self.ends[i])]

    def lines(self) -> Iterator[bytes | Overlong]:
        start = 0
        for i, end in enumerate(self.ends.tolist()):
            yield self.overlong[i] if self.overlong and i in self.overlong else self.data[start:end]
            start = end

    def split(self, count: int) -> tuple[LineBatch, LineBatch]:
        """The first ``count`` lines and the rest."""
        cut = int(self.ends[count - 1])
        head = {i: v for i, v in self.overlong.items() if i < count}
        tail = {i - count: v for i, v in self.overlong.items() if i >= count}
        return (LineBatch(self.data[:cut], self.ends[:count], head),
                LineBatch(self.data[cut:], self.ends[count:] - cut, tail))  # fmt: skip

    @staticmethod
    def join(parts: list[LineBatch]) -> LineBatch:
        if len(parts) == 1:
            return parts[0]
        ends, overlong, offset, lines = [], {}, 0, 0
        for part in parts:
            ends.append(part.ends + offset)
            overlong.update({i + lines: v for i, v in part.overlong.items()})
            offset += len(part.data)
            lines += len(part)
        return LineBatch(b"".join(p.data for p in parts), np.concatenate(ends), overlong)


def _one_overlong(length: int, head: bytes) -> LineBatch:
    return LineBatch(b"", np.zeros(1, dtype=np.int64), {0: Overlong(length, head)})


def _complete_lines(buf: bytes, max_line: int) -> tuple[LineBatch | None, bytes]:
    """The complete lines of ``buf`` (those ending in b"\\n") and what follows the last one."""
    ends = np.flatnonzero(np.frombuffer(buf, dtype=np.uint8) == _NEWLINE)
    if not len(ends):
        return None, buf
    ends += 1
    cut = int(ends[-1])
    lengths = np.diff(ends, prepend=0)
    long = np.flatnonzero(lengths > max_line)  # content (without b"\\n") of max_line bytes or more
    if not len(long):
        return LineBatch(buf[:cut] if cut < len(buf) else buf, ends, {}), buf[cut:]
    starts = ends - lengths
    overlong, pieces, previous = {}, [], 0
    for i in long.tolist():
        start, end = int(starts[i]), int(ends[i])
        overlong[i] = Overlong(end - start, buf[start : min(start + 200, end - 1)])
        pieces.append(buf[previous:start])
        previous = end
    pieces.append(buf[previous:cut])
    lengths[long] = 0
    return LineBatch(b"".join(pieces), np.cumsum(lengths), overlong), buf[cut:]


def _line_chunks(stream: IO[bytes], max_line: int) -> Iterator[LineBatch]:
    """The lines of a stream, one LineBatch per block read; memory within a block plus ``max_line``.

    A line of ``max_line`` bytes or more (not counting its b"\\n") becomes Overlong (its length
    with the b"\\n"); so does a last line without b"\\n" longer than ``max_line``.
    """
    rest = b""
    while block := stream.read(_BLOCK):
        chunk, rest = _complete_lines(rest + block if rest else block, max_line)
        if chunk is not None:
            yield chunk
        if len(rest) > max_line:  # no line end in sight: skip to the next one, counting
            length, head = len(rest), rest[:200]
            rest = b""
            while block := stream.read(_BLOCK):
                cut = block.find(b"\n")
                if cut < 0:
                    length += len(block)
                    continue
                length += cut + 1
                rest = block[cut + 1 :]
                break
            yield _one_overlong(length, head)
    chunk, rest = _complete_lines(rest, max_line)  # lines left after a skipped one at the end
    if chunk is not None:
        yield chunk
    if rest:
        if len(rest) > max_line:
            yield _one_overlong(len(rest), rest[:200])
        else:
            yield LineBatch(rest, np.array([len(rest)], dtype=np.int64), {})


def line_batches(stream: IO[bytes], max_line: int, rows: int) -> Iterator[LineBatch]:
    """The physical lines of a stream in batches of ``rows`` lines (the last may be shorter).

    The same lines as physical_lines, in bulk: newlines are found by NumPy over each block, so a
    reader can treat a batch as one buffer (Arrow's CSV parser) instead of line by line.
    """
    pending: list[LineBatch] = []
    count = 0
    for chunk in _line_chunks(stream, max_line):
        while chunk is not None:
            room = rows - count
            if len(chunk) <= room:
                part, chunk = chunk, None
            else:
                part, chunk = chunk.split(room)
            pending.append(part)
            count += len(part)
            if count == rows:
                yield LineBatch.join(pending)
                pending, count = [], 0
    if pending:
        yield LineBatch.join(pending)


def physical_lines(stream: IO[bytes], max_line: int) -> Iterator[bytes | Overlong]:
    """Lines ending in b"\\n" (kept), read in blocks; a line over ``max_line`` becomes Overlong.

    Memory stays within a block plus ``max_line`` whatever the input (one 2 GB line included).
    """
    for chunk in _line_chunks(stream, max_line):
        yield from chunk.lines()


_STRUCTURE = re.compile(rb'[\[\]{},"]')
_STRING_REST = re.compile(rb'(?:[^"\\]++|\\.)*+')  # a string's body up to its closing quote
_SPACE = b" \t\r\n"


@dataclass(frozen=True)
class ArrayEnd:
    """What closed a JSON array stream: ``closed`` (its ``]`` was found) and any non-blank text
    after it (``trailing``, its first bytes)."""

    closed: bool
    trailing: bytes = b""


def array_elements(stream: IO[bytes], max_element: int) -> Iterator[bytes | Overlong | ArrayEnd]:
    """The elements of a top-level JSON array, each as its bytes, streamed in blocks: split at
    the commas outside strings and brackets, so one malformed element stays one element (an
    unclosed bracket or string runs to the end). An element over ``max_element`` bytes becomes
    Overlong; blank elements (``[]``, a trailing comma) are skipped. Ends with an ArrayEnd.
    Raises ValueError when the stream does not start with ``[``."""
    buf = stream.read(_BLOCK)
    if buf.startswith(b"\xef\xbb\xbf"):
        buf = buf[3:]
    eof = not buf
    while not eof and not buf.lstrip(_SPACE):
        more = stream.read(_BLOCK)
        eof, buf = not more, buf + more
    buf = buf.lstrip(_SPACE)
    if not buf.startswith(b"["):
        raise ValueError("not a JSON array")
    start = scan = 1  # the current element begins at ``start``; scanned up to ``scan``
    depth, in_string = 0, False
    skipped, head = 0, b""  # bytes of an over-long element already dropped, and its first bytes

    def element(end: int) -> bytes | Overlong | None:
        if skipped:
            return Overlong(skipped + end - start, head)
        data = buf[start:end]
        if end - start > max_element:
            return Overlong(end - start, data[:200])
        return data if data.strip(_SPACE) else None

    while True:
        if in_string:
            found = _STRING_REST.match(buf, scan)
            scan = found.end()
            if scan < len(buf) and buf[scan] == 0x22:  # the closing quote
                in_string, scan = False, scan + 1
                continue
        else:
            found = _STRUCTURE.search(buf, scan)
            if found is not None:
                token, scan = buf[found.start()], found.end()
                if token == 0x22:
                    in_string = True
                elif token in b"[{":
                    depth += 1
                elif token == 0x5D and depth == 0:  # the array's "]"
                    if (data := element(found.start())) is not None:
                        yield data
                    rest = buf[scan:] + (b"" if eof else stream.read(_BLOCK))
                    while not rest.strip(_SPACE) and not eof and (more := stream.read(_BLOCK)):
                        rest += more
                    yield ArrayEnd(True, rest.strip(_SPACE)[:200])
                    return
                elif token in b"]}":
                    depth = max(depth - 1, 0)
                elif token == 0x2C and depth == 0:
                    if (data := element(found.start())) is not None:
                        yield data
                    start, skipped, head = scan, 0, b""
                continue
            scan = len(buf)
        # the block is scanned: read the next one (or end an unclosed array)
        if eof:
            if (data := element(len(buf))) is not None:
                yield data
            yield ArrayEnd(False)
            return
        if skipped or scan - start > max_element:  # over-long: keep its head, drop what is scanned
            head = head or buf[start : start + 200]
            skipped += scan - start
            start = scan
        more = stream.read(_BLOCK)
        eof = not more
        buf, scan, start = buf[start:] + more, scan - start, 0


def is_blank(text: str) -> bool:
    return not text.strip()


_SURROGATE = re.compile("[\ud800-\udfff]")


def bad_encoding(values: Iterable[str]) -> str | None:
    """Describe the first undecodable byte in a row read with errors='surrogateescape'."""
    for value in values:
        match = _SURROGATE.search(value)
        if match:
            code = ord(match.group())
            if 0xDC80 <= code <= 0xDCFF:
                return f"invalid UTF-8 byte 0x{code - 0xDC00:02x} at character {match.start()}"
            return f"invalid character U+{code:04X} (a lone surrogate) at character {match.start()}"
    return None


def safe_text(value: str) -> str:
    """Text that encodes as UTF-8: undecodable bytes and lone surrogates become \\x../\\u.. escapes."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return _SURROGATE.sub(_escape_surrogate, value)


def _escape_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


Record = tuple[int, list[str] | None, list[str], str | None, int]


class _Consumed(Exception):
    """Raised through csv.reader to end a record at an over-long line or record."""


class _LineFeed:
    """Feeds decoded physical lines to csv.reader and remembers those of the current record.

    A record may span several lines only through a quoted field; the lines it took are kept so
    that a record broken by a stray quote can be split back into its lines.
    """

    def __init__(self, lines: Iterator[tuple[int, str | Overlong]], limits: Limits):
        self.lines = lines
        self.limits = limits
        self.taken: list[tuple[int, str]] = []
        self.size = 0
        self.overlong: tuple[int, Overlong] | None = None
        self.pending: tuple[int, str | Overlong] | None = None

    def start(self) -> None:
        self.taken, self.size, self.overlong = [], 0, None

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        if self.pending is not None:
            number, text = self.pending
            self.pending = None
        else:
            number, text = next(self.lines)
        if isinstance(text, Overlong):
            self.overlong = (number, text)
            raise _Consumed
        if self.taken and (
            len(self.taken) >= self.limits.max_record_lines
            or self.size + len(text) > self.limits.max_line_bytes
        ):
            self.pending = (number, text)  # starts the next record; this one is split back
            raise _Consumed
        self.taken.append((number, text))
        self.size += len(text)
        return text


def decoded_lines(
    raw: IO[bytes], *, encoding: str, errors: str, limits: Limits, first_line: int = 1
) -> Iterator[tuple[int, str | Overlong]]:
    """(line number, text) per physical line; UTF-8 keeps bad bytes as surrogates."""
    # Single-byte ASCII-compatible codecs: split the bytes, decode each line. UTF-8 (always read
    # as utf-8-sig) and UTF-16/32 go through the codec's reader: for UTF-8 that is also the
    # faster route (UCDP Iraq, 3.3 MB: 0.094 s against 0.10 s split first, 2026-12-01).
    if "\n".encode(encoding) == b"\n" and "a".encode(encoding) == b"a":
        number = first_line - 1
        for line in physical_lines(raw, limits.max_line_bytes):
            number += 1
            if isinstance(line, Overlong):
                yield number, line
            else:
                yield number, line.decode(encoding, errors)
        return
    text = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="\n")
    number = first_line - 1
    while True:
        line = text.readline(limits.max_line_bytes)
        if not line:
            return
        number += 1
        if len(line) >= limits.max_line_bytes and not line.endswith("\n"):
            length = len(line)
            while (more := text.readline(_BLOCK)) and not more.endswith("\n"):
                length += len(more)
            length += len(more)
            # the head as UTF-8, as its readers decode it (the file's codec would prefix a BOM
            # for utf-8-sig and utf-16, and UTF-16 bytes read as UTF-8 are mojibake)
            yield number, Overlong(length, line[:200].encode("utf-8", "replace"), unit="characters")
            continue
        yield number, line


def _parse_line(text: str, delimiter: str, quoting: int) -> tuple[list[str] | None, str | None]:
    try:
        return next(csv.reader([text], delimiter=delimiter, quoting=quoting, strict=False), []), None
    except csv.Error as exc:
        return None, f"unreadable line ({exc})"


def csv_records(
    path: Path,
    *,
    delimiter: str = ",",
    header: Sequence[str] | None = None,
    skip_row: object = None,
    quoting: int = csv.QUOTE_MINIMAL,
    encoding: str = "utf-8",
    skip_lines: int = 0,
    limits: Limits | None = None,
) -> Iterator[Record]:
    """Yield ``(line, header, fields, error, span)`` for each data record of a delimited file.

    Streams (never loads the file) and bounds every line and record (Limits). Bytes are read as
    UTF-8 with undecodable bytes kept as surrogates, so a bad byte rejects one row, not the file.
    Rows whose field count does not match the header are flagged. Every non-blank physical line
    after the header is accounted for: a record spans several lines only when a quoted field
    holds line breaks and the record has the header's field count; otherwise (a stray quote
    swallowing the following lines, an over-long record) it is split back into its lines, each
    read on its own. ``span`` is how many physical lines a record took. ``skip_row(fields)``
    drops the first data row when it is not data (UCDP's HXL tag row).
    """
    limits = limits or Limits.from_env()
    utf8 = codecs.lookup(encoding).name == "utf-8"
    with open_binary(path, limits) as raw:
        for _ in range(skip_lines):
            raw.readline(limits.max_line_bytes)
        lines = decoded_lines(
            raw, encoding="utf-8-sig" if utf8 else encoding,
            errors="surrogateescape" if utf8 else "replace", limits=limits,
            first_line=skip_lines + 1,
        )  # fmt: skip
        feed = _LineFeed(lines, limits)
        names = list(header) if header is not None else None
        first_data = True

        def one(number: int, text: str) -> Iterator[Record]:
            nonlocal names, first_data
            if is_blank(text):
                return
            fields, error = _parse_line(text, delimiter, quoting)
            if names is None:
                _check_line_ends(text, path)
                names = [n.strip() for n in (fields or [text.strip()])]
                return
            if first_data:
                first_data = False
                if skip_row is not None and fields and skip_row(fields):  # type: ignore[operator]
                    return
            yield _record(number, names, fields or [text.rstrip("\r\n")], error, 1)

        reader = csv.reader(feed, delimiter=delimiter, quoting=quoting, strict=False)
        while True:
            feed.start()
            try:
                fields = next(reader)
            except StopIteration:
                break
            except (_Consumed, csv.Error):
                for number, text in feed.taken:
                    yield from one(number, text)
                if feed.overlong is not None:
                    number, over = feed.overlong
                    if names is None:
                        raise JervisError(over.reason(limits.max_line_bytes) + " (the header)", path=str(path)) from None
                    first_data = False
                    head = over.head.decode("utf-8", "replace")
                    yield number, names, [head], over.reason(limits.max_line_bytes), 1
                reader = csv.reader(feed, delimiter=delimiter, quoting=quoting, strict=False)
                continue
            taken = feed.taken
            if len(taken) == 1:
                number, text = taken[0]
                if is_blank(text):  # a blank physical line is not a record ('""' is one)
                    continue
                if names is None:
                    _check_line_ends(text, path)
                    names = [n.strip() for n in fields]
                    continue
                if first_data:
                    first_data = False
                    if skip_row is not None and skip_row(fields):  # type: ignore[operator]
                        continue
                yield _record(number, names, fields, None, 1)
            elif names is not None and len(fields) == len(names) and bad_encoding(fields) is None \
                    and not _swallowed(taken, len(names), delimiter, quoting):  # fmt: skip
                first_data = False
                span = sum(1 for _, text in taken if not is_blank(text))  # blank lines are not data
                yield taken[0][0], names, fields, None, span  # a quoted field with line breaks
            else:
                for number, text in taken:
                    yield from one(number, text)
        if names is None:
            raise JervisError("the file is empty (no header line)", path=str(path))


def _check_line_ends(header: str, path: Path) -> None:
    """Refuse a file whose lines end in CR only: it would read as one header line and no rows."""
    if "\r" in header.rstrip("\r\n"):
        raise JervisError(
            "the lines end in a carriage return only (classic Mac OS), so the file reads as one "
            "line; convert the line ends to LF or CRLF first (e.g. tr '\\r' '\\n' < in.csv > out.csv)",
            path=str(path),
        )


def _swallowed(taken: list[tuple[int, str]], width: int, delimiter: str, quoting: int) -> bool:
    """A multi-line record that is really a stray quote swallowing whole records.

    Quoted text with line breaks (notes, article lists) rarely holds lines that are complete
    records on their own; when two or more of its lines are, splitting explains the data better.
    """
    complete = 0
    for _, text in taken:
        fields, error = _parse_line(text, delimiter, quoting)
        if error is None and fields is not None and len(fields) == width:
            complete += 1
            if complete >= 2:
                return True
    return False


def _record(number: int, names: list[str], fields: list[str], error: str | None, span: int) -> Record:
    if error is None:
        error = bad_encoding(fields)
    if error is None and len(fields) != len(names):
        error = f"expected {len(names)} fields, found {len(fields)} (truncated or broken line)"
    return number, names, fields, error, span


def batched_frames(records: Iterator[Record], batch_rows: int = BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """Group CSV records into DataFrames of raw string columns plus _line/_span/_raw_fields/_error.

    Columns keep the file's own names (as str); broken rows get ``_error`` and empty fields.
    """
    rows: list[list[str]] = []
    lines: list[int] = []
    spans: list[int] = []
    raws: list[str] = []
    errors: list[str | None] = []
    names: list[str] | None = None
    for line, header, fields, error, span in records:
        if header is not names:
            if rows:  # the header changed (never within one file today): flush first
                yield _frame(names, rows, lines, spans, raws, errors)  # type: ignore[arg-type]
                rows, lines, spans, raws, errors = [], [], [], [], []
            names = header
        width = len(names)  # type: ignore[arg-type]
        if error:
            raws.append(json.dumps(fields, ensure_ascii=True))
            fields = [""] * width
        else:
            raws.append("")
        rows.append(fields)
        lines.append(line)
        spans.append(span)
        errors.append(error)
        if len(rows) >= batch_rows:
            yield _frame(names, rows, lines, spans, raws, errors)  # type: ignore[arg-type]
            rows, lines, spans, raws, errors = [], [], [], [], []
    if rows:
        yield _frame(names, rows, lines, spans, raws, errors)  # type: ignore[arg-type]


def _frame(
    names: list[str], rows: list[list[str]], lines: list[int], spans: list[int], raws: list[str],
    errors: list,
) -> pd.DataFrame:  # fmt: skip
    frame = pd.DataFrame(rows, columns=_unique([safe_text(n) for n in names]), dtype=object)
    frame["_line"] = lines
    frame["_span"] = spans
    frame["_raw_fields"] = raws
    frame["_error"] = errors
    return frame


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            out.append(f"{name}.{seen[name]}")
        else:
            seen[name] = 0
            out.append(name)
    return out


def raw_json(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """The original row as a JSON object (column -> text), for quarantine.

    Text that is not valid Unicode (undecodable bytes kept as surrogates, lone surrogates from
    JSON escapes) is escaped first: pandas' JSON writer crashes the interpreter on it.
    """
    if frame.empty:
        return pd.Series([], index=frame.index, dtype=object)
    if not len(columns):
        return pd.Series(["{}"] * len(frame.index), index=frame.index, dtype=object)
    part = frame[list(columns)]
    dirty = [i for i in range(part.shape[1])
             if part.dtypes.iloc[i].kind == "O" and not _clean_text(part.iloc[:, i])]  # fmt: skip
    names = [safe_text(str(c)) for c in part.columns]
    if dirty or names != list(part.columns):
        part = part.set_axis(names, axis=1).copy()
        for i in dirty:
            part.isetitem(i, part.iloc[:, i].map(lambda v: safe_text(v) if isinstance(v, str) else v))
    # pandas' C JSON writer; embedded newlines are escaped, so one output line per row.
    text = part.to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
    raw = pd.Series(text.rstrip("\n").split("\n"), index=frame.index, dtype=object)
    if "_raw_fields" in frame:
        broken = frame["_raw_fields"].astype(bool)
        raw[broken] = frame.loc[broken, "_raw_fields"]
    return raw


def _clean_text(values: pd.Series) -> bool:
    """True when every string in the column encodes as UTF-8 (one Arrow conversion)."""
    import pyarrow as pa

    try:
        pa.array(values, type=pa.string(), from_pandas=True)
    except UnicodeEncodeError:
        return False
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all text: check the strings one by one
        return all(safe_text(v) == v for v in values if isinstance(v, str))
    return True


def blank_to_none(series: pd.Series) -> pd.Series:
    """Strings that are empty or whitespace become None (unknown), never 0 or ''."""
    s = series.astype(object)
    mask = s.isna() | s.astype(str).str.strip().isin(["", "NA", "N/A", "NULL", "null", "None"])
    return s.where(~mask, None)
