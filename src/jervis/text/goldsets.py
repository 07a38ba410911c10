"""Readers for the gold sets the extractor is scored on: one shape, :class:`GoldDoc`, for all.

- ``seed``: a ``gold.json`` beside the article it codes (events with accepted values), a list of
  such documents (with ``document`` or inline ``text``), or a folder of such files.
- ``plover``: the PLOVER gold-standard records (a JSON array). ASSAULT and FIGHT records are
  positives; every other record is a negative that must yield no violent event, except the two
  whose sentence is also coded as an ASSAULT or FIGHT record (left out as ambiguous).
- ``m2e2``: M2E2 / ACE-style JSON lines. A sentence with a ``Conflict:Attack`` mention is a
  positive (its Attack mentions merged into one gold event: the extractor merges mentions of one
  attack too); a sentence with only other event types, or none, is a negative. A sentence whose
  only violent annotation is ``Life:Die`` is *ambiguous* (many are deaths in attacks whose attack
  word went unannotated: bombers who blow themselves up and kill people) and is left
  out of detection scores; how often the extractor fires on them is reported on its own.

Readers never guess: a field the gold does not state is ``None`` and is not scored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from jervis.errors import JervisError
from jervis.text.splits import split_of

KINDS = ("seed", "plover", "m2e2", "rams", "muc4", "news")

# PLOVER GSR "mode" labels -> the canonical modes (store/schema.py MODES) that agree with them.
# Labels that name a purpose rather than a weapon (assassinate, deport, other) are not scored.
PLOVER_MODES: dict[str, frozenset[str]] = {
    "explosives": frozenset({"ied", "car_bomb", "suicide_bomb", "landmine", "grenade"}),
    "suicide-attack": frozenset({"suicide_bomb", "car_bomb"}),
    "heavy-weapons": frozenset(
        {"artillery", "shelling", "rocket", "mortar", "missile", "air_strike", "drone_strike"}
    ),
    "firearms": frozenset({"small_arms", "armed_clash"}),
    "primitive": frozenset({"melee"}),
    "beat": frozenset({"melee"}),
    "torture": frozenset({"melee", "other"}),
    "sexual": frozenset({"melee", "other"}),
}

# M2E2 has no mode label: the Instrument argument (else the Attack trigger) names the weapon.
# First matching pattern wins; words that name no weapon ("attack", "war") give no gold mode.
_EXPLOSIVE = frozenset({"ied", "car_bomb", "suicide_bomb", "landmine", "grenade"})
M2E2_MODE_PATTERNS: tuple[tuple[str, str, frozenset[str]], ...] = tuple(
    (label, pattern, modes)
    for label, pattern, modes in (
        ("suicide", r"suicide", frozenset({"suicide_bomb", "car_bomb"})),
        ("car bomb", r"car[- ]?bomb|truck[- ]?bomb|vehicle[- ]borne", frozenset({"car_bomb"})),
        ("ied", r"\bied|roadside|improvised explosive", frozenset({"ied"})),
        ("drone", r"drone", frozenset({"drone_strike", "air_strike"})),
        ("air strike", r"air ?strike|air raid|warplane|jet|aircraft|bomber|helicopter|air force",
         frozenset({"air_strike", "drone_strike"})),
        ("missile", r"missile", frozenset({"missile", "air_strike", "rocket"})),
        ("rocket", r"rocket", frozenset({"rocket"})),
        ("mortar", r"mortar", frozenset({"mortar"})),
        ("shelling", r"shell|artillery|howitzer|tank", frozenset({"shelling", "artillery"})),
        ("grenade", r"grenade", frozenset({"grenade"})),
        ("explosives", r"bomb|explos|blast|blew|detonat", _EXPLOSIVE),
        ("firearms", r"gun|shot|shoot|fire[ds]?\b|firing|rifle|sniper|bullet",
         frozenset({"small_arms", "armed_clash"})),
        ("melee", r"knife|stab|machete|axe|beat", frozenset({"melee"})),
        ("clash", r"clash|fight|battle|combat", frozenset({"armed_clash"})),
    )
)  # fmt: skip


@dataclass
class GoldEvent:
    """One gold event. Tuples list accepted values; ``None`` means "not stated, not scored"."""

    event: str = "ASSAULT"
    date: str | None = None
    actors: tuple[str, ...] = ()
    actor_side: str | None = None
    actor_unnamed: bool = False  # the text names no perpetrator: only "unknown" is right
    targets: tuple[str, ...] = ()
    target_side: str | None = None
    mode_label: str | None = None  # the gold set's own label (for the confusion table)
    modes: frozenset[str] | None = None  # canonical modes that count as right
    places: tuple[str, ...] = ()
    country: str | None = None
    killed: tuple[int | None, ...] | None = None
    wounded: tuple[int | None, ...] | None = None
    deaths: bool | None = None  # M2E2: the sentence reports deaths (Life:Die), no count
    evidence: str | None = None
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    key: str | None = None
    background: bool = False  # news set: an event dated before the article's lead event


@dataclass
class GoldDoc:
    """A text and what it should yield; ``events == []`` makes it a negative."""

    doc_id: str
    text: str
    events: list[GoldEvent]
    published: str | None = None
    ambiguous: bool = False  # left out of detection scores (see module docstring)
    label: str | None = None  # the record's own type (PLOVER event, M2E2 event types)
    split: str = "test"  # train / dev / test (jervis.text.splits)
    focus: tuple[int, int] | None = None  # RAMS: only this sentence's detection is scored
    any_event: bool = False  # MUC-4: fields agree when any extracted event of the doc agrees
    # annotated event triggers (start, end, "attack" | "other" | "ambiguous"), for scoring at
    # the triggers (evaluate, unit "trigger"); ``complete``: every event of the text is marked
    triggers: list[tuple[int, int, str]] = field(default_factory=list)
    complete: bool = False

    @property
    def negative(self) -> bool:
        return not self.events and not self.ambiguous


def detect_kind(path: str | Path) -> str:
    """Which reader fits a gold file, from its shape (not its name)."""
    path = Path(path)
    if not path.exists():
        raise JervisError("gold file not found", path=str(path))
    if path.is_dir():
        return "seed"  # a folder of gold.json files
    head = path.read_text(encoding="utf-8", errors="replace")[:4000].lstrip()
    if head.startswith("{") and '"file"' in head and '"events"' in head and '"sources"' in head:
        return "news"
    if head.startswith("{") and '"golden-event-mentions"' in head:
        return "m2e2"
    if head.startswith("[") and "PLOVER" in head:
        return "plover"
    if head.startswith("{") and '"evt_triggers"' in head:
        return "rams"
    if head.startswith("{") and '"doctext"' in head and '"extracts"' in head:
        return "muc4"
    if head.startswith(("{", "[")) and '"events"' in head:
        return "seed"
    raise JervisError(
        "cannot tell the gold format; pass --kind seed, plover, m2e2, rams or muc4", path=str(path)
    )


def read_gold(path: str | Path, kind: str = "auto") -> tuple[str, list[GoldDoc]]:
    """(kind, documents) for a gold file; ``kind="auto"`` detects it."""
    kind = detect_kind(path) if kind == "auto" else kind
    readers = {"seed": read_seed, "plover": read_plover, "m2e2": read_m2e2, "rams": read_rams,
               "muc4": read_muc4, "news": read_news}  # fmt: skip
    if kind not in readers:
        raise JervisError(f"unknown gold kind {kind!r}; choose auto, {', '.join(KINDS)}")
    return kind, readers[kind](path)


def _open_text(path: Path):
    """A text file, gzip-compressed or not (fixtures are stored as .gz)."""
    if path.suffix == ".gz":
        import gzip

        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def _json_lines(path: Path, what: str):
    """(row number, object) for each non-empty line of a JSON-lines file."""
    try:
        with _open_text(path) as fh:
            for row, line in enumerate(fh, start=1):
                if line.strip():
                    try:
                        yield row, json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise JervisError(f"not a {what} record ({exc})", path=str(path),
                                          row=row) from None  # fmt: skip
    except OSError as exc:
        raise JervisError(f"cannot read: {exc}", path=str(path)) from None


def _load_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise JervisError(f"not readable as JSON: {exc}", path=str(path)) from None


# -- seed gold.json ---------------------------------------------------------------------------
def _accepted(value) -> tuple[int | None, ...] | None:
    """Accepted counts: {"accept": [2, 3]}, a list, a number; ``None`` = not stated."""
    if isinstance(value, dict) and "accept" in value:
        value = value["accept"]
    if isinstance(value, list):
        return tuple(None if v is None else int(v) for v in value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        return (int(value),)
    return None


def _first_word(value) -> str | None:
    """ "militia (not named in the text)" -> "militia"."""
    return str(value).split(" ")[0] or None if value else None


def _as_tuple(value) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


def read_seed(path: str | Path) -> list[GoldDoc]:
    """Seed-style gold: a ``gold.json`` naming its document (or holding its ``text``), a list of
    such objects (or ``{"documents": [...]}``), or a directory of such files."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.json"))
        if not files:
            raise JervisError("no *.json gold files in this directory", path=str(path))
        return [doc for f in files for doc in read_seed(f)]
    gold = _load_json(path)
    items = gold if isinstance(gold, list) else gold.get("documents", [gold])
    return [_seed_doc(item, path, n) for n, item in enumerate(items, start=1)]


def _seed_doc(item: dict, path: Path, n: int) -> GoldDoc:
    if not isinstance(item, dict) or not isinstance(item.get("events", []), list):
        raise JervisError("a gold document needs an 'events' list", path=str(path), row=n)
    if item.get("text"):
        text, doc_id = item["text"], item.get("id") or f"{path.stem}-{n}"
    else:
        doc_path = path.parent / str(item.get("document") or "")
        if not item.get("document") or not doc_path.is_file():
            raise JervisError(
                f"the document {item.get('document')!r} is not beside it", path=str(path), row=n
            )
        text, doc_id = doc_path.read_text(encoding="utf-8"), item.get("id") or doc_path.name
    events = []
    for e in item.get("events", []):
        mode = e.get("mode")
        places = _as_tuple(e.get("places") or e.get("location"))
        events.append(
            GoldEvent(
                event=e.get("event", "ASSAULT"),
                date=e.get("date"),
                actors=_as_tuple(e.get("actor")),
                actor_side=_first_word(e.get("actor_side")),
                actor_unnamed="not named" in str(e.get("actor_side") or ""),
                targets=_as_tuple(e.get("target")),
                target_side=_first_word(e.get("target_side")),
                mode_label=", ".join(_as_tuple(mode)) or None,
                modes=frozenset(_as_tuple(mode)) or None,
                places=places,
                country=e.get("country"),
                killed=_accepted(e.get("killed")),
                wounded=_accepted(e.get("wounded")),
                evidence=e.get("evidence"),
                key=e.get("key"),
            )  # fmt: skip
        )
    return GoldDoc(str(doc_id), text, events, published=item.get("published"))


# -- news-heldout (tests/fixtures/news-heldout/README.md) -------------------------------------
def read_news(path: str | Path) -> list[GoldDoc]:
    """A held-out news set: ``gold.jsonl`` (one article per line: ``file``, ``published``,
    ``events``) beside the article files. Every field of an event is stated: ``null`` means the
    article gives none (no named attacker, no number), which is scored as such."""
    path = Path(path)
    docs = []
    for row, r in _json_lines(path, "news gold"):
        article = path.parent / str(r.get("file") or "")
        if not r.get("file") or not article.is_file() or not isinstance(r.get("events"), list):
            raise JervisError("a news gold line needs 'file' (beside it) and 'events'",
                              path=str(path), row=row)  # fmt: skip
        text = article.read_text(encoding="utf-8")
        events = []
        for e in r["events"]:
            actor, target = e.get("actor"), e.get("target")
            events.append(
                GoldEvent(
                    event=e.get("event", "ASSAULT"), date=e.get("date"),
                    actors=(actor,) if actor else (), actor_unnamed=actor is None,
                    targets=(target,) if target else (), mode_label=e.get("mode"),
                    places=(e["place"],) if e.get("place") else (), country=e.get("country"),
                    killed=(e.get("killed"),), wounded=(e.get("wounded"),),
                    evidence=" ... ".join(e.get("evidence") or []) or None,
                    spans={"evidence": _located(text, e.get("evidence") or [])},
                    key=f"{r['file']}#{len(events) + 1}",
                    background=str(e.get("note") or "").startswith("Background"),
                )  # fmt: skip
            )
        docs.append(GoldDoc(str(r["file"]), text, events, published=r.get("published"),
                            split=str(r.get("split") or "test")))  # fmt: skip
    return docs


def _located(text: str, pieces: list[str]) -> list[tuple[int, int]]:
    """Where each evidence string is in the text (line breaks and spaces may differ)."""
    out = []
    for piece in pieces:
        pattern = r"\s+".join(re.escape(w) for w in piece.split())
        found = re.search(pattern, text) if pattern else None
        if found:
            out.append((found.start(), found.end()))
    return out


# -- PLOVER GSR -------------------------------------------------------------------------------
def _actor_texts(value) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(a["actorText"] for a in value if isinstance(a, dict) and a.get("actorText"))


def _unidentified(value) -> bool:
    """No source, or only CAMEO "UAF" (unidentified armed forces): the perpetrator is unknown."""
    if not value:
        return True
    return all(isinstance(a, dict) and a.get("sector") == "UAF" for a in value)


def _count(value) -> tuple[int, ...] | None:
    if value in (None, ""):
        return None
    try:
        return (int(str(value).replace(",", "")),)
    except ValueError:
        return None


def read_plover(path: str | Path) -> list[GoldDoc]:
    """PLOVER GSR records; the DOCUMENT record (file notes, no text) is skipped."""
    path = Path(path)
    records = _load_json(path)
    if not isinstance(records, list):
        raise JervisError("expected a JSON array of PLOVER records", path=str(path))
    docs = []
    for row, r in enumerate(records, start=1):
        if not isinstance(r, dict) or "id" not in r or "event" not in r:
            raise JervisError("a PLOVER record needs 'id' and 'event'", path=str(path), row=row)
        if r["event"] == "DOCUMENT" or not r.get("text"):
            continue
        events = []
        if r["event"] in ("ASSAULT", "FIGHT"):
            mode = r.get("mode")
            place = (r.get("eventLoc") or {}).get("name")
            events.append(
                GoldEvent(
                    event=r["event"],
                    actors=_actor_texts(r.get("source")),
                    actor_unnamed=_unidentified(r.get("source")),
                    targets=_actor_texts(r.get("target")),
                    mode_label=mode,
                    modes=PLOVER_MODES.get(mode or ""),
                    places=(place,) if place else (),
                    killed=_count(r.get("dead")),
                    wounded=_count(r.get("injured")),
                    key=r["id"],
                )  # fmt: skip
            )
        docs.append(GoldDoc(r["id"], r["text"], events, label=r["event"],
                            split=split_of("plover", r["id"])))  # fmt: skip
    # The same sentence coded twice (COERCE and ASSAULT): its violence is real, so the non-violent
    # record is no negative. It is left out of detection scores like M2E2's death-only sentences.
    violent = {d.text.strip() for d in docs if d.events}
    for d in docs:
        if not d.events and d.text.strip() in violent:
            d.ambiguous = True
    return docs


# -- M2E2 -------------------------------------------------------------------------------------
def _char_offsets(sentence: str, words: list[str]) -> list[tuple[int, int]]:
    """Character span of each token in the sentence (tokens missing from it get an empty span)."""
    spans, pos = [], 0
    for w in words:
        at = sentence.find(w, pos)
        if at < 0:
            spans.append((pos, pos))
        else:
            spans.append((at, at + len(w)))
            pos = at + len(w)
    return spans


def m2e2_mode(texts: list[str]) -> tuple[str | None, frozenset[str] | None]:
    """(label, accepted canonical modes) named by Instrument or trigger words, if any."""
    for text in texts:
        low = text.lower()
        for label, pattern, modes in M2E2_MODE_PATTERNS:
            if re.search(pattern, low):
                return label, modes
    return None, None


def read_m2e2(path: str | Path) -> list[GoldDoc]:
    """M2E2 sentences: Attack sentences positive, Die-only ambiguous, the rest negative."""
    path = Path(path)
    docs = []
    for row, r in _json_lines(path, "M2E2"):
        if True:
            try:
                sentence, words = r["sentence"], r["words"]
                mentions = r.get("golden-event-mentions", [])
            except (KeyError, TypeError) as exc:
                raise JervisError(f"not an M2E2 record ({exc})", path=str(path), row=row) from None
            offsets = _char_offsets(sentence, words)
            text = sentence if re.search(r"[.!?\"'\u201d]\s*$", sentence) else sentence + "."
            types = sorted({m["event_type"] for m in mentions})
            attacks = [m for m in mentions if m["event_type"] == "Conflict:Attack"]
            dies = [m for m in mentions if m["event_type"] == "Life:Die"]
            events = [_m2e2_event(attacks, dies, offsets, r.get("sentence_id"))] if attacks else []
            sid = r.get("sentence_id", f"line-{row}")
            triggers = [
                (offsets[m["trigger"]["start"]][0], offsets[m["trigger"]["end"] - 1][1],
                 "attack" if m["event_type"] == "Conflict:Attack" else
                 "ambiguous" if m["event_type"] == "Life:Die" else "other")
                for m in mentions
            ]  # fmt: skip
            docs.append(
                GoldDoc(
                    sid,
                    text,
                    events,
                    ambiguous=bool(dies) and not attacks,
                    label="+".join(types) or "none",
                    split=split_of("m2e2", sid.rsplit("_", 1)[0]),
                    triggers=triggers, complete=True,
                )  # fmt: skip
            )
    return docs


def _m2e2_event(attacks: list, dies: list, offsets: list, key: str | None) -> GoldEvent:
    def args(mentions: list, role: str) -> list[dict]:
        return [a for m in mentions for a in m["arguments"] if a["role"] == role]

    def span(a: dict) -> tuple[int, int]:
        end = max(a["start"], a["end"] - 1)
        return offsets[a["start"]][0], offsets[min(end, len(offsets) - 1)][1]

    instruments = [a["text"] for a in args(attacks, "Instrument")]
    triggers = [m["trigger"]["text"] for m in attacks]
    label, modes = m2e2_mode(instruments + triggers)
    attackers = args(attacks, "Attacker") + args(dies, "Agent")
    places = args(attacks, "Place") + args(dies, "Place")
    spans = {
        "actor": [span(a) for a in attackers],
        "target": [span(a) for a in args(attacks, "Target") + args(dies, "Victim")],
        "place": [span(a) for a in places],
        "trigger": [
            (offsets[m["trigger"]["start"]][0], offsets[m["trigger"]["end"] - 1][1])
            for m in attacks
        ],
    }
    return GoldEvent(
        actors=tuple(dict.fromkeys(a["text"] for a in attackers)),
        targets=tuple(dict.fromkeys(a["text"] for a in args(attacks, "Target"))),
        mode_label=label, modes=modes,
        places=tuple(dict.fromkeys(a["text"] for a in places if re.search(r"[A-Z]", a["text"]))),
        deaths=bool(dies), spans=spans, key=key,
    )  # fmt: skip


# -- RAMS -------------------------------------------------------------------------------------
# RAMS event types whose passages are neither clearly an attack nor clearly not violence: deaths,
# injuries and destruction are often caused by an attack that is not the annotated event. Left out
# of detection scores like M2E2's death-only sentences (how often the extractor fires on them is
# reported on its own).
RAMS_AMBIGUOUS = ("life.die", "life.injure", "artifactexistence.damagedestroy", "disaster.")
_NO_SPACE_BEFORE = frozenset(".,:;!?)]}%\u201d\u2019'") | {"n't", "'s", "'re", "'ve", "'ll", "'d",
                                                         "'m", "''"}  # fmt: skip
_NO_SPACE_AFTER = frozenset("([{$#\u201c\u2018") | {"``"}


def detokenize(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Text and each token's character span from PTB-style tokens ("London - based" is joined)."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for i, tok in enumerate(tokens):
        glue = not parts or tok in _NO_SPACE_BEFORE or tokens[i - 1] in _NO_SPACE_AFTER
        if tok == "-" and 0 < i < len(tokens) - 1 and tokens[i - 1][-1:].isalnum() and tokens[
            i + 1
        ][:1].isalnum():
            glue = True  # a hyphen RAMS split off a compound
        elif i > 0 and tokens[i - 1] == "-" and spans and parts and parts[-1] == "-" and (
            i > 1 and tokens[i - 2][-1:].isalnum() and tok[:1].isalnum()
        ):
            glue = True
        if not glue:
            parts.append(" ")
            pos += 1
        spans.append((pos, pos + len(tok)))
        parts.append(tok)
        pos += len(tok)
    return "".join(parts), spans


def read_rams(path: str | Path) -> list[GoldDoc]:
    """RAMS passages: the annotated event's sentence is the unit scored, the passage its context.

    ``conflict.attack.*`` events are positives with their attacker, target, instrument and place
    arguments (from any of the five sentences); deaths, injuries, damage and disasters are
    ambiguous (RAMS_AMBIGUOUS); every other type (transfers, meetings, statements, arrests,
    threats, ...) is a negative: its sentence must yield no violent event.
    """
    path = Path(path)
    docs = []
    for row, r in _json_lines(path, "RAMS"):
        try:
            sentences = r["sentences"]
            trigger = r["evt_triggers"][0]
            etype = trigger[2][0][0]
            links = r.get("gold_evt_links", [])
        except (KeyError, IndexError, TypeError) as exc:
            raise JervisError(f"not a RAMS record ({exc})", path=str(path), row=row) from None
        tokens = [t for s in sentences for t in s]
        text, spans = detokenize(tokens)
        bounds, n = [], 0
        for s in sentences:
            bounds.append((n, n + len(s) - 1))
            n += len(s)
        t0, t1 = trigger[0], trigger[1]
        sent = next((b for b in bounds if b[0] <= t0 <= b[1]), bounds[-1])
        focus = (spans[sent[0]][0], spans[sent[1]][1])

        def char(a: int, b: int, spans=spans) -> tuple[int, int]:
            return spans[a][0], spans[min(b, len(spans) - 1)][1]

        args: dict[str, list[tuple[str, tuple[int, int]]]] = {}
        for _trig, (a, b), role in links:
            name = re.sub(r"^evt\d+arg\d+", "", role)
            span = char(a, b)
            args.setdefault(name, []).append((text[span[0] : span[1]], span))
        events = []
        if etype.startswith("conflict.attack"):
            instruments = [t for t, _ in args.get("instrument", [])]
            label, modes = m2e2_mode(instruments + [text[slice(*char(t0, t1))]])
            places = args.get("place", [])
            events.append(
                GoldEvent(
                    actors=tuple(dict.fromkeys(t for t, _ in args.get("attacker", []))),
                    targets=tuple(dict.fromkeys(t for t, _ in args.get("target", []))),
                    mode_label=label, modes=modes,
                    places=tuple(dict.fromkeys(t for t, _ in places if re.search(r"[A-Z]", t))),
                    spans={
                        "actor": [s for _, s in args.get("attacker", [])],
                        "target": [s for _, s in args.get("target", [])],
                        "place": [s for _, s in places], "trigger": [char(t0, t1)],
                    },
                    key=r.get("doc_key"),
                )  # fmt: skip
            )
        docs.append(
            GoldDoc(
                r.get("doc_key", f"line-{row}"), text, events,
                ambiguous=etype.startswith(RAMS_AMBIGUOUS), label=etype,
                split=split_of("rams", r.get("source_url") or r.get("doc_key", ""),
                               held_out=r.get("split") == "test"),
                focus=focus,
                triggers=[(*char(t0, t1), "attack" if events else
                           "ambiguous" if etype.startswith(RAMS_AMBIGUOUS) else "other")],
            )  # fmt: skip
        )
    return docs


# -- MUC-4 ------------------------------------------------------------------------------------
def read_muc4(path: str | Path) -> list[GoldDoc]:
    """MUC-3/4 documents with their role-filler keys (GRIT's redistribution).

    A document with any filler reports a relevant incident (a positive); one without is a
    negative in MUC's sense (no terrorist incident in the nine countries), which is not the same
    as "no violence": MUC leaves out army-guerrilla combat and attacks elsewhere. Detection on
    MUC-4 is reported, but its false positives are not errors in jervis' sense; the roles are the
    point: perpetrators (individual and organisation) and targets (physical targets and victims),
    scored at document level (any extracted event that agrees).
    """
    path = Path(path)
    docs = []
    for row, r in _json_lines(path, "MUC-4"):
        try:
            doc_id, text, extracts = r["docid"], r["doctext"], r["extracts"]
        except (KeyError, TypeError) as exc:
            raise JervisError(f"not a MUC-4 record ({exc})", path=str(path), row=row) from None

        def fillers(*roles: str, extracts=extracts) -> list[tuple[str, int]]:
            return [(m[0], m[1]) for role in roles for entity in extracts.get(role, [])
                    for m in entity]  # fmt: skip

        perps, targets = fillers("PerpInd", "PerpOrg"), fillers("Target", "Victim")
        events = []
        if any(extracts.get(k) for k in extracts):
            weapons = [t for t, _ in fillers("Weapon")]
            label, modes = m2e2_mode(weapons) if weapons else (None, None)
            events.append(
                GoldEvent(
                    actors=tuple(dict.fromkeys(t for t, _ in perps)),
                    targets=tuple(dict.fromkeys(t for t, _ in targets)),
                    mode_label=label, modes=modes,
                    spans={"actor": [(a, a + len(t)) for t, a in perps],
                           "target": [(a, a + len(t)) for t, a in targets]},
                    key=doc_id,
                )  # fmt: skip
            )
        docs.append(
            GoldDoc(doc_id, text, events, label="incident" if events else "none",
                    split=split_of("muc4", doc_id, held_out=doc_id.startswith("TST")),
                    any_event=True)  # fmt: skip
        )
    return docs
