"""Roles from the words around a mention's sentence: a pronoun's party, the perpetrator a nearby
sentence names, and the training labels of distantly supervised victims (invented sentences)."""

from __future__ import annotations

import pytest

from jervis.text.arguments import antecedent
from jervis.text.extract import extract_text
from jervis.text.pipeline import parse


@pytest.mark.parametrize(
    ("pronoun", "before", "context", "party"),
    [
        # the first party of the sentence before; "in <country>" is where, not who
        ("it", "On Friday ", ("The Islamic State grew stronger in Syria last year.",),
         "Islamic State"),
        ("they", "", ("Hezbollah fighters crossed the border at dawn.",), "Hezbollah fighters"),
        # a person for "he": a name, not the group named with it
        ("he", "Later ", ("Omar Haddad met the envoy of Hamas.",), "Omar Haddad"),
        # first and second person, or nothing that fits: no guess
        ("we", "", ("Hamas fired rockets.",), None),
        ("it", "", ("The weather was cold in the valley.",), None),
    ],
)
def test_a_pronoun_stands_for_the_first_fitting_party_before_it(pronoun, before, context, party):
    found = antecedent(pronoun, "attacker", before, context)
    if party is None:
        assert found is None
    else:
        assert found == party


def test_a_pronoun_attacker_is_named_with_its_span_on_the_pronoun():
    text = ("The Islamic State grew stronger in Syria last year. "
            "On Friday it launched an attack on a Kurdish village, killing five people.")
    (event,) = extract_text(text)
    assert event.actor == "Islamic State"
    a, b = event.spans["actor"]
    assert text[a:b] == "it"


def test_an_unresolved_pronoun_leaves_the_attacker_empty():
    (event,) = extract_text("The weather was cold in the valley. On Friday it launched an attack "
                            "on a Kurdish village, killing five people.")
    assert event.actor is None and event.actor_raw is None


def test_an_event_takes_the_perpetrator_a_nearby_sentence_names():
    text = ("A bomb exploded outside the mayor's house in the capital on Monday. "
            "No one was hurt. Police said the device had been planted by FMLN urban commandos.")
    events = extract_text(text)
    assert len(events) == 1 and events[0].actor_raw == "FMLN urban commandos"
    a, b = events[0].spans["actor"]
    assert text[a:b] == "FMLN urban commandos"


def test_a_far_sentence_or_a_weapon_is_no_perpetrator():
    far = ("A bomb exploded outside the mayor's house in the capital on Monday. "
           "The mayor was not at home. His family was away. The street was closed. "
           "Last year a bank was robbed by FMLN urban commandos.")
    assert extract_text(far)[0].actor is None
    weapon = "Two guards were killed on Monday. The gate was destroyed by a car bomb."
    assert all(e.actor is None for e in extract_text(weapon))


def test_the_passive_subject_of_a_verb_around_an_attack_noun_is_its_target():
    (event,) = extract_text("Two soldiers were killed on Sunday in an ambush.")
    assert event.actor is None and event.target_raw == "soldiers"


def test_distant_labels_leave_a_casualty_verbs_victims_unlabelled():
    from tests.text.test_learned import _train_script

    from jervis.text.detect import all_hits
    from jervis.text.lexicon import load_lexicon
    from jervis.text.pipeline import split_sentences

    text = "Guerrillas attacked the town hall and killed three policemen and a driver."
    (sentence,) = split_sentences([text])[0]
    (doc,) = parse([sentence.norm])
    victims = _train_script().casualty_victims(doc, all_hits(load_lexicon(), sentence))
    assert sorted(doc[i].text for i in victims) == ["driver", "policemen"]


def test_a_perpetrator_named_anywhere_in_the_report_fills_an_empty_attacker():
    """roles9: any sentence of the document, the nearest first; beyond two sentences not one
    that puts itself in another time (that tells another incident)."""
    text = ("A bomb exploded outside the mayor's house in the capital on Monday. "
            "The mayor was not at home. His family was away. The street was closed. "
            "Police said the device had been planted by FMLN urban commandos.")
    (event,) = extract_text(text)
    assert event.actor_raw == "FMLN urban commandos"
    a, b = event.spans["actor"]
    assert text[a:b] == "FMLN urban commandos"
    older = text.replace("Police said the device had been planted", "In 1985 a bank was robbed")
    assert extract_text(older)[0].actor is None
    nearest = ("A bomb exploded outside the mayor's house in the capital on Monday. "
               "Police said the device had been planted by FMLN urban commandos. "
               "The mayor was not at home. His family was away. The street was closed. "
               "A week earlier a patrol was attacked by army deserters.")
    assert extract_text(nearest)[0].actor_raw == "FMLN urban commandos"
