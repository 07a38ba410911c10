"""`jervis eval extract`: score the extractor (or the keyword baseline) on a gold set.

Presentation only: the numbers come from :func:`jervis.text.evaluate.evaluate`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from jervis.errors import JervisError

eval_app = typer.Typer(help="Score jervis against gold data.", no_args_is_help=True)
console = Console()


def register(app: typer.Typer) -> None:
    """Add the `eval` command group to the main CLI."""
    app.add_typer(eval_app, name="eval")


@eval_app.command("extract")
def extract_cmd(
    gold: Annotated[Path, typer.Option("--gold", help="Gold file: gold.json, PLOVER GSR, M2E2, RAMS, MUC-4 or a news set's gold.jsonl.")],
    kind: Annotated[str, typer.Option(help="auto, seed, plover, m2e2, rams, muc4 or news.")] = "auto",
    backend: Annotated[str, typer.Option(help="Extractor backend: spacy or rules.")] = "spacy",
    split: Annotated[Optional[str], typer.Option(help="Only this split: train, dev or test (jervis.text.splits); learn or test for a news set's parts.")] = None,  # noqa: UP045
    level: Annotated[str, typer.Option(help="event (reported events) or mention (every attack mention, as ACE-style gold marks them).")] = "event",
    unit: Annotated[Optional[str], typer.Option(help="trigger: score at the annotated triggers (RAMS, M2E2; partial annotation) instead of the corpus' own unit.")] = None,  # noqa: UP045
    bootstrap: Annotated[int, typer.Option(help="Resamples for the 95% intervals (0: none).")] = 1000,
    baseline: Annotated[
        bool, typer.Option("--baseline", help="Score the keyword baseline instead.")
    ] = False,
    limit: Annotated[int | None, typer.Option(help="Only the first N gold documents.")] = None,
    examples: Annotated[int, typer.Option(help="Misses and false alarms to list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Event detection P/R/F1, per-field accuracy and a mode confusion table."""
    from jervis.text.evaluate import evaluate

    if kind not in ("auto", "seed", "plover", "m2e2", "rams", "muc4", "news"):
        raise JervisError(
            f"unknown --kind {kind!r}; choose auto, seed, plover, m2e2, rams, muc4 or news")
    if split not in (None, "train", "dev", "test", "learn"):
        raise JervisError(f"unknown --split {split!r}; choose train, dev, test or learn")
    if level not in ("event", "mention"):
        raise JervisError(f"unknown --level {level!r}; choose event or mention")
    if backend not in ("spacy", "rules"):
        raise JervisError(f"unknown --backend {backend!r}; choose spacy or rules")
    if unit not in (None, "trigger"):
        raise JervisError(f"unknown --unit {unit!r}; the only other unit is trigger")
    if bootstrap < 0 or bootstrap > 1_000_000:
        raise JervisError(f"--bootstrap {bootstrap}: give the number of resamples for the intervals "
                          "(0 for none, at most 1,000,000)")  # fmt: skip
    if limit is not None and limit < 1:
        raise JervisError(f"--limit {limit}: give a number of gold documents, at least 1")
    if examples < 0:
        raise JervisError(f"--examples {examples}: give a number of examples, 0 or more")
    if not gold.exists():
        raise JervisError("gold file not found (--gold)", path=str(gold))
    if gold.is_dir():
        raise JervisError("is a folder; --gold needs a gold file", path=str(gold))
    extractor = None
    if level == "mention":  # the backend's mention detector: trigger classifier or surface one
        from functools import partial

        from jervis.text.extract import extract_mentions

        extractor = partial(extract_mentions, backend=backend)
        backend = "mentions" if backend == "spacy" else f"mentions ({backend})"
    if baseline:
        from jervis.text.baseline import extract_text as extractor

        backend = "keyword-baseline"
    report = evaluate(gold, kind, backend=backend, extractor=extractor, limit=limit,
                      examples=examples, split=split, bootstrap=bootstrap, unit=unit)  # fmt: skip
    summary = report.summary()
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    render(summary, console)


def _interval(value) -> str:
    return "" if not value else f"{100 * value[0]:.1f}-{100 * value[1]:.1f}%"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}%"


def render(s: dict, out: Console) -> None:
    """Rich tables for an :meth:`EvalReport.summary`."""
    if s["unit"] == "news-event":
        render_news(s, out)
        return
    head = Table(title=f"{s['kind']} gold ({s['gold']}), {s['backend']}, unit={s['unit']}",
                 title_justify="left")  # fmt: skip
    for col in (
        "docs",
        "pos",
        "neg",
        "TP",
        "FP",
        "FN",
        "prec",
        "recall",
        "F1",
        "F1 95%",
        "FP rate",
        "docs/s",
    ):
        head.add_column(col, justify="right")
    head.add_row(
        str(s["documents"]), str(s["positives"]), str(s["negatives"]), str(s["tp"]), str(s["fp"]),
        str(s["fn"]), f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}",
        _interval(s.get("f1_interval")), _pct(s["fp_rate"]), str(s["docs_per_second"] or ""),
    )  # fmt: skip
    out.print(head)
    if s["ambiguous"]:
        out.print(f"ambiguous (death only, left out): {s['ambiguous']}, "
                  f"extracted on {s['ambiguous_flagged']}")  # fmt: skip
    if s["unit"] == "record" and s["extra_events"]:
        out.print(f"extra events in detected positive records: {s['extra_events']}")
    fields = Table(title="Fields on matched events", title_justify="left")
    for col in ("field", "scored", "correct", "accuracy", "95% interval"):
        fields.add_column(col, justify="right" if col != "field" else "left")
    for name, f in s["fields"].items():
        fields.add_row(name, str(f["scored"]), str(f["correct"]), _pct(f["accuracy"]),
                       _interval(f.get("interval")))  # fmt: skip
    out.print(fields)
    for title, row in s.get("confusions", {}).items():
        top = sorted(row.items(), key=lambda kv: -kv[1])[:8]
        out.print(f"[bold]{title}[/]: " + ", ".join(f"{k} {v}" for k, v in top), highlight=False)
    confusion = s["mode_confusion"]
    if confusion:
        cols = sorted({p for row in confusion.values() for p in row})
        table = Table(title="Mode: gold (rows) x extracted (columns)", title_justify="left")
        table.add_column("gold")
        for c in cols:
            table.add_column(c, justify="right")
        for label in sorted(confusion):
            table.add_row(label, *(str(confusion[label].get(c, "")) for c in cols))
        out.print(table)
    for title, rows in (("Missed", s["misses"]), ("False alarms", s["false_alarms"])):
        if rows:
            out.print(f"[bold]{title}[/] (first {len(rows)}):")
            for r in rows:
                text = r.get("text") or r.get("evidence") or ""
                out.print(f"  {r['doc_id']}: {text[:160]}", highlight=False)


def render_news(s: dict, out: Console) -> None:
    """The news set's event-level scores and error counts (no text of the set is shown)."""
    table = Table(title=f"news gold ({s['gold']}), {s['backend']}, event level",
                  title_justify="left")  # fmt: skip
    for col in ("variant", "gold", "extracted", "found", "F1", "F1 95%", "casualties right",
                "F1 with casualties", "95%"):  # fmt: skip
        table.add_column(col, justify="right" if col != "variant" else "left")
    extra = s["extra"]
    for name in ("lenient", "strict", "without_background"):
        b = extra[name]
        table.add_row(name.replace("_", " "), str(b["gold"]), str(b["predicted"]), str(b["tp"]),
                      f"{b['f1']:.3f}", _interval(b.get("f1_interval")),
                      str(b["casualties_right"]), f"{b['f1_casualties']:.3f}",
                      _interval(b.get("f1_casualties_interval")))  # fmt: skip
    out.print(table)
    for name, n in extra["errors"].items():
        out.print(f"  {n:4d}  {name}", highlight=False)
