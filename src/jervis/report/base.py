"""The chart contract: one class per chart, from the verdict JSON and store aggregates to a spec.

A chart never computes a statistic. It reads numbers the verdict carries (``ReportContext``)
or counts the store aggregated (``jervis.report.data``) and returns a declarative Vega-Lite
spec, or raises ``NotApplicable`` with a sentence saying why it cannot be drawn: the page then
shows that sentence instead of an empty chart. Adding a chart is one module in
``jervis.report.charts`` with one ``Chart`` subclass; it registers itself.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from jervis.report.data import StoreData

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
WIDTH = 640  # design width in px; the page rescales every width to the figure's own box

# Section key -> heading, top to bottom. A chart names its section; unknown keys go last.
SECTIONS: dict[str, str] = {
    "verdict": "The verdict",
    "timeline": "Timeline",
    "evidence": "Each method's evidence",
    "map": "Map",
}

# Okabe-Ito blue and orange: told apart with every common colour-vision deficiency, and in
# greyscale (CIE lightness about 46 and 71). Side B's lines are also dashed, its points
# triangles, so print and projectors keep the two apart.
SIDE_COLORS = {"A": "#0072B2", "B": "#E69F00"}
SIDE_DASHES = {"A": [1, 0], "B": [6, 3]}
SIDE_SHAPES = {"A": "circle", "B": "triangle-up"}
NEUTRAL = "#555555"
EXCLUDED_FILL = "#9e9e9e"

# What a method's call looks like: a shape (never colour alone) and a word.
CALL_SHAPES = {
    "deters": "triangle-down",
    "provokes": "triangle-up",
    "none": "circle",
    "pre_trend": "diamond",
}
CALL_WORDS = {
    "deters": "deters (fewer after)",
    "provokes": "provokes (more after)",
    "none": "no significant change",
    "pre_trend": "already changing before (no vote)",
}

METHOD_NAMES = {
    "count_regression": "Count regression (lead)",
    "event_study": "Event study",
    "granger": "VAR / Granger",
    "episodes": "Episodes",
    "spatial": "Spatial windows",
}

CONFIG: dict[str, Any] = {
    "font": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
    "background": "white",
    "padding": 6,
    "view": {"stroke": None},
    "axis": {
        "labelFontSize": 13,
        "titleFontSize": 13,
        "titleFontWeight": "normal",
        "labelColor": "#333333",
        "titleColor": "#333333",
        "gridColor": "#e8e8e8",
        "domainColor": "#888888",
        "tickColor": "#888888",
        "labelOverlap": True,
        "labelFlush": True,
    },
    "legend": {
        "labelFontSize": 13,
        "titleFontSize": 13,
        "titleFontWeight": "normal",
        "orient": "top",
        "labelLimit": 320,
    },
    "axisY": {"minExtent": 46},
    "header": {"labelFontSize": 12, "titleFontSize": 12},
    "title": {"fontSize": 14, "fontWeight": "bold", "anchor": "start", "subtitleFontSize": 12},
    "text": {"fontSize": 13},
}


class NotApplicable(Exception):
    """Raised by a chart that cannot be drawn; the message says why, in plain words."""


@dataclass
class Figure:
    """One chart in the report: a Vega-Lite spec, or the reason it is not drawn."""

    name: str  # unique, a file stem: "event_study-A-B"
    title: str
    caption: str
    section: str
    spec: dict[str, Any] | None = None
    reason: str | None = None
    subtitle: str | None = None

    @property
    def drawn(self) -> bool:
        return self.spec is not None

    def standalone(self) -> dict[str, Any]:
        """The spec with its title, for the SVG/PNG files that travel without the page."""
        spec = dict(self.spec or {})
        title: dict[str, Any] = {"text": self.title}
        if self.subtitle:
            title["subtitle"] = self.subtitle
        spec["title"] = title
        return spec


@dataclass
class ReportContext:
    """What a chart may read: the verdict (plain JSON data), the store's aggregates, and other
    results given with it (``extras``: "hawkes" and "policies", the JSON of those commands)."""

    verdict: dict[str, Any]
    store: StoreData | None = None
    width: int = WIDTH
    extras: dict[str, Any] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def labels(self) -> dict[str, str]:
        """Side -> label, made distinct (a legend cannot tell two equal labels apart)."""
        labels = {s: str(v.get("label") or s) for s, v in self.verdict["sides"].items()}
        if labels.get("A") == labels.get("B"):
            labels = {s: f"{label} ({s})" for s, label in labels.items()}
        return labels

    def side_color(self) -> dict[str, Any]:
        """A colour scale whose domain is the sides' labels, so legends name the sides."""
        labels = self.labels
        return {"domain": [labels["A"], labels["B"]], "range": [SIDE_COLORS["A"], SIDE_COLORS["B"]]}

    @property
    def directions(self) -> list[str]:
        return [f"{d['from']}->{d['to']}" for d in self.verdict.get("directions", [])]

    def direction(self, key: str) -> dict[str, Any]:
        for item in self.verdict.get("directions", []):
            if f"{item['from']}->{item['to']}" == key:
                return item
        raise KeyError(key)

    def arrow(self, key: str) -> str:
        """'US-led coalition → insurgents' for 'A->B'."""
        x, y = key.split("->")
        return f"{self.labels[x]} → {self.labels[y]}"

    @property
    def bin(self) -> str:
        return str(self.verdict.get("bin", "day"))

    @property
    def noun(self) -> str:
        return "deaths caused" if self.verdict.get("actions") == "harm" else "actions"

    def method(self, key: str, name: str) -> dict[str, Any]:
        """One method's result for a direction, or NotApplicable saying why there is none."""
        item = self.direction(key)
        summary = (item.get("methods") or {}).get(name)
        if summary is None:
            ran = (self.verdict.get("settings") or {}).get("methods")
            if ran is not None and name not in ran:
                raise NotApplicable(f"this analysis did not ask for {METHOD_NAMES.get(name, name)}")
            reason = item.get("reason") or "the method did not run"
            raise NotApplicable(f"no method ran: {reason}")
        if summary.get("error"):
            raise NotApplicable(f"it could not run on these data: {summary['error']}")
        if summary.get("applicable") is False or summary.get("estimate") is None:
            raise NotApplicable(str(summary.get("reason") or "it found nothing to estimate"))
        return summary


def spec(ctx: ReportContext, *, height: int = 220, **body: Any) -> dict[str, Any]:
    """A Vega-Lite spec with the report's theme, design width and the given body."""
    out: dict[str, Any] = {"$schema": VEGA_LITE_SCHEMA, "config": CONFIG}
    if not any(k in body for k in ("vconcat", "hconcat", "concat", "facet")):
        out.update(width=ctx.width, height=height)
    out.update(body)
    return out


class Chart(ABC):
    """A kind of chart. Subclasses set the class attributes and implement ``build``.

    ``per_direction`` charts are built once for A->B and once for B->A. ``zoom`` charts have
    time on x and follow the timeline's brush: their x scale reads the ``zoom`` parameter.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    caption: ClassVar[str]  # one sentence a journalist understands (also in docs/report.md)
    section: ClassVar[str]
    order: ClassVar[float] = 0.0
    per_direction: ClassVar[bool] = False

    registry: ClassVar[list[type[Chart]]] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:  # a concrete chart names itself; helper bases do not
            Chart.registry.append(cls)

    @abstractmethod
    def build(self, ctx: ReportContext, key: str | None) -> dict[str, Any]:
        """The Vega-Lite spec for one key; raise NotApplicable(reason) when it cannot be drawn."""

    def keys(self, ctx: ReportContext) -> list[str | None]:
        """One figure per key: both directions, or one (None); a chart may choose others."""
        return list(ctx.directions) if self.per_direction else [None]

    def subtitle(self, ctx: ReportContext, key: str | None) -> str | None:
        return None if key is None else ctx.arrow(key)

    def figures(self, ctx: ReportContext) -> list[Figure]:
        out = []
        for key in self.keys(ctx):
            name = self.name if key is None else f"{self.name}-{key.replace('->', '-')}"
            figure = Figure(
                name=name,
                title=self.title,
                caption=self.caption,
                section=self.section,
                subtitle=self.subtitle(ctx, key),
            )
            try:
                figure.spec = self.build(ctx, key)
            except NotApplicable as exc:
                figure.reason = str(exc)
            out.append(figure)
        return out


def build_figures(ctx: ReportContext, charts: list[type[Chart]] | None = None) -> list[Figure]:
    """Every registered chart's figures, in section order then each chart's ``order``."""
    import jervis.report.charts  # noqa: F401 - importing the package registers the charts

    chosen = charts if charts is not None else Chart.registry
    rank = {s: i for i, s in enumerate(SECTIONS)}
    ordered = sorted(chosen, key=lambda c: (rank.get(c.section, len(rank)), c.order))
    return [figure for cls in ordered for figure in cls().figures(ctx)]
