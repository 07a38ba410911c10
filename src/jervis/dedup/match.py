"""Candidate pairs and their scores, as Ibis expressions: the same code on DuckDB and Spark.

Comparing every row with every other is O(n^2). Blocking keeps it near O(n log n): two rows
are only compared when they share a block key, and the keys are built so that every pair
that *could* pass the hard rules shares one:

* **fine pass** (most rows: day-precise and located within ``FINE_KM``): key = (country,
  event family, day, 1-degree cell). Each row is also filed under the neighbouring days and
  under the neighbouring cells it lies within ``FINE_KM`` of, so no pair within tolerance
  falls between two blocks.
* **coarse passes** (rows with a coarser date, no coordinates or a vague place): for each
  date tolerance T, such rows meet every row of tolerance <= T under (country, event family,
  floor(day / T)) and its neighbours.

The join is an equi-join on the key (a hash join on both engines), so the work grows with the
rows and the size of the blocks, not with n^2. Each candidate pair is then checked against
the hard rules (date within the larger tolerance, place within the larger radius, modes of
one family, actors not of opposing sides) and scored: the weighted mean similarity of the
fields both rows report (docs/scale.md).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from jervis.dedup.config import DedupConfig

FINE_KM = 60.0  # rows placed more precisely than this are blocked by 1-degree cells
KM_PER_DEGREE = 111.0
EARTH_RADIUS_KM = 6371.0088
TOKEN_PATTERN = r"[^a-z0-9]+"


def _lookup(column: ir.Value, table: dict, default) -> ir.Value:
    if not table:
        return ibis.literal(default)
    return ibis.cases(*((column == k, ibis.literal(v)) for k, v in table.items()), else_=ibis.literal(default))


def prepare(t: ir.Table, config: DedupConfig) -> ir.Table:
    """The columns the matcher compares, with each row's own tolerances."""
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
        "event_id", "source_dataset", "actor", "target", "actor_side", "target_side", "mode",
        "killed", "wounded",
        country=t.country.fill_null(""),
        cls=_lookup(t.event, config.event_class(), "").fill_null(""),
        day=t.date.epoch_days().cast("int64"),
        tol=tol,
        radius=radius.fill_null(config.default_radius_km),
        lat=t.latitude,
        lon=t.longitude,
        located=located,
        mask=_lookup(t.mode, config.mode_masks(), 0).fill_null(0).cast("int64"),
        words=ibis.ifelse(t.evidence.notnull() & (t.evidence.length() > 0), words, ibis.null("array<string>")),
        loc=t.location.lower(),
    )  # fmt: skip
    out = out.filter(out.tol > 0)
    fine = (out.tol == 1) & out.located & (out.radius <= FINE_KM)
    return out.mutate(fine=fine, ci=out.lat.floor().cast("int64"), cj=out.lon.floor().cast("int64"))


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


_PAIR_COLUMNS = ("event_id", "source_dataset", "actor", "target", "actor_side", "target_side",
                 "mode", "killed", "wounded", "day", "tol", "radius", "lat", "lon", "located",
                 "mask", "words", "loc")  # fmt: skip


def _joined(left: ir.Table, right: ir.Table, keys: list[str], extra) -> ir.Table:
    pred = [left[k] == right[k] for k in keys] + [extra(left, right)]
    joined = left.join(right, pred)
    return joined.select(
        *[left[c].name(f"{c}_l") for c in _PAIR_COLUMNS],
        *[right[c].name(f"{c}_r") for c in _PAIR_COLUMNS],
    )


def candidate_pairs(prepared: ir.Table, tolerances: list[int]) -> ir.Table:
    """Pairs that share a block key (both orders may appear; scored pairs are de-duplicated)."""
    fine = prepared.filter(prepared.fine)
    left = fine.mutate(b=fine.day)
    right = _days_around(_cell_neighbours(fine), 1)
    parts = [_joined(left, right.select(*left.columns), ["country", "cls", "b", "ci", "cj"],
                     lambda a, b: a.event_id < b.event_id)]  # fmt: skip
    for tol in sorted(set(tolerances)):
        rest = prepared.filter(~prepared.fine & (prepared.tol == tol))
        left = rest.mutate(b=_bucket(rest, tol))
        right = _days_around(prepared.filter(prepared.tol <= tol), tol)
        parts.append(_joined(left, right, ["country", "cls", "b"], lambda a, b: a.event_id != b.event_id))
    return ibis.union(*parts, distinct=False)


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


def _with_crowding(p: ir.Table) -> ir.Table:
    """Each unordered pair once (a < b), with k_l, k_r: how many candidates each of its rows
    has in the other row's source (window counts over the pairs in both orientations)."""
    names = [c[:-2] for c in p.columns if c.endswith("_l")]
    swapped = p.select(*[p[f"{n}_r"].name(f"{n}_l") for n in names], *[p[f"{n}_l"].name(f"{n}_r") for n in names])
    both = ibis.union(p.select(*swapped.columns), swapped, distinct=False)
    both = both.distinct(on=["event_id_l", "event_id_r"], keep="first")
    both = both.mutate(
        k_l=ibis._.count().over(group_by=["event_id_l", "source_dataset_r"]),
        k_r=ibis._.count().over(group_by=["event_id_r", "source_dataset_l"]),
    )
    return both.filter(both.event_id_l < both.event_id_r)


def _count_similarity(a: ir.NumericValue, b: ir.NumericValue) -> ir.FloatingValue:
    a, b = a.cast("float64"), b.cast("float64")
    return 1.0 - (a - b).abs() / ibis.greatest(a, b, 1.0)


def _haversine_km(p: ir.Table) -> ir.FloatingValue:
    la1, la2 = p.lat_l.radians(), p.lat_r.radians()
    dla, dlo = la2 - la1, (p.lon_r - p.lon_l).radians()
    h = (dla / 2).sin() ** 2 + la1.cos() * la2.cos() * (dlo / 2).sin() ** 2
    return 2 * EARTH_RADIUS_KM * h.sqrt().clip(upper=1.0).asin()


DERIVED = ("dd", "max_tol", "max_radius", "km")


def _derived(p: ir.Table) -> ir.Table:
    """Days apart, the pair's tolerances (the larger of the two rows') and km apart."""
    both_located = p.located_l & p.located_r
    return p.mutate(
        dd=(p.day_l - p.day_r).abs(),
        max_tol=ibis.greatest(p.tol_l, p.tol_r),
        max_radius=ibis.greatest(p.radius_l, p.radius_r),
        km=ibis.ifelse(both_located, _haversine_km(p), ibis.null("float64")),
    )


def scored_pairs(pairs: ir.Table, config: DedupConfig) -> ir.Table:
    """Hard rules, then each field's similarity (null when either row lacks it) and the score."""
    p = _derived(pairs)
    opposed = lambda a, b: a.notnull() & b.notnull() & (a != b)  # noqa: E731
    modes_clash = opposed(p.mode_l, p.mode_r) & ((p.mask_l & p.mask_r) == 0)
    curated = ibis.literal(list(config.curated) or [""], type="array<string>")
    same_curated = (p.source_dataset_l == p.source_dataset_r) & curated.contains(p.source_dataset_l)
    ok = (
        ~same_curated
        & (p.dd <= p.max_tol)
        & (p.km.isnull() | (p.km <= p.max_radius))
        & ~modes_clash
        & ~opposed(p.actor_side_l, p.actor_side_r)
        & ~opposed(p.target_side_l, p.target_side_r)
    ).fill_null(True)
    p = _derived(_with_crowding(p.filter(ok).drop(*DERIVED)))
    both = lambda a, b, value: ibis.ifelse(a.notnull() & b.notnull(), value, ibis.null("float64"))  # noqa: E731
    words_l, words_r = p.words_l, p.words_r
    union = words_l.union(words_r).length().cast("float64")
    sims = {
        "date": 1.0 - p.dd.cast("float64") / (p.max_tol + 1).cast("float64"),
        "place": ibis.ifelse(p.km.notnull(), (1.0 - p.km / p.max_radius).clip(lower=0.0), ibis.null("float64")),
        "actor": _name_similarity(p, "actor"),
        "target": _name_similarity(p, "target"),
        "mode": both(p.mode_l, p.mode_r, ibis.ifelse(p.mode_l == p.mode_r, 1.0, 0.5)),
        "killed": both(p.killed_l, p.killed_r, _count_similarity(p.killed_l, p.killed_r)),
        "wounded": both(p.wounded_l, p.wounded_r, _count_similarity(p.wounded_l, p.wounded_r)),
        "text": ibis.ifelse(
            words_l.notnull() & words_r.notnull() & (union > 0),
            words_l.intersect(words_r).length().cast("float64") / union,
            ibis.null("float64"),
        ),
        "location": both(p.loc_l, p.loc_r, ibis.ifelse(p.loc_l == p.loc_r, 1.0, 0.0)),
        # How crowded the pair's neighbourhood is: log of the larger number of candidates
        # either row has in the other's source. Among 30 look-alikes one is at most the match;
        # with one candidate, the same agreement is far stronger evidence.
        "crowd": ibis.greatest(p.k_l, p.k_r).cast("float64").ln(),
    }
    # A logistic model: each field both rows report adds weight * similarity + present to the
    # log-odds; a field either row lacks adds nothing. Fitted on synthetic
    # re-reports of one real dataset (benchmarks/bench_dedup.py --fit), scored on another.
    logit = ibis.literal(config.bias)
    for name, sim in sims.items():
        weight, present = config.weights.get(name, 0.0), config.present.get(name, 0.0)
        if weight or present:
            logit = logit + (sim * weight + present).fill_null(0.0)
    p = p.mutate(**{f"s_{k}": v for k, v in sims.items()})
    return p.mutate(score=1.0 / (1.0 + (-logit).exp()))


def matched_pairs(prepared: ir.Table, config: DedupConfig) -> tuple[ir.Table, ir.Table]:
    """(candidate pairs, compatible pairs) of ``prepare``d events: pairs scoring at least
    ``config.cohesion``, one row per unordered pair (a < b) with both rows' sources; links are
    those >= threshold."""
    tolerances = sorted(set(config.date_tolerance_days.values()))
    candidates = candidate_pairs(prepared, tolerances)
    scored = scored_pairs(candidates, config)
    kept = scored.filter(scored.score >= config.cohesion)
    swap = kept.event_id_l > kept.event_id_r
    kept = kept.select(
        a=ibis.ifelse(swap, kept.event_id_r, kept.event_id_l),
        b=ibis.ifelse(swap, kept.event_id_l, kept.event_id_r),
        source_a=ibis.ifelse(swap, kept.source_dataset_r, kept.source_dataset_l),
        source_b=ibis.ifelse(swap, kept.source_dataset_l, kept.source_dataset_r),
        score=kept.score,
    )
    return candidates, kept.distinct(on=["a", "b"], keep="first")
