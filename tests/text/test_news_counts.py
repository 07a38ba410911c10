"""The seventh round's count rules (docs/extraction.md, "Seventh round: counts on the right
event"): a toll's place, the attackers' own dead in a figure, the victims' aside. Every text here
is invented for the rule it checks."""

from __future__ import annotations

from datetime import date

from jervis.text import extract_text
from jervis.text.numbers import attackers_died, standalone_counts

PUB = "2023-05-20"  # a Saturday


def violent(text: str, published: str | None = PUB):
    return [e for e in extract_text(text, published=published) if e.event in ("ASSAULT", "FIGHT")]


def test_a_toll_naming_the_victims_origin_or_hospital_stays_with_its_attack():
    base = ("A car bomb exploded at a market in the town of Kindu on Thursday, killing 12 "
            "people, police said.\n\n")  # fmt: skip
    for toll in ("Forty others were wounded, three of them traders from Kenya.",
                 "Forty others were wounded and flown to hospitals in Kenya, officials said."):
        rows = violent(base + toll)
        assert [(r.date, r.killed, r.wounded) for r in rows] == [(date(2023, 5, 18), 12, 40)], toll


def test_a_toll_placed_where_it_happened_still_keeps_its_place():
    text = ("A car bomb exploded at a market in the town of Kindu on Thursday, killing 12 "
            "people, police said.\n\nIn Kenya, forty people were wounded.")  # fmt: skip
    assert [(r.killed, r.wounded) for r in violent(text)] == [(12, None)]


def test_attackers_counted_in_their_own_figure_are_not_victims():
    text = "Two guards were killed, the ministry said, adding that nine attackers died in the fight."
    figures = [(text[a:b], attackers_died(text, a, b, True)) for _, _, a, b in standalone_counts(text)]
    assert figures == [("nine attackers died", True)]
    assert not attackers_died("Five people died when gunmen opened fire.", 12, 16, False)
    left = "The raid left three gunmen dead."
    assert all(attackers_died(left, a, b, True) for _, _, a, b in standalone_counts(left))
    rows = violent("Gunmen attacked an army post in the town of Kindu on Thursday. One soldier was "
                   "killed, the army said, adding that nine attackers died when troops fired back.")
    assert [r.killed for r in rows] == [1]


def test_a_party_listed_among_the_victims_is_not_the_attacker():
    rows = violent("A monitor said the air strikes killed 20 people on Friday, among them members "
                   "of the Kindu Liberation Front and Ruritanian government soldiers.")
    assert len(rows) == 1 and rows[0].killed == 20
    assert rows[0].actor is None
