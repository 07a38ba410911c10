"""The report's charts, one module per chart family; importing this package registers them all.

Builders the web app reuses on any event set (not only a dyad) are re-exported here:
``event_timeline`` and ``event_map`` take an Ibis table or a pandas frame of events.
"""

from __future__ import annotations

import importlib
import pkgutil

from jervis.report.charts.map import event_map
from jervis.report.charts.timeline import event_timeline

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["event_map", "event_timeline"]
