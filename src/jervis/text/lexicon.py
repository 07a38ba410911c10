"""The extractor's word lists and patterns, loaded once from data (src/jervis/data/text/).

Users can replace the shipped lexicon with their own copy: JERVIS_TEXT_LEXICON=PATH.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from jervis.errors import JervisError


@dataclass(frozen=True)
class Trigger:
    id: str
    kind: str  # verb | noun | casualty
    event: str
    mode: str | None
    weak: bool
    broad: bool = False  # a candidate for the learned classifiers only


@dataclass(frozen=True)
class Lexicon:
    triggers: tuple[Trigger, ...]
    trigger_re: re.Pattern[str]  # one alternation, group t<i> = triggers[i]
    broad_re: re.Pattern[str] | None  # the broad triggers (learned detector's candidates)
    prefilter: re.Pattern[str] | None  # cheap stems: a sentence without any has no trigger
    modes: tuple[tuple[str, re.Pattern[str]], ...]
    cues: dict[str, re.Pattern[str]]

    def trigger_of(self, match: re.Match[str]) -> Trigger:
        return self.triggers[int((match.lastgroup or "t0")[1:])]


def _word(pattern: str) -> str:
    """The pattern as whole words: a hyphen joins words ("anti-attack", "attack-helicopter")."""
    return r"(?<![\w-])(?:" + pattern + r")(?![\w-])"


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> Lexicon:
    """Compile the lexicon (shipped file, or JERVIS_TEXT_LEXICON, or the given path)."""
    path = path or os.environ.get("JERVIS_TEXT_LEXICON") or None
    try:
        if path:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        else:
            ref = resources.files("jervis.data").joinpath("text/lexicon.toml")
            data = tomllib.loads(ref.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise JervisError("text lexicon not found", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise JervisError(f"not a valid TOML lexicon ({exc})", path=path) from None
    try:
        triggers = tuple(
            Trigger(t["id"], t["kind"], t["event"], t.get("mode"), t.get("strength") == "weak",
                    bool(t.get("broad")))
            for t in data["trigger"]
        )
        def alternation(broad: bool) -> str:
            # _word() of each pattern, its zero-width start check hoisted out of the alternation
            # (the same matches, groups and spans; the engine tests it once per position instead
            # of once per trigger: the whole trigger scan takes ~40% less time)
            parts = [f"(?P<t{i}>(?:{t['pattern']})(?![\\w-]))" for i, t in enumerate(data["trigger"])
                     if bool(t.get("broad")) == broad]  # fmt: skip
            return r"(?<![\w-])(?:" + "|".join(parts) + ")" if parts else ""

        trigger_re = re.compile(alternation(False), re.IGNORECASE)
        broad = alternation(True)
        broad_re = re.compile(broad, re.IGNORECASE) if broad else None
        modes = tuple((m["mode"], re.compile(_word(m["pattern"]), re.IGNORECASE)) for m in data["mode"])
        cues = {k: re.compile(_word(v), re.IGNORECASE) for k, v in data["cues"].items()}
        stems = data.get("prefilter", {}).get("stems")
        # stems that all start with a word character: "(?=\w)" skips word ends at once (the same
        # sentences pass, in half the time)
        lead = r"\b(?=\w)(?:" if stems and all(re.match(r"\w", s) for s in stems) else r"\b(?:"
        prefilter = re.compile(lead + "|".join(stems) + ")", re.IGNORECASE) if stems else None
    except (KeyError, re.error) as exc:
        raise JervisError(f"bad text lexicon entry ({exc})", path=path) from None
    return Lexicon(triggers, trigger_re, broad_re, prefilter, modes, cues)
