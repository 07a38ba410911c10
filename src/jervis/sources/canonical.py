"""jervis's own format: CSV, Parquet or JSON Lines whose columns are canonical names.

Any file whose columns are a subset of the canonical schema (at least ``date`` and ``event``)
imports with no mapping at all; the validator fills and checks the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from jervis.errors import JervisError
from jervis.sources.base import (
    BATCH_ROWS,
    SourceInfo,
    batched_frames,
    csv_records,
    open_binary,
    raw_json,
)
from jervis.store.schema import COLUMNS

_REQUIRED = {"date", "event"}


def _is_canonical(names: list[str]) -> bool:
    names_set = {n.strip() for n in names if n.strip()}
    return _REQUIRED <= names_set <= set(COLUMNS)


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
            import pyarrow.parquet as pq

            return _is_canonical(pq.read_schema(path).names)
        if suffix in (".jsonl", ".ndjson"):
            first = head.splitlines()[0] if head else ""
            try:
                record = json.loads(first)
            except ValueError:
                return False
            return isinstance(record, dict) and _is_canonical(list(record))
        first = head.splitlines()[0] if head else ""
        return _is_canonical(first.split(","))

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
                    raise JervisError("columns are not canonical names; use --mapping", path=str(path))
                raw["_raw"] = raw_json(raw, names)
                yield raw.drop(columns=["_raw_fields"])

    def _parquet(self, path: Path) -> Iterator[pd.DataFrame]:
        import pyarrow.parquet as pq

        parquet = pq.ParquetFile(path)
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
        records: list[dict] = []
        with open_binary(path) as fh:
            for number, data in enumerate(fh, start=1):
                text = data.decode("utf-8", errors="surrogateescape").strip()
                if not text:
                    continue
                record: dict = {"_line": number, "_raw": text, "_error": None}
                try:
                    value = json.loads(text)
                except ValueError as exc:
                    record["_error"] = f"not valid JSON ({exc.msg} at column {exc.colno})"
                    record["_raw"] = json.dumps(text)
                else:
                    if not isinstance(value, dict):
                        record["_error"] = "a JSON line must be an object"
                    else:
                        unknown = set(value) - set(COLUMNS)
                        if unknown:
                            record["_error"] = f"unknown columns {sorted(unknown)}"
                        else:
                            record.update(value)
                records.append(record)
                if len(records) >= BATCH_ROWS:
                    yield pd.DataFrame(records)
                    records = []
        if records:
            yield pd.DataFrame(records)


CANONICAL = CanonicalReader()
