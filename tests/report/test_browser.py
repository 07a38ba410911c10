"""The report as a person sees it: Debian's Chromium opens it from disk with the network
blocked, every chart is drawn, nothing is requested, nothing from data runs.

Full-page screenshots go to tests/artifacts/ (git-ignored) for a human to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jervis.report.api import report

from .conftest import EVIL_ACTORS, copy_alone
from .test_report import check_demo_files, figures_in

VIEWPORTS = {"laptop": (1366, 768), "phone": (390, 844)}
# How many drawn marks (paths, rects, symbols, lines, text) a chart needs to count as drawn.
MIN_MARKS = 8


def open_offline(browser: Any, index: Path, viewport: tuple[int, int], tz: str = "UTC") -> dict:
    """Open the page with every non-file request aborted; collect what went wrong."""
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, timezone_id=tz
    )
    seen: dict[str, list] = {"requests": [], "console": [], "errors": [], "dialogs": []}

    def route(r: Any) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            seen["requests"].append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.goto(index.as_uri())
    page.wait_for_selector("body[data-charts=ready]", state="attached", timeout=60_000)
    return {"page": page, "context": context, **seen}


def drawn_marks(page: Any) -> dict[str, int]:
    """Figure name -> number of marks in its SVG (0 when nothing was drawn)."""
    return page.eval_on_selector_all(
        "div.vega[data-figure]",
        """els => Object.fromEntries(els.map(e => [e.dataset.figure,
            e.dataset.drawn === 'true' ? e.querySelectorAll(
              'svg g[class^="mark-"] > path, svg g[class^="mark-"] > line, ' +
              'svg g[class^="mark-"] > text, svg g[class^="mark-"] > g').length : 0]))""",
    )


def axis_labels(page: Any, figure: str) -> list[str]:
    return page.eval_on_selector_all(
        f'div.vega[data-figure="{figure}"] g.role-axis-label text', "els => els.map(e => e.textContent)"
    )


def test_demo_report(demo_report, browser, artifacts, tmp_path):
    """`jervis demo` writes the report; its page, alone in a folder (as e-mailed), in a laptop
    and a phone viewport. (One test: the demo's analysis runs once.)"""
    check_demo_files(demo_report)
    index = copy_alone(demo_report / "report" / "index.html", tmp_path / "mail")
    expected = set(figures_in(index.read_text(encoding="utf-8")))
    for name, viewport in VIEWPORTS.items():
        tz = "America/Los_Angeles" if name == "laptop" else "Asia/Tokyo"
        opened = open_offline(browser, index, viewport, tz=tz)
        page = opened["page"]
        marks = drawn_marks(page)
        assert set(marks) == expected
        assert all(n >= MIN_MARKS for n in marks.values()), marks
        assert opened["requests"] == [] and opened["errors"] == [] and opened["console"] == []
        # Dates are calendar days, not shifted by the reader's time zone.
        assert axis_labels(page, "timeline")[0] == "2006"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport[0], f"the page scrolls sideways at {viewport}"
        page.screenshot(path=str(artifacts / f"report-demo-{name}.png"), full_page=True)
        if name == "laptop":
            _brush_zooms_the_timeline(page)
        opened["context"].close()


def _brush_zooms_the_timeline(page: Any, first: str = "2006") -> None:
    before = axis_labels(page, "timeline")
    chart = page.locator('div.vega[data-figure="timeline"] svg.marks')
    chart.scroll_into_view_if_needed()
    strip = chart.bounding_box()
    # The overview strip is the last row: drag across a fifth of it, near the bottom.
    y = strip["y"] + strip["height"] - 40
    x0 = strip["x"] + strip["width"] * 0.45
    page.mouse.move(x0, y)
    page.mouse.down()
    page.mouse.move(x0 + strip["width"] * 0.15, y, steps=5)
    page.mouse.up()
    page.wait_for_timeout(300)
    after = axis_labels(page, "timeline")
    assert after != before and first not in after[:3], (before, after)


def test_html_from_data_runs_nothing(evil_store, evil_verdict, browser, tmp_path, artifacts):
    """Actor names, a label and a file name that are HTML: shown as text, no script runs."""
    dyad = evil_store["dyad"]
    index = report(dyad, db=evil_store["db"], out=tmp_path / "r", verdict=evil_verdict, formats=())
    opened = open_offline(browser, index, VIEWPORTS["laptop"])
    page = opened["page"]
    assert opened["dialogs"] == [] and opened["errors"] == [] and opened["requests"] == []
    assert page.locator("img").count() == 0 and page.locator("b").count() == 0
    body = page.inner_text("body")
    for name in EVIL_ACTORS.values():
        assert name in body  # shown, as text
    # A map tooltip carries an actor name: still text.
    point = page.locator('div.vega[data-figure="map"] g.mark-symbol path').first
    point.hover(force=True)
    page.wait_for_timeout(200)
    tooltip = page.locator("#vg-tooltip-element")
    if tooltip.count():
        assert tooltip.locator("img, script").count() == 0
    assert all(n >= MIN_MARKS for n in drawn_marks(page).values())
    page.screenshot(path=str(artifacts / "report-escaping-laptop.png"), full_page=True)
    assert opened["dialogs"] == []
    opened["context"].close()


def test_brushing_the_timeline_zooms_other_time_charts(evil_store, evil_verdict, browser, tmp_path):
    """A chart with a `zoom` parameter (the contract for time charts) follows the brush."""
    from jervis.report.base import Chart, spec
    from jervis.report.charts.timeline import TimelineChart

    class DailyTotal(Chart):
        name = "daily_total"
        title = "Both sides' events per day"
        caption = "A time chart outside the timeline."
        section = "evidence"

        def build(self, ctx, key):
            rows = ctx.store.activity("day")
            rows = rows.assign(date=rows["date"].dt.strftime("%Y-%m-%d"))[["date", "events"]]
            period = ctx.verdict["period"]
            full = f"[utc({period['start'][:4]}, 0, 1), utc({period['end'][:4]}, 11, 31)]"
            return spec(
                ctx, data={"values": rows.to_dict("records")},
                params=[{"name": "zoom", "value": None}], mark={"type": "bar", "clip": True},
                encoding={"x": {"field": "date", "type": "temporal",
                                "scale": {"type": "utc", "domain": {"expr": f"zoom || {full}"}}},
                          "y": {"field": "events", "type": "quantitative", "aggregate": "sum"}},
            )  # fmt: skip

    Chart.registry.remove(DailyTotal)  # used here only, not in every report
    dyad, db = evil_store["dyad"], evil_store["db"]
    index = report(dyad, db=db, out=tmp_path / "r", verdict=evil_verdict, formats=(),
                   charts=[TimelineChart, DailyTotal])  # fmt: skip
    opened = open_offline(browser, index, VIEWPORTS["laptop"])
    page = opened["page"]
    before = axis_labels(page, "daily_total")
    _brush_zooms_the_timeline(page, first="2020")
    after = axis_labels(page, "daily_total")
    assert after != before, (before, after)
    assert opened["errors"] == [] and opened["console"] == []
    opened["context"].close()
