"""Analysis settings and the analyze command: every user mistake is one clear error (issue 9,
items 14 and 24), ``--out`` writes the verdict, progress goes to stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import jervis
from jervis.analysis.api import analyze
from jervis.analysis.commands import register
from jervis.analysis.settings import DEFAULTS, check_settings, resolve
from jervis.errors import JervisError

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"bin": "year"}, "bin must be one of 'day', 'week', 'month', not 'year'"),
        ({"horizon_days": "abc"}, "horizon_days must be a whole number, not 'abc'"),
        ({"horizon_days": 0}, "horizon_days must be at least 1"),
        ({"max_lag_days": 2.5}, "max_lag_days must be a whole number"),
        ({"lag_selection": "hqic"}, "lag_selection must be 'aic', 'bic' or a number of days"),
        ({"season": "no"}, "season must be true or false, not 'no'"),
        ({"actions": "kills"}, "actions must be one of 'initiated', 'harm'"),
        ({"exclude": [["2020-01-05", "2020-01-01"]]}, "ends before it starts"),
        ({"exclude": "2020"}, "exclude must be a list of"),
        ({"methods": ["count_regresion"]}, "did you mean 'count_regression'"),
        ({"horizon": 7}, "unknown key 'horizon' (did you mean 'horizon_days'?)"),
        ({"min_event": 3}, "did you mean 'min_incidents'"),
    ],
)
def test_bad_settings_are_one_clear_error(settings, message):
    with pytest.raises(JervisError) as error:
        check_settings(settings)
    assert message in str(error.value)


def test_defaults_pass_their_own_checks():
    assert resolve() == DEFAULTS


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app."""

    register(app)
    return app


@pytest.fixture(scope="module")
def store(tmp_path_factory, make_store) -> Path:
    """A store holding one simulated dyad with an actor_side column (examples/ab-dyad.toml)."""
    return make_store(tmp_path_factory.mktemp("ab"), 365, 2, {"A->B": 0.6})


def test_a_bad_analysis_table_in_the_dyad_file_names_the_file(tmp_path, store):
    dyad = tmp_path / "d.toml"
    dyad.write_text(
        '[sides.A]\ncolumn = { actor_side = "A" }\n[sides.B]\ncolumn = { actor_side = "B" }\n'
        '[analysis]\nhorizon_days = "abc"\n'
    )
    with pytest.raises(JervisError, match=r"d\.toml: \[analysis\] horizon_days must be a whole"):
        analyze(dyad, db=store)
    result = CliRunner().invoke(_app(), ["analyze", "--dyad", str(dyad), "--db", str(store)])
    assert isinstance(result.exception, JervisError)  # cli.main prints it as one line, exit 2


def test_out_writes_the_verdict_json_and_progress_stays_off_stdout(tmp_path, store):
    out = tmp_path / "verdict.json"
    args = ["analyze", "--dyad", str(EXAMPLES / "ab-dyad.toml"), "--db", str(store)]
    result = CliRunner().invoke(_app(), [*args, "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text())
    assert written == json.loads(result.stdout)  # nothing but the JSON on stdout
    assert {"robustness", "notes", "confounding"} <= set(written["directions"][0])
    assert "notes" in written and "coverage" in written
    bad = CliRunner().invoke(_app(), [*args, "--out", str(tmp_path)])  # a directory
    assert isinstance(bad.exception, JervisError) and "cannot write the verdict" in str(
        bad.exception
    )


def test_python_callers_get_a_python_hint_for_a_missing_store(tmp_path):
    with pytest.raises(JervisError) as error:
        jervis.analyze(EXAMPLES / "ab-dyad.toml", db=tmp_path / "none.duckdb")
    assert 'db="path/to/store.duckdb"' in str(error.value) and "--db" not in str(error.value)
    result = CliRunner().invoke(
        _app(), ["analyze", "--dyad", str(EXAMPLES / "ab-dyad.toml"), "--db",
                 str(tmp_path / "none.duckdb")],
    )  # fmt: skip
    assert "--db" in str(result.exception)
