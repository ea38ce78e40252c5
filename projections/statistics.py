"""Planner statistics of the tables the projector fills, kept fresh while they are young.

Batches run as prepared statements (``projections.script``), and PostgreSQL plans a
prepared statement once for all its executions. A plan made while a table had no
statistics (a new database, tables a rebuild just filled) may scan a whole index that
looked as cheap as the right one, and keep doing so as the table grows: measured on the
live roadmap model, closing a deliverable's version read ~940 buffers instead of ~30.
Autovacuum analyzes the table a minute or so later, which makes PostgreSQL plan the
statements again; until then every statement pays. So each time the events the
projector applied in this run grow tenfold (at 500, 5,000, 50,000, ...), it analyzes
those of its tables that were never analyzed or changed more rows since than they had
then; the new statistics make PostgreSQL plan the statements again. Tables autovacuum
keeps up with are left alone.

ANALYZE runs on a connection of its own, beside the projector: on tables a rebuild just
filled it takes seconds, which would otherwise be seconds of lag. It does not block the
projector's writes (it takes only a SHARE UPDATE EXCLUSIVE lock).

A rebuild does not do this: its tables start empty and fill fast, analyzing them cost it
about a tenth of its rate, and autovacuum analyzes them within its first minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

import asyncpg

from backend.database import DatabaseTarget
from projections.batch import Destination
from projections.connections import TRANSIENT_ERRORS, close_quietly, connect

log = logging.getLogger(__name__)

ANALYZE_ERRORS: tuple[type[BaseException], ...] = (*TRANSIENT_ERRORS, asyncpg.PostgresError)
"""A restarting server, a table a swap just dropped: the next milestone tries again."""

FIRST_ANALYZE = 500
GROWTH = 10

OUTDATED = """
    SELECT format('%I.%I', s.schemaname, s.relname) AS name
    FROM pg_stat_user_tables AS s JOIN pg_class AS c ON c.oid = s.relid
    WHERE s.schemaname = ANY($1::text[])
      AND (c.reltuples < 0 OR s.n_mod_since_analyze > c.reltuples + 50)
    ORDER BY 1
"""


class PlannerStatistics:
    """Counts the events the projector applies; analyzes outdated tables at tenfold growth.

    Use as an async context manager: leaving it stops an ANALYZE still running.
    """

    def __init__(self, target: DatabaseTarget, destinations: Sequence[Destination]) -> None:
        self.target = target
        self.schemas = [destination.schema for destination in destinations]
        self.applied = 0
        self.next_analyze = FIRST_ANALYZE
        self._analyzing: asyncio.Task[None] | None = None

    async def __aenter__(self) -> PlannerStatistics:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self._analyzing is not None:
            self._analyzing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._analyzing

    def applied_batch(self, events: int) -> None:
        """Count a committed batch of ``events``; start an ANALYZE if the count grew enough."""
        self.applied += events
        if self.applied < self.next_analyze:
            return
        while self.next_analyze <= self.applied:
            self.next_analyze *= GROWTH
        if self._analyzing is None or self._analyzing.done():
            self._analyzing = asyncio.create_task(self.analyze(), name="projector-analyze")

    async def analyze(self) -> None:
        """ANALYZE the outdated tables on a connection of its own; failures are only logged."""
        try:
            conn = await connect(self.target)
            try:
                for table in await conn.fetch(OUTDATED, self.schemas):
                    await conn.execute(f"ANALYZE {table['name']}")
            finally:
                await close_quietly(conn)
        except ANALYZE_ERRORS as error:
            log.warning("projector: could not analyze read-model tables: %s", error)
