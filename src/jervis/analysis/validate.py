"""``jervis.validate``: the simulation study that says how far to trust a verdict.

Three truths for A's effect on B (none, IRR 0.6 = deterrence, IRR 1.6 = provocation; B's on A
is always none), ``runs`` simulated dyads each. Every method is fitted in both directions with
the same Holm adjustment the verdict uses, and the study reports per method: the share of
right calls, the type-I error (a significant call where the truth is none) and, for the
count regression, how often its 95% interval covers the true IRR. The combined verdict is
scored the same way. Figures in docs/methods.md come from ``jervis validate``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from jervis.analysis.api import DEFAULTS, gate_reason, run_method
from jervis.analysis.count_regression import DIRECTIONS
from jervis.analysis.simulate import series_from_counts, simulate_counts
from jervis.analysis.verdict import decide, holm, method_call

SCENARIOS: dict[str, float] = {"none": 1.0, "deters": 0.6, "provokes": 1.6}
DEFAULT_METHODS = ("count_regression", "granger", "event_study", "episodes")


def truth_call(irr: float) -> str:
    """The call a perfect method makes for a true IRR."""
    return "none" if irr == 1.0 else ("deters" if irr < 1.0 else "provokes")


def _right(call: str | None, truth: str) -> bool:
    """Under no effect, anything but a directional call is right (none or not applicable)."""
    if truth == "none":
        return call not in ("deters", "provokes")
    return call == truth


class Tally:
    """Calls, right answers and coverage for one method in one scenario."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.right = 0
        self.false_reverse = 0
        self.covered: list[bool] = []
        self.log_estimates: list[float] = []
        self.runs = 0

    def report(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "right": round(self.right / max(self.runs, 1), 4),
            "calls": dict(self.calls),
            "reverse_false_positive": round(self.false_reverse / max(self.runs, 1), 4),
        }
        if self.covered:
            out["coverage95"] = round(float(np.mean(self.covered)), 4)
            out["geometric_mean_estimate"] = round(float(np.exp(np.mean(self.log_estimates))), 4)
        return out


def validate(
    runs: int = 100,
    n_days: int = 730,
    seed: int = 0,
    methods: tuple[str, ...] | list[str] = DEFAULT_METHODS,
    scenarios: dict[str, float] | None = None,
    base_rate: tuple[float, float] = (2.0, 3.0),
    self_excitation: float = 0.2,
    trend: float = 0.5,
    dispersion: float = 0.5,
    horizon: int = 7,
    settings: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Run the simulation study; ``progress(1)`` is called after each simulated dyad."""
    scenarios = scenarios or SCENARIOS
    config = {**DEFAULTS, "horizon_days": horizon, "n_placebo": 200, **(settings or {})}
    config["bin"], config["actions"] = "day", "initiated"
    methods = list(dict.fromkeys(["count_regression", *methods]))
    results: dict[str, Any] = {}
    for number, (name, irr) in enumerate(scenarios.items()):
        truth = truth_call(irr)
        counts, _ = simulate_counts(
            runs, n_days, base_rate, {"A->B": irr}, self_excitation, trend, dispersion,
            horizon, seed=seed + 1000 * number,
        )  # fmt: skip
        tallies = {m: Tally() for m in [*methods, "verdict"]}
        for run in range(runs):
            series = series_from_counts(counts[run])
            config["seed"] = seed + run
            summaries = {
                d: {m: run_method(m, series, d, config) for m in methods} for d in DIRECTIONS
            }
            adjusted: dict[str, dict[str, float | None]] = {d: {} for d in DIRECTIONS}
            for m in methods:
                p = {d: p_value_of(summaries[d][m]) for d in DIRECTIONS}
                for d, value in holm(p).items():
                    adjusted[d][m] = value
            for m in methods:
                tally = tallies[m]
                call = method_call(summaries["A->B"][m], adjusted["A->B"][m])
                reverse = method_call(summaries["B->A"][m], adjusted["B->A"][m])
                score(tally, call, reverse, truth)
                if m == "count_regression" and "ci95" in summaries["A->B"][m]:
                    for d, true_irr in (("A->B", irr), ("B->A", 1.0)):
                        lo, hi = summaries[d][m]["ci95"]
                        tally.covered.append(bool(lo <= true_irr <= hi))
                    tally.log_estimates.append(float(np.log(summaries["A->B"][m]["estimate"])))
            gate = gate_reason(series, config)
            verdicts = {
                d: decide(d, summaries[d], adjusted[d], labels={}, gate=gate).verdict
                for d in DIRECTIONS
            }
            # The verdict's own words: "inconclusive" and "no_detectable_effect" stay apart.
            score(tallies["verdict"], verdicts["A->B"], verdicts["B->A"], truth)
            if progress:
                progress(1)
        results[name] = {
            "true_irr": irr,
            "runs": runs,
            "methods": {m: t.report() for m, t in tallies.items()},
        }
    return {
        "settings": {
            "runs": runs,
            "n_days": n_days,
            "seed": seed,
            "base_rate": list(base_rate),
            "self_excitation": self_excitation,
            "trend": trend,
            "dispersion": dispersion,
            "horizon_days": horizon,
            "methods": methods,
            "analysis": {k: v for k, v in config.items() if k != "seed"},
        },  # fmt: skip
        "scenarios": results,
        "type_i_error": {
            m: round(1 - results["none"]["methods"][m]["right"], 4)
            for m in [*methods, "verdict"]
            if "none" in results
        },
    }


def score(tally: Tally, call: str | None, reverse: str | None, truth: str) -> None:
    """Count one run: the A->B call against the truth, and a B->A call (always a false alarm)."""
    tally.runs += 1
    tally.calls[str(call)] += 1
    tally.right += _right(call, truth)
    tally.false_reverse += reverse in ("deters", "provokes")


def p_value_of(summary: dict | None) -> float | None:
    """A method's raw p-value, or None when it gave no estimate."""
    if not summary or summary.get("p_value") is None or summary.get("estimate") is None:
        return None
    return float(summary["p_value"])
