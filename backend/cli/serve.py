"""``roadlog serve``: the API (and, by default, the projector) on one port."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import signal
import socket
import sys
import tempfile
from pathlib import Path

import click
import filelock
import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from backend.bootstrap import prepared_pool
from backend.cli.options import data_dir_option, database_target, load_settings
from backend.database import DatabaseTarget
from backend.embedded import EmbeddedSupervisor, ensure_data_dir
from backend.logs import configure_logging
from backend.settings import Settings
from backend.startup import StartupError
from backend.tokens import Tokens


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything slow happens, or a one-line error."""
    from schema.app import listen

    try:
        return listen(host, port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise StartupError(f"port {port} on {host} is already in use") from None
        raise StartupError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def hold_data_dir(data_dir: Path) -> filelock.BaseFileLock:
    """One ``serve`` per data directory: a second one fails instead of sharing the cluster."""
    path = ensure_data_dir(data_dir)
    lock = filelock.FileLock(path / "serve.lock")
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        raise StartupError(
            f"another roadlog serve is already running on data directory {str(path)!r}"
        ) from None
    return lock


async def prepare(target: DatabaseTarget) -> str | None:
    """Migrate, and on an empty database create the first workspace and admin token."""
    async with prepared_pool(target) as pool:
        return await Tokens(pool).first_start()


def announce_admin_token(secret: str, settings: Settings) -> None:
    """Print the first admin token once and keep it in the data directory, owner-only."""
    saved = ""
    try:
        path = ensure_data_dir(settings.data_dir) / settings.admin_token_file.name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secret + "\n")
        os.chmod(path, 0o600)
        saved = f", saved to {path}"
    except (OSError, StartupError) as error:
        saved = f" (not saved: {error})"
    click.echo(
        f"roadlog: first start: created workspace 'default' and an admin token{saved}.\n"
        "roadlog: it is shown only this once:",
        err=True,
    )
    click.echo(secret)


def serve_here(settings: Settings, target: DatabaseTarget, listener: socket.socket) -> None:
    """The API in this process."""
    from schema.app import create_app, server_config

    server = uvicorn.Server(server_config(create_app(settings, target)))
    # uvicorn shuts down gracefully on SIGTERM and then raises it again; exiting
    # normally from that point lets the embedded PostgreSQL stop with us.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.run(sockets=[listener])
    if not server.started:
        raise StartupError("the server did not start; see the log above")


def serve_workers(settings: Settings, target: DatabaseTarget, listener: socket.socket) -> None:
    """The API in ``settings.workers`` processes on ``listener``, under uvicorn's supervisor.

    This process keeps the data directory (and its embedded server) and restarts a worker
    that dies; the workers connect to ``target`` as to any DATABASE_URL. SIGTERM or SIGINT
    stop the workers gracefully, then this process.
    """
    from schema.app import WORKER_APP, server_config

    connection = {"database_url": target.url, "owner_database_url": target.migrator.url}
    os.environ.update(settings.model_copy(update=connection).environment())
    with tempfile.TemporaryDirectory(prefix="roadlog-metrics-") as metrics:
        # Workers import prometheus_client after this is set: their request counts go to
        # files there, and /metrics of any worker sums them.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics
        supervisor = Multiprocess(server_config(WORKER_APP, settings.workers), sockets=[listener])
        supervisor.run()
    if any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes):
        raise StartupError("a worker did not start; see the log above")


@click.command()
@click.option("--host", default=None, help="Interface to listen on [env ROADLOG_HOST; 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port to listen on [env ROADLOG_PORT; 8000].")
@data_dir_option
@click.option(
    "--projector/--no-projector",
    default=None,
    help="Run the projector in this process [env ROADLOG_PROJECTOR; on].",
)
@click.option(
    "--workers",
    type=int,
    default=None,
    help="API processes sharing the port, each with its own pools and projector; one "
    "projector is active at a time [env ROADLOG_WORKERS; 1].",
)
def serve(
    host: str | None,
    port: int | None,
    data_dir: Path | None,
    projector: bool | None,
    workers: int | None,
) -> None:
    """Serve the GraphQL API on http://HOST:PORT/graphql, with an embedded PostgreSQL
    in the data directory unless DATABASE_URL is set (restarted if it dies)."""
    settings = load_settings(
        host=host, port=port, data_dir=data_dir, projector=projector, workers=workers
    )
    configure_logging(settings.log_level)
    listener = bind(settings.host, settings.port)
    lock = None if settings.database_url else hold_data_dir(settings.data_dir)
    try:
        target = database_target(settings)
        secret = asyncio.run(prepare(target))
        if secret is not None:
            announce_admin_token(secret, settings)
        click.echo(f"roadlog: serving http://{settings.host}:{settings.port}/graphql", err=True)
        # This process owns the embedded server (it holds the data directory): it keeps
        # it running, whichever process serves the requests.
        supervised = (
            contextlib.nullcontext()
            if settings.database_url
            else EmbeddedSupervisor(settings.pgdata)
        )
        with supervised:
            if settings.workers > 1:
                serve_workers(settings, target, listener)
            else:
                serve_here(settings, target, listener)
    finally:
        listener.close()
        if lock is not None:
            lock.release()
