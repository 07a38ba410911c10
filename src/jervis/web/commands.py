"""``jervis serve``: the web app and JSON API on 127.0.0.1 (docs/web.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the jervis command."""

    @app.command()
    def serve(
        db: Annotated[Optional[Path], typer.Option("--db", envvar="JERVIS_DB", help="DuckDB store (default ./jervis.duckdb).")] = None,  # noqa: UP045,E501
        host: Annotated[str, typer.Option(help="Address to bind; beyond loopback a token (or --read-only) is required.")] = "127.0.0.1",  # noqa: E501
        port: Annotated[int, typer.Option(min=0, max=65535, help="Port.")] = 8000,
        token: Annotated[Optional[str], typer.Option(envvar="JERVIS_TOKEN", help="Needed for every write (and every read beyond loopback); 16+ characters.")] = None,  # noqa: UP045,E501
        read_only: Annotated[bool, typer.Option("--read-only", help="Serve reads only: no ingest, no storing, no analyses.")] = False,  # noqa: E501
        max_upload_mb: Annotated[float, typer.Option(help="Largest upload accepted.")] = 200.0,
        data_dir: Annotated[Optional[Path], typer.Option(help="Saved dyads, analyses, uploads (default <store>.web beside the store).")] = None,  # noqa: UP045,E501
        workers: Annotated[int, typer.Option("--analysis-workers", min=1, max=16, help="Analyses run at once.")] = 1,
    ) -> None:
        """Browse, analyse, extract and ingest in a browser; JSON API under /api/ (docs at /api/docs)."""
        import uvicorn

        from jervis.web.app import create_app
        from jervis.web.settings import Settings

        settings = Settings(
            db=db or Path("jervis.duckdb"), host=host, port=port, token=token, read_only=read_only,
            max_upload_mb=max_upload_mb, data_dir=data_dir, analysis_workers=workers,
        )  # fmt: skip
        settings.check()  # before anything opens: a refused start leaves nothing behind
        _check_bind(host, port)
        new = not settings.db.exists()
        application = create_app(settings)
        typer.echo(banner(settings, new))
        # Keep-alive of 30 s (uvicorn's default is 5): a client reusing a connection the server
        # has just closed as idle gets a reset; browsers retry, programs may not.
        uvicorn.run(application, host=host, port=port, log_level="warning", server_header=False,
                    proxy_headers=False, timeout_keep_alive=30)  # fmt: skip


def _check_bind(host: str, port: int) -> None:
    """Can the server listen there? A name that does not resolve or a port in use is one line and
    exit 2 before the store opens (uvicorn printed the banner, then its own error, and exit 3)."""
    import socket

    from jervis.errors import JervisError

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise JervisError(f"cannot listen on {host!r}: not an address of this machine ({exc})") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind(address)
        except OSError as exc:
            raise JervisError(f"cannot listen on {host} port {port} ({exc.strerror or exc}); "
                              "is another server running there? pass --port") from None  # fmt: skip


def banner(settings, new: bool) -> str:  # noqa: ANN001 - Settings, imported lazily
    """The line ``jervis serve`` starts with; a store it has just created is said to be new (a
    mistyped --db served an empty store without a word)."""
    host, port = settings.host, settings.port
    shown = f"[{host}]" if ":" in host else host
    store = f"{settings.db} (new and empty: ingest files, or pass --db)" if new else str(settings.db)
    return (f"jervis on http://{shown}:{port}/ (API docs: http://{shown}:{port}/api/docs); "
            f"store {store}; Ctrl-C stops it")
