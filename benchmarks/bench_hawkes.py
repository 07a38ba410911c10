"""Hawkes benchmarks: jervis's fits against tick's HawkesExpKern on the same events.

Run: ``.venv/bin/python benchmarks/bench_hawkes.py [--sizes 10000 100000 1000000]``.
tick is a benchmark-only dependency (``pip install tick numpydoc six``); without it the tick
columns are empty. Prints a Markdown table for docs/benchmarks.md.

* 2-D exponential Hawkes (mu 0.5/0.6, adjacency [[0.3, 0.1], [0.2, 0.4]], decay 1/day),
  simulated by jervis's cluster simulator to ~N events. tick: ``HawkesExpKern(decays=1,
  gofit="likelihood", solver="bfgs")`` (the solver that runs on this model; agd/gd fail with
  "negative intensity" from its default start). jervis: ``ContinuousHawkes(decays=1)`` (its
  time includes standard errors and goodness of fit), then with the decays estimated.
* Agreement: jervis's estimate against the optimum of tick's own likelihood (tick's loss and
  gradient under SciPy's L-BFGS-B to gtol 1e-12); how far tick's bfgs stops from it.
* Discrete model, 20 years of daily counts, log link, NB; policies 1,000 paths x 30 days.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from jervis.analysis.hawkes import ContinuousHawkes  # noqa: E402
from jervis.analysis.hawkes.discrete import DiscreteHawkes  # noqa: E402
from jervis.analysis.hawkes.policies import simulate_policies  # noqa: E402
from jervis.analysis.hawkes.simulate import simulate_continuous, simulate_discrete  # noqa: E402

MU = np.array([0.5, 0.6])
ADJ = np.array([[0.3, 0.1], [0.2, 0.4]])


def _best(fn, repeat: int) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def bench_continuous(n_events: int, full: bool) -> dict:
    rate = np.linalg.solve(np.eye(2) - ADJ, MU).sum()
    times = simulate_continuous(MU, ADJ, 1.0, n_events / rate, seed=1)
    times = [np.ascontiguousarray(t) for t in times]
    end = max(t.max() for t in times)
    n = sum(len(t) for t in times)
    repeat = 3 if n < 200_000 else 1
    row: dict = {"events": n}
    ours_t, ours = _best(lambda: ContinuousHawkes(decays=1.0, ties="none").fit(times, end), repeat)
    row["jervis_fixed_s"] = ours_t
    mine = np.r_[ours.baseline_, ours.adjacency_[..., 0].ravel()]
    try:
        from scipy import optimize
        from tick.hawkes import HawkesExpKern
    except ImportError:
        tick_t = None
    else:
        def tick_fit():
            learner = HawkesExpKern(decays=1.0, gofit="likelihood", solver="bfgs", tol=1e-12,
                                    max_iter=5000, verbose=False)  # fmt: skip
            learner.fit(times, start=0.3)
            return learner

        tick_t, learner = _best(tick_fit, repeat)
        model = learner._model_obj
        res = optimize.minimize(lambda x: (model.loss(x), model.grad(x)), np.full(6, 0.3),
                                jac=True, method="L-BFGS-B", bounds=[(1e-10, None)] * 6,
                                options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 5000})  # fmt: skip
        theirs = np.r_[learner.baseline, learner.adjacency.ravel()]
        row["agreement_jervis"] = float(np.abs(mine / res.x - 1).max())
        row["agreement_tick_bfgs"] = float(np.abs(theirs / res.x - 1).max())
    row["tick_fixed_s"] = tick_t
    if full:
        full_t, fitted = _best(lambda: ContinuousHawkes(ties="none").fit(times, end), repeat)
        row["jervis_full_s"] = full_t
        row["decays"] = np.round(fitted.decays_.ravel(), 3).tolist()
    return row


def bench_discrete() -> dict:
    eff = np.array([[0.2, 0.1], [-0.5, 0.2]])
    counts = simulate_discrete(np.log([1.0, 2.0]), eff, np.full((2, 2), 0.6), link="log",
                               dispersion=0.3, n_bins=7305, seed=1)[0][0]  # fmt: skip
    fit_t, model = _best(lambda: DiscreteHawkes(link="log").fit(counts), 3)
    lin_t, _ = _best(lambda: DiscreteHawkes(link="linear").fit(counts), 3)
    pol_t, _ = _best(lambda: simulate_policies(
        model, ["never_respond", "always_respond"], responder=0, days=30, param_draws=100,
        paths_per_draw=10), 3)  # fmt: skip
    return {"discrete_log_s": fit_t, "discrete_linear_s": lin_t, "policies_2x1000x30_s": pol_t}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--full-up-to", type=int, default=1_000_000,
                        help="estimate decays too up to this many events")  # fmt: skip
    args = parser.parse_args()
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print("| events | tick fixed (s) | jervis fixed (s) | ratio | jervis decays estimated (s) "
          "| ratio to tick fixed | jervis vs tick optimum | tick bfgs vs its optimum |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        row = bench_continuous(size, full=size <= args.full_up_to)
        tick = row["tick_fixed_s"]
        ratio = lambda x, t=tick: "" if t is None or x is None else f"{x / t:.2f}"  # noqa: E731
        print(f"| {row['events']:,} | {tick or float('nan'):.3f} | {row['jervis_fixed_s']:.3f} | "
              f"{ratio(row['jervis_fixed_s'])} | {row.get('jervis_full_s', float('nan')):.3f} | "
              f"{ratio(row.get('jervis_full_s'))} | {row.get('agreement_jervis', float('nan')):.1e} "
              f"| {row.get('agreement_tick_bfgs', float('nan')):.1e} |", flush=True)  # fmt: skip
    disc = bench_discrete()
    print(f"\ndiscrete model, 7,305 daily bins x 2 sides: log link {disc['discrete_log_s']:.3f} s, "
          f"linear {disc['discrete_linear_s']:.3f} s; policies (2 policies x 1,000 paths x 30 "
          f"days): {disc['policies_2x1000x30_s']:.3f} s")  # fmt: skip


if __name__ == "__main__":
    main()
