"""Gold readers on the real files, the scorer's arithmetic, the keyword baseline and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jervis.errors import JervisError
from jervis.text import baseline
from jervis.text.evaluate import evaluate, score
from jervis.text.goldsets import GoldDoc, GoldEvent, detect_kind, read_gold

FIXTURES = Path(__file__).parents[1] / "fixtures"
PLOVER = FIXTURES / "plover-gsr" / "PLOVER_GSR_CAMEO.txt"
M2E2 = FIXTURES / "m2e2" / "text_only_event.compact.jsonl"


def test_plover_reader_counts():
    kind, docs = read_gold(PLOVER)
    assert kind == "plover"
    assert len(docs) == 322  # the DOCUMENT record has no text
    positives = [d for d in docs if d.events]
    assert len(positives) == 32
    assert {d.label for d in positives} == {"ASSAULT", "FIGHT"}
    # COERCE-0016 and COERCE-0018 repeat the sentences of ASSAULT-0002 and FIGHT-0006
    assert [d.doc_id for d in docs if d.ambiguous] == [
        "PLOVER-GSR01-COERCE-0016",
        "PLOVER-GSR01-COERCE-0018",
    ]
    assert sum(d.negative for d in docs) == 288
    by_id = {d.doc_id: d.events[0] for d in positives}
    samarra = by_id["PLOVER-GSR01-ASSAULT-0011"]
    assert (samarra.killed, samarra.wounded, samarra.places) == ((1,), (2,), ("Samarra",))
    assert samarra.modes and "ied" in samarra.modes and samarra.mode_label == "explosives"
    assert by_id["PLOVER-GSR01-ASSAULT-0001"].actors == ("Burundian militiamen",)
    assert not by_id["PLOVER-GSR01-ASSAULT-0001"].actor_unnamed
    assert samarra.actor_unnamed  # coded as CAMEO "UAF": unidentified armed forces
    assert sum(e.killed is not None for e in by_id.values()) == 15


def test_m2e2_reader_counts():
    kind, docs = read_gold(M2E2)
    assert kind == "m2e2"
    assert len(docs) == 932
    raw = [json.loads(line) for line in M2E2.read_text().splitlines()]
    attacks = sum(
        m["event_type"] == "Conflict:Attack" for r in raw for m in r["golden-event-mentions"]
    )
    assert attacks == 302
    assert sum(bool(d.events) for d in docs) == 271  # sentences with at least one attack
    assert sum(d.ambiguous for d in docs) == 129  # Life:Die without Conflict:Attack
    assert sum(d.negative for d in docs) == 932 - 271 - 129
    dallas = next(d for d in docs if d.doc_id == "VOA_EN_NW_2016.07.14.3417836_21")
    event = dallas.events[0]
    assert event.places == ("Dallas",) and event.actors == ("sniper",)
    start, end = event.spans["place"][0]
    assert dallas.text[start:end] == "Dallas"
    assert event.modes == frozenset({"small_arms", "armed_clash"})  # trigger "shot"


def test_seed_reader_and_detect_kind(tmp_path):
    gold = _seed(tmp_path)
    assert detect_kind(gold) == "seed"
    kind, docs = read_gold(gold)
    assert kind == "seed" and len(docs) == 1 and len(docs[0].events) == 2
    first = docs[0].events[0]
    assert first.killed == (2, 3) and first.actor_unnamed and first.modes == {"rocket"}
    with pytest.raises(JervisError):
        detect_kind(tmp_path / "missing.json")
    (tmp_path / "odd.json").write_text('{"x": 1}')
    with pytest.raises(JervisError, match="--kind"):
        detect_kind(tmp_path / "odd.json")


def test_seed_lists_inline_text_and_folders(tmp_path):
    docs = [
        {"id": "a", "text": "Gunmen killed three police officers in Kirkuk on Monday.",
         "published": "2021-06-08",
         "events": [{"date": "2021-06-07", "mode": ["small_arms", "armed_clash"], "killed": 3,
                     "location": "Kirkuk", "actor_side": "unknown (not named in the text)"}]},
        {"id": "b", "text": "Ministers met in Baghdad to discuss the budget.", "events": []},
    ]  # fmt: skip
    (tmp_path / "many.json").write_text(json.dumps(docs))
    kind, read = read_gold(tmp_path / "many.json")
    assert kind == "seed" and [d.doc_id for d in read] == ["a", "b"]
    event = read[0].events[0]
    assert event.modes == {"small_arms", "armed_clash"} and event.killed == (3,)
    assert event.places == ("Kirkuk",) and event.actor_unnamed and read[1].negative
    _seed(tmp_path)
    kind, both = read_gold(tmp_path)  # a folder: every *.json in it
    assert kind == "seed" and len(both) == 3
    outputs = {"a": [{"event": "ASSAULT", "date": "2021-06-07", "mode": "small_arms",
                      "killed": 3, "location": "Kirkuk", "evidence": docs[0]["text"]}],
               "b": [{"event": "ASSAULT", "evidence": docs[1]["text"]}]}  # fmt: skip
    r = score(read, _fixed(outputs), kind="seed")
    assert (r.tp, r.fp, r.fn, r.negatives, r.negatives_flagged) == (1, 1, 0, 1, 1)
    assert all(r.fields[f].correct == r.fields[f].scored == 1 for f in ("mode", "place", "actor"))


def _seed(tmp_path: Path) -> Path:
    text = (
        "Rockets killed 2 US soldiers at a base on Wednesday. "
        "On Friday US jets struck militia depots. "
        "Officials said they would not strike again."
    )
    (tmp_path / "a.txt").write_text(text)
    gold = {
        "document": "a.txt", "published": "2020-03-14",
        "events": [
            {"key": "r", "date": "2020-03-11", "event": "ASSAULT", "mode": "rocket",
             "actor_side": "militia (not named in the text)", "target_side": "us_coalition",
             "country": "IRQ", "killed": {"accept": [2, 3]},
             "evidence": "Rockets killed 2 US soldiers at a base on Wednesday"},
            {"key": "s", "date": "2020-03-13", "event": "ASSAULT", "mode": "air_strike",
             "actor_side": "us_coalition", "killed": {"accept": [None]},
             "evidence": "US jets struck militia depots"},
        ],
    }  # fmt: skip
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold))
    return path


def _fixed(outputs: dict[str, list[dict]]):
    """An extractor that returns canned events per document."""

    def extractor(text, *, published=None, doc_id=None, **_):
        return outputs.get(doc_id, [])

    return extractor


def test_record_scoring_arithmetic():
    def doc(i, events):
        return GoldDoc(f"d{i}", f"text {i}", events)

    gold = GoldEvent(actors=("rebels",), modes=frozenset({"rocket"}), mode_label="heavy",
                     killed=(4,), places=("Basra",))  # fmt: skip
    docs = [doc(1, [gold]), doc(2, [gold]), doc(3, [gold]), doc(4, []), doc(5, []),
            GoldDoc("d6", "text 6", [], ambiguous=True)]  # fmt: skip
    hit = {"event": "ASSAULT", "actor_raw": "the rebels", "mode": "rocket", "killed": 4,
           "location": "Basrah"}  # fmt: skip
    wrong = {"event": "FIGHT", "actor": "army", "mode": "mortar", "killed": 3, "location": "Mosul"}
    outputs = {
        "d1": [hit, {"event": "ASSAULT"}],  # detected, one extra event
        "d2": [wrong],  # detected, fields wrong
        "d3": [{"event": "COERCE"}],  # not violent: a miss
        "d4": [{"event": "ASSAULT"}],  # false alarm on a negative
        "d6": [{"event": "ASSAULT"}],  # ambiguous: reported, not scored
    }
    r = score(docs, _fixed(outputs), kind="test")
    assert r.unit == "record"
    assert (r.tp, r.fp, r.fn, r.positives, r.negatives, r.ambiguous) == (2, 1, 1, 3, 2, 1)
    assert r.precision == pytest.approx(2 / 3) and r.recall == pytest.approx(2 / 3)
    assert r.f1 == pytest.approx(2 / 3)
    assert r.fp_rate == pytest.approx(1 / 2)
    assert (r.ambiguous_flagged, r.extra_events) == (1, 1)
    for name in ("actor", "mode", "killed", "place"):
        assert (r.fields[name].scored, r.fields[name].correct) == (2, 1), name
    assert r.mode_confusion == {"heavy": {"rocket": 1, "mortar": 1}}
    summary = r.summary()
    json.dumps(summary)
    assert summary["f1"] == pytest.approx(0.6667) and "target" not in summary["fields"]


def test_event_scoring_matches_by_evidence_and_date(tmp_path):
    gold = _seed(tmp_path)
    _, docs = read_gold(gold)
    text = docs[0].text
    good = {"event": "ASSAULT", "date": "2020-03-11", "mode": "rocket", "killed": 2,
            "actor": None, "target_side": "us_coalition", "country": "IRQ",
            "evidence": "Rockets killed 2 US soldiers at a base on Wednesday."}  # fmt: skip
    at = text.index("they would not strike")
    false_alarm = {"event": "ASSAULT", "date": "2020-03-14", "spans": {"event": (at, at + 20)}}
    r = score(docs, _fixed({"a.txt": [false_alarm, good]}), kind="seed")
    assert r.unit == "event"
    assert (r.tp, r.fp, r.fn) == (1, 1, 1)
    assert r.precision == pytest.approx(0.5) and r.recall == pytest.approx(0.5)
    for name in ("date", "actor", "target", "mode", "place", "killed"):
        assert (r.fields[name].scored, r.fields[name].correct) == (1, 1), name


def test_keyword_baseline_on_plover_and_m2e2():
    plover = evaluate(PLOVER, extractor=baseline.extract_text, backend="baseline")
    assert (plover.tp, plover.fp, plover.fn) == (24, 35, 8)
    assert plover.f1 == pytest.approx(0.527, abs=0.001)
    m2e2 = evaluate(M2E2, extractor=baseline.extract_text, backend="baseline")
    assert 0.7 < m2e2.f1 < 0.85 and 0.03 < m2e2.fp_rate < 0.12
    assert baseline.extract_text("The weather was fine. Nothing happened.") == []
    events = baseline.extract_text("Calm day. A bomb killed two people in Kabul.")
    assert len(events) == 1 and events[0]["evidence"] == "A bomb killed two people in Kabul."


def test_eval_cli_json(tmp_path):
    from typer.testing import CliRunner

    from jervis.cli import app

    result = CliRunner().invoke(
        app, ["eval", "extract", "--gold", str(PLOVER), "--baseline", "--json", "--limit", "60"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kind"] == "plover" and data["documents"] == 60
    assert data["backend"] == "keyword-baseline"
    table = CliRunner().invoke(app, ["eval", "extract", "--gold", str(_seed(tmp_path)),
                                     "--baseline"])  # fmt: skip
    assert table.exit_code == 0 and "Fields on matched events" in table.output
    # --level mention scores the backend's own mention detector (the rules backend's surface one)
    rules = CliRunner().invoke(app, ["eval", "extract", "--gold", str(PLOVER), "--json", "--limit",
                                     "5", "--level", "mention", "--backend", "rules"])  # fmt: skip
    assert rules.exit_code == 0 and json.loads(rules.output)["backend"] == "mentions (rules)"
    wrong = CliRunner().invoke(app, ["eval", "extract", "--gold", str(PLOVER), "--level", "mention",
                                     "--backend", "fast"])  # fmt: skip
    assert "unknown --backend 'fast'" in str(wrong.exception)  # jervis.cli.main: one line, exit 2


def test_benchmark_corpus_and_docs_section(tmp_path):
    import importlib.util

    path = Path(__file__).parents[2] / "benchmarks" / "bench_extract.py"
    spec = importlib.util.spec_from_file_location("bench_extract", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    articles = bench.build_corpus(60)
    assert len(articles) == 60
    assert all(600 <= len(a["text"].split()) < 700 for a in articles)
    assert len({a["text"] for a in articles}) == 60  # laps start elsewhere: no verbatim repeats
    later = bench.build_corpus(60, offset=3)
    assert [a["text"] for a in later] == [a["text"] for a in articles]
    assert all(a["published"] != b["published"] for a, b in zip(articles, later, strict=True))
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\n## GDELT ingest\n\nkept\n")
    bench.write_section(bench.SECTION + "\n\nfirst\n", doc)
    bench.write_section(bench.SECTION + "\n\nsecond\n", doc)
    text = doc.read_text()
    assert "kept" in text and "second" in text and "first" not in text
    assert text.count(bench.SECTION) == 1
