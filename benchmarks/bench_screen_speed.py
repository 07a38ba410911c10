"""The screen's fitting stage, an old screening.py against the current one, same counts, same run.

    git show REV:src/jervis/analysis/screen/screening.py > /tmp/old_screening.py
    (src/jervis/screening.py for revisions before it moved to analysis/screen/)
    nice -n 10 python benchmarks/bench_screen_speed.py --old /tmp/old_screening.py \\
        --lake LAKE [--pairs 20] [--top 50]

LAKE: a Parquet event lake (bench_screen.py --keep DIR leaves one in DIR/lake-ROWS-SEED). The
top ``--top`` actors' daily counts are read once; then ``run_pairs`` (2 worker processes) fits
the first ``--pairs`` pairs with the old module, the current one, the current one with BLAS left
multi-threaded, and the current one again. Prints seconds per phase and the load average.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pandas as pd  # noqa: E402

from jervis.analysis.screen import screening as new  # noqa: E402
from jervis.analysis.settings import resolve  # noqa: E402
from jervis.store.dyad import Filters, Side  # noqa: E402
from jervis.store.engine import Engine  # noqa: E402
from jervis.store.schema import VIOLENT_EVENTS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True)
    parser.add_argument("--lake", type=Path, required=True)
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--top", type=int, default=50)
    args = parser.parse_args()
    spec = importlib.util.spec_from_file_location("old_screening", args.old)
    old = importlib.util.module_from_spec(spec)
    sys.modules["old_screening"] = old  # the worker processes find its functions by name
    spec.loader.exec_module(old)
    engine = Engine(lake=args.lake)
    filters = Filters(start=date(2004, 1, 1), end=date(2009, 12, 31), events=sorted(VIOLENT_EVENTS))
    actors = new.top_actors(engine, args.top, filters)
    counts = new.daily_counts(engine, {a: Side(label=a, actors=[a]) for a in actors}, filters)
    pairs = list(itertools.combinations(actors, 2))[: args.pairs]
    settings = resolve({}, {"bin": "day"})
    first, last = pd.Timestamp("2004-01-01"), pd.Timestamp("2009-12-31")
    limited = new.screen_pair
    out: dict = {"pairs": len(pairs), "load_start": os.getloadavg()[0]}
    for label, module in (("new", new), ("old", old), ("new_blas_threads", new), ("new_again", new)):
        new.screen_pair = (lambda *a: new._screen_pair(*a)) if label == "new_blas_threads" else limited
        started = time.perf_counter()
        module.run_pairs(counts, pairs, first, last, settings, 2)
        out[label] = time.perf_counter() - started
        print(label, round(out[label], 1), "s, load", os.getloadavg()[0], flush=True)
    new.screen_pair = limited
    print(json.dumps(out))


if __name__ == "__main__":
    main()
