"""The seventh round's count rules (docs/extraction.md, "Seventh round: counts on the right
event"): a toll's place, the attackers' own dead in a figure, the victims' aside. Every text here
is invented for the rule it checks."""

from __future__ import annotations

from datetime import date

from tests.reference.news import violent

from jervis.text.numbers import attackers_died, standalone_counts


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
    text = "Police said nine attackers died in the exchange of fire that followed."
    figures = [(text[a:b], attackers_died(text, a, b, True)) for _, _, a, b in standalone_counts(text)]
    assert figures == [("nine attackers died", True)]
    assert not attackers_died("Five people died when gunmen opened fire.", 12, 16, False)
    left = "The raid left three gunmen dead."
    assert all(attackers_died(left, a, b, True) for _, _, a, b in standalone_counts(left))
    rows = violent("Gunmen attacked an army post in the town of Kindu on Thursday. Nine attackers "
                   "died when soldiers fired back, and one soldier was killed, the army said.")
    assert [r.killed for r in rows] == [1]


def test_a_party_listed_among_the_victims_is_not_the_attacker():
    rows = violent("Medics said the shelling of the village on Friday killed 20 people, among them "
                   "Ruritanian government soldiers.")
    assert len(rows) == 1 and rows[0].killed == 20
    assert rows[0].actor is None and rows[0].actor_raw is None


# --- from news-dev4's learn part: the toll in other words, first reports, a war's toll ---------

def test_the_bomber_is_a_person_and_joins_the_lead_it_dates():
    text = ("A suicide bombing at a college in the town of Kindu killed 30 people and wounded 52, "
            "the health ministry said on Saturday.\n\nThe bomber attacked the college's library "
            "on Thursday, according to the police.")  # fmt: skip
    rows = violent(text)
    assert [(r.date, r.mode, r.killed, r.wounded) for r in rows] == [
        (date(2023, 5, 18), "suicide_bomb", 30, 52)]
    jets = violent("Russian bombers struck the town of Kindu on Thursday, killing four people.")
    assert [r.mode for r in jets] == ["air_strike"]


def test_the_toll_said_in_other_words_is_read():
    assert [(k, n) for k, n, _, _ in standalone_counts(
        "The number of people killed in the market shelling had climbed to 31 by evening.")] == [
        ("killed", 31)]
    assert [(k, n) for k, n, _, _ in standalone_counts(
        "Some 120 bodies were pulled from the debris over the weekend.")] == [("killed", 120)]
    assert [(k, n) for k, n, _, _ in standalone_counts(
        "Doctors said 45 of the injured were hospitalised.")] == [("wounded", 45)]
    assert not standalone_counts("The clinic had admitted 300 patients in the year before the war.")
    text = ("A car bomb exploded at a market in the town of Kindu on Thursday, killing 12 "
            "people, police said.\n\nBy Friday some 120 bodies were pulled from the debris, and "
            "doctors said 45 of the injured were hospitalised.")  # fmt: skip
    assert [(r.killed, r.wounded) for r in violent(text)] == [(120, 45)]


def test_a_casualty_report_naming_another_town_of_the_same_country_stays_with_its_attack():
    text = ("A missile struck the railway station in the city of Kharkiv on Thursday, killing 12 "
            "people, the governor said.\n\nSixty people were wounded; trains to Kyiv were "
            "cancelled.")  # fmt: skip
    assert [(r.killed, r.wounded) for r in violent(text)] == [(12, 60)]


def test_a_first_report_gives_way_to_a_later_figure_smaller_or_not():
    text = ("Gunmen opened fire on a bus in the district of Kindu on Thursday, killing seven "
            "people, police said.\n\nA hospital director had first reported nine deaths, but "
            "the governor said on Friday that seven had died.")  # fmt: skip
    assert [r.killed for r in violent(text)] == [7]
    raised = ("Gunmen opened fire on a bus in the district of Kindu on Thursday, police said.\n\n"
              "The army initially gave a toll of four; by Friday 11 people had died.")
    assert [r.killed for r in violent(raised)] == [11]


def test_a_toll_over_a_period_is_no_events_toll():
    text = ("Shells struck a hotel in the town of Kindu on Thursday, killing nine tourists and "
            "wounding 20, officials said.\n\nRebels have waged an insurgency in the region since "
            "1990; the war has killed about 30,000 people.")  # fmt: skip
    assert [(r.killed, r.wounded) for r in violent(text)] == [(9, 20)]


def test_a_tolls_figure_phrase_is_not_read_as_a_wounded_verb():
    text = ("Gunmen killed dozens of villagers in the north of the country on Saturday, witnesses "
            "said.\n\nOn Monday another elder said 300 bodies were found near the river.")
    assert [(r.killed, r.wounded) for r in violent(text, published="2023-05-22")] == [(300, None)]
