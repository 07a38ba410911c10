"""One event per real-world event: merge mentions that describe the same attack.

Mentions come in document order. A mention joins an earlier event when
- it refers back ("the attack", "this strike", "the blast"), has no date of its own that
  contradicts the event's, and the event's mode is compatible (same, or either unknown); or
- it has the same explicit day, the same mode and a compatible place as the event.
A mention that says "another", "a second", "a new" ... is always a new event. "The same base"
(and similar) gives the new event the place of the most recent event that has one, since that
is what the phrase points to.

News reports tell one event over several sentences: the lead names it, later sentences give its
toll ("Ten people were killed"), its details ("the missile hit a building") or its claim. So a
mention with no date of its own joins the *topic*, the event the text is about at that point,
when nothing contradicts it (mode family, place, the parties' sides). The topic is the first
event a sentence introduces (a lead's main clause comes before the background it cites), or,
when a sentence introduces none, the event its first mention joined. A mention with its own
explicit day joins an event of the same day, a compatible mode and place, and no opposed
parties. The attack of one side and the reply of the other are never one event.

Counts merged from several mentions: the larger figure of the same group (a rising toll), the
sum of figures for different groups ("40 civilians" and "six soldiers"; "N other ..."), see
``_merge_count``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from jervis.text.numbers import bounded, same_group

# fields copied from a later mention into the event when the event lacks them
_FILL = ("actor", "actor_raw", "actor_side", "target", "target_raw", "target_side", "mode",
         "country", "admin1", "location", "latitude", "longitude", "geo_precision",
         "target_killed", "civilians_killed")  # fmt: skip


@dataclass
class Draft:
    """An event as read from one mention, before merging."""

    values: dict
    spans: dict[str, tuple[int, int]]
    sentences: list[int]
    evidence: list[tuple[int, int]]  # document spans of the supporting text
    definite: bool = False
    new: bool = False
    same_place: bool = False
    explicit_date: bool = False
    strong: bool = False
    strike_ref: bool = False  # the mention's noun is "strike(s)" / "raid(s)"
    stated: set[str] = field(default_factory=set)  # count fields the text spoke about
    triggers: list[tuple[int, int]] = field(default_factory=list)  # each mention's words
    casualty_only: bool = False  # only casualty words ("ten people were killed"): a toll
    # victims' group of each count ("civilians", "security", ...; None: unsaid or "people") and
    # the counts said to come on top of others ("N other soldiers", "also killed")
    groups: dict[str, str | None] = field(default_factory=dict)
    additive: set[str] = field(default_factory=set)
    first: set[str] = field(default_factory=set)  # figures given as the first report ("first
    # said N", "initially put the toll at N"): any later figure replaces them, none is raised by them
    # per event after merging: count field -> {group: count}
    tallies: dict[str, dict] = field(default_factory=dict)
    toll: bool = False  # from a sentence with a toll and no attack word: joins, never starts
    dated: bool = True  # the sentence gives it a day (its own cue or another mention's)
    claim: bool = False  # "X claimed responsibility": gives the attacker only
    cited: bool = False  # introduced as an earlier event ("after", "in reply to ...")
    rising: bool = False  # a toll said to have risen ("the toll rose to 11", "later died")
    toll_rose: bool = False  # its sentence says an attack's toll rose ("the toll from X rose to N")


_FAMILIES = (
    frozenset({"ied", "car_bomb", "suicide_bomb", "landmine", "grenade"}),
    frozenset({"rocket", "mortar", "artillery", "shelling", "missile"}),
    frozenset({"air_strike", "drone_strike", "missile"}),
    frozenset({"small_arms", "armed_clash", "raid"}),
)


_AIR = frozenset({"air_strike", "drone_strike", "missile", "artillery", "shelling"})


def _compatible_mode(a: str | None, b: str | None) -> bool:
    """Same mode, or one unknown, or the same family ("the blast" after "a car bomb"); a clash
    is fought with any weapon."""
    if a is None or b is None or a == b or "armed_clash" in (a, b):
        return True
    return any(a in family and b in family for family in _FAMILIES)


def _compatible_place(a: dict, b: dict) -> bool:
    """Same country, and the same place unless one of them is only the country."""
    if a.get("country") and b.get("country") and a["country"] != b["country"]:
        return False
    coarse = (a.get("geo_precision") or 0) >= 4 or (b.get("geo_precision") or 0) >= 4  # a
    # country, a region or an area around a town ("north of X") holds the finer place
    if a.get("location") and b.get("location") and a["location"] != b["location"] and not coarse:
        return False
    return True


def _same_day(a: dict, b: dict) -> bool:
    return (
        a.get("date_precision") == "day" and b.get("date_precision") == "day"
        and isinstance(a.get("date"), date) and a.get("date") == b.get("date")
    )  # fmt: skip


def merge(drafts: list[Draft], *, dated: bool = True) -> list[Draft]:
    """Cluster drafts (document order) into events; returns the merged drafts.

    ``dated``: the document has a publication date. Only then can a mention be told to have no
    day of its own, so only then do undated mentions join the topic and undated events after
    the lead go unreported (without one, every mention is undated: each keeps its own event,
    as before these rules).
    """
    events: list[Draft] = []
    topic: Draft | None = None
    lead = next((d.sentences[0] for d in drafts if not d.toll), None)
    lead_toll: Draft | None = None  # a toll told before any event: the attack it reports may follow
    toll_for: Draft | None = None  # the event it joins, once that event's own sentence is read
    sentence, created, joined = None, None, None
    for draft in drafts:
        if draft.sentences[0] != sentence:  # a new sentence: its first event becomes the topic
            if sentence is not None:
                topic = created or joined or topic
            if toll_for is not None and lead_toll is not None:
                _absorb_toll(toll_for, lead_toll)  # after the event's own day was read
                toll_for = None
            sentence, created, joined = draft.sentences[0], None, None
        if draft.same_place:
            ref = next((e for e in reversed(events) if e.values.get("country")), None)
            if ref is not None:
                for key in ("country", "admin1", "location", "latitude", "longitude",
                            "geo_precision"):  # fmt: skip
                    draft.values[key] = ref.values.get(key)
        _start_tally(draft)
        if draft.new:  # "another", "a second": a new event, unless it is the next part of a
            # series told as one (no day, place or toll of its own, the topic's kind of attack)
            series = (dated and topic is not None and not draft.explicit_date and not draft.stated
                      and _fits(topic, draft))  # fmt: skip
            target = topic if series else None
            if target is None and dated and topic is not None and not draft.dated:
                # "another bomber struck a hospital, killing six": the same day as the topic
                draft.values["date"] = topic.values.get("date")
                draft.values["date_precision"] = topic.values.get("date_precision")
                draft.dated = True
        else:
            target = _find(events, draft, topic, discourse=dated)
        if target is None and _later_toll(topic, draft):
            target = topic  # "on Thursday the toll rose to 11": the topic's toll, a day later
            draft.explicit_date = False  # the day of the toll, not of the attack
        if target is None:
            if draft.toll and dated and not events and lead_toll is None and LEAD_TOLL_WAITS:
                lead_toll = draft  # the lead gives the toll first and tells the attack after
                continue
            if draft.toll or (dated and events and not draft.dated
                              and draft.sentences[0] != lead):  # fmt: skip
                continue  # a toll of no event in view; an undated event after the lead that
                # joins none: background the article gives no day (not coded as an event)
            events.append(draft)
            created = created or draft
            if lead_toll is not None and len(events) == 1 and _reported_by(lead_toll, draft):
                toll_for = draft  # the first event: the one the toll may report
        else:
            _absorb(target, draft)
            joined = joined or target
    if toll_for is not None and lead_toll is not None:
        _absorb_toll(toll_for, lead_toll)
    return events


# a toll a dated report gives before any attack (a lead that opens on the toll, or whose attack
# word the lexicon does not know) joins the first event the text then reports within this many
# sentences, instead of being dropped as the toll of no event in view (an undated text keeps
# every mention apart, as ``merge`` says)
LEAD_TOLL_WAITS = True
LEAD_TOLL_SENTENCES = 2


def _reported_by(toll: Draft, event: Draft) -> bool:
    """The first event after a toll told before any event is the one the toll reports when it
    follows within ``LEAD_TOLL_SENTENCES`` sentences, is not cited as an earlier event, and
    nothing contradicts it (another country, opposed parties)."""
    gap = event.sentences[0] - toll.sentences[-1]
    return 0 < gap <= LEAD_TOLL_SENTENCES and not event.cited and _fits(event, toll)


def _absorb_toll(event: Draft, toll: Draft) -> None:
    """The toll's figures and place join the event; its day only when it is not the day the
    toll rose ("rose to 40 on Monday" is the report's day, not the attack's)."""
    if toll.rising or toll.toll_rose:
        toll.explicit_date = False
    _absorb(event, toll)


# a report of casualties alone (no attack word: "by Saturday officials said 87 people had been
# killed") with its own day at most this many days after the event in view is that event's toll
LATER_TOLL_DAYS = 2


def _later_toll(topic: Draft | None, draft: Draft) -> bool:
    """A toll that names no attack, says it rose, and has its own day no earlier than the
    topic's: the topic's rising toll (a toll cannot come before its attack)."""
    if topic is None or not draft.explicit_date:
        return False
    if not ((draft.toll and draft.rising) or (draft.casualty_only and not draft.new
                                              and topic.values.get("date_precision") == "day")):
        return False
    day, since = draft.values.get("date"), topic.values.get("date")
    if not isinstance(day, date) or not isinstance(since, date) or day < since:
        return False
    if not draft.rising and (day - since).days > LATER_TOLL_DAYS:
        return False
    return _fits(topic, draft)


def _opposed(a: dict, b: dict) -> bool:
    """Different named attackers, or one side's attack and the other's reply (a clash has both
    sides as parties: nothing is opposed to it)."""
    if "FIGHT" in (a.get("event"), b.get("event")):
        return False
    a_act, b_act = a.get("actor_side"), b.get("actor_side")
    if a_act and b_act and a_act != b_act:
        return True
    return bool(b_act and b_act == a.get("target_side") and a_act is None and a.get("actor"))


def _find(events: list[Draft], draft: Draft, topic: Draft | None = None, *,
          discourse: bool = True) -> Draft | None:
    d = draft.values
    if (discourse and topic is not None and not draft.explicit_date and topic in events[-6:]
            and _fits(topic, draft)):  # fmt: skip
        return topic  # no date of its own: the event the text is about, unless contradicted
    for event in reversed(events[-4:]):
        v = event.values
        if (draft.definite and draft.explicit_date and _same_day(v, d)
                and _compatible_place(v, d) and not _opposed(v, d)):  # fmt: skip
            return event  # "the bomber struck on Thursday": that day's attack, whatever its mode
        if not _compatible_mode(v.get("mode"), d.get("mode")):
            continue
        if not _compatible_place(v, d) or _opposed(v, d):
            continue
        same_sentence = event.sentences[-1] == draft.sentences[0]
        if same_sentence and (not draft.explicit_date or not event.explicit_date
                              or _same_day(v, d)):  # fmt: skip
            return event  # two mentions of one attack in one sentence
        if draft.strike_ref and v.get("mode") not in _AIR and v.get("mode") is not None:
            continue  # "the strikes" are air or missile strikes, not the rocket attack before
        if draft.definite and (not draft.explicit_date or _same_day(v, d) or not event.explicit_date):
            return event
        if draft.explicit_date and _same_day(v, d) and (
            v.get("mode") == d.get("mode") or "FIGHT" in (v.get("event"), d.get("event"))
            or (_compatible_mode(v.get("mode"), d.get("mode"))
                and (draft.definite or draft.casualty_only or _same_parties(v, d)))
        ):  # fmt: skip
            return event
    if discourse and not draft.explicit_date:  # undated: a recent event of the same mode
        for event in reversed(events[-4:]):
            v = event.values
            if (d.get("mode") and v.get("mode") == d.get("mode") and _compatible_place(v, d)
                    and not _opposed(v, d)):  # fmt: skip
                return event
    return None


def _same_parties(a: dict, b: dict) -> bool:
    """The same named attacker, or the same target, on both."""
    return any(a.get(k) and a.get(k) == b.get(k) for k in ("actor", "target"))


CASUALTY_REPORT_SAME_COUNTRY = True


def _fits(event: Draft, draft: Draft) -> bool:
    """An undated mention can be part of this event: no other mode family (a toll alone has no
    mode), the same place, no opposed parties, not the other side's reply."""
    v, d = event.values, draft.values
    if not draft.casualty_only and not _compatible_mode(v.get("mode"), d.get("mode")):
        return False
    if draft.casualty_only and CASUALTY_REPORT_SAME_COUNTRY:  # a report of casualties alone
        # names places for other reasons (the hospitals, the victims' home towns, the officials
        # who gave the figure): only another country contradicts the event it reports on
        same = not (v.get("country") and d.get("country") and v["country"] != d["country"])
        return same and not _opposed(v, d)
    return _compatible_place(v, d) and not _opposed(v, d)


def _start_tally(draft: Draft) -> None:
    for key in ("killed", "wounded"):
        if draft.values.get(key) is not None:
            draft.tallies[key] = {draft.groups.get(key): draft.values[key]}


def _merge_count(event: Draft, draft: Draft, key: str) -> tuple[int, int] | None:
    """Counts of one event told in several mentions: a figure for a group the event has no
    figure for yet (or said to be "other" / "also") is added; a figure for a group already
    counted, or for people in general, replaces it when larger (a rising toll). Returns (old,
    new) figure when the toll of the same group rose, else None (a larger general figure that
    replaces a group's may count others too)."""
    got = draft.values.get(key)
    if got is None:
        return None
    rose = None
    tally = event.tallies.setdefault(key, {})
    if event.values.get(key) is not None and not tally:
        tally[None] = event.values[key]
    group = draft.groups.get(key)
    total = sum(tally.values())
    if tally and key in draft.first:
        return None  # what was said first does not change a figure the text already gave
    if not tally or key in event.first:
        tally.clear()  # a figure after what was said first: it, smaller or not
        tally[group] = got
        if key not in draft.first:
            event.first.discard(key)
    elif key in draft.additive:
        tally[f"+{len(tally)}"] = got  # "N other ...", "... were also killed"
    elif (same := next((k for k in tally if k is not None and same_group(k, group)),
                       None)) is not None or group in tally:
        same = group if same is None else same  # the same group again (a side it did not name
        if got > tally[same]:  # yet is the same side): a rising toll
            rose = (tally[same], got)
            del tally[same]
            tally[group if group and ":" in group else same] = got
    elif group is not None and None not in tally:
        tally[group] = got  # another group of victims of the same event
    elif got > total:
        tally.clear()  # a larger total (or a group larger than the total: the toll rose)
        tally[group] = got
    event.values[key] = bounded(sum(tally.values()))
    return rose


def _absorb(event: Draft, draft: Draft) -> None:
    v, d = event.values, draft.values
    finer = d.get("geo_precision") or 99
    if d.get("location") and finer < (v.get("geo_precision") or 99) and _compatible_place(v, d):
        for key in ("country", "admin1", "location", "latitude", "longitude", "geo_precision"):
            v[key] = d.get(key)  # "Wednesday's attack on Camp Taji" refines "a base in Iraq"
        if "place" in draft.spans:
            event.spans["place"] = draft.spans["place"]
    if draft.claim and v.get("actor_side") is None:  # the claimant, over an unknown actor
        for key in ("actor", "actor_raw", "actor_side"):
            v[key] = d[key]
        event.spans["actor"] = draft.spans["actor"]
    if v.get("actor") is None and v.get("actor_raw") and d.get("actor_side") and not draft.claim:
        for key in ("actor", "actor_raw", "actor_side"):  # an unknown perpetrator, named later
            v[key] = d[key]  # (only by a known party: a described one names no one)
        if "actor" in draft.spans:
            event.spans["actor"] = draft.spans["actor"]
    for key in _FILL:
        if key.startswith("actor") and v.get("actor_raw"):
            continue  # the actor fields move together
        if v.get(key) is None and d.get(key) is not None:
            v[key] = d[key]
            if key in draft.spans:
                event.spans.setdefault(key, draft.spans[key])
    for key in ("killed", "wounded"):
        if d.get(key) is not None:
            if key in event.stated and v.get(key) is None and key not in draft.stated:
                continue
            before = v.get(key)
            rose = _merge_count(event, draft, key)
            if v.get(key) != before and key in draft.spans:
                event.spans[key] = draft.spans[key]
            if rose is not None and key == "killed":  # the victims' own figures rise with it
                for field_ in ("target_killed", "civilians_killed"):
                    if v.get(field_) == rose[0]:
                        v[field_] = rose[1]
        if key in draft.stated:
            event.stated.add(key)
    if draft.explicit_date and not event.explicit_date:
        v["date"], v["date_precision"] = d["date"], d["date_precision"]
        event.explicit_date = True
        if "date" in draft.spans:
            event.spans["date"] = draft.spans["date"]
    if v.get("event") == "COERCE" and d.get("event") in ("ASSAULT", "FIGHT"):
        v["event"] = d["event"]
    event.strong = event.strong or draft.strong
    event.sentences.extend(s for s in draft.sentences if s not in event.sentences)
    event.evidence.extend(e for e in draft.evidence if e not in event.evidence)
    event.triggers.extend(t for t in draft.triggers if t not in event.triggers)


# --- A dated report's rows (news6): what the mention-by-mention rules above cannot see, decided
# over the whole report's rows once they are made.

def _combine(event: Draft, other: Draft) -> None:
    """``other`` told ``event`` again: absorb it; the event keeps the attack's day (the earlier
    of two days: a toll is reported after its attack)."""
    a, b = event.values, other.values
    keep = (a.get("date"), a.get("date_precision"))
    _absorb(event, other)
    days = [(d, p) for d, p in (keep, (b.get("date"), b.get("date_precision")))
            if p == "day" and isinstance(d, date)]  # fmt: skip
    a["date"], a["date_precision"] = min(days) if days else keep


def _toll_of(row: Draft, events: list[Draft]) -> Draft | None:
    """The row whose attack a "the toll from X rose to N on Tuesday" row reports: another row
    with its own day, at most ``LATER_TOLL_DAYS`` before the toll's, a compatible mode and place
    and no opposed parties (the nearest in days)."""
    v = row.values
    if not row.toll_rose or v.get("date_precision") != "day" or not isinstance(v.get("date"), date):
        return None
    best = None
    for event in events:
        e = event.values
        if event is row or e.get("date_precision") != "day" or not isinstance(e.get("date"), date):
            continue
        gap = (v["date"] - e["date"]).days
        if not 0 <= gap <= LATER_TOLL_DAYS or not _compatible_mode(e.get("mode"), v.get("mode")):
            continue
        if not _compatible_place(e, v) or _opposed(e, v):
            continue
        if best is None or gap < best[0]:
            best = (gap, event)
    return None if best is None else best[1]


_PLACED_ROUGHLY = frozenset({"week", "month", "year"})  # not "unknown": a date the text gave
# but no calendar holds (kept, with no date)


def placed_to_the_day(events: list[Draft]) -> list[Draft]:
    """A dated report places its events to the day: a row the text places only within a week,
    a month or a year ("last week's bombing", "earlier this month", "since the war began in
    October") is not reported when the report has a day-dated event (the news annotation rules
    code no event without a day; such a row cites an event told elsewhere, or is background).
    A row with no date cue at all is dated by the publication's week and goes too: on the news
    sets every such row beside a day-dated one was a duplicate or background, but a lead that
    gives no day beside a dated background event is lost (docs/extraction.md, "Known
    weaknesses"). A report with no day-dated event keeps them, and so is a row the text dates
    roughly after all of them ("the following week": a later development)."""
    days = [e.values["date"] for e in events if e.values.get("date_precision") == "day"
            and isinstance(e.values.get("date"), date)]  # fmt: skip
    if not days:
        return events
    return [e for e in events if e.values.get("date_precision") not in _PLACED_ROUGHLY
            or _later_development(e, max(days))]


def _later_development(event: Draft, last_day: date) -> bool:
    """A row the text itself dates roughly *after* every day-dated event ("the following week",
    "a week later") is a later development, not a citation or background: it stays."""
    day = event.values.get("date")
    return event.explicit_date and isinstance(day, date) and day > last_day


def reconcile(events: list[Draft], published: date | None) -> list[Draft]:
    """The pass over a dated report's rows: a rising toll told with its attack's name and the
    day of the report joins that attack's row; rows placed only within a week, month or year
    go (``placed_to_the_day``)."""
    if published is None or len(events) < 2:
        return events
    for row in list(events):
        if row in events and (event := _toll_of(row, events)) is not None:
            first, second = sorted((event, row), key=lambda e: min(e.sentences))
            _combine(first, second)
            events.remove(second)
    return placed_to_the_day(events)
