"""Counterfactual response policies: "what if they had not struck back?"

From a fitted :class:`~.discrete.DiscreteHawkes` and the observed history, the next ``days``
bins are simulated under a policy of the *responder* side; the other side is the *attacker*.
Each bin, the attacker's count is drawn from the fitted model given both sides' history. The
responder's count is

* ``observed``: drawn from the fitted model (what the responder has been doing);
* otherwise its background: the fitted model without the attacker's cross term (it still acts
  on its own schedule and its own momentum), plus responses the policy schedules:
  ``never_respond`` none; ``always_respond`` one per attack, on a day drawn uniformly from the
  next ``within_days`` days; ``respond_with_probability`` one with probability p;
  ``double_response`` two per attack.

Responses then act on the attacker through the fitted per-event effect, like the responder's
events in the data. Paths draw the parameters from the fit's asymptotic normal
(``param_draws`` draws x ``paths_per_draw`` paths) so intervals carry estimation uncertainty;
all policies share the same random numbers (common random numbers), so their difference is
estimated far more precisely than either level. Killed: each simulated attack carries a
severity resampled from the attacker's observed attacks.

For the linear link the expected attacks have a closed form (means propagate linearly through
the recursion): :func:`analytic_expected_attacks`, reported beside the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from jervis.analysis.hawkes.discrete import DiscreteHawkes, kernel_features, transform
from jervis.analysis.hawkes.simulate import LOG_MEAN_CAP
from jervis.analysis.validation.loglinear import _poisson_inverse
from jervis.errors import JervisError

POLICIES = ("observed", "never_respond", "always_respond", "respond_with_probability",
            "double_response")  # fmt: skip


@dataclass(frozen=True)
class Policy:
    name: str
    per_attack: float = 0.0  # responses scheduled per attack (expected)

    @classmethod
    def parse(cls, text: str, probability: float = 0.5) -> Policy:
        """'never_respond', 'always_respond', 'respond_with_probability[:0.3]', ..."""
        name, _, arg = str(text).partition(":")
        name = name.strip()
        if name not in POLICIES:
            raise JervisError(f"unknown policy {name!r}; choose from {', '.join(POLICIES)}")
        if name == "respond_with_probability":
            p = float(arg) if arg else probability
            if not 0 <= p <= 1:
                raise JervisError(f"a response probability lies in [0, 1], not {p}")
            return cls(f"{name}:{p:g}", p)
        per = {"observed": 0.0, "never_respond": 0.0, "always_respond": 1.0, "double_response": 2.0}
        return cls(name, per[name])

    @property
    def model_driven(self) -> bool:
        return self.name == "observed"


def _state(model: DiscreteHawkes, full: np.ndarray) -> np.ndarray:
    """h for the first bin after the data (D, D), under parameters ``full``."""
    ratios = special.expit(model.block("logit_ratio", full))
    y = np.vstack([model.y_, np.zeros((1, model.y_.shape[1]))])
    h, _ = kernel_features(y, ratios, model.starts_, model.level_, False)
    return h[-1]


def _link(model: DiscreteHawkes, lin: np.ndarray) -> np.ndarray:
    if model.link == "linear":
        return np.maximum(lin, 1e-12)
    return np.exp(np.minimum(lin, LOG_MEAN_CAP))


def analytic_expected_attacks(model: DiscreteHawkes, policy: Policy, responder: int,
                              days: int, within_days: int = 3) -> np.ndarray:  # fmt: skip
    """Expected attacker counts per day at the point estimate (linear link only: exact)."""
    if model.link != "linear":
        raise JervisError("expected counts have a closed form only for the linear link")
    full = model.params_
    base, eff = model.block("baseline"), model.block("effect")
    r = special.expit(model.block("logit_ratio"))
    attacker = 1 - responder
    h = _state(model, full)
    scheduled = np.zeros(days + within_days + 1)
    out = np.zeros(days)
    for t in range(days):
        mean = base + (eff * h).sum(axis=1)
        if not policy.model_driven:
            bg = base[responder] + sum(eff[responder, j] * h[responder, j]
                                       for j in range(len(base)) if j != attacker)  # fmt: skip
            mean[responder] = bg + scheduled[t]
            scheduled[t + 1: t + 1 + within_days] += policy.per_attack * mean[attacker] / within_days
        out[t] = mean[attacker]
        h = r * h + (1 - r) * mean[None, :]
    return out


def simulate_policies(
    model: DiscreteHawkes, policies: list[str] | list[Policy], *, responder: int = 0,
    days: int = 30, within_days: int = 3, param_draws: int = 100, paths_per_draw: int = 10,
    severity: np.ndarray | None = None, probability: float = 0.5, seed: int | None = 0,
) -> dict[str, Any]:  # fmt: skip
    """Simulate every policy on the same random numbers; a JSON-ready report."""
    chosen = [p if isinstance(p, Policy) else Policy.parse(p, probability) for p in policies]
    if not chosen:
        raise JervisError("name at least one policy")
    if days < 1 or within_days < 1:
        raise JervisError("days and within_days must be at least 1")
    dim = model.y_.shape[1]
    if dim != 2 or responder not in (0, 1):
        raise JervisError("policies need a two-sided model and a responder side 0 or 1")
    attacker = 1 - responder
    rng = np.random.default_rng(seed)
    if param_draws > 0:
        fulls = model.draws(param_draws)
    else:
        fulls, param_draws = model.params_[None, :], 1
    n_paths = param_draws * paths_per_draw
    fulls = np.repeat(fulls, paths_per_draw, axis=0)
    base = np.array([model.block("baseline", f) for f in fulls])
    eff = np.array([model.block("effect", f) for f in fulls])
    r = special.expit(np.array([model.block("logit_ratio", f) for f in fulls]))
    disp = np.exp(np.array([model.block("log_dispersion", f) for f in fulls]))
    h0 = np.repeat(np.array([_state(model, f) for f in fulls[::paths_per_draw]]), paths_per_draw, 0)
    # common random numbers: one set of uniforms and gamma mixers shared by every policy
    uniform = rng.uniform(size=(days, n_paths, dim))
    shape = 1.0 / np.maximum(disp, 1e-9)
    gamma = (rng.gamma(shape[None], 1.0 / shape[None], size=(days, n_paths, dim))
             if model.family == "nb" else np.ones((days, n_paths, dim)))  # fmt: skip
    schedule_seed = int(rng.integers(2**31))
    severity = None if severity is None else np.asarray(severity, dtype=float)
    if severity is not None:
        severity = severity[np.isfinite(severity)]
    results = []
    for policy in chosen:
        sched_rng = np.random.default_rng(schedule_seed)
        h = h0.copy()
        queue = np.zeros((n_paths, days + within_days + 1))
        attacks = np.zeros((n_paths, days))
        responses = np.zeros((n_paths, days))
        for t in range(days):
            feat = transform(h, model.link)
            lin = base + np.einsum("pij,pij->pi", eff, feat)
            mean = _link(model, lin)
            x = np.empty((n_paths, dim))
            x[:, attacker] = _poisson_inverse(uniform[t, :, attacker], mean[:, attacker] * gamma[t, :, attacker])
            if policy.model_driven:
                resp_mean = mean[:, responder]
            else:
                bg = lin[:, responder] - eff[:, responder, attacker] * feat[:, responder, attacker]
                resp_mean = _link(model, bg)
            x[:, responder] = _poisson_inverse(uniform[t, :, responder], resp_mean * gamma[t, :, responder])
            if not policy.model_driven:
                x[:, responder] += queue[:, t]
                if policy.per_attack > 0:
                    n_attacks = x[:, attacker].astype(np.int64)
                    if policy.per_attack < 1:
                        n_resp = sched_rng.binomial(n_attacks, policy.per_attack)
                    else:
                        n_resp = n_attacks * int(policy.per_attack)
                    spread = sched_rng.multinomial(n_resp, np.full(within_days, 1.0 / within_days))
                    queue[:, t + 1: t + 1 + within_days] += spread
            attacks[:, t], responses[:, t] = x[:, attacker], x[:, responder]
            h = r * h + (1 - r) * x[:, None, :]
        results.append(_policy_report(policy, attacks, responses, severity, param_draws,
                                      paths_per_draw, sched_rng))  # fmt: skip
        if model.link == "linear":
            exact = analytic_expected_attacks(model, policy, responder, days, within_days)
            results[-1]["analytic_expected_attacks"] = float(exact.sum())
    first = results[0]
    differences = [_difference(first, other, param_draws, paths_per_draw) for other in results[1:]]
    for item in results:
        for key in ("_attacks", "_killed"):
            item.pop(key)
    labels = model.labels_
    return {
        "days": days * model.days_per_bin,
        "responder": labels[responder],
        "attacker": labels[attacker],
        "within_days": within_days * model.days_per_bin,
        "paths": n_paths,
        "param_draws": param_draws,
        "policies": results,
        "difference": differences,
        "assumptions": assumptions(labels[responder], labels[attacker], days * model.days_per_bin,
                                   severity is not None and len(severity) > 0),  # fmt: skip
    }


def _policy_report(policy, attacks, responses, severity, draws, per_draw, rng) -> dict[str, Any]:
    totals = attacks.sum(axis=1)
    cumulative = np.cumsum(attacks, axis=1)
    by_draw = totals.reshape(draws, per_draw).mean(axis=1)
    killed = None
    if severity is not None and len(severity):
        n = totals.astype(np.int64)
        picks = rng.choice(severity, size=int(n.sum())) if n.sum() else np.zeros(0)
        killed = np.bincount(np.repeat(np.arange(len(n)), n), weights=picks, minlength=len(n))
    out: dict[str, Any] = {
        "name": policy.name,
        "expected_attacks": float(totals.mean()),
        "interval90": _q(totals),
        "expected_attacks_interval90": _q(by_draw),
        "expected_killed": None if killed is None else float(killed.mean()),
        "killed_interval90": None if killed is None else _q(killed),
        "expected_responses": float(responses.sum(axis=1).mean()),
        "path": {
            "day": list(range(1, attacks.shape[1] + 1)),
            "mean": np.round(cumulative.mean(axis=0), 3).tolist(),
            "lo90": np.round(np.percentile(cumulative, 5, axis=0), 3).tolist(),
            "hi90": np.round(np.percentile(cumulative, 95, axis=0), 3).tolist(),
        },
        "_attacks": totals,
        "_killed": killed,
    }
    return out


def _q(values: np.ndarray) -> list[float]:
    return [float(np.percentile(values, 5)), float(np.percentile(values, 95))]


def _difference(a: dict, b: dict, draws: int, per_draw: int) -> dict[str, Any]:
    """b minus a on the same random numbers: the mean and a 90% interval over parameter draws."""
    diff = b["_attacks"] - a["_attacks"]
    by_draw = diff.reshape(draws, per_draw).mean(axis=1)
    out = {
        "policy": b["name"], "versus": a["name"],
        "attacks": float(diff.mean()),
        "interval90": _q(by_draw) if draws > 1 else _q(diff),
        "paths_with_fewer_attacks": float((diff < 0).mean()),
    }  # fmt: skip
    if a["_killed"] is not None:
        dk = b["_killed"] - a["_killed"]
        out["killed"] = float(dk.mean())
        out["killed_interval90"] = _q(dk.reshape(draws, per_draw).mean(axis=1)) if draws > 1 else _q(dk)
    return out


def _of(name: str) -> str:
    """Possessive: "insurgents'" but "Ukraine's"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def assumptions(responder: str, attacker: str, days: int, killed: bool) -> list[str]:
    """What a planner must accept for these numbers to mean what they say."""
    out = [
        f"Causal only if nothing else drives both sides at once: a common driver (an offensive, "
        f"an election, a season) that moves {responder} and {attacker} together would be read as "
        "their effect on each other.",
        f"A policy changes only {_of(responder)} responses to {_of(attacker)} attacks. "
        f"{_of(responder)} other activity and {_of(attacker)} own dynamics follow the fitted "
        "model.",
        f"A response acts on {attacker} like an average {responder} action in the data did "
        "(the same fitted per-event effect); a bigger or different strike is outside the data.",
        f"The next {days} days look like the fitted period: baselines and effects do not change.",
        "Intervals (90%) include chance and the uncertainty of the fitted parameters.",
    ]
    if killed:
        out.append(f"Killed = simulated attacks by {attacker} x deaths per attack resampled from "
                   "its past attacks; lethality itself is not modelled.")  # fmt: skip
    return out
