"""CLI commands ``jervis hawkes`` and ``jervis policies``: presentation only, no logic.

``register(app)`` adds them to the main Typer app (called from jervis.cli).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

_console = Console()

DyadOption = Annotated[
    Optional[Path],  # noqa: UP045 - Typer needs Optional here
    typer.Option("--dyad", help="Dyad TOML file (docs/dyads.md)."),
]
DbOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--db", envvar="JERVIS_DB", help="DuckDB store (default ./jervis.duckdb)."),
]


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _fmt(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}g}"


def hawkes_table(data: dict[str, Any]) -> Table:
    """One row per ordered pair: events triggered (or suppressed) per event, 95% interval."""
    title = (f"{data['dyad']}: {data['model']} Hawkes, {data['link']} link, "
             f"{data['period']['start']} to {data['period']['end']}")  # fmt: skip
    table = Table(title=Text(title), title_justify="left")  # a dyad name is text, not markup
    for column in ("effect", "per event (95% CI)", "kind", "half-life, days"):
        table.add_column(column)
    halves = {(h["from"], h["to"]): h["half_life_days"] for h in data["half_life_days"]}
    for e in data["effects"]:
        lo, hi = e["ci95"]
        table.add_row(f"{e['from']} -> {e['to']}", f"{e['estimate']:+.3f} ({lo:+.3f} to {hi:+.3f})",
                      e["kind"], _fmt(halves.get((e["from"], e["to"]))))  # fmt: skip
    return table


def register(app: typer.Typer) -> None:
    """Add ``hawkes`` and ``policies`` to the jervis command."""

    @app.command()
    def hawkes(
        dyad: DyadOption = None,
        db: DbOption = None,
        model: Annotated[str, typer.Option("--model", help="continuous or discrete.")] = "discrete",
        link: Annotated[
            Optional[str],  # noqa: UP045
            typer.Option("--link", help="linear (excitation only) or log (inhibition too; discrete)."),
        ] = None,
        kernel: Annotated[str, typer.Option("--kernel", help="exp or sumexp (continuous).")] = "exp",
        family: Annotated[str, typer.Option("--family", help="nb or poisson (discrete).")] = "nb",
        validate: Annotated[
            bool, typer.Option("--validate", help="Run the recovery study instead (no dyad).")
        ] = False,
        runs: Annotated[
            int, typer.Option("--runs", max=10_000, help="With --validate: runs per truth.")
        ] = 200,
        seed: Annotated[int, typer.Option("--seed")] = 0,
        as_json: Annotated[bool, typer.Option("--json", help="Print the JSON.")] = False,
    ) -> None:
        """Self-exciting model of a dyad: who triggers (or suppresses) whose events, how fast."""
        from jervis.errors import JervisError

        if validate:
            from jervis.analysis.hawkes.validate import validate_hawkes

            report = validate_hawkes(runs=runs, seed=seed)
            _print_json(report) if as_json else _console.print_json(json.dumps(report["summary"]))
            return
        if dyad is None:
            raise JervisError("give --dyad FILE (or --validate)")
        from jervis.analysis.hawkes.api import hawkes as run

        data = run(dyad, db=db, model=model, link=link, family=family, kernel=kernel, seed=seed)
        if as_json:
            _print_json(data)
            return
        _console.print(hawkes_table(data))
        gof = data["gof"]
        _console.print(
            f"baseline per day: {', '.join(f'{k} {v:.3g}' for k, v in data['baseline'].items())}; "
            f"triggered share: {', '.join(f'{k} {v:.0%}' for k, v in data['triggered_share'].items())}; "
            f"spectral radius {data['spectral_radius']:.3f}; KS p = {_fmt(gof['ks_p_value'])}; "
            f"AIC {data['aic']:.1f}", soft_wrap=True,
        )  # fmt: skip
        for note in data["notes"]:
            _console.print(f"note: {escape(note)}", soft_wrap=True)

    @app.command()
    def policies(
        dyad: Annotated[Path, typer.Option("--dyad", help="Dyad TOML file (docs/dyads.md).")],
        db: DbOption = None,
        policy: Annotated[
            Optional[list[str]],  # noqa: UP045
            typer.Option("--policy", help="observed, never_respond, always_respond, "
                         "respond_with_probability[:p], double_response (repeatable)."),
        ] = None,
        days: Annotated[int, typer.Option("--days", help="Days to simulate ahead.")] = 30,
        responder: Annotated[str, typer.Option("--responder", help="Side whose policy: A or B.")] = "A",
        within: Annotated[int, typer.Option("--within", help="Responses fall within this many days.")] = 3,
        link: Annotated[str, typer.Option("--link", help="log (deterrence possible) or linear.")] = "log",
        paths: Annotated[int, typer.Option("--paths", help="Simulated paths per policy.")] = 1000,
        seed: Annotated[int, typer.Option("--seed")] = 0,
        as_json: Annotated[bool, typer.Option("--json", help="Print the JSON.")] = False,
    ) -> None:
        """What if one side responded differently? Expected attacks and killed per policy."""
        from jervis.analysis.hawkes.api import policies as run

        data = run(dyad, db=db, policy=policy, days=days, responder=responder,
                   within_days=within, link=link, paths=paths, seed=seed)  # fmt: skip
        if as_json:
            _print_json(data)
            return
        table = Table(title=Text(f"{data['dyad']}: next {data['days']} days, policy of {data['responder']}"),
                      title_justify="left")  # fmt: skip
        for column in ("policy", escape(f"attacks by {data['attacker']} (90%)"), "killed (90%)", "responses"):
            table.add_column(column)
        for p in data["policies"]:
            killed = "" if p["expected_killed"] is None else (
                f"{p['expected_killed']:.1f} ({p['killed_interval90'][0]:.0f}-{p['killed_interval90'][1]:.0f})")
            table.add_row(p["name"], f"{p['expected_attacks']:.1f} ({p['interval90'][0]:.0f}-"
                          f"{p['interval90'][1]:.0f})", killed, f"{p['expected_responses']:.1f}")  # fmt: skip
        _console.print(table)
        for d in data["difference"]:
            lo, hi = d["interval90"]
            _console.print(f"{d['policy']} vs {d['versus']}: {d['attacks']:+.1f} attacks "
                           f"(90% interval {lo:+.1f} to {hi:+.1f})", soft_wrap=True)  # fmt: skip
        for note in data["notes"]:
            _console.print(f"note: {escape(note)}", soft_wrap=True)
        _console.print("[bold]Assumptions:[/bold]")
        for line in data["assumptions"]:
            _console.print(f"- {escape(line)}", soft_wrap=True)
