"""Real data: the Iraq figures README and docs/methods.md quote, pinned; weekly and monthly
analyses of the shipped examples run without a fit failure."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jervis.analysis.api import analyze

FIXTURES = Path(__file__).parents[1] / "fixtures"
IRAQ_GAP = [["2006-09-25", "2007-02-22"]]  # between the files, as the store declares it


def iraq_events(period: str = "all") -> pd.DataFrame:
    """US-led air operations (A) and insurgent attacks (B), Iraq 2006-2008 (the demo's data)."""
    folder = FIXTURES / "iraq-2006-2008"
    names = {"all": ("_2006", ""), "2007-08": ("",)}[period]
    parts = [
        pd.read_csv(folder / f"{kind}{suffix}.csv").assign(side=side)
        for suffix in names
        for kind, side in (("airstrikes", "A"), ("insurgencies", "B"))
    ]
    return pd.concat(parts).assign(date=lambda f: pd.to_datetime(f["date"]))


LABELS = {"A": "US-led coalition", "B": "insurgents"}


@pytest.mark.parametrize("bin", ["week", "month"])
def test_weekly_and_monthly_analyses_of_the_shipped_data_have_no_fit_failure(bin):
    verdict = analyze(events=iraq_events(), bin=bin, exclude=IRAQ_GAP, n_placebo=100,
                      methods=["count_regression", "granger", "event_study", "episodes"])  # fmt: skip
    data = verdict.to_dict()
    for item in data["directions"]:
        for name, result in item["methods"].items():
            assert "numerical failure" not in (result["reason"] or ""), (bin, name, result)
        assert "could not be" not in (item["reason"] or "")
        if bin == "week":  # 100 covered weeks: the lead is estimated
            assert item["effect"] is not None and item["methods"]["count_regression"]["applicable"]
    if bin == "month":  # 24 covered months: too few for any verdict, and it says so
        assert all("too few data" in d["reason"] for d in data["directions"])


@pytest.fixture(scope="module")
def demo_verdict() -> dict:
    """The demo's analysis (jervis demo) on the same data: Iraq 2006-2008 with the declared gap
    between the 2006 and 2007-08 files, every method but the spatial windows (pinned in
    test_spatial.py on 2007-08), default settings."""
    verdict = analyze(
        events=iraq_events(), exclude=IRAQ_GAP,
        methods=["count_regression", "event_study", "granger", "episodes"],
    )  # fmt: skip
    return verdict.to_dict()


# The figures README.md and docs/methods.md (section 8) quote, from `jervis demo`.
PINNED = {
    "A->B": {"count_regression": (1.0098, 0.9892, 1.0307), "event_study": (0.9973, 0.9838, 1.0113),
             "granger": (-0.1773, -0.4959, 0.1413), "episodes": (0.9936, 0.9568, 1.0328)},
    "B->A": {"count_regression": (1.2414, 0.8178, 1.8844), "event_study": (1.0307, 0.9886, 1.0707),
             "granger": (0.0081, -0.0038, 0.0200), "episodes": (1.1336, 0.7838, 1.5812)},
}  # fmt: skip


@pytest.mark.parametrize("direction", ["A->B", "B->A"])
def test_the_quoted_iraq_figures_hold(demo_verdict, direction):
    item = next(d for d in demo_verdict["directions"] if f"{d['from']}->{d['to']}" == direction)
    assert item["verdict"] == "no_detectable_effect", item["reason"]
    for method, (estimate, lo, hi) in PINNED[direction].items():
        result = item["methods"][method]
        assert result["estimate"] == pytest.approx(estimate, abs=0.005), method
        assert result["ci95"] == pytest.approx([lo, hi], abs=0.01), method
        assert result["points_to"] == "none", method
    grid = item["robustness"]
    assert grid["n_fitted"] == 28 and grid["share_significant"] == {"provokes": 0.0, "deters": 0.0}
    assert demo_verdict["coverage"]["excluded"][0]["days"] == 151


EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.mark.slow
def test_every_example_dyad_runs_weekly_and_monthly_without_a_fit_failure(tmp_path, make_store):
    """Acceptance 4 of issue 8 for the dyad files in examples/ with the data they are for: the
    hand-compiled 2019-2021 timeline (us-iraqi-militias.toml, through its mapping) and any
    canonical CSV with actor_side A/B (ab-dyad.toml; five simulated years, so the monthly
    analysis passes the data gate and is fitted). The demo dyad is the test above."""
    import jervis

    militias = tmp_path / "militias.duckdb"
    jervis.ingest(FIXTURES / "iraq-2019-2021" / "events.csv", db=militias,
                  mapping=EXAMPLES / "iraq-2019-2021.mapping.toml")  # fmt: skip
    simulated = make_store(tmp_path, 5 * 365, 7, {"A->B": 1.6})
    runs = {"us-iraqi-militias": militias, "ab-dyad": simulated}
    for name, db in runs.items():
        for bin in ("week", "month"):
            data = analyze(EXAMPLES / f"{name}.toml", db=db, bin=bin, n_placebo=100).to_dict()
            for item in data["directions"]:
                assert "could not be" not in (item["reason"] or ""), (name, bin, item["reason"])
                for method, result in item["methods"].items():
                    assert "numerical failure" not in (result["reason"] or ""), (name, bin, method)
                    assert not any("NaN" in n for n in result["notes"]), (name, bin, method)
                if name == "us-iraqi-militias":  # 20 events: gated, and it says so
                    assert "too few data" in item["reason"], (bin, item["reason"])
                else:
                    assert item["methods"]["count_regression"]["applicable"], (bin, item)
