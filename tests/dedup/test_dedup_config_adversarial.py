"""`jervis dedup --config` under hostile input: a folder, and numbers TOML allows that make no
sense as settings (negative or fractional day tolerances, negative or infinite radii, nan and
inf weights). Each is one line naming the file and the key (exit 2), not a silent run."""

from __future__ import annotations

from importlib import resources

import pytest
from tests.test_cli_errors import cli, one_line_error

from jervis.dedup.config import DedupConfig
from jervis.errors import JervisError

SHIPPED = (resources.files("jervis") / "data" / "dedup.toml").read_text("utf-8")


def test_a_folder_as_config_is_one_line(capsys, tmp_path):
    code, _, err = cli(capsys, "dedup", "--db", str(tmp_path / "x.duckdb"), "--config", str(tmp_path))
    assert "is a folder, not a dedup config file" in one_line_error(code, err)


@pytest.mark.parametrize(
    ("line", "replacement", "expected"),
    [
        ("day = 2", "day = -5", "date_tolerance_days.day must be a whole number of days >= 0"),
        ("day = 2", "day = 2.7", "date_tolerance_days.day must be a whole number of days >= 0"),
        ("bias = -0.657", "bias = nan", "bias must be a finite number"),
        ("bias = -0.657", "bias = inf", "bias must be a finite number"),
        ("default = 25 ", "default = -1 ", "place_radius_km.default must be a finite number > 0"),
        ("1 = 10  ", "1 = inf ", "place_radius_km.ucdp_ged.1 must be a finite number > 0"),
    ],
)
def test_nonsense_numbers_are_refused(tmp_path, line, replacement, expected):
    assert line in SHIPPED
    path = tmp_path / "c.toml"
    path.write_text(SHIPPED.replace(line, replacement, 1))
    with pytest.raises(JervisError, match=expected.replace(".", r"\.")) as info:
        DedupConfig.load(path)
    assert str(path) in str(info.value)


def test_the_shipped_settings_still_load():
    assert DedupConfig.load().threshold > 0
