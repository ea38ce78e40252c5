"""Two database roles: the owner, who prepares the database, and the runtime role roadlog
serves as, which owns nothing that protects history.

The owner creates the event store and runs the migrations: it owns the events and
snapshots tables, their append-only triggers and the insert function. The runtime role
may read the log, append to it through ``roadlog_insert_events`` (which runs with the
owner's rights, since taking the table lock that keeps notification ids in order needs
more than INSERT), and insert snapshots; it cannot update, delete, truncate, disable a
trigger or drop one. It owns the read models' schemas, so that ``roadlog rebuild`` can
create fresh ones and swap them in, and it reads and writes the tokens and the tracking
positions.

``grant_runtime_role`` runs on every start, after the core migrations and before the read
models' (which it lets create their schemas): it is idempotent, and gives the runtime
role what new core migrations created since (every table of the ``roadlog`` schema but
the migrations' ledger).
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from backend.migrations import CORE, quote_ident

RUNTIME_ROLE = "roadlog_app"
"""The runtime role roadlog creates on its embedded server."""

EVENTS_TABLE = "public.roadlog_events"
SNAPSHOTS_TABLE = "public.roadlog_snapshots"
INSERT_FUNCTION = "public.roadlog_insert_events(public.stored_event_uuid[])"

CREATE_RUNTIME_ROLE = """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
            CREATE ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
        END IF;
        -- The owner creates the read models as this role (a superuser always may).
        IF NOT pg_has_role(current_user, '{role}', 'SET') THEN
            GRANT {quoted} TO CURRENT_USER;
        END IF;
    EXCEPTION WHEN duplicate_object THEN
        NULL;  -- another process created it at the same moment
    END
    $$
"""

GRANT_DATABASE = """
    GRANT CONNECT, TEMPORARY, CREATE ON DATABASE {database} TO {role}
"""
"""CREATE on the database: a rebuild creates schemas of its own. Database privileges are
not copied by ``CREATE DATABASE ... TEMPLATE``; everything below is."""

GRANT_RUNTIME = """
    GRANT USAGE ON SCHEMA roadlog, public TO {role};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA roadlog TO {role};
    GRANT USAGE ON ALL SEQUENCES IN SCHEMA roadlog TO {role};
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON roadlog.schema_migrations FROM {role};

    REVOKE ALL ON {events}, {snapshots} FROM {role};
    GRANT SELECT ON {events} TO {role};
    GRANT SELECT, INSERT ON {snapshots} TO {role};

    REVOKE ALL ON FUNCTION {insert} FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION {insert} TO {role};
"""
"""The insert function runs with the owner's rights (``backend.recorder`` declares it so),
so only the runtime role may call it."""

HAND_OVER_SCHEMAS = """
    SELECT format('ALTER SCHEMA %I OWNER TO %I', n.nspname, $2::text)
    FROM pg_namespace n
    WHERE n.nspname = ANY($1::text[]) AND n.nspowner <> to_regrole($2)
"""

HAND_OVER_TABLES = """
    SELECT format('ALTER TABLE %I.%I OWNER TO %I', n.nspname, c.relname, $2::text)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p')
      AND c.relowner <> to_regrole($2)
"""
"""Read models created before roadlog had a runtime role belong to the owner; the runtime
role needs to own them to rebuild them (indexes and sequences follow their tables)."""


def create_runtime_role_statement(role: str) -> str:
    """The statement that creates ``role`` (LOGIN, no other attribute) unless it exists."""
    return CREATE_RUNTIME_ROLE.format(role=role.replace("'", "''"), quoted=quote_ident(role))


def grant_database_statement(database: str, role: str) -> str:
    """The statement that lets ``role`` connect to ``database`` and create schemas in it."""
    return GRANT_DATABASE.format(database=quote_ident(database), role=quote_ident(role))


async def grant_runtime_role(
    conn: asyncpg.Connection, role: str, read_model_schemas: Sequence[str]
) -> None:
    """As the owner, give ``role`` what roadlog needs at runtime, and nothing over history."""
    database = await conn.fetchval("SELECT current_database()")
    async with conn.transaction():
        await conn.execute(grant_database_statement(database, role))
        await conn.execute(
            GRANT_RUNTIME.format(
                role=quote_ident(role),
                events=EVENTS_TABLE,
                snapshots=SNAPSHOTS_TABLE,
                insert=INSERT_FUNCTION,
            )
        )
        schemas = [schema for schema in read_model_schemas if schema != CORE.schema]
        for query in (HAND_OVER_SCHEMAS, HAND_OVER_TABLES):
            for (statement,) in await conn.fetch(query, schemas, role):
                await conn.execute(statement)
