"""`jervis extract`: events from news text, printed or stored. Presentation only."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from jervis.errors import JervisError
from jervis.store.schema import COLUMNS

_FORMATS = ("jsonl", "csv", "table")
_TABLE_COLUMNS = ("date", "event", "mode", "actor", "target", "location", "country", "killed",
                  "wounded", "evidence")  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add the `extract` command to the jervis CLI."""
    app.command("extract")(extract_command)


def extract_command(
    paths: Annotated[list[str], typer.Argument(help="Text, HTML, RSS/Atom or JSONL files, dirs, globs.")],
    published: Annotated[Optional[str], typer.Option(help="Publication date YYYY-MM-DD (wins over the files' own).")] = None,  # noqa: UP045,E501
    format: Annotated[str, typer.Option("--format", help="jsonl, csv or table.")] = "jsonl",
    ingest: Annotated[bool, typer.Option("--ingest", help="Store the events (jervis.store).")] = False,
    db: Annotated[Optional[Path], typer.Option("--db", envvar="JERVIS_DB", help="DuckDB store for --ingest.")] = None,  # noqa: UP045,E501
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="Worker processes.")] = 1,
    backend: Annotated[str, typer.Option(help="spacy (default: parsed roles and counts) or rules (word order only, faster).")] = "spacy",
) -> None:
    """Extract violent events (date, actors, mode, place, casualties, evidence) from news text."""
    from jervis.text.extract import extract

    if format not in _FORMATS:
        raise JervisError(f"unknown --format {format!r}; choose jsonl, csv or table")
    if published is not None:  # ISO 8601 only: '01/12/2023' could be either day first or month
        from datetime import date

        try:
            published = date.fromisoformat(published.strip()).isoformat()
        except ValueError:
            raise JervisError(f"--published {published!r} is not a date in YYYY-MM-DD form") from None
    if ingest:  # the store is checked before the extraction (a folder was not even opened when
        from jervis.store.db import check_store_path, resolve_db  # nothing was extracted: exit 0)

        check_store_path(resolve_db(db))
    err = Console(stderr=True)
    skipped = []

    def report(doc, code: str) -> None:
        from jervis.text.language import language_name

        skipped.append(doc)
        where = doc.path or doc.doc_id
        if doc.path and doc.doc_id and doc.path.endswith((".jsonl", ".xml", ".rss", ".atom")):
            where = f"{doc.path} ({doc.doc_id})"
        err.print(f"{where}: language found {language_name(code)} ({code}), not English: "
                  "no events extracted", highlight=False, markup=False, soft_wrap=True)  # fmt: skip

    bad = []

    def failed(exc: JervisError) -> None:
        bad.append(exc)
        where = f"{exc.path}, line {exc.row}" if exc.row is not None else exc.path
        err.print(f"error: {where}: {exc.message}", highlight=False, markup=False, soft_wrap=True)

    stats: dict = {}
    events = extract(paths, published=published, backend=backend, jobs=jobs, on_skip=report,
                     on_error=failed, stats=stats)  # fmt: skip
    if ingest:
        from jervis.store.ingest import ingest_rows

        rows = [e.to_row() for e in events]
        name = paths[0] if len(paths) == 1 else f"{paths[0]} (+{len(paths) - 1} more)"
        counts = ingest_rows(rows, f"extract:{name}", db=db) if rows else {"read": 0, "stored": 0}
        Console(stderr=True).print(f"ingested: {json.dumps(counts)}", highlight=False)
    write(events, format)
    if bad:  # every record accounted for: read = extracted + not English + left out
        records = stats["documents"] + stats["bad"]
        err.print(f"{records} records read: {stats['extracted']} extracted ({len(events)} events), "
                  f"{stats['not_english']} not in English, {stats['bad']} bad (left out)",
                  highlight=False, markup=False, soft_wrap=True)  # fmt: skip
        raise SystemExit(2)  # after the good records: the run is not clean


def write(events: list, format: str, out=None) -> None:
    """Print events as JSON lines (with spans), CSV (canonical columns) or a table."""
    out = out or sys.stdout
    if format == "jsonl":
        for event in events:
            out.write(json.dumps(event.to_dict(), default=str, ensure_ascii=False) + "\n")
    elif format == "csv":
        writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
        writer.writeheader()
        for event in events:
            writer.writerow(event.to_row())
    else:
        table = Table(title=f"{len(events)} events", title_justify="left")
        for column in _TABLE_COLUMNS:
            table.add_column(column, overflow="fold")
        for event in events:
            row = event.to_row()
            row["evidence"] = (row["evidence"] or "")[:160]
            table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in _TABLE_COLUMNS))
        Console(file=out, width=200).print(table)
