"""jervis's own format: CSV, Parquet, JSON Lines or a JSON array of objects whose columns are
canonical names.

Any file whose columns are a subset of the canonical schema (at least ``date`` and ``event``)
imports with no mapping at all; the validator fills and checks the rest. JSON Lines
(``.jsonl``, ``.ndjson``) and JSON arrays (``.json``; a ``.json`` file of objects one a line
is read as JSON Lines) both stream; an array's elements are numbered from 1 in place of lines.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from jervis.errors import JervisError
from jervis.sources.base import (
    BATCH_ROWS,
    ArrayEnd,
    Limits,
    Overlong,
    SourceInfo,
    array_elements,
    bad_encoding,
    batched_frames,
    csv_records,
    is_blank,
    open_binary,
    parquet_file,
    physical_lines,
    raw_json,
    read_head,
    safe_text,
)
from jervis.store.export import ESCAPED_COLUMNS, restore_formulas
from jervis.store.schema import COLUMNS

_REQUIRED = {"date", "event"}
# What `jervis extract`'s JSON lines add to the canonical columns (ExtractedEvent.to_dict): read
# past, so the extractor's default output ingests as it is
_EXTRACT_KEYS = frozenset({"spans", "sentences", "evidence_spans", "trigger_spans", "doc_id"})


def _is_canonical(names: list[str]) -> bool:
    names_set = {n.strip() for n in names if n.strip()}
    return _REQUIRED <= names_set <= set(COLUMNS)


def _not_canonical(names: list[str]) -> str:
    """What is wrong with a header: a column read twice (``actor``, ``actor.1``), or unknown ones."""
    repeated = sorted({n.rsplit(".", 1)[0] for n in names if n.rsplit(".", 1)[0] in COLUMNS and n not in COLUMNS})
    if repeated:
        return f"the header has {', '.join(map(repr, repeated))} more than once"
    missing = sorted(_REQUIRED - {n.strip() for n in names})
    unknown = [n for n in names if n.strip() and n.strip() not in COLUMNS]
    if missing:
        return f"no {', '.join(map(repr, missing))} column; use --mapping for other layouts"
    return f"columns {', '.join(map(repr, unknown[:5]))} are not canonical names; use --mapping"


class CanonicalReader:
    name = "jervis"
    info = SourceInfo(
        dataset="jervis",
        name="Events in the jervis canonical schema",
        licence="as stated by the file's provider",
        attribution="the file's provider (see source_dataset / source_url of each row)",
    )

    def sniff(self, path: Path, head: str) -> bool:
        suffix = path.suffix.lower()
        if suffix == ".parquet":
            return _is_canonical(parquet_file(path).schema_arrow.names)
        if suffix == ".json" and head.lstrip().startswith("["):
            return _first_element_canonical(head)
        if suffix in (".jsonl", ".ndjson", ".json"):
            first = head.splitlines()[0] if head else ""
            try:
                record = json.loads(first)
            except ValueError:
                return False
            return isinstance(record, dict) and _is_canonical([k for k in record if k not in _EXTRACT_KEYS])
        first = head.splitlines()[0] if head else ""
        names = next(csv.reader([first]), [])  # a quoted header ("date","event": R's write.csv)
        return _is_canonical(names)

    def read(self, path: Path, **_: object) -> Iterator[pd.DataFrame]:
        suffix = path.suffix.lower()
        if suffix == ".parquet":
            yield from self._parquet(path)
        elif suffix == ".json" and _starts_array(path):
            yield from self._json_array(path)
        elif suffix in (".jsonl", ".ndjson", ".json"):
            yield from self._jsonl(path)
        else:
            for raw in batched_frames(csv_records(path)):
                names = [c for c in raw.columns if not c.startswith("_")]
                if not _is_canonical(names):
                    raise JervisError(_not_canonical(names), path=str(path))
                raw["_raw"] = raw_json(raw, names)  # the row as the file has it
                for column in set(names) & set(ESCAPED_COLUMNS):  # an export's '=... is =...
                    raw[column] = restore_formulas(raw[column])
                yield raw.drop(columns=["_raw_fields"])

    def _parquet(self, path: Path) -> Iterator[pd.DataFrame]:
        parquet = parquet_file(path)
        line = 1
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
            frame = batch.to_pandas()
            names = list(frame.columns)
            frame["_line"] = range(line, line + len(frame))
            line += len(frame)
            frame["_raw"] = raw_json(frame, names)
            frame["_error"] = None
            yield frame

    def _jsonl(self, path: Path) -> Iterator[pd.DataFrame]:
        limits = Limits.from_env()
        records: list[dict] = []
        with open_binary(path, limits) as fh:
            for number, data in enumerate(physical_lines(fh, limits.max_line_bytes), start=1):
                if isinstance(data, Overlong):
                    records.append({"_line": number, "_raw": json.dumps(data.head.decode("utf-8", "replace")),
                                    "_error": data.reason(limits.max_line_bytes)})  # fmt: skip
                    continue
                text = data.decode("utf-8-sig" if number == 1 else "utf-8", errors="surrogateescape")
                if is_blank(text):
                    continue
                records.append(_json_record(number, text.strip(), "a JSON line"))
                if len(records) >= BATCH_ROWS:
                    yield _jsonl_frame(records)
                    records = []
        if records:
            yield _jsonl_frame(records)

    def _json_array(self, path: Path) -> Iterator[pd.DataFrame]:
        """A JSON array of event objects, streamed element by element (``array_elements``):
        element k is row k, as line k of JSON Lines; text after the array is one more row."""
        limits = Limits.from_env()
        records: list[dict] = []
        number = 0
        with open_binary(path, limits) as fh:
            for data in array_elements(fh, limits.max_line_bytes):
                number += 1
                if isinstance(data, ArrayEnd):
                    if not data.trailing:
                        break
                    text = data.trailing.decode("utf-8", "replace")
                    records.append({"_line": number, "_raw": json.dumps(text), "_error": "text after the JSON "
                                    "array's closing ']' (the file holds one array of events)"})  # fmt: skip
                elif isinstance(data, Overlong):
                    reason = f"array element of {data.length:,} bytes is longer than the limit of " \
                             f"{limits.max_line_bytes:,} bytes (${Limits.ENV['max_line_bytes']})"  # fmt: skip
                    records.append({"_line": number, "_raw": json.dumps(data.head.decode("utf-8", "replace")),
                                    "_error": reason})  # fmt: skip
                else:
                    text = data.decode("utf-8", errors="surrogateescape").strip()
                    records.append(_json_record(number, text, "an array element"))
                if len(records) >= BATCH_ROWS:
                    yield _jsonl_frame(records)
                    records = []
        if records:
            yield _jsonl_frame(records)


def _starts_array(path: Path) -> bool:
    """Whether a file's first non-blank character is ``[`` (a JSON array, not JSON Lines)."""
    return read_head(path, 4096).lstrip().startswith("[")


def _first_element_canonical(head: str) -> bool:
    """Whether the first element of a JSON array (in the file's head) is a canonical event."""
    start = head.index("[") + 1
    start += len(head[start:]) - len(head[start:].lstrip())
    try:
        value, _ = json.JSONDecoder().raw_decode(head, start)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and _is_canonical(list(value))


def _json_record(number: int, text: str, what: str) -> dict:
    """One JSON Lines line or array element as a row: its columns, or an ``_error``."""
    record: dict = {"_line": number, "_raw": text, "_error": None}
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        where = f" at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        message = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        record["_error"] = f"not valid JSON ({message}{where})"
        record["_raw"] = json.dumps(text)
    else:
        error = bad_encoding([text]) or _record_error(value, what)
        if error:
            record["_error"] = error
            record["_raw"] = json.dumps(text)
        else:
            record.update((k, v) for k, v in value.items() if k not in _EXTRACT_KEYS)
    return record


def _record_error(value: object, what: str = "a JSON line") -> str | None:
    if not isinstance(value, dict):
        return f"{what} must be an object"
    value = {k: v for k, v in value.items() if k not in _EXTRACT_KEYS}
    unknown = set(value) - set(COLUMNS)
    if unknown:
        return f"unknown columns {sorted(safe_text(k) for k in unknown)}"
    nested = sorted(k for k, v in value.items() if isinstance(v, dict | list))
    if nested:
        return f"columns {nested} hold a list or object, not a value"
    return bad_encoding(v for v in value.values() if isinstance(v, str))


def _jsonl_frame(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(records, dtype=object)
    frame["_line"] = frame["_line"].astype("int64")
    return frame


CANONICAL = CanonicalReader()
