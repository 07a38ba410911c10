"""The validator of jervis 4c4ec11 (``store/validate.py``, pandas), kept verbatim but for one
later rule, marked "Since 4c4ec11": scoped aliases resolve with each row's country and year
(written here row by row), and rows without an id keep the id of their names read without them.

The reference for tests/store/test_validate_reference.py: the Arrow validator that replaced it
must give the same stored rows (values, ids, content hashes), the same quarantined rows and the
same reasons. Its original docstring follows.

One place where every source's rows are checked, typed and given ids.

A row that fails any check goes to quarantine with every reason found; nothing is silently
dropped or coerced to a wrong value (unknown counts stay null, never 0).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jervis.sources.base import safe_text
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


@dataclass
class Checked:
    """A validated batch: rows to store (Arrow, canonical + row_hash + _line) and rows to quarantine."""

    good: pa.Table
    bad: pd.DataFrame  # columns: line, reason, raw


def _text(series: pd.Series) -> pd.Series:
    """Strings stripped; blanks and NA spellings become None (Arrow kernels: this is hot)."""
    s = series.astype(object)
    if not s.notna().any():
        return pd.Series(None, index=s.index, dtype=object)
    try:
        arr = pa.array(s, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers or dates in a text column
        arr = pa.array(s.map(lambda v: None if v is None or v != v else str(v)), type=pa.string())
    arr = pc.utf8_trim_whitespace(arr)
    arr = pc.if_else(pc.is_in(arr, value_set=_BLANK_ARRAY), None, arr)
    return pd.Series(arr.to_pandas(), index=s.index, dtype=object)


class _Reasons:
    def __init__(self, index: pd.Index):
        self.values = pd.Series([""] * len(index), index=index, dtype=object)

    def add(self, mask: pd.Series, message: str, values: pd.Series | None = None, suffix: str = "") -> None:
        """Record ``message 'value' suffix`` for the rows in mask (text built only for those)."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        msg: pd.Series | str = message
        if values is not None and not message:
            msg = values[mask].astype(str)  # a reader's own message, verbatim
        elif values is not None:
            msg = message + " " + _quoted(values[mask]) + suffix
        current = self.values[mask]
        self.values[mask] = np.where(current == "", msg, current + "; " + msg)

    @property
    def failed(self) -> pd.Series:
        return self.values != ""


def _quoted(values: pd.Series) -> pd.Series:
    return "'" + values.astype(str).str.slice(0, 40) + "'"


# The stored integer types (store/schema.py): counts are INTEGER, geo_precision SMALLINT.
INT_MAX = {column: 2**31 - 1 for column in INT_COLUMNS} | {"geo_precision": 2**15 - 1}
# pandas' nanosecond timestamps bound the dates a row can have.
DATE_MIN, DATE_MAX = pd.Timestamp.min.ceil("D").date(), pd.Timestamp.max.floor("D").date()


def _numeric(frame: pd.DataFrame, column: str, reasons: _Reasons, *, integer: bool) -> pd.Series:
    text = _text(frame[column])
    number = pd.to_numeric(text, errors="coerce").astype("float64")
    present = text.notna()
    reasons.add(present & number.isna(), column, text, " is not a number")
    if integer:
        finite = np.isfinite(number)
        fractional = number.notna() & finite & (number != np.floor(number.fillna(0)))
        reasons.add(fractional, column, text, " is not a whole number")
        reasons.add(number < 0, column, text, " is negative")
        too_big = number.notna() & ~fractional & (~finite | (number > INT_MAX[column]))
        reasons.add(too_big, column, text, f" is out of range (at most {INT_MAX[column]:,})")
        number = number.where(~too_big, np.nan)
    return number


def _unreadable_text(frame: pd.DataFrame, reasons: _Reasons) -> None:
    """Quarantine text that cannot be stored: NUL bytes and invalid Unicode (lone surrogates).

    Clean columns cost one Arrow conversion and one kernel each (this runs on every batch).
    """
    for column in COLUMNS:
        values = frame[column]
        if values.dtype.kind != "O" or values.empty:
            continue
        try:
            text = pa.array(values, type=pa.string(), from_pandas=True)
        except UnicodeEncodeError:
            text = None  # lone surrogates: found row by row below
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers among the text (JSON sources)
            strings = values.map(lambda v: v if isinstance(v, str) else None)
            try:
                text = pa.array(strings, type=pa.string(), from_pandas=True)
            except UnicodeEncodeError:
                text = None
        if text is not None:
            if pc.any(pc.match_substring(text, "\x00")).as_py():
                reasons.add(values.map(lambda v: isinstance(v, str) and "\x00" in v), f"{column} holds a NUL byte")
            continue
        nul = values.map(lambda v: isinstance(v, str) and "\x00" in v)
        reasons.add(nul, f"{column} holds a NUL byte")
        bad = values.map(lambda v: isinstance(v, str) and safe_text(v) != v)
        reasons.add(bad, f"{column} holds invalid Unicode (an undecodable byte or a lone surrogate)")
        frame[column] = values.map(lambda v: safe_text(v) if isinstance(v, str) else v)


def check_batch(
    frame: pd.DataFrame,
    *,
    source_dataset: str,
    actors: ActorDictionary,
    occurrences: Counter[str],
) -> Checked:
    """Validate and type one reader batch; assign event ids and content hashes."""
    frame = frame.reset_index(drop=True)
    for column in COLUMNS:
        if column not in frame:
            frame[column] = None
    reasons = _Reasons(frame.index)
    if "_error" in frame:
        err = frame["_error"]
        reasons.add(err.notna(), "", err.astype(object))
    _unreadable_text(frame, reasons)
    out = pd.DataFrame(index=frame.index)

    for column in TEXT_COLUMNS:
        out[column] = _text(frame[column])
    out["source_dataset"] = out["source_dataset"].fillna(source_dataset)

    # Dates and times.
    raw_date = frame["date"]
    if pd.api.types.is_datetime64_any_dtype(raw_date):
        date = raw_date.dt.normalize()
        date_text = raw_date.astype(str)
    else:
        date_text = _text(raw_date)
        date = pd.to_datetime(date_text, format="%Y-%m-%d", errors="coerce")
    reasons.add(date_text.isna(), "missing date")
    failed_date = date_text.notna() & date.isna()
    if failed_date.any():
        outside = date_text[failed_date].map(_outside_range).reindex(date_text.index, fill_value=False)
        reasons.add(outside, "date", date_text, f" is outside the supported range {DATE_MIN} to {DATE_MAX}")
        failed_date &= ~outside
    reasons.add(failed_date, "bad date", date_text)
    out["date"] = date
    time = _text(frame["time"])
    time = time.where(time.isna() | (time.astype(str).str.len() != 5), time + ":00")
    well_formed = pc.fill_null(
        pc.match_substring_regex(pa.array(time, type=pa.string()), r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$"),
        True,
    )
    bad_time = pd.Series(~well_formed.to_numpy(zero_copy_only=False), index=time.index)
    reasons.add(bad_time, "bad time", time, " (want HH:MM:SS UTC)")
    out["time"] = time
    precision = _text(frame["date_precision"]).str.lower()
    precision = precision.where(precision.notna(), np.where(time.notna(), "time", "day"))
    reasons.add(~precision.isin(DATE_PRECISIONS), "unknown date_precision", precision)
    out["date_precision"] = precision

    # Vocabularies.
    event = _text(frame["event"]).str.upper()
    reasons.add(event.isna(), "missing event type")
    reasons.add(event.notna() & ~event.isin(PLOVER_EVENTS), "unknown PLOVER event", event)
    out["event"] = event
    mode = _text(frame["mode"]).str.lower()
    reasons.add(mode.notna() & ~mode.isin(MODES), "unknown mode", mode)
    out["mode"] = mode
    country = _text(frame["country"]).str.upper()
    bad_country = country.notna() & ~country.astype(str).str.fullmatch(r"[A-Z]{3}")
    reasons.add(bad_country, "country", country, " is not ISO 3166 alpha-3")
    out["country"] = country

    # Numbers.
    lat = _numeric(frame, "latitude", reasons, integer=False)
    lon = _numeric(frame, "longitude", reasons, integer=False)
    reasons.add(lat.abs() > 90, "latitude", lat, " out of range [-90, 90]")
    reasons.add(lon.abs() > 180, "longitude", lon, " out of range [-180, 180]")
    reasons.add(lat.isna() != lon.isna(), "latitude and longitude must both be given or both empty")
    out["latitude"], out["longitude"] = lat, lon
    out["geo_precision"] = _numeric(frame, "geo_precision", reasons, integer=True)
    for column in INT_COLUMNS:
        out[column] = _numeric(frame, column, reasons, integer=True)
    confidence = _numeric(frame, "confidence", reasons, integer=False)
    reasons.add((confidence < 0) | (confidence > 1), "confidence must be between 0 and 1")
    out["confidence"] = confidence

    # Actors: canonical names and side hints from the alias dictionary.
    for role in ("actor", "target"):
        # A name given only as `actor` is treated as raw and normalised; given both, both kept.
        given = out[role].where(out[f"{role}_raw"].notna(), None)
        raw = out[f"{role}_raw"].where(out[f"{role}_raw"].notna(), out[role])
        out[f"{role}_raw"] = raw
        lookup = {v: _normalise_raw(actors, v) for v in pd.unique(raw.dropna())}
        named = raw.map({k: v[0] for k, v in lookup.items()})
        hint = raw.map({k: v[1] for k, v in lookup.items()})
        side = out[f"{role}_side"]
        # Since 4c4ec11: a name with scoped aliases is resolved with its row's country and year;
        # the names without them are kept for the ids of rows without one (_assign_ids).
        in_context_named, in_context_hint = named.astype(object).copy(), hint.astype(object).copy()
        for i in raw.index[raw.notna()]:
            if _scoped(actors, raw[i]):
                country_i, day = out.at[i, "country"], out.at[i, "date"]
                in_context_named[i], in_context_hint[i] = _normalise_raw(
                    actors, raw[i], country=country_i if isinstance(country_i, str) else None,
                    year=None if pd.isna(day) else day.year)  # fmt: skip
        for prefix, names, hints in (("_free_", named, hint), ("", in_context_named, in_context_hint)):
            out[prefix + role] = given.where(given.notna(), names)
            canon_hint = out[prefix + role].map({n: actors.side_of(n) for n in pd.unique(out[prefix + role].dropna())})
            out[f"{prefix}{role}_side"] = side.where(side.notna(), canon_hint.where(canon_hint.notna(), hints))

    if "_error" in frame:  # a row the reader could not read: its fields were blanked, so the
        broken = frame["_error"].notna().to_numpy()  # other checks would only add noise
        if broken.any():
            reasons.values[broken] = frame["_error"][broken].astype(str).to_numpy()
    failed = reasons.failed
    bad = pd.DataFrame(
        {
            "line": frame["_line"] if "_line" in frame else frame.index + 1,
            "reason": reasons.values,
            "raw": frame["_raw"] if "_raw" in frame else "",
        }
    )[failed]
    good = out[~failed].copy()
    good["_line"] = (frame["_line"] if "_line" in frame else frame.index + 1)[~failed]
    good = _assign_ids(good, frame.loc[~failed, "event_id"], occurrences)
    return Checked(good=_to_arrow(good), bad=bad.reset_index(drop=True))


def _outside_range(text: object) -> bool:
    """A real calendar date that pandas' timestamps cannot hold (before 1677, after 2262)."""
    try:
        day = date.fromisoformat(str(text))
    except ValueError:
        return False
    return len(str(text)) == 10 and not (DATE_MIN <= day <= DATE_MAX)


def _normalise_raw(actors: ActorDictionary, raw: str, country: str | None = None,
                   year: int | None = None) -> tuple[str | None, str | None]:  # fmt: skip
    """Plain names go to the dictionary; GDELT-style 'CODE|Name' tries the name, then the code."""
    if "|" not in raw:
        return actors.normalise(raw, country=country, year=year)
    code, _, name = raw.partition("|")
    for candidate in (name, code):
        known = actors.lookup(candidate, country=country, year=year) if candidate.strip() else None
        if known:
            return known, actors.side_of(known)
    return actors.normalise(name.strip() or code.strip(), country=country, year=year)


def _scoped(actors: ActorDictionary, raw: str) -> bool:
    """Since 4c4ec11: whether a name (or either half of 'CODE|Name') has scoped aliases."""
    parts = raw.partition("|")[::2] if "|" in raw else (raw,)
    return any(actors.scopes(p) for p in parts if p.strip())


def _assign_ids(good: pd.DataFrame, given_ids: pd.Series, occurrences: Counter[str]) -> pd.DataFrame:
    """event_id = given id, else dataset:source_id, else dataset:content-hash-k.

    The k-th identical row of a file gets suffix k, so genuinely repeated events (two IEDs at
    the same place on the same day) are kept, while re-ingesting the file maps to the same ids.
    """
    # Fixed dtypes, so the same row hashes the same whatever else is in its batch or format.
    content = good[_CONTENT].copy()
    for column in (*INT_COLUMNS, "latitude", "longitude", "geo_precision", "confidence"):
        content[column] = content[column].astype("float64")
    content["date"] = content["date"].astype("datetime64[ns]")
    good["row_hash"] = pd.util.hash_pandas_object(content, index=False).map("{:016x}".format).astype(object).values
    # Since 4c4ec11: the ids of rows without one hash the names read without country and year.
    for column in ("actor", "actor_side", "target", "target_side"):
        content[column] = good["_free_" + column]
    hashes = pd.util.hash_pandas_object(content, index=False).map("{:016x}".format).astype(object)
    given = _text(given_ids.reset_index(drop=True)).set_axis(good.index)
    from_source = good["source_dataset"] + ":" + good["source_id"].astype(str)
    ids = given.where(given.notna(), from_source.where(good["source_id"].notna(), None))
    missing = ids.isna()
    if missing.any():
        keyed = []
        for h in hashes[missing]:
            occurrences[h] += 1
            keyed.append(f"h{h}-{occurrences[h]}")
        ids[missing] = (good.loc[missing, "source_dataset"] + ":" + pd.Series(keyed, index=ids[missing].index))
    good["event_id"] = ids
    return good


def _to_arrow(good: pd.DataFrame) -> pa.Table:
    arrays = []
    for field in ARROW_SCHEMA:
        values = good[field.name]
        if field.name == "date":
            arrays.append(pa.array(values.dt.date if len(values) else [], type=field.type))
        elif pa.types.is_integer(field.type):
            arrays.append(pa.array(values.astype("Int64"), type=field.type))
        elif pa.types.is_floating(field.type):
            arrays.append(pa.array(values.astype(float), type=field.type, from_pandas=True))
        else:
            arrays.append(pa.array(values.astype(object).where(values.notna(), None), type=field.type))
    names = list(ARROW_SCHEMA.names)
    arrays += [pa.array(good["row_hash"], pa.string()), pa.array(good["_line"].astype("int64"))]
    return pa.Table.from_arrays(arrays, names=names + ["row_hash", "_line"])
