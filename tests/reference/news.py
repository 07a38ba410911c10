"""What the news-rule tests share: a report's publication day and its violent rows only."""

from __future__ import annotations

from jervis.text import extract_text

PUB = "2023-05-20"  # a Saturday


def violent(text: str, published: str | None = PUB):
    """The ASSAULT and FIGHT rows of one invented report (COERCE is no violent event here)."""
    return [e for e in extract_text(text, published=published) if e.event in ("ASSAULT", "FIGHT")]
