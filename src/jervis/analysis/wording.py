"""The verdict in words: sentences a journalist can quote.

Every sentence names the direction (who acted, whose actions changed, up or down), the unit
(actions the side initiated, or deaths it caused), the size with its 95% interval, and the
caveat that matters most. A "no detectable change" says what size of effect the interval rules
out; an "inconclusive" says why in plain words, never with a library's error message.
"""

from __future__ import annotations

from typing import Any


def pct(ratio: float) -> str:
    """A rate ratio as a change: 1.31 -> '31% more', 0.82 -> '18% fewer'."""
    change = (ratio - 1.0) * 100
    if abs(change) < 0.5:
        return "no change"
    return f"{abs(change):.0f}% {'more' if change > 0 else 'fewer'}"


def fmt(value: float) -> str:
    return f"{value:.2f}"


def possessive(label: str) -> str:
    return f"{label}'" if label.endswith("s") else f"{label}'s"


def counted(unit: str, y_label: str) -> str:
    """What is counted on Y's side: its actions, or the deaths it caused."""
    return f"deaths caused by {y_label}" if unit == "deaths" else f"actions by {y_label}"


def x_activity(unit: str, x_label: str, days: int) -> str:
    what = "deaths caused by" if unit == "deaths" else "actions by"
    return f"{days} days in which {what} {x_label} ran at twice their usual level"


def ruled_out(lo: float, hi: float) -> str:
    """What a 95% interval of a rate ratio excludes, in words."""
    parts = []
    if lo < 1:
        parts.append(f"a fall of more than {(1 - lo) * 100:.0f}%")
    if hi > 1:
        parts.append(f"a rise of more than {(hi - 1) * 100:.0f}%")
    if not parts:
        return ""
    return "the data rule out " + " and ".join(parts) + ", not smaller effects"


def effect_sentence(
    verdict: str,
    x_label: str,
    y_label: str,
    effect: dict[str, Any],
    unit: str,
    caveat: str | None,
) -> str:
    """'deters'/'provokes'/'no_detectable_effect' as one sentence."""
    irr, (lo, hi) = effect["estimate"], effect["ci95"]
    days, per = effect["horizon_days"], effect.get("bin", "day")
    numbers = f"rate ratio {fmt(irr)}, 95% interval {fmt(lo)} to {fmt(hi)}"
    after = f"after {x_activity(unit, x_label, days)}"
    what = counted(unit, y_label)
    if verdict == "no_detectable_effect":
        return (
            f"No detectable change in the number of {what} per {per} {after} ({numbers}): "
            f"{ruled_out(lo, hi)}."
        )
    tail = caveat or "an association in observational data, not proof that one caused the other"
    return (
        f"{after[0].upper()}{after[1:]}, there were {pct(irr)} {what} per {per} ({numbers}) "
        f"- {tail}."
    )


def inconclusive_sentence(x_label: str, y_label: str, unit: str, reason: str) -> str:
    cause = f"the deaths caused by {x_label}" if unit == "deaths" else f"{possessive(x_label)} actions"
    return (
        f"The data cannot say whether {cause} changed the number of "
        f"{counted(unit, y_label)}: {reason}."
    )


def direction_words(call: str, x_label: str, y_label: str, unit: str) -> str:
    """'more actions by Y after X's actions' style phrase for a method's call."""
    more = "more" if call == "provokes" else "fewer"
    return f"{more} {counted(unit, y_label)} after {possessive(x_label)} actions"
