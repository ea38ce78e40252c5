"""Read models at start: changed ones rebuilt from the log, retired ones dropped.

A read model's tables are only ever built from the log (the one truth), never migrated in
place. ``backend.bootstrap.prepare_database`` runs what is here after the core migrations,
under the migrations' advisory lock, so one process at a time does it: a second process
starting meanwhile waits, then finds the ledger current and nothing to do.

Changed: a read model whose ledger rows differ from its migration files
(``backend.migrations.LedgerState.CHANGED``) has tables that the current queries cannot
read. Before anything serves, it is rebuilt from position zero into ``<name>__rebuild``
and swapped in (``projections.rebuild``, progress logged with done/total positions), and
only then are its ledger rows replaced by its current files. A crash before the swap
leaves the old tables under the old ledger (the next start resumes the rebuild, or starts
it over if the migrations changed again meanwhile); a crash
between the swap and the ledger leaves new tables under the old ledger, which the next
start rebuilds once more into the same rows. No crash leaves a ledger that says current
over tables that are not.

Retired: a read model that no longer exists keeps its schema, ledger rows and tracking row
until the start drops them (``retired``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

import asyncpg

from backend.database import DatabaseTarget
from backend.eventstore import open_event_store
from backend.migrations import (
    CORE,
    LedgerState,
    components,
    forget,
    ledger_state,
    replace_ledger,
)
from backend.startup import StartupError
from projections.batch import REBUILD_SUFFIX, ProjectionFailed, StepHook, quote_ident
from projections.catalog import READ_MODELS
from projections.read_model import ReadModel
from projections.rebuild import OLD_SUFFIX, RebuildConflict, RebuildProgress, rebuild

log = logging.getLogger(__name__)

PROGRESS_LOG_SECONDS = 5.0
"""How often a rebuild at start logs how far it is (plus its first and last figures)."""

TRACKED = """
    SELECT EXISTS (SELECT 1 FROM roadlog.tracking WHERE name = ANY($1::text[]))
"""

FORGET_TRACKING = """
    DELETE FROM roadlog.tracking WHERE name = ANY($1::text[])
"""


async def changed(conn: asyncpg.Connection, read_models: Sequence[ReadModel]) -> list[ReadModel]:
    """The read models whose ledger rows differ from their migration files."""
    return [
        model
        for model in read_models
        if await ledger_state(conn, model.migrations) is LedgerState.CHANGED
    ]


async def retired(conn: asyncpg.Connection, read_models: Sequence[ReadModel]) -> list[str]:
    """The components of read models that no longer exist.

    A component of the ledger is a retired read model when it is not the core, no current
    read model (``projections.catalog`` or ``read_models``) has its name, and it has a
    tracking row (``<name>`` or ``<name>__rebuild``). Only read models have tracking rows:
    the projector and a rebuild write them, nothing else does. So the core, or any other
    component that is not a read model, is never taken for one, whatever its name.
    """
    current = {CORE.component} | {model.name for model in (*READ_MODELS, *read_models)}
    found = []
    for component in await components(conn):
        if component in current:
            continue
        if await conn.fetchval(TRACKED, [component, component + REBUILD_SUFFIX]):
            found.append(component)
        else:
            log.warning("left component %s alone: not a read model (no tracking row)", component)
    return found


async def drop_retired(conn: asyncpg.Connection, read_models: Sequence[ReadModel]) -> list[str]:
    """Drop every retired read model (``retired``): its schemas (also a leftover rebuild's
    and a swap's), ledger rows and tracking rows, one model per transaction; return their
    names."""
    names = await retired(conn, read_models)
    for name in names:
        schemas = [name, name + REBUILD_SUFFIX, name + OLD_SUFFIX]
        async with conn.transaction():
            for schema in schemas:
                await conn.execute(f"DROP SCHEMA IF EXISTS {quote_ident(schema)} CASCADE")
            await forget(conn, name)
            await conn.execute(FORGET_TRACKING, [name, name + REBUILD_SUFFIX])
        log.info(
            "dropped read model %s, which no longer exists: schemas %s, its ledger and"
            " tracking rows",
            name,
            ", ".join(schemas),
        )
    return names


async def rebuild_changed(
    conn: asyncpg.Connection,
    target: DatabaseTarget,
    models: Sequence[ReadModel],
    progress: RebuildProgress | None = None,
    on_step: StepHook | None = None,
) -> None:
    """Rebuild ``models`` from the log as ``target`` (the runtime role), then record their
    current migrations on the owner's ``conn`` (see the module docstring for a crash).

    ``on_step`` is the rebuild's (``projections.rebuild.rebuild``): tests crash it there.
    """
    names = ", ".join(model.name for model in models)
    log.info("read models %s changed: rebuilding them from the log", names)
    app = await asyncio.to_thread(open_event_store, target, pool_size=2, create_tables=False)
    try:
        positions = await rebuild(
            app, target, models, progress=progress or ProgressLog(names), on_step=on_step
        )
    except ProjectionFailed as failure:
        raise StartupError(f"rebuild of {names} stopped, nothing swapped: {failure}") from None
    except RebuildConflict as conflict:
        raise StartupError(f"cannot rebuild {names} at start: {conflict}") from None
    finally:
        app.close()
    async with conn.transaction():
        for model in models:
            await replace_ledger(conn, model.migrations)
    log.info("rebuilt read models %s from the log up to %s", names, positions)


class ProgressLog:
    """A rebuild's progress as log lines: its first and last figures, and one every
    ``PROGRESS_LOG_SECONDS`` between."""

    def __init__(self, names: str) -> None:
        self.names = names
        self.logged: tuple[int, float] | None = None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.logged is not None:
            last_done, last_time = self.logged
            if done == last_done or (done < total and now - last_time < PROGRESS_LOG_SECONDS):
                return
        self.logged = (done, now)
        share = 100 * done // total if total else 100
        log.info(
            "rebuilding read models %s from the log: %d/%d positions (%d%%)",
            self.names,
            done,
            total,
            share,
        )
