"""Adversarial round 10 on `jervis dedup --config`. Failed before its fix: a file holding only
the one setting a user changed was "bad dedup settings (KeyError('date_tolerance_days'))", a
word for a number "(ValueError(\"could not convert string to float: 'x'\"))"."""

from __future__ import annotations

from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jervis.dedup.config import DedupConfig
from jervis.errors import JervisError

SHIPPED = (resources.files("jervis") / "data" / "dedup.toml").read_text("utf-8")
KEYS = ("threshold", "date_tolerance_days", "place_radius_km", "weights")


def _shipped() -> dict:
    import tomllib

    return tomllib.loads(SHIPPED)


def test_a_file_of_the_one_setting_changed_names_what_is_missing(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text("threshold = 0.2\n")
    with pytest.raises(JervisError) as caught:
        DedupConfig.load(path)
    message = str(caught.value)
    assert "mine.toml" in message and "missing date_tolerance_days, place_radius_km, weights" in message, message
    assert "copy jervis/data/dedup.toml" in message and "Error(" not in message


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("threshold", "x", "threshold must be a number (got 'x')"),
        ("cohesion", [0.1], "cohesion must be a number (got [0.1])"),
        ("date_tolerance_days", 3, "date_tolerance_days must be a table"),
        ("weights", "heavy", "weights must be a table"),
        ("place_radius_km", {"acled": {"1": 5.0}}, "place_radius_km needs a default radius"),
    ],
)
def test_a_mistyped_setting_is_named(key, value, expected):
    data = _shipped()
    data[key] = value
    with pytest.raises(JervisError) as caught:
        DedupConfig.from_dict(data, "mine.toml")
    assert expected in str(caught.value) and "Error(" not in str(caught.value), caught.value


@settings(max_examples=20, deadline=None)
@given(keep=st.sets(st.sampled_from(KEYS), max_size=len(KEYS) - 1))
def test_any_missing_setting_is_named(keep):
    data = {"threshold": 0.05, "date_tolerance_days": {"day": 2}, "place_radius_km": {"default": 25},
            "weights": {"date": 1.0}}
    with pytest.raises(JervisError, match="missing " + ", ".join(k for k in KEYS if k not in keep)):
        DedupConfig.from_dict({k: data[k] for k in keep}, "mine.toml")
