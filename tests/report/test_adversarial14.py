"""Adversarial round 14 on `jervis report --json`: numbers inside a verdict file. Failed before
its fix: an effect or a method summary whose estimate, interval or p-value was not a number
(a string, an interval of one or three values, an end of null) passed the shape check, and the
page ended in a ValueError or TypeError traceback after the store was read."""

from __future__ import annotations

import copy
import json

import pytest
from tests.report.test_adversarial10 import VERDICT

from jervis.errors import JervisError
from jervis.report.api import load_verdict

SUMMARY = {"applicable": True, "estimate": 1.4, "ci95": [1.1, 1.8], "p_value_holm": 0.01, "points_to": "provocation"}


@pytest.mark.parametrize("where", ["effect", "method"])
@pytest.mark.parametrize(
    "field, value",
    [("estimate", "x"), ("estimate", True), ("ci95", "ab"), ("ci95", [1.0]), ("ci95", [1.0, 2.0, 3.0]),
     ("ci95", ["a", 2.0]), ("ci95", ["a", "b"]), ("p_value_holm", "0.01")],
)  # fmt: skip
def test_a_number_of_the_wrong_kind_is_named(tmp_path, where, field, value):
    data = copy.deepcopy(VERDICT)
    direction = data["directions"][0]
    direction["methods"] = {"count_regression": dict(SUMMARY)}
    direction["effect"] = {"estimate": 1.4, "ci95": [1.1, 1.8], "horizon_days": 7}
    target = direction["effect"] if where == "effect" else direction["methods"]["count_regression"]
    target[field] = value
    path = tmp_path / "verdict.json"
    path.write_text(json.dumps(data))
    with pytest.raises(JervisError) as caught:
        load_verdict(path)
    message = str(caught.value)
    assert "verdict.json" in message and field in message and "\n" not in message, message


def test_the_page_draws_an_interval_with_an_open_end(tmp_path):
    """An interval end is null when it overflowed (rounded() keeps no infinity): the page's
    headline formatted it, a TypeError ('unsupported format string passed to NoneType')."""
    import jervis

    (tmp_path / "e.csv").write_text("date,event,actor,target\n2020-01-01,ASSAULT,a,b\n2020-01-02,ASSAULT,b,a\n")
    jervis.ingest(tmp_path / "e.csv", db=tmp_path / "j.duckdb")
    dyad = tmp_path / "d.toml"
    dyad.write_text('name = "d"\n[sides.A]\nactor_regex = ["^a$"]\n[sides.B]\nactor_regex = ["^b$"]\n')
    data = copy.deepcopy(VERDICT)
    data["period"] = {"start": "2020-01-01", "end": "2020-01-02"}
    data["directions"][0]["methods"] = {"count_regression": {**SUMMARY, "ci95": [1.1, None]}, "granger": {"estimate": None, "ci95": None}}
    data["directions"][0]["effect"] = {"estimate": 1.4, "ci95": [1.1, None], "horizon_days": 7}
    assert load_verdict(data) is data
    page = jervis.report(dyad, db=tmp_path / "j.duckdb", out=tmp_path / "r", verdict=data, formats=())
    assert "Rate ratio 1.40" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("actions", [None, "5", -1, 2.5])
def test_a_side_without_a_count_of_actions_is_named(actions):
    """The page prints each side's count ("{:,}".format): a verdict whose side had none, or a
    string, was a TypeError / ValueError traceback after the store was read."""
    data = copy.deepcopy(VERDICT)
    data["sides"]["B"]["actions"] = actions
    with pytest.raises(JervisError, match="sides.B.actions"):
        load_verdict(data)


def _broken_extra(kind: str, change) -> dict:
    from tests.report.test_charts import _hawkes_json, _policies_json

    data = _hawkes_json() if kind == "hawkes" else _policies_json()
    change(data)
    return data


@pytest.mark.parametrize(
    "kind, change, named",
    [
        ("hawkes", lambda d: d.update(half_life_days="x"), "half_life_days"),
        ("hawkes", lambda d: d.update(gof="x"), "gof"),
        ("hawkes", lambda d: d["effects"][0].pop("from"), "'from' and 'to'"),
        ("policies", lambda d: d["difference"][0].update(interval90="x"), "interval90"),
    ],
)
def test_a_hawkes_or_policies_field_the_charts_read_is_checked(kind, change, named):
    """Each was an AttributeError, KeyError or ValueError traceback drawing the page."""
    from jervis.report.api import load_result

    keys = {"effects"} if kind == "hawkes" else {"policies", "difference"}
    with pytest.raises(JervisError, match=named):
        load_result(_broken_extra(kind, change), kind, keys, "d")
    assert load_result(_broken_extra(kind, lambda d: None), kind, keys, "d")["dyad"] == "d"
