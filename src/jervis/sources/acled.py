"""ACLED (Armed Conflict Location & Event Data) exports: CSV (current and older layouts) and
API JSON.

- Current layout: lower-case columns (event_id_cnty, event_date, disorder_type, event_type,
  sub_event_type, actor1, ..., iso, country, admin1, ..., fatalities, tags, timestamp).
- Older layout (ACLED up to version 7): no sub_event_type, event types such as "Remote violence"
  or "Battle-No change of territory", a GWNO column, headers sometimes upper-case.
- API JSON: ``{"status": 200, "success": true, "count": N, "data": [{...}, ...]}``.

event/mode come from ``data/acled_map.toml`` (sub-event type first, then event type).
``killed`` is ACLED's ``fatalities``: total deaths, without saying who died, so
actor_killed/target_killed/civilians_killed stay null. ACLED battles are FIGHT because actor1
is not necessarily the side that attacked.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from jervis.errors import JervisError
from jervis.sources.base import (
    BATCH_ROWS,
    Limits,
    SourceInfo,
    batched_frames,
    blank_to_none,
    csv_records,
    raw_json,
    read_all,
)
from jervis.sources.countries import to_iso3

# event_date spellings seen in ACLED exports, tried in order (dd/mm/yyyy: older Excel exports).
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%d/%m/%Y")

_INFO = SourceInfo(
    dataset="acled",
    name="Armed Conflict Location & Event Data Project (ACLED)",
    licence="ACLED Terms of Use (attribution required; redistribution of the data restricted)",
    attribution="Raleigh, Clionadh, Andrew Linke, Håvard Hegre and Joakim Karlsen (2010) "
    "Introducing ACLED: An Armed Conflict Location and Event Dataset. Journal of Peace Research "
    "47(5). Data: ACLED, https://acleddata.com.",
    url="https://acleddata.com",
)


@lru_cache(maxsize=1)
def acled_map() -> dict[str, dict[str, dict[str, str] | str]]:
    """data/acled_map.toml with case-folded keys."""
    text = resources.files("jervis.data").joinpath("acled_map.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)
    return {
        section: {k.casefold(): v for k, v in values.items()} for section, values in table.items()
    }


def _is_acled_header(names: list[str]) -> bool:
    lower = {n.strip().strip('\ufeff"').casefold() for n in names}
    return {"event_id_cnty", "event_date", "event_type", "actor1"} <= lower


def parse_dates(values: pd.Series) -> pd.Series:
    """ISO dates from ACLED's spellings; what no format parses is passed on for the validator."""
    text = values.astype(object).where(values.notna(), None)
    out = pd.Series([None] * len(values.index), index=values.index, dtype=object)
    todo = text.notna()
    stripped = text[todo].astype(str).str.strip()
    for fmt in DATE_FORMATS:
        if stripped.empty:
            break
        parsed = pd.to_datetime(stripped, format=fmt, errors="coerce")
        ok = parsed.notna()
        out[stripped.index[ok]] = parsed[ok].dt.strftime("%Y-%m-%d")
        stripped = stripped[~ok]
    out[stripped.index] = stripped  # unparsed: the validator quarantines them as bad dates
    return out


def translate(raw: pd.DataFrame) -> pd.DataFrame:
    """Canonical columns from a frame of ACLED columns (any case; strings or numbers)."""
    source_columns = [c for c in raw.columns if not str(c).startswith("_")]
    raw_text = raw_json(raw, source_columns)
    frame = raw.rename(columns={c: str(c).strip().casefold() for c in source_columns})

    def col(name: str) -> pd.Series:
        if name in frame:
            return blank_to_none(frame[name].astype(object))
        return pd.Series([None] * len(frame.index), index=frame.index, dtype=object)

    table = acled_map()
    out = pd.DataFrame(index=frame.index)
    out["source_id"] = col("event_id_cnty")
    out["date"] = parse_dates(col("event_date"))
    precision = col("time_precision").map(lambda v: None if v is None else str(v).strip())
    mapped = precision.map(table["time_precision"])
    out["date_precision"] = mapped.where(mapped.notna(), precision)  # unknown: validator says so
    out["actor_raw"] = col("actor1")
    out["target_raw"] = col("actor2")

    event_type, sub_type = col("event_type"), col("sub_event_type")
    by_sub = sub_type.str.strip().str.casefold().map(table["sub_event_type"])
    by_type = event_type.str.strip().str.casefold().map(table["event_type"])
    rule = by_sub.where(by_sub.notna(), by_type)
    out["event"] = rule.map(lambda r: r.get("event") if isinstance(r, dict) else None)
    out["mode"] = rule.map(lambda r: r.get("mode") if isinstance(r, dict) else None)

    iso = col("iso").map(lambda v: None if v is None else str(v).strip())
    names = col("country")
    codes = {v: to_iso3(v) for v in pd.unique(pd.concat([iso, names]).dropna())}
    from_iso = iso.map(codes)
    from_name = names.map(codes)
    out["country"] = from_iso.where(from_iso.notna(), from_name).where(
        from_iso.notna() | from_name.notna(), names
    )
    out["admin1"] = col("admin1")
    out["location"] = col("location")
    out["latitude"] = col("latitude")
    out["longitude"] = col("longitude")
    out["geo_precision"] = col("geo_precision")
    out["killed"] = col("fatalities")
    out["evidence"] = col("notes")
    out["_line"] = raw["_line"].to_numpy()
    out["_span"] = raw["_span"].to_numpy() if "_span" in raw else 1
    out["_raw"] = raw_text.to_numpy()
    error = raw["_error"].astype(object) if "_error" in raw else col("_no_such_column")
    error = error.where(error.notna(), None)
    unknown = rule.isna() & error.isna() & (event_type.notna() | sub_type.notna())
    if unknown.any():
        what = "'" + event_type[unknown].fillna("") + "' / '" + sub_type[unknown].fillna("") + "'"
        error[unknown] = "ACLED event type / sub-event type " + what + " has no PLOVER event type"
    out["_error"] = error.to_numpy()
    return out


def _as_text(value: object) -> str | None:
    """JSON values as the text a CSV export would hold; lists and objects as JSON text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class AcledCsvReader:
    """ACLED CSV exports, current and older layouts."""

    name = "acled"
    info = _INFO

    def sniff(self, path: Path, head: str) -> bool:
        first = head.split("\n", 1)[0]
        return _is_acled_header(first.split(","))

    def read(self, path: Path, **_: object) -> Iterator[pd.DataFrame]:
        for frame in batched_frames(csv_records(path)):
            yield translate(frame)


class AcledJsonReader:
    """ACLED API responses saved as JSON: ``{"status": 200, "data": [...]}`` (or a bare list)."""

    name = "acled_json"
    info = _INFO

    def sniff(self, path: Path, head: str) -> bool:
        start = head.lstrip()[:1]
        return start in ("{", "[") and '"event_id_cnty"' in head

    def read(self, path: Path, **options: object) -> Iterator[pd.DataFrame]:
        batch_rows = int(options.get("batch_rows", BATCH_ROWS))  # type: ignore[call-overload]
        limits = Limits.from_env()
        data = read_all(path, limits.max_json_bytes, "an ACLED JSON document")
        try:
            payload = json.loads(data.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise JervisError(f"not a valid ACLED API JSON file ({exc})", path=str(path)) from None
        records = payload.get("data") if isinstance(payload, dict) else payload
        if isinstance(payload, dict) and (payload.get("success") is False or records is None):
            message = payload.get("error") or payload.get("message") or "no 'data' list"
            raise JervisError(f"the ACLED API response holds no events: {message}", path=str(path))
        if not isinstance(records, list):
            raise JervisError("ACLED API JSON: 'data' must be a list of events", path=str(path))
        for start in range(0, len(records), batch_rows):
            chunk = records[start : start + batch_rows]
            rows = [{str(k): _as_text(v) for k, v in r.items()} if isinstance(r, dict) else {} for r in chunk]
            frame = pd.DataFrame(rows, dtype=object)
            frame["_line"] = range(start + 1, start + len(chunk) + 1)
            frame["_error"] = [
                None if isinstance(r, dict) else "an event must be a JSON object" for r in chunk
            ]
            yield translate(frame)


ACLED = AcledCsvReader()
ACLED_JSON = AcledJsonReader()
