"""Scoped aliases at ingest: a row's names resolve with its own country and year.

"The coalition" names the US-led coalition in Iraq and Syria 2003-2021 only, "militia" the
Iran-aligned militias in Iraq since 2003 (src/jervis/data/actors.toml, docs/actors.md). The
rows: the GDELT-layout fixture as it is (its 'REB|MILITIA' rows in Iraq, March 2020; those rows
are synthetic, see tests/fixtures/gdelt/ATTRIBUTION.md), and copies of real rows with one name
changed: UCDP GED event 246885 (Hawijah, August 2017, whose source called the attacker "The
coalition") and the Taji rocket attack of 11 March 2020 (tests/fixtures/iraq-2019-2021).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path
from unittest import mock

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jervis
from jervis.store import validate
from jervis.store.actors import ActorDictionary
from jervis.store.validate import check_batch

ACTORS = ActorDictionary.load()


def _events(db: Path) -> dict[str, tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT event_id, actor_raw, actor, actor_side, target_raw, target, target_side, "
                           "row_hash FROM events").fetchall()  # fmt: skip
    return {r[0]: r[1:] for r in rows}


def _ucdp_copies(fixtures: Path, path: Path) -> Path:
    """UCDP GED event 246885 with side_a named as its source named it, in and out of scope."""
    with open(fixtures / "ucdp-ged/conflict_data_irq.csv", encoding="utf-8", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["id"] == "246885")
    assert (row["source_original"], row["iso3"], row["date_start"]) == ("The coalition", "IRQ", "2017-08-21")
    rows = [
        row | {"side_a": "The coalition"},
        row | {"id": "900001", "side_a": "The coalition", "country": "Yemen (North Yemen)", "iso3": "YEM",
               "country_id": "678"},
        row | {"id": "900002", "side_a": "The coalition", "year": "2023", "date_start": "2023-08-21",
               "date_end": "2023-08-26"},
    ]  # fmt: skip
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(row))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _taji_copies(path: Path) -> Path:
    """The Taji attack of 11 March 2020 in jervis's own columns, no ids, its names made generic."""
    header = "date,event,mode,actor_raw,target_raw,location,admin1,country,target_killed,wounded"
    rows = [
        "2020-03-11,ASSAULT,rocket,militiamen (US attribution),foreign troops,Taji,Baghdad,IRQ,3,14",
        "2013-03-11,ASSAULT,rocket,militiamen (US attribution),foreign troops,Taji,Baghdad,IRQ,3,14",
        "2020-03-11,ASSAULT,rocket,militiamen (US attribution),foreign troops,Taji,Baghdad,MLI,3,14",
        "2020-03-11,ASSAULT,rocket,Kataib Hezbollah (US attribution),Camp Taji,Taji,Baghdad,IRQ,3,14",
    ]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_gdelt_code_and_name_resolve_in_the_rows_country_and_year(fixtures, db):
    jervis.ingest([fixtures / "gdelt/20200314.export.CSV"], db=db)
    rows = _events(db)
    militia = {k: v for k, v in rows.items() if "REB|MILITIA" in (v[0], v[3])}
    assert len(militia) == 4  # Iraq (FIPS IZ), 10-14 March 2020
    for actor_raw, actor, actor_side, _, target, target_side, _ in militia.values():
        named = (actor, actor_side) if actor_raw == "REB|MILITIA" else (target, target_side)
        assert named == ("Iran-aligned militias", "militia")


def test_gdelt_militia_outside_its_scope_stays_raw(fixtures, db, tmp_path):
    lines = (fixtures / "gdelt/20200314.export.CSV").read_text(encoding="utf-8").splitlines()
    taji = next(line for line in lines if line.startswith("907281912\t"))
    elsewhere = tmp_path / "20200314.export.CSV"  # the same row placed in Mali (FIPS ML)
    elsewhere.write_text(taji.replace("\tIZ\t", "\tML\t") + "\n", encoding="utf-8")
    jervis.ingest([elsewhere], db=db)
    (row,) = _events(db).values()
    assert row[:3] == ("REB|MILITIA", "MILITIA", None)


def test_ucdp_rows_name_the_coalition_only_in_its_scope(fixtures, tmp_path, db):
    counts = jervis.ingest([_ucdp_copies(fixtures, tmp_path / "ged.csv")], db=db)
    assert counts["stored"] == 3
    rows = _events(db)
    assert rows["ucdp_ged:246885"][:3] == ("The coalition", "US-led coalition", "us_coalition")
    assert rows["ucdp_ged:900001"][:3] == ("The coalition", "The coalition", None)  # Yemen
    assert rows["ucdp_ged:900002"][:3] == ("The coalition", "The coalition", None)  # 2023


def test_rows_without_ids_resolve_per_row(tmp_path, db):
    jervis.ingest([_taji_copies(tmp_path / "taji.csv")], db=db)
    names = sorted((v[1], v[2], v[4], v[5]) for v in _events(db).values())
    assert names == [
        ("Iran-aligned militias", "militia", "US-led coalition", "us_coalition"),  # Iraq 2020
        ("Iran-aligned militias", "militia", "foreign troops", None),  # 2013: militia yes, troops no
        ("Kataib Hezbollah", "militia", "Camp Taji", None),  # no scoped name: as before
        ("militiamen (US attribution)", None, "foreign troops", None),  # Mali: kept as given
    ]


def test_a_store_written_before_reingests_its_rows_in_place(fixtures, tmp_path, db):
    """Before scoped aliases applied at ingest, their rows were stored with raw names. A re-ingest
    now replaces those rows (same ids, new content: 'updated'), never stores them twice; the
    other rows are duplicates."""
    files = [_taji_copies(tmp_path / "taji.csv"), fixtures / "gdelt/20200314.export.CSV",
             _ucdp_copies(fixtures, tmp_path / "ged.csv")]  # fmt: skip
    with mock.patch.object(validate, "_in_context", lambda actors, raw: False):  # the rule before
        before = [jervis.ingest([f], db=db) for f in files]
    old = _events(db)
    after = [jervis.ingest([f], db=db) for f in files]
    new = _events(db)
    assert set(new) == set(old)
    changed = {k for k in new if new[k] != old[k]}
    # Taji: Iraq 2020 (both names) and 2013 (militiamen); GDELT: 4 rows; UCDP: event 246885
    assert len(changed) == 2 + 4 + 1
    for first, again in zip(before, after, strict=True):
        assert again["read"] == first["read"] == again["stored"] + again["quarantined"] + again["duplicates"]
    assert [(a["stored"], a["updated"]) for a in after] == [(2, 2), (4, 4), (1, 1)]
    assert all(new[k][6] != old[k][6] for k in changed)  # the content hash follows the content
    for first, again in zip(before, (jervis.ingest([f], db=db) for f in files), strict=True):
        assert (again["stored"], again["duplicates"]) == (0, first["read"] - first["quarantined"])


# ---- any row ------------------------------------------------------------------------------------
_NAMES = ["foreign troops", "Foreign Forces", "the coalition", "COALITION", "coalition forces (US-led)",
          "militia", "MILITIAS", "militiamen (suspected)", "REB|MILITIA", "MILITIA|", "IRQMIL|IRAQ",
          "USAMIL|foreign troops", "Kataib Hezbollah", "KH", "Camp Taji", "x"]  # fmt: skip
_COUNTRIES = ["IRQ", "irq", "SYR", "YEM", "MLI", None]


def _expected(raw: str, country: str | None, year: int) -> str:
    """The name lookup gives the row (GDELT 'CODE|Name', a CAMEO-shaped code: the name, then the
    code), else the raw name tidied."""
    code, bar, name = raw.partition("|")
    bar = bar if re.fullmatch(r"[A-Z0-9]{0,15}", code) else ""
    for candidate in ((name, code) if bar else (raw,)):
        found = ACTORS.lookup(candidate, country=country, year=year) if candidate.strip() else None
        if found:
            return found
    return ACTORS.normalise((name.strip() or code.strip()) if bar else raw)[0]


@settings(deadline=None, derandomize=True, database=None, max_examples=150,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(rows=st.lists(st.tuples(st.sampled_from(_NAMES) | st.text(max_size=12), st.sampled_from(_NAMES),
                               st.sampled_from(_COUNTRIES), st.integers(1995, 2030), st.booleans()),
                     min_size=1, max_size=30))  # fmt: skip
def test_each_row_is_named_as_lookup_names_it_there(rows):
    frame = pd.DataFrame(
        {
            "date": [f"{year}-06-30" for _, _, _, year, _ in rows],
            "event": "ASSAULT",
            "actor_raw": [actor for actor, *_ in rows],
            "target_raw": [target for _, target, *_ in rows],
            "country": [country for _, _, country, _, _ in rows],
            "source_id": [str(i) if with_id else None for i, (*_, with_id) in enumerate(rows)],
        }
    )
    checked = check_batch(frame, source_dataset="t", actors=ACTORS, occurrences=Counter())
    good = checked.good.to_pylist()
    assert len(good) + checked.bad.num_rows == len(rows)
    for row in good:
        country, year = row["country"], row["date"].year
        for role in ("actor", "target"):
            raw = row[f"{role}_raw"]
            assert row[role] == (None if raw is None else _expected(raw, country, year))
            assert row[f"{role}_side"] == ACTORS.side_of(row[role])
    # the ids do not depend on the names' scopes: the same as with names read without context
    with mock.patch.object(validate, "_in_context", lambda actors, raw: False):
        before = check_batch(frame, source_dataset="t", actors=ACTORS, occurrences=Counter())
    assert before.good.column("event_id").to_pylist() == checked.good.column("event_id").to_pylist()


@pytest.mark.parametrize("raw", ["militia (suspected)", "Militias (2014-)", "  foreign troops "])
def test_scopes_follow_lookup_through_qualifiers(raw):
    assert ACTORS.scopes(raw)
    name = ACTORS.scopes(raw)[0][0]
    assert ACTORS.lookup(raw, country="IRQ", year=2020) == name
    assert ACTORS.lookup(raw, country="MLI", year=2020) is None
