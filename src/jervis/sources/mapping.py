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
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
)

from jervis.errors import JervisError, nearest, schema_error
from jervis.sources.base import (
    BATCH_ROWS,
    Record,
    SourceInfo,
    batched_frames,
    blank_to_none,
    csv_records,
    raw_json,
)
from jervis.sources.countries import to_iso3
from jervis.sources.regex import compile_re2
from jervis.store.schema import COLUMNS

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
    extract: dict[str, Any]  # compiled RE2 patterns
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


_Scalar = StrictStr | StrictInt | StrictFloat | StrictBool | date


class _SourceFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    dataset: StrictStr | None = None
    name: StrictStr | None = None
    licence: StrictStr | None = None
    license: StrictStr | None = None
    attribution: StrictStr | None = None
    url: StrictStr | None = None


class _ReadFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    delimiter: StrictStr = ","
    encoding: StrictStr = "utf-8"
    skip_rows: int = Field(default=0, ge=0, le=1_000_000)
    date_format: StrictStr = "auto"
    dayfirst: StrictBool = False


class _WhenFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    match: dict[StrictStr, _Scalar | list[_Scalar]]
    columns: dict[StrictStr, StrictStr] = {}
    constants: dict[StrictStr, _Scalar] = {}


class _MappingFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    source: _SourceFile = _SourceFile()
    read: _ReadFile = _ReadFile()
    columns: dict[StrictStr, StrictStr] = {}
    extract: dict[StrictStr, StrictStr] = {}
    values: dict[StrictStr, dict[StrictStr, StrictStr]] = {}
    constants: dict[StrictStr, _Scalar] = {}
    when: list[_WhenFile] = []


def _check_canonical(path: Path, names: Any, section: str) -> None:
    unknown = sorted(set(names) - _CANONICAL)
    if unknown:
        raise _fail(
            path,
            f"[{section}] names unknown canonical columns {unknown}{nearest(unknown[0], _CANONICAL)} "
            "(see docs/schema.md)",
        )


def load_mapping(path: str | Path) -> Mapping:
    """Parse and check a mapping file; user mistakes raise JervisError naming the problem."""
    if not isinstance(path, str | os.PathLike):  # Path(5): a TypeError from pathlib
        raise JervisError(f"mapping must be a mapping file path (str or pathlib.Path), not {path!r}")
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")  # Notepad writes a byte-order mark
        doc = tomllib.loads(text)
    except IsADirectoryError:
        raise JervisError("is a folder, not a mapping file", path=str(path)) from None
    except OSError as exc:
        raise JervisError(f"cannot read mapping file ({exc.strerror})", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise _fail(path, f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at {exc.start}); "
                    "TOML files are UTF-8") from None  # fmt: skip
    except tomllib.TOMLDecodeError as exc:
        raise _fail(path, f"not valid TOML ({exc})") from None
    try:
        raw = _MappingFile.model_validate(doc)
    except ValidationError as exc:
        raise schema_error(exc, path=str(path), what="mapping file", model=_MappingFile) from None
    source = raw.source
    info = SourceInfo(
        dataset=source.dataset or path.name.split(".")[0],
        name=source.name or f"CSV mapped by {path.name}",
        licence=source.licence or source.license or "as stated by the file's provider",
        attribution=source.attribution or "the file's provider",
        url=source.url or "",
    )
    _check_canonical(path, raw.columns, "columns")
    extract = {}
    for name, pattern in raw.extract.items():
        try:
            extract[name] = compile_re2(pattern)
        except ValueError as exc:
            raise _fail(path, f"[extract] {name}: bad regular expression ({exc})") from None
    _check_canonical(path, extract, "extract")
    _check_canonical(path, raw.values, "values")
    _check_canonical(path, raw.constants, "constants")
    blocks = []
    for i, block in enumerate(raw.when, start=1):
        if not block.match:
            raise _fail(path, f"[[when]] block {i} needs a non-empty match = {{column = value}}")
        _check_canonical(path, block.columns, f"when {i} columns")
        _check_canonical(path, block.constants, f"when {i} constants")
        as_lists = {
            k: [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in block.match.items()
        }
        blocks.append(When(match=as_lists, columns=dict(block.columns), constants=dict(block.constants)))
    read = raw.read
    mapping = Mapping(
        path=path, info=info, columns=dict(raw.columns), extract=extract,
        values={k: dict(v) for k, v in raw.values.items()}, constants=dict(raw.constants),
        when=blocks, delimiter=read.delimiter, encoding=read.encoding, skip_rows=read.skip_rows,
        date_format=read.date_format, dayfirst=read.dayfirst,
    )  # fmt: skip
    if mapping.delimiter == "\\t":
        mapping.delimiter = "\t"
    if len(mapping.delimiter) != 1 or mapping.delimiter in ('"', "\r", "\n"):
        raise _fail(path, f"[read] delimiter must be one character (not a quote or line break), "
                    f"not {mapping.delimiter!r}")  # fmt: skip
    try:
        codec = codecs.lookup(mapping.encoding)
    except LookupError:
        raise _fail(path, f"[read] unknown encoding {mapping.encoding!r}") from None
    if not getattr(codec, "_is_text_encoding", True):
        raise _fail(path, f"[read] {mapping.encoding!r} is not a text encoding (such as utf-8, cp1252)")
    if mapping.date_format != "auto" and "%" not in mapping.date_format:
        raise _fail(path, f"[read] date_format {mapping.date_format!r} has no strptime directive "
                    "(such as \"%d/%m/%Y\"), nor is it \"auto\"")  # fmt: skip
    if not any(c == "date" for c in raw.columns) and "date" not in raw.constants:
        if not any("date" in b.columns for b in blocks):
            raise _fail(path, "no source column for 'date' ([columns] date = \"...\")")
    return mapping


def records(path: Path, mapping: Mapping) -> Iterator[Record]:
    """(line, header, fields, error, span) like base.csv_records, with the mapping's read options."""
    return csv_records(
        path, delimiter=mapping.delimiter, encoding=mapping.encoding, skip_lines=mapping.skip_rows
    )


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
    out["_span"] = raw["_span"].to_numpy() if "_span" in raw else 1
    out["_raw"] = raw_json(raw, source_columns).to_numpy()
    out["_error"] = raw["_error"].astype(object).where(raw["_error"].notna(), None).to_numpy()
    return out


def _column(out: pd.DataFrame, name: str) -> pd.Series:
    if name in out:
        return out[name]
    return pd.Series([None] * len(out.index), index=out.index, dtype=object)


def _extract(values: pd.Series, pattern: Any) -> pd.Series:
    """The first group (or whole match) of the RE2 pattern; no match means unknown (null)."""
    present = values.notna()
    out = pd.Series([None] * len(values.index), index=values.index, dtype=object)
    if not present.any():
        return out
    text = values[present].astype(str)
    group = 1 if pattern.groups else 0

    def first(value: str) -> str | None:
        match = pattern.search(value)
        return match.group(group) if match else None

    found = text.map({v: first(v) for v in pd.unique(text)})
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
