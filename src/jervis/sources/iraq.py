"""The Iraq 2006-2008 air operations and insurgent attacks (geocausal, Papadogeorgou et al. 2022).

Rows are ``date,longitude,latitude,type``. Air operations (type Airstrike or SOF, a show of
force) are actions of the "US-led coalition"; the attacks (IED, SAF = small-arms fire, other)
are actions of "insurgents". Targets are not coded in the data and stay unknown.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from jervis.sources.base import (
    BATCH_ROWS,
    SourceInfo,
    batched_frames,
    csv_records,
    parquet_file,
    raw_json,
)

# type -> (actor, PLOVER event, mode)
TYPES = {
    "Airstrike": ("US-led coalition", "ASSAULT", "air_strike"),
    "SOF": ("US-led coalition", "MOBILIZE", "show_of_force"),
    "IED": ("insurgents", "ASSAULT", "ied"),
    "SAF": ("insurgents", "ASSAULT", "small_arms"),
    "other": ("insurgents", "ASSAULT", "other"),
}


_COLUMNS = ["date", "longitude", "latitude", "type"]


def _raw_batches(path: Path) -> Iterator[pd.DataFrame]:
    """The file's own columns as text, from CSV or from the compact Parquet the package ships."""
    if path.suffix.lower() != ".parquet":
        yield from batched_frames(csv_records(path))
        return
    line = 2  # as if the header were line 1, so messages match the CSV original
    for batch in parquet_file(path).iter_batches(batch_size=BATCH_ROWS):
        frame = batch.to_pandas().astype(str)
        frame["_line"] = range(line, line + len(frame))
        frame["_error"] = None
        line += len(frame)
        yield frame


class IraqReader:
    name = "iraq_2006_2008"
    info = SourceInfo(
        dataset="iraq_2006_2008",
        name="Iraq 2006-2008 airstrikes and insurgent attacks (R package geocausal)",
        licence="MIT, (c) 2023 the geocausal authors",
        attribution="Papadogeorgou, Imai, Lyall & Li (2022), Causal inference with "
        "spatio-temporal data: estimating the effects of airstrikes on insurgent violence in "
        "Iraq, JRSS-B 84(5). Data from the R package geocausal.",
        url="https://github.com/mmukaigawara/geocausal",
    )

    def sniff(self, path: Path, head: str) -> bool:
        if path.suffix.lower() == ".parquet":
            return parquet_file(path).schema_arrow.names == _COLUMNS
        first = head.splitlines()[0].strip().lower() if head else ""
        return first == ",".join(_COLUMNS)

    def read(self, path: Path, **_: object) -> Iterator[pd.DataFrame]:
        for raw in _raw_batches(path):
            kind = raw["type"].str.strip().map(TYPES)
            out = pd.DataFrame(index=raw.index)
            out["date"] = raw["date"]
            out["actor_raw"] = kind.str[0]
            out["event"] = kind.str[1]
            out["mode"] = kind.str[2]
            out["country"] = "IRQ"
            out["latitude"] = raw["latitude"]
            out["longitude"] = raw["longitude"]
            out["_line"] = raw["_line"]
            out["_span"] = raw["_span"] if "_span" in raw else 1
            out["_raw"] = raw_json(raw, _COLUMNS)
            out["_error"] = raw["_error"]
            unknown = kind.isna() & raw["_error"].isna()
            out.loc[unknown, "_error"] = "unknown type " + raw.loc[unknown, "type"].map(repr) + (
                " (want Airstrike, SOF, IED, SAF or other)"
            )
            yield out


IRAQ_2006_2008 = IraqReader()
