"""One fused record per cluster of rows that report one real-world event (``cluster.py``).

Nothing is deleted: every source row stays in the store, ``event_links`` maps it to its
cluster, and ``fused_events`` holds the cluster's record: per field the best-supported value (the value most of its rows report; ties
go to the row with the finest date, then the finest place), how many rows agree on it
(``support``), the number of rows and of distinct sources.
"""

from __future__ import annotations

import json
import math

import pandas as pd

from jervis.store.schema import COLUMNS, DATE_PRECISIONS

# Fields fused together, because their values only make sense as a set from one report.
GROUPS: dict[str, tuple[str, ...]] = {
    "date": ("date", "time", "date_precision"),
    "place": ("latitude", "longitude", "geo_precision", "location", "admin1"),
    "actor": ("actor", "actor_raw", "actor_side"),
    "target": ("target", "target_raw", "target_side"),
    "evidence": ("evidence", "source_url", "source_id"),
}
SINGLE = ("event", "mode", "country", "killed", "wounded", "actor_killed", "target_killed",
          "civilians_killed", "source_dataset")  # fmt: skip
FUSED_EXTRA = ("n_rows", "n_sources", "sources", "support")
FUSE_ROWS = 250_000  # linked rows fused at a time (whole clusters), on either engine


def fuse_buckets(links: pd.DataFrame, *, at_least: int = 1) -> pd.Series:
    """The bucket (0, 1, ...) of each link (event_id, cluster_id): whole clusters in the
    order of their ids, packed about ``FUSE_ROWS`` linked rows a bucket (fewer, to make at
    least ``at_least`` buckets when there are that many clusters). Fusion reads and fuses one
    bucket at a time (DuckDB, run.py) or one per task (Spark, spark.py); a cluster's record
    depends only on its own rows, so the records equal one pass over all linked rows, and
    concatenated in bucket order they stay sorted by cluster id."""
    sizes = links.groupby("cluster_id", sort=True).size()
    target = max(1, min(FUSE_ROWS, math.ceil(len(links) / max(1, at_least))))
    start = sizes.cumsum() - sizes  # linked rows before each cluster
    bucket = pd.Series(pd.factorize(start // target, sort=True)[0], index=sizes.index)
    return links["cluster_id"].map(bucket).astype("int64")


def _quality(rows: pd.DataFrame) -> pd.Series:
    """Lower is better: finer date precision first, then a more specific place (coordinates,
    then a province named, then the source's geo_precision), then more confident."""
    date_rank = rows["date_precision"].map({p: i for i, p in enumerate(DATE_PRECISIONS)}).fillna(9)
    vague = rows["latitude"].isna().astype(int) * 2 + rows["admin1"].isna().astype(int)
    geo = pd.to_numeric(rows["geo_precision"], errors="coerce").fillna(99)
    confidence = pd.to_numeric(rows["confidence"], errors="coerce").fillna(1.0)
    return date_rank * 100_000 + vague * 10_000 + geo * 10 - confidence


def _best(rows: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Per cluster: the most reported non-null value of ``columns`` (as a set) and its support;
    ties go to the set reported by the best row (``_quality``)."""
    have = rows[rows[list(columns)].notna().any(axis=1)]
    if have.empty:
        return pd.DataFrame(columns=["cluster_id", *columns, "support"]).set_index("cluster_id")
    tally = (
        have.groupby(["cluster_id", *columns], dropna=False, sort=False)["_q"]
        .agg(support="size", q="min")
        .reset_index()
        .sort_values(["cluster_id", "support", "q"], ascending=[True, False, True], kind="stable")
    )
    return tally.drop_duplicates("cluster_id").set_index("cluster_id")[[*columns, "support"]]


def fuse(members: pd.DataFrame) -> pd.DataFrame:
    """One fused record per cluster from its member rows (canonical columns + cluster_id)."""
    rows = members.copy()
    rows["_q"] = _quality(rows)
    out = pd.DataFrame(index=pd.Index(sorted(rows["cluster_id"].unique()), name="cluster_id"))
    support: dict[str, pd.Series] = {}
    for name, columns in [*GROUPS.items(), *((c, (c,)) for c in SINGLE)]:
        best = _best(rows, columns)
        for column in columns:
            out[column] = best[column].reindex(out.index)
        support[name] = pd.to_numeric(best["support"].reindex(out.index)).fillna(0).astype(int)
    grouped = rows.groupby("cluster_id")
    out["confidence"] = grouped["confidence"].max()
    out["n_rows"] = grouped.size()
    out["n_sources"] = grouped["source_dataset"].nunique()
    sources = rows[["cluster_id", "source_dataset"]].drop_duplicates().sort_values(["cluster_id", "source_dataset"])
    out["sources"] = sources.groupby("cluster_id")["source_dataset"].agg(",".join)
    # {"date":2,"place":1,...} per cluster, built column-wise (json.dumps per row is slow)
    text = pd.Series("{", index=out.index)
    for k, (name, count) in enumerate(support.items()):
        text = text + ("," if k else "") + json.dumps(name) + ":" + count.astype(str)
    out["support"] = text + "}"
    out = out.reset_index()
    out["event_id"] = out["cluster_id"]
    return out[["cluster_id", *COLUMNS, *FUSED_EXTRA]]
