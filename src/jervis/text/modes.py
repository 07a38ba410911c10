"""Mode (what was used) and PLOVER event type of a mention.

The mode is the first entry of the lexicon's ``[[mode]]`` list (specific before general) found in
the mention's window: its triggers plus the words just around them in the same clause ("a mortar
attack on the camp", "died ... when a car bomb went off"). A trigger with its own mode (a
kidnapping, a clash) keeps it.

Event type, following PLOVER 2021 and the project's schema:
- FIGHT: clashes and battles between armed parties (a clash trigger, or mode armed_clash);
- COERCE: a raid, arson or crowd dispersal with nobody killed or wounded (PLOVER's "coerce":
  repression, destruction of property, seizure), and arrests;
- ASSAULT: every other one-sided use of force (bombings, air strikes, shootings, abductions).
"""

from __future__ import annotations

import re

from jervis.text.lexicon import Lexicon

_COERCE_MODES = frozenset({"raid", "arson", "arrest", "property_destruction"})
# Triggers that can describe coercion without harm to people (a raid, arson, demolition).
_COERCIVE_TRIGGERS = frozenset({"hit_verb_weak", "capture_verb", "explode_verb", "blast_noun_weak"})


_LEFT_STOP = re.compile(r"[;:()]|,\s")
_RIGHT_STOP = re.compile(r"[;:()]|\.\s|,\s+(?:said|according|officials|police said)")


def window(norm: str, start: int, end: int, left: int = 45, right: int = 70) -> tuple[int, int]:
    """Character range around a mention, cut at the clause boundary on each side."""
    lo = max(0, start - left)
    cut = max((m.end() for m in _LEFT_STOP.finditer(norm[lo:start])), default=0)
    hi = min(len(norm), end + right)
    stop = _RIGHT_STOP.search(norm[end:hi])
    return lo + cut, (end + stop.start()) if stop else hi


def mode_of(lex: Lexicon, norm: str, hits, start: int, end: int) -> tuple[str | None, tuple | None]:
    """(mode, (start, end) of the words that gave it) for a mention."""
    for hit in hits:
        if hit.trigger.mode and hit.trigger.mode != "armed_clash":
            return hit.trigger.mode, (hit.start, hit.end)
    first = hits[0]
    ranges = [window(norm, first.start, first.end, left=30, right=45), window(norm, start, end)]
    for lo, hi in ranges:  # the first trigger's own words first ("stabbed ... set fire")
        text = norm[lo:hi]
        for mode, pattern in lex.modes:
            match = pattern.search(text)
            if match:
                return mode, (lo + match.start(), lo + match.end())
    for hit in hits:
        if hit.trigger.mode:
            return hit.trigger.mode, (hit.start, hit.end)
    return None, None


def event_of(hits, mode: str | None, killed: int | None, wounded: int | None) -> str:
    """PLOVER type: FIGHT for clashes, COERCE for bloodless raids/arson, else ASSAULT."""
    if any(h.trigger.event == "FIGHT" and h.trigger.kind != "casualty" and not h.trigger.weak
           for h in hits) or mode == "armed_clash":  # fmt: skip
        return "FIGHT"
    harmless = all(h.trigger.id in _COERCIVE_TRIGGERS for h in hits)
    if mode in _COERCE_MODES and harmless and not killed and not wounded:
        return "COERCE"
    events = {h.trigger.event for h in hits if h.trigger.kind != "casualty"}
    if events == {"FIGHT"}:
        return "FIGHT"
    return "ASSAULT"
