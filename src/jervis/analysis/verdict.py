"""The verdict: several methods' summaries combined into one call per direction, by a fixed rule.

The rule (docs/methods.md, "The verdict rule"), applied to each direction X -> Y:

1. Enough data? Each side needs ``min_events`` actions in ``min_active_bins`` bins, and the
   count regression must fit; otherwise "inconclusive", with the reason (checked in api.py).
   No method is asked to invent a verdict.
2. The count regression leads: its IRR is the headline effect. Its p-values for the two
   directions are Holm-adjusted (two tests: A->B and B->A). Every other method's p-values are
   Holm-adjusted the same way, and a method "points" deters/provokes when its adjusted p < 0.05
   (a spatial-window call whose own pre-trend test rejects does not vote: ``method_call``).
3. Lead significant: the verdict is "deters" (IRR < 1) or "provokes" (IRR > 1) unless another
   method points significantly the other way, which makes it "inconclusive" (methods disagree).
4. Lead not significant: "no_detectable_effect" if no other method points either way and the
   interval is informative (upper/lower bound < ``max_ci_ratio``); otherwise "inconclusive".
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

LEAD = "count_regression"
ALPHA = 0.05
VERDICTS = ("deters", "provokes", "no_detectable_effect", "inconclusive")


@dataclass
class DirectionVerdict:
    """One direction's call, its headline effect and each method's summary."""

    from_side: str
    to_side: str
    verdict: str
    effect: dict[str, Any] | None
    methods: dict[str, Any]
    agreement: str
    summary: str
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.from_side,
            "to": self.to_side,
            "verdict": self.verdict,
            "effect": self.effect,
            "methods": self.methods,
            "agreement": self.agreement,
            "summary": self.summary,
            "reason": self.reason,
        }


@dataclass
class Verdict:
    """Both directions plus everything needed to reproduce them."""

    dyad: str
    period: dict[str, str]
    bin: str
    actions: str
    sides: dict[str, dict[str, Any]]
    settings: dict[str, Any]
    directions: list[DirectionVerdict] = field(default_factory=list)
    version: str = ""

    @property
    def counts(self) -> dict[str, int]:
        return {s: int(v["actions"]) for s, v in self.sides.items()}

    def direction(self, name: str) -> DirectionVerdict:
        """The verdict for 'A->B' or 'B->A'."""
        for item in self.directions:
            if f"{item.from_side}->{item.to_side}" == name:
                return item
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["counts"] = self.counts
        data["directions"] = [d.to_dict() for d in self.directions]
        return _plain(data)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def _plain(value: Any) -> Any:
    """numpy scalars, tuples and NaN -> JSON-friendly Python values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def holm(p_values: dict[str, float | None]) -> dict[str, float | None]:
    """Holm's step-down adjustment (missing p-values stay missing)."""
    known = sorted((p, k) for k, p in p_values.items() if p is not None and np.isfinite(p))
    adjusted: dict[str, float | None] = {k: None for k in p_values}
    running, m = 0.0, len(known)
    for i, (p, k) in enumerate(known):
        running = max(running, min(1.0, (m - i) * p))
        adjusted[k] = running
    return adjusted


def _neutral(summary: dict[str, Any]) -> float:
    """Ratios are neutral at 1; the VAR's impulse response (an added count) and differences at 0."""
    measure = str(summary.get("measure", "ratio"))
    additive = measure == "cumulative_impulse_response" or measure.endswith("difference")
    return 0.0 if additive else 1.0


def method_call(summary: dict[str, Any] | None, p_adjusted: float | None) -> str | None:
    """What one method says: 'deters', 'provokes', 'none', 'pre_trend' or None (not applicable).

    'pre_trend': a significant after/before contrast whose own pre-trend test also rejects
    (spatial windows). Y was already changing before X acted, the signature of the reverse
    direction read through the same event pairs, so the method does not vote.
    """
    if not summary or p_adjusted is None or summary.get("estimate") is None:
        return None
    if p_adjusted >= ALPHA:
        return "none"
    pre_p = summary.get("pre_trend_p_value")
    if pre_p is not None and float(pre_p) < ALPHA:
        return "pre_trend"
    return "provokes" if float(summary["estimate"]) > _neutral(summary) else "deters"


def _fmt(value: float) -> str:
    return f"{value:.2f}"


def _possessive(label: str) -> str:
    return f"{label}'" if label.endswith("s") else f"{label}'s"


def sentence(
    verdict: str,
    x_label: str,
    y_label: str,
    effect: dict | None,
    reason: str | None,
    noun: str = "actions",
) -> str:
    """One sentence a journalist could quote, with the caveat that matters most.

    ``noun`` is "actions" (events a side initiated) or "deaths" (actions="harm").
    """
    caveat = "an association in observational data, not proof that one caused the other"
    by = "caused by" if noun == "deaths" else "by"
    if verdict == "inconclusive":
        return (
            f"The data cannot say whether {_possessive(x_label)} actions changed the number "
            f"of {noun} {by} {y_label}: {reason}."
        )
    irr, (lo, hi) = effect["estimate"], effect["ci95"]  # type: ignore[index]
    days = effect["horizon_days"]  # type: ignore[index]
    per = effect.get("bin", "day")  # type: ignore[union-attr]
    numbers = f"rate ratio {_fmt(irr)}, 95% interval {_fmt(lo)} to {_fmt(hi)}"
    after = f"after {days} days of twice the usual activity by {x_label}"
    if verdict == "no_detectable_effect":
        return (
            f"No detectable change in the number of {noun} {by} {y_label} {after} "
            f"({numbers}); an effect smaller than the interval allows, or one masked by other "
            "causes, cannot be ruled out."
        )
    change = f"{abs(irr - 1) * 100:.0f}% {'more' if verdict == 'provokes' else 'fewer'}"
    return (
        f"{after[0].upper()}{after[1:]}, there were {change} {noun} {by} {y_label} per {per} "
        f"({numbers}) - {caveat}."
    )


def decide(
    direction: str,
    summaries: dict[str, dict[str, Any] | None],
    adjusted: dict[str, float | None],
    *,
    labels: dict[str, str],
    gate: str | None,
    max_ci_ratio: float = 4.0,
    noun: str = "actions",
) -> DirectionVerdict:
    """Apply the verdict rule to one direction, given every method's summary and adjusted p."""
    x, y = direction.split("->")
    calls = {m: method_call(s, adjusted.get(m)) for m, s in summaries.items()}
    lead = summaries.get(LEAD)
    effect = None
    if lead and lead.get("estimate") is not None:
        effect = {
            "measure": "incidence_rate_ratio",
            "estimate": lead["estimate"],
            "ci95": lead["ci95"],
            "p_value": lead["p_value"],
            "p_value_holm": adjusted.get(LEAD),
            "horizon_days": lead.get("horizon_days"),
            "bin": lead.get("bin", "day"),
        }
    directional = [c for c in calls.values() if c in ("deters", "provokes")]
    lead_call = calls.get(LEAD)
    others = {m: c for m, c in calls.items() if m != LEAD and c is not None}
    reason = gate
    if reason is None and effect is None:
        error = (lead or {}).get("error", "the count regression could not be fitted")
        reason = f"the lead method failed ({error})"
    if reason is not None:
        verdict = "inconclusive"
    elif lead_call in ("deters", "provokes"):
        opposite = [m for m, c in others.items() if c in ("deters", "provokes") and c != lead_call]
        verdict = lead_call if not opposite else "inconclusive"
        if opposite:
            reason = f"the count regression says {lead_call} but {', '.join(opposite)} disagree"
    else:
        pointing = [m for m, c in others.items() if c in ("deters", "provokes")]
        lo, hi = effect["ci95"]  # type: ignore[index]
        if pointing:
            verdict = "inconclusive"
            reason = (
                "the count regression finds no significant effect but "
                f"{', '.join(pointing)} {'does' if len(pointing) == 1 else 'do'}"
            )
        elif lo <= 0 or hi / lo > max_ci_ratio:
            verdict = "inconclusive"
            reason = f"the 95% interval ({_fmt(lo)} to {_fmt(hi)}) is too wide to say anything"
        else:
            verdict = "no_detectable_effect"
    counted = [c for c in calls.values() if c is not None]
    if verdict in ("deters", "provokes"):
        same = sum(c == verdict for c in counted)
        agreement = (
            f"{same} of {len(counted)} methods point to '{verdict}' (Holm-adjusted p < 0.05)"
        )
    else:
        agreement = (
            f"{len(directional)} of {len(counted)} methods find a significant effect "
            "(Holm-adjusted p < 0.05)"
        )
    methods = {m: s for m, s in summaries.items() if s is not None}
    for m in methods:
        methods[m] = {**methods[m], "p_value_holm": adjusted.get(m), "points_to": calls.get(m)}
    return DirectionVerdict(
        from_side=x,
        to_side=y,
        verdict=verdict,
        effect=effect,
        methods=methods,
        agreement=agreement,
        summary=sentence(verdict, labels.get(x, x), labels.get(y, y), effect, reason, noun),
        reason=reason,
    )
