"""roadlog's runtime role cannot alter or disable what protects history.

The suite runs as that role (tests/conftest.py), so every other test shows that it can do
everything roadlog needs; these show what it cannot do.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import psycopg
import pytest
from psycopg import sql

from backend.application import Caller
from backend.bootstrap import Services, prepare_database
from backend.database import DatabaseTarget
from backend.eventstore import open_event_store
from backend.roles import RUNTIME_ROLE
from projections.catalog import READ_MODELS
from projections.rebuild import rebuild
from tests.support.databases import runtime_database

REFUSED_TO_THE_RUNTIME_ROLE = [
    "UPDATE public.roadlog_events SET topic = 'rewritten'",
    "DELETE FROM public.roadlog_events",
    "TRUNCATE public.roadlog_events",
    "INSERT INTO public.roadlog_events (originator_id, originator_version, topic, state)"
    " VALUES (gen_random_uuid(), 1, 'forged', '')",
    "ALTER TABLE public.roadlog_events DISABLE TRIGGER roadlog_events_append_only",
    "ALTER TABLE public.roadlog_events DISABLE TRIGGER ALL",
    "DROP TRIGGER roadlog_events_append_only ON public.roadlog_events",
    "DROP TRIGGER roadlog_events_no_truncate ON public.roadlog_events",
    "DROP TABLE public.roadlog_events",
    "ALTER TABLE public.roadlog_events RENAME TO old_events",
    "UPDATE public.roadlog_snapshots SET topic = 'rewritten'",
    "DELETE FROM public.roadlog_snapshots",
    "TRUNCATE public.roadlog_snapshots",
    "ALTER TABLE public.roadlog_snapshots DISABLE TRIGGER roadlog_snapshots_append_only",
    "DROP TRIGGER roadlog_snapshots_append_only ON public.roadlog_snapshots",
    "DROP FUNCTION roadlog.refuse_event_rewrite() CASCADE",
    "CREATE OR REPLACE FUNCTION roadlog.refuse_event_rewrite() RETURNS trigger"
    " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$",
    "ALTER FUNCTION public.roadlog_insert_events(public.stored_event_uuid[]) SECURITY INVOKER",
    "SET session_replication_role = replica",
    "DELETE FROM roadlog.schema_migrations",
    f"ALTER ROLE {RUNTIME_ROLE} SUPERUSER",
]


async def record_with_snapshot(services: Services) -> None:
    """A team's event and a snapshot of it, both written as the runtime role."""
    caller = Caller(workspace_id=uuid.uuid4(), actor="a")
    created = services.app.create_team(caller, name="SRE")
    services.app.take_snapshot(created.id)


@pytest.fixture
async def runtime(services: Services) -> AsyncIterator[asyncpg.Connection]:
    """A connection as the role roadlog runs as, after an event and a snapshot exist."""
    await record_with_snapshot(services)
    conn = await asyncpg.connect(**services.target.asyncpg_kwargs())
    yield conn
    await conn.close()


async def test_roadlog_runs_as_a_role_that_is_neither_superuser_nor_owner(
    runtime: asyncpg.Connection,
) -> None:
    role = await runtime.fetchrow(
        "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls"
        " FROM pg_roles WHERE rolname = current_user"
    )
    assert role is not None
    assert dict(role.items()) == {
        "rolname": RUNTIME_ROLE,
        "rolsuper": False,
        "rolcreaterole": False,
        "rolcreatedb": False,
        "rolbypassrls": False,
    }
    owners = await runtime.fetch(
        "SELECT c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c"
        " WHERE c.relname IN ('roadlog_events', 'roadlog_snapshots')"
    )
    assert {row["relname"] for row in owners} == {"roadlog_events", "roadlog_snapshots"}
    assert all(row["owner"] != RUNTIME_ROLE for row in owners)


@pytest.mark.parametrize("statement", REFUSED_TO_THE_RUNTIME_ROLE)
async def test_the_runtime_role_cannot_rewrite_history_or_its_protection(
    runtime: asyncpg.Connection, statement: str
) -> None:
    before = await history(runtime)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await runtime.execute(statement)
    assert await history(runtime) == before
    assert before["events"] >= 1 and before["snapshots"] >= 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE public.roadlog_snapshots SET topic = 'rewritten'",
        "DELETE FROM public.roadlog_snapshots",
        "TRUNCATE public.roadlog_snapshots",
    ],
)
async def test_snapshots_are_append_only_even_for_the_owner(
    services: Services, statement: str
) -> None:
    await record_with_snapshot(services)
    owner = await asyncpg.connect(**services.target.migrator.asyncpg_kwargs())
    try:
        before = await history(owner)
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
            await owner.execute(statement)
        assert await history(owner) == before
    finally:
        await owner.close()


async def test_the_runtime_role_records_right_after_the_owner_recreates_the_event_store(
    services: Services,
) -> None:
    """Every start, and every CLI command, re-creates the insert function as the owner
    while other processes record events: at no moment may it refuse them."""
    app = await asyncio.to_thread(
        open_event_store, services.target.migrator, pool_size=1, create_tables=True
    )
    app.close()
    # No grant runs in between: the function is created with the owner's rights.
    created = services.app.create_team(Caller(workspace_id=uuid.uuid4(), actor="a"), name="SRE")
    assert created.position is not None


async def history(conn: asyncpg.Connection) -> dict[str, int]:
    """How many events and snapshots there are, and how many were rewritten."""
    row = await conn.fetchrow(
        """
        SELECT (SELECT count(*) FROM public.roadlog_events) AS events,
               (SELECT count(*) FROM public.roadlog_snapshots) AS snapshots,
               (SELECT count(*) FROM public.roadlog_snapshots WHERE topic = 'rewritten')
                   AS rewritten
        """
    )
    assert row is not None
    return {key: int(value) for key, value in row.items()}


async def test_a_database_prepared_before_the_runtime_role_is_handed_over_to_it(
    pg_server: DatabaseTarget,
) -> None:
    """Read models created by the owner (as roadlog did before it had a runtime role)
    pass to the runtime role at the next start, which can then rebuild them."""
    name = f"roadlog_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server.url, autocommit=True) as server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        await prepare_database(pg_server.with_dbname(name), READ_MODELS)
        runtime = runtime_database(pg_server, name)
        await prepare_database(runtime, READ_MODELS)

        conn = await asyncpg.connect(**runtime.asyncpg_kwargs())
        try:
            owners = await conn.fetch(
                "SELECT DISTINCT pg_get_userbyid(nspowner) FROM pg_namespace"
                " WHERE nspname = ANY($1::text[])",
                [model.name for model in READ_MODELS],
            )
        finally:
            await conn.close()
        assert [row[0] for row in owners] == [RUNTIME_ROLE]
        app = open_event_store(runtime, pool_size=1, create_tables=False)
        try:
            recorded = app.create_team(Caller(workspace_id=uuid.uuid4(), actor="a"), name="SRE")
            positions = await rebuild(app, runtime, READ_MODELS)
        finally:
            app.close()
        assert set(positions.values()) == {recorded.position}
    finally:
        with psycopg.connect(pg_server.url, autocommit=True) as server:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


async def test_the_readme_setup_of_two_roles_on_ones_own_server_works(
    pg_server: DatabaseTarget,
) -> None:
    """An owner that is not a superuser, set up as the README says for DATABASE_URL, can
    prepare the database for the runtime role, which then records and rebuilds."""
    suffix = uuid.uuid4().hex[:12]
    owner_role, name = f"roadlog_owner_{suffix}", f"roadlog_test_{suffix}"
    with psycopg.connect(pg_server.url, autocommit=True) as server:
        server.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(owner_role)))
        server.execute(
            sql.SQL("GRANT {} TO {}").format(
                sql.Identifier(RUNTIME_ROLE), sql.Identifier(owner_role)
            )
        )
        server.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(owner_role)
            )
        )
    owner = DatabaseTarget(pg_server.host, pg_server.port, owner_role, "", name)
    runtime = DatabaseTarget.configured(runtime_database(pg_server, name).url, owner.url)
    try:
        assert runtime.migrator == owner
        await prepare_database(runtime, READ_MODELS)
        app = open_event_store(runtime, pool_size=1, create_tables=False)
        try:
            recorded = app.create_team(Caller(workspace_id=uuid.uuid4(), actor="a"), name="SRE")
            positions = await rebuild(app, runtime, READ_MODELS)
        finally:
            app.close()
        assert set(positions.values()) == {recorded.position}
        conn = await asyncpg.connect(**runtime.asyncpg_kwargs())
        try:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute("ALTER TABLE public.roadlog_events DISABLE TRIGGER ALL")
        finally:
            await conn.close()
    finally:
        with psycopg.connect(pg_server.url, autocommit=True) as server:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            server.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(owner_role)))
