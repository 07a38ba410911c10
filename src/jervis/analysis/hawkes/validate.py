"""Recovery study of the daily Hawkes count model (``jervis hawkes --validate``).

Truths the model assumes (bias and 95% coverage of the coefficients) and truths it does not
(what it then calls), each ``runs`` times at 1,500 days:

* ``log_inhibition``: the log-link model itself, A's actions suppress B's (gamma_AB = -0.8).
* ``linear_excitation``: the linear model, A->B branching ratio 0.2; fitted with both links.
* ``nb_irr_1.0`` / ``nb_irr_0.6``: jervis.simulate's NB process (not a Hawkes model: the
  effect is on X's 7-day mean, log-linear, capped) with no cross-effect / A deterring B.
* ``delayed``: A's actions raise B's rate only 10-20 days later (the geometric kernel peaks
  at lag 1; this one has nothing before day 10).
* ``continuous``: the continuous-time model itself (exact event times, 1,500 days, about 2,700
  events), fitted with its decays estimated: bias and 95% coverage of the four effects and
  of the four half-lives.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jervis.analysis.hawkes.continuous import ContinuousHawkes
from jervis.analysis.hawkes.discrete import DiscreteHawkes
from jervis.analysis.hawkes.simulate import simulate_continuous, simulate_discrete
from jervis.analysis.validation.loglinear import simulate_counts

N_BINS = 1500
_RATIO = np.full((2, 2), 0.6)


def _delayed(n: int, rng: np.random.Generator) -> np.ndarray:
    """B's log-rate rises by 0.4 per A action 10-20 days earlier (averaged); A is NB(1)."""
    x = np.zeros((n + 40, 2))
    for t in range(n + 40):
        past = x[max(0, t - 20): max(0, t - 9), 0].mean() if t >= 20 else 1.0
        mean = np.array([1.0, np.exp(np.log(1.5) + 0.4 * (past - 1.0))])
        x[t] = rng.poisson(mean * rng.gamma(3.0, 1 / 3.0, 2))
    return x[40:]


TRUTHS: dict[str, dict[str, Any]] = {
    "log_inhibition": {"link": "log", "truth": {"A->B": -0.8, "B->A": 0.0}},
    "linear_excitation": {"link": "linear", "truth": {"A->B": 0.2, "B->A": 0.0}},
    "nb_irr_1.0": {"irr": 1.0},
    "nb_irr_0.6": {"irr": 0.6},
    "delayed": {},
    "continuous": {},
}
CONTINUOUS = {"baseline": np.array([0.5, 0.6]), "adjacency": np.array([[0.3, 0.1], [0.2, 0.4]]),
              "decay": 1.0}  # fmt: skip


def validate_continuous(runs: int, rng: np.random.Generator) -> dict[str, Any]:
    """The continuous model on its own truth, decays estimated: bias and 95% coverage."""
    adjacency, decay = CONTINUOUS["adjacency"], CONTINUOUS["decay"]
    errors: dict[str, list[float]] = {}
    covered: dict[str, int] = {}
    failed = 0
    for _ in range(runs):
        times = simulate_continuous(CONTINUOUS["baseline"], adjacency, decay, float(N_BINS),
                                    seed=int(rng.integers(2**31)))  # fmt: skip
        try:
            fit = ContinuousHawkes(ties="none").fit(times, float(N_BINS))
        except Exception:  # noqa: BLE001 - a failed fit is a result of the study
            failed += 1
            continue
        for e, h in zip(fit.effects_, fit.half_lives_, strict=True):
            i, j = "AB".index(e["to"]), "AB".index(e["from"])
            for key, true, est, (lo, hi) in (
                (e["pair"], adjacency[i, j], e["estimate"], e["ci95"]),
                (f"half-life {e['pair']}", np.log(2) / decay, h["half_life_days"], h["ci95"]),
            ):  # fmt: skip
                errors.setdefault(key, []).append(est - true)
                covered[key] = covered.get(key, 0) + int(lo <= true <= hi)
    done = max(runs - failed, 1)
    return {"failed": failed, "bias": {k: float(np.mean(v)) for k, v in errors.items()},
            "coverage95": {k: v / done for k, v in covered.items()}}  # fmt: skip


def _data(name: str, rng: np.random.Generator) -> np.ndarray:
    seed = int(rng.integers(2**31))
    if name == "log_inhibition":
        eff = np.array([[0.2, 0.0], [-0.8, 0.2]])
        return simulate_discrete(np.log([1.0, 1.5]), eff, _RATIO, link="log",
                                 dispersion=0.3, n_bins=N_BINS, seed=seed)[0][0]  # fmt: skip
    if name == "linear_excitation":
        eff = np.array([[0.2, 0.0], [0.2, 0.2]])
        return simulate_discrete([0.8, 1.0], eff, _RATIO, link="linear", dispersion=0.3,
                                 n_bins=N_BINS, seed=seed)[0][0]  # fmt: skip
    if name.startswith("nb_irr"):
        irr = TRUTHS[name]["irr"]
        counts, _ = simulate_counts(1, N_BINS, (1.0, 1.5), {"A->B": irr}, seed=seed)
        return counts[0]
    return _delayed(N_BINS, np.random.default_rng(seed))


def validate_hawkes(runs: int = 200, seed: int = 0, links: tuple[str, ...] = ("log", "linear"),
                    truths: tuple[str, ...] | None = None) -> dict[str, Any]:  # fmt: skip
    """Per truth and link: calls of A->B and B->A, and bias / coverage where the truth is known."""
    from jervis.analysis.hawkes.api import check_whole

    check_whole("runs", runs, 1)
    check_whole("seed", seed, 0)
    rng = np.random.default_rng(seed)
    report: dict[str, Any] = {"runs": runs, "bins": N_BINS, "truths": {}}
    for name in truths or tuple(TRUTHS):
        spec = TRUTHS[name]
        if name == "continuous":
            report["truths"][name] = {"linear": validate_continuous(runs, rng)}
            continue
        rows: dict[str, Any] = {}
        for link in links:
            calls = {p: {"excitation": 0, "inhibition": 0, "none": 0} for p in ("A->B", "B->A")}
            errors = {p: [] for p in ("A->B", "B->A")}
            covered = {p: 0 for p in ("A->B", "B->A")}
            failed = 0
            for _ in range(runs):
                counts = _data(name, rng)
                try:
                    fit = DiscreteHawkes(link=link).fit(counts)
                except Exception:  # noqa: BLE001 - a failed fit is a result of the study
                    failed += 1
                    continue
                for e in fit.effects_:
                    pair = e["pair"]
                    if pair not in calls:
                        continue
                    calls[pair][e["kind"]] += 1
                    true = spec.get("truth", {}).get(pair)
                    if true is not None and spec["link"] == link:
                        errors[pair].append(e["coefficient"] - true)
                        lo, hi = e["coefficient_ci95"]
                        covered[pair] += int(lo <= true <= hi)
            done = runs - failed
            rows[link] = {
                "failed": failed,
                "calls": {p: {k: v / max(done, 1) for k, v in c.items()} for p, c in calls.items()},
            }
            if spec.get("link") == link:
                rows[link]["bias"] = {p: float(np.mean(v)) for p, v in errors.items()}
                rows[link]["coverage95"] = {p: covered[p] / max(done, 1) for p in covered}
        report["truths"][name] = rows
    report["summary"] = {
        name: {link: {k: v for k, v in row.items() if k != "failed"} for link, row in rows.items()}
        for name, rows in report["truths"].items()
    }
    return report
