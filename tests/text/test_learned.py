"""The learned trigger and role classifiers, their training labels, and the scorers that measure
them at the annotated triggers and on a news set (invented sentences and documents only)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from jervis.text.evaluate import evaluate, score
from jervis.text.goldsets import GoldDoc, GoldEvent

ROOT = Path(__file__).parents[2]
MODELS = ROOT / "src" / "jervis" / "data" / "text" / "models"


def _train_script():
    import sys

    if "train_extractor" not in sys.modules:
        path = ROOT / "scripts" / "train_extractor.py"
        spec = importlib.util.spec_from_file_location("train_extractor", path)
        sys.modules["train_extractor"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["train_extractor"])
    return sys.modules["train_extractor"]


@pytest.mark.parametrize("name", ["trigger", "roles", "detector"])
def test_shipped_models_are_small_data_with_their_provenance(name):
    path = MODELS / f"{name}.json"
    assert path.stat().st_size < 400_000
    data = json.loads(path.read_text())
    assert data["weights"] and all(len(w) == len(data["classes"]) for w in data["weights"].values())
    info = data["info"]
    assert "train fitted" in info["splits"] and info["data"]
    assert not any(key.startswith("test/") for key in info["examples"])
    if name == "trigger":
        assert set(data["thresholds"]) == {"veto", "add"}
    if name == "roles":
        assert set(data["classes"]) == {"none", "attacker", "target", "place", "instrument"}


def _probability(sentence: str, word: str) -> float:
    from jervis.text.detect import all_hits
    from jervis.text.lexicon import load_lexicon
    from jervis.text.pipeline import split_sentences
    from jervis.text.roles import parser
    from jervis.text.triggers import probabilities

    lex = load_lexicon()
    (s,) = split_sentences([sentence])[0]
    hits = all_hits(lex, s)
    probs = probabilities(lex, s, hits, parser()(s.norm))
    return next(p for h, p in zip(hits, probs, strict=True) if h.text.lower().startswith(word))


def test_the_trigger_classifier_tells_the_violent_sense_from_the_everyday_one():
    assert _probability("US jets carried out air strikes on militant positions on Monday.",
                        "air strikes") > _probability(
        "Workers at the plant went on strike on Monday over pay.", "strike")  # fmt: skip
    assert _probability("Gunmen attacked a police station in the north, killing two officers.",
                        "attacked") > _probability(
        "The senator attacked the bill as reckless in a speech.", "attacked")  # fmt: skip


@pytest.mark.parametrize(
    ("sentence", "trigger", "attacker", "target", "model_alone"),
    [
        ("Gunmen attacked a police station in the north on Monday.", "attacked", "Gunmen",
         "police station", True),
        ("Rebel fighters shelled the town overnight.", "shelled", "fighters", "town", True),
        # the model alone gives the passive subject P(target) 0.11, under its threshold: MUC-4's
        # fillers leave most such victims unlabelled (docs/extraction.md); the grammar rule
        # that comes first reads it
        ("A convoy was ambushed by militants near the border.", "ambushed", "militants",
         "convoy", False),
    ],
)
def test_roles_in_active_and_passive_voice(sentence, trigger, attacker, target, model_alone):
    from jervis.text.arguments import roles
    from jervis.text.lexicon import load_lexicon
    from jervis.text.roles import parser
    from jervis.text.syntax import token_at

    doc = parser()(sentence)
    at = sentence.index(trigger)
    found = roles(load_lexicon(), doc, token_at(doc, at, at + len(trigger)),
                  rules_first=not model_alone)  # fmt: skip
    assert found[0] is not None and attacker in found[0].text
    assert found[1] is not None and target in found[1].text


def test_training_labels_respect_partial_annotation():
    train = _train_script()
    rams = train.TrainDoc("rams", "train", "p", "x" * 100, triggers=[(10, 16, "attack")])
    m2e2 = train.TrainDoc("m2e2", "train", "s", "x" * 100,
                          triggers=[(10, 16, "attack"), (30, 36, "ambiguous"), (50, 56, "other")])  # fmt: skip
    assert train._trigger_label(rams, 10, 16) == 1
    assert train._trigger_label(rams, 60, 66) is None  # RAMS: an unannotated word is unknown
    assert train._trigger_label(m2e2, 60, 66) == 0  # M2E2 marks every event of its sentence
    assert train._trigger_label(m2e2, 30, 36) is None  # deaths: neither attack nor not
    assert train._trigger_label(m2e2, 50, 56) == 0
    plover = train.TrainDoc("plover", "train", "r", "x", record="ambiguous")
    assert train._trigger_label(plover, 0, 1) is None


def test_trigger_training_weighs_each_corpus_the_same_and_counts_uncovered_attacks():
    from jervis.text.pipeline import split_sentences

    train = _train_script()
    rows = ([("train", "m2e2", ("s", i), ["f"], i % 2) for i in range(8)]
            + [("train", "rams", ("p", i), ["f"], 1) for i in range(2)]
            + [("dev", "rams", ("q", 0), ["f"], 1)])  # fmt: skip
    weigh = train.corpus_weights(rows)
    totals = {c: sum(weigh(r) for r in rows if r[0] == "train" and r[1] == c)
              for c in ("m2e2", "rams")}  # fmt: skip
    assert totals["m2e2"] == pytest.approx(totals["rams"]) == pytest.approx(5.0)
    # a RAMS attack trigger that no candidate word covers is a miss whatever the model says
    rams = [r for r in rows if r[1] == "rams"]
    assert train.detection_scores(rams, [True] * 3)["rams"] == 1.0
    with_misses = train.detection_scores(rams, [True] * 3, missed={"rams": 3})
    assert with_misses["rams"] == pytest.approx(2 / 3)
    text = "Militants detonated a bomb at the market. The minister welcomed the envoys."
    doc = train.TrainDoc("rams", "train", "p", text,
                         triggers=[(10, 19, "attack"), (55, 63, "attack")])  # fmt: skip
    doc.sentences = split_sentences([text])[0]
    assert train.uncovered_attacks([doc]) == {"rams": 1}  # "welcomed" is no candidate


def test_training_reads_no_test_split(monkeypatch):
    train = _train_script()
    fixtures = ROOT / "tests" / "fixtures"
    monkeypatch.delenv("JERVIS_SHARED_DATA", raising=False)
    assert train.data_folder(None) == fixtures  # retrained from the data shipped in the repository
    rams = train.read_rams(train.corpus_file(fixtures, "rams/dev.jsonlines", "rams/dev.jsonlines.gz"))
    assert len(rams) == 924 and {d.split for d in rams} == {"train", "dev"}  # RAMS' dev file only
    docs = train.read_m2e2(fixtures / "m2e2" / "text_only_event.compact.jsonl")
    assert docs and {d.split for d in docs} == {"train", "dev"}
    assert len(docs) == 932 - 172  # the 172 test sentences are dropped as they are read
    plover = train.read_plover(fixtures / "plover-gsr" / "PLOVER_GSR_CAMEO.txt")
    assert {d.split for d in plover} == {"train", "dev"}


def _fake(preds_by_doc):
    def extractor(text, **kw):
        return preds_by_doc.get(kw["doc_id"], [])  # doc_id None: the scorer's warm-up call

    return extractor


def test_scoring_at_the_annotated_triggers():
    text = "Rebels attacked the town. The minister met envoys. A strike hit a depot."
    attack = GoldEvent(actors=("Rebels",), spans={"actor": [(0, 6)], "trigger": [(7, 15)]})
    partial = GoldDoc("p", text, [attack], triggers=[(7, 15, "attack"), (39, 42, "other")])
    missed = GoldDoc("m", text, [attack], triggers=[(7, 15, "attack")])
    complete = GoldDoc("c", text, [], triggers=[(39, 42, "other")], complete=True)
    died = GoldDoc("d", text, [], triggers=[(54, 57, "ambiguous")])

    def pred(*spans):
        return {"event": "ASSAULT", "trigger_spans": list(spans), "actor_raw": "Rebels",
                "spans": {"actor": (0, 6)}}  # fmt: skip

    preds = {"p": [pred((7, 15)), pred((55, 58))], "m": [], "c": [pred((55, 58))],
             "d": [pred((52, 57))]}  # fmt: skip
    r = score([partial, missed, complete, died], _fake(preds), kind="rams", unit="trigger")
    # partial: the attack found, the unannotated "strike hit" neither right nor wrong;
    # complete: a prediction where nothing is annotated is a false positive
    assert (r.tp, r.fp, r.fn) == (1, 1, 1)
    assert (r.positives, r.negatives, r.ambiguous, r.ambiguous_flagged) == (2, 2, 1, 1)
    assert r.fields["actor"].correct == r.fields["actor"].scored == 1
    preds["p"] = [pred((39, 42))]  # an attack on the annotated meeting: a false positive
    r = score([partial], _fake(preds), kind="rams", unit="trigger")
    assert (r.tp, r.fp, r.fn) == (0, 1, 1)


def test_news_scorer_on_an_invented_set(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Rockets Hit Base\n\nRockets struck a military base near Kirkuk on Tuesday, killing two "
        "soldiers and wounding five, officials said. On Thursday, US jets struck militia "
        "positions near Qaim, killing four fighters.\n", encoding="utf-8")  # fmt: skip
    (tmp_path / "b.txt").write_text("Talks\n\nDiplomats met in Geneva on Monday. No attack was "
                                    "reported.\n", encoding="utf-8")  # fmt: skip
    first = {"date": "2019-12-31", "event": "ASSAULT", "actor": None, "target": "a military base",
             "killed": 2, "wounded": 5, "evidence": ["Rockets struck a military base"],
             "note": ""}  # fmt: skip
    second = {"date": "2020-01-02", "event": "ASSAULT", "actor": "US", "target": "militia",
              "killed": 4, "wounded": None, "evidence": ["US jets struck"], "note": "Background"}  # fmt: skip
    lines = [{"file": "a.txt", "published": "2020-01-03", "sources": [], "events": [first, second]},
             {"file": "b.txt", "published": "2020-01-06", "sources": [], "events": []}]  # fmt: skip
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")

    def extractor(text, **kw):
        if kw["doc_id"] is None:
            return []  # the scorer's warm-up call
        if kw["doc_id"] != "a.txt":
            return [{"event": "ASSAULT", "date": "2020-01-06"}]  # a false alarm
        return [{"event": "ASSAULT", "date": "2019-12-31", "killed": 2, "wounded": 5},
                {"event": "ASSAULT", "date": "2020-01-02", "actor": "Iran", "killed": 4}]

    r = evaluate(gold, extractor=extractor, bootstrap=50)
    assert r.kind == "news"
    lenient, strict = r.extra["lenient"], r.extra["strict"]
    # the second prediction names another party than the gold's: not the same event
    assert (lenient["tp"], lenient["predicted"], lenient["gold"]) == (1, 3, 2)
    assert lenient["f1"] == pytest.approx(0.4) and lenient["casualties_right"] == 1
    assert strict["tp"] == 0  # strict: the target left empty where the gold names one
    assert r.extra["without_background"]["gold"] == 1
    assert r.extra["errors"]["missed: events within a day, actor or target incompatible"] == 1
    summary = json.dumps(r.summary())
    assert "Kirkuk" not in summary and "Rockets" not in summary  # no text of the set is shown
