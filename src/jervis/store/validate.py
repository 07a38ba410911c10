"""One place where every source's rows are checked, typed and given ids.

A row that fails any check goes to quarantine with every reason found; nothing is silently
dropped or coerced to a wrong value (unknown counts stay null, never 0).

The checks run on whole columns in Arrow: a DataFrame batch is converted once, an ArrowBatch
(GDELT) is used as it is. Python runs only once per distinct value of a column where Python's
rules are the definition (case of vocabulary words, the actor dictionary; a name with scoped
aliases once per distinct name, country and year) and for the rows that fail. Numbers and dates in their plain spellings (``-12.5``, ``2020-03-11``) are read by Arrow;
any other spelling is read by pandas' parsers, whose rules define what jervis accepts, so every
value reads as it did when the checks were written with pandas (tests/reference/ keeps that
version: the tests compare the two).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.core.util.hashing import combine_hash_arrays

from jervis.sources.base import ArrowBatch, safe_text
from jervis.store.actors import ActorDictionary
from jervis.store.schema import (
    ARROW_SCHEMA,
    COLUMNS,
    DATE_PRECISIONS,
    INT_COLUMNS,
    MODES,
    PLOVER_EVENTS,
    TEXT_COLUMNS,
)

_BLANKS = {"", "na", "n/a", "null", "none", "nan"}
_BLANK_SPELLINGS = _BLANKS | {b.upper() for b in _BLANKS} | {b.title() for b in _BLANKS} | {"NaN", "N/a"}
_BLANK_ARRAY = pa.array(sorted(_BLANK_SPELLINGS), type=pa.string())
_CONTENT = [c for c in COLUMNS if c != "event_id"]
_FLOATS = (*INT_COLUMNS, "latitude", "longitude", "geo_precision", "confidence")
_STRING = pa.string()
_NULL = pa.scalar(None, _STRING)
_U8MAX = np.iinfo(np.uint64).max

# The stored integer types (store/schema.py): counts are INTEGER, geo_precision SMALLINT.
INT_MAX = {column: 2**31 - 1 for column in INT_COLUMNS} | {"geo_precision": 2**15 - 1}
# pandas' nanosecond timestamps bound the dates a row can have.
DATE_MIN, DATE_MAX = pd.Timestamp.min.ceil("D").date(), pd.Timestamp.max.floor("D").date()

# Spellings Arrow reads exactly as pandas does (up to 15 digits: both round correctly); the
# rest (exponents, '+5', '.5', negative zero, long digit strings) is read by pandas.
_PLAIN_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
_PLAIN_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_TIME = r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$"


@dataclass
class Checked:
    """A validated batch: rows to store (canonical + row_hash + _line) and rows to quarantine."""

    good: pa.Table
    bad: pa.Table  # line, reason, raw, raw_hash (null: the store hashes raw itself)


BAD_SCHEMA = pa.schema(
    [("line", pa.int64()), ("reason", _STRING), ("raw", _STRING), ("raw_hash", _STRING)]
)


class _Reasons:
    """What each row fails, in the order the checks run; the text is made for failing rows only."""

    def __init__(self, rows: int):
        self.rows = rows
        self.found: list[tuple[np.ndarray, str, pa.Array | np.ndarray | None, str]] = []

    def add(self, mask, message: str, values: pa.Array | np.ndarray | None = None, suffix: str = "") -> None:
        """Record ``message 'value' suffix`` (the value cut to 40 characters) for the rows in mask."""
        mask = _bools(mask)
        if mask.any():
            self.found.append((mask, message, values, suffix))

    @property
    def failed(self) -> np.ndarray:
        out = np.zeros(self.rows, dtype=bool)
        for mask, *_ in self.found:
            out |= mask
        return out

    def text(self, rows: np.ndarray) -> pa.Array:
        """The reasons of these rows, joined by '; '."""
        joined: pa.Array = pa.nulls(len(rows), _STRING)
        for mask, message, values, suffix in self.found:
            hit = mask[rows]
            if not hit.any():
                continue
            if values is None:
                piece = pc.if_else(pa.array(hit), message, _NULL)
            else:
                shown = pc.utf8_slice_codeunits(_shown(values, rows[hit]), 0, 40)
                piece = _spread(pc.binary_join_element_wise(f"{message} '", shown, f"'{suffix}", ""), hit)
            joined = pc.coalesce(pc.binary_join_element_wise(joined, piece, "; "), joined, piece)
        return pc.fill_null(joined, "")


def _shown(values: pa.Array | np.ndarray, rows: np.ndarray) -> pa.Array:
    """Values as a reason shows them: text as it is, numbers as Python prints them."""
    if isinstance(values, np.ndarray):
        return pa.array([str(v) for v in values[rows].tolist()], type=_STRING)
    return values.take(pa.array(rows, type=pa.int64()))


def _spread(values: pa.Array, where: np.ndarray) -> pa.Array:
    """``values`` at the positions where ``where`` is true, null elsewhere."""
    index = np.cumsum(where) - 1
    return values.take(pa.array(index, mask=~where))


def _bools(mask) -> np.ndarray:
    if isinstance(mask, pa.Array | pa.ChunkedArray):
        return pc.fill_null(mask, False).to_numpy(zero_copy_only=False).astype(bool, copy=False)
    return np.asarray(mask, dtype=bool)


# ---- text: from a reader's batch to Arrow ---------------------------------------------------


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):
        return False


def _as_text(values: pd.Series) -> pa.Array:
    """Values as text: strings as they are, other values (numbers from JSON) through str()."""
    s = values.astype(object)
    try:
        return pa.array(s, type=_STRING, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if _missing(v) else str(v) for v in s], type=_STRING)


def _series_text(values: pd.Series, column: str, reasons: _Reasons) -> pa.Array:
    """A DataFrame column as Arrow text; NUL bytes and invalid Unicode (lone surrogates) are reasons.

    Clean columns cost one Arrow conversion; text with undecodable bytes is escaped (safe_text).
    """
    if values.dtype.kind != "O" or values.empty:
        return _as_text(values)
    try:
        text = pa.array(values, type=_STRING, from_pandas=True)
    except UnicodeEncodeError:
        text = None
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers among the text (JSON sources)
        strings = values.map(lambda v: v if isinstance(v, str) else None)
        try:
            clean = pa.array(strings, type=_STRING, from_pandas=True)
        except UnicodeEncodeError:
            clean = None
        if clean is not None:
            reasons.add(pc.match_substring(clean, "\x00"), f"{column} holds a NUL byte")
            return _as_text(values)
        text = None
    if text is not None:
        reasons.add(pc.match_substring(text, "\x00"), f"{column} holds a NUL byte")
        return text
    reasons.add(values.map(lambda v: isinstance(v, str) and "\x00" in v), f"{column} holds a NUL byte")
    bad = values.map(lambda v: isinstance(v, str) and safe_text(v) != v)
    reasons.add(bad, f"{column} holds invalid Unicode (an undecodable byte or a lone surrogate)")
    return _as_text(values.map(lambda v: safe_text(v) if isinstance(v, str) else v))


def _arrow_text(values: pa.Array, column: str, reasons: _Reasons) -> pa.Array:
    """A column of an ArrowBatch as text (other types go the DataFrame way)."""
    if pa.types.is_null(values.type):
        return pa.nulls(len(values), _STRING)
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        values = values.cast(_STRING)
        reasons.add(pc.match_substring(values, "\x00"), f"{column} holds a NUL byte")
        return values
    return _series_text(pd.Series(values.to_pandas(), dtype=object), column, reasons)


def _clean(text: pa.Array) -> pa.Array:
    """Stripped; blanks and NA spellings become null."""
    text = pc.utf8_trim_whitespace(text)
    return pc.if_else(pc.is_in(text, value_set=_BLANK_ARRAY), _NULL, text)


def _per_value(values: pa.Array, function: Callable[[str], object], type: pa.DataType = _STRING) -> pa.Array:
    """``function`` of each distinct value (Python's rules, once per value); null stays null."""
    encoded = pc.dictionary_encode(values)
    mapped = pa.array([function(v) for v in encoded.dictionary.to_pylist()], type=type)
    return mapped.take(encoded.indices)


def _upper(values: pa.Array) -> pa.Array:
    return _per_value(values, str.upper)


def _lower(values: pa.Array) -> pa.Array:
    return _per_value(values, str.lower)


# ---- numbers and dates ----------------------------------------------------------------------


def _numbers(text: pa.Array) -> np.ndarray:
    """Text as float64 (NaN where missing or not a number), read as pandas.to_numeric reads it.

    pandas reads a column as a whole (whether '-0' is 0.0 or -0.0 depends on the other values),
    so a column with any spelling other than a plain decimal of up to 15 digits goes to pandas.
    """
    if text.null_count == len(text):
        return np.full(len(text), np.nan)
    plain = pc.and_(pc.match_substring_regex(text, _PLAIN_NUMBER), pc.less_equal(pc.utf8_length(text), 15))
    if pc.all(plain).as_py():
        numbers = pc.fill_null(text.cast(pa.float64()), np.nan).to_numpy(zero_copy_only=False)
        if not (np.signbit(numbers) & (numbers == 0)).any():
            return numbers
    return pd.to_numeric(pd.Series(text.to_pandas(), dtype=object), errors="coerce").astype("float64").to_numpy()


def _numeric(text: pa.Array, column: str, reasons: _Reasons, *, integer: bool) -> np.ndarray:
    number = _numbers(text)
    missing = np.isnan(number)
    reasons.add(_bools(text.is_valid()) & missing, column, text, " is not a number")
    if integer:
        with np.errstate(invalid="ignore"):
            finite = np.isfinite(number)
            fractional = finite & (number != np.floor(np.where(missing, 0, number)))
            reasons.add(fractional, column, text, " is not a whole number")
            reasons.add(number < 0, column, text, " is negative")
            too_big = ~missing & ~fractional & (~finite | (number > INT_MAX[column]))
        reasons.add(too_big, column, text, f" is out of range (at most {INT_MAX[column]:,})")
        number = np.where(too_big, np.nan, number)
    return number


def _days(text: pa.Array) -> pa.Array:
    """Text as date32 (null where not a date), read as pandas.to_datetime(format='%Y-%m-%d') reads it.

    Plain YYYY-MM-DD with a year within pandas' range is checked here; any other spelling (years
    at the edges of the range, other digits, other layouts) is read by pandas.
    """
    rows = len(text)
    days = np.zeros(rows, dtype=np.int64)
    ok = np.zeros(rows, dtype=bool)
    plain = _bools(pc.match_substring_regex(text, _PLAIN_DAY))
    if plain.any():
        fields = text.filter(plain)
        year, month, day = (
            pc.cast(pc.utf8_slice_codeunits(fields, a, b), pa.int64()).to_numpy() for a, b in ((0, 4), (5, 7), (8, 10))
        )
        month_index = (year - 1970) * 12 + (month - 1)
        first = month_index.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        following = (month_index + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        valid = (month >= 1) & (month <= 12) & (day >= 1) & (first + day - 1 < following)
        in_range = (year >= DATE_MIN.year + 1) & (year <= DATE_MAX.year - 1)
        days[plain] = first + day - 1
        ok[plain] = valid & in_range
        plain[np.flatnonzero(plain)[~in_range]] = False  # the edges of the range: pandas decides
    other = np.flatnonzero(~plain & _bools(text.is_valid()))
    if len(other):
        parsed = pd.to_datetime(pd.Series(text.take(pa.array(other)).to_pandas(), dtype=object),
                                format="%Y-%m-%d", errors="coerce")  # fmt: skip
        found = parsed.notna().to_numpy()
        # Nanoseconds to days by floor division: numpy's datetime64[ns] -> [D] cast overflows
        # near pandas' lower bound (1677-09-22 became 2262-04-11).
        nanos = parsed[found].to_numpy().astype("datetime64[ns]").astype(np.int64)
        days[other[found]] = nanos // 86_400_000_000_000
        ok[other[found]] = True
    return pa.array(days.astype(np.int32), mask=~ok).cast(pa.date32())


def _outside_range(text: object) -> bool:
    """A real calendar date that pandas' timestamps cannot hold (before 1677, after 2262)."""
    try:
        day = date.fromisoformat(str(text))
    except ValueError:
        return False
    return len(str(text)) == 10 and not (DATE_MIN <= day <= DATE_MAX)


# ---- the checks -----------------------------------------------------------------------------


@dataclass
class _Input:
    """A batch as the checks see it, whatever the reader gave."""

    text: dict[str, pa.Array]  # every canonical column, as read (not stripped)
    line: np.ndarray
    error: pa.Array  # the reader's reason, else null
    raw: Callable[[np.ndarray], list[str]]
    timestamps: pd.Series | None  # a date column that holds timestamps, not text


def _input(batch: pd.DataFrame | ArrowBatch, reasons: _Reasons) -> _Input:
    rows = reasons.rows
    if isinstance(batch, ArrowBatch):
        table = batch.table
        have = set(table.column_names)
        timestamps = None
        if "date" in have and pa.types.is_temporal(table.column("date").type):
            timestamps = pd.Series(table.column("date").to_pandas())
        text = {c: _arrow_text(table.column(c).combine_chunks(), c, reasons) if c in have and not
                (c == "date" and timestamps is not None) else pa.nulls(rows, _STRING) for c in COLUMNS}  # fmt: skip
        line = table.column("_line").to_numpy() if "_line" in have else np.arange(1, rows + 1)
        error = table.column("_error").combine_chunks().cast(_STRING) if "_error" in have else pa.nulls(rows, _STRING)
        return _Input(text, np.asarray(line, dtype=np.int64), error, batch.raw, timestamps)
    frame = batch.reset_index(drop=True)
    timestamps = frame["date"] if "date" in frame and pd.api.types.is_datetime64_any_dtype(frame["date"]) else None
    text = {}
    for column in COLUMNS:
        if column not in frame or (column == "date" and timestamps is not None):
            text[column] = pa.nulls(rows, _STRING)
        else:
            text[column] = _series_text(frame[column], column, reasons)
    line = frame["_line"].to_numpy() if "_line" in frame else np.arange(1, rows + 1)
    error = pa.nulls(rows, _STRING)
    if "_error" in frame:
        errors = frame["_error"].astype(object)
        error = _texts([None if _missing(e) else str(e) for e in errors])[0]
    raws = frame["_raw"].astype(object) if "_raw" in frame else None

    def raw(positions: np.ndarray) -> list[str]:
        if raws is None:
            return [""] * len(positions)
        return ["" if _missing(r) else str(r) for r in raws.iloc[positions]]

    return _Input(text, np.asarray(line, dtype=np.int64), error, raw, timestamps)


def check_batch(
    batch: pd.DataFrame | ArrowBatch,
    *,
    source_dataset: str,
    actors: ActorDictionary,
    occurrences: Counter[str],
) -> Checked:
    """Validate and type one reader batch; assign event ids and content hashes."""
    rows = len(batch.index) if isinstance(batch, pd.DataFrame) else len(batch)
    reasons = _Reasons(rows)
    given = _input(batch, reasons)
    text = {c: _clean(v) for c, v in given.text.items()}

    # Dates and times.
    if given.timestamps is not None:
        stamps = given.timestamps.reset_index(drop=True)
        day = pa.array(stamps.dt.normalize().dt.date, type=pa.date32(), from_pandas=True)
        date_text = pa.array(stamps.astype(str), type=_STRING)
    else:
        date_text = text["date"]
        day = _days(date_text)
    reasons.add(date_text.is_null(), "missing date")
    failed_date = _bools(date_text.is_valid()) & _bools(day.is_null())
    if failed_date.any():
        at = np.flatnonzero(failed_date)
        outside = np.zeros(rows, dtype=bool)
        outside[at] = [_outside_range(t) for t in date_text.take(pa.array(at)).to_pylist()]
        reasons.add(outside, "date", date_text, f" is outside the supported range {DATE_MIN} to {DATE_MAX}")
        failed_date &= ~outside
    reasons.add(failed_date, "bad date", date_text)
    time = text["time"]
    time = pc.if_else(pc.equal(pc.utf8_length(time), 5), pc.binary_join_element_wise(time, ":00", ""), time)
    reasons.add(pc.invert(pc.fill_null(pc.match_substring_regex(time, _TIME), True)), "bad time", time,
                " (want HH:MM:SS UTC)")  # fmt: skip
    precision = pc.coalesce(_lower(text["date_precision"]), pc.if_else(time.is_valid(), "time", "day"))
    reasons.add(pc.invert(pc.is_in(precision, value_set=pa.array(DATE_PRECISIONS))), "unknown date_precision",
                precision)  # fmt: skip

    # Vocabularies.
    event = _upper(text["event"])
    reasons.add(event.is_null(), "missing event type")
    reasons.add(_outside_set(event, PLOVER_EVENTS), "unknown PLOVER event", event)
    mode = _lower(text["mode"])
    reasons.add(_outside_set(mode, MODES), "unknown mode", mode)
    country = _upper(text["country"])
    reasons.add(pc.invert(pc.match_substring_regex(country, r"^[A-Z]{3}$")), "country", country,
                " is not ISO 3166 alpha-3")  # fmt: skip

    # Numbers.
    numbers = {}
    lat = numbers["latitude"] = _numeric(text["latitude"], "latitude", reasons, integer=False)
    lon = numbers["longitude"] = _numeric(text["longitude"], "longitude", reasons, integer=False)
    with np.errstate(invalid="ignore"):
        reasons.add(np.abs(lat) > 90, "latitude", lat, " out of range [-90, 90]")
        reasons.add(np.abs(lon) > 180, "longitude", lon, " out of range [-180, 180]")
    reasons.add(np.isnan(lat) != np.isnan(lon), "latitude and longitude must both be given or both empty")
    numbers["geo_precision"] = _numeric(text["geo_precision"], "geo_precision", reasons, integer=True)
    for column in INT_COLUMNS:
        numbers[column] = _numeric(text[column], column, reasons, integer=True)
    confidence = numbers["confidence"] = _numeric(text["confidence"], "confidence", reasons, integer=False)
    with np.errstate(invalid="ignore"):
        reasons.add((confidence < 0) | (confidence > 1), "confidence must be between 0 and 1")

    broken = _bools(given.error.is_valid())  # the reader's reason replaces every other
    failed = reasons.failed | broken
    bad_rows = np.flatnonzero(failed)
    reason = pc.if_else(pa.array(broken[bad_rows]), given.error.take(pa.array(bad_rows, type=pa.int64())), reasons.text(bad_rows))
    bad = _bad_table(given.line[bad_rows], reason, given.raw(bad_rows))

    keep = np.flatnonzero(~failed)
    take = pa.array(keep, type=pa.int64())
    out: dict[str, pa.Array] = {c: text[c].take(take) for c in TEXT_COLUMNS}
    out["source_dataset"] = pc.fill_null(out["source_dataset"], source_dataset)
    for name, values in (("date", day), ("time", time), ("date_precision", precision), ("event", event),
                         ("mode", mode), ("country", country)):  # fmt: skip
        out[name] = values.take(take)
    floats = {c: v[keep] for c, v in numbers.items()}
    context_free = _name_actors(out, actors)
    columns = _column_hashes(out, floats)
    out["row_hash"] = _hex(_combined(columns))
    # Rows without an id are keyed by their content hash with names read without country and
    # year: resolving scoped aliases per row (a later change) did not change anyone's id.
    id_hashes = out["row_hash"]
    if context_free:
        id_hashes = _hex(_combined(columns | {c: _text_hashes(v) for c, v in context_free.items()}))
    out["event_id"] = _event_ids(out, text["event_id"].take(take), id_hashes, occurrences)
    return Checked(good=_good_table(out, floats, given.line[keep]), bad=bad)


def _outside_set(values: pa.Array, allowed: frozenset[str]) -> pa.Array:
    """Present values that are not in ``allowed``."""
    return pc.and_(values.is_valid(), pc.invert(pc.is_in(values, value_set=pa.array(sorted(allowed)))))


def _name_actors(out: dict[str, pa.Array], actors: ActorDictionary) -> dict[str, pa.Array]:
    """Canonical names and side hints from the alias dictionary, once per distinct name.

    A name with scoped aliases ("foreign troops": the US-led coalition in Iraq 2014-2021 only)
    is resolved once per distinct (name, country, year) of its rows, as the extractor does.
    Returns the columns that scoped names changed as they read without country and year: the
    ids of rows without one hash those (_event_ids), so they stay what they were.
    """
    context_free: dict[str, pa.Array] = {}
    for role in ("actor", "target"):
        # A name given only as `actor` is treated as raw and normalised; given both, both kept.
        given = pc.if_else(out[f"{role}_raw"].is_valid(), out[role], _NULL)
        raw = pc.coalesce(out[f"{role}_raw"], out[role])
        out[f"{role}_raw"] = raw
        side = out[f"{role}_side"]
        encoded = pc.dictionary_encode(raw)
        values = encoded.dictionary.to_pylist()
        found = [_normalise_raw(actors, v) for v in values]
        named = pa.array([f[0] for f in found], type=_STRING).take(encoded.indices)
        hint = pa.array([f[1] for f in found], type=_STRING).take(encoded.indices)
        out[role], out[f"{role}_side"] = _named_and_side(given, named, side, hint, actors)
        scoped = [i for i, v in enumerate(values) if _in_context(actors, v)]
        if not scoped:
            continue
        at = _bools(pc.is_in(encoded.indices, value_set=pa.array(scoped, type=encoded.indices.type)))
        in_context = _in_context_names(values, found, encoded.indices, at, out, actors)
        if in_context is None:
            continue
        context_free[role], context_free[f"{role}_side"] = out[role], out[f"{role}_side"]
        mask = pa.array(at)
        rows = _named_and_side(given.filter(mask), in_context[0], side.filter(mask), in_context[1], actors)
        out[role] = pc.replace_with_mask(out[role], mask, rows[0])
        out[f"{role}_side"] = pc.replace_with_mask(out[f"{role}_side"], mask, rows[1])
    return context_free


def _named_and_side(given: pa.Array, named: pa.Array, side: pa.Array, hint: pa.Array,
                    actors: ActorDictionary) -> tuple[pa.Array, pa.Array]:  # fmt: skip
    """The stored name (as given, else the dictionary's) and side (as given, else the name's)."""
    name = pc.coalesce(given, named)
    return name, pc.coalesce(side, _per_value(name, actors.side_of), hint)


def _in_context_names(values: list[str], found: list[tuple[str | None, str | None]], indices: pa.Array,
                      at: np.ndarray, out: dict[str, pa.Array],
                      actors: ActorDictionary) -> tuple[pa.Array, pa.Array] | None:  # fmt: skip
    """(name, side hint) of the rows ``at``, resolved with their country and year; None when
    none of them differs from the name without context."""
    rows = pa.array(np.flatnonzero(at), type=pa.int64())
    countries = pc.dictionary_encode(out["country"].take(rows))
    country_at = pc.fill_null(countries.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    year = pc.year(out["date"].take(rows)).to_numpy(zero_copy_only=False).astype(np.int64)
    value_at = indices.take(rows).to_numpy(zero_copy_only=False).astype(np.int64)
    # one integer per (name, country, year): stored years lie within DATE_MIN..DATE_MAX
    span, first_year = DATE_MAX.year - DATE_MIN.year + 1, DATE_MIN.year
    packed = (value_at * (len(countries.dictionary) + 1) + country_at + 1) * span + (year - first_year)
    keys, inverse = np.unique(packed, return_inverse=True)
    rest, year_of = np.divmod(keys, span)
    value_of, country_of = np.divmod(rest, len(countries.dictionary) + 1)
    country_names = [None, *countries.dictionary.to_pylist()]
    triples = list(zip(value_of.tolist(), country_of.tolist(), (year_of + first_year).tolist(), strict=True))
    resolved = [_normalise_raw(actors, values[v], country=country_names[c], year=y) for v, c, y in triples]
    if resolved == [found[v] for v, _, _ in triples]:
        return None
    take = pa.array(inverse.reshape(-1), type=pa.int64())
    return (pa.array([r[0] for r in resolved], type=_STRING).take(take),
            pa.array([r[1] for r in resolved], type=_STRING).take(take))  # fmt: skip


_CAMEO_CODE = re.compile(r"[A-Z0-9]{0,15}")


def _coded(raw: str) -> tuple[str, str] | None:
    """(code, name) of GDELT-style 'CODE|Name', else None.

    Only a CAMEO-shaped code (capitals and digits, no spaces) makes 'CODE|Name': a name that
    merely holds a bar ('Hamas | Qassam Brigades') is one name.
    """
    code, _, name = raw.partition("|")
    if "|" not in raw or not _CAMEO_CODE.fullmatch(code):
        return None
    return code, name


def _in_context(actors: ActorDictionary, raw: str) -> bool:
    """Whether the name can mean something else in another country or year (scoped aliases)."""
    coded = _coded(raw)
    return any(actors.scopes(name) for name in (coded or (raw,)) if name.strip())


def _normalise_raw(
    actors: ActorDictionary, raw: str, *, country: str | None = None, year: int | None = None
) -> tuple[str | None, str | None]:
    """Plain names go to the dictionary; GDELT-style 'CODE|Name' tries the name, then the code.

    ``country`` and ``year`` (the row's) apply the dictionary's scoped aliases.
    """
    coded = _coded(raw)
    if coded is None:
        return actors.normalise(raw, country=country, year=year)
    code, name = coded
    for candidate in (name, code):
        known = actors.lookup(candidate, country=country, year=year) if candidate.strip() else None
        if known:
            return known, actors.side_of(known)
    return actors.normalise(name.strip() or code.strip(), country=country, year=year)


# ---- ids, hashes and the output tables --------------------------------------------------------


def _column_hashes(out: dict[str, pa.Array], floats: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each content column's hashes, as pandas.util.hash_pandas_object hashes the typed row.

    Computed per column from Arrow (text: once per distinct value), so stores written earlier
    keep matching: the same row gets the same hash and a re-ingest finds it as a duplicate.
    """
    hashes = {}
    for column in _CONTENT:
        if column in floats:
            hashes[column] = pd.util.hash_array(floats[column].astype(np.float64))
        elif column == "date":
            days = out["date"].cast(pa.int32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")
            hashes[column] = pd.util.hash_array(days.astype("datetime64[ns]"))
        else:
            hashes[column] = _text_hashes(out[column])
    return hashes


def _combined(columns: dict[str, np.ndarray]) -> np.ndarray:
    """The content hash of each row from its columns' hashes (hash_pandas_object's combination)."""
    return combine_hash_arrays(iter([columns[c] for c in _CONTENT]), len(_CONTENT))


def _text_hashes(values: pa.Array) -> np.ndarray:
    """pandas' hash of a text column (as a Categorical: each distinct value hashed once)."""
    encoded = pc.dictionary_encode(values)
    words = encoded.dictionary.to_numpy(zero_copy_only=False).astype(object)
    codes = pc.fill_null(encoded.indices, 0).to_numpy(zero_copy_only=False)
    hashed = pd.util.hash_array(words, categorize=False) if len(words) else np.zeros(1, dtype=np.uint64)
    out = hashed.take(codes)
    out[_bools(encoded.indices.is_null())] = _U8MAX
    return out


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _hex(hashes: np.ndarray) -> pa.Array:
    """Each hash as 16 lowercase hex digits, without a Python string per row."""
    octets = hashes.astype(">u8").view(np.uint8).reshape(-1, 8)
    digits = np.empty((len(hashes), 16), dtype=np.uint8)
    digits[:, 0::2] = _HEX[octets >> 4]
    digits[:, 1::2] = _HEX[octets & 15]
    offsets = np.arange(0, 16 * len(hashes) + 1, 16, dtype=np.int32)
    return pa.StringArray.from_buffers(len(hashes), pa.py_buffer(offsets), pa.py_buffer(digits.tobytes()))


def _event_ids(out: dict[str, pa.Array], given: pa.Array, hashes: pa.Array, occurrences: Counter[str]) -> pa.Array:
    """event_id = given id, else dataset:source_id, else dataset:content-hash-k.

    The k-th identical row of a file gets suffix k, so genuinely repeated events (two IEDs at
    the same place on the same day) are kept, while re-ingesting the file maps to the same ids.
    """
    dataset = out["source_dataset"]
    from_source = pc.binary_join_element_wise(dataset, out["source_id"], ":")
    ids = pc.coalesce(given, from_source)
    missing = np.flatnonzero(_bools(ids.is_null()))
    if not len(missing):
        return ids
    keyed = []
    names = dataset.take(pa.array(missing)).to_pylist()
    for name, h in zip(names, hashes.take(pa.array(missing)).to_pylist(), strict=True):
        occurrences[h] += 1
        keyed.append(f"{name}:h{h}-{occurrences[h]}")
    return pc.coalesce(ids, _spread(pa.array(keyed, type=_STRING), _mask(len(ids), missing)))


def _mask(rows: int, at: np.ndarray) -> np.ndarray:
    mask = np.zeros(rows, dtype=bool)
    mask[at] = True
    return mask


def _good_table(out: dict[str, pa.Array], floats: dict[str, np.ndarray], line: np.ndarray) -> pa.Table:
    arrays = []
    for field in ARROW_SCHEMA:
        if field.name in floats:
            values = floats[field.name]
            number = pa.array(values, type=pa.float64(), mask=np.isnan(values))
            arrays.append(number if pa.types.is_floating(field.type) else number.cast(field.type))
        else:
            arrays.append(out[field.name].cast(field.type))
    arrays += [out["row_hash"], pa.array(line, type=pa.int64())]
    return pa.Table.from_arrays(arrays, names=[*ARROW_SCHEMA.names, "row_hash", "_line"])


def _texts(values: list[str | None]) -> tuple[pa.Array, list[str] | None]:
    """Arrow text of strings that may hold lone surrogates: those are written with backslash
    escapes; the second value is then each string's SHA-1 over its surrogates as they are."""
    try:
        return pa.array(values, type=_STRING), None
    except UnicodeEncodeError:
        hashes = [None if v is None else hashlib.sha1(v.encode("utf-8", "surrogatepass")).hexdigest() for v in values]
        escaped = [None if v is None else v.encode("utf-8", "backslashreplace").decode("utf-8") for v in values]
        return pa.array(escaped, type=_STRING), hashes


def _bad_table(line: np.ndarray, reason: pa.Array, raw: list[str]) -> pa.Table:
    raws, hashes = _texts(raw)
    return pa.Table.from_arrays(
        [pa.array(line, type=pa.int64()), reason, raws, pa.array(hashes or [None] * len(raw), type=_STRING)],
        schema=BAD_SCHEMA,
    )
