"""Property-based and fuzz tests of every reader, the store and the CLI (issue 9).

For any input (random CSV/TSV/JSON/zip bytes, mutated real files, forced formats):
- nothing crashes: the API returns counts or raises JervisError; the CLI exits 0 or 2 with at
  most one line on stderr and never a traceback;
- every file reconciles: read = stored + quarantined + duplicates;
- nothing is dropped silently: `lines` equals the physical non-blank data lines counted here
  independently, every record is at least one of them (read <= lines), and without quote
  characters each line is exactly one record (read == lines).

CI runs a few hundred examples, derandomised so CI stays reproducible. For a long run:
`make fuzz` (or JERVIS_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py -p no:xdist), which
explores at random.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jervis.errors import JervisError
from jervis.sources import READERS
from jervis.store.ingest import ingest_counts

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = int(os.environ.get("JERVIS_FUZZ_EXAMPLES", "0"))
FORMATS = [r.name for r in READERS]

FUZZ = settings(
    max_examples=EXAMPLES or 40,
    deadline=None,
    derandomize=not EXAMPLES,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],  # fmt: skip
)


def small(n: int) -> settings:
    """Fewer examples in CI for the costly properties; the long run scales them all."""
    return settings(FUZZ, max_examples=EXAMPLES or n)


# ---- independent counts --------------------------------------------------------------------
def physical_lines(data: bytes, *, text: bool = True) -> list[bytes]:
    """Non-blank lines, split on b"\\n" like the readers; blank means whitespace only."""
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()
    if text:
        parts = [p for p in parts if p.decode("utf-8", "surrogateescape").strip()]
        if parts and parts[0].startswith(b"\xef\xbb\xbf"):
            rest = parts[0][3:]
            parts = parts if rest.decode("utf-8", "surrogateescape").strip() else parts[1:]
        return parts
    return [p for p in parts if p.strip()]


def expected_lines(data: bytes, format: str) -> int | None:
    """Physical data lines of one file in a reader's format (None: not line-based)."""
    if format == "gdelt":
        return len(physical_lines(data, text=False))
    if format in ("ucdp_ged", "acled", "iraq_2006_2008", "jervis", "mapping"):
        lines = physical_lines(data)
        if not lines:
            return 0
        count = len(lines) - 1  # the header
        if format == "ucdp_ged" and count:
            first = next(csv.reader([lines[1].decode("utf-8", "surrogateescape")]), [])
            if first and not first[0].strip() and any(f.startswith("#") for f in first):
                count -= 1  # the HXL tag row
        return count
    return None


def check_counts(counts, files: dict[str, bytes]) -> None:
    assert counts.read == counts.stored + counts.quarantined + counts.duplicates
    for entry in counts.files:
        assert entry["read"] == entry["stored"] + entry["quarantined"] + entry["duplicates"], entry
        assert entry["read"] <= entry["lines"], entry
        name = Path(entry["path"]).name
        data = files.get(name)
        if data is None or Path(entry["path"]).suffix in (".parquet", ".jsonl", ".json"):
            continue
        expected = expected_lines(data, entry["format"])
        if expected is not None:
            assert entry["lines"] == expected, (entry, expected)
            if b'"' not in data and entry["format"] != "gdelt":
                assert entry["read"] == expected, entry


def ingest_one(path: Path, db: Path, **kw) -> object:
    try:
        return ingest_counts([path], db=db, **kw)
    except JervisError as exc:
        assert str(exc) and "\n" not in str(exc).strip(), str(exc)
        return None


# ---- strategies ----------------------------------------------------------------------------
_CELLS = st.one_of(
    st.sampled_from(["2020-01-01", "2020-02-30", "1500-01-01", "", "NA", "ASSAULT", "FIGHT", "rocket",
                     "IRQ", "Iraq", "Republic of Congo", "XX", "3", "-1", "2.5", "1e400", "inf",
                     "99999999999999999999", "2147483648", "40000", "33.3", "91", "Kataib Hezbollah",
                     "USAMIL|UNITED STATES", "12:30", "25:00", "0.5", "#tag", " 2020-01-01"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
    st.binary(max_size=6).map(lambda b: b.decode("latin-1")),
)
_CANONICAL_NAMES = ["date", "event", "mode", "actor", "target", "country", "killed", "wounded",
                    "latitude", "longitude", "geo_precision", "time", "confidence", "event_id",
                    "source_id", "actor_side", "date_precision"]  # fmt: skip


@st.composite
def csv_files(draw, quotes: bool = True) -> bytes:
    """A CSV in the canonical schema, with odd cells, odd row widths and stray quotes."""
    names = ["date", "event"] + draw(st.lists(st.sampled_from(_CANONICAL_NAMES[2:]), max_size=6, unique=True))
    rows = draw(st.lists(st.lists(_CELLS, min_size=0, max_size=len(names) + 2), max_size=25))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(names)
    for row in rows:
        cells = [c.replace("\n", " ").replace("\r", " ") for c in row]
        if len(cells) >= 2 and draw(st.booleans()):
            cells[0], cells[1] = draw(st.sampled_from(["2020-01-01", "2021-06-30"])), "ASSAULT"
        writer.writerow(cells)
    text = out.getvalue()
    if not quotes:
        text = text.replace('"', "")
    data = text.encode("utf-8", "surrogateescape")
    if quotes and draw(st.booleans()):  # stray quotes and raw bytes at random places
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.sampled_from([b'"', b'",', b"\xff", b"\x00", b"\r", b"\n", b'""'])) + data[at:]
    return data


@st.composite
def mutated(draw, data: bytes) -> bytes:
    """A real file with a few byte-level edits: inserts, deletes, overwrites, a truncation."""
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        piece = draw(st.one_of(st.sampled_from([b'"', b",", b"\t", b"\n", b"\r\n", b"\xff\xfe", b"\x00",
                                                b"#", b"99999999999", b"\xe9"]),
                               st.binary(min_size=1, max_size=8)))  # fmt: skip
        if kind == "insert":
            data = data[:at] + piece + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 200)) :]
        elif kind == "replace":
            data = data[:at] + piece + data[at + len(piece) :]
        else:
            data = data[: max(at, len(data) // 2)]
    return data


def _head(path: Path, lines: int) -> bytes:
    return b"".join(path.read_bytes().splitlines(keepends=True)[:lines])


REAL = {
    "gdelt.export.CSV": (FIXTURES / "gdelt/20200314.export.CSV").read_bytes(),
    "gdelt_v1.export.CSV": (FIXTURES / "gdelt/20200313.export.CSV").read_bytes(),
    "acled.csv": _head(FIXTURES / "acled/acled_iraq_2020-03.csv", 40),
    "acled_old.csv": _head(FIXTURES / "acled/acled_somalia_2016_old_layout.csv", 40),
    "ucdp_ged.csv": _head(FIXTURES / "ucdp-ged/conflict_data_ukr.csv", 60),
    "ucdp_ged_old.csv": _head(FIXTURES / "ucdp-ged/conflict_data_irq.csv", 60),
    "iraq.csv": _head(FIXTURES / "iraq-2006-2008/airstrikes.csv", 60),
    "events.csv": (FIXTURES / "iraq-2019-2021/events.csv").read_bytes(),
    "acled_api.json": (FIXTURES / "acled/acled_api_iraq.json").read_bytes(),
}
MAPPING = Path(__file__).parents[1] / "examples/iraq-2019-2021.mapping.toml"


# ---- properties ----------------------------------------------------------------------------
@FUZZ
@given(data=csv_files())
def test_random_csv_reconciles(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("csv")
    path = folder / "random.csv"
    path.write_bytes(data)
    counts = ingest_one(path, folder / "j.duckdb", format="jervis")
    if counts is not None:
        check_counts(counts, {path.name: data})


@small(20)
@given(data=csv_files(quotes=False))
def test_csv_without_quotes_is_one_record_per_line(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("csvq")
    path = folder / "plain.csv"
    path.write_bytes(data)
    counts = ingest_one(path, folder / "j.duckdb", format="jervis")
    assert counts is not None
    check_counts(counts, {path.name: data})


@FUZZ
@given(name=st.sampled_from(sorted(REAL)), st_data=st.data())
def test_mutated_real_files_reconcile(tmp_path_factory, name, st_data):
    data = st_data.draw(mutated(REAL[name]))
    folder = tmp_path_factory.mktemp("mut")
    path = folder / name
    path.write_bytes(data)
    options = {"mapping": MAPPING} if name == "events.csv" else {}
    counts = ingest_one(path, folder / "j.duckdb", **options)
    if counts is not None:
        check_counts(counts, {path.name: data})


@FUZZ
@given(
    data=st.one_of(st.binary(max_size=300), csv_files().map(lambda b: b.replace(b",", b"\t"))),
    suffix=st.sampled_from([".csv", ".CSV", ".json", ".jsonl", ".parquet", ".txt", ".zip", ""]),
    format=st.sampled_from([None, *FORMATS]),
)
def test_random_bytes_any_format(tmp_path_factory, data, suffix, format):
    folder = tmp_path_factory.mktemp("bytes")
    path = folder / f"random{suffix}"
    path.write_bytes(data)
    counts = ingest_one(path, folder / "j.duckdb", format=format)
    if counts is not None:
        check_counts(counts, {path.name: data})


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True) | _CELLS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
_ACLED_KEYS = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2",
               "country", "iso", "fatalities", "latitude", "longitude", "time_precision"]  # fmt: skip


@small(20)
@given(
    records=st.lists(st.one_of(st.dictionaries(st.sampled_from(_ACLED_KEYS), _JSON_VALUES), _JSON_VALUES), max_size=8),
    wrap=st.booleans(),
    escapes=st.booleans(),
)
def test_random_acled_json(tmp_path_factory, records, wrap, escapes):
    folder = tmp_path_factory.mktemp("json")
    path = folder / "api.json"
    payload = {"status": 200, "success": True, "data": records} if wrap else records
    text = json.dumps(payload, ensure_ascii=True)
    if escapes:
        text = text.replace("a", "\\udce9", 1)  # a lone surrogate escape inside a string
    path.write_text('{"event_id_cnty": 1, "x": ' + text + "}" if not wrap and not records else text)
    counts = ingest_one(path, folder / "j.duckdb", format="acled_json")
    if counts is not None:
        check_counts(counts, {})
        if isinstance(payload, dict):
            assert counts.read == len(records)


@small(20)
@given(lines=st.lists(st.one_of(st.dictionaries(st.sampled_from(_CANONICAL_NAMES), _JSON_VALUES, max_size=6),
                                _JSON_VALUES, st.text(max_size=20)), max_size=10))  # fmt: skip
def test_random_jsonl(tmp_path_factory, lines):
    folder = tmp_path_factory.mktemp("jsonl")
    path = folder / "x.jsonl"
    body = [json.dumps(x) if not isinstance(x, str) else x.replace("\n", " ") for x in lines]
    data = "\n".join(body).encode("utf-8", "surrogateescape")
    path.write_bytes(data)
    counts = ingest_one(path, folder / "j.duckdb", format="jervis")
    if counts is not None:
        check_counts(counts, {})
        assert counts.read == len(physical_lines(data))


@small(15)
@given(members=st.lists(st.tuples(st.sampled_from(["a.csv", "b.CSV", "c.jsonl", "d/e.csv", "f.zip", "g.txt"]),
                                  st.one_of(csv_files(), st.binary(max_size=100))),
                        min_size=1, max_size=3, unique_by=lambda m: m[0]))  # fmt: skip
def test_random_zips(tmp_path_factory, members):
    folder = tmp_path_factory.mktemp("zip")
    path = folder / "archive.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    counts = ingest_one(path, folder / "j.duckdb")
    if counts is not None:
        check_counts(counts, {Path(n).name: d for n, d in members})


# ---- through the CLI -----------------------------------------------------------------------
def run_cli(*args: str) -> tuple[int, str, str]:
    from jervis.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = sys.argv
    sys.argv = ["jervis", *args]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = old
    return code, out.getvalue(), err.getvalue()


@small(25)
@given(
    name=st.sampled_from(sorted(REAL)),
    st_data=st.data(),
    format=st.sampled_from([None, None, *FORMATS]),
)
def test_cli_ingest_of_mutated_files(tmp_path_factory, name, st_data, format):
    data = st_data.draw(mutated(REAL[name]))
    folder = tmp_path_factory.mktemp("cli")
    path = folder / name
    path.write_bytes(data)
    args = ["ingest", str(path), "--db", str(folder / "j.duckdb"), "--json"]
    if format:
        args += ["--format", format]
    code, out, err = run_cli(*args)
    assert code in (0, 2), (code, err)
    assert "Traceback" not in err
    if code == 2:
        assert len([line for line in err.splitlines() if line.startswith("error:")]) == 1, err
    else:
        counts = json.loads(out)
        assert counts["read"] == counts["stored"] + counts["quarantined"] + counts["duplicates"]


@small(40)
@given(args=st.lists(st.sampled_from([
    "ingest", "events", "quarantine", "sources", "actors", "dyad", "check", "analyze", "extract",
    "--db", "--limit", "-1", "0", "abc", "--start", "2020-02-30", "--end", "01/12/2023", "--country",
    "Narnia", "--format", "parquet", "csv", "--out", "/", "--json", "--bogus", "--dyad", "x.toml",
    "--mapping", "--full", "--published", "--event", "BOMB", "--",
]), max_size=6))  # fmt: skip
def test_cli_random_arguments_never_trace(tmp_path_factory, args):
    folder = tmp_path_factory.mktemp("args")
    cwd = os.getcwd()
    os.chdir(folder)  # relative outputs land in the temporary folder
    try:
        code, _, err = run_cli(*args)
    finally:
        os.chdir(cwd)
    assert code in (0, 2), (args, code, err)
    assert "Traceback" not in err


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_fixtures_reconcile_exactly(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(REAL[name])
    options = {"mapping": MAPPING} if name == "events.csv" else {}
    counts = ingest_counts([path], db=tmp_path / "j.duckdb", **options)
    check_counts(counts, {name: REAL[name]})
    assert counts.read > 0
