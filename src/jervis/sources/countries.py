"""Country names and codes -> ISO 3166 alpha-3, through country_converter (coco).

Sources name countries every way there is: ISO alpha-3 (UCDP ``iso3``), ISO alpha-2, ISO
numeric (ACLED ``iso``), Gleditsch-Ward numbers (UCDP ``country_id`` / ``gwnoa``, ACLED ``gwno``)
and English names with historical qualifiers ("DR Congo (Zaire)", "Republic of Congo"). A
maintained library holds these tables and the name patterns; jervis only caches its answers.
GDELT's FIPS 10-4 codes are not in coco: they go through ``data/fips_iso3.csv`` (gdelt.py).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

_ALPHA3 = re.compile(r"^[A-Za-z]{3}$")
_ALPHA2 = re.compile(r"^[A-Za-z]{2}$")


@lru_cache(maxsize=1)
def _converter():
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)  # "not found" is our None
    return coco.CountryConverter()


@lru_cache(maxsize=1)
def _codes() -> tuple[frozenset[str], dict[str, str], dict[str, str], dict[str, str]]:
    """ISO3 set, ISO2 -> ISO3, ISO numeric -> ISO3, Gleditsch-Ward number -> ISO3."""
    data = _converter().data
    iso3 = frozenset(data["ISO3"].dropna().astype(str))
    iso2 = {}
    for cell, code in zip(data["ISO2"].astype(str), data["ISO3"].astype(str), strict=True):
        for alpha2 in cell.split("|"):  # coco writes a few as patterns: '^GB$|^UK$', '^GR$|^EL$'
            iso2.setdefault(alpha2.strip("^$ "), code)
    numeric, gw = {}, {}
    for column, table in (("ISOnumeric", numeric), ("GWcode", gw)):
        for value, code in zip(data[column], data["ISO3"], strict=True):
            text = str(value).strip()
            if text and text.replace(".", "", 1).isdigit():
                table.setdefault(str(int(float(text))), str(code))
    return iso3, iso2, numeric, gw


@lru_cache(maxsize=1)
def _patterns() -> tuple[list[tuple[re.Pattern[str], str]], dict[str, str]]:
    """coco's name patterns (its own, trusted: Python re) and its short/official names."""
    data = _converter().data
    patterns = [(re.compile(str(rx), re.IGNORECASE), str(code))
                for rx, code in zip(data["regex"], data["ISO3"], strict=True)]  # fmt: skip
    names = {}
    for column in ("name_short", "name_official"):
        for name, code in zip(data[column], data["ISO3"], strict=True):
            names.setdefault(str(name).casefold(), str(code))
    return patterns, names


def _by_pattern(text: str) -> str | None:
    """The one country whose pattern matches whole words of the text (None if none or several).

    "Republic of Congo" and "DR Congo (Zaire)" are found; "Russian forces" is not Russia
    (the match would end inside a word).
    """
    hits = set()
    for pattern, code in _patterns()[0]:
        match = pattern.search(text)
        if match is None:
            continue
        before = text[match.start() - 1] if match.start() else " "
        rest = _WORD_REST.match(text, match.end()).group()  # type: ignore[union-attr]
        if not before.isalnum() and rest.casefold() not in _DEMONYM_ENDINGS:
            hits.add(code)
    return hits.pop() if len(hits) == 1 else None


_WORD_REST = re.compile(r"\w*")
# What turns a country's name into its people or adjective ("Russia-n", "Iraq-i", "Turk-ish"):
# a match followed by one of these is not the country. Other endings are spelling variants
# that coco's patterns stop short of ("Turkiy-e").
_DEMONYM_ENDINGS = {"n", "an", "ian", "ians", "ns", "i", "is", "ese", "ish", "ic", "s"}


@lru_cache(maxsize=65536)
def to_iso3(value: str | None, numbers: str = "iso") -> str | None:
    """ISO 3166 alpha-3 from a code or an English name; None when nothing matches.

    ``numbers`` says what a bare number is: ``"iso"`` (ISO 3166 numeric, ACLED's ``iso``) or
    ``"gw"`` (Gleditsch-Ward, UCDP's ``country_id``/``gwnoa``, ACLED's ``gwno``).
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text or len(text) > 200:
        return None
    iso3, iso2, numeric, gw = _codes()
    if _ALPHA3.match(text) and text.upper() in iso3:
        return text.upper()
    if text.isdigit():
        return (gw if numbers == "gw" else numeric).get(str(int(text)))
    if _ALPHA2.match(text) and text.isupper():
        return iso2.get(text)
    exact = _patterns()[1].get(text.casefold())
    return exact if exact is not None else _by_pattern(text)


def is_country_name(text: str) -> bool:
    """Is this phrase exactly a country's name or code (not a demonym, not a longer phrase)?"""
    stripped = text.strip()
    if not stripped:
        return False
    iso3, iso2, _, _ = _codes()
    if stripped.upper() in iso3 and stripped.isupper() or stripped in iso2:
        return True
    return stripped.casefold() in _patterns()[1] or _by_pattern(stripped) is not None and \
        " " not in stripped and "-" not in stripped and stripped[0].isupper() and _whole(stripped)


def _whole(text: str) -> bool:
    """A pattern match that spans the whole of a one-word text ("Iraq", not "Iraqi")."""
    for pattern, _ in _patterns()[0]:
        match = pattern.search(text)
        if match and match.start() == 0 and match.end() == len(text):
            return True
    return False
