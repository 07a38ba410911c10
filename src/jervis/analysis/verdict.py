"""The verdict: every method's result combined into one call per direction, by a fixed rule.

``compute_verdict`` is the one function that computes the shipped verdict: ``jervis analyze``,
``jervis validate`` and ``jervis validate --spatial`` all call it. The rule
(docs/methods.md, "The verdict rule"), for each direction X -> Y:

1. **Enough data?** Each side needs ``min_incidents`` distinct events and ``min_active_bins``
   bins with an action; in ``initiated`` mode the sides' actions must mostly come with an
   initiator. Otherwise "inconclusive", with the reason, and no method is run.
2. **The count regression leads**: its IRR is the headline. Each method's two p-values (A->B,
   B->A) are Holm-adjusted; a method points deters/provokes when its adjusted p < 0.05 (its
   class's ``vote`` may withhold a call, e.g. the spatial pre-trend).
3. **Lead significant**: the call is its direction ("deters" below 1, "provokes" above) only if
   (a) no other method points significantly the other way, (b) the robustness grid holds
   (>= 2/3 of specifications the same way, none significantly opposite), and (c) the lead
   (negative-control) test does not suggest confounding: X's *future* actions are not
   associated with Y's present (p >= 0.05), and X's past actions are significantly more
   strongly associated with it than X's future ones (one-sided p < 0.05), and (d) the lag
   profile over 4h bins (X's last four h-bin windows together) does not point the other way
   (the direction would then depend on the delay). Otherwise "inconclusive", saying which and
   why in plain words.
4. **Lead not significant**: "no_detectable_effect" when no other method points either way
   and the interval is informative (upper/lower < ``MAX_CI_RATIO``), else "inconclusive".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jervis.analysis.base import (
    ALPHA,
    CALLS,
    DIRECTIONS,
    LEAD,
    METHODS,
    MethodResult,
    estimator_class,
    holm,
    parse_direction,
    plain,
)
from jervis.analysis.robustness import assess, run_grid
from jervis.analysis.settings import resolve
from jervis.analysis.wording import (
    direction_words,
    effect_sentence,
    fmt,
    inconclusive_sentence,
    possessive,
)

VERDICTS = ("deters", "provokes", "no_detectable_effect", "inconclusive")
MAX_CI_RATIO = 4.0
NO_INITIATOR_SHARE = 0.5  # more than this share of a side's actions without initiator: gate


@dataclass
class DirectionVerdict:
    """One direction's call, its headline effect, every method's result and the checks."""

    from_side: str
    to_side: str
    verdict: str
    effect: dict[str, Any] | None
    methods: dict[str, dict[str, Any]]
    agreement: str
    summary: str
    reason: str | None = None
    robustness: dict[str, Any] | None = None
    confounding: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return plain(
            {
                "from": self.from_side,
                "to": self.to_side,
                "verdict": self.verdict,
                "summary": self.summary,
                "reason": self.reason,
                "effect": self.effect,
                "methods": self.methods,
                "agreement": self.agreement,
                "robustness": self.robustness,
                "confounding": self.confounding,
                "notes": self.notes,
            }
        )


@dataclass
class Verdict:
    """Both directions plus everything needed to reproduce them."""

    dyad: str
    period: dict[str, str]
    bin: str
    actions: str
    unit: str
    sides: dict[str, dict[str, Any]]
    settings: dict[str, Any]
    coverage: dict[str, Any]
    notes: list[str] = field(default_factory=list)
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
        return plain(
            {
                "dyad": self.dyad,
                "period": self.period,
                "bin": self.bin,
                "actions": self.actions,
                "unit": self.unit,
                "sides": self.sides,
                "counts": self.counts,
                "settings": self.settings,
                "coverage": self.coverage,
                "notes": self.notes,
                "directions": [d.to_dict() for d in self.directions],
                "version": self.version,
            }
        )

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


# -- the data gate ------------------------------------------------------------------------
def gate_reason(series: Any, settings: dict[str, Any]) -> str | None:
    """Why the data are too thin (or too ambiguous) for any verdict; None when they suffice."""
    totals = series.totals()
    unit = series.unit
    if series.actions == "initiated":
        unknown = {
            s: n for s, n in series.initiator_unknown.items()
            if totals.get(s) and n > NO_INITIATOR_SHARE * totals[s]
        }  # fmt: skip
        if unknown:
            which = " and ".join(
                f"{n:,} of {totals[s]:,} 'actions' of {series.label(s)}" for s, n in unknown.items()
            )
            return (
                f"for {which} the source records no initiator (UCDP GED and ACLED battles list "
                "one side first by convention), so who 'initiated' them says nothing about who "
                'attacked; count deaths caused instead (actions = "harm")'
            )
    need_inc, need_bins = int(settings["min_incidents"]), int(settings["min_active_bins"])
    what = "deaths" if unit == "deaths" else "events"
    active = series.active_bins()
    short = [
        f"{series.label(s)}: {series.incidents.get(s, 0):,} {what} on {active[s]:,} "
        f"{series.bin}{'' if active[s] == 1 else 's'}"
        for s in ("A", "B")
        if series.incidents.get(s, 0) < need_inc or active[s] < need_bins
    ]
    if short:
        return (
            f"too few data for a verdict ({'; '.join(short)}); at least {need_inc} separate "
            f"{what} on at least {need_bins} different {series.bin}s per side are needed"
        )
    return None


# -- one direction ------------------------------------------------------------------------
def _effect(lead: MethodResult | None) -> dict[str, Any] | None:
    if lead is None or not lead.has_estimate:
        return None
    return {
        "measure": lead.measure,
        "estimate": lead.estimate,
        "ci95": list(lead.ci95),
        "p_value": lead.p_value,
        "p_value_holm": lead.p_value_holm,
        "horizon_days": lead.horizon_days,
        "bin": lead.bin,
    }


def confounding_check(lead: MethodResult | None) -> dict[str, Any] | None:
    """The lead (negative-control) test, read for a significant headline.

    X's future cannot cause Y's present. Confounding is suspected when (a) X's next h bins
    are associated with Y's present at p < 0.05 in either direction (Y drives X, or both
    follow something else), or (b) X's past h bins are not associated with Y's present
    significantly more strongly than its next h bins (one-sided p >= 0.05): a slow common
    cause is symmetric in time, a reaction is not. Checked only when the headline is
    significant: the check can only withhold a call.
    """
    if lead is None or not lead.has_estimate:
        return None
    test = lead.details.get("lead")
    if not test or not test.get("applicable"):
        return {"applicable": False, "reason": (test or {}).get("reason", "not run")}
    lead_sig = test["p_value"] < ALPHA
    past_wins = test["past_beyond_future_p_value"] < ALPHA
    suspected = lead.points_to in CALLS and (lead_sig or not past_wins)
    return {
        "applicable": True,
        "lead_irr": test["irr"],
        "lead_ci95": test["ci95"],
        "lead_p_value": test["p_value"],
        "past_beyond_future_p_value": test["past_beyond_future_p_value"],
        "suspected": bool(suspected),
        "why": None if not suspected else ("lead" if lead_sig else "past_not_beyond_future"),
    }


def decide(
    direction: str,
    results: dict[str, MethodResult],
    *,
    labels: dict[str, str],
    unit: str = "actions",
    gate: str | None = None,
    robustness: dict[str, Any] | None = None,
    max_ci_ratio: float = MAX_CI_RATIO,
) -> DirectionVerdict:
    """Apply the verdict rule to one direction (results carry ``points_to`` already)."""
    x, y = parse_direction(direction)
    lx, ly = labels.get(x, x), labels.get(y, y)
    lead = results.get(LEAD)
    effect = _effect(lead)
    calls = {m: r.points_to for m, r in results.items() if estimator_class(m).votes}
    others = {m: c for m, c in calls.items() if m != LEAD and c is not None}
    lead_call = calls.get(LEAD)
    confounding = confounding_check(lead)
    reason = gate
    caveat = None
    if reason is None and effect is None:
        why = lead.reason if lead is not None else "not run"
        reason = f"the main regression could not be estimated ({why})"
    if reason is not None:
        verdict = "inconclusive"
    elif lead_call in CALLS:
        verdict = lead_call
        opposite = [m for m, c in others.items() if c in CALLS and c != lead_call]
        if opposite:
            verdict = "inconclusive"
            said = "; ".join(
                f"{estimator_class(m).label} finds {direction_words(others[m], lx, ly, unit)}"
                for m in opposite
            )
            reason = (
                f"the methods disagree: the main regression finds "
                f"{direction_words(lead_call, lx, ly, unit)}, but {said}"
            )
        elif robustness is not None and not robustness.get("holds", True):
            verdict = "inconclusive"
            reason = _fragile(robustness, lead_call)
        elif confounding and confounding.get("suspected"):
            verdict = "inconclusive"
            reason = _confounded(confounding, lx, ly, effect)
        elif _delay_flips(lead, lead_call):
            verdict = "inconclusive"
            delay = lead.details["delay"]  # type: ignore[union-attr]
            reason = (
                f"the direction depends on the delay: {direction_words(lead_call, lx, ly, unit)} "
                f"within {effect['horizon_days']} days, but over {delay['days']} days the "
                f"association points the other way (rate ratio {fmt(delay['irr'])}, 95% "
                f"interval {fmt(delay['ci95'][0])} to {fmt(delay['ci95'][1])})"
            )
    else:
        pointing = [m for m, c in others.items() if c in CALLS]
        lo, hi = effect["ci95"]  # type: ignore[index]
        if pointing:
            verdict = "inconclusive"
            said = "; ".join(
                f"{estimator_class(m).label} finds {direction_words(others[m], lx, ly, unit)}"
                for m in pointing
            )
            reason = f"the main regression finds no clear change, but {said}"
        elif lo <= 0 or hi / lo > max_ci_ratio:
            verdict = "inconclusive"
            reason = (
                f"the 95% interval of the rate ratio ({fmt(lo)} to {fmt(hi)}) is too wide to "
                "say anything"
            )
        else:
            verdict = "no_detectable_effect"
    fallback = [n for n in (lead.notes if lead is not None else []) if "dispersion" in n]
    notes = _disclosure(lead, robustness, confounding, gate)
    counted = [c for c in calls.values() if c is not None]
    if verdict in CALLS:
        same = sum(c == verdict for c in counted)
        agreement = f"{same} of {len(counted)} methods point to '{verdict}' (Holm-adjusted p < 0.05)"
    else:
        n_sig = sum(c in CALLS for c in counted)
        agreement = (
            f"{n_sig} of {len(counted)} methods find a significant effect (Holm-adjusted p < 0.05)"
        )
    if verdict == "inconclusive":
        summary = inconclusive_sentence(lx, ly, unit, reason or "")
    else:
        if verdict in CALLS and fallback:
            caveat = (
                "an association in observational data, not proof that one caused the other "
                f"(note: {fallback[0]})"
            )
        summary = effect_sentence(verdict, lx, ly, effect, unit, caveat)  # type: ignore[arg-type]
    return DirectionVerdict(
        from_side=x,
        to_side=y,
        verdict=verdict,
        effect=effect,
        methods={m: r.to_dict() for m, r in results.items()},
        agreement=agreement,
        summary=summary,
        reason=reason,
        robustness=robustness,
        confounding=confounding,
        notes=notes,
    )


def _disclosure(
    lead: MethodResult | None,
    robustness: dict[str, Any] | None,
    confounding: dict[str, Any] | None,
    gate: str | None,
) -> list[str]:
    """What was chosen from the data and which checks ran, in short notes."""
    if gate:
        return [f"data gate: {gate}"]
    notes = list(lead.notes) if lead is not None else []
    if robustness and robustness.get("n_fitted"):
        share, sig = robustness["share"], robustness["share_significant"]
        notes.append(
            f"robustness: {robustness['n_fitted']} specifications, {share['provokes']:.0%} "
            f"point up and {share['deters']:.0%} down; significant up {sig['provokes']:.0%}, "
            f"down {sig['deters']:.0%}"
        )
    if confounding and confounding.get("applicable"):
        notes.append(
            f"lead test: the next days' rate ratio {fmt(confounding['lead_irr'])} "
            f"(p = {confounding['lead_p_value']:.2g}); past beyond future, one-sided "
            f"p = {confounding['past_beyond_future_p_value']:.2g}"
        )
    delay = (lead.details if lead is not None else {}).get("delay") or {}
    if delay.get("applicable"):
        notes.append(f"lag profile over {delay['days']} days: rate ratio {fmt(delay['irr'])}")
    return notes


def _delay_flips(lead: MethodResult | None, call: str) -> bool:
    """Does the lag profile's sum over 4h bins point the other way than the headline?"""
    delay = (lead.details if lead is not None else {}).get("delay") or {}
    if not delay.get("applicable") or delay["irr"] == 1:
        return False
    return ("provokes" if delay["irr"] > 1 else "deters") != call


def _confounded(check: dict[str, Any], lx: str, ly: str, effect: dict[str, Any]) -> str:
    """Why a significant association may not be a reaction, in words."""
    if check["why"] == "lead":
        return (
            f"confounding is suspected: {possessive(ly)} activity also predicts "
            f"{possessive(lx)} next actions (rate ratio {fmt(check['lead_irr'])}, "
            f"p = {check['lead_p_value']:.2g}), so {lx} may be reacting to {ly} or both may "
            f"follow a common cause, and the data cannot separate that from an effect of {lx} "
            f"on {ly}"
        )
    return (
        f"confounding is suspected: {possessive(lx)} actions in the days *after* are "
        f"associated with {possessive(ly)} about as strongly as those before (rate ratios "
        f"{fmt(check['lead_irr'])} after, {fmt(effect['estimate'])} before), as a slow common "
        "cause of both sides' activity would make them; the association cannot be read as a "
        "reaction"
    )


def _fragile(robustness: dict[str, Any], call: str) -> str:
    flips = robustness.get("flips", [])
    opposite = robustness.get("significant_opposite", [])
    share = robustness.get("share_same") or 0.0
    named = opposite or flips
    shown = "; ".join(named[:4])
    more = len(named) - 4
    tail = f"; and {more} more" if more > 0 else ""
    shared = _shared_choices(robustness, named)
    if opposite:
        return (
            f"the result is fragile: {len(opposite)} of {robustness['n_fitted']} reasonable "
            f"model specifications find a significant effect the other way{shared} ({shown}{tail})"
        )
    return (
        f"the result is fragile: only {share:.0%} of {robustness['n_fitted']} reasonable model "
        f"specifications point the same way ({len(flips)} point the other way{shared}: "
        f"{shown}{tail}); at least two thirds are needed"
    )


_BIN_WORDS = {"day": "daily", "week": "weekly", "month": "monthly"}


def _shared_choices(robustness: dict[str, Any], names: list[str]) -> str:
    """What the flipping specifications have in common, in words (", all with a 14-day
    horizon in weekly bins"), so the reader sees which choice the direction depends on."""
    rows = [r for r in robustness.get("specifications", []) if r["specification"] in set(names)]
    if len(rows) < 2:
        return ""
    words = []
    if {r["method"] for r in rows} == {LEAD} and len({r["horizon_days"] for r in rows}) == 1:
        words.append(f"with a {rows[0]['horizon_days']}-day horizon")
    if len({r["bin"] for r in rows}) == 1:
        words.append(f"in {_BIN_WORDS[rows[0]['bin']]} bins")
    return f", all {' '.join(words)}" if words else ""


# -- the whole verdict --------------------------------------------------------------------
def compute_verdict(
    series: Any,
    *,
    name: str = "dyad",
    settings: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
    grid: str = "always",
) -> Verdict:
    """The shipped verdict for a DyadSeries: methods both ways, Holm, grid, rule, words.

    ``grid="when_needed"`` computes the robustness grid only for a direction whose lead is
    significant (the only case in which it can change the call): the simulation studies use
    it to save time; the call is the same.
    """
    from jervis import __version__

    config = resolve(settings, {"bin": series.bin, "actions": series.actions})
    chosen = config["methods"] or list(METHODS)
    methods = [LEAD, *[m for m in chosen if m != LEAD]]
    gate = gate_reason(series, config)
    results: dict[str, dict[str, MethodResult]] = {d: {} for d in DIRECTIONS}
    if gate is None:
        for d in DIRECTIONS:
            for m in methods:
                if progress:
                    progress(f"{m}, {d}")
                results[d][m] = estimator_class(m).from_settings(config).fit(series, d).result_
        for m in methods:
            adjusted = holm({d: _p(results[d][m]) for d in DIRECTIONS})
            for d in DIRECTIONS:
                result = results[d][m]
                result.p_value_holm = adjusted[d]
                result.points_to = estimator_class(m).vote(result, adjusted[d])
    grid_methods = [m for m in methods if estimator_class(m).specifications(config)]
    directions = []
    labels = dict(series.labels)
    for d in DIRECTIONS:
        lead = results[d].get(LEAD)
        robustness = None
        headline = lead.points_to if lead is not None else None
        wanted = grid == "always" or headline in CALLS
        if gate is None and config["robustness"] and wanted and lead is not None and lead.has_estimate:
            rows = run_grid(series, d, config, grid_methods, progress)
            robustness = assess(rows, headline if headline in CALLS else None)
        directions.append(
            decide(d, results[d], labels=labels, unit=series.unit, gate=gate,
                   robustness=robustness)
        )  # fmt: skip
    totals, active = series.totals(), series.active_bins()
    sides = {
        s: {"label": series.label(s), "actions": totals[s], "incidents": series.incidents.get(s),
            "active_bins": active[s], "without_initiator": series.initiator_unknown.get(s)}
        for s in ("A", "B")
    }  # fmt: skip
    coverage = {
        "bins": int(series.n_bins),
        "covered_bins": int(series.covered.sum()),
        "excluded": list(series.excluded),
    }
    return Verdict(
        dyad=name,
        period={"start": str(series.start.date()), "end": str(series.end.date())},
        bin=series.bin,
        actions=series.actions,
        unit=series.unit,
        sides=sides,
        settings={**config, "methods": methods},
        coverage=coverage,
        notes=list(series.notes) + ([f"not analysed: {gate}"] if gate else []),
        directions=directions,
        version=__version__,
    )


def _p(result: MethodResult) -> float | None:
    return result.p_value if result.has_estimate else None
