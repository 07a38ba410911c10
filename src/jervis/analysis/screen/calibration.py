"""Is ``jervis screen`` calibrated? Screens of actors whose series are independent by construction.

A screen's false-signal rate can only be judged on actors that truly do not act on each other.
Tiles of one file moved in time are not that (a shifted copy leads its original; the tiles share
the war's trends), so this study draws each run's actors **independently**:

* ``simulated``: each actor's daily counts from its own negative-binomial process with a
  trend (linear, plus a slow wave), a regime shift at a random day, a persistent latent level
  (AR(1), about a month's memory) and self-excitation (an action raises the next days' rate),
  every parameter drawn per actor: the autocorrelation, bursts and drifts of real conflict
  series, with no link between actors.
* ``bootstrap``: each actor a stationary block bootstrap (random blocks of about
  ``block_days`` days, Politis & Romano 1994) of a real actor's daily series, blocks drawn
  independently per actor: the real series' bursts and short-range dependence, no link.

Each run screens every pair of its actors in both directions exactly as ``jervis screen`` does
(``screen_pair``, then the Benjamini-Hochberg step and the signal rule of screening.py) and
reports the share of null directions whose raw p-value is below 0.05 (should be about 0.05),
the share flagged as signals, and whether the run had any signal (under a global null the BH
step keeps that below 0.05 of runs when the tests are calibrated). ``python
benchmarks/bench_screen.py --calibrate RUNS`` runs the large version; tests/engine the CI one.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd

from jervis.analysis.screen.screening import METHODS, SIGNALS, finish_rows, run_pairs

KINDS = ("simulated", "bootstrap")


def simulated_actor(days: int, rng: np.random.Generator) -> np.ndarray:
    """One actor's daily counts: trend, regime shift, AR(1) level and self-excitation, NB2."""
    t = np.linspace(-0.5, 0.5, days)
    log_rate = np.log(rng.uniform(0.05, 2.0))
    log_rate += rng.normal(0, 0.8) * t  # a linear drift over the period
    log_rate += rng.uniform(0, 0.6) * np.cos(2 * np.pi * (t * rng.uniform(0.5, 3) + rng.uniform()))
    log_rate += np.where(np.arange(days) >= rng.integers(days // 5, 4 * days // 5), rng.normal(0, 0.6), 0.0)
    phi = rng.uniform(0.9, 0.98)
    shocks = rng.normal(0, rng.uniform(0.05, 0.2), days)
    level = np.zeros(days)
    level[0] = shocks[0] / np.sqrt(1 - phi**2)
    for d in range(1, days):
        level[d] = phi * level[d - 1] + shocks[d]
    kappa, decay = rng.uniform(0, 0.25), rng.uniform(0.3, 0.8)  # branching ratio below 1
    alpha = rng.uniform(0.2, 1.5)  # NB2 dispersion
    counts = np.zeros(days, dtype=np.int64)
    excite = 0.0
    for d in range(days):
        mu = np.exp(log_rate[d] + level[d]) + kappa * excite
        counts[d] = rng.poisson(rng.gamma(1 / alpha, mu * alpha))
        excite = decay * (excite + counts[d])
    return counts


def block_bootstrap(series: np.ndarray, days: int, block_days: float, rng: np.random.Generator) -> np.ndarray:
    """A stationary bootstrap of ``series`` (blocks of geometric length, mean ``block_days``,
    starting at uniform positions, wrapping around), ``days`` long."""
    out = np.empty(days, dtype=np.int64)
    n, filled = len(series), 0
    while filled < days:
        start, length = int(rng.integers(n)), int(rng.geometric(1 / block_days))
        take = min(length, days - filled)
        out[filled : filled + take] = series[(start + np.arange(take)) % n]
        filled += take
    return out


def series_pool(events: pd.DataFrame, *, actor: str, date: str, min_events: int = 300) -> list[np.ndarray]:
    """Daily counts, over the whole period of ``events``, of every ``actor`` with at least
    ``min_events`` rows: the bootstrap's material (real bursts and memory)."""
    dates = pd.to_datetime(events[date])
    days = pd.date_range(dates.min(), dates.max(), freq="D")
    pool = []
    for _, rows in dates.groupby(events[actor]):
        if len(rows) >= min_events:
            pool.append(rows.groupby(rows).size().reindex(days, fill_value=0).to_numpy(np.int64))
    return pool


def null_counts(kind: str, actors: int, days: int, rng: np.random.Generator,
                pool: list[np.ndarray] | None = None, block_days: float = 90.0) -> pd.DataFrame:  # fmt: skip
    """(side, date, n) daily counts of ``actors`` independent actors, as screening.daily_counts."""
    dates = pd.date_range("2001-01-01", periods=days, freq="D")
    frames = []
    for k in range(actors):
        if kind == "simulated":
            counts = simulated_actor(days, rng)
        elif kind == "bootstrap":
            if not pool:
                raise ValueError("the bootstrap needs a pool of real daily series")
            counts = block_bootstrap(pool[int(rng.integers(len(pool)))], days, block_days, rng)
        else:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        frames.append(pd.DataFrame({"side": f"null{k}", "date": dates, "n": counts}))
    out = pd.concat(frames, ignore_index=True)
    return out[out["n"] > 0].reset_index(drop=True)


def calibrate(kind: str, *, runs: int, actors: int, days: int, seed: int = 0,
              pool: list[np.ndarray] | None = None, jobs: int = 1,
              settings: dict | None = None) -> dict[str, Any]:  # fmt: skip
    """``runs`` screens of ``actors`` independent actors over ``days`` days; the null rates."""
    from jervis.analysis.settings import resolve

    rng = np.random.default_rng(seed)
    merged = resolve(settings or {}, {"bin": "day"})
    per_run = []
    for _ in range(runs):
        counts = null_counts(kind, actors, days, rng, pool)
        names = [f"null{k}" for k in range(actors)]
        pairs = list(itertools.combinations(names, 2))
        start, end = pd.Timestamp("2001-01-01"), pd.Timestamp("2001-01-01") + pd.Timedelta(days=days - 1)
        rows = finish_rows(run_pairs(counts, pairs, start, end, merged, jobs))
        per_run.append(rows)
    out = summarise(kind, per_run, actors, days)
    wald = summarise(kind, [with_wald(run) for run in per_run], actors, days)
    out["wald"] = {k: wald[k] for k in ("signals", "q05", "runs_with_q05", "runs_with_signal", "confounded")}
    return out


def with_wald(rows: list[dict]) -> list[dict]:
    """The same rows screened with the models' own Wald p-values (the screen before the shift
    null): BH and the signal rule again, for a before/after on the same fits."""
    copies = [dict(r, p_count_regression=r["p_wald_count_regression"], p_granger=r["p_wald_granger"])
              for r in rows]  # fmt: skip
    return finish_rows(copies)


# -- truths the screen does not assume -----------------------------------------------------


def delay_kernel(first: int, last: int) -> np.ndarray:
    """Weights on lags 0..last: a hump from day ``first`` to day ``last`` (a raised cosine),
    summing to 1: the reaction comes days later and spread out, not in the next h days."""
    k = np.zeros(last + 1)
    span = np.arange(first, last + 1)
    k[span] = 1 - np.cos(2 * np.pi * (span - first + 1) / (last - first + 2))
    return k / k.sum()


def delayed_response(x: np.ndarray, rng: np.random.Generator, branching: float,
                     first: int = 3, last: int = 10, base: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """Y: its own independent bursty process plus, Hawkes-like, ``branching`` expected actions
    per action of X spread over days ``first``..``last`` after it (Poisson offspring)."""
    days = len(x)
    own = simulated_actor(days, rng) if base is None else base
    kernel = delay_kernel(first, last)
    rate = branching * np.convolve(x, kernel)[:days]
    return own + rng.poisson(rate)


def common_driver(days: int, rng: np.random.Generator, memory_days: float = 5.0,
                  strength: float = 1.0) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """X and Y never act on each other, but both answer one latent shock series (an AR(1) of
    about ``memory_days`` days' memory with occasional large shocks: offensives, elections,
    a holiday truce), each on top of its own independent bursty process."""
    phi = np.exp(-1 / memory_days)
    shocks = rng.standard_t(3, days) * 0.4
    latent = np.zeros(days)
    for d in range(1, days):
        latent[d] = phi * latent[d - 1] + shocks[d]
    out = []
    for _ in range(2):
        own = simulated_actor(days, rng)
        extra = rng.poisson(np.exp(np.minimum(strength * latent, 4.0)))
        out.append(own + extra)
    return out[0], out[1]


SCENARIOS = ("delayed", "common_driver")


def power(scenario: str, *, runs: int, actors: int = 5, days: int = 1096, seed: int = 0,
          branching: float = 0.3, jobs: int = 1, settings: dict | None = None) -> dict[str, Any]:  # fmt: skip
    """``runs`` screens of ``actors`` simulated actors where actor 0 and actor 1 are linked (the
    rest independent): ``delayed`` (1 answers 0 after 3-10 days, ``branching`` actions per
    action) or ``common_driver`` (0 and 1 both answer a latent shock series). Reports how the
    linked directions and the null ones were called, with the shift null and with the Wald p."""
    from jervis.analysis.settings import resolve

    if scenario not in SCENARIOS:
        raise ValueError(f"scenario must be one of {SCENARIOS}, not {scenario!r}")
    rng = np.random.default_rng(seed)
    merged = resolve(settings or {}, {"bin": "day"})
    dates = pd.date_range("2001-01-01", periods=days, freq="D")
    names = [f"null{k}" for k in range(actors)]
    per_run = []
    for _ in range(runs):
        series = [simulated_actor(days, rng) for _ in range(actors)]
        if scenario == "delayed":
            series[1] = delayed_response(series[0], rng, branching, base=series[1])
        else:
            series[0], series[1] = common_driver(days, rng)
        counts = pd.concat([pd.DataFrame({"side": n, "date": dates, "n": c}) for n, c in zip(names, series, strict=True)],
                           ignore_index=True)  # fmt: skip
        counts = counts[counts["n"] > 0].reset_index(drop=True)
        pairs = list(itertools.combinations(names, 2))
        per_run.append(finish_rows(run_pairs(counts, pairs, dates[0], dates[-1], merged, jobs)))
    out: dict[str, Any] = {"scenario": scenario, "runs": runs, "actors": actors, "days": days}
    for label, runs_rows in (("shift", per_run), ("wald", [with_wald(r) for r in per_run])):
        linked = [r for run in runs_rows for r in run if {r["source"], r["target"]} == {"null0", "null1"}]
        forward = [r for r in linked if r["source"] == "null0"]
        backward = [r for r in linked if r["source"] == "null1"]
        null = [r for run in runs_rows for r in run if {r["source"], r["target"]} != {"null0", "null1"}]
        calls = lambda rs: {s: sum(r["signal"] == s for r in rs) for s in (*SIGNALS, "confounded", "none")}  # noqa: E731
        out[label] = {
            "forward": calls(forward), "backward": calls(backward),
            "forward_p05": sum((r["p_count_regression"] or 1) < 0.05 for r in forward),
            "backward_p05": sum((r["p_count_regression"] or 1) < 0.05 for r in backward),
            "null_directions": len(null), "null_signals": sum(r["signal"] in SIGNALS for r in null),
        }  # fmt: skip
    return out


def summarise(kind: str, per_run: list[list[dict]], actors: int, days: int) -> dict[str, Any]:
    """Null rates over runs of screen rows (every direction a null)."""
    rows = [r for run in per_run for r in run]
    out: dict[str, Any] = {"kind": kind, "runs": len(per_run), "actors": actors, "days": days,
                           "directions": len(rows)}  # fmt: skip
    for method in METHODS:
        for name, key in ((method, f"p_{method}"), (f"wald_{method}", f"p_wald_{method}")):
            p = np.array([r[key] for r in rows if r.get(key) is not None], dtype=float)
            out[f"fitted_{name}"] = len(p)
            out[f"p05_{name}"] = float((p < 0.05).mean()) if len(p) else None
            out[f"p01_{name}"] = float((p < 0.01).mean()) if len(p) else None
        inflation = [r[f"inflation_{method}"] for r in rows if r.get(f"inflation_{method}") is not None]
        out[f"inflation_{method}"] = float(np.median(inflation)) if inflation else None
    out["signals"] = sum(r["signal"] in SIGNALS for r in rows)
    out["signal_share"] = out["signals"] / max(len(rows), 1)
    out["confounded"] = sum(r["signal"] == "confounded" for r in rows)
    # the rule before the negative control: BH q < 0.05 alone
    flagged = lambda run: [r for r in run if r["q_count_regression"] is not None and r["q_count_regression"] < 0.05]  # noqa: E731
    out["q05"] = sum(len(flagged(run)) for run in per_run)
    out["runs_with_q05"] = sum(bool(flagged(run)) for run in per_run)
    out["runs_with_signal"] = sum(any(r["signal"] in SIGNALS for r in run) for run in per_run)
    out["familywise"] = out["runs_with_signal"] / max(len(per_run), 1)
    return out


def null_pvalues(kind: str, *, pairs: int, days: int, seed: int = 0, pool: list[np.ndarray] | None = None,
                 wald: bool = False, settings: dict | None = None) -> dict[str, list[float]]:  # fmt: skip
    """Both directions of ``pairs`` independent pairs: each method's shift-null p-value (what
    the screen reports), or with ``wald`` the model's own Wald p-value (the screen before)."""
    from threadpoolctl import threadpool_limits

    from jervis.analysis.settings import resolve

    rng = np.random.default_rng(seed)
    merged = resolve(settings or {}, {"bin": "day"})
    with threadpool_limits(limits=1, user_api="blas"):  # as screen_pair: small matrices
        return _null_pvalues(kind, pairs, days, rng, pool, wald, merged)


def _null_pvalues(kind, pairs, days, rng, pool, wald, merged) -> dict[str, list[float]]:
    from jervis.analysis.base import NotApplicable, fit_method
    from jervis.analysis.screen.null import count_regression_null, granger_null
    from jervis.analysis.screen.screening import _series
    from jervis.errors import JervisError

    dates = pd.date_range("2001-01-01", periods=days, freq="D")
    out: dict[str, list[float]] = {m: [] for m in METHODS}
    tests = {"count_regression": count_regression_null, "granger": granger_null}
    for _ in range(pairs):
        series = _series(null_counts(kind, 2, days, rng, pool), "null0", "null1", dates[0], dates[-1])
        for direction in ("A->B", "B->A"):
            for method in METHODS:
                try:
                    if wald:
                        result = fit_method(method, series, direction, dict(merged, lead_test=False))
                        p = result.p_value if result.has_estimate else None
                    else:
                        p = tests[method](series, direction[0], direction[-1], merged)["p"]
                except (NotApplicable, JervisError, FloatingPointError, np.linalg.LinAlgError):
                    p = None
                if p is not None:
                    out[method].append(float(p))
    return out
