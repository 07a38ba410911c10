"""``jervis validate``: the simulation study that says how far to trust a verdict.

Each scenario is a truth (a simulated process and the true effect in each direction, "none",
"deters" or "provokes"); ``runs`` dyads are simulated per scenario and each one goes through
``verdict.compute_verdict``, the function ``jervis analyze`` ships, with every registered
method. Reported per scenario, for every method and for the verdict, per direction: the calls,
the share of right calls, of false effects (a call where the truth is none), of wrong
directions (deters where the truth provokes, or the reverse), and for the count regression the
coverage of its 95% interval of the scenario's estimand. Figures in docs/methods.md come from
``jervis validate``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from jervis.analysis.base import CALLS, DIRECTIONS, LEAD
from jervis.analysis.settings import resolve
from jervis.analysis.validation import processes
from jervis.analysis.validation.loglinear import series_from_counts, simulate_counts
from jervis.analysis.verdict import compute_verdict
from jervis.errors import JervisError


@dataclass
class Scenario:
    """A truth: how to simulate ``runs`` dyads, and the true effect each way."""

    simulate: Callable[..., np.ndarray]  # (runs, n_days, seed) -> counts (runs, days, 2)
    truth: dict[str, str]  # direction -> "none" | "deters" | "provokes"
    description: str
    estimand: dict[str, float] = field(default_factory=dict)  # direction -> true IRR
    kind: str = "effect"  # "no_cross_effect", "common_driver", "targeting", "effect", "gate"


def loglinear(irr: float, base_rate: tuple[float, float] = (2.0, 3.0), **kw: Any) -> Callable:
    """The count regression's own model (validation/loglinear.py) with A->B effect ``irr``."""

    def run(runs: int, n_days: int, seed: int) -> np.ndarray:
        params = {"self_excitation": 0.2, "trend": 0.5, "dispersion": 0.5, "horizon": 7, **kw}
        counts, _ = simulate_counts(runs, n_days, base_rate, {"A->B": irr}, seed=seed, **params)
        return counts

    return run


def truth_call(irr: float) -> str:
    """The call a perfect method makes for a true IRR."""
    return "none" if irr == 1.0 else ("deters" if irr < 1.0 else "provokes")


def _loglinear_scenario(irr: float, base_rate=(2.0, 3.0), label: str = "active") -> Scenario:
    return Scenario(
        simulate=loglinear(irr, base_rate),
        truth={"A->B": truth_call(irr), "B->A": "none"},
        description=f"the count regression's own model, {label} dyad (base rates "
        f"{base_rate[0]} and {base_rate[1]} a day), A->B IRR {irr}",
        estimand={"A->B": irr, "B->A": 1.0},
        kind="no_cross_effect" if irr == 1.0 else "effect",
    )


def _process(function: Callable[..., np.ndarray], **params: Any) -> Callable:
    def run(runs: int, n_days: int, seed: int) -> np.ndarray:
        return function(runs, n_days, seed, **params)

    return run


def _other(truth_ab: str, description: str, function: Callable, kind: str = "",
           truth_ba: str = "none", **params: Any) -> Scenario:  # fmt: skip
    """A truth the estimators do not assume; its effect has no IRR of its own (the estimand
    of the count regression's interval is then 1 where there is no effect, else none)."""
    estimand = {d: 1.0 for d, t in (("A->B", truth_ab), ("B->A", truth_ba)) if t == "none"}
    if not kind:
        kind = "no_cross_effect" if truth_ab == truth_ba == "none" else "effect"
    return Scenario(
        simulate=_process(function, **params),
        truth={"A->B": truth_ab, "B->A": truth_ba},
        description=description,
        estimand=estimand,
        kind=kind,
    )


_SELF = ((0.3, 0.0), (0.0, 0.3))
_DECAY = ((2.0, 3.0), (3.0, 2.0))
_DRIVER = {"sd": 0.5, "days": 60.0}

SCENARIOS: dict[str, Scenario] = {
    "none": _loglinear_scenario(1.0),
    "deters": _loglinear_scenario(0.6),
    "provokes": _loglinear_scenario(1.6),
    "sparse_none": _loglinear_scenario(1.0, (0.3, 0.5), "sparse"),
    "sparse_deters": _loglinear_scenario(0.6, (0.3, 0.5), "sparse"),
    "sparse_provokes": _loglinear_scenario(1.6, (0.3, 0.5), "sparse"),
    "hawkes_none": _other(
        "none", "bivariate Hawkes process in continuous time, self-excitation "
        "0.3 (decay 2 days), no cross-effect", processes.hawkes, branching=_SELF,
        decay_days=_DECAY,
    ),
    "hawkes_provokes": _other(
        "provokes", "Hawkes: each action of A adds 0.3 expected actions of "
        "B (decay 3 days)", processes.hawkes, branching=((0.3, 0.0), (0.3, 0.3)),
        decay_days=_DECAY,
    ),
    "hawkes_deters": _other(
        "deters", "rectified Hawkes: each action of A removes 0.3 expected "
        "actions of B (decay 3 days)", processes.hawkes, branching=((0.3, 0.0), (-0.3, 0.3)),
        decay_days=_DECAY,
    ),
    "delayed_provokes": _other(
        "provokes", "B responds to A's actions 10-20 days earlier "
        "(log-linear, IRR 1.6 per usual level)", processes.count_process,
        cross={"A->B": {"irr": 1.6, "lags": (10, 20)}},
    ),
    "delayed_deters": _other(
        "deters", "B responds to A's actions 10-20 days earlier (IRR 0.6)",
        processes.count_process, cross={"A->B": {"irr": 0.6, "lags": (10, 20)}},
    ),
    "poisson_none": _other(
        "none", "Poisson counts (no overdispersion), 5-day self-excitation, "
        "no cross-effect", processes.count_process, dispersion=0.0, self_window=5,
    ),
    "poisson_deters": _other(
        "deters", "Poisson counts, B responds to A's last 5 days (IRR 0.7)",
        processes.count_process, dispersion=0.0, self_window=5,
        cross={"A->B": {"irr": 0.7, "lags": (1, 5)}},
    ),
    "poisson_provokes": _other(
        "provokes", "Poisson counts, B responds to A's last 5 days "
        "(IRR 1.4)", processes.count_process, dispersion=0.0, self_window=5,
        cross={"A->B": {"irr": 1.4, "lags": (1, 5)}},
    ),
    "threshold_provokes": _other(
        "provokes", "B's rate rises 1.6-fold only while A's last 7 days "
        "run 60% above A's usual level (a threshold, not a slope)", processes.count_process,
        cross={"A->B": {"irr": 1.6, "form": "threshold"}},
    ),
    "threshold_deters": _other(
        "deters", "B's rate falls to 0.6 only while A's last 7 days run "
        "60% above usual", processes.count_process,
        cross={"A->B": {"irr": 0.6, "form": "threshold"}},
    ),
    "break_none": _other(
        "none", "both sides' rates double at one day in the middle half of the "
        "period (a common structural break), no cross-effect", processes.count_process,
        jump=0.7,
    ),
    "driver_none": _other(
        "none", "a slow common driver of both sides (log-rate OU, sd 0.5, "
        "correlation time 60 days), no cross-effect", processes.count_process,
        kind="common_driver", driver=_DRIVER,
    ),
    "hawkes_driver_none": _other(
        "none", "two self-exciting Hawkes sides sharing a slow driver "
        "(sd 0.5, 60 days), no cross-effect", processes.hawkes, kind="common_driver",
        branching=_SELF, decay_days=_DECAY, driver=_DRIVER,
    ),
    "targeting": _other(
        "none", "A acts where B is already rising (A's log-rate + 0.5 x B's "
        "last-3-day rise over its previous 2 weeks; B drifts slowly, sd 0.4, 60 days); A has "
        "no effect on B", processes.count_process, kind="targeting", truth_ba="provokes",
        targeting=0.5, own_driver={"sd": 0.4, "days": 60.0},
    ),
    "thin": _other(
        "inconclusive", "each side acts on 20 days with 60 actions between them",
        processes.thin, kind="gate", truth_ba="inconclusive",
    ),
}


class Tally:
    """Calls, right answers, false effects, wrong directions and coverage, one direction."""

    def __init__(self, truth: str) -> None:
        self.truth = truth
        self.calls: Counter[str] = Counter()
        self.covered: list[bool] = []
        self.log_estimates: list[float] = []

    def add(self, call: str | None) -> None:
        self.calls[str(call)] += 1

    def report(self) -> dict[str, Any]:
        runs = sum(self.calls.values())
        directional = {c: n for c, n in self.calls.items() if c in CALLS}
        if self.truth == "none":
            right = runs - sum(directional.values())
            wrong = 0
        elif self.truth == "inconclusive":
            right = self.calls.get("inconclusive", 0)
            wrong = sum(directional.values())
        else:
            right = self.calls.get(self.truth, 0)
            wrong = sum(n for c, n in directional.items() if c != self.truth)
        out: dict[str, Any] = {
            "truth": self.truth,
            "calls": dict(sorted(self.calls.items())),
            "right": round(right / max(runs, 1), 4),
            "false_effect": (
                round(sum(directional.values()) / max(runs, 1), 4)
                if self.truth in ("none", "inconclusive") else 0.0
            ),
            "wrong_direction": round(wrong / max(runs, 1), 4),
        }
        if self.covered:
            out["coverage95"] = round(float(np.mean(self.covered)), 4)
            out["geometric_mean_estimate"] = round(float(np.exp(np.mean(self.log_estimates))), 4)
        return out


def score_verdict(verdict: Any, tallies: dict, estimand: dict[str, float]) -> None:
    """Add one simulated dyad's verdict (and every method's call) to the tallies."""
    for item in verdict.directions:
        d = f"{item.from_side}->{item.to_side}"
        tallies["verdict"][d].add(item.verdict)
        for method, result in item.methods.items():
            tally = tallies.setdefault(method, {k: Tally(v.truth) for k, v in tallies["verdict"].items()})[d]
            tally.add(result.get("points_to"))
            if method == LEAD and d in estimand and result.get("ci95") and result.get("applicable"):
                lo, hi = result["ci95"]
                tally.covered.append(bool(lo <= estimand[d] <= hi))
                tally.log_estimates.append(float(np.log(result["estimate"])))


def projection_estimand(
    scenario: Scenario, settings: dict[str, Any], seed: int, n_days: int = 20_000,
    bin: str = "day",
) -> dict[str, float]:
    """What the count regression's headline estimates for a truth it does not assume: its
    IRR (both directions) on one very long simulated series of the scenario (the pseudo-true
    value, or projection of the truth on the model). Directions with no effect keep their
    causal value, 1: a slow common driver then shows as missed coverage, as it should. In
    coarser bins than days a stated IRR (defined on days t-1..t-h) is projected too: a weekly
    model's "last week" is not the last 7 days, so its IRR is another quantity."""
    from jervis.analysis.base import fit_method

    series = series_from_counts(scenario.simulate(1, n_days, seed)[0]).rebin(bin)
    config = {**settings, "lead_test": False}
    out = dict(scenario.estimand)
    for d in DIRECTIONS:
        if (d in out and bin == "day") or scenario.truth[d] not in CALLS:
            continue
        result = fit_method(LEAD, series, d, config)
        if result.has_estimate:
            out[d] = float(result.estimate)
    return out


def run_scenario(
    scenario: Scenario,
    runs: int,
    n_days: int,
    seed: int,
    settings: dict[str, Any],
    progress: Callable[[int], None] | None = None,
    bin: str = "day",
    estimand_days: int = 20_000,
) -> dict[str, Any]:
    """Simulate ``runs`` dyads of one scenario and score the shipped verdict on each."""
    counts = scenario.simulate(runs, n_days, seed)
    estimand = dict(scenario.estimand)
    projected = [d for d, t in scenario.truth.items() if t in CALLS and (d not in estimand or bin != "day")]
    if estimand_days and projected:
        estimand = projection_estimand(scenario, settings, seed + 999_983, estimand_days, bin)
    tallies: dict[str, dict[str, Tally]] = {
        "verdict": {d: Tally(scenario.truth[d]) for d in DIRECTIONS}
    }
    for run in range(runs):
        series = series_from_counts(counts[run]).rebin(bin)
        verdict = compute_verdict(series, settings={**settings, "seed": seed + run},
                                  grid="when_needed")  # fmt: skip
        score_verdict(verdict, tallies, estimand)
        if progress:
            progress(1)
    return {
        "description": scenario.description,
        "kind": scenario.kind,
        "truth": dict(scenario.truth),
        "estimand": estimand,
        "runs": runs,
        "methods": {
            m: {d: t.report() for d, t in per.items()} for m, per in tallies.items()
        },
    }


def validate(
    runs: int = 100,
    n_days: int = 730,
    seed: int = 0,
    scenarios: dict[str, Scenario] | list[str] | None = None,
    settings: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
    bin: str = "day",
    estimand_days: int = 20_000,
) -> dict[str, Any]:
    """Run the simulation study; ``progress(1)`` is called after each simulated dyad.

    ``bin="week"`` analyses every simulated dyad in weekly bins (the weekly calibration).
    ``estimand_days``: length of the one long run per scenario that gives the count
    regression's estimand where the truth has no IRR of its own (0: skip).
    """
    for name, value, low, high in (("runs", runs, 1, 10_000), ("n_days", n_days, 2, 100_000),
                                   ("seed", seed, 0, None)):  # the command's bounds  # fmt: skip
        if not isinstance(value, int) or isinstance(value, bool) or value < low or (high and value > high):
            bounds = f"from {low:,} to {high:,}" if high else f"of at least {low}"
            raise JervisError(f"{name} must be a whole number {bounds}, not {value!r}")
    if scenarios is None:
        chosen = SCENARIOS
    elif isinstance(scenarios, dict):
        chosen = scenarios
    else:
        unknown = [s for s in scenarios if s not in SCENARIOS]
        if unknown:
            raise JervisError(f"unknown scenarios {unknown}; choose from {', '.join(SCENARIOS)}")
        chosen = {s: SCENARIOS[s] for s in scenarios}
    config = resolve({"n_placebo": 200}, settings)
    results = {
        name: run_scenario(scenario, runs, n_days, seed + 1000 * number, config, progress,
                           bin, estimand_days)  # fmt: skip
        for number, (name, scenario) in enumerate(chosen.items())
    }
    return {
        "settings": {"runs": runs, "n_days": n_days, "seed": seed, "bin": bin,
                     "estimand_days": estimand_days, "analysis": config},  # fmt: skip
        "scenarios": results,
    }
