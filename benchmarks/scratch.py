"""A fresh database for one benchmark, dropped afterwards, and a scratch directory."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from backend.database import DatabaseTarget
from backend.embedded import start_embedded_server, stop_embedded_server


@contextmanager
def scratch_database(server: DatabaseTarget | None) -> Iterator[tuple[DatabaseTarget, Path]]:
    """A new database on ``server`` (default: an embedded server started, and stopped,
    here) and a scratch directory; both are gone when the block ends."""
    with tempfile.TemporaryDirectory(prefix="roadlog-bench-") as scratch:
        directory = Path(scratch)
        pgdata = directory / "pgdata"
        embedded = server is None
        if server is None:
            server = start_embedded_server(pgdata)
        dbname = f"roadlog_bench_{uuid.uuid4().hex[:8]}"
        name = sql.Identifier(dbname)
        try:
            with psycopg.connect(server.url, autocommit=True) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
            try:
                yield server.with_dbname(dbname), directory
            finally:
                with psycopg.connect(server.url, autocommit=True) as conn:
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        finally:
            if embedded:
                stop_embedded_server(pgdata)
