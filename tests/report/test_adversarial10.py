"""Adversarial round 10 on `jervis report --json`. Failed before its fix: a verdict file whose
fields had the wrong shape (directions a string, a period of "x", a bin of "fortnight", sides
empty) ended in a traceback (TypeError, KeyError, DateParseError, ValueError) after the store
was read, instead of one line naming the file and the field."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jervis.errors import JervisError
from jervis.report.api import load_verdict

VERDICT = {
    "dyad": "d", "period": {"start": "2006-01-01", "end": "2006-12-31"}, "bin": "day",
    "actions": "initiated", "unit": "actions",
    "sides": {"A": {"label": "a", "actions": 1}, "B": {"label": "b", "actions": 1}}, "counts": {"A": 1, "B": 1},
    "settings": {"methods": ["count_regression"]}, "coverage": {}, "notes": [],
    "directions": [{"from": "A", "to": "B", "verdict": "inconclusive", "summary": "", "reason": None,
                    "effect": None, "methods": {"count_regression": {"applicable": False}},
                    "agreement": "", "robustness": None, "confounding": None, "notes": []}],
}  # fmt: skip

BROKEN = [
    (("directions",), "x", "directions"),
    (("directions",), [1, 2], "directions"),
    (("period",), "2006", "period"),
    (("period",), {"start": "2020-02-30", "end": "x"}, "period"),
    (("bin",), "fortnight", "bin"),
    (("sides",), {}, "sides"),
    (("sides",), [], "sides"),
    (("directions", 0, "methods"), "x", "methods"),
    (("directions", 0, "effect"), "x", "effect"),
]


def _broken(where, value):
    data = copy.deepcopy(VERDICT)
    inner = data
    for key in where[:-1]:
        inner = inner[key]
    inner[where[-1]] = value
    return data


@pytest.mark.parametrize(("where", "value", "named"), BROKEN)
def test_a_verdict_field_of_the_wrong_shape_is_named(tmp_path, where, value, named):
    path = tmp_path / "verdict.json"
    path.write_text(json.dumps(_broken(where, value)))
    with pytest.raises(JervisError) as caught:
        load_verdict(path)
    message = str(caught.value)
    assert "verdict.json" in message and named in message and "\n" not in message, message


def test_the_valid_verdict_loads():
    assert load_verdict(copy.deepcopy(VERDICT))["bin"] == "day"


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                    max_leaves=8)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(key=st.sampled_from(["period", "bin", "sides", "directions", "settings", "coverage", "notes"]), value=JSON)
def test_any_value_in_a_verdict_field_is_loaded_or_named(key, value):
    try:
        load_verdict({**copy.deepcopy(VERDICT), key: value})
    except JervisError:
        pass  # named; any other exception fails the test


@pytest.mark.parametrize(
    ("what", "keys", "data", "named"),
    [
        ("hawkes", {"effects"}, {"effects": "x"}, "effects must be a list of objects"),
        ("hawkes", {"effects"}, {"effects": [1]}, "effects must be a list of objects"),
        ("policies", {"policies", "difference"}, {"policies": "x", "difference": []}, "policies must be a list of objects"),
        ("policies", {"policies", "difference"}, {"policies": [], "difference": "x"}, "difference must be a list of objects"),
        ("policies", {"policies", "difference"}, {"policies": [{"name": "n", "path": 3}], "difference": []}, "path"),
    ],
)
def test_a_hawkes_or_policies_file_of_the_wrong_shape_is_named(tmp_path, what, keys, data, named):
    """Were AttributeError tracebacks ('str' object has no attribute 'get') after the store was read."""
    from jervis.report.api import load_result

    path = tmp_path / f"{what}.json"
    path.write_text(json.dumps(data))
    with pytest.raises(JervisError) as caught:
        load_result(path, what, keys, "d")
    assert f"{what}.json" in str(caught.value) and named in str(caught.value), caught.value


def test_a_folder_holding_someone_elses_index_html_is_not_overwritten(capsys, tmp_path):
    """Was silently replaced by the report's page (the user's notes beside it kept)."""
    from tests.test_cli_errors import cli, one_line_error

    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text("<html>my own page</html>")
    dyad = tmp_path / "d.toml"
    dyad.write_text('name = "d"\n[sides.A]\nactors = ["a"]\n[sides.B]\nactors = ["b"]\n')
    (tmp_path / "e.csv").write_text("date,event,actor,target\n2020-01-01,ASSAULT,a,b\n")
    import jervis

    jervis.ingest(tmp_path / "e.csv", db=tmp_path / "j.duckdb")
    code, _, err = cli(capsys, "report", "--dyad", str(dyad), "--db", str(tmp_path / "j.duckdb"),
                       "--out", str(folder))  # fmt: skip
    line = one_line_error(code, err)
    assert "index.html" in line and "did not write" in line, line
    assert (folder / "index.html").read_text() == "<html>my own page</html>"


def test_a_folder_of_an_earlier_report_is_written_again(tmp_path):
    from jervis.report.api import _out_folder

    (tmp_path / "index.html").write_text('<!doctype html><meta name="generator" content="jervis 0.1.0">')
    assert _out_folder(tmp_path) == tmp_path
