"""The local web app and JSON API (``jervis serve``): pages and ``/api/`` over the public API.

One module per resource over a small base, as Datasette splits its views: ``events``,
``analyses`` (dyads and analyses), ``extract``, ``ingest``, ``catalog`` (sources, actors,
quarantine); ``base`` holds what they share (templates, problem documents, paging), ``security``
the guard every request passes, ``auth`` the token and login, ``jobs`` the background analyses.
``create_app(Settings(...))`` builds the app; docs/web.md describes pages, API and security.
"""

from __future__ import annotations

__all__ = ["create_app", "Settings"]


def __getattr__(name: str):
    """Imported on first use, so `jervis` commands other than `serve` never load FastAPI."""
    if name == "create_app":
        from jervis.web.app import create_app

        return create_app
    if name == "Settings":
        from jervis.web.settings import Settings

        return Settings
    raise AttributeError(f"module 'jervis.web' has no attribute {name!r}")
