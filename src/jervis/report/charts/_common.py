"""Pieces several charts share: time axes, excluded spans and episodes read from the verdict."""

from __future__ import annotations

from typing import Any

from jervis.report.base import EXCLUDED_FILL, ReportContext

BIN_WORD = {"day": "day", "week": "week", "month": "month"}


def time_x(*, domain: Any = None, title: str | None = None, axis: bool = True) -> dict[str, Any]:
    """A UTC time axis (dates are calendar days, not instants in the reader's time zone)."""
    scale: dict[str, Any] = {"type": "utc"}
    if domain is not None:
        scale["domain"] = domain
    enc: dict[str, Any] = {"field": "date", "type": "temporal", "title": title, "scale": scale}
    enc["axis"] = {"labelAngle": 0, "tickCount": 8} if axis else None
    return enc


def excluded_spans(ctx: ReportContext) -> list[dict[str, Any]]:
    """Periods the analysis left out (coverage gaps, gates), as {start, end, reason}."""
    spans = (ctx.verdict.get("coverage") or {}).get("excluded") or ctx.verdict.get("excluded") or []
    out = []
    for span in spans:
        if isinstance(span, dict) and span.get("start") and span.get("end"):
            why = span.get("why") or span.get("reason") or "excluded from the analysis"
            out.append({"start": str(span["start"]), "end": str(span["end"]), "reason": str(why)})
    return out


def excluded_layer(spans: list[dict[str, Any]], domain: Any = None) -> dict[str, Any]:
    """Grey bands over the excluded periods."""
    return {
        "data": {"values": spans},
        "mark": {"type": "rect", "color": EXCLUDED_FILL, "opacity": 0.28, "clip": True},
        "encoding": {
            "x": {**time_x(domain=domain), "field": "start"},
            "x2": {"field": "end"},
            "tooltip": [
                {"field": "start", "title": "excluded from"},
                {"field": "end", "title": "to"},
                {"field": "reason", "title": "why"},
            ],
        },
    }


def episode_spans(ctx: ReportContext) -> list[dict[str, Any]]:
    """Episodes of above-usual violence the episodes method found, with who started them."""
    for key in ctx.directions:
        summary = (ctx.direction(key).get("methods") or {}).get("episodes") or {}
        details = summary.get("details") or summary
        spans = details.get("spans") or (details.get("episodes") or {}).get("spans")
        if spans:
            labels = {**ctx.labels, "both": "both sides"}
            return [
                {"start": str(s["start"]), "end": str(s["end"]),
                 "started_by": labels.get(str(s.get("started_by")), str(s.get("started_by"))),
                 "ended_by": labels.get(str(s.get("ended_by")), str(s.get("ended_by")))}
                for s in spans
            ]  # fmt: skip
    return []


def ratio_text(estimate: float | None, ci: list[float] | None) -> str:
    if estimate is None:
        return "n/a"
    if not ci or ci[0] is None or ci[1] is None:
        return f"{estimate:.2f}"
    return f"{estimate:.2f} ({ci[0]:.2f} to {ci[1]:.2f})"


def log_ratio_domain(values: list[float | None], pad: float = 0.08) -> list[float]:
    """A log-scale domain around 1 that holds every estimate and interval end, padded by a
    share of its own width (narrow intervals stay readable)."""
    import math

    finite = [float(v) for v in values if v is not None and float(v) > 0]
    lo, hi = min([1.0, *finite]), max([1.0, *finite])
    margin = max(math.log(hi / lo) * pad, 0.004)
    return [round(lo * math.exp(-margin), 5), round(hi * math.exp(margin), 5)]


_RATIO_TICKS = (  # coarse to fine: the coarsest set with three ticks on the axis is used
    (0.1, 0.2, 0.25, 0.33, 0.5, 0.67, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0, 4.0, 5.0, 10.0),
    (0.9, 0.95, 0.98, 1.0, 1.02, 1.05, 1.1),
    (0.98, 0.99, 0.995, 1.0, 1.005, 1.01, 1.02),
)


def ratio_axis(domain: list[float], most: int = 5) -> dict[str, Any]:
    """Readable ticks for a log-scale ratio axis: round ratios from the coarsest set that puts
    three on the axis, the one nearest to each of ``most`` evenly spaced points, and 1."""
    import math

    lo, hi = (math.log(v) for v in domain)
    inside: list[float] = []
    for tier in _RATIO_TICKS:
        inside = [t for t in tier if domain[0] <= t <= domain[1]]
        if len(inside) >= 3:
            break
    picked = {1.0} if domain[0] <= 1.0 <= domain[1] else set()
    for i in range(most):
        target = lo + (hi - lo) * (i + 0.5) / most
        best = min(inside, key=lambda t: abs(math.log(t) - target), default=None)
        if best is not None and abs(math.log(best) - target) < (hi - lo) / most:
            picked.add(best)
    if len(picked) < 3:  # a very narrow axis: plain evenly spaced values
        picked |= {round(math.exp(lo + (hi - lo) * i / 4), 4) for i in range(1, 4)}
    return {"values": sorted(picked), "format": ".3~g" if hi - lo > 0.02 else ".4~g"}
