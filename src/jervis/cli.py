"""The `jervis` command: a thin Typer layer over the Python API. No logic lives here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from jervis import __version__
from jervis.analysis import commands as analysis_commands
from jervis.errors import JervisError
from jervis.report import commands as report_commands
from jervis.text import commands as text_commands
from jervis.text import eval_commands

app = typer.Typer(
    name="jervis",
    help="Did retaliation restore deterrence, or provoke more attacks? Ingest event data, "
    "extract events from news, analyse a dyad.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
dyad_app = typer.Typer(help="Dyad files: two sides and the rules that assign events to them.")
app.add_typer(dyad_app, name="dyad")

console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    Optional[Path],  # noqa: UP045 - Typer needs Optional here
    typer.Option("--db", envvar="JERVIS_DB", help="DuckDB store (default ./jervis.duckdb)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")


def _table(title: str, rows: list[dict], columns: list[str] | None = None) -> Table:
    table = Table(title=title, title_justify="left")
    columns = columns or (list(rows[0]) if rows else [])
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    return table


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files, directories or globs.")],
    db: DbOption = None,
    format: Annotated[Optional[str], typer.Option(help="Force a format (ucdp_ged, acled, gdelt, ...).")] = None,  # noqa: UP045
    mapping: Annotated[Optional[Path], typer.Option(help="TOML mapping for any CSV (docs/mapping.md).")] = None,  # noqa: UP045
    actors: Annotated[Optional[list[Path]], typer.Option(help="Extra actor alias file(s).")] = None,  # noqa: UP045
    as_json: JsonOption = False,
) -> None:
    """Import event files into the store (format auto-detected)."""
    from jervis.store.ingest import ingest_counts

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
        TextColumn("{task.completed:,} rows"), TimeElapsedColumn(),
        console=err_console, transient=True, disable=not err_console.is_terminal,
    ) as progress:  # fmt: skip
        tasks: dict[str, int] = {}

        def advance(path: str, rows: int) -> None:
            if path not in tasks:
                tasks[path] = progress.add_task(Path(path).name, total=None)
            progress.update(tasks[path], completed=rows)

        counts = ingest_counts(
            [str(p) for p in paths], db=db, format=format, mapping=mapping,
            actors=actors or (), progress=advance,
        )  # fmt: skip
    if as_json:
        _print_json(counts.as_dict())
        return
    rows = [{k: Path(f["path"]).name if k == "path" else f[k] for k in
             ("path", "format", "read", "stored", "quarantined", "duplicates", "updated")} for f in counts.files]  # fmt: skip
    console.print(_table("Ingested", rows))
    console.print(
        f"read {counts.read:,} = stored {counts.stored:,} + quarantined {counts.quarantined:,} "
        f"+ duplicates {counts.duplicates:,}"
    )
    if counts.quarantined:
        console.print("See the rejected rows and their reasons with `jervis quarantine`.")


@app.command("events")
def events_cmd(
    db: DbOption = None,
    country: Annotated[Optional[list[str]], typer.Option(help="ISO3 country (repeatable).")] = None,  # noqa: UP045
    start: Annotated[Optional[str], typer.Option(help="First date, YYYY-MM-DD.")] = None,  # noqa: UP045
    end: Annotated[Optional[str], typer.Option(help="Last date, YYYY-MM-DD.")] = None,  # noqa: UP045
    event: Annotated[Optional[list[str]], typer.Option(help="PLOVER event type (repeatable).")] = None,  # noqa: UP045
    mode: Annotated[Optional[list[str]], typer.Option(help="Mode, e.g. rocket (repeatable).")] = None,  # noqa: UP045
    actor: Annotated[Optional[list[str]], typer.Option(help="Canonical actor or target name.")] = None,  # noqa: UP045
    source: Annotated[Optional[list[str]], typer.Option(help="source_dataset (repeatable).")] = None,  # noqa: UP045
    limit: Annotated[Optional[int], typer.Option(help="At most this many rows.")] = None,  # noqa: UP045
    format: Annotated[str, typer.Option(help="table, csv, json (lines) or parquet.")] = "table",
    out: Annotated[Optional[Path], typer.Option(help="Write to this file instead of stdout.")] = None,  # noqa: UP045
) -> None:
    """Query events in the canonical schema."""
    from jervis.store.query import events

    if format not in ("table", "csv", "json", "parquet"):
        raise JervisError(f"unknown --format {format!r}; choose table, csv, json or parquet")
    if format == "parquet" and out is None:
        raise JervisError("--format parquet needs --out FILE")
    frame = events(
        db, country=country, start=start, end=end, event=event, mode=mode, actor=actor,
        source_dataset=source, limit=limit if format == "table" and limit is None else limit,
    )  # fmt: skip
    if format == "parquet":
        frame.to_parquet(out, index=False)
    elif format == "csv":
        text = frame.to_csv(index=False, date_format="%Y-%m-%d")
        out.write_text(text) if out else sys.stdout.write(text)
    elif format == "json":
        text = frame.to_json(orient="records", lines=True, date_format="iso", force_ascii=False)
        text = text.replace("T00:00:00.000", "")
        out.write_text(text) if out else sys.stdout.write(text)
    else:
        shown = frame.head(limit or 20)
        cols = ["date", "actor", "target", "event", "mode", "country", "location", "killed", "source_dataset"]
        rows = [{c: (r[c].date() if c == "date" else r[c]) for c in cols} for _, r in shown.iterrows()]
        console.print(_table(f"{len(frame):,} events (showing {len(shown)})", rows, cols))


@app.command()
def quarantine(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Rows that could not be stored, with the file, line and reason."""
    from jervis.store.inspect import quarantined

    rows = quarantined(db, limit=limit)
    if as_json:
        _print_json(rows)
    else:
        console.print(_table(f"Quarantine ({len(rows)} shown)", rows, ["source_file", "line", "reason", "raw"]))


@app.command()
def sources(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Datasets in the store (and the built-in readers) with licence and attribution."""
    from jervis.store.inspect import source_list

    rows = source_list(db)
    if as_json:
        _print_json(rows)
    else:
        console.print(_table("Sources", rows, ["source_dataset", "events", "licence", "attribution"]))


@app.command()
def actors(
    db: DbOption = None,
    extra: Annotated[Optional[list[Path]], typer.Option("--actors", help="Extra alias file(s).")] = None,  # noqa: UP045
    as_json: JsonOption = False,
    lookup: Annotated[Optional[str], typer.Option("--lookup", help="Resolve one name (with 'did you mean' when unknown).")] = None,  # noqa: UP045
    country: Annotated[Optional[str], typer.Option(help="With --lookup: the event's country (ISO3), for scoped aliases.")] = None,  # noqa: UP045
    year: Annotated[Optional[int], typer.Option(help="With --lookup: the event's year, for scoped aliases.")] = None,  # noqa: UP045
) -> None:
    """The actor alias dictionary, with how many stored events name each actor."""
    if lookup is not None:
        from jervis.store.actors import ActorDictionary

        dictionary = ActorDictionary.load(*(extra or ()))
        name = dictionary.lookup(lookup, country=country, year=year)
        scopes = [f"{n} in {'/'.join(c)} {a or ''}-{b or ''}" for n, c, a, b in
                  dictionary.scopes(lookup)]  # fmt: skip
        found = {"name": lookup, "canonical": name, "side": dictionary.side_of(name),
                 "scoped": scopes,
                 "did_you_mean": [] if name or scopes else dictionary.suggest(lookup)}  # fmt: skip
        if as_json:
            _print_json(found)
        elif name:
            console.print(f"{lookup} -> {name} (side {found['side']})", highlight=False)
        elif scopes:
            console.print(f"{lookup}: only in context: " + "; ".join(scopes), highlight=False)
        else:
            hint = ", ".join(found["did_you_mean"])
            console.print(f"{lookup}: not in the actor dictionary"
                          + (f"; did you mean {hint}?" if hint else ""), highlight=False)
        return
    from jervis.store.inspect import actor_list

    rows = actor_list(db, extra or ())
    if as_json:
        _print_json(rows)
    else:
        console.print(_table("Actors", rows, ["name", "side", "events", "aliases"]))


@dyad_app.command("check")
def dyad_check_cmd(
    dyad: Annotated[Path, typer.Argument(help="Dyad TOML file.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """How many events each side gets, and which frequent actors stayed unassigned."""
    from jervis.store.query import dyad_check

    report = dyad_check(dyad, db)
    if as_json:
        _print_json(report)
        return
    rows = [{"side": s, **v} for s, v in report["sides"].items()]
    console.print(_table(f"{report['dyad']}: {report['filtered_events']:,} events after filters", rows))
    console.print(f"unassigned (neither side as actor): {report['unassigned']:,}")
    if report["frequent_unassigned_actors"]:
        console.print(_table("Frequent unassigned actors", report["frequent_unassigned_actors"]))


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo database and results.")] = Path("jervis-demo"),
    as_json: JsonOption = False,
) -> None:
    """Ingest the embedded Iraq 2006-2008 data into a fresh store and show what it holds."""
    from jervis.demo import run_demo

    run_demo(out, console=console, as_json=as_json)


@app.command()
def version() -> None:
    """Print the version."""
    console.print(f"jervis {__version__}")


# Commands owned by other parts register themselves here (analysis, text, report).
for _register in (
    analysis_commands.register, text_commands.register, eval_commands.register,
    report_commands.register,
):  # fmt: skip
    _register(app)


def main() -> None:
    """Entry point: user errors become one line on stderr and exit code 2, no traceback."""
    try:
        app(standalone_mode=False)
    except JervisError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise SystemExit(2) from None
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("aborted")
        raise SystemExit(130) from None
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except Exception as exc:  # click usage errors come through here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            raise SystemExit(exc.exit_code) from None
        raise
