"""jervis: did retaliation restore deterrence, or provoke more attacks?

The public Python API; the CLI (``jervis``), the report and the web app are thin layers over it.
"""

from __future__ import annotations

__version__ = "0.1.0"

from jervis.store.ingest import ingest  # noqa: E402
from jervis.store.query import events  # noqa: E402

__all__ = ["__version__", "ingest", "events"]
