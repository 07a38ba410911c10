"""jervis: did retaliation restore deterrence, or provoke more attacks?

The public Python API; the CLI (``jervis``), the report and the web app are thin layers over it.
Analysis functions are imported on first use: they pull in statsmodels, which the ingest
path does not need.
"""

from __future__ import annotations

import os

# Small statsmodels fits run ~5x faster single-threaded than with OpenBLAS's thread pool on
# few cores; a value the user set wins. Must happen before NumPy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"

from jervis.store.ingest import ingest  # noqa: E402
from jervis.store.query import dyad_events, events  # noqa: E402

__all__ = ["__version__", "ingest", "events", "dyad_events", "analyze", "simulate", "validate", "hawkes", "policies",
           "extract", "extract_text", "report", "deduplicate", "screen"]

_LAZY = {
    "analyze": ("jervis.analysis.api", "analyze"),
    "simulate": ("jervis.analysis.validation.loglinear", "simulate"),
    "validate": ("jervis.analysis.validation.study", "validate"),
    "hawkes": ("jervis.analysis.hawkes.api", "hawkes"),
    "policies": ("jervis.analysis.hawkes.api", "policies"),
    "extract": ("jervis.text.extract", "extract"),
    "extract_text": ("jervis.text.extract", "extract_text"),
    "report": ("jervis.report.api", "report"),
    "deduplicate": ("jervis.dedup.run", "dedup"),
    "screen": ("jervis.analysis.screen.screening", "screen"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'jervis' has no attribute {name!r}")
