"""Which language a document is in, so that non-English text is reported, not mis-extracted.

No model: the writing system first (Arabic, Cyrillic, Hebrew, Greek, CJK, Devanagari... letters),
then, for Latin-script text, which language's function words make up most of it, with the
stop-word lists spaCy ships for each language. Function words are a large share of any running
text (a third of English tokens), so a few dozen words decide reliably; shorter texts are taken
as English (nothing to report on a headline).
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# Latin-script languages told apart by their function words (spaCy language codes).
_LATIN = ("en", "fr", "de", "es", "it", "pt", "nl", "tr", "id", "pl", "sv", "da", "nb", "ro",
          "ca", "cs", "hu", "fi", "so", "af", "tl", "hr")  # fmt: skip
_SCRIPTS = {  # Unicode script word in character names -> language (or the script's main ones)
    "ARABIC": ("ar", "fa", "ur"), "CYRILLIC": ("ru", "uk", "bg", "sr", "mk"), "HEBREW": ("he",),
    "GREEK": ("el",), "CJK": ("zh",), "HIRAGANA": ("ja",), "KATAKANA": ("ja",), "HANGUL": ("ko",),
    "DEVANAGARI": ("hi", "mr", "ne"), "THAI": ("th",), "BENGALI": ("bn",), "TAMIL": ("ta",),
    "ARMENIAN": ("hy",), "GEORGIAN": ("ka",), "ETHIOPIC": ("am",),
}  # fmt: skip
NAMES = {
    "en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "tr": "Turkish", "id": "Indonesian", "pl": "Polish",
    "sv": "Swedish", "da": "Danish", "nb": "Norwegian", "ro": "Romanian", "ca": "Catalan",
    "cs": "Czech", "hu": "Hungarian", "fi": "Finnish", "so": "Somali", "af": "Afrikaans",
    "tl": "Tagalog", "hr": "Croatian", "ar": "Arabic", "fa": "Persian", "ur": "Urdu",
    "ru": "Russian", "uk": "Ukrainian", "bg": "Bulgarian", "sr": "Serbian", "mk": "Macedonian",
    "he": "Hebrew", "el": "Greek", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
    "hi": "Hindi", "mr": "Marathi", "ne": "Nepali", "th": "Thai", "bn": "Bengali", "ta": "Tamil",
    "hy": "Armenian", "ka": "Georgian", "am": "Amharic",
}  # fmt: skip
# a word stands apart from digits: the "e" of "1e5" or the "a" of "0x6a" is no function word
_WORD = re.compile(r"(?<![^\W_])[^\W\d_]++(?:'[^\W\d_]+)?+(?!\d)")
MIN_WORDS = 20


@lru_cache(maxsize=64)
def _stop_words(code: str) -> frozenset[str]:
    """spaCy's stop words for a language, read from its ``stop_words.py`` alone: importing the
    module the usual way runs the language package first, which compiles its tokenizer's
    exceptions (seconds for some languages)."""
    spec = importlib.util.find_spec("spacy")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "lang" / code / "stop_words.py"
        if path.is_file():
            namespace: dict = {}
            exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # noqa: S102 - spaCy's own data file
            return frozenset(w.casefold() for w in namespace.get("STOP_WORDS", ()))
    return frozenset()


def _script_language(text: str) -> str | None:
    letters = [c for c in text[:5000] if c.isalpha()]
    if not letters:
        return None
    counts: dict[str, int] = {}
    for c in letters:
        if c.isascii():
            continue
        name = unicodedata.name(c, "")
        for script in _SCRIPTS:
            if name.startswith(script) or (script == "CJK" and "CJK" in name):
                counts[script] = counts.get(script, 0) + 1
                break
    if not counts:
        return None
    script, n = max(counts.items(), key=lambda kv: kv[1])
    if n < 0.3 * len(letters):
        return None
    options = _SCRIPTS[script]
    if len(options) == 1:
        return options[0]
    words = [w.casefold() for w in _WORD.findall(text[:20000])]
    return max(options, key=lambda code: sum(1 for w in words if w in _stop_words(code)))


@lru_cache(maxsize=1)
def _latin_index() -> dict[str, tuple[str, ...]]:
    """Each function word of the Latin-script languages -> the languages that have it."""
    index: dict[str, list[str]] = {}
    for code in _LATIN:
        for word in _stop_words(code):
            index.setdefault(word, []).append(code)
    return {w: tuple(codes) for w, codes in index.items()}


def detect_language(text: str) -> str:
    """An ISO 639-1 code for the text's language ("en" for short or unclear text)."""
    script = _script_language(text)
    if script is not None:
        return script
    words = [w.casefold() for w in _WORD.findall(text[:20000])]
    if len(words) < MIN_WORDS:
        return "en"
    index = _latin_index()
    scores = dict.fromkeys(_LATIN, 0)
    for w in words:
        for code in index.get(w, ()):
            scores[code] += 1
    best = max(scores, key=scores.__getitem__)
    # English unless another language's function words clearly outnumber English ones
    return best if scores[best] > 1.2 * scores["en"] + 2 else "en"


def language_name(code: str) -> str:
    return NAMES.get(code, code)
