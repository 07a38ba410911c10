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

import csv
import io
import json
import re
import sys
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

import pandas as pd

from jervis.errors import JervisError

BATCH_ROWS = 50_000
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
    """A source format: ``sniff`` recognises a file, ``read`` yields canonical batches."""

    name: str
    info: SourceInfo

    def sniff(self, path: Path, head: str) -> bool: ...

    def read(self, path: Path, **options: object) -> Iterator[pd.DataFrame]: ...


def open_binary(path: Path) -> IO[bytes]:
    """Open a file, transparently taking the single data member of a .zip archive."""
    if path.suffix.lower() == ".zip":
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.namelist() if not m.endswith("/")]
        if not members:
            raise JervisError("the zip archive is empty", path=str(path))
        return archive.open(members[0])
    return open(path, "rb")


def read_head(path: Path, size: int = 65536) -> str:
    """The first bytes of a file as text, for format sniffing."""
    with open_binary(path) as fh:
        return fh.read(size).decode("utf-8", errors="replace")


_SURROGATE = re.compile("[\udc80-\udcff]")


def bad_encoding(values: Iterable[str]) -> str | None:
    """Describe the first undecodable byte in a row read with errors='surrogateescape'."""
    for value in values:
        match = _SURROGATE.search(value)
        if match:
            byte = ord(match.group()) - 0xDC00
            return f"invalid UTF-8 byte 0x{byte:02x} at character {match.start()}"
    return None


def csv_records(
    path: Path,
    *,
    delimiter: str = ",",
    header: Sequence[str] | None = None,
    skip_row: object = None,
    quoting: int = csv.QUOTE_MINIMAL,
) -> Iterator[tuple[int, list[str] | None, list[str], str | None]]:
    """Yield ``(line, header, fields, error)`` for each data record of a delimited file.

    Streams (never loads the file), reads bytes as UTF-8 with undecodable bytes kept as
    surrogates so a bad byte rejects one row, not the file, and flags rows whose field count does
    not match the header (a truncated or over-long line). ``skip_row(fields) -> bool`` drops rows
    such as UCDP's HXL tag row.
    """
    with open_binary(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.reader(text, delimiter=delimiter, quoting=quoting, strict=False)
        names = list(header) if header is not None else None
        line = 1
        for fields in reader:
            start, line = line, reader.line_num + 1
            if names is None:
                names = [n.strip() for n in fields]
                continue
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            if skip_row is not None and skip_row(fields):  # type: ignore[operator]
                continue
            error = bad_encoding(fields)
            if error is None and len(fields) != len(names):
                error = f"expected {len(names)} fields, found {len(fields)} (truncated or broken line)"
            yield start, names, fields, error


def batched_frames(
    records: Iterator[tuple[int, list[str] | None, list[str], str | None]],
    batch_rows: int = BATCH_ROWS,
) -> Iterator[pd.DataFrame]:
    """Group CSV records into DataFrames of raw string columns plus _line/_raw/_error.

    Columns keep the file's own names (as str); broken rows get ``_error`` and empty fields.
    """
    rows: list[list[str]] = []
    lines: list[int] = []
    raws: list[str] = []
    errors: list[str | None] = []
    names: list[str] | None = None
    for line, header, fields, error in records:
        names = header  # type: ignore[assignment]
        width = len(names)  # type: ignore[arg-type]
        if error:
            raws.append(json.dumps(fields, ensure_ascii=True))
            fields = ([""] * width) if len(fields) != width else [""] * width
        else:
            raws.append("")
        rows.append(fields)
        lines.append(line)
        errors.append(error)
        if len(rows) >= batch_rows:
            yield _frame(names, rows, lines, raws, errors)  # type: ignore[arg-type]
            rows, lines, raws, errors = [], [], [], []
    if rows:
        yield _frame(names, rows, lines, raws, errors)  # type: ignore[arg-type]


def _frame(
    names: list[str], rows: list[list[str]], lines: list[int], raws: list[str], errors: list
) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=_unique(names), dtype=object)
    frame["_line"] = lines
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
    """The original row as a JSON object (column -> text), for quarantine."""
    if frame.empty:
        return pd.Series([], index=frame.index, dtype=object)
    # pandas' C JSON writer; embedded newlines are escaped, so one output line per row.
    text = frame[list(columns)].to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
    raw = pd.Series(text.rstrip("\n").split("\n"), index=frame.index, dtype=object)
    if "_raw_fields" in frame:
        broken = frame["_raw_fields"].astype(bool)
        raw[broken] = frame.loc[broken, "_raw_fields"]
    return raw


def blank_to_none(series: pd.Series) -> pd.Series:
    """Strings that are empty or whitespace become None (unknown), never 0 or ''."""
    s = series.astype(object)
    mask = s.isna() | s.astype(str).str.strip().isin(["", "NA", "N/A", "NULL", "null", "None"])
    return s.where(~mask, None)
