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

from jervis.screening import METHODS, SIGNALS, finish_rows, run_pairs

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
    return summarise(kind, per_run, actors, days)


def summarise(kind: str, per_run: list[list[dict]], actors: int, days: int) -> dict[str, Any]:
    """Null rates over runs of screen rows (every direction a null)."""
    rows = [r for run in per_run for r in run]
    out: dict[str, Any] = {"kind": kind, "runs": len(per_run), "actors": actors, "days": days,
                           "directions": len(rows)}  # fmt: skip
    for method in METHODS:
        p = np.array([r[f"p_{method}"] for r in rows if r[f"p_{method}"] is not None], dtype=float)
        out[f"fitted_{method}"] = len(p)
        out[f"p05_{method}"] = float((p < 0.05).mean()) if len(p) else None
        out[f"p01_{method}"] = float((p < 0.01).mean()) if len(p) else None
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
