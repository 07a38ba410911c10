"""Any delimited text file, read through a TOML mapping file (``--mapping FILE``).

The mapping says which source column feeds each canonical column, how to clean and translate
values, which constants to add and how to read the file. The format is documented in
docs/mapping.md; examples/iraq-2019-2021.mapping.toml is a worked example.

Per canonical column the steps are: take the source column ([columns], or a matching [[when]]
block), apply the regular expression of [extract], translate through [values.<column>], fill
blanks from [constants], then parse dates ([read] date_format) and turn country names or ISO
numeric codes into ISO alpha-3. Nothing is validated here: the store checks every value.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from jervis.errors import JervisError
from jervis.sources.base import (
    BATCH_ROWS,
    SourceInfo,
    bad_encoding,
    batched_frames,
    blank_to_none,
    open_binary,
    raw_json,
)
from jervis.sources.countries import to_iso3
from jervis.store.schema import COLUMNS

_SECTIONS = {"source", "read", "columns", "extract", "values", "constants", "when"}
_CANONICAL = set(COLUMNS) - {"event_id"}
_ISO3 = re.compile(r"^[A-Z]{3}$")


@dataclass
class When:
    """Rows whose source columns match ``match`` take these columns/constants instead."""

    match: dict[str, list[str]]
    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)


@dataclass
class Mapping:
    """A parsed mapping file (see docs/mapping.md)."""

    path: Path
    info: SourceInfo
    columns: dict[str, str]
    extract: dict[str, re.Pattern[str]]
    values: dict[str, dict[str, str]]
    constants: dict[str, Any]
    when: list[When]
    delimiter: str = ","
    encoding: str = "utf-8"
    skip_rows: int = 0
    date_format: str = "auto"
    dayfirst: bool = False

    def source_columns(self) -> set[str]:
        """Every source column the mapping reads."""
        used = set(self.columns.values())
        for block in self.when:
            used |= set(block.columns.values()) | set(block.match)
        return used


def _fail(path: Path, message: str) -> JervisError:
    return JervisError(f"mapping file: {message}", path=str(path))


def _check_canonical(path: Path, names: Any, section: str) -> None:
    unknown = sorted(set(names) - _CANONICAL)
    if unknown:
        raise _fail(
            path, f"[{section}] names unknown canonical columns {unknown} (see docs/schema.md)"
        )


def _str_table(path: Path, table: Any, section: str) -> dict[str, str]:
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise _fail(path, f"[{section}] must be a table of text values")
    return dict(table)


def load_mapping(path: str | Path) -> Mapping:
    """Parse and check a mapping file; user mistakes raise JervisError naming the problem."""
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise JervisError(f"cannot read mapping file ({exc.strerror})", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise _fail(path, f"not valid TOML ({exc})") from None
    unknown = sorted(set(doc) - _SECTIONS)
    if unknown:
        raise _fail(path, f"unknown sections {unknown}; allowed: {sorted(_SECTIONS)}")
    source = doc.get("source", {})
    info = SourceInfo(
        dataset=str(source.get("dataset") or path.name.split(".")[0]),
        name=str(source.get("name", f"CSV mapped by {path.name}")),
        licence=str(
            source.get("licence", source.get("license", "as stated by the file's provider"))
        ),
        attribution=str(source.get("attribution", "the file's provider")),
        url=str(source.get("url", "")),
    )
    columns = _str_table(path, doc.get("columns", {}), "columns")
    _check_canonical(path, columns, "columns")
    extract = {}
    for name, pattern in _str_table(path, doc.get("extract", {}), "extract").items():
        try:
            extract[name] = re.compile(pattern)
        except re.error as exc:
            raise _fail(path, f"[extract] {name}: bad regular expression ({exc})") from None
    _check_canonical(path, extract, "extract")
    values = doc.get("values", {})
    if not isinstance(values, dict):
        raise _fail(path, "[values] must hold one table per canonical column")
    _check_canonical(path, values, "values")
    values = {
        k: {str(a): str(b) for a, b in _str_table(path, v, f"values.{k}").items()}
        for k, v in values.items()
    }
    constants = doc.get("constants", {})
    _check_canonical(path, constants, "constants")
    blocks = []
    for i, block in enumerate(doc.get("when", []), start=1):
        match = block.get("match")
        if not isinstance(match, dict) or not match:
            raise _fail(path, f"[[when]] block {i} needs a non-empty match = {{column = value}}")
        cols = _str_table(path, block.get("columns", {}), f"when {i} columns")
        _check_canonical(path, cols, f"when {i} columns")
        consts = block.get("constants", {})
        _check_canonical(path, consts, f"when {i} constants")
        as_lists = {
            k: [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in match.items()
        }
        blocks.append(When(match=as_lists, columns=cols, constants=dict(consts)))
    read = doc.get("read", {})
    mapping = Mapping(
        path=path, info=info, columns=columns, extract=extract, values=values,
        constants=dict(constants), when=blocks,
        delimiter=str(read.get("delimiter", ",")), encoding=str(read.get("encoding", "utf-8")),
        skip_rows=int(read.get("skip_rows", 0)), date_format=str(read.get("date_format", "auto")),
        dayfirst=bool(read.get("dayfirst", False)),
    )  # fmt: skip
    if mapping.delimiter == "\\t":
        mapping.delimiter = "\t"
    if len(mapping.delimiter) != 1:
        raise _fail(path, f"[read] delimiter must be one character, not {mapping.delimiter!r}")
    try:
        codecs.lookup(mapping.encoding)
    except LookupError:
        raise _fail(path, f"[read] unknown encoding {mapping.encoding!r}") from None
    if not any(c == "date" for c in columns) and "date" not in constants:
        if not any("date" in b.columns for b in blocks):
            raise _fail(path, "no source column for 'date' ([columns] date = \"...\")")
    return mapping


def records(path: Path, mapping: Mapping) -> Iterator[tuple[int, list[str], list[str], str | None]]:
    """(line, header, fields, error) like base.csv_records, with the mapping's read options."""
    utf8 = codecs.lookup(mapping.encoding).name == "utf-8"
    with open_binary(path) as raw:
        encoding = "utf-8-sig" if utf8 else mapping.encoding
        errors = "surrogateescape" if utf8 else "replace"
        text = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="")
        for _ in range(mapping.skip_rows):
            text.readline()
        reader = csv.reader(text, delimiter=mapping.delimiter, strict=False)
        names: list[str] | None = None
        line = mapping.skip_rows + 1
        for fields in reader:
            start, line = line, mapping.skip_rows + reader.line_num + 1
            if names is None:
                names = [n.strip() for n in fields]
                continue
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            error = bad_encoding(fields) if utf8 else None
            if error is None and len(fields) != len(names):
                error = (
                    f"expected {len(names)} fields, found {len(fields)} (truncated or broken line)"
                )
            yield start, names, fields, error
        if names is None:
            raise JervisError("the file is empty (no header line)", path=str(path))


def parse_dates(values: pd.Series, date_format: str, dayfirst: bool = False) -> pd.Series:
    """ISO 'YYYY-MM-DD' where the format parses; other text is passed on for the validator."""
    out = values.astype(object).copy()
    present = values.notna()
    if not present.any():
        return out
    text = values[present].astype(str).str.strip()
    if date_format == "auto":
        parsed = pd.to_datetime(text, format="mixed", dayfirst=dayfirst, errors="coerce")
    else:
        parsed = pd.to_datetime(text, format=date_format, errors="coerce")
    ok = parsed.notna()
    out[text.index[ok]] = parsed[ok].dt.strftime("%Y-%m-%d")
    return out


def _countries(values: pd.Series) -> pd.Series:
    codes = {
        v: (v if _ISO3.match(v) else to_iso3(v)) for v in pd.unique(values.dropna().astype(str))
    }
    mapped = values.map(lambda v: codes.get(str(v)) if v is not None else None)
    return mapped.where(mapped.notna(), values)  # unknown names reach the validator as they are


def translate(raw: pd.DataFrame, mapping: Mapping, path: Path | None = None) -> pd.DataFrame:
    """Canonical columns from a frame of source columns, following the mapping."""
    source_columns = [c for c in raw.columns if not str(c).startswith("_")]
    missing = sorted(mapping.source_columns() - set(source_columns))
    if missing:
        raise JervisError(
            f"columns {missing} named in {mapping.path.name} are not in the file "
            f"(it has: {', '.join(source_columns)})",
            path=str(path) if path else None,
        )
    out = pd.DataFrame(index=raw.index)
    for canonical, source in mapping.columns.items():
        out[canonical] = blank_to_none(raw[source])
    overrides: list[tuple[pd.Series, dict[str, Any]]] = []
    for block in mapping.when:
        hit = pd.Series(True, index=raw.index)
        for column, accepted in block.match.items():
            hit &= raw[column].astype(str).str.strip().isin(accepted)
        for canonical, source in block.columns.items():
            base = _column(out, canonical)
            out[canonical] = blank_to_none(raw[source]).where(hit, base)
        overrides.append((hit, block.constants))
    for canonical, pattern in mapping.extract.items():
        if canonical in out:
            out[canonical] = _extract(out[canonical], pattern)
    for canonical, table in mapping.values.items():
        if canonical in out:
            out[canonical] = _translate_values(out[canonical], table)
    for hit, constants in overrides:  # a [[when]] constant is final: not extracted or translated
        for canonical, value in constants.items():
            base = _column(out, canonical)
            out[canonical] = base.where(~hit, str(value))
    for canonical, value in mapping.constants.items():
        base = _column(out, canonical)
        out[canonical] = base.where(base.notna(), str(value))
    if "source_dataset" not in out:
        out["source_dataset"] = mapping.info.dataset
    if "date" in out:
        out["date"] = parse_dates(out["date"], mapping.date_format, mapping.dayfirst)
    if "country" in out:
        out["country"] = _countries(out["country"])
    out["_line"] = raw["_line"].to_numpy()
    out["_raw"] = raw_json(raw, source_columns).to_numpy()
    out["_error"] = raw["_error"].astype(object).where(raw["_error"].notna(), None).to_numpy()
    return out


def _column(out: pd.DataFrame, name: str) -> pd.Series:
    if name in out:
        return out[name]
    return pd.Series([None] * len(out.index), index=out.index, dtype=object)


def _extract(values: pd.Series, pattern: re.Pattern[str]) -> pd.Series:
    """The first group (or whole match) of the pattern; no match means unknown (null)."""
    present = values.notna()
    out = pd.Series([None] * len(values.index), index=values.index, dtype=object)
    if not present.any():
        return out
    text = values[present].astype(str)
    if pattern.groups:
        found = text.str.extract(pattern, expand=True)[0]
    else:
        found = text.map(lambda v: m.group(0) if (m := pattern.search(v)) else None)
    out[found.index] = found.where(found.notna(), None)
    return blank_to_none(out)


def _translate_values(values: pd.Series, table: dict[str, str]) -> pd.Series:
    default = table.get("*")
    keys = values.map(lambda v: None if v is None else str(v).strip())
    mapped = keys.map({k: v for k, v in table.items() if k != "*"})
    if default is not None:
        mapped = mapped.where(mapped.notna() | keys.isna(), default)
    return mapped.where(mapped.notna(), values)


class MappingReader:
    """Reads a delimited file through a mapping file given as ``read(path, mapping=FILE)``."""

    name = "mapping"
    info = SourceInfo(
        dataset="mapped",
        name="CSV read through a jervis mapping file",
        licence="as stated in the mapping file's [source] table",
        attribution="see the mapping file's [source] table",
    )

    def sniff(self, path: Path, head: str) -> bool:
        return False  # only used when a mapping file is given

    def info_for(self, mapping: str | Path) -> SourceInfo:
        """The licence/attribution a mapping file declares (its [source] table)."""
        return load_mapping(mapping).info

    def read(self, path: Path, **options: object) -> Iterator[pd.DataFrame]:
        given = options.get("mapping")
        if given is None:
            raise JervisError(
                "the mapping format needs a mapping file (--mapping FILE)", path=str(path)
            )
        mapping = given if isinstance(given, Mapping) else load_mapping(Path(str(given)))
        batch_rows = int(options.get("batch_rows", BATCH_ROWS))  # type: ignore[call-overload]
        for frame in batched_frames(records(path, mapping), batch_rows=batch_rows):
            yield translate(frame, mapping, path)


MAPPING = MappingReader()
