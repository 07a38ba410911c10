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
    iso2 = dict(zip(data["ISO2"].astype(str), data["ISO3"].astype(str), strict=True))
    numeric, gw = {}, {}
    for column, table in (("ISOnumeric", numeric), ("GWcode", gw)):
        for value, code in zip(data[column], data["ISO3"], strict=True):
            text = str(value).strip()
            if text and text.replace(".", "", 1).isdigit():
                table.setdefault(str(int(float(text))), str(code))
    return iso3, iso2, numeric, gw


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
    found = _converter().convert(text, src="regex", to="ISO3", not_found=None)
    if isinstance(found, list):  # several patterns matched: ambiguous, not a country
        return None
    return found if isinstance(found, str) and found in iso3 else None
