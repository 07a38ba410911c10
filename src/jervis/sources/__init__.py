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
        "cannot tell the format of this file; pass --format or a --mapping file "
        "(see docs/mapping.md)",
        path=str(path),
    )


def all_sources() -> list[SourceInfo]:
    """Licence and attribution of every built-in source."""
    seen: dict[str, SourceInfo] = {}
    for reader in READERS:
        seen.setdefault(reader.info.dataset, reader.info)
    return list(seen.values())
