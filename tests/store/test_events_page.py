"""events_page (bound SQL on DuckDB, the web app's hot path) returns exactly what the Ibis
query functions return, for any mix of filters, pages and values (Hypothesis)."""

from __future__ import annotations

import ibis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jervis
from jervis.errors import JervisError
from jervis.store.query import count_events, events, events_page


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    from pathlib import Path

    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    db = tmp_path_factory.mktemp("page") / "page.duckdb"
    jervis.ingest([fixtures / "ucdp-ged" / "conflict_data_irq.csv",
                   fixtures / "iraq-2006-2008" / "airstrikes_2006.csv"], db=db)  # fmt: skip
    con = ibis.duckdb.connect(str(db), read_only=True)
    yield con
    con.disconnect()


def _some(values):
    return st.none() | st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True)


filters = st.fixed_dictionaries({}, optional={
    "country": _some(["IRQ", "irq", "SYR", "XXX"]),
    "event": _some(["FIGHT", "assault", "ASSAULT", "PROTEST"]),
    "mode": _some(["air_strike", "armed_clash", "other", "ied"]),
    "side": _some(["us_coalition", "insurgents", "nobody"]),
    "source_dataset": _some(["ucdp_ged", "iraq_2006_2008", "text"]),
    "actor": _some(["Islamic State", "Government of Iraq", "US-led coalition", "Civilians", "x'; DROP"]),
    "start": st.none() | st.dates().map(str).filter(lambda d: "2003" <= d <= "2020"),
    "end": st.none() | st.dates().map(str).filter(lambda d: "2005" <= d <= "2022"),
})  # fmt: skip


@given(filters, st.integers(1, 60), st.integers(0, 3000))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_page_matches_the_ibis_queries(backend, chosen, limit, offset):
    total, page = events_page(backend=backend, limit=limit, offset=offset, **chosen)
    assert total == count_events(backend=backend, **chosen)
    expected = events(backend=backend, limit=limit, offset=offset, as_arrow=True, **chosen)
    assert page.to_pylist() == expected.to_pylist()


def test_nul_in_a_filter_is_a_user_error(backend):
    with pytest.raises(JervisError, match="NUL"):
        events_page(backend=backend, actor="a\x00b")
