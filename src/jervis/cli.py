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
from rich.text import Text

from jervis import __version__
from jervis.analysis import commands as analysis_commands
from jervis.analysis.hawkes import commands as hawkes_commands
from jervis.analysis.screen import commands as screen_commands
from jervis.dedup import commands as dedup_commands
from jervis.errors import JervisError
from jervis.report import commands as report_commands
from jervis.store.options import (
    EngineOption,
    LakeOption,
    NoFusionOption,
    SparkMasterOption,
    engine_from,
)
from jervis.text import commands as text_commands
from jervis.text import eval_commands
from jervis.web import commands as web_commands

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
    """A table of data: every value is text (an actor named '[/]' is not Rich markup)."""
    table = Table(title=Text(title), title_justify="left")
    columns = columns or (list(rows[0]) if rows else [])
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text("" if row.get(c) is None else str(row.get(c))) for c in columns))
    return table


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files, directories or globs.")],
    db: DbOption = None,
    format: Annotated[Optional[str], typer.Option(help="Force a format (ucdp_ged, acled, gdelt, ...).")] = None,  # noqa: UP045
    mapping: Annotated[Optional[Path], typer.Option(help="TOML mapping for any CSV (docs/mapping.md).")] = None,  # noqa: UP045
    actors: Annotated[Optional[list[Path]], typer.Option(help="Extra actor alias file(s).")] = None,  # noqa: UP045
    lake: Annotated[Optional[Path], typer.Option(help="Write events to this Parquet event lake (by source and month) instead of a store (not with --db).")] = None,  # noqa: UP045
    as_json: JsonOption = False,
) -> None:
    """Import event files into the store (format auto-detected)."""
    from jervis.store.ingest import ingest_counts
    from jervis.store.options import db_or_lake

    db_or_lake(db, lake)

    with _progress() as progress:
        tasks: dict[str, int] = {}

        def advance(path: str, rows: int) -> None:
            if path not in tasks:
                tasks[path] = progress.add_task(Path(path).name, total=None)
            progress.update(tasks[path], completed=rows)

        counts = ingest_counts(
            [str(p) for p in paths], db=db, format=format, mapping=mapping,
            actors=actors or (), progress=advance, lake=lake,
        )  # fmt: skip
    for item in counts.skipped:
        err_console.print(f"skipped {escape(item['file'])}: {escape(item['reason'])}", highlight=False, soft_wrap=True)
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


def _progress() -> Progress:
    """A progress display on stderr for long steps (shown only on a terminal)."""
    return Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
        TextColumn("{task.completed:,} rows"), TimeElapsedColumn(),
        console=err_console, transient=True, disable=not err_console.is_terminal,
    )  # fmt: skip


def _iso_date(value: str | None, option: str) -> str | None:
    """Dates on the command line are ISO 8601 (YYYY-MM-DD): nothing ambiguous is guessed."""
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise JervisError(f"{option} {value!r} is not a date in YYYY-MM-DD form") from None


def _write(out: Path, write: object) -> None:
    """Write an export; a folder, a missing folder or a full disk is one clear line."""
    if out.is_dir():
        raise JervisError("is a folder; --out needs a file name", path=str(out))
    if not out.parent.exists():
        raise JervisError("the folder does not exist", path=str(out.parent))
    try:
        write()  # type: ignore[operator]
    except OSError as exc:
        raise JervisError(f"cannot write ({exc.strerror or exc})", path=str(out)) from None


_EXTENSION_FORMATS = {".csv": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet"}


def _format_from_extension(out: Path) -> str:
    """`--out x.parquet` needs no `--format parquet`; an extension we do not know is not guessed."""
    try:
        return _EXTENSION_FORMATS[out.suffix.lower()]
    except KeyError:
        raise JervisError(
            f"cannot tell the format of --out {out.name!r} from its extension; name the file .csv, "
            ".json, .jsonl or .parquet, or pass --format csv, json or parquet"
        ) from None


@app.command("events")
def events_cmd(
    db: DbOption = None,
    country: Annotated[Optional[list[str]], typer.Option(help="Country: ISO3 code or name (repeatable).")] = None,  # noqa: UP045
    start: Annotated[Optional[str], typer.Option(help="First date, YYYY-MM-DD.")] = None,  # noqa: UP045
    end: Annotated[Optional[str], typer.Option(help="Last date, YYYY-MM-DD.")] = None,  # noqa: UP045
    event: Annotated[Optional[list[str]], typer.Option(help="PLOVER event type (repeatable).")] = None,  # noqa: UP045
    mode: Annotated[Optional[list[str]], typer.Option(help="Mode, e.g. rocket (repeatable).")] = None,  # noqa: UP045
    actor: Annotated[Optional[list[str]], typer.Option(help="Canonical actor or target name.")] = None,  # noqa: UP045
    source: Annotated[Optional[list[str]], typer.Option(help="source_dataset (repeatable).")] = None,  # noqa: UP045
    limit: Annotated[Optional[int], typer.Option(min=0, help="At most this many rows.")] = None,  # noqa: UP045
    format: Annotated[Optional[str], typer.Option(  # noqa: UP045
        help="table, csv, json or jsonl (both JSON lines) or parquet. Default: table, or with --out the file's extension "
             "(.csv, .json or .jsonl, .parquet).")] = None,  # fmt: skip
    out: Annotated[Optional[Path], typer.Option(help="Write to this file instead of stdout.")] = None,  # noqa: UP045
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
    lake: LakeOption = None,
    no_fusion: NoFusionOption = False,
) -> None:
    """Query events in the canonical schema (fused events once `jervis dedup` has run)."""
    from jervis.store.query import events

    if format is None:
        format = "table" if out is None else _format_from_extension(out)
    format = "json" if format == "jsonl" else format  # JSON lines either way, as --out x.jsonl
    if format not in ("table", "csv", "json", "parquet"):
        raise JervisError(f"unknown --format {format!r}; choose table, csv, json (or jsonl) or parquet")
    if format == "parquet" and out is None:
        raise JervisError("--format parquet needs --out FILE")
    if format == "table" and out is not None:  # the table is for the terminal: --out was ignored
        raise JervisError("--format table is for the terminal; --out writes csv, json or parquet")
    if out is not None:
        from jervis.store.db import check_export_path

        check_export_path(out, lake)
    start, end = _iso_date(start, "--start"), _iso_date(end, "--end")
    frame = events(
        engine_from(db, engine, spark_master, lake, no_fusion), country=country, start=start, end=end, event=event, mode=mode, actor=actor,
        source_dataset=source, limit=limit,
    )  # fmt: skip
    if format == "parquet":
        _write(out, lambda: frame.to_parquet(out, index=False))
    elif format == "csv":
        from jervis.store.export import neutralise_formulas

        text = neutralise_formulas(frame).to_csv(index=False, date_format="%Y-%m-%d")
        _write(out, lambda: out.write_text(text)) if out else sys.stdout.write(text)
    elif format == "json":
        from jervis.store.export import json_lines

        text = json_lines(frame)
        _write(out, lambda: out.write_text(text)) if out else sys.stdout.write(text)
    else:
        shown = frame.head(20 if limit is None else limit)
        cols = ["date", "actor", "target", "event", "mode", "country", "location", "killed", "source_dataset"]
        rows = [{c: (r[c].date() if c == "date" else r[c]) for c in cols} for _, r in shown.iterrows()]
        console.print(_table(f"{len(frame):,} events (showing {len(shown)})", rows, cols))
        if frame.empty and country:
            err_console.print("no events: --country takes ISO 3166 alpha-3 codes or country names "
                              "(see `jervis sources` for what the store holds)", highlight=False)  # fmt: skip


@app.command()
def quarantine(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=0, help="At most this many rows.")] = 50,
    full: Annotated[bool, typer.Option("--full", help="Show each rejected row whole.")] = False,
    format: Annotated[str, typer.Option(help="table, or json or jsonl (JSON lines, with the raw row).")] = "table",
    lake: LakeOption = None,
    file: Annotated[Optional[str], typer.Option("--file", help="Only this file's rows: its path as shown or as given at ingest, or its name.")] = None,  # noqa: UP045
    as_json: JsonOption = False,
) -> None:
    """Rows that could not be stored: file, line, reason and an excerpt of the row."""
    from jervis.store.inspect import quarantined

    format = "json" if format == "jsonl" else format
    if format not in ("table", "json"):
        raise JervisError(f"unknown --format {format!r}; choose table or json (or jsonl)")
    if file is not None and not file.strip():  # as --country '' or --start '': not "no rows"
        raise JervisError("--file is empty; give a file's path or name, or leave --file out for every file")
    rows = quarantined(engine_from(db, lake=lake), limit=limit, named=file)
    if as_json:
        _print_json(rows)
        return
    if format == "json":
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        return
    table = Table(title=f"Quarantine ({len(rows)} shown)", title_justify="left", show_lines=full)
    for column, style in (("file", None), ("line", None), ("reason", None), ("row", "dim")):
        table.add_column(column, overflow="fold", style=style, no_wrap=column in ("file", "line"))
    for row in rows:
        excerpt = row["raw"] if full else _excerpt(row["raw"])
        table.add_row(escape(_short_path(row["source_file"])), str(row["line"]), escape(row["reason"]), escape(excerpt))
    console.print(table)
    if rows and not full:
        console.print("--full shows each row whole; --format json gives them as JSON lines.")


@app.command()
def sources(db: DbOption = None, lake: LakeOption = None, as_json: JsonOption = False) -> None:
    """Datasets in the store (and the built-in readers) with licence and attribution."""
    from jervis.store.inspect import source_list

    rows = source_list(engine_from(db, lake=lake))
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
    country: Annotated[Optional[str], typer.Option(help="With --lookup: the event's country (ISO3 code or name), for scoped aliases.")] = None,  # noqa: UP045
    year: Annotated[Optional[int], typer.Option(help="With --lookup: the event's year, for scoped aliases.")] = None,  # noqa: UP045
) -> None:
    """The actor alias dictionary, with how many stored events name each actor."""
    if lookup is not None:
        if not lookup.strip():  # it printed ": not in the actor dictionary"
            raise JervisError("--lookup is empty; give an actor's name")
        from jervis.store.actors import ActorDictionary

        dictionary = ActorDictionary.load(*(extra or ()))
        if country is not None:  # a code or a name, as `jervis events --country` takes it
            from jervis.sources.countries import to_iso3

            iso3 = to_iso3(country)
            if iso3 is None:
                raise JervisError(f"--country {country!r} is not an ISO 3166 code or a country name")
            country = iso3
        name = dictionary.lookup(lookup, country=country, year=year)
        scopes = [f"{n} in {'/'.join(c)} {a or ''}-{b or ''}" for n, c, a, b in
                  dictionary.scopes(lookup)]  # fmt: skip
        found = {"name": lookup, "canonical": name, "side": dictionary.side_of(name),
                 "scoped": scopes,
                 "did_you_mean": [] if name or scopes else dictionary.suggest(lookup)}  # fmt: skip
        if as_json:
            _print_json(found)
        elif name:
            console.print(escape(f"{lookup} -> {name} (side {found['side']})"), highlight=False)
        elif scopes:
            console.print(escape(f"{lookup}: only in context: " + "; ".join(scopes)), highlight=False)
        else:
            hint = ", ".join(found["did_you_mean"])
            console.print(escape(f"{lookup}: not in the actor dictionary"
                                 + (f"; did you mean {hint}?" if hint else "")), highlight=False)
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
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
    lake: LakeOption = None,
    no_fusion: NoFusionOption = False,
    as_json: JsonOption = False,
) -> None:
    """How many events each side gets, and which frequent actors stayed unassigned."""
    from jervis.store.query import dyad_check

    report = dyad_check(dyad, engine_from(db, engine, spark_master, lake, no_fusion))
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

    with _progress() as progress:
        task = progress.add_task("demo: ingesting the embedded Iraq 2006-2008 data", total=None)
        files: dict[str, int] = {}

        def advance(path: str, rows: int) -> None:
            files[path] = rows
            progress.update(task, completed=sum(files.values()))

        def step(what: str) -> None:
            progress.update(task, description=what, completed=0)
            progress.columns = progress.columns[:2] + (TimeElapsedColumn(),)

        run_demo(out, console=console, as_json=as_json, progress=advance, step=step)


@app.command()
def version() -> None:
    """Print the version."""
    console.print(f"jervis {__version__}")


# Commands owned by other parts register themselves here (analysis, hawkes, text, web, report,
# dedup, screen).
for _register in (
    analysis_commands.register, hawkes_commands.register, text_commands.register, eval_commands.register,
    web_commands.register, report_commands.register, dedup_commands.register, screen_commands.register,
):  # fmt: skip
    _register(app)


def main() -> None:
    """Entry point: user errors become one line on stderr and exit code 2, no traceback."""
    import warnings

    from typer._click import exceptions as click_exceptions

    from jervis.errors import JervisWarning

    def show_warning(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
        if issubclass(category, JervisWarning):
            err_console.print(f"[yellow]warning:[/] {escape(str(message))}", highlight=False, soft_wrap=True)
        else:
            original(message, category, filename, lineno, file, line)

    original = warnings.showwarning
    warnings.showwarning = show_warning
    try:
        app(standalone_mode=False)
    except JervisError as exc:
        _fail(str(exc), 2)
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("aborted")
        raise SystemExit(130) from None
    except click_exceptions.NoArgsIsHelpError as exc:  # `jervis dyad`: the help is the answer
        exc.show()
        raise SystemExit(0) from None
    except click_exceptions.ClickException as exc:  # usage errors: unknown option, bad value...
        message = exc.format_message()
        if isinstance(exc, click_exceptions.UsageError) and exc.ctx is not None:
            message += f" (see `{exc.ctx.command_path} --help`)"
        _fail(message, 2)
    except BrokenPipeError:  # `jervis events ... | head`
        sys.stderr.close()
        raise SystemExit(0) from None
    except MemoryError:
        _fail(f"out of memory; {_memory_hint(sys.argv[1:2])}", 2)


# What to make smaller when a command runs out of memory: what that command reads or builds.
_MEMORY_HINTS = {
    "validate": "try fewer --runs or --days (with --spatial, a smaller --n-x or --n-y)",
    "ingest": "try a smaller file", "extract": "try a smaller file", "eval": "try a smaller file",
    "events": "narrow the query (--start/--end, --country, --limit)",
}  # fmt: skip


def _memory_hint(command: list[str]) -> str:
    hint = _MEMORY_HINTS.get(command[0]) if command else None
    return f"{hint} or raise the machine's limits" if hint else "raise the machine's limits"


def _short_path(path: str) -> str:
    """A stored (absolute) file path relative to the working folder when it is below it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def _excerpt(raw: str, width: int = 70) -> str:
    """The first non-empty fields of a rejected row, shortened: enough to recognise it."""
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    if isinstance(value, dict):
        parts = [f"{k}={v}" for k, v in value.items() if v not in (None, "")]
    elif isinstance(value, list):
        parts = [str(v) for v in value if v not in (None, "")]
    else:
        parts = [str(value)]
    text = " | ".join(parts)
    return text if len(text) <= width else text[: width - 1] + "…"


def _fail(message: str, code: int) -> None:
    first = message.strip().splitlines()[0] if message.strip() else "error"
    err_console.print(f"[bold red]error:[/] {escape(first)}", highlight=False, soft_wrap=True)
    raise SystemExit(code) from None
