"""Adversarial round 7 on the command line (in-process, like test_cli_errors.py).

Each failed before its fix: `jervis report --db nope.duckdb` told a command-line user to pass
``db="..."`` (the Python API's spelling), and UTF-16 files and semicolon- or tab-separated CSVs
got only "cannot tell the format of this file".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.test_cli_errors import cli, one_line_error

EXAMPLES = Path(__file__).parents[1] / "examples"
CANONICAL = [["date", "event", "actor_raw", "target_raw"], ["2007-01-01", "ASSAULT", "Militia", "Army"]]


def test_report_on_a_missing_store_names_the_option(capsys, tmp_path):
    missing = tmp_path / "nope.duckdb"
    code, _, err = cli(capsys, "report", "--dyad", str(EXAMPLES / "ab-dyad.toml"), "--db", str(missing),
                       "--out", str(tmp_path / "out"))  # fmt: skip
    line = one_line_error(code, err)
    assert "no such store" in line and "--db" in line and 'db="' not in line, line
    assert not missing.exists()


@pytest.mark.parametrize(("name", "sep", "encoding", "says"), [
    ("semi.csv", ";", "utf-8", 'semicolon-separated (its header has no commas); save it comma-separated, '
                               'or read it with a --mapping file ([read] delimiter = ";" and its [columns]'),
    ("tab.csv", "\t", "utf-8", 'tab-separated (its header has no commas); save it comma-separated, '
                               'or read it with a --mapping file ([read] delimiter = "\\t" and'),
    ("excel.csv", ",", "utf-16", 'UTF-16 text, not UTF-8; save it as UTF-8 (Excel: "CSV UTF-8"), '
                                 'or read it with a --mapping file ([read] encoding = "utf-16" and'),
    ("le.csv", ",", "utf-16-le", 'UTF-16 text, not UTF-8; save it as UTF-8 (Excel: "CSV UTF-8"), '
                                 'or read it with a --mapping file ([read] encoding = "utf-16-le" and'),
])  # fmt: skip
def test_near_miss_formats_say_what_is_wrong(capsys, tmp_path, name, sep, encoding, says):
    path = tmp_path / name
    path.write_text("\n".join(sep.join(row) for row in CANONICAL) + "\n", encoding=encoding)
    code, _, err = cli(capsys, "ingest", str(path), "--db", str(tmp_path / "j.duckdb"))
    line = one_line_error(code, err)
    assert line.startswith("error: ") and f"{name}: " in line and says in line, line
    key, value = re.search(r'\[read\] (\w+) = "([^"]+)"', line).groups()  # the advice works
    columns = "".join(f'{c} = "{c}"\n' for c in CANONICAL[0])
    mapping = tmp_path / "fix.toml"
    mapping.write_text(f'[read]\n{key} = "{value}"\n[columns]\n{columns}')
    code, out, err = cli(capsys, "ingest", str(path), "--mapping", str(mapping), "--db", str(tmp_path / "j.duckdb"))
    assert code == 0 and "read 1 = stored 1" in out, err


def test_other_unknown_files_keep_the_general_message(capsys, tmp_path):
    path = tmp_path / "noise.csv"
    path.write_bytes(bytes(range(256)) * 4)  # binary, NULs included: not called UTF-16
    code, _, err = cli(capsys, "ingest", str(path), "--db", str(tmp_path / "j.duckdb"))
    assert "cannot tell the format of this file" in one_line_error(code, err)
