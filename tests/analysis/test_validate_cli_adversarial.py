"""`jervis validate` usage errors: one line on stderr (the progress bar left a blank line
before it), exit 2, no traceback for a negative --runs, no empty 0% table for --runs 0."""

from __future__ import annotations

import pytest
from tests.test_cli_errors import cli, one_line_error


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--runs", "-1"], "Invalid value for '--runs'"),
        (["--runs", "0"], "Invalid value for '--runs'"),
        (["--days", "0", "--runs", "1"], "Invalid value for '--days'"),
        # round 8: the options by their names (were "simulate needs n_days >= 2*horizon", "irr,
        # n_x, n_y, r0_km and d0_days must be positive"), and an empty --scenarios ran them all
        (["--days", "5", "--runs", "1", "--scenarios", "none"], "--days must be at least 14 (twice the"),
        (["--spatial", "--n-x", "0", "--runs", "1"], "Invalid value for '--n-x'"),
        (["--spatial", "--n-y", "-5", "--runs", "1"], "Invalid value for '--n-y'"),
        (["--scenarios", "", "--runs", "1"], "--scenarios names no scenario; choose from none, deters"),
        (["--scenarios", ",,", "--runs", "1"], "--scenarios names no scenario"),
        # an option of the other study is named, not silently ignored (before any simulation)
        (["--n-x", "50", "--runs", "1"], "--n-x needs --spatial"),
        (["--n-y", "6000", "--runs", "1"], "--n-y needs --spatial"),  # even at its default
        (["--overlap", "saturate", "--runs", "1"], "--overlap needs --spatial"),
        (["--spatial", "--scenarios", "none", "--runs", "1"], "--scenarios does not apply with --spatial"),
        (["--spatial", "--bin", "week", "--runs", "1"], "--bin does not apply with --spatial"),
    ],
)
def test_validate_usage_errors_are_one_line(capsys, args, expected):
    code, out, err = cli(capsys, "validate", *args)
    assert expected in one_line_error(code, err)
    assert err == err.lstrip(), repr(err)  # no blank line first
