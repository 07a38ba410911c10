"""``jervis.analyze``: from a dyad file (or an event frame) to the verdict, every setting recorded.

Settings come from, in order of precedence: keyword arguments, the dyad's ``[analysis]`` table,
then ``settings.DEFAULTS`` (all checked in ``settings.py``). Day-based settings stay in days;
each method converts them to bins itself, so a weekly analysis of a 7-day horizon looks one
week ahead. The computation is ``verdict.compute_verdict``, the same function the simulation
studies score.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from jervis.analysis.series import SIDES, DyadSeries, build_series
from jervis.analysis.settings import check_settings, resolve
from jervis.analysis.verdict import Verdict, compute_verdict
from jervis.errors import JervisError

PYTHON_HINT = 'pass db="path/to/store.duckdb" (a store made by jervis.ingest)'
CLI_HINT = "run `jervis ingest` first or pass --db"


def analyze(
    dyad: Any = None,
    db: str | Path | None = None,
    bin: str | None = None,
    events: pd.DataFrame | None = None,
    methods: list[str] | tuple[str, ...] | None = None,
    progress: Callable[[str], None] | None = None,
    source_gaps: list[dict] | None = None,
    **settings: Any,
) -> Verdict:
    """The verdict for a dyad (TOML path or Dyad), from the store or from ``events``.

    ``source_gaps``: with ``events``, the spans no ingested file covered (as
    ``jervis.store.query.source_gaps`` gives them); from the store they are found there.

    Keyword settings override the dyad's ``[analysis]`` table (e.g. ``horizon_days=14``,
    ``actions="harm"``, ``min_incidents=50``, ``exclude=[["2006-09-25", "2007-02-22"]]``).
    ``progress(step)`` is called before each step of the computation.
    """
    return analyze_dyad(dyad, db, bin, events, methods, progress, hint=PYTHON_HINT,
                        source_gaps=source_gaps, **settings)


def analyze_dyad(
    dyad: Any = None,
    db: str | Path | None = None,
    bin: str | None = None,
    events: pd.DataFrame | None = None,
    methods: list[str] | tuple[str, ...] | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    hint: str = CLI_HINT,
    source_gaps: list[dict] | None = None,
    **settings: Any,
) -> Verdict:
    """``analyze`` with the hint a missing store gets (the CLI's names --db, Python's db=)."""
    name, series, merged = load_series(dyad, db, bin, events, methods, hint=hint,
                                       source_gaps=source_gaps, **settings)
    return compute_verdict(series, name=name, settings=merged, progress=progress)


MAX_SPAN_DAYS = 100 * 365 + 25  # a century of days: more is stray dates, not a dyad's history


def _listed(methods: Any) -> Any:
    """Methods as a list when given as a collection; anything else goes to the settings check,
    which names it (list(5) was a TypeError)."""
    return list(methods) if isinstance(methods, list | tuple | set | frozenset) else methods


def load_series(
    dyad: Any = None,
    db: str | Path | None = None,
    bin: str | None = None,
    events: pd.DataFrame | None = None,
    methods: list[str] | tuple[str, ...] | None = None,
    *,
    hint: str = CLI_HINT,
    source_gaps: list[dict] | None = None,
    **settings: Any,
) -> tuple[str, DyadSeries, dict[str, Any]]:
    """The dyad's name, its series and the merged settings (what every analysis starts from)."""
    check_settings(settings, where="jervis.analyze():")
    name, labels, start, end, table, path = "dyad", {"A": "A", "B": "B"}, None, None, {}, None
    declared: list[dict] = list(source_gaps or [])
    if dyad is not None:
        from jervis.store.dyad import load_dyad

        loaded = load_dyad(dyad)
        name = loaded.name
        labels = {s: loaded.label(s) for s in SIDES}
        start, end = loaded.filters.start, loaded.filters.end
        table = dict(loaded.analysis)
        path = getattr(loaded, "path", None)
        if events is None:
            events, declared = _from_store(loaded, db, hint)
    if events is None:
        raise JervisError(
            "give a dyad file (with a store: jervis.analyze(dyad, db=\"path/to/store.duckdb\")) "
            "or an event frame (jervis.analyze(events=frame))"
        )
    check_settings(table, where=f"{path}: [analysis]" if path else "[analysis]")
    merged = resolve(table, settings, {"bin": bin, "methods": _listed(methods) or None})
    dates = None
    if "date" in events and len(events):
        with warnings.catch_warnings():  # unreadable dates are refused, one line, by build_series
            warnings.simplefilter("ignore", UserWarning)
            dates = pd.to_datetime(events["date"], errors="coerce")
    if dates is not None:
        _check_span(dates, start, end)
        _check_silence(events, dates, start, end)
    series = build_series(
        events,
        bin=merged["bin"],
        start=start,
        end=end,
        labels=labels,
        actions=merged["actions"],
        excluded=[*declared, *merged["exclude"]],
        coverage_gap_days=merged["coverage_gap_days"],
    )
    # What the store says about the rows (fused events of `jervis dedup`, store/engine.py).
    series.notes.extend(n for n in events.attrs.get("notes", []) if n not in series.notes)
    return name, series, merged


def _check_span(dates: pd.Series, start: Any, end: Any) -> None:
    """Stray dates centuries apart (1700 and 2260 beside a year of data) are named: a daily
    series over them ran a fit for hours (or overflowed pandas' Timedelta past 292 years).
    ``dates``: the events' dates, parsed (unparsable ones NaT)."""
    if dates.isna().all():
        return
    first = pd.Timestamp(start).date() if start else dates.min().date()
    last = pd.Timestamp(end).date() if end else dates.max().date()
    days = (last - first).days + 1
    if days > MAX_SPAN_DAYS:
        raise JervisError(
            f"the dyad's events run from {first} to {last} ({days // 365} years): an analysis covers at most "
            f"{MAX_SPAN_DAYS // 365} years; set start and end in the dyad's [filters] (a date far from the others "
            "is often a typo: find it with `jervis events --start` / `--end`)"
        )  # fmt: skip


STRAY_SILENCE_DAYS = 5 * 365  # a silence this long that also dwarfs the data: stray rows


def _check_silence(events: pd.DataFrame, dates: pd.Series, start: Any, end: Any) -> None:
    """A few rows decades away from the rest (a typed 1946 for 2006) are named: the daily series
    over the silence between them was minutes of fitting mostly empty days, ending in "a
    numerical failure". A silence counts when no event on either side falls in it for at least
    five years and it is longer than the rest of the period together; the rows on its smaller
    side are listed. ``dates``: the events' dates, parsed, as for ``_check_span``."""
    keep = dates.notna()
    if start:
        keep &= dates >= pd.Timestamp(start)
    if end:
        keep &= dates <= pd.Timestamp(end)
    dates = dates[keep].dt.normalize()
    days = dates.drop_duplicates().sort_values().reset_index(drop=True)
    if len(days) < 2:
        return
    steps = days.diff().dt.days
    at = int(steps.idxmax())
    silence = int(steps[at]) - 1  # whole days with no event
    span = int((days.iloc[-1] - days.iloc[0]).days) + 1
    if silence < STRAY_SILENCE_DAYS or silence <= span - silence:
        return
    lo, hi = days.iloc[at - 1], days.iloc[at]
    before, after = dates[dates <= lo], dates[dates >= hi]
    side, few, many = ("before", before, after) if len(before) <= len(after) else ("after", after, before)
    ids = events.loc[few.index, "event_id"].astype(str) if "event_id" in events else None
    shown = [f"{d.date()} {ids[i]}" if ids is not None else str(d.date())
             for i, d in few.sort_values(kind="stable").head(3).items()]  # fmt: skip
    more = f", and {len(few) - 3:,} more" if len(few) > 3 else ""
    raise JervisError(
        f"the dyad's events have no event from {(lo + pd.Timedelta(days=1)).date()} to "
        f"{(hi - pd.Timedelta(days=1)).date()} ({silence // 365} years), longer than the rest of "
        f"the period together: {len(few):,} event{'s' if len(few) != 1 else ''} {side} it "
        f"({', '.join(shown)}{more}) against {len(many):,} {'after' if side == 'before' else 'before'}; "
        "a date that far from the others is often a typo: correct those rows, or set start and end "
        "in the dyad's [filters] to the period to analyse"
    )


def _from_store(dyad: Any, db: Any, hint: str) -> tuple[pd.DataFrame, list[dict]]:
    """The dyad's events and the spans its sources did not cover (between ingested files)."""
    from jervis.store.db import resolve_db
    from jervis.store.engine import Engine
    from jervis.store.query import dyad_events, source_gaps

    if isinstance(db, Engine):  # a store or lake on DuckDB or Spark, checked when made
        return dyad_events(dyad, db), source_gaps(dyad, db)
    path = resolve_db(db)
    if not path.exists():
        raise JervisError(f"no such store; {hint}", path=str(path))
    return dyad_events(dyad, path), source_gaps(dyad, path)
