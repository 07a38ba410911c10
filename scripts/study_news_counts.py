"""Casualty counts on the right news event: do the count rules of the seventh round generalise?
(docs/extraction.md, "Seventh round: counts on the right event").

Reads only the *learn* articles: news-dev (all 12), news-dev2's learn part (01-14) and, when it
is there, news-dev4's learn part. Never reads a test or validation part (news-dev2 15-24,
news-dev4's test part: scored as counts with ``jervis eval extract``), nor the held-out sets.

Prints, as JSON, for the learn articles together and for each set:

1. ``all rules`` and ``without``: found / extracted / counts right, event-level F1 and F1 with
   casualties on the right event (as ``score_news``), with every rule of the round and with
   each switched off;
2. ``rule_cv``: leave-one-article-out over the rules' authoring (as in
   ``scripts/study_news_rows.py``): held out, an article keeps a rule only if the rule also helps
   at least one *other* learn article; a rule written from one article's errors counts nothing
   on it.

    .venv/bin/python scripts/study_news_counts.py
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEVER = re.compile(r"(?!x)x")
LEARN_SETS = ("news-dev", "news-dev2", "news-dev4")


def learn_docs() -> list:
    from jervis.text.goldsets import read_news

    docs = []
    for name in LEARN_SETS:
        path = ROOT / "tests/fixtures" / name / "gold.jsonl"
        if path.is_file():
            docs += [d for d in read_news(path) if d.split == "learn" or name == "news-dev"]
            for d in docs:
                d.__dict__.setdefault("set_name", name)
    return docs


def _switches() -> dict:
    """Each rule of the round and how to switch it off (monkeypatching the modules)."""
    ex = importlib.import_module("jervis.text.extract")
    numbers = importlib.import_module("jervis.text.numbers")
    places = importlib.import_module("jervis.text.places")
    saved = {"elsewhere": places._VICTIMS_ELSEWHERE, "counted": numbers._ATTACKERS_COUNTED,
             "died": numbers._DIED, "aside": ex._VICTIMS_ASIDE}  # fmt: skip
    return {
        "toll place: victims' origin or hospital is not the event's place": lambda on: setattr(
            places, "_VICTIMS_ELSEWHERE", saved["elsewhere"] if on else NEVER),
        "attackers counted in a figure or as the subject of 'died'": lambda on: (
            setattr(numbers, "_ATTACKERS_COUNTED", saved["counted"] if on else NEVER),
            setattr(numbers, "_DIED", saved["died"] if on else NEVER)),
        "a victims' aside names no attacker": lambda on: setattr(
            ex, "_VICTIMS_ASIDE", saved["aside"] if on else NEVER),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "scripts"))
    from study_news_rows import _value, per_article, summary

    docs = learn_docs()
    switches = _switches()
    full = per_article(docs)
    report: dict = {"articles": len(docs), "all rules": summary(full), "without": {}}
    by_set = {}
    for name in LEARN_SETS:
        rows = [r for d, r in zip(docs, full, strict=True) if d.set_name == name]
        if rows:
            by_set[name] = summary(rows)
    report["all rules, per set"] = by_set
    support: dict[str, set[int]] = {}
    hurts: dict[str, list[str]] = {}
    for name, switch in switches.items():
        switch(False)
        rows = per_article(docs)
        switch(True)
        report["without"][name] = summary(rows)
        pairs = list(enumerate(zip(full, rows, strict=True)))
        support[name] = {k for k, (a, b) in pairs if _value(a) > _value(b)}
        hurts[name] = sorted(docs[k].doc_id for k, (a, b) in pairs if _value(a) < _value(b))
    for switch in switches.values():
        switch(False)
    report["no rule of the round"] = summary(per_article(docs))
    for switch in switches.values():
        switch(True)
    report["articles each rule helps"] = {
        n: sorted(f"{docs[k].set_name}/{docs[k].doc_id}" for k in s) for n, s in support.items()}
    report["articles each rule hurts"] = hurts
    cv = []
    for k, doc in enumerate(docs):
        off = [n for n, s in support.items() if not (s - {k})]
        for name in off:
            switches[name](False)
        cv.extend(per_article([doc]))
        for name in off:
            switches[name](True)
    report["rule_cv"] = summary(cv)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
