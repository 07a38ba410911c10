"""What checking every event file's columns costs when a lake is opened, on many partitions.

    nice -n 10 python benchmarks/bench_lake_check.py [--partitions 200] [--files 1] [--rows 500]
    PYTHONPATH=OLD/src python benchmarks/bench_lake_check.py ...   # the same on another revision

Builds a lake of ``--partitions`` months (``--files`` Parquet files each, ``--rows`` rows per
file, the ACLED fixture's rows repeated) in a temporary folder, then times, in one process:

* ``baseline``: DuckDB alone counting the lake's rows (``read_parquet`` by name, no checks);
* ``cold``: a new ``Engine(lake=...)`` counting its events, with no file schema read before
  (the per-file schema cache, when the revision has one, is emptied first);
* ``warm``: the same with the schemas of an earlier open still cached;
* ``check_cold``/``check_warm``: the per-file check alone, footers read / from the cache.

Prints the median of ``--repeat`` runs of each and their ratios to the baseline, as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT / "src"))

import duckdb  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402

import jervis  # noqa: E402
from jervis.store import lake as lake_module  # noqa: E402
from jervis.store.engine import Engine  # noqa: E402
from jervis.store.lake import event_files, write_events  # noqa: E402
from jervis.store.schema import ARROW_SCHEMA, COLUMNS  # noqa: E402

ACLED = ROOT / "tests" / "fixtures" / "acled" / "acled_iraq_2020-03.csv"


def build(folder: Path, partitions: int, files: int, rows: int) -> Path:
    """A lake of ``partitions`` months with ``files`` files of ``rows`` rows in each."""
    seed = folder / "seed"
    jervis.ingest(ACLED, lake=seed)
    base = pa.Table.from_pandas(jervis.events(Engine(lake=seed))[list(COLUMNS)],
                                schema=ARROW_SCHEMA.remove_metadata(), preserve_index=False)  # fmt: skip
    base = base.take([k % base.num_rows for k in range(rows)])
    lake = folder / "lake"
    for f in range(files):
        parts = []
        for m in range(partitions):
            year, month = 2000 + m // 12, 1 + m % 12
            dates = pa.array([f"{year}-{month:02d}-{1 + k % 28:02d}" for k in range(rows)]).cast(pa.date32())
            ids = pc.binary_join_element_wise(base["event_id"], pa.scalar(f"-{m}-{f}-"),
                                              pa.array([str(k) for k in range(rows)]), "")  # fmt: skip
            part = base.set_column(base.schema.get_field_index("date"), "date", dates)
            parts.append(part.set_column(part.schema.get_field_index("event_id"), "event_id", ids))
        write_events(lake, pa.concat_tables(parts), ingest_id=f + 1)  # one file per partition
    return lake


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partitions", type=int, default=200)
    parser.add_argument("--files", type=int, default=1)
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jervis-lake-check-") as tmp:
        lake = build(Path(tmp), args.partitions, args.files, args.rows)
        files = [str(f) for f in event_files(lake)]
        expected = args.partitions * args.files * args.rows

        def baseline() -> None:
            con = duckdb.connect()
            n = con.read_parquet(files, hive_partitioning=False, union_by_name=True).aggregate("count(*)").fetchone()[0]
            con.close()
            assert n == expected, n

        def open_lake() -> None:
            with Engine(lake=lake) as engine:
                n = int(engine.raw_events().count().to_pandas())
            assert n == expected, n

        def cold() -> None:
            if hasattr(lake_module, "_SCHEMAS"):
                lake_module._SCHEMAS.clear()
            open_lake()

        open_lake()  # imports, DuckDB's first connection: not in any timing
        out: dict = {"files": len(files), "rows": expected, "revision_caches": hasattr(lake_module, "_SCHEMAS"),
                     "load_start": os.getloadavg()[0]}  # fmt: skip
        times: dict[str, list[float]] = {"baseline": [], "cold": [], "warm": []}
        caches = hasattr(lake_module, "_SCHEMAS")
        if caches:  # the check alone: every footer read, then every footer from the cache
            times |= {"check_cold": [], "check_warm": []}
        paths = [Path(f) for f in files]
        for _ in range(args.repeat):  # interleaved, so a change of load hits all of them
            times["baseline"].append(timed(baseline))
            times["cold"].append(timed(cold))
            times["warm"].append(timed(open_lake))
            if caches:
                lake_module._SCHEMAS.clear()
                times["check_cold"].append(timed(lambda: lake_module.check_files(lake, paths)))
                times["check_warm"].append(timed(lambda: lake_module.check_files(lake, paths)))
        for name, values in times.items():
            out[f"{name}_s"] = round(statistics.median(values), 4)
        for name in ("cold", "warm"):
            out[f"{name}_over_baseline"] = round(out[f"{name}_s"] / out["baseline_s"], 2)
        out["load_end"] = os.getloadavg()[0]
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
