"""Two aligned count series for a dyad: what every action-reaction estimator reads.

The store returns one row per event; the estimators want, per side, how many actions (and
deaths, wounded) fall in each bin of a zero-filled calendar. Keeping that step here, once,
means every method sees exactly the same data and the verdict can report it.

Two definitions of a side's "actions" (the dyad's ``[analysis] actions``):

* ``"initiated"`` (default): the events the side initiated (its ``side`` is the actor's side).
  Sources that code no initiator (UCDP GED's dyads, ACLED's battles: ``event = FIGHT``) list
  one side first by convention; the series counts how many such rows each side has and the
  verdict says so (``initiator_unknown``).
* ``"harm"`` (Jaeger & Paserman 2008): A's actions in a bin are the deaths B suffered in
  events *between A and B*: ``target_killed`` of A-initiated events whose target is B (else
  ``killed`` less ``actor_killed``), plus ``actor_killed`` of B-initiated events whose target
  is A (B's own dead in a clash it started). Deaths in events with a third party (a war with
  a neighbour, protesters) are not harm between A and B and are left out (and counted in
  ``notes``). UCDP GED stores side_a as actor with event FIGHT and ``deaths_b`` as
  ``target_killed``, so A's harm is ``deaths_b`` and B's harm is ``deaths_a``, as J&P counted
  Palestinian and Israeli dead.

Calm is not missing data. Days with no event are zeros. Bins are left out of the analysis
(``covered`` False) only where the sources declare they did not collect (the periods between
their ingested files, passed as ``excluded``) or the user says so (``[analysis] exclude``, or
``coverage_gap_days`` to treat long silences as gaps); every excluded span is reported.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jervis.analysis.settings import ACTIONS, BINS
from jervis.errors import JervisError

SIDES = ("A", "B")
OTHER = {"A": "B", "B": "A"}
EVENT_COLUMNS = (
    "date", "time", "side", "latitude", "longitude", "killed", "wounded", "mode", "event",
)  # fmt: skip
_REQUIRED = ("date", "side")
_OPTIONAL_FLOAT = (
    "latitude", "longitude", "killed", "wounded", "actor_killed", "target_killed",
    "civilians_killed",
)  # fmt: skip
NO_INITIATOR_EVENTS = ("FIGHT",)


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
    # False for bins the sources did not cover (or the user excluded).
    covered: pd.Series = field(default=None)  # type: ignore[assignment]
    excluded: list[dict] = field(default_factory=list)  # spans left out, with why
    notes: list[str] = field(default_factory=list)
    incidents: dict[str, int] = field(default_factory=dict)  # distinct events per side
    unit: str = "actions"  # "deaths" when the counts are deaths
    initiator_unknown: dict[str, int] = field(default_factory=dict)  # rows with no initiator
    daily: DyadSeries | None = None  # the daily series a coarser one was built from

    def __post_init__(self) -> None:
        if self.covered is None:
            self.covered = pd.Series(True, index=self.counts.index, name="covered")
        if not self.incidents:
            self.incidents = {s: int(self.counts[s].sum()) for s in SIDES}

    @property
    def n_bins(self) -> int:
        return len(self.counts)

    def totals(self) -> dict[str, int]:
        """Actions per side over the covered bins (deaths when actions="harm")."""
        return {s: int(self.counts.loc[self.covered, s].sum()) for s in SIDES}

    def active_bins(self) -> dict[str, int]:
        """Covered bins in which each side acted."""
        return {s: int((self.counts.loc[self.covered, s] > 0).sum()) for s in SIDES}

    def label(self, side: str) -> str:
        return self.labels.get(side, side)

    def segments(self) -> list[pd.DataFrame]:
        """Runs of consecutive covered bins, so a method never bridges a gap in the data."""
        covered = self.covered.to_numpy(dtype=bool)
        run_id = np.cumsum(np.r_[True, covered[1:] != covered[:-1]])
        return [self.counts.iloc[run_id == r] for r in np.unique(run_id[covered])]

    def rebin(self, bin: str) -> DyadSeries:
        """The same data in other bins: sums of days; a bin is covered only if all its days
        are (partial bins at the edges of the period are not)."""
        if bin == self.bin:
            return self
        daily = self if self.bin == "day" else self.daily
        if daily is None:
            raise JervisError(f"cannot rebin {self.bin}s to {bin}s without the daily series")
        if bin == "day":
            return daily
        return _aggregate(daily, bin)


def floor_dates(dates: pd.Series | pd.DatetimeIndex, bin: str) -> pd.DatetimeIndex:
    """The start of each date's bin: the day, the Monday of its week, or the 1st of its month."""
    idx = pd.DatetimeIndex(dates).normalize()
    if bin == "day":
        return idx
    if bin == "week":
        return idx - pd.to_timedelta(idx.dayofweek, unit="D")
    return idx.to_period("M").to_timestamp()


def _aggregate(daily: DyadSeries, bin: str) -> DyadSeries:
    """Daily series -> week or month bins (sums), coverage = every day of the bin covered."""
    key = floor_dates(daily.counts.index, bin)

    def total(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.groupby(key).sum()
        out.index.name = "date"
        return out

    days = pd.Series(1, index=daily.counts.index).groupby(key).sum()
    covered = daily.covered.astype(int).groupby(key).sum()
    length = pd.Series(
        [_bin_days(start, bin) for start in days.index], index=days.index, dtype=int
    )
    full = (covered == length) & (days == length)
    partial = int((days < length).sum())
    notes = list(daily.notes)
    if partial:
        notes.append(
            f"{partial} {bin}(s) at the edges of the period are incomplete and left out"
        )
    full.name = "covered"
    full.index.name = "date"
    return DyadSeries(
        counts=total(daily.counts).astype("int64"),
        killed=total(daily.killed),
        wounded=total(daily.wounded),
        events=daily.events,
        bin=bin,
        labels=dict(daily.labels),
        actions=daily.actions,
        start=daily.start,
        end=daily.end,
        covered=full,
        excluded=list(daily.excluded),
        notes=notes,
        incidents=dict(daily.incidents),
        unit=daily.unit,
        initiator_unknown=dict(daily.initiator_unknown),
        daily=daily,
    )


def _bin_days(start: pd.Timestamp, bin: str) -> int:
    if bin == "week":
        return 7
    if bin == "month":
        return int(start.days_in_month)
    return 1


def _check(events: pd.DataFrame, bin: str, actions: str) -> pd.DataFrame:
    if bin not in BINS:
        raise JervisError(f"bin must be one of {', '.join(BINS)}, not {bin!r}")
    if actions not in ACTIONS:
        raise JervisError(f"actions must be 'initiated' or 'harm', not {actions!r}")
    missing = [c for c in _REQUIRED if c not in events.columns]
    if missing:
        raise JervisError(f"the event frame lacks columns {missing}")
    frame = events.copy()
    try:
        with warnings.catch_warnings():  # pandas warns "could not infer format" before it fails
            warnings.simplefilter("ignore", UserWarning)
            dates = pd.to_datetime(frame["date"])
    except (ValueError, TypeError, OverflowError):  # DateParseError, OutOfBoundsDatetime
        dates = pd.to_datetime(frame["date"], errors="coerce", format="mixed")
        bad = dates.isna().to_numpy() & frame["date"].notna().to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise JervisError(f"the event frame's row {row + 1}: date {str(frame['date'].iloc[row])[:40]!r} is not "
                              "a date (YYYY-MM-DD, between 1678 and 2261)") from None  # fmt: skip
    frame["date"] = dates.dt.normalize()
    for column in _OPTIONAL_FLOAT:
        frame[column] = pd.to_numeric(frame[column], errors="coerce") if column in frame else np.nan
    for column in ("time", "mode", "event", "target_side"):
        if column not in frame:
            frame[column] = None
    frame["side"] = frame["side"].where(frame["side"].isin(SIDES), None)
    frame["target_side"] = frame["target_side"].where(frame["target_side"].isin(SIDES), None)
    return frame


def harm_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float]]:
    """One row per (event, harming side) with the deaths it caused the other side, counting
    only events between the two sides; also the deaths left out (third parties, no initiator)."""
    initiated = frame[frame["side"].notna()]
    between = initiated[initiated["target_side"] == initiated["side"].map(OTHER)]
    # Deaths the initiator caused its target: target_killed, else killed less its own dead.
    rest = (between["killed"] - between["actor_killed"].fillna(0.0)).clip(lower=0.0)
    caused = between["target_killed"].where(between["target_killed"].notna(), rest)
    by_initiator = between.assign(harm=caused.fillna(0.0))
    # Deaths the initiator suffered in a clash with the other side are harm done by the other.
    by_victim = between.assign(
        side=between["side"].map(OTHER), harm=between["actor_killed"].fillna(0.0)
    )
    rows = pd.concat([by_initiator, by_victim], ignore_index=True)
    rows = rows[rows["harm"] > 0].copy()
    rows["killed"] = rows["harm"]
    rows["target_side"] = rows["side"].map(OTHER)
    outside = frame.drop(index=between.index)
    dead = outside["killed"].fillna(outside["target_killed"]).fillna(0.0)
    left_out = {
        "third_party": float(dead[outside["side"].notna()].sum()),
        "no_initiator": float(dead[outside["side"].isna()].sum()),
    }
    return rows.sort_values("date", kind="stable").reset_index(drop=True), left_out


def _per_bin(
    rows: pd.DataFrame, value: str | None, calendar: pd.DatetimeIndex, bin: str
) -> pd.DataFrame:
    data = rows.assign(_bin=floor_dates(rows["date"], bin))
    if value is None:
        table = data.groupby(["_bin", "side"]).size().unstack("side")
    else:
        table = data.groupby(["_bin", "side"])[value].sum(min_count=1).unstack("side")
    table = table.reindex(index=calendar, columns=list(SIDES)).fillna(0.0)
    table.index.name = "date"
    table.columns.name = None
    return table


def silent_spans(counts: pd.DataFrame, gap_bins: int) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Runs of at least ``gap_bins`` bins with no event on either side (first, last bin)."""
    if not gap_bins:
        return []
    empty = (counts.sum(axis=1) == 0).to_numpy()
    run_id = np.cumsum(np.r_[True, empty[1:] != empty[:-1]])
    spans = []
    for r in np.unique(run_id[empty]):
        where = np.flatnonzero(run_id == r)
        if len(where) >= gap_bins:
            spans.append((counts.index[where[0]], counts.index[where[-1]]))
    return spans


def _incidents(rows: pd.DataFrame) -> dict[str, int]:
    """Distinct events per side; in a one-row-per-death file, distinct dates and places."""
    out = {}
    for side in SIDES:
        own = rows[rows["side"] == side]
        if _per_death(own):
            place = [c for c in ("latitude", "longitude", "location") if c in own]
            out[side] = int(len(own.drop_duplicates(["date", *place])))
        elif "event_id" in own and own["event_id"].notna().all():
            out[side] = int(own["event_id"].nunique())
        else:
            out[side] = int(len(own))
    return out


def _per_death(rows: pd.DataFrame) -> bool:
    """True when (almost) every row records one death: the counts are deaths."""
    killed = rows["killed"]
    return bool(len(rows) >= 10 and killed.notna().mean() > 0.9 and (killed == 1).mean() > 0.9)


def build_series(
    events: pd.DataFrame,
    *,
    bin: str = "day",
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    labels: dict[str, str] | None = None,
    actions: str = "initiated",
    excluded: list[tuple | list | dict] | None = None,
    coverage_gap_days: int = 0,
) -> DyadSeries:
    """Count each side's actions per bin over a zero-filled calendar from start to end.

    ``start``/``end`` default to the first and last event date; pass the dyad's period so
    that quiet days at the edges count as zeros. ``excluded``: spans (start, end[, why]) the
    sources did not cover or the user left out. ``coverage_gap_days`` > 0 also treats runs of
    that many silent days (no event on either side) as gaps. Every left-out span is reported.
    """
    frame = _check(events, bin, actions)
    start_ts = pd.Timestamp(start) if start is not None else frame["date"].min()
    end_ts = pd.Timestamp(end) if end is not None else frame["date"].max()
    if pd.isna(start_ts) or pd.isna(end_ts):
        raise JervisError("no events to analyse: the dyad's filters leave an empty period")
    if start_ts > end_ts:
        raise JervisError(f"start {start_ts.date()} is after end {end_ts.date()}")
    frame = frame[(frame["date"] >= start_ts) & (frame["date"] <= end_ts)]
    labels = dict(labels or {"A": "A", "B": "B"})
    for side in SIDES:
        if not ((frame["side"] == side) | (frame["target_side"] == side)).any():
            raise JervisError(
                f"side {side} ({labels.get(side, side)}) has no events as actor or target in "
                f"{start_ts.date()}..{end_ts.date()}: check its actors and the dyad's filters"
            )
    notes: list[str] = []
    initiator_unknown: dict[str, int] = {}
    if actions == "harm":
        rows, left_out = harm_rows(frame)
        if left_out["third_party"]:
            notes.append(
                f"{left_out['third_party']:,.0f} deaths in events with a third party (neither "
                "side's target is the other side) are not harm between the two sides and are "
                "left out"
            )
        if left_out["no_initiator"]:
            notes.append(
                f"{left_out['no_initiator']:,.0f} deaths in events with no identified actor are "
                "left out"
            )
    else:
        rows = frame[frame["side"].notna()].sort_values("date", kind="stable")
        rows = rows.reset_index(drop=True)
        for side in SIDES:
            own = rows[rows["side"] == side]
            initiator_unknown[side] = int(own["event"].isin(NO_INITIATOR_EVENTS).sum())
    unit = "deaths" if actions == "harm" or _per_death(rows) else "actions"
    if actions == "initiated" and unit == "deaths":
        notes.append("each event row records one death, so the counts are deaths")
    calendar = _calendar(start_ts, end_ts)
    counts = _per_bin(rows, "harm" if actions == "harm" else None, calendar, "day")
    killed = _per_bin(rows, "killed", calendar, "day")
    wounded = _per_bin(rows, "wounded", calendar, "day")
    covered, spans = _coverage(counts, start_ts, end_ts, excluded, coverage_gap_days)
    for span in spans:
        when = (f"{span['start']} (1 day)" if span["days"] == 1
                else f"{span['start']} to {span['end']} ({span['days']} days)")  # fmt: skip
        notes.append(f"{when} left out: {span['why']}")
    extra = [c for c in ("target_side", "event_id", "location") if c in rows]
    daily = DyadSeries(
        counts=counts.round().astype("int64"),
        killed=killed,
        wounded=wounded,
        events=rows[[*EVENT_COLUMNS, *extra]].reset_index(drop=True),
        bin="day",
        labels=labels,
        actions=actions,
        start=start_ts,
        end=end_ts,
        covered=covered,
        excluded=spans,
        notes=notes,
        incidents=_incidents(rows),
        unit=unit,
        initiator_unknown=initiator_unknown,
    )
    return daily.rebin(bin)


def _calendar(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    return pd.date_range(start.normalize(), end.normalize(), freq="D", name="date")


def _coverage(
    counts: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    excluded: list | None,
    gap_days: int,
) -> tuple[pd.Series, list[dict]]:
    """Covered days and the spans left out (declared, set by the user, or long silences)."""
    covered = pd.Series(True, index=counts.index, name="covered")
    spans: list[dict] = []
    for item in excluded or []:
        if isinstance(item, dict):
            lo, hi, why = item["start"], item["end"], item.get("why", "excluded")
        else:
            lo, hi, *rest = item
            why = rest[0] if rest else "excluded in the analysis settings"
        lo, hi = max(pd.Timestamp(lo), start), min(pd.Timestamp(hi), end)
        if lo > hi:
            continue
        covered.loc[lo:hi] = False
        spans.append({"start": str(lo.date()), "end": str(hi.date()),
                      "days": int((hi - lo).days) + 1, "why": why})  # fmt: skip
    for lo, hi in silent_spans(counts, gap_days):
        if not covered.loc[lo:hi].any():
            continue
        covered.loc[lo:hi] = False
        spans.append({"start": str(lo.date()), "end": str(hi.date()),
                      "days": int((hi - lo).days) + 1,
                      "why": f"no event on either side for {gap_days}+ days "
                             "(coverage_gap_days)"})  # fmt: skip
    spans.sort(key=lambda s: s["start"])
    return covered, spans
