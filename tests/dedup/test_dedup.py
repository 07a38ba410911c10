"""De-duplication: the seed article's events link to the right compiled rows and nothing else;
known duplicates are found in re-reported real data; clusters do not chain; fusion keeps all."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

import jervis
from jervis.cli import app
from jervis.dedup.cluster import clusters
from jervis.dedup.config import DedupConfig
from jervis.dedup.fuse import fuse
from jervis.dedup.synthetic import pairwise_scores, rereport
from jervis.errors import JervisError
from jervis.store.engine import Engine
from jervis.store.ingest import ingest_rows
from jervis.store.query import dyad_events

FIXTURES = Path(__file__).parents[1] / "fixtures"
EXAMPLES = Path(__file__).parents[2] / "examples"
SEED = FIXTURES / "seed-article" / "rockets-slam-us-base.txt"


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory) -> Path:
    """The compiled 2019-2021 timeline plus the seed article's extracted events, de-duplicated."""
    db = tmp_path_factory.mktemp("seed") / "store.duckdb"
    jervis.ingest(FIXTURES / "iraq-2019-2021" / "events.csv", db=db,
                  mapping=EXAMPLES / "iraq-2019-2021.mapping.toml")  # fmt: skip
    extracted = jervis.extract([SEED], published="2020-03-14")
    assert len(extracted) == 3
    ingest_rows([e.to_row() for e in extracted], "seed-article", db=db)
    jervis.deduplicate(db)
    return db


@pytest.fixture(scope="module")
def irq_store(tmp_path_factory) -> Path:
    """UCDP GED Iraq (tests/fixtures) ingested once for the tests that re-report it."""
    db = tmp_path_factory.mktemp("irq") / "ucdp.duckdb"
    jervis.ingest(FIXTURES / "ucdp-ged" / "conflict_data_irq.csv", db=db)
    return db


def test_seed_article_events_link_to_the_right_rows_and_nothing_else(seed_store):
    con = duckdb.connect(str(seed_store), read_only=True)
    rows = con.sql(
        "SELECT l.cluster_id, e.source_dataset, e.source_id, e.date FROM event_links l "
        "JOIN events e USING (event_id) ORDER BY l.cluster_id, e.source_dataset"
    ).df()
    con.close()
    clusters = {
        cid: {(r.source_dataset, str(r.date.date()) if r.source_dataset == "text" else r.source_id)
              for r in g.itertuples()}
        for cid, g in rows.groupby("cluster_id")
    }
    assert sorted(clusters.values(), key=sorted) == sorted([
        {("iraq_2019_2021", "IQ-CUR-010"), ("text", "2020-03-11")},  # Camp Taji, 11 March
        {("iraq_2019_2021", "IQ-CUR-011"), ("text", "2020-03-12")},  # the 12-13 March strikes
        {("iraq_2019_2021", "IQ-CUR-012"), ("text", "2020-03-14")},  # Camp Taji, 14 March
    ], key=sorted)  # fmt: skip


def test_seed_article_true_pairs_score_well_above_the_threshold(seed_store):
    """The one real check keeps a margin: each of the three true pairs scores at least twice the
    threshold (a refit that learns the synthetic re-reporter's habits would erode it first)."""
    from jervis.dedup.match import candidate_pairs, prepare, scored_pairs
    from jervis.dedup.run import row_ids

    config = DedupConfig.load()
    engine = Engine(db=seed_store)
    events = row_ids(engine, engine.raw_events())
    prepared = prepare(events, config, row_id=events.rid)
    candidates = candidate_pairs(prepared, sorted(set(config.date_tolerance_days.values())))
    pairs = scored_pairs(prepared, candidates, config).to_pandas()
    text = (pairs["src_l"] == "text") | (pairs["src_r"] == "text")
    compiled = pairs["event_id_l"].where(pairs["src_l"] != "text", pairs["event_id_r"])
    scores = pairs[text].assign(row=compiled[text]).groupby("row")["score"].max()
    for row in ("IQ-CUR-010", "IQ-CUR-011", "IQ-CUR-012"):
        assert scores[f"iraq_2019_2021:{row}"] >= 2 * config.threshold, scores


def test_fused_events_are_what_analyses_read_and_say_so(seed_store):
    engine = Engine(db=seed_store)
    assert engine.raw_events().count().to_pandas() == 23
    fused = jervis.events(engine)
    assert len(fused) == 20
    taji = fused[fused["event_id"].str.startswith("fused:") & (fused["date"] == "2020-03-11")].iloc[0]
    assert taji["location"] == "Taji" and taji["mode"] == "rocket"  # the compiled row's place
    frame = dyad_events(EXAMPLES / "us-iraqi-militias.toml", engine)
    (note,) = frame.attrs["notes"]
    assert "3 of these" in note and "--no-fusion" in note
    every = dyad_events(EXAMPLES / "us-iraqi-militias.toml", Engine(db=seed_store, fusion=False))
    assert len(every) == len(frame) + 3
    assert "--no-fusion" in every.attrs["notes"][0]


def test_known_duplicates_in_rereported_real_data(irq_store, tmp_path):
    """CI-size version of benchmarks/bench_dedup.py: UCDP GED Iraq 2007 re-reported with noise."""
    db = irq_store
    base = jervis.events(db, start="2007-01-01", end="2007-12-31")
    mixed = rereport(base, seed=7)
    lake = tmp_path / "lake"
    from jervis.store.lake import write_events

    write_events(lake, mixed)
    config = DedupConfig.load()
    config = type(config)(**{**vars(config), "curated": (*config.curated, "rereport1", "rereport2")})
    run = jervis.deduplicate(Engine(lake=lake), config=config)
    links = Engine(lake=lake).dedup_table("event_links").to_pandas()
    predicted = mixed["event_id"].map(dict(zip(links["event_id"], links["cluster_id"], strict=True)))
    scores = pairwise_scores(mixed["truth"], predicted.fillna(mixed["event_id"]))
    assert scores["true_pairs"] > 300
    # The full benchmark measures 0.953 / 0.952 on all of Iraq (docs/benchmarks.md).
    assert scores["precision"] >= 0.9 and scores["recall"] >= 0.8, scores
    assert run["events"] == len(mixed)


def test_duckdb_fuses_in_buckets_of_whole_clusters_with_the_records_of_one_pass(irq_store, tmp_path, monkeypatch):
    """At 10M rows the DuckDB path read all 7.1 million linked rows into pandas to fuse them
    (16.6 GB); it fuses buckets of whole clusters (fuse.fuse_buckets, shared with Spark) one
    at a time, and the records equal one pass over all linked rows, value for value."""
    import pyarrow as pa

    from jervis.dedup import fuse as dedup_fuse
    from jervis.dedup import run as dedup_run
    from jervis.store.lake import write_events

    mixed = rereport(jervis.events(irq_store, start="2007-01-01", end="2007-12-31"), seed=3)
    write_events(tmp_path / "lake", mixed)
    engine = Engine(lake=tmp_path / "lake")
    # The clusters: the re-reported rows of each true event (fusion does not care how they
    # were found; the scores are tested above).
    size = mixed.groupby("truth")["event_id"].transform("size")
    links = pd.DataFrame({"event_id": mixed["event_id"], "cluster_id": "fused:" + mixed["truth"]})[size > 1]
    links = links.sort_values(["cluster_id", "event_id"], ignore_index=True)
    largest = int(links.groupby("cluster_id").size().max())
    assert len(links) > 500 and largest > 1
    # One pass: every linked row joined and read at once, fused together (the path before buckets).
    one_pass = dedup_run._arrow_fused(dedup_fuse.fuse(dedup_run._members(engine, links)))
    read: list[int] = []
    members = dedup_run._bucket_members

    def counted(engine, folder, bucket):
        rows = members(engine, folder, bucket)
        read.append(len(rows))
        return rows

    monkeypatch.setattr(dedup_run, "_bucket_members", counted)
    assert dedup_run.fused_records(engine, links).equals(one_pass) and read == [len(links)]  # one bucket
    read.clear()
    monkeypatch.setattr(dedup_fuse, "FUSE_ROWS", 50)
    bucketed = dedup_run.fused_records(engine, links)
    assert len(read) >= len(links) // (50 + largest) and sum(read) == len(links)
    assert max(read) < 50 + largest  # never all linked rows at once
    assert bucketed.schema == one_pass.schema == dedup_run.FUSED_SCHEMA
    assert bucketed.equals(one_pass)  # same records, same order (by cluster id)
    assert bucketed["cluster_id"].to_pylist() == sorted(links["cluster_id"].unique())
    assert pa.compute.max(bucketed["n_rows"]).as_py() == largest
    # Buckets hold whole clusters, in the order of their ids, and at least as many as asked.
    buckets = dedup_fuse.fuse_buckets(links, at_least=7)
    assert buckets.groupby(links["cluster_id"]).nunique().max() == 1
    by_cluster = buckets.groupby(links["cluster_id"]).first()
    assert by_cluster.is_monotonic_increasing and by_cluster.iloc[-1] >= 6


def test_clusters_grow_without_chaining_and_respect_curated_sources():
    pairs = pd.DataFrame(
        {"a": ["x1", "x2", "x1", "u1"], "b": ["x2", "x3", "y1", "u2"],
         "source_a": ["s", "t", "s", "ucdp_ged"], "source_b": ["t", "r", "q", "ucdp_ged"],
         "score": [0.9, 0.8, 0.7, 0.99]}  # fmt: skip
    )
    links = clusters(pairs, threshold=0.5, curated=("ucdp_ged",))
    groups = links.groupby("cluster_id")["event_id"].apply(sorted).tolist()
    # x1-x2 link; x3 joins only if x1-x3 were compatible (it is not: no chain); y1 neither;
    # u1-u2 are two rows of one curated source.
    assert groups == [["x1", "x2"]]


def test_fusion_takes_the_best_supported_value_and_counts_agreement():
    rows = pd.DataFrame({c: [None] * 3 for c in jervis.store.schema.COLUMNS})
    rows["cluster_id"] = "fused:a"
    rows["event_id"] = ["a", "b", "c"]
    rows["date"] = pd.to_datetime(["2020-03-11", "2020-03-11", "2020-03-12"])
    rows["date_precision"] = "day"
    rows["killed"] = [2, 3, 3]
    rows["location"] = ["Taji", None, "Camp Taji"]
    rows["latitude"] = [33.5, None, 33.52]
    rows["geo_precision"] = [2, None, 1]
    rows["source_dataset"] = ["text", "acled", "ucdp_ged"]
    out = fuse(rows).iloc[0]
    assert out["event_id"] == "fused:a" and out["killed"] == "3" or out["killed"] == 3
    assert str(out["date"])[:10] == "2020-03-11"
    assert out["location"] == "Camp Taji"  # tie (one row each): the finer geo_precision wins
    support = json.loads(out["support"])
    assert support["killed"] == 2 and support["date"] == 2
    assert out["n_rows"] == 3 and out["n_sources"] == 3


def test_bad_config_is_a_clear_error(tmp_path):
    path = tmp_path / "d.toml"
    path.write_text("threshold = 2\n")
    with pytest.raises(JervisError, match="d.toml"):
        DedupConfig.load(path)
    path.write_text((Path(jervis.__file__).parent / "data" / "dedup.toml").read_text() + "\n[weights2]\n")
    with pytest.raises(JervisError, match="unknown keys"):
        DedupConfig.load(path)


def test_cli_dedup_json(tmp_path):
    db = tmp_path / "s.duckdb"
    jervis.ingest(FIXTURES / "iraq-2019-2021" / "events.csv", db=db,
                  mapping=EXAMPLES / "iraq-2019-2021.mapping.toml")  # fmt: skip
    result = CliRunner().invoke(app, ["dedup", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["events"] == 20 and report["clusters"] == 0  # a compiled timeline has no repeats


def test_scores_up_to_ties_only_forgive_indistinguishable_originals():
    """Two originals identical in every field a reporter sees, a third that differs; copies of
    the twins linked crosswise are right up to ties, a copy linked to the third is not."""
    from jervis.dedup.synthetic import truth_up_to_ties
    from jervis.store.schema import COLUMNS

    row = dict.fromkeys(COLUMNS) | {"date": pd.Timestamp("2020-03-11"), "event": "ASSAULT", "location": "Taji"}
    frame = pd.DataFrame([row | {"event_id": "o1"}, row | {"event_id": "o2"}, row | {"event_id": "o3", "killed": 5},
                          row | {"event_id": "c1", "source_dataset": "r"}, row | {"event_id": "c2", "source_dataset": "r"},
                          row | {"event_id": "c3", "source_dataset": "r"}])  # fmt: skip
    frame["truth"] = ["o1", "o2", "o3", "o1", "o2", "o3"]
    predicted = pd.Series(["x", "y", "z", "y", "x", "x"])  # c1 with o2, c2 with o1, c3 with o1 (wrong)
    strict = pairwise_scores(frame["truth"], predicted)
    ties = pairwise_scores(truth_up_to_ties(frame, predicted), predicted)
    assert strict["correct_pairs"] == 0
    assert ties["correct_pairs"] == 2 and ties["predicted_pairs"] == 4  # c3 with o1 stays wrong


def test_countries_in_chunks_give_the_same_pairs(irq_store, tmp_path, monkeypatch):
    """Ten million rows are de-duplicated a few countries at a time (run.CHUNK_ROWS); pairs never
    cross countries, so chunks find exactly the pairs one pass finds."""
    from jervis.dedup import run as dedup_run
    from jervis.dedup.synthetic import tile
    from jervis.store.lake import write_events

    db = irq_store
    mixed = tile(rereport(jervis.events(db, start="2007-07-01", end="2007-07-31"), seed=3), 2)
    write_events(tmp_path / "lake", mixed)
    config = DedupConfig.load()
    whole, n_whole = dedup_run.find_links(Engine(lake=tmp_path / "lake"), config)
    monkeypatch.setattr(dedup_run, "CHUNK_ROWS", len(mixed) // 2)
    chunked, n_chunked = dedup_run.find_links(Engine(lake=tmp_path / "lake"), config)
    assert n_whole == n_chunked > 0 and len(whole) > 50
    pd.testing.assert_frame_equal(whole, chunked)


def test_a_date_coarser_than_a_day_has_its_own_intercept_and_crowding_weight(tmp_path):
    """coarse is 1 exactly when either row's date is coarser than a day, crowd_coarse is the
    crowding term of such pairs, and both enter the score (the logistic model, recomputed here)."""
    import numpy as np

    from jervis.dedup.config import FIELDS
    from jervis.dedup.match import candidate_pairs, prepare, scored_pairs
    from jervis.dedup.run import row_ids
    from jervis.store.lake import write_events

    db = tmp_path / "ucdp.duckdb"
    jervis.ingest(FIXTURES / "ucdp-ged" / "conflict_data_irq.csv", db=db)
    mixed = rereport(jervis.events(db, start="2007-07-01", end="2007-07-31"), seed=3)
    write_events(tmp_path / "lake", mixed)
    config = DedupConfig.load()
    engine = Engine(lake=tmp_path / "lake")
    events = row_ids(engine, engine.raw_events())
    prepared = prepare(events, config, row_id=events.rid)
    candidates = candidate_pairs(prepared, sorted(set(config.date_tolerance_days.values())))
    pairs = scored_pairs(prepared, candidates, config).to_pandas()
    precision = dict(zip(mixed["event_id"], mixed["date_precision"], strict=True))
    coarse = ~(pairs["event_id_l"].map(precision).isin(["day", "time"])
               & pairs["event_id_r"].map(precision).isin(["day", "time"]))  # fmt: skip
    assert 0 < coarse.sum() < len(pairs)  # both kinds of pairs are in the data
    assert (pairs["s_coarse"] == coarse.astype(float)).all()
    assert np.allclose(pairs["s_crowd_coarse"], pairs["s_crowd"] * coarse)
    # A count's size: 0 at a toll of one, +1 per doubling of the smaller toll, -1 for none.
    both = pairs.dropna(subset=["killed_l", "killed_r"])
    a, b = both["killed_l"].astype(float), both["killed_r"].astype(float)
    assert np.allclose(both["s_killed_size"], both["s_killed"] * (np.log2(1 + np.minimum(a, b)) - 1))
    assert {0.0, -1.0, 1.0} <= set(both["s_killed_size"].round(9)) and pairs["s_killed_size"].isna().any()
    # Both say none: its own term, 1 exactly then (null when either toll is unknown), and worth
    # more than the size scale's -1 takes away (a zero toll is rare in a record of fatal events).
    assert (both["s_killed_zero"] == ((a == 0) & (b == 0)).astype(float)).all()
    assert 0 < both["s_killed_zero"].sum() < len(both) and pairs["s_killed_zero"].isna().any()
    assert config.weights["killed_zero"] > config.weights["killed_size"] > 0
    logit = config.bias + sum(
        (pairs[f"s_{f}"] * config.weights.get(f, 0.0) + config.present.get(f, 0.0)).fillna(0.0) for f in FIELDS
    )
    assert np.allclose(pairs["score"], 1 / (1 + np.exp(-logit)))
    # The learn split's fit: for such a pair, each further candidate is weaker evidence.
    assert config.weights["crowd_coarse"] > 0 > config.weights["crowd"] and config.weights["coarse"] < 0


def test_spark_parts_cover_every_pair_once_with_its_neighbours():
    """dedup/spark.py's plan: small countries packed whole; a large one cut into time slices
    whose cores tile the days, each reading 2T around its core, so the slice holding a pair's
    earlier day also holds both rows and every row within T of either."""
    from jervis.dedup.spark import NO_DAY, plan_parts

    sizes = pd.DataFrame({"country": ["A", "B", "C", "D"], "n": [30, 40, 1000, 20],
                          "first": [0, 5, 100, 7], "last": [50, 60, 2100, 9]})  # fmt: skip
    plan = plan_parts(sizes, target_rows=80, max_rows=300, halo=40)
    whole = plan[plan["lo"] == NO_DAY]
    assert sorted(whole["country"]) == ["A", "B", "D"]
    assert whole.groupby("part")["country"].apply(list).tolist() == [["A", "B"], ["D"]]  # packed up to 80 rows
    slices = plan[plan["country"] == "C"].sort_values("core_lo")
    assert len(slices) == 4 and slices["part"].nunique() == 4 and set(slices["part"]).isdisjoint(whole["part"])
    assert slices["takes_undated"].tolist() == [True, False, False, False]
    assert (slices["core_hi"].iloc[:-1].to_numpy() == slices["core_lo"].iloc[1:].to_numpy()).all()
    halo = 40
    for d1 in range(60, 2200, 7):
        for d2 in (d1, d1 + 13, d1 + halo):
            home = slices[(slices["core_lo"] <= d1) & (d1 < slices["core_hi"])]
            assert len(home) == 1
            lo, hi = home["lo"].iloc[0], home["hi"].iloc[0]
            assert lo <= d1 - halo and d2 + halo < hi  # both rows and every row within T of either
    # Never slices narrower than 4T: a dense country stays whole (its task spills instead).
    dense = plan_parts(sizes.assign(last=sizes["first"] + 100), target_rows=80, max_rows=300, halo=40)
    assert (dense["lo"] == NO_DAY).all()


def test_a_rows_rivals_are_its_candidates_as_good_on_every_field(irq_store, tmp_path):
    """rivals: log(1 + the larger count, over the pair's two rows, of the row's other candidates
    in the partner's source that agree with it at least as well on every compared field, a field
    either lacks counting lowest); undominated: 1 when that count is 0. Recounted here in pandas
    over both orientations of every scored pair, against the engine's self-join."""
    import numpy as np

    from jervis.dedup.match import COMPARED, candidate_pairs, prepare, scored_pairs
    from jervis.dedup.run import row_ids
    from jervis.store.lake import write_events

    mixed = rereport(jervis.events(irq_store, start="2007-07-01", end="2007-07-31"), seed=3)
    write_events(tmp_path / "lake", mixed)
    config = DedupConfig.load()
    engine = Engine(lake=tmp_path / "lake")
    events = row_ids(engine, engine.raw_events())
    prepared = prepare(events, config, row_id=events.rid)
    candidates = candidate_pairs(prepared, sorted(set(config.date_tolerance_days.values())))
    pairs = scored_pairs(prepared, candidates, config).to_pandas()
    agree = pairs[[f"s_{f}" for f in COMPARED]].fillna(-1.0).to_numpy()
    n = len(pairs)
    sides = pd.DataFrame({"row": np.concatenate([pairs["event_id_l"], pairs["event_id_r"]]),
                          "other": np.concatenate([pairs["src_r"], pairs["src_l"]]),
                          "i": np.tile(np.arange(n), 2)})  # fmt: skip
    most = np.zeros(n)
    for _, index in sides.groupby(["row", "other"])["i"]:
        idx = index.to_numpy()
        mine = agree[idx]
        count = (mine[None, :, :] >= mine[:, None, :] - 1e-9).all(axis=2).sum(axis=1) - 1  # not itself
        most[idx] = np.maximum(most[idx], count)
    assert 0 < (most == 0).sum() < n and most.max() >= 3  # both kinds of pairs are in the data
    assert np.allclose(pairs["s_rivals"], np.log1p(most))
    assert (pairs["s_undominated"] == (most == 0).astype(float)).all()
    # The learn split's fit: no look-alike is evidence for the pair, each further one against it.
    assert config.weights["undominated"] > 0 > config.weights["rivals"]
