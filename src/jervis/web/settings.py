"""What a server is started with, and the rules that decide whether it may start at all."""

from __future__ import annotations

import ipaddress
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from jervis.errors import JervisError
from jervis.store.db import resolve_db

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
MIN_TOKEN_LENGTH = 16


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip("[]") in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    """A server's settings.

    - ``token``: when set, every write (ingest, storing extracted events, saving dyads,
      running analyses) needs it; bound beyond loopback, reads need it too.
    - ``read_only``: no writes at all (the store is opened read-only); the only way to serve
      beyond loopback without a token.
    - ``data_dir``: where saved dyads, analyses, uploads and extractions live (default: a
      folder beside the store, ``<store>.web``).
    """

    db: Path = field(default_factory=lambda: resolve_db(None))
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    read_only: bool = False
    max_upload_mb: float = 200.0
    max_body_kb: int = 2048  # JSON and form bodies other than uploads and articles
    data_dir: Path | None = None
    analysis_workers: int = max(1, (os.cpu_count() or 2) // 2)
    max_queued_analyses: int = 20
    allowed_hosts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "db", Path(self.db).expanduser().resolve())
        data_dir = self.data_dir or self.db.with_name(self.db.stem + ".web")
        object.__setattr__(self, "data_dir", Path(data_dir).expanduser().resolve())

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    @property
    def reads_need_token(self) -> bool:
        return bool(self.token) and not self.loopback and not self.read_only

    @property
    def hosts(self) -> set[str]:
        """Host header values accepted (DNS rebinding: a page elsewhere cannot reach us by name)."""
        if self.host in ("0.0.0.0", "::") and not self.allowed_hosts:
            return {"*"}
        return {*LOOPBACK_NAMES, "[::1]", self.host, *self.allowed_hosts}

    def check(self) -> None:
        """Refuse settings that would expose the store (beyond loopback, writes need a token), or
        serve a lake's catalogue as a store (its events table is empty: the lake is the Parquet)."""
        from jervis.store.db import check_not_lake_catalog

        check_not_lake_catalog(self.db)
        if self.token is not None and len(self.token) < MIN_TOKEN_LENGTH:
            raise JervisError(f"--token must be at least {MIN_TOKEN_LENGTH} characters")
        if not self.loopback and not self.token and not self.read_only:
            raise JervisError(
                f"refusing to listen on {self.host} without a token: anyone who can reach it could "
                "write to the store; pass --token (or $JERVIS_TOKEN), or --read-only to serve "
                "reads only, or bind 127.0.0.1"
            )
        folder = self.data_dir
        while not folder.exists() and folder != folder.parent:  # type: ignore[union-attr]
            folder = folder.parent  # type: ignore[union-attr]
        if not folder.is_dir():  # type: ignore[union-attr]
            raise JervisError(f"--data-dir {self.data_dir} cannot be a folder: {folder} is a file")
        if not math.isfinite(self.max_upload_mb) or self.max_upload_mb <= 0:  # nan passed '<= 0'
            raise JervisError(f"--max-upload-mb must be a positive number of megabytes, not {self.max_upload_mb}")
