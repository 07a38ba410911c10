"""Issue 9 item 21: speed is measured in benchmarks, never asserted in tests (a busy machine
failed `make test` on wall-clock limits). This test keeps it that way."""

from __future__ import annotations

import re
from pathlib import Path

_TIMER = re.compile(r"\b(perf_counter|monotonic|time\.time)\s*\(")


def test_item21_no_test_asserts_wall_clock_time():
    offenders = []
    for path in sorted(Path(__file__).parent.rglob("test_*.py")):
        timed: set[str] = set()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assigned = re.match(r"\s*(\w+)\s*=\s*.*" + _TIMER.pattern, line)
            if assigned:
                timed.add(assigned.group(1))
            if line.lstrip().startswith("assert") and (
                _TIMER.search(line) or any(re.search(rf"\b{name}\b", line) for name in timed)
            ):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert not offenders, "timing assertions belong in benchmarks/: " + "; ".join(offenders)
