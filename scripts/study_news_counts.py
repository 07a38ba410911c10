"""Casualty counts on the right news event: do the count rules of the seventh and ninth rounds
generalise? (docs/extraction.md, "Seventh round: counts on the right event", "Ninth round").

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


def learn_docs(paths: dict[str, Path] | None = None) -> list:
    from jervis.text.goldsets import read_news

    docs = []
    for name in LEARN_SETS:
        path = (paths or {}).get(name) or ROOT / "tests/fixtures" / name / "gold.jsonl"
        if path.is_file():
            docs += [d for d in read_news(path) if d.split == "learn" or name == "news-dev"]
            for d in docs:
                d.__dict__.setdefault("set_name", name)
    return docs


def _standalone_switch(numbers, marker: str):
    """Switch one STANDALONE figure pattern (found by a fragment of its source) on or off."""
    entry = next(e for e in numbers.STANDALONE if marker in e[1].pattern)
    at = numbers.STANDALONE.index(entry)

    def switch(on: bool) -> None:
        if on and entry not in numbers.STANDALONE:
            numbers.STANDALONE.insert(at, entry)
        if not on and entry in numbers.STANDALONE:
            numbers.STANDALONE.remove(entry)
        numbers._standalone.cache_clear()

    return switch


def _switches() -> dict:
    """Each rule of the round and how to switch it off (monkeypatching the modules)."""
    ex = importlib.import_module("jervis.text.extract")
    numbers = importlib.import_module("jervis.text.numbers")
    places = importlib.import_module("jervis.text.places")
    coref = importlib.import_module("jervis.text.coref")
    lexicon = importlib.import_module("jervis.text.lexicon")
    lex = lexicon.load_lexicon()
    air = next(k for k, (mode, _) in enumerate(lex.modes) if mode == "air_strike")
    saved = {"elsewhere": places._VICTIMS_ELSEWHERE, "counted": numbers._ATTACKERS_COUNTED,
             "died": numbers._DIED, "aside": ex._VICTIMS_ASIDE, "modes": lex.modes,
             "verb": ex._CASUALTY_VERB, "first": numbers._FIRST_REPORT,
             "period": ex._PERIOD_TOLL, "speech": ex._SPEECH_BEFORE}  # fmt: skip
    old_speech = re.compile(saved["speech"].pattern.replace(
        "|denied|denies|condemned|vowed|blamed|accused|warned", ""), re.IGNORECASE)
    assert old_speech.pattern != saved["speech"].pattern, "the speech verbs changed: update this switch"
    source = lex.modes[air][1].pattern
    person = r"(?<!\bthe\s)bomber\b(?!\s+(?:who|struck|blew|detonated|set))|bombers\b(?<!suicide bombers)"
    assert person in source, "the bomber rule's pattern changed: update this switch"
    old_air = re.compile(source.replace(person, r"bombers?\b(?<!suicide bombers)"), re.IGNORECASE)
    old_modes = tuple((m, old_air if k == air else p) for k, (m, p) in enumerate(lex.modes))

    def set_modes(on: bool) -> None:
        object.__setattr__(lex, "modes", saved["modes"] if on else old_modes)

    return {
        "toll place: victims' origin or hospital is not the event's place": lambda on: setattr(
            places, "_VICTIMS_ELSEWHERE", saved["elsewhere"] if on else NEVER),
        "attackers counted in a figure or as the subject of 'died'": lambda on: (
            setattr(numbers, "_ATTACKERS_COUNTED", saved["counted"] if on else NEVER),
            setattr(numbers, "_DIED", saved["died"] if on else NEVER)),
        "a victims' aside names no attacker": lambda on: setattr(
            ex, "_VICTIMS_ASIDE", saved["aside"] if on else NEVER),
        "'the bomber' is a person, not an aircraft": set_modes,
        "'the number of dead rose to N'": _standalone_switch(numbers, "number\\s+of"),
        "'N bodies were recovered'": _standalone_switch(numbers, "bodies"),
        "'N were treated in hospital'": _standalone_switch(numbers, "hospitali"),
        "a casualty report joins the event in view in the same country": lambda on: setattr(
            coref, "CASUALTY_REPORT_SAME_COUNTRY", on),
        "a toll's figure phrase is not a wounded verb": lambda on: setattr(
            ex, "_CASUALTY_VERB", saved["verb"] if on else re.compile(r"(?s).*")),
        "a first report's figure is replaced by a later one": lambda on: setattr(
            numbers, "_FIRST_REPORT", saved["first"] if on else NEVER),
        "a toll over a period is no event's toll": lambda on: setattr(
            ex, "_PERIOD_TOLL", saved["period"] if on else NEVER),
        # ninth round (news9)
        "news9: a toll told before any event joins the attack told next": lambda on: setattr(
            coref, "LEAD_TOLL_WAITS", on),
        "news9: 'N of them children' is part of a figure, not more victims": lambda on: setattr(
            numbers, "SUBSET_IS_NOT_MORE", on),
        "news9: a weapon or device is no attacker": lambda on: setattr(
            ex, "INSTRUMENT_IS_NO_ACTOR", on),
        "news9: a day after 'denied' or 'condemned' is the statement's": lambda on: setattr(
            ex, "_SPEECH_BEFORE", saved["speech"] if on else old_speech),
        "news9: 'the attack came N days after X' dates X, not the attack": lambda on: setattr(
            ex, "CAME_AFTER_DATES_WHAT_FOLLOWS", on),
        "news9: a date whose nearest mention has a nearer one dates the next": lambda on: setattr(
            ex, "ONE_DATE_PER_MENTION", on),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--news-dev4", type=Path, help="news-dev4's gold.jsonl where it is not "
                        "yet in tests/fixtures (its learn part only is read)")  # fmt: skip
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "scripts"))
    from study_news_rows import ablation_and_rule_cv, per_article, summary

    docs = learn_docs({"news-dev4": args.news_dev4} if args.news_dev4 else None)
    for d in docs:
        d.doc_id = f"{d.set_name}/{d.doc_id}"
    switches = _switches()
    report: dict = {"articles": len(docs), **ablation_and_rule_cv(docs, switches)}
    full = per_article(docs)
    report["all rules, per set"] = {
        name: summary([r for d, r in zip(docs, full, strict=True) if d.set_name == name])
        for name in LEARN_SETS if any(d.set_name == name for d in docs)}  # fmt: skip
    for switch in switches.values():
        switch(False)
    report["no rule of the round"] = summary(per_article(docs))
    for switch in switches.values():
        switch(True)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
