"""A rebuild fills its tables without the indexes only queries use, then builds them once.

Every row a rebuild inserts would otherwise also go into each of those indexes, one btree
insertion at a time; building an index over the finished table is one sort. So
``prepare`` records the definitions of a read model's ``query_indexes`` (as PostgreSQL
prints them, naming the rebuild schema) in a table of that schema, and drops them;
``build`` creates them again, and drops the table, when the log is applied. Both happen in
one transaction each: a crash leaves either the recorded definitions (and the next run
builds them) or the finished indexes, never neither. The swap then moves a schema that
has every index its migrations create.

Only indexes no handler's statement needs may be listed: while they are missing, a
statement that would have used one scans its table instead.

It still pays with the facts in bulk: a rebuild of all real read models over 100,000
events of the benchmark story (one connection), medians of nine alternating runs each on
a busy machine, took 19.6 s with the indexes deferred against 20.3 s without, and 155
against 174 µs of PostgreSQL CPU per event; in the quietest three rounds, 16.4 against
17.6 s and 131 against 156 µs.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from projections.batch import quote_ident

DEFERRED = "roadlog_deferred_indexes"
"""The table, in a rebuild schema, of the indexes still to build there."""

INDEX_DEFINITIONS = """
    SELECT index.relname AS name, pg_get_indexdef(index.oid) AS definition
    FROM pg_class AS index JOIN pg_namespace AS schema ON schema.oid = index.relnamespace
    WHERE schema.nspname = $1 AND index.relname = ANY($2::text[]) AND index.relkind = 'i'
    ORDER BY index.relname
"""

DEFERRED_EXISTS = """
    SELECT to_regclass(format('%I.%I', $1::text, $2::text)) IS NOT NULL
"""


def quoted(schema: str, name: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(name)}"


async def defer(conn: asyncpg.Connection, schema: str, names: Sequence[str]) -> None:
    """Record and drop the indexes ``names`` of ``schema`` (in the caller's transaction).

    Raises LookupError naming the indexes the migrations did not create: a read model's
    list and its migrations disagree, and the rebuild must not start.
    """
    if not names:
        return
    rows = await conn.fetch(INDEX_DEFINITIONS, schema, list(names))
    missing = sorted(set(names) - {row["name"] for row in rows})
    if missing:
        raise LookupError(f"{schema}: no such query indexes: {', '.join(missing)}")
    table = quoted(schema, DEFERRED)
    await conn.execute(f"CREATE TABLE {table} (name text PRIMARY KEY, definition text NOT NULL)")
    await conn.executemany(
        f"INSERT INTO {table} (name, definition) VALUES ($1, $2)",
        [(row["name"], row["definition"]) for row in rows],
    )
    for row in rows:
        await conn.execute(f"DROP INDEX {quoted(schema, row['name'])}")


async def build(conn: asyncpg.Connection, schema: str) -> list[str]:
    """Create the indexes recorded in ``schema`` and drop the record; return their names."""
    async with conn.transaction():
        if not await conn.fetchval(DEFERRED_EXISTS, schema, DEFERRED):
            return []
        table = quoted(schema, DEFERRED)
        rows = await conn.fetch(f"SELECT name, definition FROM {table} ORDER BY name")
        for row in rows:
            await conn.execute(row["definition"])
        await conn.execute(f"DROP TABLE {table}")
    return [row["name"] for row in rows]
