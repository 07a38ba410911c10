"""``jervis screen``: the quick action-reaction statistics for many pairs at once, ranked.

For every pair of the ``top`` most active actors (or the two sides of each dyad in a list),
both directions get the two quick methods of the verdict, through the estimator registry
(analysis/base.py ``fit_method``): the count regression (the lead method: rate ratio of B's
actions after A's) and the directional, heteroskedasticity-robust Granger test. A pair's two
sides are its two actors as the dyad ``{A: [a], B: [b]}`` would define them: side A's actions
are the events a initiated, whatever their target.

Scale: the engine (DuckDB or Spark, store or lake) reduces the events to daily counts per
actor in one grouped query; the pairs' fits then run in parallel, in worker processes on
DuckDB, and on the executors through ``applyInPandas`` on Spark.

P-values: each method's model-based p-value (``p_wald_*``) assumes Y's noise is independent
from day to day once its own lags and trend are modelled; on independent real series it fell
below 0.05 two to four times too often. A screen's ``p_count_regression`` and ``p_granger``
are instead score tests of X's term calibrated by circular time shifts of X against Y
(null.py): valid under independence of the two series whatever each one's own memory,
bursts, trend and seasonality. ``inflation_*`` says how much wider that null is than the
model's; the rate ratio's interval is widened by it. Multiple testing: these p-values of each
method over all pairs and directions get the Benjamini-Hochberg false discovery rate (``q``);
pairs are ranked by the lead method's q, then Granger's. A direction
is a signal when its q is below 0.05 and it passes the verdict's negative control in its
one-sided form: X's past days must go with Y's present significantly more strongly than X's
next days (a slow common driver, a shared trend or Y leading X fail it: "confounded"). The
verdict's other half (X's future not associated at all) is reported (``lead_p``) but does not
withhold a screen's signal: with a strongly autocorrelated X, a strong true effect leaks into
X's next days too (tests/engine/test_screen_calibration.py). A screen
points to pairs worth a full ``jervis analyze`` (robustness grid, event study, episodes,
spatial windows), it is not a verdict.
"""

from __future__ import annotations

import functools
import itertools
import operator
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jervis.analysis.base import NotApplicable
from jervis.errors import JervisError
from jervis.store.dyad import Filters, load_dyad
from jervis.store.engine import Engine, as_engine
from jervis.store.query import _as_list, _country, _day, _side_match, apply_filters, events_table
from jervis.store.schema import VIOLENT_EVENTS

METHODS = ("count_regression", "granger")
ALPHA = 0.05
SIGNALS = ("deters", "provokes", "mixed")  # a row's signal when it is one ("none", "confounded": not)


@dataclass
class ScreenRow:
    """One direction of one pair: what the two quick methods say, with FDR q-values."""

    source: str
    target: str
    events_source: int
    events_target: int
    irr: float | None = None
    irr_ci95: list[float] | None = None
    p_count_regression: float | None = None
    q_count_regression: float | None = None
    granger_estimate: float | None = None
    granger_sign: str | None = None  # the direction of Granger's estimate: provokes / deters
    p_granger: float | None = None
    q_granger: float | None = None
    p_wald_count_regression: float | None = None  # the model's own p (too small on real series)
    p_wald_granger: float | None = None
    inflation_count_regression: float | None = None  # the shift null's spread (1: as the model says)
    inflation_granger: float | None = None
    lead_p: float | None = None  # the negative control: X's *next* days against Y's present
    past_beyond_future_p: float | None = None  # X's past more strongly associated than its future
    signal: str = "none"  # deters / provokes (lead q < alpha, X's past beyond its future,
    # Granger not against), mixed, confounded (q < alpha but the negative control fails), none
    reason: str | None = None


def benjamini_hochberg(p: Sequence[float | None]) -> list[float | None]:
    """BH-adjusted q-values (None stays None)."""
    values = np.array([np.nan if v is None else float(v) for v in p])
    ok = ~np.isnan(values)
    q = np.full(len(values), np.nan)
    if ok.any():
        pv = values[ok]
        order = np.argsort(pv)
        ranked = pv[order] * len(pv) / np.arange(1, len(pv) + 1)
        ranked = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1.0)
        out = np.empty(len(pv))
        out[order] = ranked
        q[ok] = out
    return [None if np.isnan(v) else float(v) for v in q]


def daily_counts(engine: Engine, sides: dict[str, Any], filters: Filters) -> pd.DataFrame:
    """Events per day per side label, computed on the engine (columns: side, date, n)."""
    import ibis

    t = apply_filters(events_table(engine), filters)
    # The events any side acts in, read once and kept by the engine: one scan of a lake per side
    # (a union of 50 over ten million rows) took DuckDB past 20 GB.
    anyone = functools.reduce(operator.or_, [_side_match(t, side, "actor") for side in sides.values()])
    acting = t.filter(anyone).cache()
    try:
        frames = []
        for label, side in sides.items():
            mine = acting.filter(_side_match(acting, side, "actor"))
            frames.append(mine.group_by("date").aggregate(n=mine.count()).mutate(side=ibis.literal(label)))
        counts = ibis.union(*frames, distinct=False).to_pandas()
    finally:
        acting.release()
    counts["date"] = pd.to_datetime(counts["date"])
    return counts


def top_actors(engine: Engine, top: int, filters: Filters) -> list[str]:
    """The ``top`` actors that initiated the most events under the filters."""
    import ibis

    t = apply_filters(events_table(engine), filters)
    t = t.filter(t.actor.notnull())
    ranked = t.group_by("actor").aggregate(n=t.count()).order_by([ibis.desc("n"), "actor"]).limit(top)
    return list(ranked.to_pandas()["actor"])


def _series(counts: pd.DataFrame, a: str, b: str, start: pd.Timestamp, end: pd.Timestamp):
    from jervis.analysis.series import DyadSeries

    days = pd.date_range(start, end, freq="D", name="date")
    wide = counts[counts["side"].isin([a, b])].pivot_table(index="date", columns="side", values="n", aggfunc="sum")
    table = wide.reindex(index=days, columns=[a, b]).astype("float64").fillna(0).astype("int64")
    table.columns = ["A", "B"]  # (a side with no events at all is a column of zeros)
    zeros = table.astype("float64") * 0.0
    events = pd.DataFrame(columns=["date", "side"])
    return DyadSeries(counts=table, killed=zeros, wounded=zeros.copy(), events=events, bin="day",
                      labels={"A": a, "B": b}, actions="initiated", start=days[0], end=days[-1])  # fmt: skip


def screen_pair(counts: pd.DataFrame, a: str, b: str, start, end, settings: dict) -> list[dict]:
    """Both directions of one pair (runs in a worker process or a Spark executor).

    BLAS runs single-threaded here: the pairs are already spread over the cores, and
    OpenBLAS's own threads on small matrices, competing with the other workers, made each
    fit up to 20 times slower on a busy 2-core machine (docs/benchmarks.md, "Screening")."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _screen_pair(counts, a, b, start, end, settings)


def _screen_pair(counts: pd.DataFrame, a: str, b: str, start, end, settings: dict) -> list[dict]:
    from jervis.analysis.verdict import gate_reason

    series = _series(counts, a, b, pd.Timestamp(start), pd.Timestamp(end))
    series.incidents = series.totals()  # one row per event: incidents are the counts
    totals = series.totals()
    gate = gate_reason(series, settings)  # the verdict's thin-data rule
    # The verdict's negative control (count regression's lead test): a signal needs X's past,
    # not its future, to go with Y's present. Copies of one series (tiles of one file) make
    # the lead model singular; the row then keeps the fit without it (lead_p None).
    checked = dict(settings, lead_test=True)
    quick = dict(settings, lead_test=False)
    rows = []
    for direction, (x, y) in (("A->B", (a, b)), ("B->A", (b, a))):
        row = ScreenRow(source=x, target=y, events_source=totals[direction[0]], events_target=totals[direction[-1]])
        row.reason = gate
        for method in METHODS if gate is None else ():
            try:
                result = _fit_checked(method, series, direction, checked, quick)
            except JervisError as exc:
                row.reason = str(exc)
                continue
            if not result.has_estimate:
                row.reason = row.reason or result.reason
                continue
            try:
                null = _shift_null(method, series, direction, settings)
            except (NotApplicable, FloatingPointError, np.linalg.LinAlgError) as exc:
                row.reason = row.reason or f"shift null: {getattr(exc, 'reason', exc)}"
                null = None
            p = None if null is None else float(f"{null['p']:.4g}")
            inflation = None if null is None else round(null["inflation"], 4)
            if method == "count_regression":
                row.irr, row.p_count_regression = result.estimate, p
                row.p_wald_count_regression, row.inflation_count_regression = result.p_value, inflation
                row.irr_ci95 = _widened(result, inflation)
                lead = (result.details or {}).get("lead") or {}
                if lead.get("applicable"):
                    row.lead_p, row.past_beyond_future_p = lead["p_value"], lead["past_beyond_future_p_value"]
            else:
                row.granger_estimate, row.p_granger, row.granger_sign = result.estimate, p, result.sign
                row.p_wald_granger, row.inflation_granger = result.p_value, inflation
        rows.append({k: _finite(v) for k, v in asdict(row).items()})
    return rows


def _finite(value: Any) -> Any:
    """None for a number that is not finite (a fit that ran off: an IRR of 1e9, an interval up
    to inf), so that a screen's JSON stays JSON; lists (intervals) as a whole."""
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, list) and any(isinstance(v, float) and not np.isfinite(v) for v in value):
        return None
    return value


def _shift_null(method: str, series, direction: str, settings: dict) -> dict:
    from jervis.analysis.screen.null import count_regression_null, granger_null

    x, y = direction[0], direction[-1]
    return (count_regression_null if method == "count_regression" else granger_null)(series, x, y, settings)


def _widened(result, inflation: float | None) -> list[float] | None:
    """The rate ratio's 95% interval with the model's standard error times the shift null's
    inflation (never narrower than the model's)."""
    details = result.details or {}
    log_irr, se = details.get("log_irr"), details.get("se")
    if log_irr is None or se is None or inflation is None:
        return list(result.ci95) if result.ci95 else None
    half = 1.96 * se * max(1.0, inflation)
    return [round(float(np.exp(log_irr - half)), 4), round(float(np.exp(log_irr + half)), 4)]


def _fit_checked(method: str, series, direction: str, checked: dict, quick: dict):
    """The count regression with its lead test, or without it if the lead model fails."""
    from jervis.analysis.base import fit_method

    if method != "count_regression":
        return fit_method(method, series, direction, quick)
    result = fit_method(method, series, direction, checked)
    return result if result.has_estimate else fit_method(method, series, direction, quick)


def _pair_task(args: tuple) -> list[dict]:
    return screen_pair(*args)


def run_pairs(counts: pd.DataFrame, pairs, start, end, settings, jobs: int) -> list[dict]:
    """Every pair's rows, in worker processes when ``jobs`` > 1 (no FDR yet: ``finish_rows``)."""
    tasks = [(counts[counts["side"].isin(p)], *p, start, end, settings) for p in pairs]
    if jobs <= 1 or len(tasks) < 4:
        return [r for t in tasks for r in _pair_task(t)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return [r for rows in pool.map(_pair_task, tasks, chunksize=4) for r in rows]


def _run_spark(engine: Engine, counts: pd.DataFrame, pairs, start, end, settings) -> list[dict]:
    """One group per pair, fitted on the executors with applyInPandas."""
    import json

    session = engine.backend._session
    long = [counts[counts["side"].isin(p)].assign(pair=k) for k, p in enumerate(pairs)]
    frame = pd.concat(long, ignore_index=True)[["pair", "side", "date", "n"]]
    frame["n"] = frame["n"].astype("int64")
    names = {k: p for k, p in enumerate(pairs)}
    start_s, end_s, settings_s = str(start), str(end), json.dumps(settings, default=str)

    def fit_group(group: pd.DataFrame) -> pd.DataFrame:
        a, b = names[int(group["pair"].iloc[0])]
        rows = screen_pair(group, a, b, start_s, end_s, json.loads(settings_s))
        return pd.DataFrame({"row": [json.dumps(r, default=float) for r in rows]})

    sdf = session.createDataFrame(frame)
    out = sdf.groupBy("pair").applyInPandas(fit_group, schema="row string").toPandas()
    return [json.loads(r) for r in out["row"]]


def screen(
    db: Any = None,
    *,
    top: int = 50,
    dyads: Iterable[str | Path] = (),
    country: str | Sequence[str] | None = None,
    start: str | date | None = None,
    end: str | date | None = None,
    events: Sequence[str] | None = None,
    jobs: int | None = None,
    settings: dict | None = None,
) -> dict[str, Any]:
    """Screen pairs of actors (or dyads' sides); returns {"pairs", "rows", "settings", ...}."""
    from jervis.analysis.settings import resolve
    from jervis.store.dyad import Side

    if not isinstance(top, int) or isinstance(top, bool):  # top < 2 on a str was a TypeError
        raise JervisError(f"top must be a whole number, not {top!r}")
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise JervisError(f"jobs must be a whole number of at least 1, not {jobs!r}")
    if isinstance(dyads, str | os.PathLike):
        dyads = [dyads]
    elif not isinstance(dyads, Iterable):
        raise JervisError(f"dyads must be a list of dyad file paths, not {dyads!r}")
    engine = as_engine(db)
    filters = Filters(
        country=[_country(c) for c in _as_list(country)],
        start=_within_range(_day(start, "--start"), "--start"),
        end=_within_range(_day(end, "--end"), "--end"),
        events=[e.upper() for e in (_as_list(events) or sorted(VIOLENT_EVENTS))],
    )
    if filters.start and filters.end and filters.start > filters.end:
        raise JervisError(f"--start {filters.start} is after --end {filters.end}")
    pairs: list[tuple[str, str]] = []
    dyads = list(dyads)
    if dyads:
        counts, pairs = _dyad_counts(engine, dyads, filters)
        if counts.empty:
            labels = ", ".join(label for pair in pairs for label in pair)
            raise JervisError(f"no events of the dyads' sides under these filters ({labels}); "
                              "check the actor names with `jervis actors`")  # fmt: skip
    else:
        if top < 2:
            raise JervisError("--top must be at least 2")
        actors = top_actors(engine, min(top, 2**31), filters)  # more than any store holds: all
        sides = {a: Side(label=a, actors=[a]) for a in actors}
        pairs = list(itertools.combinations(actors, 2))
        if len(actors) == 1:  # a pair needs two: say who the one is, not that there is none
            raise JervisError(f"only one actor ({actors[0]!r}) initiates events under these filters; "
                              "a screen needs two (see `jervis actors`)")  # fmt: skip
        if not pairs:
            raise JervisError("no actors to screen: the filters leave no events with an actor")
        counts = daily_counts(engine, sides, filters)
    if counts.empty:
        raise JervisError("no events to screen under these filters")
    first = pd.Timestamp(filters.start) if filters.start else counts["date"].min()
    last = pd.Timestamp(filters.end) if filters.end else counts["date"].max()
    merged = resolve(settings or {}, {"bin": "day"})
    if engine.name == "spark":
        rows = _run_spark(engine, counts, pairs, first, last, merged)
    else:
        rows = run_pairs(counts, pairs, first, last, merged, jobs or min(2, os.cpu_count() or 1))
    rows = finish_rows(rows)
    return {
        "engine": engine.describe(),
        "period": {"start": str(first.date()), "end": str(last.date())},
        "pairs": len(pairs),
        "tests": {m: sum(r[f"p_{m}"] is not None for r in rows) for m in METHODS},
        "fdr": "Benjamini-Hochberg over all pairs and both directions, per method",
        "p_values": "score tests calibrated by circular time shifts of X against Y (analysis/screen/null.py)",
        "rows": rows,
    }


def _within_range(day: date | None, option: str) -> date | None:
    """The days the store holds (pandas' nanosecond timestamps): a daily series cannot go beyond."""
    from jervis.store.validate import DATE_MAX, DATE_MIN

    if day is not None and not DATE_MIN <= day <= DATE_MAX:
        raise JervisError(f"{option} {day} is outside the dates a screen can count ({DATE_MIN} to {DATE_MAX})")
    return day


def _dyad_counts(engine: Engine, paths: Iterable[str | Path], filters: Filters) -> tuple[pd.DataFrame, list]:
    """Daily counts of each dyad's two sides, counted as ``jervis analyze`` counts them: under
    the dyad's own [filters] as well as the screen's, and an event both sides claim is A's
    (store/query.py ``with_sides``). A file given twice is screened once; two different dyads
    of one name would share their sides' labels, and are refused."""
    import ibis

    seen: dict[str, tuple[str, Any]] = {}
    frames, pairs = [], []
    for path in paths:
        dyad = load_dyad(path)
        labels = (f"{dyad.name}: {dyad.label('A')}", f"{dyad.name}: {dyad.label('B')}")
        if labels[0] == labels[1]:  # two sides of one label: their rows must not be summed
            labels = (f"{dyad.name}: A ({dyad.label('A')})", f"{dyad.name}: B ({dyad.label('B')})")
        content = (dyad.sides, dyad.filters)
        if labels in seen:
            if seen[labels][1] == content:
                continue
            raise JervisError(f"dyad name {dyad.name!r} is also the name of {seen[labels][0]}; "
                              "give each dyad its own name", path=str(path))  # fmt: skip
        seen[labels] = (str(path), content)
        pairs.append(labels)
        t = apply_filters(apply_filters(events_table(engine), filters), dyad.filters)
        a = _side_match(t, dyad.sides["A"], "actor")
        b = _side_match(t, dyad.sides["B"], "actor") & ~a
        for label, match in zip(labels, (a, b), strict=True):
            mine = t.filter(match)
            frames.append(mine.group_by("date").aggregate(n=mine.count()).mutate(side=ibis.literal(label)))
    counts = ibis.union(*frames, distinct=False).to_pandas()
    counts["date"] = pd.to_datetime(counts["date"])
    return counts, pairs


def finish_rows(rows: list[dict]) -> list[dict]:
    """The FDR step over all rows (per method), each row's signal, ranked by evidence."""
    for method in METHODS:
        qs = benjamini_hochberg([r[f"p_{method}"] for r in rows])
        for r, q in zip(rows, qs, strict=True):
            r[f"q_{method}"] = q
    for r in rows:
        r["signal"] = _signal(r)
    rows.sort(key=lambda r: (_key(r["q_count_regression"]), _key(r["q_granger"]), r["source"], r["target"]))
    return rows


def _key(q: float | None) -> float:
    return 2.0 if q is None else q


def _signal(row: dict) -> str:
    q, irr = row["q_count_regression"], row["irr"]
    if q is None or irr is None or q >= ALPHA:
        return "none"
    call = "provokes" if irr > 1 else "deters"
    past = row.get("past_beyond_future_p")
    if row.get("lead_p") is not None and (past is None or past >= ALPHA):
        return "confounded"  # X's future goes with Y's present as much as X's past
    g, sign = row["q_granger"], row["granger_sign"]
    if g is not None and g < ALPHA and sign is not None and sign != call:
        return "mixed"
    return call
