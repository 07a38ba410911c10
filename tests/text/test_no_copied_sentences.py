"""No sentence of a development corpus is copied into the package (code, comments or data).

Rules and examples must be general enough to state without quoting the data they were developed
on. Every run of six words shared with a corpus sentence (M2E2, PLOVER GSR, RAMS dev and test,
MUC-4 train and dev, the seed article; fixtures copied from the shared data) is reported, when
at least three of its words are content words and two of those are written in lower case in the
package: names ("Islamic State of Iraq and Syria") and number lists are not sentences.
The held-out news set and news-dev3 (both test-only) are guarded the same way, but a failure
names only the package's file and line, so that their text is not shown to whoever runs the
test (their articles must stay unread). news-dev4 is guarded like them: its learn part (01-22)
may be read, but never quoted, and its test part (23-30) must stay unread, so a failure names
locations only there too.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from spacy.lang.en.stop_words import STOP_WORDS

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
PACKAGE = ROOT / "src" / "jervis"
N = 6
_WORD = re.compile(r"[A-Za-z0-9]+")
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve".split())


def _content(word: str) -> bool:
    w = word.lower()
    return w not in STOP_WORDS and not w.isdigit() and w not in _NUMBER_WORDS


def _shingles(text: str) -> set[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {" ".join(words[i : i + N]) for i in range(len(words) - N + 1)}


def _corpus_texts():
    def lines(path: Path):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            yield from (json.loads(line) for line in fh if line.strip())

    for r in lines(FIXTURES / "m2e2" / "text_only_event.compact.jsonl"):
        yield r["sentence"]
    for r in json.loads((FIXTURES / "plover-gsr" / "PLOVER_GSR_CAMEO.txt").read_text()):
        yield r.get("text") or ""
    yield (FIXTURES / "seed-article" / "rockets-slam-us-base.txt").read_text()
    for name in ("dev", "test"):
        for r in lines(FIXTURES / "rams" / f"{name}.jsonlines.gz"):
            yield " ".join(t for s in r["sentences"] for t in s)
    for name in ("train", "dev"):
        for r in lines(FIXTURES / "muc4" / f"{name}.json.gz"):
            yield r["doctext"]


def copied_spans(corpus: set[str], text: str) -> list[str]:
    """Runs of N words of ``text`` found in the corpus that read as a sentence, not a name."""
    words = _WORD.findall(text)
    out = []
    for i in range(len(words) - N + 1):
        run = words[i : i + N]
        key = " ".join(w.lower() for w in run)
        if key not in corpus:
            continue
        content = [w for w in run if _content(w)]
        if len(content) >= 3 and sum(1 for w in content if w.islower()) >= 2:
            out.append(" ".join(run))
    return out


def _package_copies(corpus: set[str]) -> list[tuple[str, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*")):
        if not path.is_file() or path.suffix not in (".py", ".toml", ".txt", ".csv", ".md", ".json"):
            continue
        lines = path.read_text(encoding="utf-8", errors="ignore").splitlines()
        for n, line in enumerate(lines):
            pair = line + " " + (lines[n + 1] if n + 1 < len(lines) else "")  # quotes span lines
            for span in copied_spans(corpus, pair):
                found.append((f"{path.relative_to(ROOT)}:{n + 1}", span))
    return found


def test_package_quotes_no_development_sentence():
    corpus: set[str] = set()
    for text in _corpus_texts():
        corpus |= _shingles(text)
    assert len(corpus) > 500_000  # every corpus was read
    found = {f"{where}: {span}" for where, span in _package_copies(corpus)}
    assert not found, "copied from a development corpus:\n" + "\n".join(sorted(found))


@pytest.mark.parametrize(
    ("folder", "n_articles"), [("news-heldout", 20), ("news-dev3", 24), ("news-dev4", 30)]
)
def test_package_quotes_nothing_of_a_test_only_news_set(folder: str, n_articles: int):
    articles = sorted((FIXTURES / folder).glob("[0-9][0-9]-*.txt"))
    assert len(articles) == n_articles
    corpus: set[str] = set()
    for path in articles:
        corpus |= _shingles(path.read_text(encoding="utf-8"))
    assert len(corpus) > 5_000  # every article was read
    found = sorted({where for where, _ in _package_copies(corpus)})  # locations only
    assert not found, f"quotes the test-only news set {folder} at:\n" + "\n".join(found)


def test_the_guard_finds_a_copied_sentence():
    corpus = _shingles("Gunmen opened fire on a crowded market in the northern city on Monday.")
    assert copied_spans(corpus, '# e.g. "gunmen opened fire on a crowded market in the"')
    assert not copied_spans(corpus, "Islamic State of Iraq and Syria")
