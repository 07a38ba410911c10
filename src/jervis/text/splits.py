"""Train / dev / test splits of the gold corpora, fixed in code, by document.

Every learned component is fitted on ``train`` only; ``dev`` chooses its settings (regularisation,
thresholds); ``test`` is only ever scored. A document's split is a pure function of the corpus
name and the document's key (a hash), so it never changes between runs or machines, and all the
sentences of one news story land in the same split (no story is half learned, half scored).

| corpus | unit hashed | train / dev / test |
|---|---|---|
| RAMS | source article (URL) of a passage | RAMS ``dev`` file: 75 / 25 / 0; RAMS ``test`` file: test |
| M2E2 | VOA story (sentence id without its number) | 60 / 20 / 20 |
| PLOVER GSR | record | 60 / 20 / 20 |
| MUC-4 | document | ``train.json`` (DEV-MUC3): 85 / 15 / 0; ``dev.json`` (TST1, TST2): test |
| seed article, real-news set | document | test only |
"""

from __future__ import annotations

import hashlib

SPLITS = ("train", "dev", "test")
# (train share, dev share) of the hashed keys; the rest is test
_SHARES = {"m2e2": (0.6, 0.2), "plover": (0.6, 0.2), "rams": (0.75, 0.25), "muc4": (0.85, 0.15)}


def _unit(corpus: str, key: str) -> float:
    digest = hashlib.sha256(f"{corpus}:{key}".encode()).hexdigest()
    return int(digest[:12], 16) / float(16**12)


def split_of(corpus: str, key: str, *, held_out: bool = False) -> str:
    """The split of the document ``key`` of ``corpus``; ``held_out`` = the corpus' own test file."""
    if held_out or corpus not in _SHARES:
        return "test"
    train, dev = _SHARES[corpus]
    u = _unit(corpus, key)
    return "train" if u < train else "dev" if u < train + dev else "test"
