"""Chart builders: specs from aggregates, side colours and labels, reasons instead of blanks."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc

from jervis.report.base import SIDE_COLORS, NotApplicable, ReportContext, build_figures
from jervis.report.charts import event_map, event_timeline
from jervis.report.data import activity, display_bin, map_layer
from jervis.report.render import VL_CONVERT_VERSION, script_json


def events(n: int, seed: int = 0, located: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    side = rng.choice(["A", "B"], size=n, p=[0.3, 0.7])
    return pd.DataFrame({
        "date": pd.to_datetime("2021-01-01") + pd.to_timedelta(rng.integers(0, 90, n), unit="D"),
        "side": side,
        "actor": np.where(side == "A", "Army", "Rebels"),
        "event": "ASSAULT",
        "killed": np.where(rng.random(n) < 0.5, rng.integers(0, 4, n), None),
        "latitude": 15 + rng.normal(0, 1, n) if located else None,
        "longitude": 30 + rng.normal(0, 1, n) if located else None,
    })  # fmt: skip


def test_activity_counts_in_the_backend_and_fills_quiet_days():
    frame = events(500)
    per = activity(frame, bin="day", start="2021-01-01", end="2021-04-30")
    assert len(per) == 120 * 2  # every day of the period, both sides, zeros included
    assert per["events"].sum() == 500
    assert per.groupby("side")["events"].sum().to_dict() == frame["side"].value_counts().to_dict()
    known = frame["killed"].notna()
    assert per["killed"].sum() == frame.loc[known, "killed"].sum()
    weekly = activity(frame, bin="week")
    assert (weekly["date"].dt.dayofweek == 0).all() and weekly["events"].sum() == 500
    assert display_bin("day", "2000-01-01", "2001-12-31") == "day"
    assert display_bin("day", "1990-01-01", "2009-12-31") == "week"
    assert display_bin("day", "1960-01-01", "2020-12-31") == "month"


def test_timeline_names_the_sides_in_their_colours():
    spec = event_timeline(events(300), bin="week", labels={"A": "Army", "B": "Rebels"})
    color = spec["vconcat"][0]["layer"][-1]["encoding"]["color"]["scale"]
    assert color == {"domain": ["Army", "Rebels"], "range": [SIDE_COLORS["A"], SIDE_COLORS["B"]]}
    titles = [row["title"]["text"] for row in spec["vconcat"]]
    assert titles[:2] == ["Army: events per week", "Rebels: events per week"]
    assert any("Killed" in t for t in titles)  # deaths are reported for half the events
    assert spec["vconcat"][-1]["params"][0]["name"] == "brush"
    svg = vlc.vegalite_to_svg(spec, vl_version=VL_CONVERT_VERSION)
    assert "Army" in svg and "events per week" in svg


def test_map_points_when_few_and_a_grid_made_in_the_backend_when_many():
    few = map_layer(events(300))
    assert few.kind == "points" and len(few.rows) == 300
    many = map_layer(events(6000, seed=1))
    assert many.kind == "grid" and len(many.rows) < 6000
    assert many.rows["events"].sum() == 6000 and set(many.located) == {"A", "B"}
    lo_lon, lo_lat, hi_lon, hi_lat = many.extent
    assert lo_lon < 30 < hi_lon and lo_lat < 15 < hi_lat and hi_lon - lo_lon < 15
    specs = event_map(events(6000, seed=1), labels={"A": "Army", "B": "Rebels"})
    assert len(specs) == 2  # one density map per side
    assert "Army: events per cell" in json.dumps(specs[0])
    # Only the countries near the data are drawn (Sudan, Chad, ... not Russia).
    names = {g["properties"]["name"] for g in specs[0]["datasets"]["world"]["objects"]["countries"]["geometries"]}
    assert "Sudan" in names and "Russia" not in names
    with pytest.raises(NotApplicable, match="no event has coordinates"):
        event_map(events(50, located=False))


def _verdict(**direction) -> dict:
    base = {"from": "A", "to": "B", "verdict": "inconclusive", "effect": None, "methods": {},
            "agreement": "", "summary": "", "reason": "only 3 actions"}  # fmt: skip
    return {
        "dyad": "d", "period": {"start": "2021-01-01", "end": "2021-03-31"}, "bin": "day",
        "actions": "initiated", "sides": {"A": {"label": "X", "actions": 3},
                                          "B": {"label": "X", "actions": 9}},
        "settings": {"methods": ["count_regression", "event_study"]},
        "directions": [{**base, **direction}],
    }  # fmt: skip


def test_a_chart_that_cannot_be_drawn_says_why():
    ctx = ReportContext(_verdict())
    assert ctx.labels == {"A": "X (A)", "B": "X (B)"}  # equal labels made distinct for legends
    figures = {f.name: f for f in build_figures(ctx)}
    assert figures["event_study-A-B"].reason == "no method ran: only 3 actions"
    assert "without a store" in figures["timeline"].reason
    assert not any(f.drawn for f in figures.values())
    ctx = ReportContext(_verdict(methods={"event_study": {"applicable": False,
                                                          "reason": "only 2 action days"}}))  # fmt: skip
    figures = {f.name: f for f in build_figures(ctx)}
    assert figures["event_study-A-B"].reason == "only 2 action days"
    assert figures["granger-A-B"].reason == "this analysis did not ask for VAR / Granger"


def test_json_in_the_page_cannot_close_its_script_block():
    text = script_json({"name": "</script><script>alert(1)</script>", "x": "a & b <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script>"


def test_grid_columns_name_the_window_the_model_sees():
    """A weekly fit of a 3-day window is one week (the grid counts it once): not '3 days'."""
    from jervis.report.charts.robustness import grid_rows

    rows = grid_rows({"specifications": [
        {"method": "count_regression", "specification": f"lags aic, horizon {h} d, {b} bins",
         "bin": b, "estimate": 1.1, "direction": "provokes", "significant": s, "applicable": True}
        for b, h, s in (("day", 3, True), ("day", 14, False), ("week", 3, False), ("week", 14, False))
    ]})  # fmt: skip
    assert [r["horizon"] for r in rows] == ["3 days", "14 days", "1 week", "2 weeks"]
    assert [r["lags"] for r in rows] == ["AIC"] * 4
    assert [r["call"] for r in rows] == ["significantly more after"] + ["more after (not significant)"] * 3


def _hawkes_json() -> dict:
    """The shape `jervis hawkes --json` writes (docs/hawkes.md section 2), values made up."""
    pairs = [("X", "X", 0.6, [0.5, 0.7], "excitation"), ("Y", "X", -0.02, [-0.04, -0.01], "inhibition"),
             ("X", "Y", 0.1, [-0.1, 0.3], "none"), ("Y", "Y", 0.9, [0.85, 0.95], "excitation")]  # fmt: skip
    return {
        "dyad": "d", "model": "discrete", "link": "log", "family": "nb",
        "effects": [{"from": f, "to": t, "estimate": e, "ci95": ci, "kind": k, "p_value": 0.01}
                    for f, t, e, ci, k in pairs],  # fmt: skip
        "half_life_days": [{"from": f, "to": t, "half_life_days": 2.0, "ci95": [1.0, 5e9]}
                           for f, t, *_ in pairs],  # fmt: skip
        "gof": {"ks_statistic": 0.03, "ks_p_value": 0.2, "qq": [[q / 10, q / 10] for q in range(1, 10)]},
    }


def _policies_json() -> dict:
    days = list(range(1, 11))
    path = lambda rate: {"day": days, "mean": [rate * d for d in days],  # noqa: E731
                         "lo90": [0.5 * rate * d for d in days], "hi90": [2 * rate * d for d in days]}
    return {
        "dyad": "d", "days": 10, "responder": "X", "attacker": "Y", "paths": 100,
        "policies": [{"name": "never_respond", "path": path(4.0)},
                     {"name": "always_respond", "path": path(3.0)}],
        "difference": [{"policy": "always_respond", "versus": "never_respond", "attacks": -10.0,
                        "interval90": [-25.0, 3.0], "paths_with_fewer_attacks": 0.8}],
    }  # fmt: skip


def test_hawkes_and_policies_are_drawn_only_when_given_and_show_their_numbers():
    verdict = _verdict() | {"sides": {"A": {"label": "X"}, "B": {"label": "Y"}}}
    names = {f.name for f in build_figures(ReportContext(verdict))}
    assert not names & {"hawkes", "policies"}  # no results given: no section, no blank box
    ctx = ReportContext(verdict, extras={"hawkes": _hawkes_json(), "policies": _policies_json()})
    figures = {f.name: f for f in build_figures(ctx)}
    hawkes, policies = figures["hawkes"].spec, figures["policies"].spec
    effects = {r["pair"]: r for panel in hawkes["vconcat"][:2] for r in panel["data"]["values"]}
    assert effects["Y → X"]["estimate"] == -0.02 and effects["Y → X"]["hi"] == -0.01
    assert effects["X → itself"]["kind"].startswith("more events")
    assert effects["Y → X"]["kind"].startswith("fewer events")
    half = hawkes["vconcat"][2]
    assert half["encoding" if "encoding" in half else "layer"][0]["encoding"]["x"]["scale"]["domain"][1] == 1000
    assert "p = 0.2 (no clear misfit)" in hawkes["vconcat"][3]["title"]["text"]
    rows = policies["vconcat"][0]["data"]["values"]
    assert {r["policy"] for r in rows} == {"never respond", "always respond"} and len(rows) == 20
    assert policies["vconcat"][1]["data"]["values"][0] | {} == {
        "row": "always respond − never respond", "attacks": -10.0, "lo": -25.0, "hi": 3.0, "fewer": "80%"}
    assert "Y' attacks" not in json.dumps(policies) and "Y's attacks" in json.dumps(policies)
    for figure in (figures["hawkes"], figures["policies"]):
        svg = vlc.vegalite_to_svg(figure.standalone(), vl_version=VL_CONVERT_VERSION)
        assert svg.count("<path") > 10
