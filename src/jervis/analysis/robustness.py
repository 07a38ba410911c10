"""Specification robustness: the lead and the VAR over a documented grid of modelling choices.

A single specification is one of many defensible ones (Simonsohn, Simmons & Nelson 2020,
"Specification curve analysis"; Steegen et al. 2016, "multiverse analysis"). The verdict
therefore also fits every method that declares a grid (``Estimator.specifications``; today the
count regression and the VAR) under each combination of

* own lags / VAR lags: chosen by AIC, by BIC, fixed at 7 days, fixed at 14 days;
* horizon: 3, 7 and 14 days (the count regression; the VAR's estimate has no horizon);
* bins: the analysis bin and its neighbour (day <-> week; month -> week),

and reports, per specification, the estimate, interval, p-value and direction, the share of
specifications pointing each way, and which ones point against the headline. Choices that
give the same model in coarser bins (3 and 7 days are both one week) count once. The verdict rule
(``verdict.decide``) calls an effect only when at least two thirds of the grid point the
headline's way and none points significantly the other way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jervis.analysis.base import ALPHA, MethodResult, bins_for, estimator_class

SHARE_NEEDED = 2 / 3
NEIGHBOUR_BIN = {"day": "week", "week": "day", "month": "week"}


def grid_bins(bin: str) -> list[str]:
    return [bin, NEIGHBOUR_BIN[bin]]


def run_grid(
    series: Any,
    direction: str,
    settings: dict[str, Any],
    methods: list[str],
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Every specification of every method with a grid, fitted on ``direction``."""
    rows, seen = [], set()
    for bin in grid_bins(series.bin):
        data = series.rebin(bin)
        for name in methods:
            cls = estimator_class(name)
            for label, overrides in cls.specifications(settings):
                key = (name, bin, *(_in_bins(k, v, bin) for k, v in sorted(overrides.items())))
                if key in seen:  # e.g. 3 and 7 days are both one week: one specification
                    continue
                seen.add(key)
                if progress:
                    progress(f"robustness: {name}, {label}, {bin} bins, {direction}")
                config = {**settings, **overrides, "lead_test": False}
                result = cls.from_settings(config).fit(data, direction=direction).result_
                rows.append(_row(name, label, bin, result))
    return rows


def _in_bins(key: str, value: Any, bin: str) -> Any:
    """A setting as the model sees it in ``bin``s (days -> whole bins), for de-duplication."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return (key, value)
    return (key, bins_for(value, bin))


def _row(method: str, label: str, bin: str, result: MethodResult) -> dict[str, Any]:
    significant = result.has_estimate and result.p_value < ALPHA
    return {
        "method": method,
        "specification": f"{label}, {bin} bins",
        "bin": bin,
        "horizon_days": result.horizon_days,
        "lags": result.details.get("own_lags", result.details.get("lags")),
        "estimate": result.estimate,
        "ci95": list(result.ci95) if result.ci95 is not None else None,
        "p_value": result.p_value,
        "direction": result.sign if result.has_estimate else None,
        "significant": bool(significant),
        "applicable": result.has_estimate,
        "reason": result.reason,
    }


def assess(rows: list[dict[str, Any]], headline: str | None) -> dict[str, Any]:
    """Shares pointing each way, the specifications against the headline, and whether the
    headline's direction holds (>= 2/3 of the grid, none significantly opposite)."""
    fitted = [r for r in rows if r["applicable"]]
    n = len(fitted)
    shares = {
        way: round(sum(r["direction"] == way for r in fitted) / n, 4) if n else None
        for way in ("provokes", "deters")
    }
    out: dict[str, Any] = {
        "specifications": rows,
        "n_fitted": n,
        "share": shares,
        "share_significant": {
            way: round(sum(r["direction"] == way and r["significant"] for r in fitted) / n, 4)
            if n else None
            for way in ("provokes", "deters")
        },  # fmt: skip
    }
    if headline in ("provokes", "deters"):
        other = "deters" if headline == "provokes" else "provokes"
        flips = [r["specification"] for r in fitted if r["direction"] != headline]
        opposite = [r["specification"] for r in fitted if r["direction"] == other and r["significant"]]
        same = shares[headline] or 0.0
        out.update(
            headline_direction=headline,
            share_same=same,
            flips=flips,
            significant_opposite=opposite,
            holds=bool(n and same >= SHARE_NEEDED and not opposite),
        )
    return out
