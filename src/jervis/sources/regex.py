"""User-supplied regular expressions run on RE2: linear time, no catastrophic backtracking.

Python's ``re`` backtracks: ``'^(a+)+$'`` on 33 characters runs for minutes. Patterns from
mapping files and actor dictionaries are compiled here instead (google-re2); dyad patterns run
in DuckDB, which uses RE2 too (store/dyad.py checks them there). RE2 has no lookaround and no
backreferences; everything else users write in practice ((?i), groups, classes, \\d \\s \\b) works.
"""

from __future__ import annotations

from typing import Any


def compile_re2(pattern: str, *, ignore_case: bool = False) -> Any:
    """A compiled RE2 pattern (``search``/``match``/``groups`` like ``re``); ValueError if invalid."""
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print to stderr; the caller reports one line
    options.case_sensitive = not ignore_case
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        message = exc.args[0] if exc.args else exc
        if isinstance(message, bytes):
            message = message.decode("utf-8", "replace")
        raise ValueError(f"{message}; RE2 has no lookaround or backreferences") from None
