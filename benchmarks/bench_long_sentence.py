"""Extraction time of one run-on sentence as it grows: linear since over-long sentences are cut.

A "sentence" without a full stop (a scraped page, a list of hundreds of clauses) used to reach
every check and the parse whole; the role search pairs every trigger of a sentence with every
candidate phrase of it, so the time grew with the square of its length (2,000 words: 7 s;
4,000: 34 s; 8,000: 247 s on the benchmark machine, 2026-11-30). jervis.text.pipeline now cuts a
sentence longer than MAX_SENTENCE characters at clause punctuation. This script times
``extract_text`` (default backend) on run-on sentences of growing length, each made of the same
attack clause repeated (the worst case: every clause is an attack with a toll) and of random
news words, and reports the time per word at each size and the ratio of the largest size's
time per word to the smallest's (1.0: linear). ``--uncut`` also times the same texts with the
cut switched off (MAX_SENTENCE set beyond the text), up to 2,000 words, as the baseline in the
same process.

    .venv/bin/python benchmarks/bench_long_sentence.py [--uncut]      # JSON on stdout
"""

from __future__ import annotations

import argparse
import json
import random
import time

CLAUSE = "militants attacked the village and killed two people, "
WORDS = ("the army said rebels in the north killed when shelling village police near the town "
         "and people fired at a convoy on the road").split()  # fmt: skip


def texts(words: int) -> dict[str, str]:
    rng = random.Random(words)
    clauses = "On Monday " + CLAUSE * (words // len(CLAUSE.split())) + "officials said"
    return {"clauses": clauses, "random": " ".join(rng.choice(WORDS) for _ in range(words))}


def timed(text: str) -> float:
    from jervis.text import extract_text

    start = time.perf_counter()
    extract_text(text, published="2023-05-10")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000, 8000])
    parser.add_argument("--uncut", action="store_true", help="also time without the cut")
    args = parser.parse_args()
    from jervis.text import extract_text, pipeline

    extract_text("A bomb killed two people in Kabul on Monday.", published="2023-05-10")  # warm up
    out: dict = {"max_sentence": pipeline.MAX_SENTENCE, "cut": {}, "uncut": {}}
    for kind in ("clauses", "random"):
        rows = []
        for size in args.sizes:
            text = texts(size)[kind]
            seconds = timed(text)
            rows.append({"words": len(text.split()), "seconds": round(seconds, 3),
                         "ms_per_word": round(1000 * seconds / len(text.split()), 4)})  # fmt: skip
        out["cut"][kind] = {"rows": rows, "per_word_ratio_largest_to_smallest":
                            round(rows[-1]["ms_per_word"] / rows[0]["ms_per_word"], 2)}  # fmt: skip
        if args.uncut:
            cut, pipeline.MAX_SENTENCE = pipeline.MAX_SENTENCE, 10**9
            try:
                rows = []
                for size in [s for s in args.sizes if s <= 2000]:
                    text = texts(size)[kind]
                    seconds = timed(text)
                    rows.append({"words": len(text.split()), "seconds": round(seconds, 3),
                                 "ms_per_word": round(1000 * seconds / len(text.split()), 4)})  # fmt: skip
                out["uncut"][kind] = rows
            finally:
                pipeline.MAX_SENTENCE = cut
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
