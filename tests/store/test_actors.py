"""The alias dictionary: the spellings the issue names, acronym safety, user overrides."""

from __future__ import annotations

import pytest

from jervis.errors import JervisError
from jervis.store.actors import ActorDictionary


@pytest.fixture(scope="module")
def actors() -> ActorDictionary:
    return ActorDictionary.load()


@pytest.mark.parametrize(
    "raw, name",
    [
        ("Kataib Hezbollah", "Kataib Hezbollah"),
        ("Kata'ib Hizballah", "Kataib Hezbollah"),
        ("KH", "Kataib Hezbollah"),
        ("Hezbollah Brigades", "Kataib Hezbollah"),
        ("Popular Mobilization Forces", "Popular Mobilization Forces"),
        ("PMF", "Popular Mobilization Forces"),
        ("PMU", "Popular Mobilization Forces"),
        ("Hashd al-Shaabi", "Popular Mobilization Forces"),
        ("US forces", "US forces"),
        ("United States", "US forces"),
        ("American troops", "US forces"),
        ("Military Forces of the United States (2017-2021)", "US forces"),
        ("UK", "UK forces"),
        ("British troops", "UK forces"),
        ("Islamic State", "Islamic State"),
        ("ISIS", "Islamic State"),
        ("ISIL", "Islamic State"),
        ("Daesh", "Islamic State"),
        ("Iraqi security forces", "Iraqi security forces"),
        ("Government of Iraq", "Iraqi security forces"),
        ("  Hashd  al-Sha'abi ", "Popular Mobilization Forces"),
    ],
)
def test_issue_spellings(actors, raw, name):
    assert actors.lookup(raw) == name


def test_acronyms_need_their_capitals(actors):
    assert actors.lookup("us") is None and actors.lookup("is") is None
    assert actors.lookup("U.S.") == "US forces"


def test_unknown_names_are_kept_tidy(actors):
    assert actors.normalise("Foo Brigade (2014-)") == ("Foo Brigade", None)
    assert actors.normalise("") == (None, None)


def test_user_file_wins(tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text('[[actor]]\nname = "Coalition jets"\naliases = ["US warplanes"]\nside = "A"\n')
    actors = ActorDictionary.load(mine)
    assert actors.normalise("US warplanes") == ("Coalition jets", "A")
    assert actors.lookup("KH") == "Kataib Hezbollah"


def test_bad_user_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[actor]]\naliases = ["x"]\n')
    with pytest.raises(JervisError, match="has no name"):
        ActorDictionary.load(bad)


def test_remembered_lookups_are_forgotten_when_an_entry_is_added():
    """lookup remembers its answers (text extraction asks for the same phrases again and
    again); adding an entry must not leave a stale "unknown" behind."""
    from jervis.store.actors import Actor

    dictionary = ActorDictionary()
    assert dictionary.lookup("Sky Lancers Brigade") is None
    assert dictionary.lookup("Sky Lancers Brigade") is None  # the remembered answer
    dictionary.add(Actor("Sky Lancers", aliases=("Sky Lancers Brigade",), side="militia"))
    assert dictionary.lookup("Sky Lancers Brigade") == "Sky Lancers"
    assert dictionary.normalise("Sky Lancers Brigade") == ("Sky Lancers", "militia")
