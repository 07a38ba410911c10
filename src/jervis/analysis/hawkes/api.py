"""``jervis hawkes`` and ``jervis policies`` on a dyad: from events to a JSON-ready report.

Both read the same per-bin counts as every other method (:func:`build_series`), so a dyad's
settings (``actions``, coverage gaps) mean the same here. The continuous model takes each
action's day as its time (many ties: jittered within the day, see :mod:`.continuous`) and is
fitted on the longest run of covered days; the count model skips uncovered bins.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jervis.analysis.hawkes.continuous import ContinuousHawkes
from jervis.analysis.hawkes.discrete import DiscreteHawkes
from jervis.analysis.hawkes.policies import simulate_policies
from jervis.analysis.series import SIDES, DyadSeries
from jervis.errors import JervisError

MODELS = ("continuous", "discrete")


def dyad_series(dyad: Any = None, db: Any = None, events: pd.DataFrame | None = None,
                actions: str | None = None) -> tuple[str, DyadSeries]:  # fmt: skip
    """The dyad's daily series and its name, read exactly as ``jervis analyze`` reads it."""
    from jervis.analysis.api import load_series

    settings = {"actions": actions} if actions else {}
    name, series, _ = load_series(dyad, db, "day", events, **settings)
    return name, series


def _longest_covered(series: DyadSeries) -> pd.DataFrame:
    return max(series.segments(), key=len)


def fit_series(series: DyadSeries, *, model: str = "discrete", link: str = "log",
               family: str = "nb", kernel: str = "exp", n_jitter: int = 10,
               constraints: dict | None = None, seed: int = 0) -> tuple[Any, list[str]]:  # fmt: skip
    """The fitted model and notes on what was done to the data."""
    if model not in MODELS:
        raise JervisError(f"model must be 'continuous' or 'discrete', not {model!r}")
    labels = tuple(series.label(s) for s in SIDES)
    notes: list[str] = []
    uncovered = int((~series.covered).sum())
    if model == "discrete":
        if uncovered:
            notes.append(f"{uncovered} days inside coverage gaps are left out of the likelihood")
        fitted = DiscreteHawkes(link=link, family=family, constraints=constraints, seed=seed)
        fitted.fit(series.counts[list(SIDES)].to_numpy(), labels, series.covered.to_numpy())
        return fitted, notes
    if link != "linear":
        raise JervisError("the continuous model has the linear link (excitation only); "
                          "use --model discrete for --link log (inhibition)")  # fmt: skip
    counts = _longest_covered(series)
    if len(counts) < len(series.counts):
        notes.append(f"fitted on the longest covered run, {counts.index[0].date()} to "
                     f"{counts.index[-1].date()} ({len(counts)} of {len(series.counts)} days)")  # fmt: skip
    days = np.arange(len(counts), dtype=float)
    times = [np.repeat(days, counts[s].to_numpy()) for s in SIDES]
    fitted = ContinuousHawkes(kernel=kernel, n_jitter=n_jitter, constraints=constraints, seed=seed)
    fitted.fit(times, float(len(counts) - 1), labels)
    if fitted.ties_["jittered"]:
        notes.append(f"day-precision times: {fitted.ties_['tied_events']} tied events spread "
                     f"uniformly within their day, {fitted.ties_['draws']} draws combined")  # fmt: skip
    return fitted, notes


def _header(name: str, series: DyadSeries) -> dict[str, Any]:
    totals = series.totals()
    return {
        "dyad": name,
        "period": {"start": str(series.start.date()), "end": str(series.end.date())},
        "actions": series.actions,
        "sides": {s: {"label": series.label(s), "actions": totals[s]} for s in SIDES},
    }


def check_whole(name: str, value: object, low: int, high: int | None = None) -> None:
    """A whole-number setting within [low, high], checked before any data is read or fitted
    (NumPy took a negative seed or a day count past memory with a traceback, after the fit)."""
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= low
    if not ok or (high is not None and value > high):  # type: ignore[operator]
        upper = f" and at most {high:,}" if high is not None else ""
        raise JervisError(f"{name} must be a whole number of at least {low:,}{upper}, not {value!r}")


def hawkes(dyad: Any = None, db: Any = None, events: pd.DataFrame | None = None, *,
           model: str = "discrete", link: str | None = None, family: str = "nb",
           kernel: str = "exp", actions: str | None = None, seed: int = 0,
           constraints: dict | None = None) -> dict[str, Any]:  # fmt: skip
    """Fit a Hawkes model to a dyad; the ``jervis hawkes --json`` document."""
    check_whole("seed", seed, 0)
    link = link or ("log" if model == "discrete" else "linear")
    name, series = dyad_series(dyad, db, events, actions)
    fitted, notes = fit_series(series, model=model, link=link, family=family, kernel=kernel,
                               seed=seed, constraints=constraints)  # fmt: skip
    return {**_header(name, series), **fitted.summary(), "notes": notes}


def policies(dyad: Any = None, db: Any = None, events: pd.DataFrame | None = None, *,
             policy: list[str] | None = None, days: int = 30, responder: str = "A",
             within_days: int = 3, link: str = "log", family: str = "nb",
             actions: str | None = None, paths: int = 1000, probability: float = 0.5,
             seed: int = 0) -> dict[str, Any]:  # fmt: skip
    """Counterfactual response policies on a dyad; the ``jervis policies --json`` document."""
    if responder not in SIDES:
        raise JervisError(f"--responder is A or B, not {responder!r}")
    if isinstance(paths, int) and paths < 100:
        raise JervisError("use at least 100 paths")
    check_whole("paths", paths, 100, 100_000)
    check_whole("days", days, 1, 3_650)  # ten years ahead
    check_whole("within_days", within_days, 1, 3_650)
    check_whole("seed", seed, 0)
    name, series = dyad_series(dyad, db, events, actions)
    fitted, notes = fit_series(series, model="discrete", link=link, family=family, seed=seed)
    r = SIDES.index(responder)
    attacker = SIDES[1 - r]
    rows = series.events
    severity = None
    if series.actions == "initiated" and "killed" in rows:
        severity = rows.loc[rows["side"] == attacker, "killed"].to_numpy(dtype=float)
        if not np.isfinite(severity).any():
            severity = None
            notes.append("the data hold no death counts: killed is not reported")
    elif series.actions == "harm":
        severity = np.ones(1)  # each counted action is one death
        notes.append("actions are deaths, so killed equals attacks")
    draws = 100
    report = simulate_policies(
        fitted, policy or ["observed", "never_respond", "always_respond"], responder=r,
        days=days, within_days=within_days, param_draws=draws,
        paths_per_draw=max(1, paths // draws), severity=severity, probability=probability,
        seed=seed,
    )  # fmt: skip
    model = fitted.summary()
    keep = ("model", "link", "family", "effects", "baseline", "half_life_days", "gof", "aic")
    return {**_header(name, series), **report, "fit": {k: model[k] for k in keep}, "notes": notes}
