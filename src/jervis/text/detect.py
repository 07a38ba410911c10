"""Event mentions in one sentence: triggers found, checked, and grouped into mentions.

A *hit* is one trigger match ("attack", "killed", "air strikes"). Hits that survive the checks in
:mod:`jervis.text.negation` and are close together in one clause form a *mention*: "a rocket
attack killed two soldiers" is one mention with two hits. A participle after a comma (", killing
three") belongs to the mention before it. Two mentions in one sentence ("After a rocket attack
killed two soldiers Wednesday, the US carried out air strikes Thursday") stay apart.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from jervis.text.lexicon import Lexicon, Trigger
from jervis.text.negation import definite_before, is_background, is_passive, reject_reason
from jervis.text.pipeline import Sentence

_JOIN_GAP = 45  # characters between hits of one mention
_PARTICIPLE = re.compile(r",?\s*(?:and\s+)?$")
_PP_ONLY = re.compile(r"^\s*(?:(?:in|during|by|from|under|after|while|at|near|on)\s+)?(?:(?:the|a|an|"
                      r"recent|latest|two|three|several|[\w'-]+)\s+){0,4}$", re.IGNORECASE)  # fmt: skip
_CASUALTY_AFTER = re.compile(r"^[^,;.]{0,60}?\b(?:killed|killing|kills?|wounded|wounding|injured|"
                             r"injuring|destroyed|damaged)\b", re.IGNORECASE)  # fmt: skip
# An explosion that harms by accident is no attack: "a gas explosion killed five".
_ACCIDENTAL = re.compile(r"\b(?:gas|boiler|accidental|industrial|factory|fireworks?|volcanic|"
                         r"methane|tanker|pipeline|cylinder)\s+$", re.IGNORECASE)  # fmt: skip
_CASUALTY_WORD = re.compile(r"(?:kill|wound|injur|maim)", re.IGNORECASE)
# "Wednesday's attack", "last week's bombing": a dated possessive names one specific event.
_DATED = re.compile(r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun|yester|to)day|tonight|last\s+"
                    r"(?:night|week|month)|(?:this|last)\s+(?:week|weekend)|weekend)'s\s+"
                    r"(?:[\w-]+\s+){0,2}$", re.IGNORECASE)  # fmt: skip
_VICTIMS = re.compile(r"((?:[\w'-]+\s+){1,3})(?:were|was|have\s+been|had\s+been|has\s+been)\s+"
                      r"(?:\w+ly\s+)?$", re.IGNORECASE)  # fmt: skip
_ON_PEOPLE = re.compile(r"\s+(?:on|against)\s+(?:[\w'-]+\s+){0,2}(?:civilians|citizens|villagers|"
                        r"residents|worshippers|pilgrims|children|women|students|refugees|"
                        r"migrants|minorities|"
                        r"Christians|Muslims|Jews|Shi'?ites|Sunnis|Kurds|Yazidis|protesters|"
                        r"demonstrators|people)\b", re.IGNORECASE)  # fmt: skip
_MISHAP = re.compile(r"\b(?:crash\w*|accident\w*|collision|collided|fell|drown\w*|earthquake|"
                     r"flood\w*|storm|avalanche|landslide|disease|illness|covid|heart|training|"
                     r"exercise|"
                     r"friendly\s+fire|natural\s+causes)\b", re.IGNORECASE)  # fmt: skip
_DATED_NOUN = re.compile(r"(?:counter-?)?attack|bomb|blast|explosion|assault", re.IGNORECASE)
_LINK = re.compile(r"^\s*(?:\w+\s+){0,6}?(?:in|during|with|by|using|from|after)\s+(?:an?|the)\s+",
                   re.IGNORECASE)  # fmt: skip


@dataclass
class Hit:
    start: int  # within the sentence
    end: int
    text: str
    trigger: Trigger
    passive: bool = False
    definite: bool = False
    reason: str | None = None  # why the checks reject it (None: they accept it)


@dataclass
class Mention:
    sentence: Sentence
    hits: list[Hit] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    probability: float | None = None  # the learned classifier's P(attack)

    @property
    def start(self) -> int:
        return self.hits[0].start

    @property
    def end(self) -> int:
        return self.hits[-1].end

    @property
    def strong(self) -> bool:
        return any(h.trigger.kind != "casualty" and not h.trigger.weak for h in self.hits)


def find_hits(lex: Lexicon, sentence: Sentence) -> tuple[list[Hit], list[tuple[str, str]]]:
    """Trigger hits that pass the checks, and (text, reason) for those that do not."""
    kept: list[Hit] = []
    rejected: list[tuple[str, str]] = []
    if lex.prefilter is not None and not lex.prefilter.search(sentence.norm):
        return kept, rejected  # fast path: no trigger stem at all
    for hit in _checked(lex, sentence.norm, list(lex.trigger_re.finditer(sentence.norm))):
        if hit.reason:
            rejected.append((hit.text, hit.reason))
        else:
            kept.append(hit)
    return kept, rejected


def all_hits(lex: Lexicon, sentence: Sentence) -> list[Hit]:
    """Every trigger hit of the sentence, the broad vocabulary's too, each with the reason the
    checks give against it (None: accepted)."""
    return _all_hits(lex, sentence)[0]


def _all_hits(lex: Lexicon, sentence: Sentence) -> tuple[list[Hit], list[re.Match[str]], bool]:
    """(all_hits, the trigger matches alone, whether the broad vocabulary added any)."""
    norm = sentence.norm
    if sentence.heading or (lex.prefilter is not None and not lex.prefilter.search(norm)):
        return [], [], False
    triggers = list(lex.trigger_re.finditer(norm))
    matches = triggers
    if lex.broad_re is not None:
        taken = [(m.start(), m.end()) for m in matches]
        broad = [m for m in lex.broad_re.finditer(norm)
                 if not any(a < m.end() and m.start() < b for a, b in taken)]  # fmt: skip
        if broad:
            matches = sorted(triggers + broad, key=lambda m: m.start())
    return list(_checked(lex, norm, matches)), triggers, matches is not triggers


def screen(lex: Lexicon, sentence: Sentence) -> tuple[list[Hit], list[Mention]]:
    """(all_hits, find_mentions' mentions) of a sentence, the trigger scan and checks done once:
    the same results as calling both, in about half the time."""
    hits, triggers, broad = _all_hits(lex, sentence)
    if not hits and not triggers:
        return hits, []
    if broad:  # the checks read the hits in order (a victim phrase shadows the next): redo them
        checked = list(_checked(lex, sentence.norm, triggers))
    else:
        checked = [copy.copy(h) for h in hits]
    kept = [h for h in checked if not h.reason]
    rejected = [(h.text, h.reason) for h in checked if h.reason]
    return hits, _mentions(lex, sentence, kept, rejected)[0]


def _checked(lex: Lexicon, norm: str, matches: list[re.Match[str]]):
    """A Hit per trigger match, in order, with the checks' reason against it."""
    shadow, prev_end = -1, 0  # a phrase that only describes victims ("civilians killed in ...")
    for match in matches:
        start, end = match.start(), match.end()
        reason = reject_reason(lex, norm, start, end)
        if reason is None and start <= shadow and _PP_ONLY.match(norm[prev_end:start]):
            reason = "victim reference"
        if reason in ("victim reference", "nominal"):
            shadow, prev_end = end + 70, end
        if reason is None and is_background(lex, norm, start):
            reason = "background"
        yield Hit(start, end, match.group(0), lex.trigger_of(match),
                  passive=is_passive(norm, start, end), definite=definite_before(norm, start),
                  reason=reason)  # fmt: skip


def candidate_mentions(lex: Lexicon, sentence: Sentence) -> list[Mention]:
    """All hits (accepted or not) grouped into mentions: what the learned detector judges."""
    hits = all_hits(lex, sentence)
    mentions: list[Mention] = []
    for hit in hits:  # accepted and rejected hits never share a mention
        last = mentions[-1] if mentions else None
        if last and (last.hits[-1].reason is None) == (hit.reason is None) and _joins(
            sentence.norm, last, hit
        ):
            last.hits.append(hit)
        else:
            mentions.append(Mention(sentence, [hit]))
    return mentions


def corroborated(lex: Lexicon, norm: str, hit: Hit, strong: bool = False) -> bool:
    """The rule check for weak and casualty triggers (``strong``: a strong attack word is in the
    mention); a feature of the learned detector and the filter of its reported events."""
    return _corroborated(lex, norm, hit, strong)


def _corroborated(lex: Lexicon, norm: str, hit: Hit, strong_in_sentence: bool) -> bool:
    """Weak and casualty triggers need an armed agent, a weapon or a strong trigger nearby."""
    if hit.trigger.kind != "casualty" and not hit.trigger.weak:
        return True
    if strong_in_sentence:
        return True
    if _ACCIDENTAL.search(norm[max(0, hit.start - 20) : hit.start]):
        return False
    if _DATED_NOUN.match(hit.text) and _DATED.search(norm[max(0, hit.start - 40) : hit.start]):
        return True
    if hit.trigger.kind == "noun" and _ON_PEOPLE.match(norm[hit.end : hit.end + 50]):
        return True  # "attacks on migrants": violence against people, not against a policy
    lo, hi = max(0, hit.start - 80), min(len(norm), hit.end + 80)
    window = norm[lo : hit.start] + " " + norm[hit.end : hi]
    if lex.cues["weapon"].search(window):
        return True
    if hit.trigger.kind != "casualty" and _CASUALTY_AFTER.match(norm[hit.end : hit.end + 90]):
        return True  # "a blast on the road killed four" (the attack word is the subject)
    if hit.trigger.kind == "casualty":
        if hit.passive:
            by = re.search(r"\bby\s+((?:[\w'-]+\s+){0,4}[\w'-]+)", norm[hit.end : hit.end + 50])
            if by:  # the agent is named: armed or not decides
                agent = by.group(1)
                return bool(lex.cues["armed"].search(agent) or lex.cues["weapon"].search(agent))
            # "N soldiers were killed", "N officers were hurt": armed men as the victims
            victims = _VICTIMS.search(norm[max(0, hit.start - 60) : hit.start])
            if _MISHAP.search(norm[hit.end : hit.end + 80]):
                return False  # "... were killed in a road accident": a mishap, not an attack
            return bool(victims and lex.cues["armed"].search(victims.group(1)))
        subject = norm[max(0, hit.start - 50) : hit.start]
        return bool(lex.cues["armed"].search(subject))
    return bool(lex.cues["armed"].search(window))


def find_mentions(lex: Lexicon, sentence: Sentence) -> tuple[list[Mention], list[tuple[str, str]]]:
    """Mentions of violent events in a sentence (headings yield none)."""
    if sentence.heading:
        return [], []
    hits, rejected = find_hits(lex, sentence)
    return _mentions(lex, sentence, hits, rejected)


def _mentions(lex: Lexicon, sentence: Sentence, hits: list[Hit], rejected: list[tuple[str, str]]
              ) -> tuple[list[Mention], list[tuple[str, str]]]:  # fmt: skip
    """find_mentions from the sentence's checked trigger hits: kept ones and rejected ones."""
    if not hits:
        return [], rejected
    # a casualty verb goes with the attack words of its sentence: rejected with them
    had_rejected = any(not _CASUALTY_WORD.match(text) for text, _ in rejected)
    norm = sentence.norm
    strong = any(h.trigger.kind != "casualty" and not h.trigger.weak for h in hits)
    good = []
    for hit in hits:
        if hit.trigger.kind == "casualty":
            continue
        if _corroborated(lex, norm, hit, strong):
            good.append(hit)
        else:
            rejected.append((hit.text, "uncorroborated"))
    for hit in hits:  # a casualty verb beside a kept attack word is part of that attack
        if hit.trigger.kind != "casualty":
            continue
        alone = not any(h.trigger.kind != "casualty" for h in hits)
        if good or (alone and not had_rejected and _corroborated(lex, norm, hit, False)):
            good.append(hit)
        else:
            rejected.append((hit.text, "uncorroborated"))
    good.sort(key=lambda h: h.start)
    return group(sentence, good), rejected


def group(sentence: Sentence, hits: list[Hit]) -> list[Mention]:
    """Hits (in order) close together in one clause form a mention."""
    mentions: list[Mention] = []
    for hit in hits:
        if mentions and _joins(sentence.norm, mentions[-1], hit):
            mentions[-1].hits.append(hit)
        else:
            mentions.append(Mention(sentence, [hit]))
    return mentions


def _joins(norm: str, mention: Mention, hit: Hit) -> bool:
    gap = norm[mention.end : hit.start]
    if re.search(r"[;:]|\b(?:but|while|whereas)\b", gap):
        return False
    participle = hit.text.lower().endswith("ing")
    if hit.trigger.kind == "casualty" and len(gap) <= 160 and re.search(r",?\s+and\s+$", gap):
        return True  # "killed three soldiers ... in Karbala, and wounded 12": one predicate
    if "," in gap and not participle and hit.trigger.kind != "noun":
        return False  # ", US jets struck ...": a new clause with its own subject
    if hit.trigger.kind == "verb" and not participle and re.search(
        r"\b(?:and|while|as)\s+(?:the\s+|its\s+|their\s+)?[A-Z][\w.'-]*", gap
    ):
        return False  # "... and US jets struck ...": a second subject, a second event
    if len(gap) <= _JOIN_GAP and "(" not in gap:
        return True
    if hit.trigger.kind == "casualty" and len(gap) <= 80 and not re.search(r"[,(]", gap):
        return True  # "an attack with mortars on a checkpoint wounded five"
    if hit.trigger.kind == "casualty" and hit.text.lower().endswith("ing"):
        return bool(re.search(r",\s*(?:and\s+)?$", gap)) or len(gap) <= 120
    if hit.trigger.kind == "noun" and len(gap) <= 90 and _LINK.match(gap):
        return True
    return False
