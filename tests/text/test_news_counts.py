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


# --- from news-dev4's learn part: the toll in other words, first reports, a war's toll ---------

def test_the_bomber_is_a_person_and_joins_the_lead_it_dates():
    text = ("A suicide bombing at a college in the town of Kindu killed 30 people and wounded 52, "
            "the health ministry said on Saturday.\n\nThe bomber struck on Thursday morning at "
            "the main hall of the college, witnesses said.")  # fmt: skip
    rows = violent(text)
    assert [(r.date, r.mode, r.killed, r.wounded) for r in rows] == [
        (date(2023, 5, 18), "suicide_bomb", 30, 52)]
    jets = violent("Russian bombers struck the town of Kindu on Thursday, killing four people.")
    assert [r.mode for r in jets] == ["air_strike"]


def test_the_toll_said_in_other_words_is_read():
    assert [(k, n) for k, n, _, _ in standalone_counts(
        "The number of people killed when a shell hit a market in the town rose to 31.")] == [
        ("killed", 31)]
    assert [(k, n) for k, n, _, _ in standalone_counts(
        "By Sunday, more than 120 bodies had been recovered, a resident said.")] == [("killed", 120)]
    assert [(k, n) for k, n, _, _ in standalone_counts(
        "At least 45 people were being treated in hospital, a doctor said.")] == [("wounded", 45)]
    assert not standalone_counts("The hospital had treated 300 patients in the year before the war.")
    text = ("A car bomb exploded at a market in the town of Kindu on Thursday, killing 12 "
            "people, police said.\n\nMore than 120 bodies had been recovered by Friday, and at "
            "least 45 people were being treated in hospital, a doctor said.")  # fmt: skip
    assert [(r.killed, r.wounded) for r in violent(text)] == [(120, 45)]


def test_a_casualty_report_naming_another_town_of_the_same_country_stays_with_its_attack():
    text = ("A missile struck the railway station in the city of Kharkiv on Thursday, killing 12 "
            "people, the governor said.\n\nMore than 60 others were wounded, many of them "
            "seriously, and trains to Kyiv were cancelled.")  # fmt: skip
    assert [(r.killed, r.wounded) for r in violent(text)] == [(12, 60)]


def test_a_first_report_gives_way_to_a_later_figure_smaller_or_not():
    text = ("Gunmen opened fire on a bus in the district of Kindu on Thursday, killing seven "
            "people, police said.\n\nOfficials first said nine people had died, but the police "
            "later gave the count as seven.")  # fmt: skip
    assert [r.killed for r in violent(text)] == [7]
    alone = violent("Officials first said nine people had died in the attack on the bus on Thursday.")
    assert [r.killed for r in alone] in ([], [9])  # a first report alone is what there is
    raised = ("Gunmen opened fire on a bus in the district of Kindu on Thursday, police said.\n\n"
              "Officials had initially put the toll at four; by Friday 11 people had died.")
    assert [r.killed for r in violent(raised)] == [11]


def test_a_toll_over_a_period_is_no_events_toll():
    text = ("Shells struck a hotel in the town of Kindu on Thursday, killing nine tourists and "
            "wounding 20, officials said.\n\nThe rebels have fought the government since 1984, a "
            "conflict that has killed more than 40,000 people.")  # fmt: skip
    assert [(r.killed, r.wounded) for r in violent(text)] == [(9, 20)]


def test_a_tolls_figure_phrase_is_not_read_as_a_wounded_verb():
    text = ("Gunmen killed dozens of villagers in the north of the country on Saturday, witnesses "
            "said.\n\nBy Monday, another resident said more than 300 bodies had been recovered.")
    assert [(r.killed, r.wounded) for r in violent(text, published="2023-05-22")] == [(300, None)]
