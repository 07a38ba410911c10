"""Adversarial round 6: ingest inputs that were lost silently or refused for no reason.

Each test failed before its fix: a CSV whose lines end in CR only stored nothing with exit 0,
a dangling or looping symbolic link named on the command line was skipped with exit 0, a
canonical CSV with a byte-order mark (Excel's "CSV UTF-8") or a quoted header (R's write.csv)
was refused as of unknown format. The Hypothesis property checks the counts against the rows
the test wrote, not against the readers' own line splitting.
"""

from __future__ import annotations

import csv
import io
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jervis
from jervis.errors import JervisError
from jervis.store.ingest import ingest_counts

HEADER = "date,event,actor,country\n"
ROWS = "2007-01-01,ASSAULT,a,IRQ\n2007-01-02,ASSAULT,b,IRQ\n"


def test_cr_only_line_ends_are_refused_not_lost(tmp_path, db):
    path = tmp_path / "mac.csv"
    path.write_bytes((HEADER + ROWS).replace("\n", "\r").encode())
    with pytest.raises(JervisError, match="carriage return") as info:
        jervis.ingest([path], db=db)
    assert info.value.path == str(path)
    assert "\n" not in str(info.value)


def test_cr_only_file_in_a_folder_is_listed_as_skipped(tmp_path, db):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "mac.csv").write_bytes((HEADER + ROWS).replace("\n", "\r").encode())
    (tmp_path / "in" / "ok.csv").write_text(HEADER + ROWS)
    counts = jervis.ingest([tmp_path / "in"], db=db)
    assert counts["stored"] == 2
    assert [s["file"].endswith("mac.csv") for s in counts["skipped"]] == [True]


def test_crlf_and_a_cr_inside_a_quoted_field_still_read(tmp_path, db):
    path = tmp_path / "crlf.csv"
    path.write_bytes((HEADER + ROWS).replace("\n", "\r\n").encode() + b'2007-01-03,ASSAULT,"x\ry",IRQ\r\n')
    counts = jervis.ingest([path], db=db)
    assert counts["read"] == 3 and counts["stored"] == 3


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_a_broken_symlink_named_explicitly_is_an_error(tmp_path, db, kind):
    link = tmp_path / "events.csv"
    os.symlink(tmp_path / "missing.csv" if kind == "dangling" else link, link)
    with pytest.raises(JervisError) as info:
        jervis.ingest([link], db=db)
    assert info.value.path == str(link) and "\n" not in str(info.value)


def test_a_broken_symlink_in_a_folder_is_listed_as_skipped(tmp_path, db):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.csv").write_text(HEADER + ROWS)
    os.symlink(folder / "missing.csv", folder / "gone.csv")
    counts = jervis.ingest([folder], db=db)
    assert counts["stored"] == 2
    assert [s["file"] for s in counts["skipped"]] == [str(folder / "gone.csv")]


def test_an_empty_folder_is_an_error_not_an_empty_success(tmp_path, db):
    (tmp_path / "nothing").mkdir()
    with pytest.raises(JervisError) as info:
        jervis.ingest([tmp_path / "nothing"], db=db)
    assert info.value.message == "the folder holds no file to read"


@pytest.mark.parametrize("header", [
    "\ufeffdate,event,actor,country\n",  # Excel's "CSV UTF-8"
    '"date","event","actor","country"\n',  # R's write.csv, pandas QUOTE_ALL
    '\ufeff"date","event","actor","country"\n',
])  # fmt: skip
def test_canonical_csv_with_a_bom_or_quoted_header_is_recognised(tmp_path, db, header):
    path = tmp_path / "events.csv"
    path.write_bytes((header + ROWS).encode())
    counts = ingest_counts([path], db=db)
    assert (counts.files[0]["format"], counts.stored) == ("jervis", 2)


# ---- property: every row written is counted, whatever the line ends ---------------------------
_NAMES = ["actor", "target", "country", "killed", "mode", "evidence", "location"]
_CELL = st.one_of(
    st.sampled_from(["", "NA", "IRQ", "Iraq", "3", "-1", "2.5", "rocket", "x,y", 'say "hi"', " ", "=1+1"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Zl", "Zp", "Cc")), max_size=10),
)


@st.composite
def written_rows(draw, ending: str):
    names = ["date", "event"] + draw(st.lists(st.sampled_from(_NAMES), max_size=4, unique=True))
    rows = draw(st.lists(st.tuples(
        st.sampled_from(["2020-01-01", "2020-02-30", "1500-01-01", "2021-06-30", "soon"]),
        st.sampled_from(["ASSAULT", "FIGHT", "assault", "NOPE"]),
        st.lists(_CELL, min_size=len(names) - 2, max_size=len(names) - 2)), min_size=1, max_size=15))  # fmt: skip
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=ending, quoting=quoting)
    writer.writerow(names)
    for date, event, rest in rows:
        writer.writerow([date, event, *rest])
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return (bom + out.getvalue()).encode("utf-8"), len(rows)


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
@settings(max_examples=int(os.environ.get("JERVIS_FUZZ_EXAMPLES", "0")) or 4, deadline=None,
          derandomize=not os.environ.get("JERVIS_FUZZ_EXAMPLES"), database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st_data=st.data())
def test_every_written_row_is_read_or_the_file_is_refused(tmp_path_factory, ending, st_data):
    """read == the rows written = stored + quarantined + duplicates; or one clear error, nothing stored."""
    data, written = st_data.draw(written_rows(ending))
    folder = tmp_path_factory.mktemp("rows")
    path = folder / "rows.csv"
    path.write_bytes(data)
    try:
        counts = ingest_counts([path], db=folder / "j.duckdb")
    except JervisError as exc:
        assert ending == "\r", exc  # only CR-only line ends are refused
        assert "\n" not in str(exc)
        assert not (folder / "j.duckdb").exists() or jervis.events(db=folder / "j.duckdb").empty
        return
    assert ending != "\r"
    assert counts.read == written, (counts.as_dict(), written)
    assert counts.read == counts.stored + counts.quarantined + counts.duplicates


@pytest.mark.parametrize("content", [b"", b"\n \n\t\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_called_empty(tmp_path, db, content):
    path = tmp_path / "events.csv"
    path.write_bytes(content)
    with pytest.raises(JervisError) as info:
        jervis.ingest([path], db=db)
    assert info.value.message.startswith("the file is empty"), info.value.message


def test_a_repeated_column_is_named(tmp_path, db):
    path = tmp_path / "events.csv"
    path.write_text("date,event,actor,actor\n2007-01-01,ASSAULT,a,b\n")
    with pytest.raises(JervisError, match="'actor' more than once"):
        jervis.ingest([path], db=db, format="jervis")


@pytest.mark.parametrize("paths", [5, None, [3.5]])
def test_ingest_paths_of_the_wrong_type_are_a_clear_error(db, paths):
    with pytest.raises(JervisError) as info:
        jervis.ingest(paths, db=db)
    assert "paths" in info.value.message, info.value.message


def test_a_reused_id_with_other_values_is_quarantined_not_a_duplicate(tmp_path, db):
    """Two rows of one file with one event_id and different values: the second was counted as a
    duplicate and dropped, though nothing in the store holds its values."""
    path = tmp_path / "ids.csv"
    path.write_text("event_id,date,event,actor\nX:1,2007-01-01,ASSAULT,a\nX:1,2007-01-02,ASSAULT,b\n"
                    "X:2,2007-01-03,ASSAULT,c\nX:2,2007-01-03,ASSAULT,c\n")  # fmt: skip
    counts = jervis.ingest([path], db=db)
    assert (counts["read"], counts["stored"], counts["quarantined"], counts["duplicates"]) == (4, 2, 1, 1)
    from jervis.store.inspect import quarantined

    rows = quarantined(db)
    assert [r["line"] for r in rows] == [3] and "line 2" in rows[0]["reason"] and '"b"' in rows[0]["raw"]
    assert jervis.ingest([path], db=db)["quarantined"] == 1  # the same file again: counted, kept once
    assert len(quarantined(db)) == 1


@pytest.mark.parametrize(("code", "iso3"), [("GB", "GBR"), ("UK", "GBR"), ("GR", "GRC"), ("IQ", "IRQ")])
def test_alpha2_codes_that_coco_writes_as_patterns(code, iso3):
    """country_converter stores two ISO alpha-2 cells as patterns ('^GB$|^UK$', '^GR$|^EL$'):
    the United Kingdom and Greece by their codes were 'not a country' (quarantined)."""
    from jervis.sources.countries import to_iso3

    assert to_iso3(code) == iso3


def test_a_name_with_a_bar_is_not_split_like_a_gdelt_code(tmp_path, db):
    """'Hamas | Qassam Brigades' became the actor 'Qassam Brigades' (the part after '|', as if
    'Hamas ' were a CAMEO code like GDELT's 'USAMIL|UNITED STATES')."""
    path = tmp_path / "bar.csv"
    path.write_text("date,event,actor\n2007-01-01,ASSAULT,Hamas | Qassam Brigades\n")
    jervis.ingest([path], db=db)
    assert list(jervis.events(db=db)["actor"]) == ["Hamas | Qassam Brigades"]
