"""The GDELT reader of jervis 4c4ec11 (``sources/gdelt.py``), kept verbatim but for imports.

The reference for the differential tests: the Arrow reader that replaced it must give the same
batches (rows, values, ``_error``, ``_raw``, ``_line``) for any file the old one could read.
Its original docstring follows.

GDELT 1.0 and 2.0 event files: tab-separated, no header, optionally zipped; streamed.

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
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from tests.reference.lines import physical_lines

from jervis.sources.base import Limits, Overlong, SourceInfo, open_binary

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
        batch_rows = int(options.get("batch_rows", GDELT_BATCH_ROWS))  # type: ignore[call-overload]
        limits = Limits.from_env()
        layout: tuple[str, list[str]] | None = None
        line_no = 0
        with open_binary(path, limits) as fh:
            lines_iter = physical_lines(fh, limits.max_line_bytes)
            while True:
                lines = list(islice(lines_iter, batch_rows))
                if not lines:
                    break
                if layout is None:  # from the first well-formed line (2.0 if none is)
                    counts = (line.count(b"\t") + 1 for line in lines if isinstance(line, bytes))
                    layout = LAYOUTS[next((c for c in counts if c in LAYOUTS), 61)]
                yield self._batch(lines, line_no, layout, limits)
                line_no += len(lines)

    def _batch(
        self, lines: list, start: int, layout: tuple[str, list[str]], limits: Limits | None = None
    ) -> pd.DataFrame:
        version, names = layout
        width = len(names)
        numbers = np.arange(start + 1, start + len(lines) + 1)
        over = {i: line for i, line in enumerate(lines) if isinstance(line, Overlong)}
        if over:  # an over-long line is a broken record: its head is kept, the rest was skipped
            limit = (limits or Limits()).max_line_bytes
            lines = [b"" if i in over else line for i, line in enumerate(lines)]
        blank = [i for i, line in enumerate(lines)  # whitespace only: not a record
                 if line[:1] in _SPACE and not line.strip() and i not in over]  # fmt: skip
        if blank:  # empty lines (e.g. a trailing one) are not records
            keep = np.ones(len(lines), dtype=bool)
            keep[blank] = False
            numbers = numbers[keep]
            over = {int(np.searchsorted(np.flatnonzero(keep), i)): v for i, v in over.items()}
            lines = [line for line, k in zip(lines, keep, strict=True) if k]
        good_mask = np.fromiter(
            (line.count(b"\t") == width - 1 for line in lines), dtype=bool, count=len(lines)
        )
        errors: list[str | None] = [None] * len(lines)
        for i, line in over.items():
            good_mask[i] = False
            errors[i] = line.reason(limit)
            lines[i] = line.head
        for i in np.flatnonzero(good_mask):
            line = lines[i]
            if not line.isascii():
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    good_mask[i] = False
                    errors[i] = f"invalid UTF-8 byte 0x{line[exc.start]:02x} at byte {exc.start}"
            if good_mask[i] and (b"\r" in line[:-2] or b"\x00" in line):
                good_mask[i] = False
                errors[i] = "a NUL byte or a carriage return inside the line"
        for i in np.flatnonzero(~good_mask):
            if errors[i] is None:
                found = lines[i].count(b"\t") + 1
                errors[i] = (
                    f"expected {width} tab-separated fields, found {found} (truncated or broken line)"
                )
        good = [lines[i] for i in np.flatnonzero(good_mask)]
        blob = b"".join(good)
        if good and not blob.endswith(b"\n"):
            blob += b"\n"
        raw = _parse(blob, names) if good else pd.DataFrame(columns=sorted(_USED), dtype=object)
        out = self.translate(raw, version)
        out["_raw"] = _raw_arrays(blob) if good else []
        out["_line"] = numbers[good_mask]
        if good_mask.all():
            return _none_for_nan(out, "_error")
        broken = pd.DataFrame(
            {
                "_line": numbers[~good_mask],
                "_raw": [
                    json.dumps(
                        lines[i].rstrip(b"\r\n").decode("utf-8", "surrogateescape").split("\t")
                    )
                    for i in np.flatnonzero(~good_mask)
                ],
                "_error": [errors[i] for i in np.flatnonzero(~good_mask)],
            }
        )
        out = pd.concat([out, broken], ignore_index=True).sort_values("_line", ignore_index=True)
        return _none_for_nan(out, *[c for c in out.columns if out[c].dtype == object])

    @staticmethod
    def translate(raw: pd.DataFrame, version: str = "2.0") -> pd.DataFrame:
        """Canonical columns from a frame of GDELT string columns (vectorised, no per-row Python)."""
        out = pd.DataFrame(index=raw.index)
        out["source_id"] = raw["GLOBALEVENTID"]
        day = raw["SQLDATE"]
        out["date"] = _splice(day, 8, (4, 6), "-")
        out["date_precision"] = "day"
        if version == "2.0":
            added = raw["DATEADDED"]
            same_day = (added.str.len() == 14) & (added.str.slice(0, 8) == day)
            clock = _splice(added.str.slice(8, 14), 6, (2, 4), ":")
            out["time"] = clock.where(same_day, None)
        for role, n in (("actor_raw", "1"), ("target_raw", "2")):
            code, name = raw[f"Actor{n}Code"], raw[f"Actor{n}Name"]
            both = code + "|" + name
            out[role] = both.where((code != "") | (name != ""), None)
        code = raw["EventCode"]
        table = cameo_table()
        for column, field in (("event", "plover_event"), ("mode", "mode")):
            mapped = code.map(table[field])
            out[column] = mapped.where(mapped.notna() & (mapped != ""), None)
        country = raw["ActionGeo_CountryCode"]
        out["country"] = country.map(fips_to_iso3()).where(country != "", None)
        unknown_country = (country != "") & out["country"].isna()
        out.loc[unknown_country, "country"] = country[unknown_country]  # left for the validator
        out["admin1"] = raw["ActionGeo_ADM1Code"]
        out["location"] = raw["ActionGeo_FullName"]
        out["latitude"] = raw["ActionGeo_Lat"]
        out["longitude"] = raw["ActionGeo_Long"]
        out["geo_precision"] = raw["ActionGeo_Type"]
        out["source_url"] = raw["SOURCEURL"] if "SOURCEURL" in raw else None
        error = pd.Series([None] * len(raw.index), index=raw.index, dtype=object)
        unknown = out["event"].isna().to_numpy()
        if unknown.any():
            codes = code[unknown]
            message = "CAMEO event code '" + codes + "' has no PLOVER event type"
            statement = codes.str.startswith("01")
            message[statement] = message[statement] + " (01x: make public statement)"
            error[unknown] = message
        out["_error"] = error
        return out


def _splice(values: pd.Series, width: int, at: tuple[int, int], sep: str) -> pd.Series:
    """Insert ``sep`` at two positions of fixed-width text ('20200311' -> '2020-03-11').

    Done on a numpy character grid (no per-row Python); values of another width pass unchanged.
    """
    text = values.to_numpy(dtype=object)
    fits = (values.str.len() == width).to_numpy()
    out = text.copy()
    if fits.any():
        grid = text[fits].astype(f"<U{width}").view(np.uint32).reshape(-1, width)
        a, b = at
        filler = np.full((len(grid), 1), ord(sep), dtype=np.uint32)
        spliced = np.hstack([grid[:, :a], filler, grid[:, a:b], filler, grid[:, b:]])
        out[fits] = np.ascontiguousarray(spliced).view(f"<U{width + 2}").ravel().astype(object)
    return pd.Series(out, index=values.index, dtype=object)


def _parse(blob: bytes, names: list[str]) -> pd.DataFrame:
    """The used columns of a batch of well-formed lines, as text (Arrow's CSV parser: fast)."""
    used = [n for n in names if n in _USED]
    table = pa_csv.read_csv(
        io.BytesIO(blob),
        read_options=pa_csv.ReadOptions(column_names=names, use_threads=False),
        parse_options=pa_csv.ParseOptions(delimiter="\t", quote_char=False, double_quote=False),
        convert_options=pa_csv.ConvertOptions(
            include_columns=used,
            column_types=dict.fromkeys(used, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table.to_pandas()


def _none_for_nan(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Missing values as None in object columns, the same in every batch."""
    for column in columns:
        values = frame[column].astype(object)
        frame[column] = values.where(values.notna(), None)
    return frame


def _raw_arrays(blob: bytes) -> list[str]:
    """Each line as a JSON array of its fields, in file order (see LAYOUTS for the names).

    Built on the whole batch at once (GDELT fields hold no tabs or newlines), which is far
    cheaper than a JSON object per row; a batch with other control characters uses json.dumps.
    """
    if b"\r" in blob:
        blob = blob.replace(b"\r", b"")
    text = blob.decode("utf-8")
    if blob.translate(None, _NOT_CONTROL):  # control characters other than tab/newline
        return [json.dumps(line.split("\t"), ensure_ascii=False) for line in text.splitlines()]
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if '"' in text:
        text = text.replace('"', '\\"')
    return ['["' + line + '"]' for line in text.rstrip("\n").replace("\t", '","').split("\n")]


_SPACE = (b" ", b"\t", b"\r", b"\n", b"\x0b", b"\x0c", b"")
_NOT_CONTROL = bytes(b for b in range(256) if b >= 0x20 or b in (0x09, 0x0A))


GDELT = GdeltReader()
