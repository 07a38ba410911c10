"""GDELT 1.0 and 2.0 event files: tab-separated, no header, optionally zipped; streamed.

Layouts are told apart by their field count: 57 (GDELT 1.0 back files), 58 (1.0 daily files
since April 2013, with SOURCEURL) and 61 (2.0, which adds the three ADM2 codes).

Choices (see docs/schema.md and docs/mapping.md):

- ``date`` is SQLDATE (the day GDELT dates the event); ``date_precision`` is ``day``.
- ``time`` comes from DATEADDED (2.0: YYYYMMDDHHMMSS UTC), which is when GDELT *saw* the event,
  not when it happened. It is an upper bound on the event time, so it is stored only when it falls
  on the event day (DATEADDED's date == SQLDATE); otherwise ``time`` is null. GDELT 1.0's
  DATEADDED has no time of day, so 1.0 rows never have a time.
- ``actor_raw`` is ``"<Actor1Code>|<Actor1Name>"`` (e.g. ``"USAMIL|UNITED STATES"``): the CAMEO
  actor code is what dyad files match by prefix (``cameo_prefix``); the store's actor dictionary
  tries the name, then the code. ``target_raw`` is the same for Actor2. Null when both are blank.
- ``event``/``mode`` from EventCode through ``data/cameo_plover.csv``. CAMEO 01x ("make public
  statement") has no PLOVER type: such rows get an ``_error`` and are quarantined with a reason.
- place: ActionGeo_* (FIPS 10-4 country -> ISO3 via ``data/fips_iso3.csv``; ``admin1`` is the
  FIPS ADM1 code such as ``IZ07``); ``geo_precision`` is ActionGeo_Type (1 country .. 5 ADM1).
- GDELT has no casualty counts: killed/wounded stay null (unknown), never 0.
- ``_raw`` (kept in quarantine) is the row's fields as a JSON array in file order; the names are
  ``LAYOUTS[len(fields)]``.

How it reads (fast: GDELT files run to millions of rows): the lines come in batches of 25,000 as
one buffer (``line_batches``); the lines that can be parsed (no NUL byte, no carriage return
inside, valid UTF-8) go to Arrow's CSV parser together, which sets aside those with another
field count; every other line is flagged with its reason. The canonical columns are made with
Arrow compute kernels, and a row's ``_raw`` only when it is asked for (rows going to
quarantine).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from jervis.sources.base import ArrowBatch, Limits, LineBatch, SourceInfo, line_batches, open_binary

_ACTOR = ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
          "Religion2Code", "Type1Code", "Type2Code", "Type3Code"]  # fmt: skip
_GEO = ["Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID"]
_EVENT = ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
          "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone"]  # fmt: skip
_HEAD = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]


def _geo(prefix: str, adm2: bool) -> list[str]:
    names = _GEO[:4] + (["ADM2Code"] if adm2 else []) + _GEO[4:]
    return [f"{prefix}Geo_{n}" for n in names]


def _columns(adm2: bool, url: bool) -> list[str]:
    names = _HEAD + [f"Actor1{n}" for n in _ACTOR] + [f"Actor2{n}" for n in _ACTOR] + _EVENT
    names += _geo("Actor1", adm2) + _geo("Actor2", adm2) + _geo("Action", adm2) + ["DATEADDED"]
    return names + (["SOURCEURL"] if url else [])


# GDELT rows are wide (61 fields, ~400 bytes): smaller batches than other sources keep the peak
# memory of an ingest low at the same speed (ingest of 500k rows, measured: peak 1.02 GB with
# 50,000 lines per batch, 0.87 GB with 20,000).
GDELT_BATCH_ROWS = 25_000

# The columns the canonical row is built from (the raw row keeps all of them).
_USED = {
    "GLOBALEVENTID", "SQLDATE", "DATEADDED", "Actor1Code", "Actor1Name", "Actor2Code",
    "Actor2Name", "EventCode", "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code", "ActionGeo_Lat", "ActionGeo_Long", "SOURCEURL",
}  # fmt: skip

# field count -> (version, column names)
LAYOUTS: dict[int, tuple[str, list[str]]] = {
    57: ("1.0", _columns(adm2=False, url=False)),
    58: ("1.0", _columns(adm2=False, url=True)),
    61: ("2.0", _columns(adm2=True, url=True)),
}


@lru_cache(maxsize=1)
def cameo_table() -> pd.DataFrame:
    """CAMEO code -> plover_event, mode, description (data/cameo_plover.csv)."""
    with resources.files("jervis.data").joinpath("cameo_plover.csv").open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, comment="#", dtype=str, keep_default_na=False)
    return table.set_index("code")


@lru_cache(maxsize=1)
def fips_to_iso3() -> dict[str, str]:
    """FIPS 10-4 country code -> ISO 3166 alpha-3 (data/fips_iso3.csv)."""
    with resources.files("jervis.data").joinpath("fips_iso3.csv").open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, comment="#", dtype=str, keep_default_na=False)
    return dict(zip(table["fips"], table["iso3"], strict=True))


@lru_cache(maxsize=1)
def _lookups() -> dict[str, pa.Array]:
    """The CAMEO and FIPS tables as Arrow arrays, for index_in/take (a blank PLOVER value is null)."""
    table = cameo_table()
    fips = fips_to_iso3()

    def blank_null(values: pd.Series) -> pa.Array:
        return pa.array([v if v != "" else None for v in values], type=pa.string())

    return {
        "codes": pa.array(table.index.astype(str), type=pa.string()),
        "event": blank_null(table["plover_event"]),
        "mode": blank_null(table["mode"]),
        "fips": pa.array(list(fips), type=pa.string()),
        "iso3": pa.array(list(fips.values()), type=pa.string()),
    }


class GdeltReader:
    name = "gdelt"
    info = SourceInfo(
        dataset="gdelt",
        name="GDELT 1.0 / 2.0 Event Database",
        licence="GDELT terms of use: free for unrestricted use, redistribution with citation",
        attribution="The GDELT Project (https://www.gdeltproject.org/); Leetaru, Kalev and "
        "Philip A. Schrodt (2013) GDELT: Global Data on Events, Location and Tone, 1979-2012. "
        "ISA Annual Convention. CAMEO->PLOVER mapping after the Open Event Data Alliance "
        "CAMEO2PLOVER-2021 table (CC BY-SA 4.0).",
        url="https://www.gdeltproject.org/data.html",
    )

    def sniff(self, path: Path, head: str) -> bool:
        first = head.split("\n", 1)[0].rstrip("\r")
        fields = first.split("\t")
        if len(fields) not in LAYOUTS:
            return False
        return fields[0].strip().isdigit() and len(fields[1]) == 8 and fields[1].isdigit()

    def read(self, path: Path, **options: object) -> Iterator[pd.DataFrame]:
        """Stream the file in batches of ``batch_rows`` lines (default 25,000), lines bounded."""
        for batch in self.read_arrow(path, **options):
            yield batch.to_pandas()

    def read_arrow(self, path: Path, **options: object) -> Iterator[ArrowBatch]:
        """The same batches as ``read``, in Arrow (what the store ingests)."""
        batch_rows = int(options.get("batch_rows", GDELT_BATCH_ROWS))  # type: ignore[call-overload]
        limits = Limits.from_env()
        layout: tuple[str, list[str]] | None = None
        start = 0
        with open_binary(path, limits) as fh:
            for lines in line_batches(fh, limits.max_line_bytes, batch_rows):
                if layout is None:  # from the first well-formed line (2.0 if none is)
                    layout = LAYOUTS[_first_width(lines)]
                yield _batch(lines, start, layout, limits.max_line_bytes)
                start += len(lines)

    @staticmethod
    def translate(raw: pd.DataFrame, version: str = "2.0") -> pd.DataFrame:
        """Canonical columns from a frame of GDELT string columns (see ``translate_arrow``)."""
        table = pa.table({c: pa.array(raw[c].astype(object), type=pa.string()) for c in raw.columns if c in _USED})
        return pa.table(translate_arrow(table, version)).to_pandas().set_axis(raw.index)


def translate_arrow(raw: pa.Table, version: str = "2.0") -> dict[str, pa.Array]:
    """Canonical columns (text) from GDELT's columns, by Arrow kernels: no Python per row."""
    col = {name: raw.column(name).combine_chunks() for name in raw.column_names}
    rows = raw.num_rows
    null = pa.scalar(None, pa.string())
    out: dict[str, pa.Array] = {"source_id": col["GLOBALEVENTID"]}
    day = col["SQLDATE"]
    out["date"] = _splice(day, 8, (4, 6), "-")
    out["date_precision"] = pa.repeat(pa.scalar("day"), rows)
    if version == "2.0":
        added = col["DATEADDED"]
        same_day = pc.and_(pc.equal(pc.utf8_length(added), 14), pc.equal(pc.utf8_slice_codeunits(added, 0, 8), day))
        clock = _splice(pc.utf8_slice_codeunits(added, 8, 14), 6, (2, 4), ":")
        out["time"] = pc.if_else(same_day, clock, null)
    for role, n in (("actor_raw", "1"), ("target_raw", "2")):
        code, name = col[f"Actor{n}Code"], col[f"Actor{n}Name"]
        named = pc.or_(pc.not_equal(code, ""), pc.not_equal(name, ""))
        out[role] = pc.if_else(named, pc.binary_join_element_wise(code, name, "|"), null)
    lookups = _lookups()
    code = col["EventCode"]
    position = pc.index_in(code, value_set=lookups["codes"])
    out["event"] = lookups["event"].take(position)
    out["mode"] = lookups["mode"].take(position)
    country = col["ActionGeo_CountryCode"]
    iso3 = lookups["iso3"].take(pc.index_in(country, value_set=lookups["fips"]))
    out["country"] = pc.coalesce(iso3, pc.if_else(pc.equal(country, ""), null, country))  # unknown: to the validator
    out["admin1"] = col["ActionGeo_ADM1Code"]
    out["location"] = col["ActionGeo_FullName"]
    out["latitude"] = col["ActionGeo_Lat"]
    out["longitude"] = col["ActionGeo_Long"]
    out["geo_precision"] = col["ActionGeo_Type"]
    out["source_url"] = col["SOURCEURL"] if "SOURCEURL" in col else pa.nulls(rows, pa.string())
    unknown = pc.is_null(out["event"])
    if rows and pc.any(unknown).as_py():
        message = pc.binary_join_element_wise("CAMEO event code '", code, "' has no PLOVER event type", "")
        statement = pc.binary_join_element_wise(message, " (01x: make public statement)", "")
        message = pc.if_else(pc.starts_with(code, "01"), statement, message)
        out["_error"] = pc.if_else(unknown, message, null)
    else:
        out["_error"] = pa.nulls(rows, pa.string())
    return out


def _splice(values: pa.Array, width: int, at: tuple[int, int], sep: str) -> pa.Array:
    """Insert ``sep`` at two positions of fixed-width text ('20200311' -> '2020-03-11').

    Values of another width (in characters) pass unchanged.
    """
    a, b = at
    pieces = [pc.utf8_slice_codeunits(values, s, e) for s, e in ((0, a), (a, b), (b, width))]
    spliced = pc.binary_join_element_wise(*pieces, sep)
    return pc.if_else(pc.equal(pc.utf8_length(values), width), spliced, values)


# ---- one batch of lines -------------------------------------------------------------------

_WHITESPACE = np.frombuffer(b" \t\r\n\x0b\x0c", dtype=np.uint8)  # what bytes.strip() strips
_NOT_CONTROL = bytes(b for b in range(256) if b >= 0x20 or b in (0x09, 0x0A, 0x0D))
_NUL_OR_CR = "a NUL byte or a carriage return inside the line"


def _first_width(lines: LineBatch) -> int:
    """The field count of the first line whose count is a layout's (61 when none is)."""
    for line in lines.lines():
        if isinstance(line, bytes) and line.count(b"\t") + 1 in LAYOUTS:
            return line.count(b"\t") + 1
    return 61


def _width_error(width: int, found: int) -> str:
    return f"expected {width} tab-separated fields, found {found} (truncated or broken line)"


def _batch(lines: LineBatch, start: int, layout: tuple[str, list[str]], max_line: int) -> ArrowBatch:
    """One batch of lines as canonical columns; lines that are not well-formed get an ``_error``."""
    version, names = layout
    width = len(names)
    data, ends, starts = lines.data, lines.ends, lines.starts
    buf = np.frombuffer(data, dtype=np.uint8)
    # Whitespace-only lines are not records. An over-long line takes no bytes in data.
    sized = np.flatnonzero(ends > starts)
    maybe = sized[np.isin(buf[starts[sized]], _WHITESPACE)]
    records = np.ones(len(lines), dtype=bool)
    records[[i for i in maybe.tolist() if not data[starts[i] : ends[i]].strip()]] = False
    errors = {i: over.reason(max_line) for i, over in lines.overlong.items()}
    for i, message in _unreadable_lines(data, buf, starts, ends).items():
        found = data[starts[i] : ends[i]].count(b"\t") + 1
        errors[i] = message if found == width else _width_error(width, found)
    clean = records.copy()
    clean[list(errors)] = False
    clean_at = np.flatnonzero(clean)
    parsed, invalid = _parse(_select(data, starts, ends, clean), names)
    if invalid is None:  # the parser did not number the lines it set aside: count fields here
        invalid = np.array([k for k, i in enumerate(clean_at.tolist())
                            if data[starts[i] : ends[i]].count(b"\t") != width - 1], dtype=np.int64)  # fmt: skip
        keep = clean.copy()
        keep[clean_at[invalid]] = False
        parsed, _ = _parse(_select(data, starts, ends, keep), names)
    for i in clean_at[invalid].tolist():  # another field count: set aside by the parser
        errors[i] = _width_error(width, data[starts[i] : ends[i]].count(b"\t") + 1)
    good = clean.copy()
    good[clean_at[invalid]] = False
    at = np.flatnonzero(records)  # the records' positions among the lines
    columns = translate_arrow(parsed, version)
    if errors:  # rows the reader rejected: null columns, the reader's reason as _error
        row = np.full(len(lines), -1, dtype=np.int64)
        row[good] = np.arange(int(good.sum()))
        row = row[at]
        take = pa.array(row, mask=row < 0)
        columns = {name: values.take(take) for name, values in columns.items()}
        reasons = pa.array([errors.get(i) for i in at.tolist()], type=pa.string())
        columns["_error"] = pc.coalesce(reasons, columns["_error"])
    columns["_line"] = pa.array(at + start + 1, type=pa.int64())
    controls: list[bool] = []

    def raw(positions: np.ndarray) -> list[str]:
        """Each row's fields as a JSON array (the reader's rejected rows: what could be read)."""
        out = []
        for i in at[positions].tolist():
            if i in errors:
                line = lines.overlong[i].head if i in lines.overlong else data[starts[i] : ends[i]]
                out.append(json.dumps(line.rstrip(b"\r\n").decode("utf-8", "surrogateescape").split("\t")))
                continue
            if not controls:
                controls.append(_has_controls(_select(data, starts, ends, good), int(good.sum()), width))
            out.append(_fields_json(data[starts[i] : ends[i]], controls[0]))
        return out

    return ArrowBatch(pa.table(columns), raw)


def _unreadable_lines(data: bytes, buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> dict[int, str]:
    """Lines the parser must not see: bytes that are not UTF-8, a NUL byte, a carriage return inside.

    Checked on the whole buffer first (one pass each), line by line only where one is found.
    """
    found: dict[int, str] = {}
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            for i in np.unique(np.searchsorted(ends, np.flatnonzero(buf >= 0x80), side="right")).tolist():
                line = data[starts[i] : ends[i]]
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    found[i] = f"invalid UTF-8 byte 0x{line[exc.start]:02x} at byte {exc.start}"
    if b"\x00" in data or b"\r" in data:
        spots = np.flatnonzero((buf == 0) | (buf == 13))
        for spot, i in zip(spots.tolist(), np.searchsorted(ends, spots, side="right").tolist(), strict=True):
            end = int(ends[i])
            last = end - 2 if buf[end - 1] == 10 else end - 1  # a line may end in CR LF (or CR at the end)
            if i not in found and not (buf[spot] == 13 and spot == last):
                found[i] = _NUL_OR_CR
    return found


def _select(data: bytes, starts: np.ndarray, ends: np.ndarray, keep: np.ndarray) -> bytes:
    """The kept lines of a buffer, back to back (the buffer itself when all are kept)."""
    if keep.all():
        return data
    kept = np.flatnonzero(keep)
    if not len(kept):
        return b""
    cuts = np.flatnonzero(np.diff(kept) != 1)
    firsts, lasts = np.r_[kept[0], kept[cuts + 1]], np.r_[kept[cuts], kept[-1]]
    return b"".join(data[starts[a] : ends[b]] for a, b in zip(firsts.tolist(), lasts.tolist(), strict=True))


def _parse(blob: bytes, names: list[str]) -> tuple[pa.Table, np.ndarray | None]:
    """The used columns of the lines in ``blob`` (Arrow's CSV parser) and the lines it set aside.

    A line with another field count than the layout's is set aside (its position in ``blob``;
    None when the parser could not tell the positions).
    """
    used = [n for n in names if n in _USED]
    if not blob:
        return pa.table({n: pa.array([], type=pa.string()) for n in used}), np.zeros(0, dtype=np.int64)
    invalid: list[int] = []

    def set_aside(row: pa_csv.InvalidRow) -> str:
        invalid.append(row.number - 1 if row.number is not None else -1)
        return "skip"

    table = pa_csv.read_csv(
        io.BytesIO(blob),
        read_options=pa_csv.ReadOptions(column_names=names, use_threads=False),
        parse_options=pa_csv.ParseOptions(
            delimiter="\t", quote_char=False, double_quote=False, invalid_row_handler=set_aside
        ),
        convert_options=pa_csv.ConvertOptions(
            include_columns=used,
            column_types=dict.fromkeys(used, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=False,  # checked before, line by line where needed
        ),
    )
    if -1 in invalid:
        return table, None
    return table, np.array(invalid, dtype=np.int64)


def _has_controls(good: bytes, lines: int, width: int) -> bool:
    """Whether well-formed lines hold control characters besides tab, CR and newline.

    Such a batch gets its raw rows from json.dumps (as before); one count when none is found.
    """
    if not good:
        return False
    small = int(np.count_nonzero(np.frombuffer(good, dtype=np.uint8) < 0x20))
    cr = good.count(b"\r") if b"\r" in good else 0
    if small == (width - 1) * lines + lines - (not good.endswith(b"\n")) + cr:
        return False
    return bool(good.translate(None, _NOT_CONTROL))


def _fields_json(line: bytes, controls: bool) -> str:
    """A well-formed line as a JSON array of its fields, in file order (see LAYOUTS for names)."""
    text = line.replace(b"\r", b"").decode("utf-8")
    if text.endswith("\n"):
        text = text[:-1]
    if controls:
        return json.dumps(text.split("\t"), ensure_ascii=False)
    return '["' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", '","') + '"]'


GDELT = GdeltReader()
