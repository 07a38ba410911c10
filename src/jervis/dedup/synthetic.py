"""Known duplicates from real data: re-report events with noise, then score a de-duplication.

Not a runtime path: the benchmark (benchmarks/bench_dedup.py) and the tests use it. A share of
the real events is re-reported once or twice by invented sources (``rereport1``, ...), each
copy with the noise a second reporter brings:

* date: the same day, or a day off (a week-precise date up to 3 days off, a month up to 10);
* place: geocoded by the re-reporter's own gazetteer: each place it names sits up to 10 km
  from where the original put it, the same offset for every event there (one gazetteer,
  one point per place name); the place name sometimes lower-cased or missing, or only the
  province named (and then no point: a province is not a place); coordinates sometimes
  missing;
* counts: deaths and wounded scaled by 0.75-1.25 and rounded, or unknown; who died (the
  deaths on each side and among civilians) scaled with the total, or unknown;
* actor and target names: another alias from the actor dictionary, a typo or a case change,
  then normalised as the ingest would;
* mode sometimes unknown, FIGHT sometimes coded ASSAULT, and the evidence a different
  selection of the words of the original (or none).

``truth`` holds the original's event_id: rows with the same truth report one event.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jervis.store.actors import ActorDictionary
from jervis.store.schema import COLUMNS

EARTH_KM_PER_DEGREE = 111.0


def _name_variant(name: str | None, dictionary: ActorDictionary, rng: np.random.Generator) -> str | None:
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return None
    actor = dictionary.actors.get(name)
    roll = rng.random()
    if actor is not None and actor.aliases and roll < 0.5:
        return str(rng.choice(list(actor.aliases)))
    if roll < 0.7 and len(name) > 4:
        i = int(rng.integers(1, len(name) - 2))
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # two letters swapped
    if roll < 0.85:
        return name.lower()
    return name


def _words(text: object, rng: np.random.Generator) -> str | None:
    if not isinstance(text, str) or rng.random() < 0.3:
        return None
    words = text.split()
    kept = [w for w in words if rng.random() < 0.7] or words[:1]
    return " ".join(kept)


def _scale_count(values: pd.Series, roll: np.ndarray, factor: np.ndarray) -> pd.Series:
    """70% of counts scaled by ``factor`` and rounded, 10% unknown, the rest as reported."""
    v = pd.to_numeric(values, errors="coerce").astype("float64")
    out = np.where(roll < 0.7, np.round(v * factor), v)
    out = np.where(roll > 0.9, np.nan, out)
    return pd.Series(out, index=values.index).astype("Int64")


def _gazetteer_offsets(rows: pd.DataFrame, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(km, angle) per row: one offset per distinct original point, as one gazetteer puts
    every event of a named place on the same spot."""
    place = rows["latitude"].round(5).astype(str) + "," + rows["longitude"].round(5).astype(str)
    codes, uniques = pd.factorize(place)
    km = rng.uniform(0, 10, len(uniques))[codes]
    angle = rng.uniform(0, 2 * np.pi, len(uniques))[codes]
    return km, angle


def rereport(
    base: pd.DataFrame,
    *,
    share: float = 0.5,
    max_copies: int = 2,
    seed: int = 0,
    dictionary: ActorDictionary | None = None,
) -> pd.DataFrame:
    """The base rows plus noisy re-reports of a share of them; ``truth`` = the original's id."""
    rng = np.random.default_rng(seed)
    dictionary = dictionary or ActorDictionary.load()
    base = base[list(COLUMNS)].reset_index(drop=True).copy()
    base["truth"] = base["event_id"]
    chosen = base[rng.random(len(base)) < share]
    copies = [base]
    n_copies = rng.integers(1, max_copies + 1, len(chosen))
    for k in range(1, max_copies + 1):
        rows = chosen[n_copies >= k].copy()
        n = len(rows)
        if not n:
            continue
        precision = rows["date_precision"].to_numpy()
        spread = np.select([precision == "week", precision == "month"], [3, 10], 1)
        shift = np.where(rng.random(n) < 0.6, 0, rng.integers(-spread, spread + 1))
        rows["date"] = pd.to_datetime(rows["date"]) + pd.to_timedelta(shift, unit="D")
        km, angle = _gazetteer_offsets(rows, rng)
        lat = pd.to_numeric(rows["latitude"]).to_numpy(dtype=float)
        rows["latitude"] = lat + km * np.sin(angle) / EARTH_KM_PER_DEGREE
        rows["longitude"] = pd.to_numeric(rows["longitude"]).to_numpy(dtype=float) + km * np.cos(angle) / (
            EARTH_KM_PER_DEGREE * np.maximum(np.cos(np.radians(lat)), 0.2)
        )
        no_coords = rng.random(n) < 0.1
        rows.loc[no_coords, ["latitude", "longitude"]] = np.nan
        loc_roll = rng.random(n)
        rows["location"] = np.where(loc_roll < 0.3, rows["location"].str.lower(), rows["location"])
        province = (loc_roll >= 0.6) & (loc_roll < 0.8) & rows["admin1"].notna().to_numpy()
        rows["location"] = np.where(province, rows["admin1"], rows["location"])
        rows.loc[province, ["latitude", "longitude"]] = np.nan
        rows.loc[loc_roll >= 0.8, "location"] = None
        roll, factor = rng.random(n), rng.uniform(0.75, 1.25, n)
        for column in ("killed", "actor_killed", "target_killed", "civilians_killed"):
            rows[column] = _scale_count(rows[column], roll, factor)
        rows.loc[rng.random(n) < 0.5, ["actor_killed", "target_killed", "civilians_killed"]] = None
        rows["wounded"] = _scale_count(rows["wounded"], rng.random(n), rng.uniform(0.75, 1.25, n))
        for role in ("actor", "target"):
            raw = [_name_variant(v, dictionary, rng) for v in rows[role]]
            rows[f"{role}_raw"] = raw
            rows[role] = [dictionary.normalise(r)[0] if r else None for r in raw]
        rows.loc[rng.random(n) < 0.2, "mode"] = None
        flip = (rows["event"] == "FIGHT").to_numpy() & (rng.random(n) < 0.2)
        rows.loc[flip, "event"] = "ASSAULT"
        rows["evidence"] = [_words(t, rng) for t in rows["evidence"]]
        rows["source_dataset"] = f"rereport{k}"
        rows["event_id"] = rows["source_dataset"] + ":" + rows["truth"]
        rows["source_id"] = None
        copies.append(rows)
    out = pd.concat(copies, ignore_index=True)
    out["date"] = pd.to_datetime(out["date"]).dt.normalize()
    return out


SHIFT_STEP_DAYS = 211  # tile k's dates move by k * 211 days (wrapped into +-11 years)
SHIFT_SPAN_DAYS = 22 * 365


def tile(frame: pd.DataFrame, times: int, start: int = 0, *, separate: bool = False) -> pd.DataFrame:
    """``times`` copies of a frame as if from as many countries: same density, distinct ids.

    ``separate``: each copy also gets its own actor names (``name #k``) and its own period
    (dates moved by a different number of days), so that the copies' actors are unrelated
    to each other (for the screening benchmark: pairs across copies are known nulls)."""
    parts = []
    for k in range(start, start + times):
        part = frame.copy()
        suffix = f"#{k}"
        part["event_id"] = part["event_id"] + suffix
        if "truth" in part:
            part["truth"] = part["truth"] + suffix
        part["country"] = part["country"].fillna("") + f"-{k}"
        if separate:
            for role in ("actor", "target"):
                part[role] = part[role] + f" #{k}"
            shift = (k * SHIFT_STEP_DAYS) % SHIFT_SPAN_DAYS - SHIFT_SPAN_DAYS // 2
            part["date"] = pd.to_datetime(part["date"]) + pd.Timedelta(days=shift)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def write_tiled_lake(frame: pd.DataFrame, rows: int, lake, *, separate: bool = False) -> int:
    """Tiles of ``frame`` (as ``tile`` makes them) up to about ``rows`` rows, written to an event
    lake. The tiles are made by DuckDB (the frame cross-joined with the tile numbers), so ten
    million rows need neither pandas nor memory for them all at once."""
    import os
    import shutil
    import tempfile
    from pathlib import Path

    import duckdb
    import pyarrow as pa

    from jervis.store.lake import _publish, _write_partitions
    from jervis.store.schema import ARROW_SCHEMA

    times = max(1, round(rows / len(frame)))
    base = pa.Table.from_pandas(frame[list(COLUMNS)], schema=ARROW_SCHEMA.remove_metadata(),
                                preserve_index=False, safe=False)  # fmt: skip
    shift = f"(k * {SHIFT_STEP_DAYS}) % {SHIFT_SPAN_DAYS} - {SHIFT_SPAN_DAYS // 2}"
    columns = {c: c for c in COLUMNS}
    columns["event_id"] = "event_id || '#' || k"
    columns["country"] = "coalesce(country, '') || '-' || k"
    if separate:
        columns["actor"] = "actor || ' #' || k"
        columns["target"] = "target || ' #' || k"
        columns["date"] = f"CAST(date + CAST({shift} AS INTEGER) AS DATE)"
    select = ", ".join(f"{expr} AS {name}" for name, expr in columns.items())
    temp = Path(tempfile.mkdtemp(prefix="jervis-tiles-"))
    con = duckdb.connect(config={"memory_limit": "3GB", "temp_directory": str(temp)})
    staging = Path(lake) / f".staging-tiles-{os.getpid()}"
    # About a million rows at a time: the partitioned Parquet writer holds a buffer per open
    # partition beyond DuckDB's memory limit (ten million rows at once took 10 GB).
    batch = max(1, 1_000_000 // len(frame))
    try:
        con.register("base", base)
        for start in range(0, times, batch):
            stop = min(times, start + batch)
            sql = f"SELECT {select}, CAST(NULL AS VARCHAR) AS row_hash FROM base CROSS JOIN range({start}, {stop}) t(k)"
            _write_partitions(con, con.sql(sql), staging, 0)
            _publish(Path(lake), staging, {})
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        con.close()
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(temp, ignore_errors=True)
    return times * len(frame)


def pairwise_scores(truth: pd.Series, predicted: pd.Series) -> dict[str, float]:
    """Pairwise precision and recall: of the row pairs put together, how many truly are one
    event; of the true pairs, how many were put together. Both series: row -> group label."""
    frame = pd.DataFrame({"t": truth.to_numpy(), "p": predicted.to_numpy()})

    def pairs(sizes: pd.Series) -> int:
        return int((sizes * (sizes - 1) // 2).sum())

    together = pairs(frame.groupby(["t", "p"]).size())
    predicted_pairs = pairs(frame.groupby("p").size())
    true_pairs = pairs(frame.groupby("t").size())
    precision = together / predicted_pairs if predicted_pairs else 1.0
    recall = together / true_pairs if true_pairs else 1.0
    return {"precision": precision, "recall": recall, "true_pairs": true_pairs,
            "predicted_pairs": predicted_pairs, "correct_pairs": together}  # fmt: skip


def truth_up_to_ties(frame: pd.DataFrame, predicted: pd.Series) -> pd.Series:
    """``truth`` with the copies of indistinguishable originals given the labelling that best
    agrees with ``predicted``.

    Some originals are identical in every field a re-reporter sees (UCDP GED lists several
    events of one day, town, pair of sides and death toll, with one headline): a noisy copy of
    one is as much a copy of the others, and no method can tell which it was. Within each such
    group, and for each re-reporting source, the copies' truths are permuted among the group's
    originals (a copy still maps to exactly one original, one copy per original and source) to
    agree most with the prediction. Scored beside the strict truth, never instead of it."""
    import itertools

    seen = [c for c in COLUMNS if c not in ("event_id", "source_id")]
    truth = frame["truth"].copy()
    originals = frame[frame["event_id"] == frame["truth"]]
    group = originals.groupby([originals[c].astype(str) for c in seen], sort=False)["event_id"].transform("first")
    tied = originals.assign(group=group.to_numpy())
    tied = tied[tied.groupby("group")["event_id"].transform("count") > 1]
    if tied.empty:
        return truth
    cluster_of = dict(zip(frame["event_id"], predicted, strict=True))
    members = tied.groupby("group")["event_id"].agg(list)
    group_of = dict(zip(tied["event_id"], tied["group"], strict=True))
    copies = frame[(frame["event_id"] != frame["truth"]) & frame["truth"].isin(group_of)]
    for (grp, _source), rows in copies.groupby([copies["truth"].map(group_of), "source_dataset"]):
        ids = members[grp]
        if len(ids) > 6:  # 720 permutations at most; larger groups keep their strict truth
            continue
        index, current = rows.index.to_numpy(), rows["truth"].to_list()
        clusters = [cluster_of[e] for e in rows["event_id"]]
        best, best_hits = current, -1
        for perm in itertools.permutations(ids, len(ids)):
            relabel = dict(zip(ids, perm, strict=True))
            labels = [relabel[t] for t in current]
            hits = sum(cluster_of[t] == c for t, c in zip(labels, clusters, strict=True))
            if hits > best_hits:
                best, best_hits = labels, hits
        truth.loc[index] = best
    return truth
