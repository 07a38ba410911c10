"""Candidate pairs and their scores, as Ibis expressions: the same code on DuckDB and Spark.

Comparing every row with every other is O(n^2). Blocking keeps it near O(n log n): two rows
are only compared when they share a block key, and the keys are built so that every pair
that *could* pass the hard rules shares one:

* **fine pass** (most rows: day-precise and located within ``FINE_KM``): key = (country,
  event family, date bucket as wide as the finest tolerance, 1-degree cell). Each row is also
  filed under the neighbouring buckets and under the neighbouring cells it lies within
  ``FINE_KM`` of, so no pair within tolerance falls between two blocks.
* **coarse passes** (rows with a coarser date, no coordinates or a vague place): for each
  date tolerance T, such rows meet every row of tolerance <= T under (country, event family,
  floor(day / T)) and its neighbours.

The joins are equi-joins on the key (hash joins on both engines) over slim tables (a 64-bit
row id, the key, day and place), with the cheap hard rules (days apart, a bounding box
around the larger radius) checked inside the join, so the work grows with the rows and the
size of the blocks, not with n^2, and pairs that cannot match are never materialised. Each
candidate pair then gets both rows' fields (two joins on the row id), the remaining hard
rules (great-circle distance, modes of one family, actors not of opposing sides, two rows
of one curated source) and its score: a logistic model of the fields both rows report, how
crowded the pair's neighbourhood is and how many look-alikes its rows have (docs/scale.md).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from jervis.dedup.config import FIELDS, TERMS, DedupConfig

FINE_KM = 60.0  # rows placed more precisely than this are blocked by 1-degree cells
KM_PER_DEGREE = 111.0  # for block margins (generous)
EARTH_RADIUS_KM = 6371.0088
LOWER_KM_PER_DEGREE = 110.0  # a lower bound of a degree of latitude in km, for the join's box
TOKEN_PATTERN = r"[^a-z0-9]+"


def _lookup(column: ir.Value, table: dict, default) -> ir.Value:
    if not table:
        return ibis.literal(default)
    return ibis.cases(*((column == k, ibis.literal(v)) for k, v in table.items()), else_=ibis.literal(default))


def _share(part: ir.NumericValue, total: ir.NumericValue) -> ir.FloatingValue:
    return ibis.ifelse(total > 0, part.cast("float64") / total.cast("float64"), ibis.null("float64"))


def prepare(t: ir.Table, config: DedupConfig, row_id: ir.IntegerValue | None = None) -> ir.Table:
    """The columns the matcher compares, with each row's own tolerances and a 64-bit ``rid``
    (``row_id``: a hash of the event id on the engine, see run.py)."""
    tol = _lookup(t.date_precision, config.date_tolerance_days, -1).cast("int32")
    radius = ibis.literal(config.default_radius_km)
    for source, table in config.radius_km.items():
        radius = ibis.ifelse(
            t.source_dataset == source,
            _lookup(t.geo_precision, table, config.default_radius_km).cast("float64"),
            radius,
        )
    located = t.latitude.notnull() & t.longitude.notnull()
    # Words of four letters or more, cut to their first four ("killed", "killing" -> "kill"):
    # a crude stemmer that needs no language model and works the same on both engines.
    words = t.evidence.lower().re_split(TOKEN_PATTERN).filter(lambda w: w.length() > 3).map(lambda w: w.substr(0, 4)).unique()
    out = t.select(
        "event_id", "actor", "target", "actor_side", "target_side", "mode", "event", "killed", "wounded",
        rid=row_id if row_id is not None else t.event_id.hash(),
        src=t.source_dataset,
        country=t.country.fill_null(""),
        cls=_lookup(t.event, config.event_class(), "").fill_null(""),
        day=t.date.epoch_days().cast("int64"),
        tol=tol,
        radius=radius.fill_null(config.default_radius_km),
        lat=ibis.ifelse(located, t.latitude, ibis.null("float64")),
        lon=ibis.ifelse(located, t.longitude, ibis.null("float64")),
        mask=_lookup(t.mode, config.mode_masks(), 0).fill_null(0).cast("int64"),
        words=ibis.ifelse(t.evidence.notnull() & (t.evidence.length() > 0), words, ibis.null("array<string>")),
        loc=t.location.lower(),
        # Who died, as shares of the dead: one report's "two soldiers and a civilian".
        share_a=_share(t.actor_killed, t.killed),
        share_t=_share(t.target_killed, t.killed),
        share_c=_share(t.civilians_killed, t.killed),
    )  # fmt: skip
    out = out.filter(out.tol > 0)
    finest = min(v for v in config.date_tolerance_days.values() if v > 0)  # candidate_pairs' width
    fine = (out.tol == finest) & out.lat.notnull() & (out.radius <= FINE_KM)
    return out.mutate(fine=fine, ci=out.lat.floor().cast("int64"), cj=out.lon.floor().cast("int64"))


_KEY_COLUMNS = ("rid", "country", "cls", "day", "tol", "radius", "lat", "lon")


def _cell_neighbours(t: ir.Table) -> ir.Table:
    """Each fine row under its own cell and every neighbouring cell within FINE_KM of it."""
    margin_lat = FINE_KM / KM_PER_DEGREE
    # Longitude degrees shrink with latitude; 0.2 keeps it finite near the poles.
    margin_lon = margin_lat / (t.lat.radians().cos().abs() + 0.2)
    flat, flon = t.lat - t.lat.floor(), t.lon - t.lon.floor()
    near_i = {-1: flat < margin_lat, 0: ibis.literal(True), 1: (1 - flat) < margin_lat}
    near_j = {-1: flon < margin_lon, 0: ibis.literal(True), 1: (1 - flon) < margin_lon}
    codes = [
        ibis.ifelse(near_i[di] & near_j[dj], (di + 1) * 3 + (dj + 1), ibis.null("int64"))
        for di in (-1, 0, 1)
        for dj in (-1, 0, 1)
    ]
    t = t.mutate(nb=ibis.array(codes).unnest())  # one generator, not nine scans
    t = t.filter(t.nb.notnull())
    return t.mutate(ci=t.ci + t.nb // 3 - 1, cj=t.cj + t.nb % 3 - 1).drop("nb")


def _bucket(t: ir.Table, width: int) -> ir.IntegerValue:
    return t.day if width == 1 else (t.day / width).floor().cast("int64")


def _days_around(t: ir.Table, width: int) -> ir.Table:
    """Each row under its own date bucket and both neighbours."""
    t = t.mutate(b=_bucket(t, width), shift=ibis.array([-1, 0, 1]).unnest())
    return t.mutate(b=t.b + t.shift).drop("shift")


def _near(left: ir.Table, right: ir.Table) -> ir.BooleanValue:
    """The hard rules on date and place that the join checks itself: days apart within the
    larger tolerance, and (when both are placed) inside a box around the larger radius. The
    box is a lower bound of the great-circle distance, so no pair within it is lost."""
    max_tol = ibis.greatest(left.tol, right.tol)
    max_km = ibis.greatest(left.radius, right.radius)
    lat_km = (left.lat - right.lat).abs() * LOWER_KM_PER_DEGREE
    cos = ibis.least(left.lat.radians().cos(), right.lat.radians().cos()).clip(lower=0.0)
    lon = (left.lon - right.lon).abs()
    lon_km = ibis.least(lon, 360 - lon) * LOWER_KM_PER_DEGREE * cos
    in_box = (lat_km <= max_km) & (lon_km <= max_km)
    return ((left.day - right.day).abs() <= max_tol) & in_box.fill_null(True)


def candidate_pairs(prepared: ir.Table, tolerances: list[int]) -> ir.Table:
    """Row-id pairs (a < b) that share a block key and pass the join's hard rules, once each."""
    keys = prepared.select(*_KEY_COLUMNS, "fine", "ci", "cj")
    fine = keys.filter(keys.fine)
    width = min(t for t in tolerances if t > 0)  # the fine rows' tolerance (prepare)
    left = fine.mutate(b=_bucket(fine, width))
    right = _days_around(_cell_neighbours(fine), width)
    on = ["country", "cls", "b", "ci", "cj"]
    parts = [
        left.join(right, [left[k] == right[k] for k in on] + [left.rid < right.rid, _near(left, right)])
        .select(a=left.rid, b=right.rid)
    ]
    for tol in sorted(set(tolerances)):
        rest = keys.filter(~keys.fine & (keys.tol == tol))
        left = rest.mutate(b=_bucket(rest, tol))
        right = _days_around(keys.filter(keys.tol <= tol), tol)
        on = ["country", "cls", "b"]
        joined = left.join(right, [left[k] == right[k] for k in on] + [left.rid != right.rid, _near(left, right)])
        parts.append(joined.select(a=ibis.least(left.rid, right.rid), b=ibis.greatest(left.rid, right.rid)))
    # Coarse rows meet each other twice (either may be on the left): one row per pair.
    return ibis.union(*parts, distinct=True)


def _similarity(a: ir.StringValue, b: ir.StringValue) -> ir.FloatingValue:
    """1 - normalised edit distance between two names (1 = the same name)."""
    a, b = a.lower(), b.lower()
    longest = ibis.greatest(a.length(), b.length(), 1).cast("float64")
    return 1.0 - a.levenshtein(b).cast("float64") / longest


def _name_similarity(p: ir.Table, role: str) -> ir.FloatingValue:
    """Names compared by edit distance; two different names of the same side count as half
    agreeing (one report names the unit, another the group); null when either is unknown."""
    a, b = p[f"{role}_l"], p[f"{role}_r"]
    same_side = (p[f"{role}_side_l"] == p[f"{role}_side_r"]).fill_null(False)
    sim = ibis.greatest(_similarity(a, b), ibis.ifelse(same_side, 0.5, 0.0))
    return ibis.ifelse(a.notnull() & b.notnull(), sim, ibis.null("float64"))


def _count_similarity(a: ir.NumericValue, b: ir.NumericValue) -> ir.FloatingValue:
    a, b = a.cast("float64"), b.cast("float64")
    return 1.0 - (a - b).abs() / ibis.greatest(a, b, 1.0)


def _count_size(a: ir.NumericValue, b: ir.NumericValue) -> ir.FloatingValue:
    """How telling an agreement on a count is: log2(1 + the smaller count) - 1, times the
    counts' similarity. Zero for a toll of one, so the count's own terms weigh agreement on
    one; one more for each doubling of the toll (a toll of 30 is shared by far fewer events
    than a toll of 1, in every casualty record), below zero when one says none."""
    smaller = ibis.least(a, b).cast("float64")
    return _count_similarity(a, b) * ((smaller + 1.0).log2() - 1.0)


def _both_zero(a: ir.NumericValue, b: ir.NumericValue) -> ir.FloatingValue:
    return ibis.ifelse((a == 0) & (b == 0), 1.0, 0.0)


def _haversine_km(p: ir.Table) -> ir.FloatingValue:
    la1, la2 = p.lat_l.radians(), p.lat_r.radians()
    dla, dlo = la2 - la1, (p.lon_r - p.lon_l).radians()
    h = (dla / 2).sin() ** 2 + la1.cos() * la2.cos() * (dlo / 2).sin() ** 2
    return 2 * EARTH_RADIUS_KM * h.sqrt().clip(upper=1.0).asin()


_PAIR_COLUMNS = ("event_id", "src", "actor", "target", "actor_side", "target_side", "mode", "event",
                 "killed", "wounded", "day", "tol", "radius", "lat", "lon", "mask", "words", "loc",
                 "share_a", "share_t", "share_c")  # fmt: skip


def _with_rows(candidates: ir.Table, prepared: ir.Table) -> ir.Table:
    """Both rows' fields beside each candidate pair (``name_l`` for row a, ``name_r`` for b)."""
    cols = prepared.select("rid", *_PAIR_COLUMNS)
    left = cols.rename({f"{c}_l": c for c in ("rid", *_PAIR_COLUMNS)})
    right = cols.rename({f"{c}_r": c for c in ("rid", *_PAIR_COLUMNS)})
    p = candidates.join(left, candidates.a == left.rid_l)
    return p.join(right, p.b == right.rid_r).drop("rid_l", "rid_r")


def _hard_rules(p: ir.Table, config: DedupConfig) -> ir.BooleanValue:
    opposed = lambda a, b: a.notnull() & b.notnull() & (a != b)  # noqa: E731
    modes_clash = opposed(p.mode_l, p.mode_r) & ((p.mask_l & p.mask_r) == 0)
    curated = ibis.literal(list(config.curated) or [""], type="array<string>")
    same_curated = (p.src_l == p.src_r) & curated.contains(p.src_l)
    return (
        ~same_curated
        & (p.km.isnull() | (p.km <= p.max_radius))
        & ~modes_clash
        & ~opposed(p.actor_side_l, p.actor_side_r)
        & ~opposed(p.target_side_l, p.target_side_r)
    ).fill_null(True)


def _crowding(p: ir.Table) -> ir.Table:
    """k_l, k_r: how many pairs passing the hard rules each row has with rows of the other
    row's source (one grouped count over both orientations, joined back)."""
    both = ibis.union(
        p.select(rid=p.a, other=p.src_r), p.select(rid=p.b, other=p.src_l), distinct=False
    )
    k = both.group_by(["rid", "other"]).aggregate(k=both.count())
    p = p.join(k.rename(a="rid", src_r="other", k_l="k"), ["a", "src_r"])
    return p.join(k.rename(b="rid", src_l="other", k_r="k"), ["b", "src_l"])


def similarities(p: ir.Table) -> dict[str, ir.FloatingValue]:
    """Each field's similarity in [0, 1] (null when either row lacks the field), and the
    terms that say how crowded and how coarse the pair is."""
    both = lambda a, b, value: ibis.ifelse(a.notnull() & b.notnull(), value, ibis.null("float64"))  # noqa: E731
    words_l, words_r = p.words_l, p.words_r
    union = words_l.union(words_r).length().cast("float64")
    split = (
        (p.share_a_l - p.share_a_r).abs() + (p.share_t_l - p.share_t_r).abs() + (p.share_c_l - p.share_c_r).abs()
    )
    crowd = ibis.greatest(p.k_l, p.k_r).cast("float64").ln()
    coarse = ibis.ifelse(p.coarse, 1.0, 0.0)
    return {
        "date": 1.0 - p.dd.cast("float64") / (p.max_tol + 1).cast("float64"),
        "place": ibis.ifelse(p.km.notnull(), (1.0 - p.km / p.max_radius).clip(lower=0.0), ibis.null("float64")),
        "actor": _name_similarity(p, "actor"),
        "target": _name_similarity(p, "target"),
        "mode": both(p.mode_l, p.mode_r, ibis.ifelse(p.mode_l == p.mode_r, 1.0, 0.5)),
        "event": ibis.ifelse(p.event_l == p.event_r, 1.0, 0.0),
        "killed": both(p.killed_l, p.killed_r, _count_similarity(p.killed_l, p.killed_r)),
        "wounded": both(p.wounded_l, p.wounded_r, _count_similarity(p.wounded_l, p.wounded_r)),
        # Agreeing on a large toll says more than agreeing on a small one: look-alike events
        # of one day and place mostly share the common small tolls, rarely a large one.
        "killed_size": both(p.killed_l, p.killed_r, _count_size(p.killed_l, p.killed_r)),
        "wounded_size": both(p.wounded_l, p.wounded_r, _count_size(p.wounded_l, p.wounded_r)),
        # Both say none: a value of its own, not the bottom of the size scale (in a record of
        # fatal events, a toll of zero is rare, and two reports that agree on it share it).
        "killed_zero": both(p.killed_l, p.killed_r, _both_zero(p.killed_l, p.killed_r)),
        "wounded_zero": both(p.wounded_l, p.wounded_r, _both_zero(p.wounded_l, p.wounded_r)),
        # who died: 1 - half the L1 distance of the two shares (killed on each side, civilians)
        "split": (1.0 - split / 2).clip(lower=0.0),
        "text": ibis.ifelse(
            words_l.notnull() & words_r.notnull() & (union > 0),
            words_l.intersect(words_r).length().cast("float64") / union,
            ibis.null("float64"),
        ),
        "location": both(p.loc_l, p.loc_r, ibis.ifelse(p.loc_l == p.loc_r, 1.0, 0.0)),
        # How crowded the pair's neighbourhood is: log of the larger number of candidates
        # either row has in the other's source. Among 30 look-alikes one is at most the match;
        # with one candidate, the same agreement is far stronger evidence.
        "crowd": crowd,
        # A date coarser than a day (a week, a month, a year) meets every row of that span, so
        # its pairs start from their own log-odds and their candidate count weighs by its own
        # term: many candidates are what such a date brings, not a sign of look-alikes.
        "coarse": coarse,
        "crowd_coarse": crowd * coarse,
    }


def scored_pairs(prepared: ir.Table, candidates: ir.Table, config: DedupConfig) -> ir.Table:
    """Candidates with both rows' fields, the hard rules applied, each field's similarity
    (``s_<field>``) and the ``score``: a logistic model's probability of one event."""
    p = _with_rows(candidates, prepared)
    placed = p.lat_l.notnull() & p.lat_r.notnull()
    p = p.mutate(
        dd=(p.day_l - p.day_r).abs(),
        max_tol=ibis.greatest(p.tol_l, p.tol_r),
        max_radius=ibis.greatest(p.radius_l, p.radius_r),
        km=ibis.ifelse(placed, _haversine_km(p), ibis.null("float64")),
    )
    finest = min(v for v in config.date_tolerance_days.values() if v > 0)  # a day-precise date's
    p = p.mutate(coarse=p.max_tol > finest)
    p = _crowding(p.filter(_hard_rules(p, config)))
    p = p.mutate(**{f"s_{k}": v for k, v in similarities(p).items()})
    p = _undominated(p)
    # A logistic model: each field both rows report adds weight * similarity + present to the
    # log-odds; a field either row lacks adds nothing. Fitted on synthetic
    # re-reports of one real dataset (benchmarks/bench_dedup.py --fit), scored on another.
    logit = ibis.literal(config.bias)
    for name in FIELDS:
        weight, present = config.weights.get(name, 0.0), config.present.get(name, 0.0)
        if weight or present:
            logit = logit + (p[f"s_{name}"] * weight + present).fill_null(0.0)
    return p.mutate(score=1.0 / (1.0 + (-logit).exp()))


COMPARED = tuple(f for f in FIELDS if f not in TERMS)  # what both rows report, field by field
_AT_LEAST = 1e-9  # two similarities this close count as equal (engines' last bits differ)


def _undominated(p: ir.Table) -> ir.Table:
    """``s_rivals`` and ``s_undominated``: how many look-alikes the pair's rows have. A row's
    rivals are its other candidates in the other row's source (passing the hard rules) that
    agree with it at least as well on every compared field (a field either row lacks counts as
    the lowest agreement); ``s_rivals`` is log(1 + the larger of the two rows' counts),
    ``s_undominated`` 1 when neither row has one.

    The count of candidates (``crowd``) cannot tell a row among 30 distinct events from one
    among 30 of its own kind; a partner that no other candidate matches or beats on any field
    is more likely the one, one that several match on every field less so, however crowded the
    neighbourhood. The rivals are the rows' own candidates (one self-join of the pairs on the
    row and the other source), so a part of the data that holds every candidate of a pair's
    rows (a country; a time slice with its halo, dedup/spark.py) scores it alike."""
    cols = [f"s_{f}" for f in COMPARED]

    def side(row: ir.IntegerValue, other: ir.StringValue, partner: ir.IntegerValue) -> ir.Table:
        return p.select(pa=p.a, pb=p.b, row=row, other=other, partner=partner,
                        **{c: p[c].fill_null(-1.0) for c in cols})  # fmt: skip

    mine = ibis.union(side(p.a, p.src_r, p.b), side(p.b, p.src_l, p.a), distinct=False)
    rival = mine.view()
    on = [mine.row == rival.row, mine.other == rival.other, mine.partner != rival.partner]
    on += [rival[c] >= mine[c] - _AT_LEAST for c in cols]
    per_row = mine.join(rival, on).group_by([mine.pa, mine.pb, mine.row]).aggregate(n=ibis._.count())
    most = per_row.group_by(["pa", "pb"]).aggregate(n=per_row.n.max())
    p = p.left_join(most, [p.a == most.pa, p.b == most.pb])
    n = p.n.fill_null(0).cast("float64")
    return p.mutate(s_rivals=(n + 1.0).ln(), s_undominated=ibis.ifelse(n == 0, 1.0, 0.0)).drop("pa", "pb", "n")


def matched_pairs(prepared: ir.Table, candidates: ir.Table, config: DedupConfig) -> ir.Table:
    """Pairs scoring at least ``config.cohesion``: event ids a < b, both sources, score."""
    scored = scored_pairs(prepared, candidates, config)
    kept = scored.filter(scored.score >= config.cohesion)
    swap = kept.event_id_l > kept.event_id_r
    return kept.select(
        a=ibis.ifelse(swap, kept.event_id_r, kept.event_id_l),
        b=ibis.ifelse(swap, kept.event_id_l, kept.event_id_r),
        source_a=ibis.ifelse(swap, kept.src_r, kept.src_l),
        source_b=ibis.ifelse(swap, kept.src_l, kept.src_r),
        score=kept.score,
    )
