"""The page and the chart files: one self-contained index.html, one SVG and PNG per chart.

Everything from data reaches the page through Jinja2 with autoescaping (HTML text) or as JSON
inside a ``<script type="application/json">`` block whose ``<``, ``>`` and ``&`` are escaped,
so no string from a file can close the block or open a tag. The page's own scripts are
allowed by their hashes in a Content-Security-Policy that also forbids any network request.
"""

from __future__ import annotations

import base64
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from jervis.report.base import SECTIONS, SIDE_COLORS, Figure, ReportContext
from jervis.report.charts._common import excluded_spans
from jervis.report.charts.verdict import method_rows

VENDOR_SCRIPTS = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")
VL_CONVERT_VERSION = "6.4"  # the newest Vega-Lite vl-convert-python bundles (the page runs 6.5)
CALL_WORDS = {
    "deters": "Deters: fewer actions after",
    "provokes": "Provokes: more actions after",
    "no_detectable_effect": "No detectable effect",
    "inconclusive": "Inconclusive",
}
OBSERVATIONAL = (
    "this is an association in observational data: other events can drive both sides at once, "
    "so it is not proof that one side's actions caused the other's"
)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("jervis.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _asset(name: str) -> str:
    text = resources.files("jervis.report").joinpath(name).read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise RuntimeError(f"{name} contains '</script' and cannot be inlined")
    return text


def vendor_versions() -> dict[str, str]:
    """Package -> version, from vendor/VERSIONS.txt (written by scripts/vendor_report_assets.sh)."""
    first = _asset("vendor/VERSIONS.txt").splitlines()[0]
    pairs = (p.rsplit("@", 1) for p in first.split(":", 1)[1].split())
    return {name: version for name, version in pairs}


def script_json(data: Any) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' survives unescaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _csp(scripts: list[str]) -> str:
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in scripts
    )
    # 'unsafe-eval': Vega compiles its expressions with Function(); no network of any kind.
    return (
        f"default-src 'none'; script-src {hashes} 'unsafe-eval'; style-src 'unsafe-inline'; "
        "img-src data: blob:; font-src data:; connect-src 'none'; form-action 'none'; "
        "base-uri 'none'"
    )


def _direction_view(ctx: ReportContext, item: dict[str, Any]) -> dict[str, Any]:
    key = f"{item['from']}->{item['to']}"
    effect = item.get("effect") or {}
    effect_text = None
    if effect.get("estimate") is not None:
        lo, hi = effect.get("ci95") or (None, None)
        days = effect.get("horizon_days")
        over = f" over the next {days} days" if days else ""
        interval = "" if lo is None or hi is None else f" (95% interval {lo:.2f} to {hi:.2f})"
        effect_text = f"Rate ratio {effect['estimate']:.2f}{interval}{over}"
    notes = [str(n.get("text", n)) if isinstance(n, dict) else str(n) for n in item.get("notes") or []]
    confounding = item.get("confounding") or {}
    suspected = None
    if confounding.get("suspected"):
        suspected = (
            "a common driver is suspected: the other side's actions also rose or fell before "
            "this side acted, which a response cannot explain"
        )
    reason = item.get("reason")
    if reason and reason in str(item.get("summary", "")):
        reason = None  # the summary already says it
    # notes disclose choices (lags, grid shares); the caveat is the reason or the design's limit
    caveat = reason or suspected or OBSERVATIONAL
    rows = method_rows(ctx, key)
    for row in rows:
        p = row.get("p_holm")
        row["p_text"] = "" if p is None or row["reason"] else f"{p:.3g}"
    return {
        "key_id": key.replace("->", "-"),
        "arrow": ctx.arrow(key),
        "verdict": item.get("verdict"),
        "call_words": CALL_WORDS.get(item.get("verdict"), str(item.get("verdict"))).replace(
            "actions", ctx.noun
        ),
        "effect_text": effect_text,
        "summary": item.get("summary", ""),
        "caveat": caveat,
        "agreement": item.get("agreement", "") if item.get("methods") else "no method could run",
        "robust": _robustness_text(item.get("robustness"), ctx.noun),
        "notes": notes,
        "rows": rows,
    }


def _robustness_text(robustness: dict[str, Any] | None, noun: str) -> str | None:
    """One line on the grid: how many reasonable specifications point each way."""
    if not robustness or not robustness.get("n_fitted"):
        return None
    n = int(robustness["n_fitted"])
    share = robustness.get("share") or {}
    significant = robustness.get("share_significant") or {}
    more, fewer = round((share.get("provokes") or 0) * n), round((share.get("deters") or 0) * n)
    sig = round(((significant.get("provokes") or 0) + (significant.get("deters") or 0)) * n)
    text = (
        f"of {n} other reasonable specifications, {more} point to more {noun} after, {fewer} to "
        f"fewer; {sig} {'is' if sig == 1 else 'are'} significant"
    )
    if robustness.get("holds") is False:
        text += " (the call is fragile)"
    return text


def _groups(figures: list[Figure]) -> dict[str, list[dict[str, Any]]]:
    """Figures by section, then by chart (a per-direction chart's two figures side by side)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    index: dict[tuple[str, str, str], dict[str, Any]] = {}
    for figure in figures:
        key = (figure.section, figure.title, figure.caption)
        if key not in index:
            index[key] = {"name": figure.name.split("-")[0], "title": figure.title,
                          "caption": figure.caption, "figures": []}  # fmt: skip
            groups.setdefault(figure.section, []).append(index[key])
        index[key]["figures"].append(figure)
    return groups


def render_html(
    ctx: ReportContext, figures: list[Figure], provenance: dict[str, Any], *, made: str | None = None
) -> str:
    """The whole page as one string: styles, data, scripts, nothing to fetch."""
    from jervis import __version__

    v = ctx.verdict
    scripts = [_asset(f"vendor/{name}") for name in VENDOR_SCRIPTS] + [_asset("templates/report.js")]
    drawn = {f.name: f.spec for f in figures if f.spec is not None}
    settings = sorted((k, json.dumps(val) if not isinstance(val, str) else val)
                      for k, val in (v.get("settings") or {}).items())  # fmt: skip
    period = v.get("period") or {}
    template = _environment().get_template("report.html.j2")
    return template.render(
        v=v,
        version=v.get("version") or __version__,
        labels=ctx.labels,
        colors=SIDE_COLORS,
        noun=ctx.noun,
        bin_word={"day": "Daily", "week": "Weekly", "month": "Monthly"}.get(ctx.bin, ctx.bin),
        period=f"{period.get('start', '?')} to {period.get('end', '?')}",
        directions=[_direction_view(ctx, item) for item in v.get("directions", [])],
        groups=_groups(figures),
        extra_sections=[{"key": s, "title": s.capitalize()} for s in
                        sorted({f.section for f in figures} - set(SECTIONS))],  # fmt: skip
        prov={**provenance, "excluded": excluded_spans(ctx)},
        verdict_notes=[str(n) for n in v.get("notes") or []],
        map_note=provenance.get("map_note"),
        settings=settings,
        reproduce=provenance.get("reproduce", ""),
        vendor=vendor_versions(),
        made=made or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        csp=_csp(scripts),
        # Markup: already safe inside <script> (JSON escaped above; our own vendored code).
        figures_json=Markup(script_json({"width": ctx.width, "figures": drawn})),
        scripts=[Markup(s) for s in scripts],
    )


def export_figures(
    figures: list[Figure], folder: Path, formats: tuple[str, ...] = ("svg", "png"), scale: float = 2.0
) -> list[Path]:
    """One file per drawn figure and format, rendered offline by vl-convert."""
    import vl_convert as vlc

    folder.mkdir(parents=True, exist_ok=True)

    def one(figure: Figure) -> list[Path]:
        svg = vlc.vegalite_to_svg(figure.standalone(), vl_version=VL_CONVERT_VERSION)
        written = []
        if "svg" in formats:
            written.append(folder / f"{figure.name}.svg")
            written[-1].write_text(svg, encoding="utf-8")
        if "png" in formats:  # rasterised from the same SVG: one Vega run per chart
            written.append(folder / f"{figure.name}.png")
            written[-1].write_bytes(vlc.svg_to_png(svg, scale=scale))
        return written

    drawn = [f for f in figures if f.drawn]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return [p for paths in pool.map(one, drawn) for p in paths]
