"""`jervis report` end to end: every example dyad, the demo, escaping, user errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import jervis
from jervis.errors import JervisError
from jervis.report.api import report

from .conftest import EVIL_ACTORS, EVIL_FILE, EVIL_LABEL, EXAMPLES

FIXTURES = Path(__file__).parents[1] / "fixtures"


def figures_in(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="jervis-figures">(.*?)</script>', html, re.S)
    assert block, "the page carries its chart specs"
    return json.loads(block.group(1))["figures"]


def not_drawn(html: str) -> list[str]:
    return re.findall(r'<div class="na"><strong>Not drawn.</strong> (.*?)</div>', html, re.S)


def check_demo_files(demo_report: Path) -> None:
    """What `jervis demo` wrote: the page under 5 MB, every chart drawn and saved as files."""
    index = demo_report / "report" / "index.html"
    html = index.read_text(encoding="utf-8")
    assert index.stat().st_size < 5_000_000
    figures = figures_in(html)
    # Every chart of the demo is drawn: the verdict's grid and per-lag ratios, the Hawkes fit
    # and the response policies that `jervis demo` computes included.
    assert not_drawn(html) == []
    expected = {"timeline", "methods-A-B", "methods-B-A", "robustness-A-B", "robustness-B-A",
                "count_regression-A-B", "count_regression-B-A", "event_study-A-B", "granger-B-A",
                "episodes", "spatial-A-B", "spatial-B-A", "hawkes", "policies", "map-A", "map-B"}  # fmt: skip
    assert expected <= set(figures)
    for name in figures:
        for suffix in ("svg", "png"):
            path = demo_report / "report" / "charts" / f"{name}.{suffix}"
            assert path.stat().st_size > 2000, path
    assert (demo_report / "report" / "charts" / "timeline.svg").read_text().startswith("<svg")
    # Aggregated in the store: the map holds grid cells, not 112,313 points.
    cells = sum(len(layer["data"]["values"]) for name in ("map-A", "map-B")
                for layer in figures[name]["layer"] if "values" in layer.get("data", {}))  # fmt: skip
    assert 100 < cells < 10_000
    # Provenance: the licence, the dyad file, the settings and the version are on the page.
    for text in ("MIT, (c) 2023 the geocausal authors", "[sides.A]", "horizon_days",
                 f"jervis {jervis.__version__}", "airstrikes.parquet"):  # fmt: skip
        assert text in html, text


def test_every_example_dyad_and_escaping(evil_store, evil_verdict, tmp_path):
    """examples/ab-dyad.toml and a copy with an HTML label, on a store whose names are HTML."""
    plain = jervis.analyze(EXAMPLES / "ab-dyad.toml", db=evil_store["db"], n_placebo=199)
    for dyad, verdict in ((EXAMPLES / "ab-dyad.toml", plain), (evil_store["dyad"], evil_verdict)):
        out = tmp_path / dyad.stem
        index = report(dyad, db=evil_store["db"], out=out, verdict=verdict, formats=())
        html = index.read_text(encoding="utf-8")
        figures = figures_in(html)
        assert {"timeline", "map", "methods-A-B", "event_study-A-B", "spatial-B-A"} <= set(figures)
        # No tag from data reaches the page: every name is escaped text.
        for name in (*EVIL_ACTORS.values(), EVIL_FILE, EVIL_LABEL):
            assert name not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the actor, in the sides table
        assert "&lt;img src=x onerror=alert(3)&gt;.csv" in html  # the file, in provenance
        assert html.count("<script") == 4 + 1  # three vendored, ours, and the JSON block
        block = re.search(r'id="jervis-figures">(.*?)</script>', html, re.S).group(1)
        assert "<" not in block and ">" not in block
    assert "&lt;b&gt;Side A&lt;/b&gt; &amp; &#34;co&#34;" in html


def test_the_20_event_timeline_says_why_instead_of_drawing(tmp_path):
    """Too few events for a verdict: the timeline is drawn, each method says why it is not."""
    db = tmp_path / "j.duckdb"
    jervis.ingest(FIXTURES / "iraq-2019-2021" / "events.csv", db=db,
                  mapping=EXAMPLES / "iraq-2019-2021.mapping.toml")  # fmt: skip
    index = report(EXAMPLES / "us-iraqi-militias.toml", db=db, out=tmp_path / "r", formats=("svg",))
    html = index.read_text(encoding="utf-8")
    figures = figures_in(html)
    assert "timeline" in figures and (tmp_path / "r" / "charts" / "timeline.svg").exists()
    reasons = not_drawn(html)
    gate = "at least 30 separate events on at least 30 different days per side are needed"
    per_direction = ("methods", "event_study", "granger", "spatial")
    assert sum(gate in r for r in reasons) >= 2 * len(per_direction)
    assert any("no event has coordinates" in r for r in reasons)  # the map
    assert "Inconclusive" in html and "US-led coalition: 5 events on 5 days" in html


def test_verdict_file_and_user_errors(evil_store, tmp_path):
    dyad, db = EXAMPLES / "ab-dyad.toml", evil_store["db"]
    verdict = jervis.analyze(dyad, db=db, methods=["count_regression"])
    (tmp_path / "v.json").write_text(verdict.to_json())
    index = report(dyad, db=db, out=tmp_path / "r", verdict=tmp_path / "v.json", formats=())
    assert json.loads((tmp_path / "r" / "verdict.json").read_text())["dyad"] == verdict.dyad
    # Methods the analysis did not ask for say so instead of drawing nothing.
    assert "this analysis did not ask for Event study" in index.read_text()
    # A backend already open on the store (the web app's) draws the same figures.
    from jervis.store.db import ibis_backend

    shared = report(dyad, db=db, out=tmp_path / "b", verdict=verdict, formats=(),
                    backend=ibis_backend(db))  # fmt: skip
    assert figures_in(shared.read_text()) == figures_in(index.read_text())
    other = json.loads(verdict.to_json()) | {"dyad": "another dyad"}
    with pytest.raises(JervisError, match="the verdict is for 'another dyad'"):
        report(dyad, db=db, out=tmp_path / "x", verdict=other, formats=())
    with pytest.raises(JervisError, match="the hawkes result is for 'another dyad'"):
        report(dyad, db=db, out=tmp_path / "x", verdict=verdict, hawkes={"dyad": "another dyad",
               "effects": []}, formats=())  # fmt: skip
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(JervisError, match="bad.json: not a verdict JSON file"):
        report(dyad, db=db, out=tmp_path / "x", verdict=tmp_path / "bad.json", formats=())
    # The command: a user error is one line and exit 2; a verdict file gives a page.
    result = subprocess.run(
        [sys.executable, "-m", "jervis", "report", "--dyad", str(dyad), "--db", str(db),
         "--json", str(tmp_path / "none.json"), "--out", str(tmp_path / "cli")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no such verdict file" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    from typer.testing import CliRunner

    from jervis.cli import app

    out = CliRunner().invoke(app, [
        "report", "--dyad", str(dyad), "--db", str(db), "--json", str(tmp_path / "v.json"),
        "--out", str(tmp_path / "cli"), "--no-chart-files",
    ])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "report written to" in out.stdout and (tmp_path / "cli" / "index.html").exists()
    assert not (tmp_path / "cli" / "charts").exists()


def test_public_api_is_callable_and_charts_are_public():
    import jervis.report.charts as charts

    assert callable(jervis.report) and callable(charts.event_timeline) and callable(charts.event_map)
    assert "report" in jervis.__all__
