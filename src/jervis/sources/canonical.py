"""jervis's own format: CSV, Parquet or JSON Lines whose columns are canonical names.

Any file whose columns are a subset of the canonical schema (at least ``date`` and ``event``)
imports with no mapping at all; the validator fills and checks the rest.
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
    Limits,
    Overlong,
    SourceInfo,
    bad_encoding,
    batched_frames,
    csv_records,
    is_blank,
    open_binary,
    parquet_file,
    physical_lines,
    raw_json,
    safe_text,
)
from jervis.store.export import ESCAPED_COLUMNS, restore_formulas
from jervis.store.schema import COLUMNS

_REQUIRED = {"date", "event"}


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
        if suffix in (".jsonl", ".ndjson"):
            first = head.splitlines()[0] if head else ""
            try:
                record = json.loads(first)
            except ValueError:
                return False
            return isinstance(record, dict) and _is_canonical(list(record))
        first = head.splitlines()[0] if head else ""
        names = next(csv.reader([first]), [])  # a quoted header ("date","event": R's write.csv)
        return _is_canonical(names)

    def read(self, path: Path, **_: object) -> Iterator[pd.DataFrame]:
        suffix = path.suffix.lower()
        if suffix == ".parquet":
            yield from self._parquet(path)
        elif suffix in (".jsonl", ".ndjson"):
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
                text = text.strip()
                record: dict = {"_line": number, "_raw": text, "_error": None}
                try:
                    value = json.loads(text)
                except (ValueError, RecursionError) as exc:
                    where = f" at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
                    message = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
                    record["_error"] = f"not valid JSON ({message}{where})"
                    record["_raw"] = json.dumps(text)
                else:
                    error = bad_encoding([text]) or _record_error(value)
                    if error:
                        record["_error"] = error
                        record["_raw"] = json.dumps(text)
                    else:
                        record.update(value)
                records.append(record)
                if len(records) >= BATCH_ROWS:
                    yield _jsonl_frame(records)
                    records = []
        if records:
            yield _jsonl_frame(records)


def _record_error(value: object) -> str | None:
    if not isinstance(value, dict):
        return "a JSON line must be an object"
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
