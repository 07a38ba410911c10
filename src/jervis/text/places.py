"""Where a mention happened, from the gazetteer's place matches in its sentence.

The gazetteer (jervis.text.gazetteer) is imported lazily and its absence tolerated: without it,
country names alone are recognised through jervis.sources.countries. Preference order: a place
after a locative word ("in", "near", "at") close after the trigger, then one before it, then any
place in the sentence; a place right after a reporter ("a spokesman in Baghdad said", "told
reporters in Washington") is where the news came from, not the event, and is skipped; so are
names that are part of the actor or target ("US soldiers"). ``geo_precision`` follows UCDP's
``where_prec`` scale: 1 site, 2 town or city, 4 first-level region, 6 country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

GEO_PRECISION = {"site": 1, "city": 2, "admin1": 4, "country": 6}
_REPORTER_BEFORE = re.compile(r"(?:spokes\w+|officials?|sources?|said|says|told|reporters|"
                              r"correspondent|statement|ministry|headquarters|embassy|"
                              r"announced|news\s+agency|agency|radio|newspaper|published)\s+"
                              r"(?:\w+\s+){0,2}(?:in|from|at)\s+$", re.I)  # fmt: skip
# "Baghdad said", "Israel's military said": the place names the source, not where it happened
_REPORTER_AFTER = re.compile(r"^(?:'s)?(?:\s+[\w-]+){0,2}?,?\s+(?:said|says|told|reported|"
                             r"announced|claimed)\b", re.I)  # fmt: skip
_RELATIVE_BEFORE = re.compile(r"\b(?:(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?|outside|"
                              r"kilometres|kilometers|miles|km)\s+(?:of\s+)?(?:the\s+\w+\s+of\s+)?$",
                              re.I)  # fmt: skip
_MODIFIER_AFTER = re.compile(r"^-(?:based|backed|aligned|allied|led|linked|born|supported|made|"
                             r"funded|run)\b", re.I)  # fmt: skip
_COUNTRY_WORD = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\b")
# Where the victims came from or were taken, not where they were hit: "from X" after a person
# or a group, "(taken / flown / evacuated) to X", "(a) hospital(s) in X", "treated in X"
_VICTIMS_ELSEWHERE = re.compile(r"(?:\bfrom|\b(?:taken|flown|evacuated|airlifted|transferred|"
                                r"moved|rushed|brought)\s+(?:\w+\s+){0,3}?to|\b(?:hospitals?|"
                                r"clinics?|treatment|treated)\s+(?:\w+\s+){0,2}?(?:in|at))\s+"
                                r"(?:the\s+)?$", re.I)  # fmt: skip


@dataclass(frozen=True)
class Place:
    name: str | None
    country: str | None
    admin1: str | None
    latitude: float | None
    longitude: float | None
    precision: int | None
    start: int
    end: int


@lru_cache(maxsize=1)
def _gazetteer():
    try:
        from jervis.text.gazetteer import Gazetteer
    except ImportError:
        return None
    try:
        return Gazetteer.load()
    except Exception:  # noqa: BLE001 - a broken optional gazetteer must not stop extraction
        return None


def find(text: str) -> list:
    """Place matches in a sentence (the gazetteer's PlaceMatch objects, or a fallback)."""
    gaz = _gazetteer()
    if gaz is not None:
        return list(gaz.find_places(text))
    return _fallback(text)


def choose(
    norm: str, matches: list, start: int, end: int, exclude: list[tuple[int, int]]
) -> Place | None:
    """The place of the mention spanning norm[start:end], or None."""
    parens = [(p.start(), p.end()) for p in re.finditer(r"\([^)]*\)", norm)]
    inside = [(a, b) for a, b in parens if a <= start < b]
    usable = []
    for m in matches:
        if any(a <= m.start < b for a, b in parens) and not any(a <= m.start < b for a, b in inside):
            continue  # an aside in parentheses is not where the mention happened
        if any(a <= m.start < b and (b - a) > (m.end - m.start) + 1 for a, b in exclude):
            continue  # a modifier of the actor or target ("US soldiers"), not a place
        if _REPORTER_BEFORE.search(norm[max(0, m.start - 40) : m.start]):
            continue
        if _REPORTER_AFTER.match(norm[m.end : m.end + 20]):
            continue  # "fighters in Donetsk said": where the source is
        if _MODIFIER_AFTER.match(norm[m.end : m.end + 12]):
            continue  # "a London-based group", "Iran-backed militias": a modifier, no place
        usable.append(m)
    if not usable:
        return None
    places = [m for m in usable if getattr(m, "kind", "place") != "demonym"]

    def distance(m) -> float:
        if m.start >= end:
            d = m.start - end
        elif m.end <= start:
            d = (start - m.end) * 1.5
        else:
            d = 0
        precision = getattr(m, "precision", "")
        bonus = 40 if getattr(m, "locative", False) else 0
        bonus += 50 if precision == "site" else 0  # a named base beats the country around it
        return d - bonus

    best = min(places, key=distance) if places else None
    if best is None or distance(best) > 160:
        return None  # a demonym ("Americans") describes people, not where it happened
    precision = GEO_PRECISION.get(best.precision)
    if precision is not None and precision < 4 and _RELATIVE_BEFORE.search(norm[max(0, best.start - 40) : best.start]):
        precision = 4  # "a base north of Baghdad": somewhere in the area, not the city itself
    return as_place(best, precision)


def victims_elsewhere(norm: str, matches: list) -> list:
    """The matches of a sentence that tells casualties only (no attack word) that can be where
    the casualties happened: a place the victims came from ("students from X") or were taken to
    ("taken to hospitals in X") is not, and would keep the toll off its attack."""
    return [m for m in matches if not _VICTIMS_ELSEWHERE.search(norm[max(0, m.start - 40) : m.start])]


def as_place(match, precision: int | None) -> Place:
    """A gazetteer match found by :func:`find` as the place of an event, at ``precision``."""
    return Place(
        match.name, match.country, match.admin1, match.latitude, match.longitude,
        precision, match.start, match.end,
    )  # fmt: skip


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    name: str
    country: str | None
    admin1: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    precision: str = "country"
    kind: str = "country"
    locative: bool = False


def _fallback(text: str) -> list[_Match]:
    from jervis.sources.countries import to_iso3

    out = []
    for m in _COUNTRY_WORD.finditer(text):
        code = to_iso3(m.group(0))
        if code:
            out.append(_Match(m.start(), m.end(), m.group(0), code))
    return out
