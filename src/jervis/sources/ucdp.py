"""UCDP Georeferenced Event Dataset (GED) CSV, old (19.1) and new (22.1+) layouts.

GED codes a dyad (side_a vs side_b), not who started an event. So state-based and non-state
events become ``event = FIGHT`` with side_a as ``actor`` only by convention; one-sided violence
(type 3: side_a against civilians) is an ``ASSAULT`` by side_a. See docs/schema.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from jervis.sources.base import SourceInfo, batched_frames, csv_records, raw_json
from jervis.sources.countries import to_iso3

# UCDP date_prec: 1 exact day, 2 within 2-6 days, 3 within a week, 4 within a month,
# 5 within a year (GED codebook 22.1, section 3.7).
_DATE_PRECISION = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
_EVENT = {"1": "FIGHT", "2": "FIGHT", "3": "ASSAULT"}


def _is_hxl(fields: list[str]) -> bool:
    """The second line of GED CSVs holds HXL hashtags (#date+year...), not data.

    Only ever asked of the first data row (csv_records), so a later row with a blank id and a
    field starting with '#' is data like any other, and is counted.
    """
    return any(f.startswith("#") for f in fields) and not fields[0].strip()


class UcdpGedReader:
    name = "ucdp_ged"
    info = SourceInfo(
        dataset="ucdp_ged",
        name="UCDP Georeferenced Event Dataset (GED)",
        licence="CC BY 4.0",
        attribution="Sundberg, Ralph and Erik Melander (2013) Introducing the UCDP Georeferenced "
        "Event Dataset, Journal of Peace Research 50(4); Davies, Pettersson & Öberg (2022) "
        "Organized violence 1989-2021, Journal of Peace Research 59(4). Uppsala Conflict Data "
        "Program.",
        url="https://ucdp.uu.se/downloads/",
    )

    def sniff(self, path: Path, head: str) -> bool:
        first = head.splitlines()[0] if head else ""
        return all(name in first for name in ("side_a", "side_b", "deaths_a", "date_start", "best"))

    def read(self, path: Path, **_: object) -> Iterator[pd.DataFrame]:
        records = csv_records(path, skip_row=_is_hxl)
        for frame in batched_frames(records):
            yield self.translate(frame)

    @staticmethod
    def translate(raw: pd.DataFrame) -> pd.DataFrame:
        source_columns = [c for c in raw.columns if not c.startswith("_")]
        out = pd.DataFrame(index=raw.index)
        out["source_id"] = raw["id"]
        start = raw["date_start"].str.strip().str.slice(0, 10)
        out["date"] = start
        out["date_precision"] = raw["date_prec"].str.strip().map(_DATE_PRECISION)
        out["actor_raw"] = raw["side_a"]
        out["target_raw"] = raw["side_b"]
        out["event"] = raw["type_of_violence"].str.strip().map(_EVENT)
        code = raw["iso3"] if "iso3" in raw else raw["country"]
        iso = {v: to_iso3(v) for v in pd.unique(code)}
        names = {v: to_iso3(v) for v in pd.unique(raw["country"])}
        # A code that names no country, or a blank code beside an unknown name, reaches the
        # validator as written, which quarantines it: never a silent null country.
        out["country"] = [
            iso.get(c) or names.get(n) or (c if c.strip() else n)
            for c, n in zip(code, raw["country"], strict=True)
        ]
        out["admin1"] = raw["adm_1"].str.replace(r"\s+(province|governorate|oblast)$", "", regex=True)
        out["location"] = raw["where_coordinates"]
        out["latitude"] = raw["latitude"]
        out["longitude"] = raw["longitude"]
        out["geo_precision"] = raw["where_prec"]
        out["killed"] = raw["best"]
        out["actor_killed"] = raw["deaths_a"]
        out["target_killed"] = raw["deaths_b"]
        out["civilians_killed"] = raw["deaths_civilians"]
        out["evidence"] = raw["source_headline"].str.slice(0, 500)
        out["_line"] = raw["_line"]
        out["_span"] = raw["_span"] if "_span" in raw else 1
        out["_raw"] = raw_json(raw, source_columns)
        out["_error"] = raw["_error"]
        unknown_type = out["event"].isna() & raw["_error"].isna()
        out.loc[unknown_type, "_error"] = "unknown type_of_violence " + raw.loc[unknown_type, "type_of_violence"].map(repr)
        if "date_end" in raw:  # both ISO dates: text order is date order
            end = raw["date_end"].str.strip().str.slice(0, 10)
            end_day = pd.to_datetime(end, format="%Y-%m-%d", errors="coerce")
            start_day = pd.to_datetime(start, format="%Y-%m-%d", errors="coerce")
            before = raw["_error"].isna() & (end_day < start_day)  # NaT compares False
            out.loc[before, "_error"] = "date_end '" + end[before] + "' is before date_start '" + start[before] + "'"
        return out


UCDP_GED = UcdpGedReader()
