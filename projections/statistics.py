"""Planner statistics of the tables the projector fills, kept fresh while they are young.

Batches run as prepared statements (``projections.script``), and PostgreSQL plans a
prepared statement once for all its executions. A plan made while a table had no
statistics (a new database) may scan a whole index that looked as cheap as the right one
and keep doing so as the table grows: measured on the live roadmap model, closing a
deliverable's version read ~940 buffers instead of ~30. Autovacuum analyzes the table a
minute or so later, which makes PostgreSQL plan the statements again; until then every
statement pays. So each time the events the projector applied in this run grow tenfold
(at 500, 5,000, 50,000, ...), it analyzes those of its tables that were never analyzed or
changed more rows since than they had then; the new statistics make PostgreSQL plan the
statements again. Tables autovacuum keeps up with are left alone.

A rebuild does not do this: its tables start empty and fill fast, analyzing them cost it
about a tenth of its rate, and autovacuum analyzes them within its first minute.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from projections.batch import Destination

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
    """Counts the events the projector applies; analyzes outdated tables at tenfold growth."""

    def __init__(self, destinations: Sequence[Destination]) -> None:
        self.schemas = [destination.schema for destination in destinations]
        self.applied = 0
        self.next_analyze = FIRST_ANALYZE

    async def applied_batch(self, conn: asyncpg.Connection, events: int) -> None:
        """Count a committed batch of ``events``; analyze if the count grew enough."""
        self.applied += events
        if self.applied < self.next_analyze:
            return
        while self.next_analyze <= self.applied:
            self.next_analyze *= GROWTH
        for table in await conn.fetch(OUTDATED, self.schemas):
            await conn.execute(f"ANALYZE {table['name']}")
