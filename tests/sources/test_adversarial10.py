"""Adversarial round 10 on reading files. Failed before its fix: a gzip-, bzip2- or
xz-compressed CSV was "cannot tell the format", and with --format "the lines end in a carriage
return only (classic Mac OS)": neither says the file is compressed."""

from __future__ import annotations

import bz2
import gzip
import lzma
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_cli_errors import cli, one_line_error

ACLED = Path(__file__).parents[1] / "fixtures" / "acled" / "acled_iraq_2020-03.csv"
COMPRESS = {"gzip": gzip.compress, "bzip2": bz2.compress, "xz": lzma.compress}


@pytest.mark.parametrize("name", sorted(COMPRESS))
@pytest.mark.parametrize("format", [None, "acled"])
def test_a_compressed_file_is_named_as_compressed(capsys, tmp_path, name, format):
    path = tmp_path / f"events.csv.{name}"
    path.write_bytes(COMPRESS[name](ACLED.read_bytes()))
    args = ["ingest", str(path), "--db", str(tmp_path / "j.duckdb"), *(["--format", format] if format else [])]
    line = one_line_error(*cli(capsys, *args)[::2])
    assert f"{name}-compressed" in line and "decompress it first" in line, line


@settings(max_examples=10, deadline=None)
@given(name=st.sampled_from(sorted(COMPRESS)), cut=st.integers(0, 400))
def test_a_cut_short_compressed_file_is_named_too(tmp_path_factory, name, cut):
    from jervis.errors import JervisError
    from jervis.sources import detect_reader

    path = tmp_path_factory.mktemp("cut") / "events.csv.z"
    data = COMPRESS[name](ACLED.read_bytes())
    path.write_bytes(data[: max(6, len(data) - cut)])
    for format in (None, "acled", "canonical"):
        with pytest.raises(JervisError, match=f"{name}-compressed"):
            detect_reader(path, format=format)
