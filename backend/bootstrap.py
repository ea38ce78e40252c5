"""The composition root: builds the real dependencies from settings and hands them over.

Nothing here is module-level: every pool, application and task is created inside
``bootstrap()`` and closed when it exits. Tests build the same graph on their own database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg

from backend import locks, upgrade
from backend.application import Roadlog
from backend.database import DatabaseTarget
from backend.eventstore import open_event_store
from backend.migrations import CORE, migrate
from backend.roles import grant_runtime_role
from backend.settings import Settings
from backend.startup import StartupError
from backend.tokens import Tokens
from projections.batch import REBUILD_SUFFIX, StepHook
from projections.catalog import READ_MODELS
from projections.projector import Projector
from projections.read_model import ReadModel
from projections.rebuild import OLD_SUFFIX, RebuildProgress
from projections.watcher import ProjectionWatcher

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything a running roadlog process uses, built once per process."""

    settings: Settings
    target: DatabaseTarget
    app: Roadlog
    pool: asyncpg.Pool
    tokens: Tokens
    read_models: Sequence[ReadModel]
    watcher: ProjectionWatcher
    """How far the read models are: read-your-writes waits and subscriptions."""
    projector: Projector | None
    """The in-process projector (standby until it holds the lock), unless turned off."""


def describe(target: DatabaseTarget) -> str:
    """A target for messages: never its password."""
    where = target.host if target.host.startswith("/") else f"{target.host}:{target.port}"
    return f"database {target.dbname!r} at {where}"


async def connect(target: DatabaseTarget) -> asyncpg.Connection:
    """One connection, or a one-line StartupError saying why not."""
    try:
        return await asyncpg.connect(**target.asyncpg_kwargs(), timeout=10)
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        raise StartupError(f"cannot connect to {describe(target)}: {error}") from None


async def prepare_database(
    target: DatabaseTarget,
    read_models: Sequence[ReadModel],
    *,
    progress: RebuildProgress | None = None,
    on_step: StepHook | None = None,
) -> list[str]:
    """Create the event store tables and apply pending migrations, one process at a time;
    drop the read models that no longer exist and rebuild from the log those whose
    migrations changed (``backend.upgrade``; ``progress`` is told how far, else it is
    logged; ``on_step`` is the rebuild's, for tests). Return what was applied, dropped and
    rebuilt.

    All of it as the target's owner; with a separate runtime role, the read models are
    created as (and belong to) that role, which is then granted what it needs at runtime
    (``backend.roles``), and rebuilt as it.
    """
    owner = target.migrator
    conn = await connect(owner)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", locks.MIGRATIONS)
        try:
            app = await asyncio.to_thread(open_event_store, owner, pool_size=1, create_tables=True)
            app.close()
            runtime_role = target.runtime_role
            applied = await migrate(conn, [CORE])
            dropped = await upgrade.drop_retired(conn, read_models)
            if runtime_role is not None:
                # Before the read models' migrations, which create their schemas as it;
                # a rebuild's leftovers are its to resume or drop.
                schemas = [
                    model.migrations.schema + suffix
                    for model in read_models
                    for suffix in ("", REBUILD_SUFFIX, OLD_SUFFIX)
                ]
                await grant_runtime_role(conn, runtime_role, schemas)
            stale = await upgrade.changed(conn, read_models)
            rebuilt = {model.name for model in stale}
            applied += await migrate(
                conn,
                [model.migrations for model in read_models if model.name not in rebuilt],
                as_role=runtime_role,
            )
            if stale:
                await upgrade.rebuild_changed(conn, target, stale, progress, on_step)
            return (
                applied
                + [f"{name} (dropped)" for name in dropped]
                + [f"{model.name} (rebuilt from the log)" for model in stale]
            )
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", locks.MIGRATIONS)
    finally:
        await conn.close()


async def keep_session(conn: asyncpg.Connection) -> None:
    """Reset a pooled connection on release: nothing beyond what asyncpg always does.

    asyncpg rolls back an open transaction before calling this. Nothing run on a pooled
    connection changes session state (LISTEN, session advisory locks and session settings
    live on dedicated connections), so the default ``RESET ALL``/``UNLISTEN *``/... query
    would only cost a round trip per request.
    """


async def create_pool(target: DatabaseTarget, *, min_size: int, max_size: int) -> asyncpg.Pool:
    """An asyncpg pool (read models, tokens, the projector), or a one-line StartupError."""
    try:
        pool = await asyncpg.create_pool(
            **target.asyncpg_kwargs(),
            min_size=min_size,
            max_size=max_size,
            timeout=10,
            reset=keep_session,
        )
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        raise StartupError(f"cannot connect to {describe(target)}: {error}") from None
    assert pool is not None
    return pool


POOL_CLOSE_SECONDS = 10.0


async def close_pool(pool: asyncpg.Pool) -> None:
    """Close gracefully, but never hang a shutdown on a connection that is not given back."""
    try:
        async with asyncio.timeout(POOL_CLOSE_SECONDS):
            await pool.close()
    except TimeoutError:
        pool.terminate()


@asynccontextmanager
async def prepared_pool(
    target: DatabaseTarget, read_models: Sequence[ReadModel] = READ_MODELS
) -> AsyncIterator[asyncpg.Pool]:
    """A small pool on a migrated database, for one-shot commands (tokens, first start)."""
    await prepare_database(target, read_models)
    pool = await create_pool(target, min_size=1, max_size=2)
    try:
        yield pool
    finally:
        await close_pool(pool)


STOP_ROUNDS = 20
STOP_ROUND_SECONDS = 0.5


@asynccontextmanager
async def background(*jobs: Coroutine[Any, Any, None]) -> AsyncIterator[None]:
    """Run ``jobs`` as tasks for the duration of the block, then stop them.

    A cancellation can be lost (on Python 3.11 ``asyncio.wait_for`` may swallow one that
    arrives as its inner future completes; roadlog's own loops use ``asyncio.timeout``, but
    a library's may not), so a task still running is asked again, and a shutdown never
    waits on it for more than ``STOP_ROUNDS * STOP_ROUND_SECONDS``.
    """
    tasks = {asyncio.create_task(job) for job in jobs}
    try:
        yield
    finally:
        pending = tasks
        for _ in range(STOP_ROUNDS):
            for task in pending:
                task.cancel()
            _, pending = await asyncio.wait(pending, timeout=STOP_ROUND_SECONDS)
            if not pending:
                break
        for task in tasks - pending:
            with contextlib.suppress(asyncio.CancelledError):
                if task.exception() is not None:
                    log.error(
                        "background task %s ended with an error",
                        task.get_name(),
                        exc_info=task.exception(),
                    )
        if pending:
            log.error("background tasks did not stop: %s", sorted(t.get_name() for t in pending))


@asynccontextmanager
async def bootstrap(
    settings: Settings,
    target: DatabaseTarget,
    read_models: Sequence[ReadModel] = READ_MODELS,
) -> AsyncIterator[Services]:
    """Prepare the database, then build and hand over the process's services.

    The watcher always runs; the projector runs when ``settings.projector`` is on (one
    active per database, the others stand by).
    """
    await prepare_database(target, read_models)
    pool = await create_pool(
        target, min_size=settings.pool_min_size, max_size=settings.pool_max_size
    )
    try:
        app = await asyncio.to_thread(
            open_event_store,
            target,
            pool_size=settings.eventstore_pool_size,
            create_tables=False,
        )
        try:
            watcher = ProjectionWatcher(
                target, pool, read_models, poll_seconds=settings.projector_poll_seconds
            )
            projector = (
                Projector(
                    app,
                    target,
                    read_models,
                    batch_size=settings.projector_batch_size,
                    poll_seconds=settings.projector_poll_seconds,
                )
                if settings.projector
                else None
            )
            jobs = [watcher.run()] + ([projector.run()] if projector else [])
            async with background(*jobs):
                yield Services(
                    settings=settings,
                    target=target,
                    app=app,
                    pool=pool,
                    tokens=Tokens(pool),
                    read_models=read_models,
                    watcher=watcher,
                    projector=projector,
                )
        finally:
            app.close()
    finally:
        await close_pool(pool)
