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
