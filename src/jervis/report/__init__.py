"""The offline HTML report: the verdict and its evidence, charts and a map, in one page.

``jervis.report(dyad, db=..., out=..., verdict=...)`` writes it (``jervis.report.api.report``);
the module itself is callable so that ``jervis.report(...)`` and ``jervis.report.charts`` both
work. Charts follow one contract (``jervis.report.base.Chart``): from the verdict JSON and the
store's aggregates to a Vega-Lite spec. ``jervis.report.charts.event_timeline`` and
``event_map`` draw any event set (the web app uses them).
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from jervis.report.api import report

        return report(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
