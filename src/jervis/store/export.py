"""CSV exports that a spreadsheet opens without running formulas, and that read back exactly.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (OWASP "CSV injection"): an actor named
``=HYPERLINK(...)`` in someone else's data would run on the analyst's machine. Exports prefix
such text cells with an apostrophe, which spreadsheets show as text; jervis's own CSV reader
(sources/canonical.py) removes that one apostrophe again, so an export re-imports to the same
events (the same ids and values).
"""

from __future__ import annotations

import pandas as pd

from jervis.store.schema import TEXT_COLUMNS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_QUOTED = tuple("'" + c for c in FORMULA_START)
ESCAPED_COLUMNS = ("event_id", *TEXT_COLUMNS)


def _text(series: pd.Series) -> pd.Series:
    return series.map(lambda v: v if isinstance(v, str) else "")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells that a spreadsheet would run as formulas start with an apostrophe."""
    out = frame
    for column in ESCAPED_COLUMNS:
        if column not in frame.columns or frame[column].dtype.kind != "O":
            continue
        risky = _text(frame[column]).str.startswith(FORMULA_START)
        if risky.any():
            out = out.copy() if out is frame else out
            out.loc[risky, column] = "'" + frame.loc[risky, column].astype(str)
    return out


def restore_formulas(series: pd.Series) -> pd.Series:
    """The values an export wrote: one leading apostrophe before a formula character removed."""
    quoted = _text(series).str.startswith(_QUOTED)
    if not quoted.any():
        return series
    series = series.copy()
    series[quoted] = series[quoted].str[1:]
    return series


def json_lines(frame: pd.DataFrame) -> str:
    """One JSON object per row whose numbers read back to the same values: pandas' writer keeps
    at most 15 significant digits (10 by default), so a re-ingested export "updated" every row
    with a longer coordinate; Python's json writes floats' shortest exact form. Days are
    ``YYYY-MM-DD``, other times ISO; missing values null."""
    import json

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype.kind == "M":
            out[column] = out[column].map(
                lambda t: None if pd.isna(t) else
                t.date().isoformat() if t == t.normalize() else t.isoformat(timespec="milliseconds"))  # fmt: skip
    records = out.to_dict("records")  # numpy scalars become Python ints and floats
    return "".join(
        json.dumps({k: None if _missing(v) else v for k, v in r.items()}, separators=(",", ":"),
                   ensure_ascii=False, default=str) + "\n" for r in records)  # fmt: skip


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)
