"""One event per real-world event: merge mentions that describe the same attack.

Mentions come in document order. A mention joins an earlier event when
- it refers back ("the attack", "this strike", "the blast"), has no date of its own that
  contradicts the event's, and the event's mode is compatible (same, or either unknown); or
- it has the same explicit day, the same mode and a compatible place as the event.
A mention that says "another", "a second", "a new" ... is always a new event. "The same base"
(and similar) gives the new event the place of the most recent event that has one, since that
is what the phrase points to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# fields copied from a later mention into the event when the event lacks them
_FILL = ("actor", "actor_raw", "actor_side", "target", "target_raw", "target_side", "mode",
         "country", "admin1", "location", "latitude", "longitude", "geo_precision",
         "target_killed", "civilians_killed")  # fmt: skip


@dataclass
class Draft:
    """An event as read from one mention, before merging."""

    values: dict
    spans: dict[str, tuple[int, int]]
    sentences: list[int]
    evidence: list[tuple[int, int]]  # document spans of the supporting text
    definite: bool = False
    new: bool = False
    same_place: bool = False
    explicit_date: bool = False
    strong: bool = False
    strike_ref: bool = False  # the mention's noun is "strike(s)" / "raid(s)"
    stated: set[str] = field(default_factory=set)  # count fields the text spoke about
    triggers: list[tuple[int, int]] = field(default_factory=list)  # each mention's words


_FAMILIES = (
    frozenset({"ied", "car_bomb", "suicide_bomb", "landmine", "grenade"}),
    frozenset({"rocket", "mortar", "artillery", "shelling", "missile"}),
    frozenset({"air_strike", "drone_strike", "missile"}),
    frozenset({"small_arms", "armed_clash", "raid"}),
)


_AIR = frozenset({"air_strike", "drone_strike", "missile", "artillery", "shelling"})


def _compatible_mode(a: str | None, b: str | None) -> bool:
    """Same mode, or one unknown, or the same family ("the blast" after "a car bomb")."""
    if a is None or b is None or a == b:
        return True
    return any(a in family and b in family for family in _FAMILIES)


def _compatible_place(a: dict, b: dict) -> bool:
    """Same country, and the same place unless one of them is only the country."""
    if a.get("country") and b.get("country") and a["country"] != b["country"]:
        return False
    coarse = a.get("geo_precision") == 6 or b.get("geo_precision") == 6
    if a.get("location") and b.get("location") and a["location"] != b["location"] and not coarse:
        return False
    return True


def _same_day(a: dict, b: dict) -> bool:
    return (
        a.get("date_precision") == "day" and b.get("date_precision") == "day"
        and isinstance(a.get("date"), date) and a.get("date") == b.get("date")
    )  # fmt: skip


def merge(drafts: list[Draft]) -> list[Draft]:
    """Cluster drafts (document order) into events; returns the merged drafts."""
    events: list[Draft] = []
    for draft in drafts:
        if draft.same_place:
            ref = next((e for e in reversed(events) if e.values.get("country")), None)
            if ref is not None:
                for key in ("country", "admin1", "location", "latitude", "longitude",
                            "geo_precision"):  # fmt: skip
                    draft.values[key] = ref.values.get(key)
        target = None if draft.new else _find(events, draft)
        if target is None:
            events.append(draft)
        else:
            _absorb(target, draft)
    return events


def _find(events: list[Draft], draft: Draft) -> Draft | None:
    for event in reversed(events[-4:]):
        v, d = event.values, draft.values
        if not _compatible_mode(v.get("mode"), d.get("mode")):
            continue
        if not _compatible_place(v, d):
            continue
        same_sentence = event.sentences[-1] == draft.sentences[0]
        if same_sentence and (not draft.explicit_date or not event.explicit_date
                              or _same_day(v, d)):  # fmt: skip
            return event  # two mentions of one attack in one sentence
        if draft.strike_ref and v.get("mode") not in _AIR and v.get("mode") is not None:
            continue  # "the strikes" are air or missile strikes, not the rocket attack before
        if draft.definite and (not draft.explicit_date or _same_day(v, d) or not event.explicit_date):
            return event
        if draft.explicit_date and _same_day(v, d) and v.get("mode") and v.get("mode") == d.get(
            "mode"
        ):
            return event
    return None


def _absorb(event: Draft, draft: Draft) -> None:
    v, d = event.values, draft.values
    finer = d.get("geo_precision") or 99
    if d.get("location") and finer < (v.get("geo_precision") or 99) and _compatible_place(v, d):
        for key in ("country", "admin1", "location", "latitude", "longitude", "geo_precision"):
            v[key] = d.get(key)  # "Wednesday's attack on Camp Taji" refines "a base in Iraq"
        if "place" in draft.spans:
            event.spans["place"] = draft.spans["place"]
    for key in _FILL:
        if v.get(key) is None and d.get(key) is not None:
            v[key] = d[key]
            if key in draft.spans:
                event.spans.setdefault(key, draft.spans[key])
    for key in ("killed", "wounded"):
        if d.get(key) is not None and (v.get(key) is None or d[key] > v[key]):
            if key in event.stated and v.get(key) is None and key not in draft.stated:
                continue
            v[key] = d[key]
            if key in draft.spans:
                event.spans[key] = draft.spans[key]
        if key in draft.stated:
            event.stated.add(key)
    if draft.explicit_date and not event.explicit_date:
        v["date"], v["date_precision"] = d["date"], d["date_precision"]
        event.explicit_date = True
        if "date" in draft.spans:
            event.spans["date"] = draft.spans["date"]
    if v.get("event") == "COERCE" and d.get("event") in ("ASSAULT", "FIGHT"):
        v["event"] = d["event"]
    event.strong = event.strong or draft.strong
    event.sentences.extend(s for s in draft.sentences if s not in event.sentences)
    event.evidence.extend(e for e in draft.evidence if e not in event.evidence)
    event.triggers.extend(t for t in draft.triggers if t not in event.triggers)
