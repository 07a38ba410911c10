"""Actor normalisation: raw names from sources and text -> one canonical name and a side hint.

The dictionary is data (src/jervis/data/actors.toml, documented in docs/actors.md); users add
their own TOML file with the same layout, whose entries win. Matching is deliberately simple
and predictable: an alias scoped to countries and years when the event's country and year fall
in its scope, then an exact match on a normalised key (case, accents, punctuation and a trailing
"(2017-2021)" period ignored), then the entry's regular expressions. Short all-capital aliases
(acronyms like "US", "KH", "IS") only match with the same capitals, so the pronoun "us" or the
verb "is" never become actors.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jervis.errors import JervisError
from jervis.sources.regex import compile_re2

_PERIOD = re.compile(r"\s*\((?:\d{4}\s*-\s*(?:\d{4})?|\d{4})\)\s*$")
_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")
_PUNCT = re.compile(r"[^\w\s]")
_SPACE = re.compile(r"\s+")
_UNSEEN = object()


def normalise_key(raw: str) -> str:
    """The comparison key: no accents, apostrophes or punctuation, one space, lower case."""
    text = unicodedata.normalize("NFKD", raw)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _PERIOD.sub("", text)
    text = text.replace("'", "").replace("\u2019", "").replace("`", "")
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip().casefold()


def _is_acronym(alias: str) -> bool:
    letters = alias.replace(".", "")
    return len(letters) <= 4 and letters.isalpha() and letters.isupper()


@dataclass(frozen=True)
class Actor:
    name: str
    aliases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    side: str | None = None
    kind: str | None = None
    source: str = "jervis"
    # aliases that mean this actor only in some countries and years:
    # (alias, ISO3 countries, first year, last year)
    scoped: tuple[tuple[str, tuple[str, ...], int | None, int | None], ...] = ()


@dataclass
class ActorDictionary:
    """Alias dictionary with exact-key and pattern lookup; later files override earlier ones."""

    actors: dict[str, Actor] = field(default_factory=dict)
    _keys: dict[str, str] = field(default_factory=dict, repr=False)
    _acronyms: dict[str, str] = field(default_factory=dict, repr=False)
    _patterns: list[tuple[Any, str]] = field(default_factory=list, repr=False)  # RE2
    _scoped: dict[str, list[tuple[tuple[str, ...], int | None, int | None, str]]] = field(
        default_factory=dict, repr=False
    )
    # lookup's answers: text extraction asks for the same phrases many times (a normalised key
    # and a few hundred RE2 patterns per call); emptied whenever an entry is added
    _memo: dict[tuple[str, str | None, int | None], str | None] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def load(cls, *extra: str | Path) -> ActorDictionary:
        """The shipped dictionary, then JERVIS_ACTORS, then the given files (last wins)."""
        paths: list[str | Path] = []
        env = os.environ.get("JERVIS_ACTORS")
        if env:
            paths.extend(p for p in env.split(os.pathsep) if p)
        paths.extend(extra)
        return _load_cached(tuple(str(p) for p in paths))

    def add(self, actor: Actor) -> None:
        self._memo.clear()
        self.actors[actor.name] = actor
        for alias in (actor.name, *actor.aliases):
            if _is_acronym(alias):
                self._acronyms[alias.replace(".", "")] = actor.name
            else:
                self._keys[normalise_key(alias)] = actor.name
        for pattern in actor.patterns:
            self._patterns.insert(0, (compile_re2(pattern, ignore_case=True), actor.name))
        for alias, countries, first, last in actor.scoped:
            self._scoped.setdefault(normalise_key(alias), []).insert(
                0, (countries, first, last, actor.name)
            )

    def lookup(
        self, raw: str | None, *, country: str | None = None, year: int | None = None
    ) -> str | None:
        """The canonical name for a raw name, or None when the dictionary does not know it.

        A scoped alias ("foreign troops" in Iraq 2014-2021) applies only when ``country`` and
        ``year`` (the event's) fall in its scope; elsewhere it means nothing.
        """
        if raw is None:
            return None
        memo = (raw, country, year)
        found = self._memo.get(memo, _UNSEEN)  # one dict call: safe if another thread clears it
        if found is _UNSEEN:
            if len(self._memo) > 65536:
                self._memo.clear()
            found = self._memo[memo] = self._lookup(raw, country, year)
        return found

    def _lookup(self, raw: str, country: str | None, year: int | None) -> str | None:
        text = raw.strip()
        if not text:
            return None
        for countries, first, last, name in self._scoped.get(normalise_key(text), ()):
            if country in countries and year is not None and (first or year) <= year <= (
                last or year
            ):
                return name
        compact = _PERIOD.sub("", text).replace(".", "").strip()
        if compact in self._acronyms:
            return self._acronyms[compact]
        key = normalise_key(text)
        if key in self._keys:
            return self._keys[key]
        for pattern, name in self._patterns:
            if pattern.match(text):
                return name
        bare = _QUALIFIER.sub("", text)  # "Kataib Hezbollah (US attribution)"
        if bare != text and bare:
            return self.lookup(bare, country=country, year=year)
        return None

    def scopes(self, raw: str) -> list[tuple[str, tuple[str, ...], int | None, int | None]]:
        """Where and when a scoped alias applies: (canonical name, countries, from, to).

        Empty when the name means the same everywhere, so lookup needs no country or year. A
        name with a qualifier ("militia (suspected)") has its bare name's scopes, as lookup
        falls back to the bare name.
        """
        text = raw.strip()
        while True:
            found = self._scoped.get(normalise_key(text), ())
            if found:
                return [(name, c, a, b) for c, a, b, name in found]
            bare = _QUALIFIER.sub("", text)
            if bare == text or not bare:
                return []
            text = bare

    def suggest(self, raw: str, n: int = 3) -> list[str]:
        """Canonical names whose aliases are spelled close to ``raw`` ("did you mean ...?")."""
        import difflib

        keys = list(self._keys) + [k.casefold() for k in self._acronyms]
        names = {**self._keys, **{k.casefold(): v for k, v in self._acronyms.items()}}
        close = difflib.get_close_matches(normalise_key(raw), keys, n=3 * n, cutoff=0.8)
        return list(dict.fromkeys(names[k] for k in close))[:n]

    def normalise(
        self, raw: str | None, *, country: str | None = None, year: int | None = None
    ) -> tuple[str | None, str | None]:
        """(canonical name, side hint). Unknown names are kept, tidied, with no side."""
        if raw is None or not str(raw).strip():
            return None, None
        name = self.lookup(str(raw), country=country, year=year)
        if name is None:
            return _PERIOD.sub("", str(raw)).strip(), None
        return name, self.actors[name].side

    def side_of(self, name: str | None) -> str | None:
        actor = self.actors.get(name or "")
        return actor.side if actor else None

    def aliases(self) -> dict[str, str]:
        """Every alias (original spelling) -> canonical name; acronyms are case-sensitive."""
        out: dict[str, str] = {}
        for actor in self.actors.values():
            for alias in (actor.name, *actor.aliases):
                out[alias] = actor.name
        return out


def _read_file(path: str, source: str) -> list[Actor]:
    try:
        with open(path, "rb") as fh:
            data = tomllib.loads(fh.read().decode("utf-8-sig"))  # Notepad writes a byte-order mark
    except FileNotFoundError:
        raise JervisError("actor dictionary not found", path=path) from None
    except OSError as exc:
        raise JervisError(f"cannot read actor dictionary ({exc.strerror})", path=path) from None
    except UnicodeDecodeError:
        raise JervisError("actor dictionary is not UTF-8 text", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise JervisError(f"not a valid TOML actor dictionary ({exc})", path=path) from None
    entries = data.get("actor", [])
    if not isinstance(entries, list):
        raise JervisError("'actor' must be an array of tables ([[actor]] entries)", path=path)
    return [_actor(entry, i, path, source) for i, entry in enumerate(entries, start=1)]


_ISO3 = re.compile(r"[A-Za-z]{3}")


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _year(value: object) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _actor(entry: object, i: int, path: str, source: str) -> Actor:
    """One [[actor]] entry, every field of the type it must have (a string where a list belongs
    would be read as a list of its characters)."""
    if not isinstance(entry, dict):
        raise JervisError(f"[[actor]] entry {i} must be a table", path=path)
    if "name" not in entry:
        raise JervisError(f"[[actor]] entry {i} has no name", path=path)
    name = entry["name"]
    if not isinstance(name, str) or not name.strip():
        raise JervisError(f"[[actor]] entry {i}: 'name' must be a non-empty string", path=path)
    for key in ("aliases", "patterns"):
        if not _strings(entry.get(key, [])):
            raise JervisError(f"actor {name!r}: {key!r} must be a list of strings", path=path)
    for key in ("side", "kind"):
        if not isinstance(entry.get(key, ""), str):
            raise JervisError(f"actor {name!r}: {key!r} must be a string", path=path)
    for pattern in entry.get("patterns", []):
        try:
            compile_re2(pattern, ignore_case=True)
        except (ValueError, TypeError) as exc:
            raise JervisError(f"actor {name!r}: bad pattern ({exc})", path=path) from None
    scoped = entry.get("scoped", [])
    if not isinstance(scoped, list) or not all(
        isinstance(sc, dict) and isinstance(sc.get("alias"), str) for sc in scoped
    ):
        raise JervisError(f"actor {name!r}: 'scoped' must be a list of tables with an alias",
                          path=path)  # fmt: skip
    scopes = []
    for sc in scoped:
        where = f"actor {name!r}: scoped alias {sc['alias']!r}"
        countries = sc.get("countries", [])
        if not _strings(countries) or not all(_ISO3.fullmatch(c) for c in countries):
            raise JervisError(f"{where}: 'countries' must be a list of ISO 3166 alpha-3 codes",
                              path=path)  # fmt: skip
        for key in ("from", "to"):
            if not _year(sc.get(key)):
                raise JervisError(f"{where}: {key!r} must be a year (a whole number)", path=path)
        first, last = sc.get("from"), sc.get("to")
        if first is not None and last is not None and first > last:
            raise JervisError(f"{where}: 'from' {first} is after 'to' {last}", path=path)
        scopes.append((sc["alias"], tuple(c.upper() for c in countries), first, last))
    return Actor(
        name=name,
        aliases=tuple(entry.get("aliases", [])),
        patterns=tuple(entry.get("patterns", [])),
        side=entry.get("side"),
        kind=entry.get("kind"),
        source=source,
        scoped=tuple(scopes),
    )


@lru_cache(maxsize=8)
def _load_cached(extra: tuple[str, ...]) -> ActorDictionary:
    dictionary = ActorDictionary()
    # generated lists first (scripts/build_actor_dictionary.py), the hand-kept file over them
    for name in ("actors_generated.toml", "actors.toml"):
        shipped = resources.files("jervis.data").joinpath(name)
        if not shipped.is_file():
            continue
        with resources.as_file(shipped) as path:
            for actor in _read_file(str(path), "jervis"):
                dictionary.add(actor)
    for path in extra:
        for actor in _read_file(path, Path(path).name):
            dictionary.add(actor)
    return dictionary
