"""The keyword baseline the extractor must beat: one ASSAULT per sentence with a violence word.

No actors, places, dates or counts, no negation or hypotheticals: just "does this sentence
contain killed / attack / bomb / ...". It is scored by the same scorer as the real extractor
(``jervis eval extract --baseline``) so the gain from the rules is measured, not claimed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

KEYWORDS: tuple[str, ...] = (
    "kill", "killed", "killing", "killings", "attack", "attacked", "attacks", "attacking",
    "bomb", "bombs", "bombed", "bombing", "bombings", "airstrike", "airstrikes", "strike",
    "strikes", "explosion", "blast", "shot", "shooting", "shelled", "shelling", "rocket",
    "rockets", "missile", "missiles", "wounded", "injured", "clash", "clashes", "fighting",
    "gunmen", "dead", "assassinate", "assassinated",
)  # fmt: skip
_PATTERN = re.compile(r"\b(?:" + "|".join(KEYWORDS) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _nlp():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def extract_text(
    text: str, *, published: Any = None, doc_id: str | None = None, url: str | None = None
) -> list[dict[str, Any]]:
    """One ASSAULT event (a dict of canonical fields) per sentence that has a keyword."""
    events = []
    for sent in _nlp()(text).sents:
        match = _PATTERN.search(sent.text)
        if match is None:
            continue
        start = sent.start_char + match.start()
        events.append(
            {
                "event": "ASSAULT", "date": None, "date_precision": "unknown", "actor": None,
                "target": None, "mode": None, "country": None, "location": None,
                "killed": None, "wounded": None, "evidence": sent.text.strip(),
                "confidence": 0.5, "source_id": doc_id, "source_url": url,
                "spans": {"event": (start, start + len(match.group()))},
            }
        )  # fmt: skip
    return events
