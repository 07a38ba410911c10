"""``jervis.analyze``: from a dyad file (or an event frame) to the verdict, every setting recorded.

Settings come from, in order of precedence: keyword arguments, the dyad's ``[analysis]`` table,
then ``DEFAULTS``. Day-based settings (horizon, lags, gaps) are converted to bins, so a weekly
analysis of a 7-day horizon looks one week ahead.
"""

from __future__ import annotations

import importlib
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jervis.analysis.count_regression import DAYS_PER_BIN, DIRECTIONS, CountRegression
from jervis.analysis.granger import Granger
from jervis.analysis.series import SIDES, DyadSeries, build_series
from jervis.analysis.verdict import Verdict, decide, holm
from jervis.errors import JervisError

ALL_METHODS = ("count_regression", "event_study", "granger", "episodes", "spatial")
DEFAULTS: dict[str, Any] = {
    "actions": "initiated",
    "bin": "day",
    "horizon_days": 7,
    "max_lag_days": 14,
    "lag_selection": "aic",
    "trend_every_days": 365,
    "season": False,
    "dispersion": "ml",
    "var_occurrence": True,
    "min_events": 30,
    "min_active_bins": 10,
    "episode_gap_days": 7,
    "episode_window_days": 3,
    "episode_threshold": "auto",
    "coverage_gap_days": 60,
    "n_placebo": 1000,
    "seed": 0,
}
# A2's estimators, imported lazily: module, class.
_OTHERS = {
    "event_study": ("jervis.analysis.event_study", "EventStudy"),
    "episodes": ("jervis.analysis.episodes", "Episodes"),
    "spatial": ("jervis.analysis.spatial", "SpatialWindows"),
}


def _bins(days: int | None, bin: str) -> int | None:
    """Days to bins (at least one); None or 0 days stay None (off)."""
    return None if not days else max(1, math.ceil(int(days) / DAYS_PER_BIN[bin]))


def make_estimator(name: str, settings: dict[str, Any]) -> Any:
    """The configured estimator for one method name."""
    bin = settings["bin"]
    horizon = _bins(settings["horizon_days"], bin)
    max_lag = _bins(settings["max_lag_days"], bin) if settings["max_lag_days"] else 0
    if name == "count_regression":
        return CountRegression(
            horizon=horizon,
            max_lag=max_lag,
            lag_selection=settings["lag_selection"],
            dispersion=settings["dispersion"],
            trend_every=max(1, int(settings["trend_every_days"]) // DAYS_PER_BIN[bin]),
            season=bool(settings["season"]),
        )
    if name == "granger":
        return Granger(
            max_lags=max(horizon, max_lag),
            ic=settings["lag_selection"],
            horizon=horizon,
            occurrence=settings["var_occurrence"],
        )
    if name not in _OTHERS:
        raise JervisError(f"unknown method {name!r}; choose from {', '.join(ALL_METHODS)}")
    module, cls = _OTHERS[name]
    estimator = getattr(importlib.import_module(module), cls)
    seed, n_placebo = settings["seed"], settings["n_placebo"]
    if name == "event_study":
        return estimator(window=horizon, n_placebo=n_placebo, n_boot=n_placebo, seed=seed)
    if name == "episodes":
        return estimator(
            gap=_bins(settings["episode_gap_days"], bin),
            horizon=horizon,
            window=_bins(settings["episode_window_days"], bin),
            threshold=settings["episode_threshold"],
            n_boot=n_placebo,
            seed=seed,
        )
    return estimator(seed=seed)


def run_method(name: str, series: DyadSeries, direction: str, settings: dict) -> dict[str, Any]:
    """One method's summary, or {"error": ...} when it cannot run on these data."""
    try:
        return make_estimator(name, settings).fit(series, direction=direction).summary()
    except ImportError as exc:
        return {"error": f"method not available ({exc})"}
    except (JervisError, ValueError, np.linalg.LinAlgError, ZeroDivisionError) as exc:
        return {"error": str(exc)}


def gate_reason(series: DyadSeries, settings: dict[str, Any]) -> str | None:
    """Why there is too little data for any verdict (None when there is enough)."""
    totals = series.totals()
    need = int(settings["min_events"])
    noun = "deaths" if series.actions == "harm" else "actions"
    if min(totals.values()) < need:
        have = " and ".join(f"{totals[s]} by {series.label(s)}" for s in SIDES)
        months = (series.end - series.start).days / 30.44
        return (
            f"only {have} over {months:.0f} months: at least {need} {noun} per side are "
            "needed for a verdict"
        )
    active = {s: int((series.counts[s] > 0).sum()) for s in SIDES}
    need_bins = int(settings["min_active_bins"])
    if min(active.values()) < need_bins:
        have = " and ".join(f"{active[s]} for {series.label(s)}" for s in SIDES)
        return (
            f"{noun} fall in only {have} {series.bin}s: at least {need_bins} per side are "
            "needed for a verdict"
        )
    return None


def verdict_from_series(
    series: DyadSeries,
    *,
    name: str = "dyad",
    methods: list[str] | tuple[str, ...] | None = None,
    settings: dict[str, Any] | None = None,
) -> Verdict:
    """Run the methods in both directions and apply the verdict rule."""
    from jervis import __version__

    settings = {**DEFAULTS, **(settings or {}), "bin": series.bin, "actions": series.actions}
    chosen = list(dict.fromkeys(["count_regression", *(methods or ALL_METHODS)]))
    for method in chosen:
        if method not in ALL_METHODS:
            raise JervisError(f"unknown method {method!r}; choose from {', '.join(ALL_METHODS)}")
    settings["methods"] = chosen
    gate = gate_reason(series, settings)
    summaries: dict[str, dict[str, dict | None]] = {d: {} for d in DIRECTIONS}
    if gate is None:
        for direction in DIRECTIONS:
            for method in chosen:
                summaries[direction][method] = run_method(method, series, direction, settings)
    adjusted: dict[str, dict[str, float | None]] = {d: {} for d in DIRECTIONS}
    for method in chosen:
        p_values = {d: _p(summaries[d].get(method)) for d in DIRECTIONS}
        for direction, p in holm(p_values).items():
            adjusted[direction][method] = p
    labels = dict(series.labels)
    noun = "deaths" if series.actions == "harm" else "actions"
    directions = [
        decide(d, summaries[d], adjusted[d], labels=labels, gate=gate, noun=noun)
        for d in DIRECTIONS
    ]
    totals = series.totals()
    return Verdict(
        dyad=name,
        period={"start": str(series.start.date()), "end": str(series.end.date())},
        bin=series.bin,
        actions=series.actions,
        sides={s: {"label": series.label(s), "actions": totals[s]} for s in SIDES},
        settings=settings,
        directions=directions,
        version=__version__,
    )


def _p(summary: dict | None) -> float | None:
    if not summary or summary.get("p_value") is None or summary.get("estimate") is None:
        return None
    return float(summary["p_value"])


def analyze(
    dyad: Any = None,
    db: str | Path | None = None,
    bin: str | None = None,
    events: pd.DataFrame | None = None,
    methods: list[str] | tuple[str, ...] | None = None,
    **settings: Any,
) -> Verdict:
    """The verdict for a dyad (TOML path or Dyad), from the store or from ``events``.

    Keyword settings override the dyad's ``[analysis]`` table (e.g. ``horizon_days=14``,
    ``actions="harm"``, ``min_events=50``).
    """
    name, labels, start, end, table = "dyad", {"A": "A", "B": "B"}, None, None, {}
    if dyad is not None:
        from jervis.store.dyad import load_dyad

        loaded = load_dyad(dyad)
        name = loaded.name
        labels = {s: loaded.label(s) for s in SIDES}
        start, end = loaded.filters.start, loaded.filters.end
        table = dict(loaded.analysis)
        if events is None:
            from jervis.store.query import dyad_events

            events = dyad_events(loaded, db)
    if events is None:
        raise JervisError("give a dyad file (and a store) or an event frame to analyse")
    unknown = set(table) - set(DEFAULTS) - {"methods"}
    if unknown:
        where = getattr(dyad, "path", None) or str(dyad)
        raise JervisError(f"[analysis] has unknown keys {sorted(unknown)}", path=where)
    if set(settings) - set(DEFAULTS):
        raise JervisError(f"unknown analysis settings {sorted(set(settings) - set(DEFAULTS))}")
    merged = {**DEFAULTS, **table, **{k: v for k, v in settings.items() if v is not None}}
    if bin is not None:
        merged["bin"] = bin
    methods = methods or table.get("methods")
    series = build_series(
        events,
        bin=merged["bin"],
        start=start,
        end=end,
        labels=labels,
        actions=merged["actions"],
        coverage_gap_bins=_bins(merged["coverage_gap_days"], merged["bin"]),
    )
    merged.pop("methods", None)
    return verdict_from_series(series, name=name, methods=methods, settings=merged)
