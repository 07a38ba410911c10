"""Articles from files: plain text, HTML, RSS/Atom feeds and JSONL, from paths, dirs or globs.

Everything is local (no network). The format is taken from the extension, else sniffed:
- ``.txt``/``.md``/other: plain text (a ``.txt`` that starts ``<!doctype html`` or ``<html`` is
  a saved web page, read as HTML);
- ``.html``/``.htm``: trafilatura's main text (navigation, comments and link traps dropped) and
  its offline metadata (publication date via htmldate, title, canonical URL);
- ``.xml``/``.rss``/``.atom`` (or content starting with ``<rss``/``<feed``): one document per
  feed entry (feedparser), entry HTML reduced to text;
- ``.jsonl``/``.ndjson``: one article per line, ``{"id", "published", "title", "text" | "html",
  "url"}``.
Known web boilerplate lines (link traps for scrapers,
"Share this article", cookie notices...; list in ``data/text/boilerplate.txt``) are blanked with
spaces of the same length, so character spans still index the file's text.

A document's id, when it comes from a file name (a text or HTML file, a JSONL record or feed entry
without an id), is the name plus a short hash of the document's text (``story-1a2b3c4d``): two
different articles of one name (a/story.txt, b/story.txt), in one run or in two, get different
ids, and the same article read again gets the same id (re-ingesting it updates its events).

Publication date: ``--published`` (given by the user) wins; else the document's own date (the
JSONL field, the feed entry's date, the HTML metadata); else none (see jervis.text.dates).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

from jervis.errors import JervisError
from jervis.text.dates import to_date

_TEXT_EXT = {".txt", ".text", ".md"}
_HTML_EXT = {".html", ".htm", ".xhtml"}
_FEED_EXT = {".xml", ".rss", ".atom"}
_JSONL_EXT = {".jsonl", ".ndjson"}
_LINE_END = re.compile(r"\r\n|\r|\n")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Document:
    text: str
    published: date | None
    doc_id: str
    url: str | None = None
    title: str | None = None
    path: str | None = None  # the file it came from


@lru_cache(maxsize=1)
def _boilerplate() -> re.Pattern[str]:
    ref = resources.files("jervis.data").joinpath("text/boilerplate.txt")
    lines = [
        ln.strip() for ln in ref.read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.lstrip().startswith("#")
    ]  # fmt: skip
    return re.compile(r"(?im)^[ \t]*(?:" + "|".join(lines) + r")[ \t]*$")


def drop_boilerplate(text: str) -> str:
    """Blank known boilerplate lines (same length: spans into the text stay valid)."""
    return _boilerplate().sub(lambda m: " " * len(m.group(0)), text)


# A wire dateline opens a paragraph: a place in capitals (several joined by "/"), optionally a
# region or country in title case, a date and the agency in brackets, then a dash. It says where
# the report was filed, not who acted or where: it is blanked before extraction.
_DATELINE = re.compile(
    r"(?m)^[ \t]*[A-Z][A-Z.'\u2019-]+(?:[ /][A-Z][A-Z.'\u2019-]+)*"
    r"(?:,[ \t]+[A-Z][\w.'\u2019-]*(?:[ \t]+(?:of[ \t]+)?[A-Z0-9][\w.'\u2019-]*)*)*"
    r"(?:[ \t]*\([^)\n]{1,40}\))?[ \t]+(?:-{1,2}|\u2013|\u2014)[ \t]+(?=[A-Z\"'\u201c])")


def blank_datelines(text: str) -> str:
    """Blank a wire dateline ("KABUL, Afghanistan (Agency) - ") at the start of a paragraph
    (same length: spans into the text stay valid)."""
    return _DATELINE.sub(lambda m: " " * len(m.group(0)), text)


def expand(paths: Iterable[str | Path] | str | Path) -> list[Path]:
    """Files named, found in directories (sorted, recursive, no hidden files) or by globs."""
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    elif not isinstance(paths, Iterable) or isinstance(paths, bytes | dict):
        raise JervisError(f"paths must be a file path or a list of them (str or pathlib.Path), not {paths!r}")
    out: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and
                           not any(part.startswith(".") for part in p.parts[len(path.parts):]))  # fmt: skip
            if not found:  # (as `jervis ingest` says it): an empty folder is not "no events"
                raise JervisError("the folder holds no file to read", path=str(item))
            out.extend(found)
        elif path.is_file():
            out.append(path)
        elif path.exists():  # /dev/null, a FIFO, a socket: there, but not a file to read
            raise JervisError("is not a regular file (a device, a pipe or a socket); give a text, "
                              "HTML, feed or JSONL file", path=str(item))  # fmt: skip
        else:
            matches = sorted(Path(m) for m in glob.glob(str(item), recursive=True))
            files = [m for m in matches if m.is_file()]
            if not files:
                raise JervisError("no such file", path=str(item))
            out.extend(files)
    return out


def read_documents(
    paths: Iterable[str | Path] | str | Path, *, published: date | str | None = None,
    on_error: Callable[[JervisError], None] | None = None,
) -> list[Document]:  # fmt: skip
    """All documents in the given files (see the module docstring for formats and dates).

    ``on_error``: called with the error of each bad record of a JSONL file (not a JSON object,
    no text, a text that is not a string, a publication date that is not a date), which is then
    left out while the file's other records are read; without it the first bad record raises.
    """
    override = to_date(published)
    docs: list[Document] = []
    for path in expand(paths):
        for doc in read_file(path, on_error=on_error):
            doc.path = str(path)
            if override is not None:
                doc.published = override
            docs.append(doc)
    return docs


def _named_id(name: str, text: str) -> str:
    """An id from a file name plus a short hash of the text: an event's source_id is its
    document's id, and the name alone ("story") is shared by other articles (another folder,
    another day), whose events would then replace these in the store."""
    return f"{name}-{hashlib.sha256(text.encode('utf-8', 'replace')).hexdigest()[:8]}"


def read_file(path: Path, on_error: Callable[[JervisError], None] | None = None) -> list[Document]:
    """Documents in one file, by extension or, failing that, by content (``on_error``: see
    :func:`read_documents`)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise JervisError(f"cannot read file ({exc.strerror})", path=str(path)) from None
    problem = _not_text(data, records=path.suffix.lower() in _JSONL_EXT)
    if problem is not None:  # was decoded with replacement characters: "language found Romanian"
        exc = JervisError(problem, path=str(path))
        if on_error is None:
            raise exc
        on_error(exc)
        return []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raw = data.decode("utf-16", errors="replace")
    else:
        raw = data.decode("utf-8", errors="replace")
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")  # as reading in text mode did: CRLF files alike
    kind = _kind(path, raw)
    if kind == "jsonl":
        return _read_jsonl(path, raw, on_error)
    if kind == "feed":
        return _read_feed(path, raw)
    if kind == "html":
        doc = _read_html(raw, path.stem, str(path))
        doc.doc_id = _named_id(path.stem, doc.text)
        return [doc]
    text = drop_boilerplate(raw)
    return [Document(text, None, _named_id(path.stem, text))]


_MAGIC = ((b"%PDF", "a PDF document"), (b"PK\x03\x04", "a zip archive (a .docx, .xlsx or .epub is one)"),
          (b"\x1f\x8b", "gzip-compressed"), (b"BZh", "bzip2-compressed"), (b"\xfd7zXZ", "xz-compressed"),
          (b"\x89PNG", "an image"), (b"\xff\xd8\xff", "an image"), (b"GIF8", "an image"),
          (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"))  # fmt: skip


def _not_text(data: bytes, records: bool = False) -> str | None:
    """Why these bytes are no article to read (None when they are text). An empty file of
    ``records`` (JSON lines) is none: its records are counted, and there are none."""
    from jervis.store.db import is_duckdb_header

    if not data.strip():
        return None if records else "the file holds no text"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark: read as such
        return None
    what = next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)
    if what is None and is_duckdb_header(data[:16]):
        what = "a DuckDB database"
    if what is None and b"\x00" in data[:8192]:
        what = "binary data (NUL bytes)"
    if what is None:
        return None
    return f"is {what}, not text; give a text, HTML, feed or JSONL file"


def _kind(path: Path, raw: str) -> str:
    ext = path.suffix.lower()
    if ext in _JSONL_EXT:
        return "jsonl"
    if ext in _FEED_EXT:
        return "feed"
    if ext in _HTML_EXT:
        return "html"
    head = raw.lstrip("\ufeff").lstrip()[:300].lower()
    if ext in _TEXT_EXT:  # a web page saved as .txt is still a web page: its markup is no text
        return "html" if head.startswith(("<!doctype html", "<html")) else "text"
    if head.startswith("<?xml") and ("<rss" in head or "<feed" in head) or head.startswith(
        ("<rss", "<feed")
    ):
        return "feed"
    if head.startswith(("<!doctype html", "<html")):
        return "html"
    if head.startswith("{") and ('"text"' in raw[:5000] or '"html"' in raw[:5000]):
        return "jsonl"
    return "text"


def html_to_text(html: str) -> tuple[str, dict]:
    """(main text, metadata dict with date/title/url) from an HTML page, offline."""
    import trafilatura

    if "<html" not in html[:2000].lower():
        html = f"<html><body>{html}</body></html>"  # a fragment (JSONL "html", feed entries)
    text = trafilatura.extract(
        html, include_comments=False, include_tables=False, include_links=False,
        favor_precision=True, deduplicate=True,
    )  # fmt: skip
    if not text:  # tiny pages or fragments: fall back to all visible text
        text = trafilatura.html2txt(html) or ""
    if not text:  # lxml gives up on elements nested over 255 deep: the standard library does not
        text = _visible_text(html)
    meta = {}
    try:
        found = trafilatura.extract_metadata(html)
    except Exception:  # noqa: BLE001 - metadata is optional; a broken page still has text
        found = None
    if found is not None:
        meta = {"date": found.date, "title": found.title, "url": found.url}
    return drop_boilerplate(text), meta


class _TextParser(HTMLParser):
    """The text of every element but scripts, styles and templates (html.parser: no depth limit)."""

    _HIDDEN = frozenset({"script", "style", "noscript", "template", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:  # noqa: ANN001
        self.hidden += tag in self._HIDDEN

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN and self.hidden > 0:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def _visible_text(html: str) -> str:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


def _read_html(html: str, doc_id: str, source: str) -> Document:
    text, meta = html_to_text(html)
    published = _safe_date(meta.get("date"))
    return Document(text, published, doc_id, meta.get("url"), meta.get("title"))


def _safe_date(value) -> date | None:
    try:
        return to_date(value)
    except JervisError:
        return None


def _read_jsonl(path: Path, raw: str, on_error: Callable[[JervisError], None] | None = None
                ) -> list[Document]:  # fmt: skip
    docs = []
    # Records end at a newline (or CR): not at str.splitlines()'s U+2028, U+2029 or U+0085,
    # which JSON allows unescaped inside a string. A byte-order mark is not part of record 1.
    for row, line in enumerate(_LINE_END.split(raw.removeprefix("\ufeff")), start=1):
        if not line.strip():
            continue
        try:
            docs.append(_jsonl_record(path, row, line))
        except JervisError as exc:
            if on_error is None:
                raise
            on_error(exc)
    return docs


def _jsonl_record(path: Path, row: int, line: str) -> Document:
    """One JSONL line as a document, or a JervisError naming the file, the line and the fault."""

    def bad(message: str) -> JervisError:
        return JervisError(message, path=str(path), row=row)

    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise bad(f"not a JSON line ({exc.msg})") from None
    except RecursionError:
        raise bad("not a JSON line (nested too deeply)") from None
    if not isinstance(item, dict):
        raise bad(f"a line must be a JSON object with \"text\" or \"html\", not {_kind_of(item)}")
    # "\\ud800" is valid JSON and a lone surrogate in Python, which no output can encode
    item = {k: _SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for k, v in item.items()}
    text, html = item.get("text"), item.get("html")
    for name, value in (("text", text), ("html", html)):
        if value is not None and not isinstance(value, str):
            raise bad(f'"{name}" must be a string, not {_kind_of(value)}')
    if text is None and html is None:
        raise bad('no "text" or "html" (missing or null)')
    for name in ("url", "title"):
        if item.get(name) is not None and not isinstance(item[name], str):
            raise bad(f'"{name}" must be a string, not {_kind_of(item[name])}')
    doc_id = item.get("id")
    if isinstance(doc_id, dict | list):
        raise bad(f'"id" must be a string or a number, not {_kind_of(doc_id)}')
    if text is not None:
        text, meta = drop_boilerplate(text), {}
    else:
        text, meta = html_to_text(html)
    doc_id = str(doc_id if doc_id not in (None, "") else _named_id(f"{path.stem}-{row}", text))
    stamp = item.get("published")
    if stamp is not None and not isinstance(stamp, str):
        raise bad(f'"published" must be a date string (YYYY-MM-DD), not {_kind_of(stamp)}')
    try:
        published = to_date(stamp) or _safe_date(meta.get("date"))
    except JervisError:
        raise bad(f'"published" {stamp!r} is not a date (use YYYY-MM-DD)') from None
    return Document(text, published, doc_id, item.get("url") or meta.get("url"),
                    item.get("title") or meta.get("title"))  # fmt: skip


def _kind_of(value) -> str:
    """A JSON value's type as JSON names it."""
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "an object"}.get(type(value), type(value).__name__)  # fmt: skip


def _read_feed(path: Path, raw: str) -> list[Document]:
    import feedparser

    feed = feedparser.parse(raw)
    if feed.bozo and not feed.entries:
        raise JervisError("not a readable RSS/Atom feed", path=str(path))
    docs = []
    for n, entry in enumerate(feed.entries, start=1):
        body = ""
        if entry.get("content"):
            body = " ".join(c.get("value", "") for c in entry["content"])
        body = body or entry.get("summary", "") or entry.get("description", "")
        text = html_to_text(body)[0] if "<" in body else body
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday) if stamp else None
        doc_id = str(entry.get("id") or entry.get("link") or _named_id(f"{path.stem}-{n}", text))
        docs.append(Document(drop_boilerplate(text), published, doc_id, entry.get("link"),
                             entry.get("title")))  # fmt: skip
    return docs
