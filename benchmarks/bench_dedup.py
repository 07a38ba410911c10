"""Benchmark: de-duplication accuracy on known duplicates made from real data, and its speed.

Known duplicates: the UCDP GED events of tests/fixtures/ucdp-ged are re-reported with noise
(``jervis.dedup.synthetic.rereport``: date, place, counts, actor names, mode, evidence) by two
invented datasets, each listing an event at most once like a curated dataset. Then
``jervis.dedup`` runs on the mix and its links are scored against the truth (pairwise precision
and recall).

* ``--fit``: fit the score's logistic model (bias, weights, present) on the re-reported
  *Ukraine* file and print the TOML for src/jervis/data/dedup.toml. The fitted model is then
  only *scored* on Iraq, a dataset it was not fitted on.
* default: precision and recall on Iraq (held out) and Ukraine (fitted on), with the
  re-reporting sources declared curated and not; then speed: ``--rows`` events (tiles of the
  re-reported Iraq file as if from more countries) written to a Parquet lake, de-duplicated on
  each engine of ``--engines``. Writes the "De-duplication" section of docs/benchmarks.md.

    nice -n 10 python benchmarks/bench_dedup.py [--fit] [--rows 1000000] [--engines duckdb,spark]

* ``--fusion LAKE``: fusion alone on DuckDB over the links a run stored in LAKE (kept with
  ``--keep``), all linked rows at once (the path before buckets) and in buckets of ``FUSE_ROWS``, each in
  its own process: seconds, peak memory, and whether the records equal the stored ones.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import jervis  # noqa: E402
from jervis.dedup.config import FIELDS, RIVALS, SIZES, TERMS, ZEROS, DedupConfig  # noqa: E402
from jervis.dedup.match import candidate_pairs, matched_pairs, prepare, scored_pairs  # noqa: E402
from jervis.dedup.run import row_ids  # noqa: E402
from jervis.dedup.synthetic import pairwise_scores, rereport, truth_up_to_ties, write_tiled_lake  # noqa: E402
from jervis.store.engine import LINKS, Engine, stop_spark  # noqa: E402
from jervis.store.lake import write_events  # noqa: E402

UCDP = ROOT / "tests" / "fixtures" / "ucdp-ged"
REREPORTERS = ("rereport1", "rereport2")


def base_events(name: str, work: Path) -> pd.DataFrame:
    """The real UCDP GED file ingested by jervis, as canonical rows."""
    db = work / f"{name}.duckdb"
    if not db.exists():
        jervis.ingest(UCDP / f"conflict_data_{name}.csv", db=db)
    return jervis.events(db)


def synthetic_lake(frame: pd.DataFrame, lake: Path) -> Path:
    shutil.rmtree(lake, ignore_errors=True)
    lake.mkdir(parents=True)
    write_events(lake, frame)
    return lake


def config(curated_rereports: bool) -> DedupConfig:
    cfg = DedupConfig.load()
    extra = REREPORTERS if curated_rereports else ()
    return dataclasses.replace(cfg, curated=tuple(cfg.curated) + extra)


def fit(work: Path) -> str:
    """Fit bias, weights and presence offsets on re-reported Ukraine; the TOML to ship."""
    import statsmodels.api as sm

    syn = rereport(base_events("ukr", work), seed=1)
    lake = synthetic_lake(syn, work / "fit-lake")
    cfg = config(curated_rereports=True)
    engine = Engine(lake=lake)
    events = row_ids(engine, engine.raw_events())
    prepared = prepare(events, cfg, row_id=events.rid)
    candidates = candidate_pairs(prepared, sorted(set(cfg.date_tolerance_days.values())))
    scored = scored_pairs(prepared, candidates, cfg)
    pairs = scored.select("event_id_l", "event_id_r", *[f"s_{f}" for f in FIELDS]).to_pandas()
    truth = dict(zip(syn["event_id"], syn["truth"], strict=True))
    same = (pairs["event_id_l"].map(truth) == pairs["event_id_r"].map(truth)).astype(int)
    sims = pairs[[f"s_{f}" for f in FIELDS]]
    x = pd.concat([sims.fillna(0.0), sims.notna().astype(float).add_prefix("has_")], axis=1)
    # A count's size term is present exactly when the count is: its presence is the count's.
    x = x.drop(columns=[f"has_s_{f}" for f in SIZES + ZEROS])
    x = x.loc[:, x.std() > 0]
    zeros = x[[f"s_{f}" for f in ZEROS if f"s_{f}" in x]]
    rivals = x[[f"s_{f}" for f in RIVALS if f"s_{f}" in x]]
    x = x.drop(columns=[*zeros.columns, *rivals.columns])

    def logit(columns: pd.DataFrame) -> dict[str, float]:
        return sm.Logit(same, sm.add_constant(columns)).fit(disp=0, method="bfgs", maxiter=500).params.to_dict()

    params = logit(x)
    # Agreeing on a toll of zero is fitted last, with the model above as an offset: a finer
    # reading of one value of the count that leaves every other term as it was (a joint refit
    # moves unrelated weights within the optimiser's tolerance, and the seed article's pairs,
    # which report no zero toll, with them).
    offset = params["const"] + x.mul(pd.Series({c: params[c] for c in x})).sum(axis=1)
    binomial = sm.families.Binomial()
    if not zeros.empty:
        params.update(sm.GLM(same, zeros, family=binomial, offset=offset).fit().params.to_dict())
        offset = offset + zeros.mul(pd.Series({c: params[c] for c in zeros})).sum(axis=1)
    # The look-alike terms (a row's rivals: candidates as good on every field) last of all, in
    # the same way: they read the fields' agreement over a row's candidates, not a new field,
    # and leave every other term as shipped.
    if not rivals.empty:
        params.update(sm.GLM(same, rivals, family=binomial, offset=offset).fit().params.to_dict())
    # The same model without the size terms: the killed terms of a count whose size is not
    # weighed, which the mode takes below.
    unsized = logit(x.drop(columns=[f"s_{f}" for f in SIZES if f"s_{f}" in x]))
    bias = params["const"]
    # A field every training pair reports has no presence term of its own (it is part of the
    # intercept); move half its weight out of the intercept, so that a pair of rows that lack
    # it elsewhere is scored as if they half agreed on it, not as if they disagreed.
    for f in FIELDS:
        if f not in TERMS and f"s_{f}" in params and f"has_s_{f}" not in params and sims[f"s_{f}"].notna().all():
            params[f"has_s_{f}"] = -0.5 * params[f"s_{f}"]
            bias += 0.5 * params[f"s_{f}"]
    # UCDP GED reports no mode and no wounded: their terms cannot be fitted here and are set
    # to the killed count's (an equally specific detail of the report), said so in the TOML:
    # wounded, a count, takes the killed terms and size weight; mode, which has no size, the
    # killed terms of the model without size terms (with them, the killed terms are those of
    # agreeing on a toll of one, the least telling agreement on a count).
    if "s_wounded" not in params:
        params["s_wounded"], params["has_s_wounded"] = params["s_killed"], params["has_s_killed"]
        params["s_wounded_size"] = params.get("s_killed_size", 0.0)
        params["s_wounded_zero"] = params.get("s_killed_zero", 0.0)
    if "s_mode" not in params:
        params["s_mode"], params["has_s_mode"] = unsized["s_killed"], unsized["has_s_killed"]
    lines = [f"bias = {bias:.3f}", "", "[weights]"]
    lines += [f"{f} = {params.get(f's_{f}', 0.0):.3f}" for f in FIELDS]
    lines += ["", "[present]"]
    lines += [f"{f} = {params.get(f'has_s_{f}', 0.0):.3f}" for f in FIELDS]
    print(f"fitted on {len(pairs):,} candidate pairs ({int(same.sum()):,} true) of {len(syn):,} rows")
    return "\n".join(lines)


def losses(name: str, work: Path, *, curated_rereports: bool = True, seed: int = 2) -> dict:
    """Where true pairs are lost, stage by stage: blocking (candidate pairs), hard rules, the
    score's threshold, the clustering. If blocking missed true pairs, no score could find them.

    Of the true pairs lost in the end, ``lost_tied_or_dominated`` counts those where a row of
    the pair has a candidate in the other row's source, of another event, that agrees with it
    at least as well on every compared field (the pair's own terms, crowding aside; a field
    either row lacks counts as the lowest agreement): no score that rises with agreement can
    put the true partner above that look-alike. ``lost_tied`` is the share of those tied in
    every field."""
    from jervis.dedup.cluster import clusters

    syn = rereport(base_events(name, work), seed=seed)
    lake = synthetic_lake(syn, work / f"loss-{name}")
    cfg = config(curated_rereports)
    engine = Engine(lake=lake)
    events = row_ids(engine, engine.raw_events())
    prepared = prepare(events, cfg, row_id=events.rid)
    candidates = candidate_pairs(prepared, sorted(set(cfg.date_tolerance_days.values())))
    rid = events.select("rid", "event_id").to_pandas()
    ids = dict(zip(rid["rid"], rid["event_id"], strict=True))
    truth = dict(zip(syn["event_id"], syn["truth"], strict=True))
    cand = candidates.to_pandas()
    same = cand["a"].map(ids).map(truth) == cand["b"].map(ids).map(truth)
    compared = [f"s_{f}" for f in FIELDS if f not in TERMS]
    scored = scored_pairs(prepared, candidates, cfg).select("event_id_l", "event_id_r", "src_l", "src_r", "score",
                                                            *compared).to_pandas()  # fmt: skip
    kept = (scored["event_id_l"].map(truth) == scored["event_id_r"].map(truth)).to_numpy()
    true_pairs = pairwise_scores(syn["truth"], syn["event_id"])["true_pairs"]
    linked = (scored["score"] >= cfg.threshold).to_numpy()
    # The clustering, on the pairs the run would return (matched_pairs: ids a < b, score >= cohesion).
    returned = scored[scored["score"] >= cfg.cohesion]
    swap = (returned["event_id_l"] > returned["event_id_r"]).to_numpy()
    left, right = returned[["event_id_l", "src_l"]].to_numpy(), returned[["event_id_r", "src_r"]].to_numpy()
    first, second = np.where(swap[:, None], right, left), np.where(swap[:, None], left, right)
    pairs = pd.DataFrame({"a": first[:, 0], "b": second[:, 0], "source_a": first[:, 1], "source_b": second[:, 1],
                          "score": returned["score"].to_numpy()})  # fmt: skip
    label = clusters(pairs, cfg.threshold, cfg.curated, cfg.cohesion).set_index("event_id")["cluster_id"]
    together = (scored["event_id_l"].map(label) == scored["event_id_r"].map(label)).to_numpy()
    lost = kept & ~together
    # Tied or dominated: each row of a lost true pair against its other candidates in the
    # partner's source (both orientations of every scored pair).
    agree = scored[compared].fillna(-1.0).to_numpy()
    sides = pd.DataFrame({"row": np.concatenate([scored["event_id_l"], scored["event_id_r"]]),
                          "other": np.concatenate([scored["src_r"], scored["src_l"]]),
                          "i": np.tile(np.arange(len(scored)), 2)})  # fmt: skip
    mine = sides[np.tile(lost, 2)]
    rivals = sides[~np.tile(kept, 2)]
    rivals = mine.merge(rivals, on=["row", "other"], suffixes=("", "_rival"))
    ai, aj = agree[rivals["i"].to_numpy()], agree[rivals["i_rival"].to_numpy()]
    at_least = (aj >= ai - 1e-9).all(axis=1)
    tied = at_least & (np.abs(aj - ai) <= 1e-9).all(axis=1)
    dominated = set(rivals.loc[at_least, "i"])
    only_tied = dominated - set(rivals.loc[at_least & ~tied, "i"])
    return {"dataset": name, "seed": seed, "curated": curated_rereports, "true_pairs": true_pairs,
            "candidates": len(cand), "blocking_recall": int(same.sum()) / true_pairs,
            "hard_rules_recall": int(kept.sum()) / true_pairs,
            "threshold_recall": int((kept & linked).sum()) / true_pairs,
            "false_links_at_threshold": int((~kept & linked).sum()),
            "recall": int((kept & together).sum()) / true_pairs,
            "lost_at_score": int((lost & ~linked).sum()), "lost_in_clustering": int((lost & linked).sum()),
            "lost_tied_or_dominated": len(dominated), "lost_tied": len(only_tied)}  # fmt: skip


def accuracy(name: str, work: Path, *, curated_rereports: bool, seed: int = 2) -> dict:
    syn = rereport(base_events(name, work), seed=seed)
    lake = synthetic_lake(syn, work / f"acc-{name}")
    engine = Engine(lake=lake)
    run = jervis.deduplicate(engine, config=config(curated_rereports))
    links = Engine(lake=lake).dedup_table(LINKS).to_pandas()
    predicted = syn["event_id"].map(dict(zip(links["event_id"], links["cluster_id"], strict=True)))
    predicted = predicted.fillna(syn["event_id"])
    scores = pairwise_scores(syn["truth"], predicted)
    tied = pairwise_scores(truth_up_to_ties(syn, predicted), predicted)
    return {"dataset": name, "rows": len(syn), "curated": curated_rereports, **scores,
            "precision_ties": tied["precision"], "recall_ties": tied["recall"],
            "seconds": run["seconds"]}  # fmt: skip


def learn_seeds(seeds: list[int], work: Path) -> None:
    """Accuracy on Ukraine (the learn split) over several re-reportings: how a rule is chosen
    before Iraq (the score split) is scored."""
    for curated in (True, False):
        runs = [accuracy("ukr", work, curated_rereports=curated, seed=s) for s in seeds]
        for s, a in zip(seeds, runs, strict=True):
            print(f"ukr seed {s} curated={curated}: precision {a['precision']:.3f} recall {a['recall']:.3f}")
        p = sum(a["precision"] for a in runs) / len(runs)
        r = sum(a["recall"] for a in runs) / len(runs)
        print(f"ukr mean curated={curated}: precision {p:.3f} recall {r:.3f} F1 {2 * p * r / (p + r):.3f}", flush=True)


class PeakMemory:
    """The peak resident memory of this process and its children (Spark's JVM and its Python
    workers), sampled every half second in a thread: the machine is shared, so it is recorded."""

    def __init__(self) -> None:
        import threading

        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.wait(0.5):
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:  # a worker that just ended
                    pass
            self.peak = max(self.peak, total)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def speed(rows: dict[str, int], work: Path) -> list[dict]:
    """Each engine on its own number of rows (``{"duckdb": 1000000, "spark": 200000}``); when
    two engines run on the same rows, their links are compared (they must be the same)."""
    syn = rereport(base_events("irq", work), seed=3)
    out = []
    links: dict[str, pd.DataFrame] = {}
    for name, n in rows.items():
        times = max(1, round(n / len(syn)))
        lake = work / f"speed-lake-{times}"
        written = lake / ".bench-rows"  # a lake kept by --keep is read again, not rewritten
        if not (written.exists() and written.read_text() == str(n)):
            shutil.rmtree(lake, ignore_errors=True)
            lake.mkdir(parents=True)
            write_tiled_lake(syn, n, lake)  # tiles made by DuckDB: ten million rows never in pandas
            written.write_text(str(n))
        engine = Engine(name=name, lake=lake)
        load = os.getloadavg()[0]  # the machine is shared: how busy it was
        started = time.perf_counter()
        with PeakMemory() as memory:
            run = jervis.deduplicate(engine, config=config(curated_rereports=True))
            seconds = time.perf_counter() - started
        out.append({"engine": name, "rows": run["events"], "seconds": seconds, "load": load,
                    "load_end": os.getloadavg()[0], "peak_gb": memory.peak / 2**30,
                    "candidate_pairs": run["candidate_pairs"], "linked_pairs": run["linked_pairs"],
                    "clusters": run["clusters"], "rows_merged": run["rows_merged"]})  # fmt: skip
        print(out[-1], flush=True)
        if name == "spark":
            stop_spark()
        if len(set(rows.values())) == 1 and len(rows) > 1:
            links[name] = Engine(lake=lake).dedup_table(LINKS).to_pandas().sort_values("event_id", ignore_index=True)
    if len(links) > 1:
        (a, x), (b, y) = links.items()
        merged = x.merge(y, on=["event_id", "cluster_id"], how="outer", indicator=True)
        print({"links_compared": f"{a} vs {b}", "rows": (len(x), len(y)), "identical": x.equals(y),
               "only_" + a: int((merged["_merge"] == "left_only").sum()),
               "only_" + b: int((merged["_merge"] == "right_only").sum())}, flush=True)  # fmt: skip
    return out


def fusion(lake: Path, fuse_rows: int) -> dict:
    """Fusion alone on DuckDB (``run.fused_records``) over the links a run stored in ``lake``,
    with ``fuse.FUSE_ROWS`` linked rows a bucket; the records are compared with the stored
    ones. Run in a process of its own per setting (``fusion_study``), so that each peak is
    its own."""
    from jervis.dedup import fuse as dedup_fuse
    from jervis.dedup.run import _arrow_fused, _members, fused_records
    from jervis.store.engine import FUSED

    dedup_fuse.FUSE_ROWS = fuse_rows or 2**62
    links = Engine(lake=lake).dedup_table(LINKS).to_pandas()
    engine = Engine(lake=lake)
    import psutil

    before = psutil.Process().memory_info().rss
    started = time.perf_counter()
    with PeakMemory() as memory:
        if fuse_rows:
            got = fused_records(engine, links)
        else:  # the path before buckets: every linked row joined and read at once
            got = _arrow_fused(dedup_fuse.fuse(_members(engine, links)))
        seconds = time.perf_counter() - started
    buckets = int(dedup_fuse.fuse_buckets(links).max()) + 1 if fuse_rows else "all at once"
    stored = Engine(lake=lake).dedup_table(FUSED).to_pyarrow()
    return {"fuse_rows": fuse_rows, "buckets": buckets, "linked_rows": len(links), "records": got.num_rows,
            "seconds": round(seconds, 1), "rss_before_gb": round(before / 2**30, 2),
            "peak_gb": round(memory.peak / 2**30, 2), "equal_to_stored": got.equals(stored),
            "load": os.getloadavg()[0]}  # fmt: skip


def fusion_study(lake: Path) -> None:
    """Fusion as before buckets (every linked row joined and read at once, ``--fuse-rows 0``)
    and in buckets of ``FUSE_ROWS``, each in a fresh process, one after the other."""
    import json
    import subprocess

    from jervis.dedup.fuse import FUSE_ROWS

    for rows in (0, FUSE_ROWS):
        out = subprocess.run([sys.executable, __file__, "--fusion", str(lake), "--fuse-rows", str(rows)],
                             check=True, capture_output=True, text=True).stdout  # fmt: skip
        print(json.loads(out.strip().splitlines()[-1]), flush=True)


def stages(rows: int, engine_name: str, work: Path) -> dict:
    """Each engine stage timed on its own (row ids, prepare, candidates, scoring to pandas):
    where the time goes, without the clustering and fusion that run in this process."""
    syn = rereport(base_events("irq", work), seed=3)
    lake = work / f"stages-lake-{rows}"
    if not lake.exists():
        lake.mkdir(parents=True)
        write_tiled_lake(syn, rows, lake)
    cfg = config(curated_rereports=True)
    out: dict = {"engine": engine_name, "load": os.getloadavg()[0]}
    started = time.perf_counter()
    engine = Engine(engine_name, lake=lake)
    events = row_ids(engine, engine.raw_events())
    out["row_ids"] = time.perf_counter() - started
    prepared = prepare(events, cfg, row_id=events.rid).cache()
    out["rows"] = int(prepared.count().to_pandas())
    out["prepare"] = time.perf_counter() - started - out["row_ids"]
    candidates = candidate_pairs(prepared, sorted(set(cfg.date_tolerance_days.values()))).cache()
    out["candidate_pairs"] = int(candidates.count().to_pandas())
    out["candidates"] = time.perf_counter() - started - out["row_ids"] - out["prepare"]
    out["kept"] = len(matched_pairs(prepared, candidates, cfg).to_pandas())
    out["total"] = time.perf_counter() - started
    out["scoring"] = out["total"] - out["row_ids"] - out["prepare"] - out["candidates"]
    if engine_name == "spark":
        stop_spark()
    return out


def write_docs(acc: list[dict], fast: list[dict], command: str) -> None:
    from bench_screen import replace_section  # the shared docs writer

    lines = [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()} (shared with other jobs while measured)",
        f"- Command: `{command}`",
        "",
        "Accuracy on known duplicates (pairwise; the score's model was fitted on Ukraine only):",
        "",
        "| data | rows | re-reporters curated | precision | recall | precision, recall up to ties "
        "| true pairs | linked pairs |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for a in acc:
        fitted = "UCDP GED Iraq (held out)" if a["dataset"] == "irq" else "UCDP GED Ukraine (fitted on)"
        lines.append(
            f"| {fitted} | {a['rows']:,} | {'yes' if a['curated'] else 'no'} | {a['precision']:.3f} "
            f"| {a['recall']:.3f} | {a['precision_ties']:.3f}, {a['recall_ties']:.3f} "
            f"| {a['true_pairs']:,} | {a['predicted_pairs']:,} |"
        )
    lines += ["", "Speed (tiles of re-reported Iraq in a Parquet lake; candidate generation and scoring "
              "on the engine, clustering and fusion in the process):", "",
              "| engine | rows | seconds | rows/s | candidate pairs | linked | clusters | load avg at start |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for f in fast:
        lines.append(
            f"| {f['engine']} | {f['rows']:,} | {f['seconds']:.0f} | {f['rows'] / f['seconds']:,.0f} "
            f"| {f['candidate_pairs']:,} | {f['linked_pairs']:,} | {f['clusters']:,} | {f['load']:.1f} |"
        )
    replace_section("De-duplication", "\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--engines", default="duckdb")
    parser.add_argument("--spark-rows", type=int, help="rows for Spark (default --rows)")
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--no-accuracy", action="store_true", help="speed only")
    parser.add_argument("--stages", metavar="ENGINE", help="only: time each engine stage at --rows rows")
    parser.add_argument("--losses", action="store_true",
                        help="only: where the learn split (Ukraine) loses true pairs, stage by stage")
    parser.add_argument("--learn-seeds", metavar="SEEDS",
                        help="only: accuracy on the learn split (Ukraine) for each seed of rereport "
                             "(e.g. 2,3,4) and their mean; the score split is not touched")
    parser.add_argument("--fusion", metavar="LAKE", type=Path,
                        help="only: fusion alone over the links stored in LAKE (a lake kept by --keep, "
                             "after a run), in one bucket and in buckets, each in its own process")
    parser.add_argument("--fuse-rows", type=int,
                        help="with --fusion: this one setting, in this process (0: all at once, as before buckets)")
    args = parser.parse_args()
    if args.fusion:
        if args.fuse_rows is not None:
            import json

            print(json.dumps(fusion(args.fusion, args.fuse_rows)))
        else:
            fusion_study(args.fusion)
        return
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    work = args.keep or Path(tempfile.mkdtemp(prefix="jervis-bench-dedup-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.fit:
            print(fit(work))
            return
        if args.stages:
            print(stages(args.rows, args.stages, work))
            return
        if args.learn_seeds:
            learn_seeds([int(s) for s in args.learn_seeds.split(",")], work)
            return
        if args.losses:
            for seed, curated in ((2, True), (1, True), (2, False)):
                print(losses("ukr", work, curated_rereports=curated, seed=seed), flush=True)
            return
        acc = [] if args.no_accuracy else [
            accuracy(n, work, curated_rereports=c) for n in ("irq", "ukr") for c in (True, False)
        ]
        for a in acc:
            print(a, flush=True)
        sizes = {e: (args.spark_rows or args.rows) if e == "spark" else args.rows for e in args.engines.split(",")}
        fast = speed(sizes, work) if args.rows else []
        if not args.no_docs:
            write_docs(acc, fast, "nice -n 10 python benchmarks/bench_dedup.py " + " ".join(sys.argv[1:]))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
