"""Two aligned count series for a dyad: what every action-reaction estimator reads.

The store returns one row per event; the estimators want, per side, how many actions (and
deaths, wounded) fall in each bin of a zero-filled calendar. Keeping that step here, once,
means every method sees exactly the same data and the verdict can report it.

Two definitions of a side's "actions" (the dyad's ``[analysis] actions``):

* ``"initiated"`` (default): the events the side initiated (its ``side`` is the actor's side).
* ``"harm"`` (Jaeger & Paserman 2008): A's actions in a bin are the deaths B suffered in it:
  ``target_killed`` of A-initiated events plus ``actor_killed`` of B-initiated events (B's
  own dead in attacks it started, e.g. in a clash). UCDP GED codes no initiator; the store
  keeps side_a as actor with event FIGHT and ``deaths_b`` as ``target_killed``, so A's harm is
  ``deaths_b`` and B's harm is ``deaths_a``, as J&P counted Palestinian and Israeli dead. An
  event with no initiator but a target side counts ``target_killed`` (else ``killed``, else
  one death: the one-row-per-death layout of B'Tselem-style files).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jervis.errors import JervisError

BINS = ("day", "week", "month")
ACTIONS = ("initiated", "harm")
SIDES = ("A", "B")
EVENT_COLUMNS = (
    "date", "time", "side", "latitude", "longitude", "killed", "wounded", "mode", "event",
)  # fmt: skip
_REQUIRED = ("date", "side")
_OPTIONAL_FLOAT = (
    "latitude", "longitude", "killed", "wounded", "actor_killed", "target_killed",
    "civilians_killed",
)  # fmt: skip


@dataclass
class DyadSeries:
    """Per-bin actions, deaths and wounded of sides A and B, plus the event rows behind them."""

    counts: pd.DataFrame  # index: DatetimeIndex of bins (zero-filled), columns "A", "B"
    killed: pd.DataFrame  # deaths caused by each side's actions per bin
    wounded: pd.DataFrame
    events: pd.DataFrame  # event-level rows (EVENT_COLUMNS), side = the acting side
    bin: str
    labels: dict[str, str]
    actions: str
    start: pd.Timestamp
    end: pd.Timestamp
    # False for bins inside a coverage gap (no data collected); all True unless asked for.
    covered: pd.Series = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.covered is None:
            self.covered = pd.Series(True, index=self.counts.index, name="covered")

    @property
    def n_bins(self) -> int:
        return len(self.counts)

    def totals(self) -> dict[str, int]:
        """Actions per side over the period (deaths when actions="harm")."""
        return {s: int(self.counts[s].sum()) for s in SIDES}

    def label(self, side: str) -> str:
        return self.labels.get(side, side)

    def segments(self) -> list[pd.DataFrame]:
        """Runs of consecutive covered bins, so a method never bridges a gap in the data."""
        covered = self.covered.to_numpy(dtype=bool)
        run_id = np.cumsum(np.r_[True, covered[1:] != covered[:-1]])
        return [self.counts.iloc[run_id == r] for r in np.unique(run_id[covered])]


def _floor(dates: pd.Series | pd.DatetimeIndex, bin: str) -> pd.DatetimeIndex:
    """The start of each date's bin: the day, the Monday of its week, or the 1st of its month."""
    idx = pd.DatetimeIndex(dates).normalize()
    if bin == "day":
        return idx
    if bin == "week":
        return idx - pd.to_timedelta(idx.dayofweek, unit="D")
    return idx.to_period("M").to_timestamp()


def _calendar(start: pd.Timestamp, end: pd.Timestamp, bin: str) -> pd.DatetimeIndex:
    first, last = _floor(pd.DatetimeIndex([start, end]), bin)
    freq = {"day": "D", "week": "W-MON", "month": "MS"}[bin]
    return pd.date_range(first, last, freq=freq, name="date")


def _check(events: pd.DataFrame, bin: str, actions: str) -> pd.DataFrame:
    if bin not in BINS:
        raise JervisError(f"bin must be one of {', '.join(BINS)}, not {bin!r}")
    if actions not in ACTIONS:
        raise JervisError(f"actions must be 'initiated' or 'harm', not {actions!r}")
    missing = [c for c in _REQUIRED if c not in events.columns]
    if missing:
        raise JervisError(f"the event frame lacks columns {missing}")
    frame = events.copy()
    frame["date"] = pd.to_datetime(frame["date"]).dt.normalize()
    for column in _OPTIONAL_FLOAT:
        frame[column] = pd.to_numeric(frame[column], errors="coerce") if column in frame else np.nan
    for column in ("time", "mode", "event", "target_side"):
        if column not in frame:
            frame[column] = None
    frame["side"] = frame["side"].where(frame["side"].isin(SIDES), None)
    frame["target_side"] = frame["target_side"].where(frame["target_side"].isin(SIDES), None)
    return frame


def _harm_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (event, harming side) with the deaths it caused the other side."""
    other = {"A": "B", "B": "A"}
    initiated = frame[frame["side"].notna()]
    # Deaths the initiator caused: target_killed, else killed when the target is the other side.
    # (killed less the initiator's own dead, when only the total is known).
    rest = (initiated["killed"] - initiated["actor_killed"].fillna(0.0)).clip(lower=0.0)
    caused = initiated["target_killed"].where(
        initiated["target_killed"].notna(),
        rest.where(initiated["target_side"] == initiated["side"].map(other)),
    )
    by_initiator = initiated.assign(side=initiated["side"], harm=caused.fillna(0.0))
    # Deaths the initiator suffered are harm done by the other side.
    by_victim = initiated.assign(
        side=initiated["side"].map(other), harm=initiated["actor_killed"].fillna(0.0)
    )
    orphan = frame[frame["side"].isna() & frame["target_side"].notna()]
    orphan_harm = orphan["target_killed"].fillna(orphan["killed"]).fillna(1.0)
    by_orphan = orphan.assign(side=orphan["target_side"].map(other), harm=orphan_harm)
    rows = pd.concat([by_initiator, by_victim, by_orphan], ignore_index=True)
    rows = rows[rows["harm"] > 0].copy()
    rows["killed"] = rows["harm"]
    rows["target_side"] = rows["side"].map(other)
    return rows.sort_values("date", kind="stable").reset_index(drop=True)


def _per_bin(
    rows: pd.DataFrame, value: str | None, calendar: pd.DatetimeIndex, bin: str
) -> pd.DataFrame:
    data = rows.assign(_bin=_floor(rows["date"], bin))
    if value is None:
        table = data.groupby(["_bin", "side"]).size().unstack("side")
    else:
        table = data.groupby(["_bin", "side"])[value].sum(min_count=1).unstack("side")
    table = table.reindex(index=calendar, columns=list(SIDES)).fillna(0.0)
    table.index.name = "date"
    table.columns.name = None
    return table


def coverage_mask(counts: pd.DataFrame, gap_bins: int | None) -> pd.Series:
    """False inside runs of >= gap_bins bins with no event on either side (data not collected)."""
    covered = pd.Series(True, index=counts.index, name="covered")
    if not gap_bins:
        return covered
    empty = (counts.sum(axis=1) == 0).to_numpy()
    run_id = np.cumsum(np.r_[True, empty[1:] != empty[:-1]])
    for r in np.unique(run_id[empty]):
        where = run_id == r
        if where.sum() >= gap_bins:
            covered.iloc[where] = False
    return covered


def build_series(
    events: pd.DataFrame,
    *,
    bin: str = "day",
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    labels: dict[str, str] | None = None,
    actions: str = "initiated",
    coverage_gap_bins: int | None = None,
) -> DyadSeries:
    """Count each side's actions per bin over a zero-filled calendar from start to end.

    ``start``/``end`` default to the first and last event date; pass the dyad's period so
    that quiet days at the edges count as zeros. ``coverage_gap_bins`` marks runs of that many
    empty bins (both sides silent) as not covered, for sources with collection gaps.
    """
    frame = _check(events, bin, actions)
    start_ts = pd.Timestamp(start) if start is not None else frame["date"].min()
    end_ts = pd.Timestamp(end) if end is not None else frame["date"].max()
    if pd.isna(start_ts) or pd.isna(end_ts):
        raise JervisError("no events to analyse: the dyad's filters leave an empty period")
    if start_ts > end_ts:
        raise JervisError(f"start {start_ts.date()} is after end {end_ts.date()}")
    frame = frame[(frame["date"] >= start_ts) & (frame["date"] <= end_ts)]
    if actions == "harm":
        rows = _harm_rows(frame)
    else:
        rows = (
            frame[frame["side"].notna()].sort_values("date", kind="stable").reset_index(drop=True)
        )
    calendar = _calendar(start_ts, end_ts, bin)
    if actions == "harm":
        counts = _per_bin(rows, "harm", calendar, bin)
    else:
        counts = _per_bin(rows, None, calendar, bin)
    killed = _per_bin(rows, "killed", calendar, bin)
    wounded = _per_bin(rows, "wounded", calendar, bin)
    extra = [c for c in ("target_side",) if c in rows]
    out_events = rows[[*EVENT_COLUMNS, *extra]].reset_index(drop=True)
    return DyadSeries(
        counts=counts.astype("int64") if actions == "initiated" else counts.round().astype("int64"),
        killed=killed,
        wounded=wounded,
        events=out_events,
        bin=bin,
        labels=dict(labels or {"A": "A", "B": "B"}),
        actions=actions,
        start=start_ts,
        end=end_ts,
        covered=coverage_mask(counts, coverage_gap_bins),
    )
