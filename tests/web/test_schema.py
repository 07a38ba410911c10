"""Schemathesis against the OpenAPI schema: whatever a client sends, no 500 and no traceback.

CI runs a few examples per operation; `make fuzz-web` runs many more (JERVIS_FUZZ_EXAMPLES,
default 5 here). Each operation's cases come from schemathesis's Hypothesis strategy.
"""

from __future__ import annotations

import os
import time

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

import jervis

EXAMPLES = int(os.environ.get("JERVIS_FUZZ_EXAMPLES", "5"))


def test_no_server_errors(make_client, tmp_path, fixtures):
    small = tmp_path / "small.duckdb"  # UCDP Ukraine, 2,989 events: exports stay quick
    jervis.ingest([fixtures / "ucdp-ged" / "conflict_data_ukr.csv"], db=small)
    app = make_client(db=small, max_queued_analyses=2, allowed_hosts=("testserver",)).app
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    for operation in operations:
        started = time.perf_counter()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def no_500(case):
            response = case.call_and_validate(checks=[not_a_server_error])
            assert b"Traceback" not in response.content

        try:
            no_500()
        except Exception as exc:  # name the operation that failed
            details = "; ".join(str(e)[:800] for e in getattr(exc, "exceptions", [exc]))
            raise AssertionError(f"{operation.label}: {details}") from exc
        print(f"{operation.label}: {time.perf_counter() - started:.1f} s")
