"""From scored pairs to clusters: one cluster per real-world event.

A pair's weight is its log-odds of being one event minus the log-odds at the threshold:
positive for a link, negative for a pair that is compatible but more likely two events; a
pair the matcher did not return (it failed a hard rule or scored below ``cohesion``) weighs
as much as one scoring ``cohesion``, so a chain of look-alikes costs more than its links
bring unless the evidence for it is strong (two reports of one event may differ from each
other more than each from the event: a day early and a day late). The clusters maximise the
total weight of the pairs inside them (correlation clustering), under one hard constraint: a
cluster holds at most one row of each curated source (a source that lists each event once;
with several reports of a day in one town, a re-report is a noisy version of *one* of them).

Exact correlation clustering is NP-hard; three steps get close:

1. **Matching.** Between two curated sources each row may link to one row of the other, so
   their links are chosen by a maximum-weight one-to-one matching (scipy's sparse
   assignment), not best-first: when two reports of one day and town look alike, the
   matching gives each its best *overall* partner instead of the first taker.
2. **Best-first merging** of the chosen links (a union-find that keeps both constraints).
3. **Local search.** Each row moves to the cluster of a scored partner, to a cluster where
   it swaps places with the row of its own source, or out on its own, whenever that raises
   the total weight; repeated until nothing improves. A third report then counts: a copy
   torn between two originals goes where the other reports of its event are.

Everything runs on integer ids in this process over the pairs the engine returned (a small
fraction of the rows' candidate pairs); the order is fixed by the event ids, so the same
pairs give the same clusters on every engine.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching

from jervis.store.engine import FUSED_PREFIX

MAX_ROUNDS = 20
BATCH_PAIRS = 500_000  # pairs clustered at a time (whole components)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(p / (1 - p))


def _matched(a: np.ndarray, b: np.ndarray, w: np.ndarray, sa: np.ndarray, sb: np.ndarray,
             curated: np.ndarray) -> np.ndarray:  # fmt: skip
    """Which links (w >= 0) survive a maximum-weight one-to-one matching per pair of curated
    sources; links that involve a source that is not curated all survive."""
    keep = np.ones(len(a), dtype=bool)
    both = curated[sa] & curated[sb] & (sa != sb)
    if not both.any():
        return keep
    lo, hi = np.minimum(sa, sb), np.maximum(sa, sb)
    groups = pd.DataFrame({"lo": lo[both], "hi": hi[both], "i": np.flatnonzero(both)}).groupby(["lo", "hi"])["i"]
    for _, index in groups:
        idx = index.to_numpy()
        left = np.where(sa[idx] == lo[idx], a[idx], b[idx])
        right = np.where(sa[idx] == lo[idx], b[idx], a[idx])
        rows, li = np.unique(left, return_inverse=True)
        cols, ri = np.unique(right, return_inverse=True)
        n, m = len(rows), len(cols)
        top = float(w[idx].max()) + 1.0  # costs top - w > 0; an unmatched row costs top
        cost = np.concatenate([top - w[idx], np.full(n, top)])
        graph = csr_matrix(
            (cost, (np.concatenate([li, np.arange(n)]), np.concatenate([ri, m + np.arange(n)]))), shape=(n, m + n)
        )
        r, c = min_weight_full_bipartite_matching(graph)
        chosen = np.zeros((n,), dtype=np.int64) - 1
        chosen[r] = c
        keep[idx] = chosen[li] == ri
    return keep


class _Clusters:
    """Clusters over integer row ids with the pairs' weights; the two constraints kept."""

    def __init__(self, n: int, a, b, w, source, curated, unscored: float) -> None:
        self.unscored = unscored  # the weight of a pair the matcher did not return
        self.nb: list[dict[int, float]] = [{} for _ in range(n)]
        for x, y, v in zip(a.tolist(), b.tolist(), w.tolist(), strict=True):
            self.nb[x][y] = v
            self.nb[y][x] = v
        self.source = source.tolist()
        self.curated = curated[source].tolist()
        self.label = list(range(n))
        self.members: dict[int, set[int]] = {x: {x} for x in range(n)}
        self.fresh = n  # labels for rows that leave their cluster to stand alone

    def fits(self, x: int, cluster: set[int], without: int = -1) -> float | None:
        """Weight x adds to ``cluster`` (minus ``without``), None if it holds x's curated source."""
        total = 0.0
        nb, own, unscored = self.nb[x], self.source[x], self.unscored
        for y in cluster:
            if y == x or y == without:
                continue
            if self.curated[x] and self.source[y] == own:
                return None
            total += nb.get(y, unscored)
        return total

    def merge(self, x: int, y: int) -> None:
        """Best-first: merge the clusters of x and y if no curated source is in both and the
        pairs across weigh more than nothing."""
        cx, cy = self.label[x], self.label[y]
        if cx == cy:
            return
        mx, my = self.members[cx], self.members[cy]
        if len(mx) < len(my):
            cx, cy, mx, my = cy, cx, my, mx
        gains = [self.fits(z, mx) for z in my]
        if any(g is None for g in gains) or sum(gains) <= 0:  # type: ignore[arg-type]
            return
        for z in my:
            self.label[z] = cx
        mx |= my
        del self.members[cy]

    def _move(self, x: int, to: int | None, swap: int = -1) -> None:
        here = self.label[x]
        self.members[here].discard(x)
        if swap >= 0:
            self.members[to].discard(swap)
            self.members[here].add(swap)
            self.label[swap] = here
        if to is None:  # alone, under a fresh label
            to, self.fresh = self.fresh, self.fresh + 1
            self.members[to] = set()
        self.members[to].add(x)
        self.label[x] = to
        if not self.members[here]:
            del self.members[here]

    def improve(self, order: list[int]) -> list[int]:
        """One pass of local search over ``order``; returns the rows to look at again (the
        neighbours of those that moved), in order."""
        again: set[int] = set()
        for x in order:
            here = self.label[x]
            mine = self.members[here]
            elsewhere = {self.label[y] for y in self.nb[x]} - {here}
            if not elsewhere and len(mine) == 1:
                continue
            stay = self.fits(x, mine) or 0.0
            best, action = 1e-9, None
            if len(mine) > 1 and -stay > best:
                best, action = -stay, (None, -1)
            for c in sorted(elsewhere):
                theirs = self.members[c]
                gain = self.fits(x, theirs)
                if gain is not None and gain - stay > best:
                    best, action = gain - stay, (c, -1)
                if not self.curated[x]:
                    continue
                for z in sorted(theirs):  # swap places with the row of x's own source
                    if self.source[z] != self.source[x]:
                        continue
                    gx = self.fits(x, theirs, without=z)
                    gz = self.fits(z, mine, without=x)
                    if gx is None or gz is None:
                        continue
                    delta = gx + gz - stay - (self.fits(z, theirs) or 0.0)
                    if delta > best:
                        best, action = delta, (c, z)
            if action is not None:
                again.update(self.nb[x], mine)
                if action[1] >= 0:
                    again.update(self.nb[action[1]])
                self._move(x, *action)
        return sorted(again)


def clusters(
    pairs: pd.DataFrame, threshold: float, curated: tuple[str, ...] = (), cohesion: float = 0.01
) -> pd.DataFrame:
    """event_id -> cluster_id for every row in a cluster of two or more.

    ``pairs``: a, b (event ids), source_a, source_b, score for every pair scoring at least
    ``cohesion``; pairs scoring at least ``threshold`` are links.
    """
    empty = pd.DataFrame({"event_id": pd.Series(dtype=str), "cluster_id": pd.Series(dtype=str)})
    if pairs.empty or not (pairs["score"] >= threshold).any():
        return empty
    codes, ids = pd.factorize(pd.concat([pairs["a"], pairs["b"]], ignore_index=True), sort=True)
    a, b = codes[: len(pairs)], codes[len(pairs) :]
    src, names = pd.factorize(pd.concat([pairs["source_a"], pairs["source_b"]], ignore_index=True), sort=True)
    source = np.zeros(len(ids), dtype=np.int64)
    source[a], source[b] = src[: len(pairs)], src[len(pairs) :]
    is_curated = np.isin(np.asarray(names, dtype=object), list(curated))
    # Rounded, so that engines whose last float bits differ still order ties the same way.
    zero = _logit(np.array([threshold]))[0]
    w = np.round(_logit(pairs["score"].to_numpy(float)) - zero, 9)
    unscored = float(_logit(np.array([cohesion]))[0] - zero)
    label = np.arange(len(ids))
    # Rows only ever join rows they are scored with, so each connected component of the pairs
    # is clustered on its own: in batches of whole components, memory stays bounded at ten
    # million rows, and the result is the same as one pass over all of them.
    _, component = connected_components(csr_matrix((np.ones(len(a)), (a, b)), shape=(len(ids), len(ids))),
                                        directed=False)  # fmt: skip
    order = np.argsort(component[a], kind="stable")
    ends = np.searchsorted(component[a][order], np.arange(component.max() + 2))
    start = 0
    while start < len(ends) - 1:
        stop = int(np.searchsorted(ends, ends[start] + BATCH_PAIRS, side="right"))
        stop = max(stop - 1, start + 1)
        chosen = order[ends[start] : ends[stop]]
        if len(chosen):
            rows, local = np.unique(np.concatenate([a[chosen], b[chosen]]), return_inverse=True)
            la, lb = local[: len(chosen)], local[len(chosen) :]
            label[rows] = rows[_cluster(len(rows), la, lb, w[chosen], source[rows], is_curated, unscored)]
        start = stop
    frame = pd.DataFrame({"event_id": np.asarray(ids, dtype=object), "label": label})
    frame = frame[frame.groupby("label")["event_id"].transform("size") > 1]
    first = frame.groupby("label")["event_id"].transform("min")  # ids sorted: min = first
    frame = frame.assign(cluster_id=FUSED_PREFIX + first)
    return frame[["event_id", "cluster_id"]].sort_values(["cluster_id", "event_id"], ignore_index=True)


def _cluster(n: int, a: np.ndarray, b: np.ndarray, w: np.ndarray, source: np.ndarray, is_curated: np.ndarray,
             unscored: float) -> np.ndarray:  # fmt: skip
    """Steps 1-3 on rows 0..n-1 (in event-id order); each row's label is a row of its cluster."""
    links = w >= 0
    keep = _matched(a[links], b[links], w[links], source[a[links]], source[b[links]], is_curated)
    state = _Clusters(n, a, b, w, source, is_curated, unscored)
    la, lb, lw = a[links][keep], b[links][keep], w[links][keep]
    for k in np.lexsort((lb, la, -lw)):  # best first; ties by id
        state.merge(int(la[k]), int(lb[k]))
    order = list(range(n))  # every row of a pair, in the order of the event ids
    for _ in range(MAX_ROUNDS):
        order = state.improve(order)
        if not order:
            break
    label = np.asarray(state.label)
    # fresh labels (rows that left to stand alone) are >= n: map every label to its first row
    _, first, inverse = np.unique(label, return_index=True, return_inverse=True)
    return first[inverse].astype(np.int64)


def total_weight(pairs: pd.DataFrame, links: pd.DataFrame, threshold: float) -> float:
    """The objective: the summed weight of the scored pairs inside clusters (for tests)."""
    label = dict(zip(links["event_id"], links["cluster_id"], strict=True))
    inside = [label.get(x) is not None and label.get(x) == label.get(y) for x, y in zip(pairs["a"], pairs["b"], strict=True)]
    w = _logit(pairs["score"].to_numpy(float)) - math.log(threshold / (1 - threshold))
    return float(w[np.asarray(inside, dtype=bool)].sum())
