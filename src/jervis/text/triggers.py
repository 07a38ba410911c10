"""The learned trigger classifier: is this word an attack, read from its sentence's parse?

Every candidate word of a sentence (a trigger of the lexicon or of its broad violence vocabulary,
:func:`jervis.text.detect.all_hits`) is judged on its own. The features are what a reader uses:
the word and its kind, its part of speech and grammatical relation, the word it depends on and
the words that depend on it ("strike" under "went on" is a labour strike; "attack" with "on" and
an object is an assault), the subject's kind (armed men, a name, a pronoun, a weapon), negation,
modal and future auxiliaries, the tense of the governing verb, what the hand-written checks say
(negated, modal, generic, background...), and the surface context of
:func:`jervis.text.features.mention_features`. A logistic regression over them
(``models/trigger.json``), fitted on the train splits of M2E2, RAMS and PLOVER, gives
P(attack) per word.
"""

from __future__ import annotations

from jervis.text.detect import Hit, Mention
from jervis.text.features import mention_features
from jervis.text.lexicon import Lexicon
from jervis.text.syntax import PRONOUN_TAGS, passive, stem, token_at

_MODAL = frozenset("will would could might may should must can shall 'll wo ca".split())
_ARMED_TAGS = ("NNP", "NNPS")


def _kind_of(lex: Lexicon, token) -> str:
    """A coarse type for a subject or object: armed, name, pronoun, number, weapon, other."""
    if token is None:
        return "none"
    word = token.text
    if token.tag_ in PRONOUN_TAGS:
        return "pron"
    if lex.cues["armed"].fullmatch(word):
        return "armed"
    if lex.cues["weapon"].fullmatch(word) or lex.trigger_re.fullmatch(word):
        return "weapon"
    if token.tag_ in _ARMED_TAGS or any(c.tag_ in _ARMED_TAGS and c.dep_ == "compound"
                                         for c in token.children):  # fmt: skip
        return "name"
    if token.like_num:
        return "num"
    return "other"


def _governor(token):
    """The verb that governs the trigger (itself if a verb; up to three steps for a noun)."""
    verb = token
    for _ in range(3):
        if verb.tag_.startswith("VB") or verb.head is verb:
            break
        verb = verb.head
    return verb if verb.tag_.startswith("VB") else None


def parse_features(lex: Lexicon, doc, hit: Hit) -> list[str]:
    """The syntactic features of one trigger hit (sentence offsets) in its parsed sentence."""
    tok = token_at(doc, hit.start, hit.end)
    if tok is None:
        return ["p:none"]
    w = stem(tok.text)
    pos = tok.tag_[:2]
    head = tok.head
    feats = [f"p:tag={tok.tag_}", f"p:dep={tok.dep_}", f"p:w={w}|{pos}", f"p:w={w}|{tok.dep_}",
             f"p:head={stem(head.text)}", f"p:dephead={tok.dep_}|{stem(head.text)}",
             f"p:headtag={head.tag_}"]  # fmt: skip
    if head.dep_ == "prep" or head.dep_ == "agent":
        feats.append(f"p:prep={head.lower_}|{stem(head.head.text)}")
    for child in tok.children:
        if child.dep_ in ("punct", "det"):
            if child.dep_ == "det":
                feats.append(f"p:det={child.lower_}")
            continue
        feats.append(f"p:c={child.dep_}")
        feats.append(f"p:c={child.dep_}|{stem(child.text)}")
        if child.dep_ in ("prep", "agent"):
            obj = next((g for g in child.children if g.dep_ == "pobj"), None)
            feats.append(f"p:pobj={child.lower_}|{_kind_of(lex, obj)}")
        if child.dep_ in ("nsubj", "nsubjpass", "dobj", "poss", "compound", "amod"):
            feats.append(f"p:arg={child.dep_}|{_kind_of(lex, child)}")
            feats.append(f"p:arg={child.dep_}|{_kind_of(lex, child)}|{w}")
    verb = _governor(tok)
    if verb is not None:
        aux = [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")]
        feats.append(f"p:vtag={verb.tag_}")
        if verb is not tok:
            feats.append(f"p:gov={stem(verb.text)}")
            feats.append(f"p:gov={stem(verb.text)}|{w}")
            subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            feats.append(f"p:govsubj={_kind_of(lex, subj)}")
        if any(a in _MODAL for a in aux):
            feats.append("p:modal")
        if any(c.dep_ == "neg" for c in verb.children) or any(c.dep_ == "neg" for c in tok.children):
            feats.append("p:neg")
        if passive(verb):
            feats.append("p:passive")
        if verb.dep_ in ("xcomp", "ccomp", "advcl", "relcl", "acl", "pcomp"):
            feats.append(f"p:vdep={verb.dep_}|{stem(verb.head.text)}")
        if verb.dep_ == "ROOT":
            feats.append("p:root_clause")
    else:
        feats.append("p:no_verb")
    feats.append(f"p:pos={pos}|kind={hit.trigger.kind}")
    return feats


def trigger_features(lex: Lexicon, hit: Hit, sentence, doc) -> list[str]:
    """All features of a candidate word: surface context (features.py) plus its parse."""
    return mention_features(lex, Mention(sentence, [hit])) + parse_features(lex, doc, hit)


def probabilities(lex: Lexicon, sentence, hits: list[Hit], doc) -> list[float | None]:
    """P(attack) for each hit (None for casualty words: no corpus labels them as attacks)."""
    from jervis.text.classifier import load_model

    model = load_model("trigger")
    return [None if h.trigger.kind == "casualty"
            else model.probability(trigger_features(lex, h, sentence, doc)) for h in hits]  # fmt: skip


def attack_mentions(lex: Lexicon, sentence, hits: list[Hit], probs: list[float | None]
                    ) -> list[Mention]:  # fmt: skip
    """Every attack mention, as ACE-style annotation marks them (hypothetical, negated or generic
    ones too): the words the classifier takes for attacks, with the casualty words of their
    clause."""
    from jervis.text.classifier import load_model
    from jervis.text.detect import group

    threshold = load_model("trigger").threshold
    keep = [h for h, p in zip(hits, probs, strict=True)
            if (p is not None and p >= threshold) or h.trigger.kind == "casualty"]  # fmt: skip
    out = [m for m in group(sentence, keep) if any(h.trigger.kind != "casualty" for h in m.hits)]
    return _with_probability(out, hits, probs)


def event_decisions(lex: Lexicon, sentence, hits: list[Hit], ruled: list[Mention]
                    ) -> list[tuple[Hit, bool, bool]]:  # fmt: skip
    """(hit, reported by the checks, may be added from the broad vocabulary) for each attack
    word; ``ruled``: the checks' mentions of the sentence (jervis.text.detect.find_mentions)."""
    from jervis.text.detect import corroborated

    spans = {(h.start, h.end) for m in ruled for h in m.hits}
    strong = any(not h.trigger.weak for m in ruled for h in m.hits if h.trigger.kind != "casualty")
    out = []
    for hit in hits:
        if hit.trigger.kind == "casualty":
            continue
        added = (hit.trigger.broad and hit.reason is None
                 and corroborated(lex, sentence.norm, hit, strong))  # fmt: skip
        out.append((hit, (hit.start, hit.end) in spans, added))
    return out


def event_limits() -> tuple[float, float]:
    """(veto, add) thresholds of reported_events."""
    from jervis.text.classifier import load_model

    model = load_model("trigger")
    limits = model.thresholds or {}
    return limits.get("veto", model.threshold), limits.get("add", 1.01)


def reported_events(lex: Lexicon, sentence, hits: list[Hit], ruled: list[Mention], doc
                    ) -> list[Mention]:  # fmt: skip
    """Mentions of events reported as having happened.

    The hand-written checks say whether a word is *reported* (not negated, modal, generic,
    background; a word with everyday senses corroborated by an armed agent, a weapon or a
    casualty: ``ruled``, from jervis.text.detect.find_mentions); the classifier says whether it
    is an *attack*: it vetoes a reported word below its ``veto`` threshold and adds a word of the
    broad vocabulary that the checks accept above its ``add`` threshold (both chosen on held-out
    data, see scripts/train_extractor.py). Casualty words go with the attack words of their
    clause, or stand alone as the checks decide (no corpus labels deaths as attacks). Only the
    words the thresholds can change are scored."""
    from jervis.text.classifier import load_model
    from jervis.text.detect import group

    model = load_model("trigger")
    veto, add = event_limits()
    keep, probs = [], []
    for hit, reported, added in event_decisions(lex, sentence, hits, ruled):
        p = None
        if (reported and veto > 0) or (added and add <= 1):
            p = model.probability(trigger_features(lex, hit, sentence, doc))
        if (reported and (veto <= 0 or p >= veto)) or (added and p is not None and p >= add):
            keep.append(hit)
            probs.append(p)
    for mention in ruled:
        spans = {(h.start, h.end) for h in mention.hits}
        if all(h.trigger.kind == "casualty" for h in mention.hits) or any(
            (k.start, k.end) in spans for k in keep
        ):
            keep += [h for h in mention.hits if h.trigger.kind == "casualty"]
            probs += [None] * sum(h.trigger.kind == "casualty" for h in mention.hits)
    order = sorted(range(len(keep)), key=lambda i: keep[i].start)
    keep, probs = [keep[i] for i in order], [probs[i] for i in order]
    return _with_probability(group(sentence, keep), keep, probs)


def may_report(lex: Lexicon, sentence, hits: list[Hit], ruled: list[Mention]) -> bool:
    """Whether reported_events can find anything in the sentence (else it needs no parse)."""
    if ruled:
        return True
    _, add = event_limits()
    return add <= 1 and any(added for _, _, added in event_decisions(lex, sentence, hits, ruled))


def _with_probability(mentions: list[Mention], hits, probs) -> list[Mention]:
    for m in mentions:
        ps = [p for h, p in zip(hits, probs, strict=True)
              if p is not None and any(h.start == x.start and h.end == x.end for x in m.hits)]
        m.probability = max(ps) if ps else None
    return mentions
