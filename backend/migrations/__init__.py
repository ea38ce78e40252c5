"""Versioned SQL migrations, applied at start under an advisory lock.

Each component (``core`` here, one per read model in ``projections``) owns a directory of
``NNNN_name.sql`` files and one PostgreSQL schema. A file is applied once, in its own
transaction, with ``search_path`` set to the schema it is applied into, so the same files
can also build a fresh copy of a read model in another schema (``roadlog rebuild``).

The core component is migrated in place: a file edited after it was applied stops the
start (its checksum no longer matches). A read model is never migrated in place: its
tables are built from the log, so when its ledger rows differ from its files
(``ledger_state``) the start rebuilds it and then records its files (``replace_ledger``);
see ``backend.upgrade``.

The read models' migrations may be applied as another role (``as_role``, the runtime
role, see ``backend.roles``), which then owns their schemas and can rebuild them; the
ledger is always written by the role that migrates.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import Enum
from importlib.resources import files
from importlib.resources.abc import Traversable

import asyncpg

from backend import locks
from backend.startup import StartupError

FILE_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

CREATE_LEDGER = """
    CREATE SCHEMA IF NOT EXISTS roadlog;
    CREATE TABLE IF NOT EXISTS roadlog.schema_migrations (
        component   text NOT NULL,
        version     integer NOT NULL,
        name        text NOT NULL,
        sha256      text NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (component, version)
    )
"""

SELECT_APPLIED = """
    SELECT version, name, sha256 FROM roadlog.schema_migrations WHERE component = $1
"""

RECORD_APPLIED = """
    INSERT INTO roadlog.schema_migrations (component, version, name, sha256)
    VALUES ($1, $2, $3, $4)
"""


SELECT_COMPONENTS = """
    SELECT DISTINCT component FROM roadlog.schema_migrations ORDER BY component
"""

FORGET_COMPONENT = """
    DELETE FROM roadlog.schema_migrations WHERE component = $1
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


@dataclass(frozen=True)
class MigrationSet:
    """The migrations of one component, applied into the schema of the same name."""

    component: str
    directory: Traversable

    @property
    def schema(self) -> str:
        return self.component

    def fingerprint(self) -> str:
        """One checksum of every file (version and content): what a copy built from them
        is marked with (``projections.rebuild.prepare``)."""
        listed = "\n".join(f"{m.version} {m.sha256}" for m in self.migrations())
        return hashlib.sha256(listed.encode()).hexdigest()

    def migrations(self) -> list[Migration]:
        found = []
        for entry in self.directory.iterdir():
            match = FILE_NAME.match(entry.name)
            if match:
                found.append(Migration(int(match.group(1)), entry.name, entry.read_text()))
        found.sort(key=lambda migration: migration.version)
        versions = [migration.version for migration in found]
        assert len(set(versions)) == len(versions), f"duplicate versions in {self.component}"
        return found


CORE = MigrationSet("roadlog", files("backend.migrations"))


class LedgerState(Enum):
    """How a component's ledger rows compare with its migration files."""

    NEW = "new"
    """Nothing applied yet: migrate it."""
    CURRENT = "current"
    """Every file applied as it is now, and nothing else: nothing to do."""
    CHANGED = "changed"
    """A file applied with another checksum, applied but gone, or not applied next to
    applied ones."""


async def ledger_state(conn: asyncpg.Connection, migration_set: MigrationSet) -> LedgerState:
    """Compare the ledger rows of ``migration_set``'s component with its files."""
    rows = await conn.fetch(SELECT_APPLIED, migration_set.component)
    if not rows:
        return LedgerState.NEW
    applied = {(row["version"], row["sha256"]) for row in rows}
    present = {(migration.version, migration.sha256) for migration in migration_set.migrations()}
    return LedgerState.CURRENT if applied == present else LedgerState.CHANGED


async def replace_ledger(conn: asyncpg.Connection, migration_set: MigrationSet) -> None:
    """Record the component's files as applied, in place of whatever its rows said."""
    async with conn.transaction():
        await conn.execute(FORGET_COMPONENT, migration_set.component)
        for migration in migration_set.migrations():
            await record_applied(conn, migration_set, migration)


async def record_applied(
    conn: asyncpg.Connection, migration_set: MigrationSet, migration: Migration
) -> None:
    """Write the ledger row of one migration of ``migration_set``."""
    await conn.execute(
        RECORD_APPLIED,
        migration_set.component,
        migration.version,
        migration.name,
        migration.sha256,
    )


async def forget(conn: asyncpg.Connection, component: str) -> None:
    """Delete the ledger rows of ``component`` (in the caller's transaction)."""
    await conn.execute(FORGET_COMPONENT, component)


async def components(conn: asyncpg.Connection) -> list[str]:
    """Every component the ledger has rows of."""
    await conn.execute(CREATE_LEDGER)
    return [row["component"] for row in await conn.fetch(SELECT_COMPONENTS)]


async def migrate(
    conn: asyncpg.Connection, sets: list[MigrationSet], *, as_role: str | None = None
) -> list[str]:
    """Apply every pending migration of ``sets`` in order; return the names applied.

    With ``as_role``, each migration runs as that role (the connection's user must be
    able to SET ROLE to it), so that what it creates belongs to that role.
    """
    await conn.execute("SELECT pg_advisory_lock($1)", locks.MIGRATIONS)
    try:
        await conn.execute(CREATE_LEDGER)
        applied: list[str] = []
        for migration_set in sets:
            applied += await _migrate_one(conn, migration_set, as_role)
        return applied
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", locks.MIGRATIONS)


async def _migrate_one(
    conn: asyncpg.Connection, migration_set: MigrationSet, as_role: str | None
) -> list[str]:
    done = {
        row["version"]: row for row in await conn.fetch(SELECT_APPLIED, migration_set.component)
    }
    applied = []
    for migration in migration_set.migrations():
        previous = done.get(migration.version)
        if previous is not None:
            if previous["sha256"] != migration.sha256:
                raise StartupError(
                    f"migration {migration_set.component}/{migration.name} changed after it was"
                    " applied; add a new migration instead of editing an applied one"
                )
            continue
        async with conn.transaction():
            if as_role is not None:
                await conn.execute(f"SET LOCAL ROLE {quote_ident(as_role)}")
            await apply_into(conn, migration_set.schema, migration)
            if as_role is not None:
                await conn.execute("RESET ROLE")
            await record_applied(conn, migration_set, migration)
        applied.append(f"{migration_set.component}/{migration.name}")
    return applied


def quote_ident(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


async def apply_into(conn: asyncpg.Connection, schema: str, migration: Migration) -> None:
    """Run one migration with ``schema`` first on the search path (inside a transaction)."""
    quoted = quote_ident(schema)
    await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted}")
    await conn.execute(f"SET LOCAL search_path TO {quoted}, public")
    await conn.execute(migration.sql)
