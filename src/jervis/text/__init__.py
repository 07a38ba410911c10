"""News text -> canonical events (the extractor). See jervis.text.extract and docs/extraction.md.

Import from here: ``from jervis.text import extract_text, extract, ExtractedEvent``.
"""

from __future__ import annotations

from jervis.text.extract import ExtractedEvent, extract, extract_text, extract_texts

__all__ = ["ExtractedEvent", "extract", "extract_text", "extract_texts"]
