"""Spatial windows: do Y's events near X's actions rise or fall after them, compared with placebos?

For each action of X that has coordinates, Y's events within ``r`` km are counted in the ``d``
days after (t+1..t+d) and before (t-d..t-1); the action day is left out because daily dates
do not order events within a day. Windows are in days whatever the series' bin. The pooled
ratio sum(after) / sum(before) at the real actions is compared with the same ratio at *placebo
actions*: the same places, with all of X's dates shifted by one common offset s (circularly
within the period), for every s at least 3*max(d)+1 days from 0 (or ``n_placebo`` of them,
drawn with ``seed``). The common shift keeps X's spatial and temporal clustering, and the
places keep the local level of Y's activity, so under "X's timing is unrelated to Y" the
placebo ratios are draws of what the real one would be. Reported per (r, d):

* ``ratio_at_actions``, ``ratio_at_placebo`` (pooled over all placebos) and their ratio, the
  ``estimate`` (> 1: more of Y's events near X's actions after them than chance timing gives,
  i.e. provocation or attraction; < 1: fewer, deterrence or displacement away);
* an equal-tailed permutation ``p_value`` against the placebos, and ``ci95`` from inverting
  that test under a constant multiplicative effect (``event_study.placebo_test``);
* ``pre_trend``: the same comparison for the d days before vs the d days before those. > 1
  means Y was already rising where X acted (X reacting to Y, or targeting hot spots); that
  alone pulls after/before below 1. The headline cell's ``pre_trend`` and its p-value are also
  at the top of the summary, and the verdict withholds this method's call when that p < 0.05:
  both directions count the same X-Y pairs, so a real "X deters Y" reads backwards as "Y
  provokes X", and only the pre-trend tells the two apart (``jervis validate --spatial``:
  reverse false alarms 100% without the guard, 0% with it, for 4-8% of right calls);
* the same for rings between successive radii (e.g. 5-10 km): a fall close in with a rise
  further out is what displacement looks like.

Only actions whose windows t-2*max(d)..t+max(d) lie inside the period (and covered days) are
used, the same actions for every cell. The headline (``estimate`` at the top of the summary)
is fixed in advance: the middle radius and middle window, never the best cell of the grid;
``min_p_holm`` gives the grid's smallest p-value after Holm's correction. Pairs within the
largest radius come from a cKDTree on 3D unit vectors (chord distance); the sums over actions
for *all* shifts at once are a circular cross-correlation over days, computed by FFT per
place, so 4,000 air operations against 69,000 attacks (or the reverse) take seconds.
When X or Y has fewer than 10 / 1 located events the summary says ``applicable: False``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import fft, sparse
from scipy.spatial import cKDTree

from jervis.analysis.base import ALPHA, Estimator, MethodResult, NotApplicable, plain
from jervis.analysis.event_study import placebo_test
from jervis.errors import JervisError

EARTH_RADIUS_KM = 6371.0088
MIN_ACTIONS = 10
CELLS_PER_PASS = 4_000_000  # places x days per FFT pass: ~32 MB per array


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on the unit sphere: Euclidean (chord) distance is monotone in great-circle km."""
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def chord(km: float) -> float:
    return float(2.0 * np.sin(km / EARTH_RADIUS_KM / 2.0))


def _day_coverage(series: Any, n_days: int) -> np.ndarray:
    covered = getattr(series, "covered", None)
    if covered is None:
        return np.ones(n_days, bool)
    days = pd.date_range(series.start.normalize(), periods=n_days, freq="D")
    return covered.astype(bool).reindex(days, method="ffill").fillna(True).to_numpy(dtype=bool)


def _holm(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p)
    adj = np.maximum.accumulate((len(p) - np.arange(len(p))) * p[order])
    out = np.empty_like(p)
    out[order] = np.minimum(adj, 1.0)
    return out


class SpatialWindows(Estimator):
    """Y's events within r km, d days after vs before X's actions, against shifted placebos.

    The headline cell is fixed in advance: the middle radius and ``horizon_days`` (added to
    ``windows_days`` when it is not one of them).
    """

    name = "spatial"
    label = "the local (spatial) comparison"
    measure = "local_rate_ratio_after_before_vs_placebo_dates"
    null_value = 1.0

    def __init__(
        self,
        radii_km: tuple[float, ...] = (5, 10, 20),
        windows_days: tuple[int, ...] = (3, 7, 14),
        horizon_days: int = 7,
        n_placebo: int | None = None,
        seed: int | None = None,
    ):
        self.radii_km = radii_km
        self.windows_days = windows_days
        self.horizon_days = horizon_days
        self.n_placebo = n_placebo
        self.seed = seed

    def _check_params(self) -> None:
        radii = [float(r) for r in self.radii_km]
        windows = [int(d) for d in self.windows_days]
        if not radii or not windows or min(radii) <= 0 or min(windows) < 1:
            raise JervisError("radii_km and windows_days must be non-empty and positive")
        if int(self.horizon_days) < 1:
            raise JervisError(f"horizon_days must be at least 1, not {self.horizon_days}")

    @classmethod
    def vote(cls, result: MethodResult, p_adjusted: float | None) -> str | None:
        """As every method, except that a call whose own pre-trend test rejects is withheld
        ('pre_trend'): both directions count the same event pairs, and only the pre-trend tells
        a real effect from its mirror image (docs/methods.md, 7b)."""
        call = super().vote(result, p_adjusted)
        pre_p = result.details.get("pre_trend_p_value")
        if call in ("deters", "provokes") and pre_p is not None and float(pre_p) < ALPHA:
            return "pre_trend"
        return call

    def _fit(self, series: Any, x_side: str, y_side: str) -> MethodResult:
        """Count Y's events around X's real and placebo actions for every radius and window."""
        radii = sorted(float(r) for r in self.radii_km)
        windows = sorted({int(d) for d in self.windows_days} | {int(self.horizon_days)})
        self.headline_ = (radii[len(radii) // 2], int(self.horizon_days))
        ev = series.events
        has_xy = ev["latitude"].notna() & ev["longitude"].notna()
        xs, ys = ev[has_xy & (ev["side"] == x_side)], ev[has_xy & (ev["side"] == y_side)]
        self.n_actions_ = int((ev["side"] == x_side).sum())
        self.n_located_ = len(xs)
        if len(xs) < MIN_ACTIONS or len(ys) == 0:
            raise NotApplicable(
                f"{len(xs)} of {series.label(x_side)}'s actions and {len(ys)} of "
                f"{series.label(y_side)}'s events have coordinates (need {MIN_ACTIONS} and 1)",
                n_located_actions=len(xs),
            )
        start = pd.Timestamp(series.start).normalize()
        n_days = int((pd.Timestamp(series.end).normalize() - start).days) + 1
        x_day = (pd.to_datetime(xs["date"]).dt.normalize() - start).dt.days.to_numpy()
        y_day = (pd.to_datetime(ys["date"]).dt.normalize() - start).dt.days.to_numpy()
        xs, x_day = xs[(x_day >= 0) & (x_day < n_days)], x_day[(x_day >= 0) & (x_day < n_days)]
        ys, y_day = ys[(y_day >= 0) & (y_day < n_days)], y_day[(y_day >= 0) & (y_day < n_days)]
        x_loc, x_inv = np.unique(xs[["latitude", "longitude"]].to_numpy(float), axis=0,
                                 return_inverse=True)  # fmt: skip
        y_loc, y_inv = np.unique(ys[["latitude", "longitude"]].to_numpy(float), axis=0,
                                 return_inverse=True)  # fmt: skip
        x_inv, y_inv = x_inv.ravel(), y_inv.ravel()
        # Y's events per (place, day), and X places -> Y places within the largest radius
        events = sparse.csr_matrix(
            (np.ones(len(y_day)), (y_inv, y_day)), shape=(len(y_loc), n_days)
        )
        tx = cKDTree(unit_vectors(x_loc[:, 0], x_loc[:, 1]))
        ty = cKDTree(unit_vectors(y_loc[:, 0], y_loc[:, 1]))
        pairs = tx.sparse_distance_matrix(ty, chord(radii[-1]), output_type="coo_matrix")
        self.n_pairs_ = int(pairs.nnz)
        usable, shifts = self.placebo_plan(series)
        self.shifts_ = shifts
        sums = self._shifted_sums(pairs, events, x_inv, x_day, radii, windows, usable, n_days)
        self.sums_, self.usable_ = sums, usable  # sums_[r, d][k, s]: after/before/earlier
        rows = []
        for d in windows:
            n_real = int(usable[x_day].sum())
            if n_real < MIN_ACTIONS:
                continue
            inner = None
            for r in radii:
                cells = [(0.0, sums[r, d])]
                if inner is not None:
                    cells.append((inner, sums[r, d] - sums[inner, d]))
                for lo, sums_rd in cells:
                    rows.append(self._cell(sums_rd, shifts) | {
                        "n_actions": n_real, "radius_km": r, "inner_km": lo, "window_days": d,
                    })  # fmt: skip
                inner = r
        if not rows:
            raise NotApplicable(
                f"fewer than {MIN_ACTIONS} of {series.label(x_side)}'s located actions have full "
                "windows inside the period"
            )
        self.table_ = pd.DataFrame(rows)
        return self._result(radii, windows, len(ys))

    @staticmethod
    def _shifted_sums(pairs, events, x_loc, x_day, radii, windows, usable, n_days):
        """For every circular shift s: sums over X's actions of Y's counts after/before t+s.

        R(s) = sum over actions i of Y's events near place u_i on day (t_i + s) mod T is a
        circular cross-correlation over days of X's (place x day) matrix with Y's, so one FFT
        per place gives all shifts at once (s = 0 is the real statistic). Window sums are sums
        of R at neighbouring shifts; the few (action, shift) pairs whose day p = t_i + s is not
        usable (window outside the period or across a coverage gap, where the circular sum
        would wrap) are then subtracted exactly. Rings between radii are disjoint pair sets,
        summed to discs.
        """
        big_t, d_max = n_days, max(windows)
        chunk = max(1, CELLS_PER_PASS // big_t)  # places per pass
        edge = np.flatnonzero(~usable)
        chords = [chord(r) for r in radii]
        ring = np.searchsorted(chords, pairs.data, side="left")  # 0: within radii[0]
        rings = [
            sparse.csr_matrix(
                (np.ones(int((ring == k).sum())), (pairs.row[ring == k], pairs.col[ring == k])),
                shape=pairs.shape,
            )
            for k in range(len(radii))
        ]
        n_loc = pairs.shape[0]
        actions = sparse.csr_matrix((np.ones(len(x_day)), (x_loc, x_day)), shape=(n_loc, big_t))
        corr = {r: np.zeros(big_t) for r in radii}
        wrong = {(r, d): np.zeros((3, big_t)) for r in radii for d in windows}
        for lo in range(0, n_loc, chunk):
            hi = min(lo + chunk, n_loc)
            fx = np.conj(fft.rfft(actions[lo:hi].toarray(), axis=1, workers=-1))
            sel = (x_loc >= lo) & (x_loc < hi)
            u, t = x_loc[sel] - lo, x_day[sel]
            per_day = np.zeros((hi - lo, big_t))
            for r, near in zip(radii, rings, strict=True):
                per_day += (near[lo:hi] @ events).toarray()  # discs: the rings so far
                corr[r] += fft.irfft((fx * fft.rfft(per_day, axis=1, workers=-1)).sum(0), big_t)
                if not len(edge):
                    continue
                pad = 2 * d_max
                wrapped = np.concatenate([per_day[:, -pad:], per_day, per_day[:, :d_max]], 1)
                cum = np.concatenate([np.zeros((hi - lo, 1)), np.cumsum(wrapped, 1)], 1)
                shift = ((edge[None, :] - t[:, None]) % big_t).ravel()
                e = edge[None, :] + pad  # day p's column in `wrapped`
                for d in windows:
                    after = cum[u[:, None], e + d + 1] - cum[u[:, None], e + 1]
                    before = cum[u[:, None], e] - cum[u[:, None], e - d]
                    earlier = cum[u[:, None], e - d] - cum[u[:, None], e - 2 * d]
                    for k, w in enumerate((after, before, earlier)):
                        wrong[r, d][k] += np.bincount(shift, w.ravel(), minlength=big_t)
        out = {}
        for r in radii:
            for d in windows:
                after = sum(np.roll(corr[r], -k) for k in range(1, d + 1))
                before = sum(np.roll(corr[r], k) for k in range(1, d + 1))
                earlier = sum(np.roll(corr[r], k) for k in range(d + 1, 2 * d + 1))
                out[r, d] = np.round(np.stack([after, before, earlier]) - wrong[r, d], 6)
        return out

    def placebo_plan(self, series: Any) -> tuple[np.ndarray, np.ndarray]:
        """Usable days (t-2d..t+d inside the data for the longest window d, so that every cell
        is computed on the same actions) and the placebo shifts, for a series."""
        windows = sorted({int(d) for d in self.windows_days} | {int(self.horizon_days)})
        start = pd.Timestamp(series.start).normalize()
        n_days = int((pd.Timestamp(series.end).normalize() - start).days) + 1
        covered = _day_coverage(series, n_days)
        min_shift = 3 * windows[-1] + 1
        if n_days <= 2 * min_shift:
            raise NotApplicable(f"the period ({n_days} days) is too short for the windows")
        shifts = np.arange(min_shift, n_days - min_shift + 1)
        self._all_shifts = len(shifts)
        if self.n_placebo is not None and len(shifts) > int(self.n_placebo):
            rng = np.random.default_rng(self.seed)
            shifts = np.sort(rng.choice(shifts, size=int(self.n_placebo), replace=False))
        gaps = np.concatenate([[0], np.cumsum(~covered)])
        usable = self._usable(np.arange(n_days), windows[-1], n_days, gaps)
        return usable, shifts

    @staticmethod
    def _usable(day: np.ndarray, d: int, n_days: int, gaps: np.ndarray) -> np.ndarray:
        """Days whose windows t-2d..t+d lie inside the period and covered days."""
        ok = (day - 2 * d >= 0) & (day + d < n_days)
        lo, hi = np.clip(day - 2 * d, 0, n_days), np.clip(day + d + 1, 0, n_days)
        return ok & (gaps[hi] - gaps[lo] == 0)

    @staticmethod
    def _ratio_test(num: np.ndarray, den: np.ndarray, shifts: np.ndarray) -> dict[str, Any]:
        """num/den at shift 0 relative to the pooled placebo ratio, with its permutation test."""
        pa, pb = num[shifts], den[shifts]
        if num[0] <= 0 or den[0] <= 0 or pa.sum() <= 0 or pb.sum() <= 0:
            return {"real": None, "ref": None, "estimate": None, "ci95": None, "p_value": None}
        ref = float(pa.sum() / pb.sum())
        real = float(num[0] / den[0])
        with np.errstate(divide="ignore", invalid="ignore"):
            plc = (pa / pb) / ref
        plc = plc[np.isfinite(plc) & (plc > 0)]
        est = real / ref
        p, (lo, hi) = placebo_test(est, plc)
        return {
            "real": round(real, 4),
            "ref": round(ref, 4),
            "estimate": round(float(est), 4),
            "ci95": [round(lo, 4), round(hi, 4)],
            "p_value": round(p, 4),
            "n_placebo": int(len(plc)),
        }

    def _cell(self, sums: np.ndarray, shifts: np.ndarray) -> dict[str, Any]:
        """After/before at the real dates against placebos, and the same for before/earlier.

        The second ratio is a pre-trend check: > 1 means Y was already rising locally before
        X acted (X reacting to Y), which by itself pulls the after/before ratio below 1.
        """
        after, before, earlier = sums
        main = self._ratio_test(after, before, shifts)
        pre = self._ratio_test(before, earlier, shifts)
        return {
            "y_after": float(after[0]),
            "y_before": float(before[0]),
            "y_earlier": float(earlier[0]),
            "ratio_at_actions": main["real"],
            "ratio_at_placebo": main["ref"],
            "estimate": main["estimate"],
            "ci95": main["ci95"],
            "p_value": main["p_value"],
            "n_placebo": main.get("n_placebo", 0),
            "pre_trend": pre["estimate"],
            "pre_trend_p_value": pre["p_value"],
        }

    def _result(self, radii, windows, n_y) -> MethodResult:
        table = self.table_
        discs = table[table["inner_km"] == 0.0]
        r0, d0 = self.headline_
        head = discs[(discs["radius_km"] == r0) & (discs["window_days"] == d0)]
        head = head.iloc[0].to_dict() if len(head) else discs.iloc[0].to_dict()
        p_all = discs["p_value"].dropna().to_numpy(float)
        cells = [{k: plain(v) for k, v in row.items()} for row in table.to_dict("records")]
        head = {k: plain(v) for k, v in head.items()}
        if head["estimate"] is None:
            raise NotApplicable("the headline cell has no events before or after the actions")
        notes = []
        if self.n_placebo is not None and len(self.shifts_) < self._all_shifts:
            notes.append(f"{len(self.shifts_)} of {self._all_shifts} placebo shifts drawn")
        return self.result(
            estimate=head["estimate"],
            ci95=tuple(head["ci95"]),
            p_value=head["p_value"],
            horizon_days=int(head["window_days"]),
            n=int(head["n_actions"]),
            notes=notes,
            details={
                "headline": {"radius_km": float(head["radius_km"]),
                             "window_days": int(head["window_days"])},
                "pre_trend": head["pre_trend"],
                "pre_trend_p_value": head["pre_trend_p_value"],
                "min_p_holm": round(float(_holm(p_all).min()), 4) if len(p_all) else None,
                "n_located_actions": int(self.n_located_),
                "n_actions": int(self.n_actions_),
                "n_located_events": int(n_y),
                "cells": cells,
                "n_placebo": int(len(self.shifts_)),
                "seed": self.seed,
            },
        )  # fmt: skip
