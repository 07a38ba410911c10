"""``jervis.report``: the verdict and the store's evidence as one offline HTML page.

The report computes no statistics. It renders a verdict (``jervis.analyze``'s, or a verdict
JSON file made earlier) and counts aggregated in the store, and writes
``OUT/index.html`` (self-contained: scripts, data and base map inline), ``OUT/verdict.json``
and ``OUT/charts/NAME.svg|png``.
"""

from __future__ import annotations

import json
import math
import os
import shlex
import time
from pathlib import Path
from typing import Any

from jervis.errors import JervisError
from jervis.report.base import Chart, Figure, ReportContext, build_figures
from jervis.report.data import StoreData
from jervis.report.render import export_figures, render_html


def load_verdict(verdict: Any) -> dict[str, Any]:
    """A verdict as plain data, from a Verdict, a dict, or a JSON file."""
    if verdict is None:
        raise JervisError("no verdict given")
    if hasattr(verdict, "to_dict"):
        return verdict.to_dict()
    if isinstance(verdict, dict):
        _check_shape(verdict, None)
        return verdict
    path = Path(verdict)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise JervisError("no such verdict file", path=str(path)) from None
    except IsADirectoryError:
        raise JervisError("is a folder, not a verdict JSON file", path=str(path)) from None
    except OSError as exc:
        raise JervisError(f"cannot read the verdict file ({exc.strerror or exc})", path=str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise JervisError(f"not a verdict JSON file ({exc})", path=str(path)) from None
    if not isinstance(data, dict) or not {"sides", "directions", "period"} <= set(data):
        raise JervisError(
            "not a verdict JSON file (no sides, directions or period; make one with "
            "`jervis analyze --json`)", path=str(path),
        )  # fmt: skip
    _check_shape(data, path)
    return data


def _check_shape(data: dict, path: Path | None) -> None:
    """The fields the page reads, of the kinds it reads them as: a verdict file edited by hand
    or cut short ended in a TypeError, KeyError or DateParseError after the store was read."""
    from datetime import date

    from jervis.analysis.settings import BINS

    def fail(what: str) -> None:
        raise JervisError(f"not a verdict JSON file ({what}; make one with `jervis analyze --json`)",
                          path=str(path) if path else None)  # fmt: skip

    period = data.get("period")
    if not isinstance(period, dict):
        fail(f"period is {period!r}, not {{start, end}}")
    try:
        first, last = (date.fromisoformat(str(period[k])) for k in ("start", "end"))
    except (KeyError, ValueError):
        fail(f"period {period!r} is not two dates YYYY-MM-DD")
    if first > last:
        fail(f"period starts {first} after it ends {last}")
    if data.get("bin", "day") not in BINS:
        fail(f"bin {data.get('bin')!r} is not one of {', '.join(BINS)}")
    sides = data.get("sides")
    if not isinstance(sides, dict) or not all(isinstance(sides.get(s), dict) for s in ("A", "B")):
        fail("sides must hold A and B")
    for side in ("A", "B"):  # the page prints each side's count of actions
        actions = sides[side].get("actions")
        if not isinstance(actions, int) or isinstance(actions, bool) or actions < 0:
            fail(f"sides.{side}.actions is {actions!r}, not a count")
    for key in ("settings", "coverage", "counts"):
        if data.get(key) is not None and not isinstance(data[key], dict):
            fail(f"{key} is {type(data[key]).__name__}, not an object")
    if not isinstance(data.get("notes", []), list):
        fail("notes is not a list")
    directions = data.get("directions")
    if not isinstance(directions, list) or not all(isinstance(d, dict) for d in directions):
        fail("directions must be a list of objects")
    for k, item in enumerate(directions):
        for key in ("methods", "effect", "robustness", "confounding"):
            if item.get(key) is not None and not isinstance(item[key], dict):
                fail(f"directions[{k}].{key} is {type(item[key]).__name__}, not an object")
        if not all(isinstance(m, dict) for m in (item.get("methods") or {}).values()):
            fail(f"directions[{k}].methods must map each method to an object")
        if not isinstance(item.get("notes", []), list):
            fail(f"directions[{k}].notes is not a list")
        for where, summary in [("effect", item.get("effect")),
                               *((f"methods.{m}", s) for m, s in (item.get("methods") or {}).items())]:  # fmt: skip
            problem = _numbers_problem(summary or {})
            if problem:
                fail(f"directions[{k}].{where}.{problem}")


def _is_number(value: Any) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _numbers_problem(summary: dict) -> str | None:
    """What is wrong with the numbers the page formats (estimate, interval, p-value), if anything."""
    for key in ("estimate", "p_value", "p_value_holm"):
        if not _is_number(summary.get(key)):
            return f"{key} is {summary[key]!r}, not a number"
    ci = summary.get("ci95")
    if ci is not None and not (isinstance(ci, list) and len(ci) == 2 and all(map(_is_number, ci))):
        return f"ci95 is {ci!r}, not [low, high]"
    return None


def load_result(result: Any, what: str, keys: set[str], dyad: str) -> dict[str, Any] | None:
    """The JSON of ``jervis hawkes`` or ``jervis policies`` (a dict or a file), for this dyad."""
    if result is None:
        return None
    path = None
    if not isinstance(result, dict):
        path = Path(result)
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise JervisError(f"no such {what} file", path=str(path)) from None
        except IsADirectoryError:
            raise JervisError(f"is a folder, not a {what} JSON file", path=str(path)) from None
        except OSError as exc:
            raise JervisError(f"cannot read the {what} file ({exc.strerror or exc})", path=str(path)) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise JervisError(f"not a {what} JSON file ({exc})", path=str(path)) from None
    if not isinstance(result, dict) or not keys <= set(result):
        raise JervisError(
            f"not a {what} JSON file (no {', '.join(sorted(keys))}; make one with "
            f"`jervis {what} --dyad DYAD.toml --json`)", path=str(path or ""),
        )  # fmt: skip
    for key in sorted(keys):  # the page reads each as a list of objects (was an AttributeError)
        items = result[key]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise JervisError(f"not a {what} JSON file ({key} must be a list of objects; make one "
                              f"with `jervis {what} --dyad DYAD.toml --json`)", path=str(path or ""))  # fmt: skip
        if any(i.get("path") is not None and not isinstance(i["path"], dict) for i in items):
            raise JervisError(f"not a {what} JSON file (a path of {key} is not an object)", path=str(path or ""))
    problem = _extras_problem(result)
    if problem:  # the charts read these too (were AttributeError, KeyError, ValueError tracebacks)
        raise JervisError(f"not a {what} JSON file ({problem}; make one with `jervis {what} --dyad "
                          "DYAD.toml --json`)", path=str(path or ""))  # fmt: skip
    result = _plain(json.loads(json.dumps(result, default=str)))  # numpy, dates: JSON values
    if result.get("dyad") not in (None, dyad):
        raise JervisError(f"the {what} result is for {result.get('dyad')!r}, not for this dyad "
                          f"({dyad!r})", path=str(path or ""))  # fmt: skip
    return result


def _extras_problem(result: dict) -> str | None:
    """What is wrong with the other fields of a hawkes or policies result the charts read."""
    for key in ("half_life_days", "policies", "difference", "effects"):
        items = result.get(key)
        if items is not None and (not isinstance(items, list) or not all(isinstance(i, dict) for i in items)):
            return f"{key} must be a list of objects"
    if result.get("gof") is not None and not isinstance(result["gof"], dict):
        return "gof must be an object"
    for key in ("effects", "half_life_days"):
        if any(not isinstance(i.get(side), str) for i in result.get(key) or () for side in ("from", "to")):
            return f"each of {key} needs 'from' and 'to' names"
    for item in result.get("difference") or ():
        interval = item.get("interval90")
        if interval is not None and not (isinstance(interval, list) and len(interval) == 2):
            return f"interval90 {interval!r} is not [low, high]"
    return None


def _plain(value: Any) -> Any:
    """NaN and infinite numbers as None (a bound the model could not give), so the page's
    strict JSON holds them."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _provenance(store: StoreData, dyad_path: str | None, db: str, out: str) -> dict[str, Any]:
    layer = store.map
    located = {s: f"{layer.located.get(s, 0):,} of {layer.total.get(s, 0):,}" for s in ("A", "B")}
    note = None
    missing = {s: layer.total.get(s, 0) - layer.located.get(s, 0) for s in ("A", "B")}
    if any(missing.values()):
        note = "Events without coordinates are not on the map: " + ", ".join(
            f"{n:,} of side {s}" for s, n in missing.items() if n
        ) + "."
    text = ""
    if dyad_path and Path(dyad_path).is_file():
        text = Path(dyad_path).read_text(encoding="utf-8", errors="replace")
    return {
        "sources": store.sources(),
        "ingests": store.ingests(),
        "quarantine": store.quarantine(),
        "actors": store.actors(),
        "located": located,
        "map_note": note,
        "dyad_path": dyad_path,
        "dyad_text": text,
        "reproduce": "\n".join(" ".join(shlex.quote(a) for a in line) for line in (
            ["jervis", "analyze", "--dyad", dyad_path or "DYAD.toml", "--db", db, "--json"],
            ["jervis", "report", "--dyad", dyad_path or "DYAD.toml", "--db", db,
             "--json", "VERDICT.json", "--out", out],
        )) + "\n(the analyze output is VERDICT.json; every setting it used is listed above)",
    }


_GENERATOR = b'<meta name="generator" content="jervis'  # in the head of every report page


def _out_folder(out: str | Path) -> Path:
    """The report's folder, if it can be made: not a file, below a folder (created at the end)."""
    if not isinstance(out, str | os.PathLike):  # Path(5): a TypeError from pathlib
        raise JervisError(f"out must be a folder path (str or pathlib.Path), not {out!r}")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise JervisError("is a file; --out needs a folder (a new one is created)", path=str(folder))
    page = folder / "index.html"
    if page.is_file() and _GENERATOR not in page.read_bytes()[:4096]:
        raise JervisError("holds an index.html jervis did not write; give --out a new folder or an "
                          "earlier report's (nothing was overwritten)", path=str(folder))  # fmt: skip
    parent = folder
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise JervisError(f"{parent} is a file, so --out cannot be made below it", path=str(folder))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise JervisError(f"--out cannot be made: {parent} is not writable", path=str(folder))
    return folder


def report(
    dyad: Any,
    db: str | Path | None = None,
    out: str | Path = "jervis-report",
    verdict: Any = None,
    *,
    formats: tuple[str, ...] = ("svg", "png"),
    charts: list[type[Chart]] | None = None,
    timings: dict[str, float] | None = None,
    backend: Any = None,
    hawkes: Any = None,
    policies: Any = None,
) -> Path:
    """Write the report for a dyad; returns the path of its index.html.

    ``verdict``: a Verdict, its dict, or a verdict JSON file; when None the dyad is analysed
    first (``jervis.analyze``). ``formats``: chart files to write beside the page (``()`` for
    none). ``charts``: the chart classes to draw (default: every registered one).
    ``timings`` (optional dict) receives seconds per step, for benchmarks. ``backend``: an
    Ibis backend already open on the store at ``db`` (the web app's), used for every query.
    ``hawkes``, ``policies``: the results of ``jervis.hawkes`` / ``jervis.policies`` for the
    same dyad (dicts or their JSON files), drawn in section 3 when given.
    """
    from jervis.store.dyad import load_dyad

    clock = time.perf_counter()
    steps = timings if timings is not None else {}
    formats = (formats,) if isinstance(formats, str) else tuple(formats)
    unknown = sorted(set(formats) - {"svg", "png"})
    if unknown:  # an unknown format wrote nothing for it, silently
        raise JervisError(f"chart file formats are 'svg' and 'png', not {', '.join(map(repr, unknown))}")
    loaded = load_dyad(dyad)
    folder = _out_folder(out)  # checked before the analysis, which can take minutes
    extras = {
        "hawkes": load_result(hawkes, "hawkes", {"effects"}, loaded.name),
        "policies": load_result(policies, "policies", {"policies", "difference"}, loaded.name),
    }
    if verdict is None:
        from jervis.analysis.api import analyze

        verdict = analyze(loaded, db=db)
        steps["analysis"] = time.perf_counter() - clock
        clock = time.perf_counter()
    data = load_verdict(verdict)
    if data.get("dyad") not in (None, loaded.name):
        raise JervisError(
            f"the verdict is for {data.get('dyad')!r}, not for this dyad ({loaded.name!r})",
            path=str(getattr(verdict, "name", "") or loaded.path or ""),
        )  # fmt: skip
    period = data["period"]
    store = StoreData(loaded, db, period["start"], period["end"], backend=backend)
    ctx = ReportContext(verdict=data, store=store, extras={k: v for k, v in extras.items() if v})
    figures: list[Figure] = build_figures(ctx, charts)
    provenance = _provenance(store, loaded.path, str(store.db), str(out))
    steps["figures"] = time.perf_counter() - clock
    clock = time.perf_counter()
    html = render_html(ctx, figures, provenance)
    index = folder / "index.html"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        index.write_text(html, encoding="utf-8")
        (folder / "verdict.json").write_text(
            json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        steps["html"] = time.perf_counter() - clock
        clock = time.perf_counter()
        if formats:
            export_figures(figures, folder / "charts", formats)
    except OSError as exc:  # disk full, permissions: one line
        raise JervisError(f"cannot write the report ({exc.strerror or exc})", path=str(folder)) from None
    steps["files"] = time.perf_counter() - clock
    return index
