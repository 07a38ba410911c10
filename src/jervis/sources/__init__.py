"""Source readers and format detection.

Each reader module translates one format into canonical batches (see ``base.py``). The order of
``READERS`` is the order of sniffing: specific layouts first, the canonical format last.
"""

from __future__ import annotations

from pathlib import Path

from jervis.errors import JervisError, nearest
from jervis.sources.acled import ACLED, ACLED_JSON
from jervis.sources.base import Reader, SourceInfo, read_head
from jervis.sources.canonical import CANONICAL
from jervis.sources.gdelt import GDELT
from jervis.sources.iraq import IRAQ_2006_2008
from jervis.sources.mapping import MAPPING
from jervis.sources.ucdp import UCDP_GED

__all__ = ["Reader", "SourceInfo", "READERS", "detect_reader", "reader_by_name", "all_sources"]

READERS: list[Reader] = [UCDP_GED, ACLED, ACLED_JSON, GDELT, IRAQ_2006_2008, CANONICAL]


def reader_by_name(name: str) -> Reader:
    if name == "mapping":
        return MAPPING
    for reader in READERS:
        if reader.name == name:
            return reader
    names = sorted({r.name for r in READERS} | {"mapping"})
    raise JervisError(f"unknown format {name!r}{nearest(name, names)}; choose one of: {', '.join(names)}")


def detect_reader(path: Path, *, format: str | None = None, mapping: str | Path | None = None) -> Reader:
    """The reader for a file: --format if given, the mapping reader with --mapping, else sniffed."""
    _refuse_compressed(path)
    if format:
        return reader_by_name(format)
    if mapping:
        return reader_by_name("mapping")
    try:
        head = read_head(path)
    except JervisError:
        raise
    except OSError as exc:
        raise JervisError(f"cannot read file ({exc.strerror or exc})", path=str(path)) from None
    except Exception as exc:  # noqa: BLE001 - e.g. a corrupt zip: one clear line
        raise JervisError(f"cannot read file ({exc})", path=str(path)) from None
    for reader in READERS:
        if reader.sniff(path, head):
            return reader
    if not head.strip() and path.suffix.lower() != ".parquet":  # sniffing failed for lack of content
        raise JervisError("the file is empty (no header line)", path=str(path))
    raise JervisError(
        _unknown_why(head) or "cannot tell the format of this file; pass --format or a --mapping file "
        "(see docs/mapping.md)",
        path=str(path),
    )


# a compressed stream read as text was "cannot tell the format" or, with --format, a CSV of
# "carriage returns only": what the file is, and what to do, is said instead
_COMPRESSED = ((b"\x1f\x8b", "gzip", "gunzip -k"), (b"BZh", "bzip2", "bunzip2 -k"),
               (b"\xfd7zXZ\x00", "xz", "unxz -k"), (b"\x28\xb5\x2f\xfd", "zstd", "unzstd"),
               (b"7z\xbc\xaf\x27\x1c", "7z", "7z x"))  # fmt: skip


def _refuse_compressed(path: Path) -> None:
    try:
        with open(path, "rb") as fh:
            magic = fh.read(16)
    except OSError:
        return  # said by the reader that opens it
    from jervis.store.db import is_duckdb_header

    if is_duckdb_header(magic):  # NUL bytes in its header once made it "UTF-16 text"
        raise JervisError("is a DuckDB database (a jervis store), not a data file; open it with "
                          "--db, or export its events with `jervis events --format csv --out FILE`",
                          path=str(path))  # fmt: skip
    for start, name, command in _COMPRESSED:
        if name == "bzip2" and not (magic[3:4].isdigit() and magic[4:10] == b"1AY&SY"):
            continue  # "BZh" alone could begin a text header
        if magic.startswith(start):
            raise JervisError(f"a {name}-compressed file; decompress it first ({command} FILE) or put "
                              "it in a .zip archive", path=str(path))  # fmt: skip


_SEPARATORS = {";": ("semicolon", ";"), "\t": ("tab", "\\t")}


def _unknown_why(head: str) -> str | None:
    """Why no reader took a text file, when it is a common near miss: UTF-16 text (Excel's
    "Unicode text"), or a header split by semicolons or tabs instead of commas."""
    sample = head[:400]
    text = sample.replace("\x00", "").lstrip("\ufffd")  # a UTF-16 byte-order mark is not UTF-8
    printable = sum(c.isprintable() or c in "\r\n\t" for c in text)
    if text and sample.count("\x00") >= max(1, len(sample) // 4) and printable >= 0.9 * len(text):
        codec = "utf-16" if sample[0] == "\ufffd" else ("utf-16-le" if sample[1:2] == "\x00" else "utf-16-be")
        return ("UTF-16 text, not UTF-8; save it as UTF-8 (Excel: \"CSV UTF-8\"), or read it with a "
                f'--mapping file ([read] encoding = "{codec}" and its [columns]; see docs/mapping.md)')  # fmt: skip
    lines = head.splitlines()
    first = lines[0] if lines else ""
    if not first.strip() and any(line.strip() for line in lines):
        return ("line 1 is blank: the header must be the file's first line; remove the blank lines "
                "above it")  # fmt: skip
    if first.strip().lower().startswith("sep=") and len(lines) > 1:
        return (f"the first line is Excel's {first.strip()!r} line, not the header; remove it (the "
                "header must be the first line)")  # fmt: skip
    from jervis.store.schema import COLUMNS

    names = [n.strip().strip('"') for n in first.split(",")]
    wrong_case = [n for n in names if n not in COLUMNS and n.lower() in COLUMNS]
    if wrong_case and all(n.lower() in COLUMNS for n in names if n):
        shown = ", ".join(f"{n!r} should be {n.lower()!r}" for n in wrong_case[:3])
        return f"jervis's own column names are lower case: {shown}"
    if "," not in first and all(c.isprintable() or c == "\t" for c in first):  # text, not binary
        for sep, (name, spelled) in _SEPARATORS.items():
            if sum(bool(f.strip()) for f in first.split(sep)) >= 2:
                return (f"looks {name}-separated (its header has no commas); save it comma-separated, "
                        f'or read it with a --mapping file ([read] delimiter = "{spelled}" and its '
                        "[columns]; see docs/mapping.md)")  # fmt: skip
    return None


def all_sources() -> list[SourceInfo]:
    """Licence and attribution of every built-in source."""
    seen: dict[str, SourceInfo] = {}
    for reader in READERS:
        seen.setdefault(reader.info.dataset, reader.info)
    return list(seen.values())
