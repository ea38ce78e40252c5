"""A database made by the last release starts under this code: its read models are rebuilt
from the log where they changed, dropped where they no longer exist, and the API then
answers exactly as it does on a database this code built from the same log from scratch.

``tests/data/release-0.1.0-d8d5144.sql.gz`` is that release's database (its story and how
it was made: ``tests/data/release_database.py``).
"""

from __future__ import annotations

import asyncio
import gzip
import itertools
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psycopg
import pytest
from psycopg import sql

from backend.bootstrap import create_pool
from backend.database import DatabaseTarget
from backend.eventstore import open_event_store
from backend.migrations import CORE, LedgerState, ledger_state
from backend.roles import RUNTIME_ROLE, grant_database_statement
from backend.tokens import Role, Tokens
from projections.batch import REBUILD_SUFFIX
from projections.catalog import READ_MODELS
from projections.rebuild import OLD_SUFFIX
from schema.app import create_app
from schema.relay import to_global_id
from tests.api.test_estimate_report_histories import FIGURES, REPORTS
from tests.support.databases import runtime_database
from tests.support.graphql import GraphQLClient
from tests.support.live import running
from tests.support.retro_driver import PERIODS
from tests.support.settings import settings_for

RELEASE = Path(__file__).parent / "data" / "release-0.1.0-d8d5144.sql.gz"
WORKSPACE = "release"
"""The workspace of the release database's story."""

COMPONENTS = """
    SELECT DISTINCT component FROM roadlog.schema_migrations
"""

READ_MODEL_LEFTOVERS = """
    DO $$
    DECLARE schema_name text;
    BEGIN
        FOR schema_name IN
            SELECT DISTINCT component FROM roadlog.schema_migrations WHERE component <> 'roadlog'
        LOOP
            EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', schema_name);
        END LOOP;
    END
    $$;
    DELETE FROM roadlog.schema_migrations WHERE component <> 'roadlog';
    DELETE FROM roadlog.tracking;
"""
"""Turn a copy of the release database into a log with nothing projected from it."""

SCHEMAS = """
    SELECT nspname FROM pg_namespace
    WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname
"""

EVENTS = """
    SELECT count(*), max(notification_id) FROM public.roadlog_events
"""

POSITIONS = """
    SELECT name, position FROM roadlog.tracking
"""

ROADMAPS = """
{ teams { id name } roadmaps(first: 100) { edges { node { id name } } } }
"""

ROADMAP = """
query ($id: ID!, $asOf: DateTime) {
  roadmap(id: $id, asOf: $asOf) {
    id name team { id name } cadence { anchorDate cycleWeeks fiscalYearStartMonth }
    initiatives {
      id title goal stakeholders position status kind parent { id } team { id }
      alignments { kind keyResult { id } }
      deliverables {
        id title stretch status estimateWeeks actualWeeks targetDate completedAt
        targetCycle { id name state startsOn endsOn }
        estimates { weeks confidence actor reason at }
      }
    }
  }
}
"""

DIFF = """
query ($id: ID!, $from: DateTime!, $to: DateTime!) {
  roadmapDiff(id: $id, from: $from, to: $to) {
    added { id position } removed { id position }
    moved { initiative { id } fromPosition toPosition }
    changed { initiative { id } changes { field from to } }
  }
}
"""

TIMELINE = """
query ($after: String) {
  timeline(first: 100, after: $after) {
    edges { cursor node {
      position type actor reason summary at recordedAt subject { id }
      decision { id } changes { field from to }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

AUDIT = """
{
  priorityChanges(first: 100) { edges { node {
    roadmap { id } initiative { id } fromPosition toPosition actor reason at decision { id }
  } } }
  decisions(first: 100) { edges { node {
    id title context options outcome rationale decidedBy status links { id } at
  } } }
}
"""

CYCLE_REPORT = f"""
query ($cycleId: ID!) {{
  cycleReport(cycleId: $cycleId) {{
    cycle {{ id name state startsOn endsOn }}
    committed {{ id }} unplanned {{ id }} completed {{ id }} carriedOver {{ id }} dropped {{ id }}
    predictability
    estimates {{ {FIGURES} }}
    statusChanges {{ position type changes {{ field from to }} }}
  }}
}}
"""

OKR = """
query ($period: String!) {
  objectives(period: $period) {
    id title level period progress team { id } parent { id } children { id }
    keyResults {
      id title unit startValue targetValue currentValue progress
      checkIns { value confidence note actor at }
      alignments { kind initiative { id } }
    }
  }
  alignment(period: $period) {
    period coverage alignedEffortWeeks totalEffortWeeks
    objectives { id }
    byObjective {
      objective { id } effortWeeks initiatives { id } supportingInitiatives { id }
    }
    orphanInitiatives { id } objectivesWithoutWork { id }
  }
}
"""

INSTANTS = [datetime(2025, month, 1, tzinfo=UTC) for month in (1, 2, 4, 7, 10)]
"""Business times the roadmaps are asked as of, across the story."""


def _create_database(server: DatabaseTarget, name: str) -> None:
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        conn.execute(grant_database_statement(name, RUNTIME_ROLE).encode())


def _drop_database(server: DatabaseTarget, name: str) -> None:
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def release_databases(pg_server: DatabaseTarget) -> Iterator[tuple[DatabaseTarget, ...]]:
    """Two empty databases, reached as the runtime role, dropped afterwards."""
    names = [f"roadlog_release_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    for name in names:
        _create_database(pg_server, name)
    yield tuple(runtime_database(pg_server, name) for name in names)
    for name in names:
        _drop_database(pg_server, name)


async def load_release(database: DatabaseTarget) -> None:
    """Load the release database into ``database``, as its owner."""
    conn = await asyncpg.connect(**database.migrator.asyncpg_kwargs())
    try:
        await conn.execute(gzip.decompress(RELEASE.read_bytes()).decode())
    finally:
        await conn.close()


@pytest.fixture
async def owner_of(
    release_databases: tuple[DatabaseTarget, ...],
) -> AsyncIterator[list[asyncpg.Connection]]:
    """A connection as the owner to each database."""
    connections = [
        await asyncpg.connect(**database.migrator.asyncpg_kwargs())
        for database in release_databases
    ]
    yield connections
    for conn in connections:
        await conn.close()


async def event_count(conn: asyncpg.Connection) -> tuple[int, int]:
    """How many events the log holds, and the last one's position."""
    row = await conn.fetchrow(EVENTS)
    assert row is not None
    return row["count"], row["max"]


async def viewer_token(database: DatabaseTarget) -> str:
    pool = await create_pool(database, min_size=1, max_size=1)
    try:
        _, secret = await Tokens(pool).create(Role.VIEWER, "upgrade test", WORKSPACE)
    finally:
        await pool.close()
    return secret


async def caught_up(conn: asyncpg.Connection, head: int) -> None:
    """Wait until every read model has projected the whole log."""
    async with asyncio.timeout(60):
        while True:
            positions = {row["name"]: row["position"] for row in await conn.fetch(POSITIONS)}
            if all(positions.get(model.name, 0) >= head for model in READ_MODELS):
                return
            await asyncio.sleep(0.05)


def cycle_ids(database: DatabaseTarget) -> list[str]:
    """The global id of every cycle the log created."""
    app = open_event_store(database, pool_size=1, create_tables=False)
    try:
        found: list[str] = []
        for notification in app.recorder.select_notifications(1, 10_000):
            if notification.topic.endswith("Roadmap.CycleCreated"):
                created: Any = app.mapper.to_domain_event(notification)
                found.append(str(to_global_id("Cycle", created.originator_id, created.cycle_id)))
        return found
    finally:
        app.close()


async def answers(client: GraphQLClient, cycles: list[str]) -> dict[str, Any]:
    """What the API says about the workspace: roadmaps now and as of several instants,
    their diffs, the whole timeline, moves, decisions, cycle and estimate reports, OKRs."""
    found: dict[str, Any] = {"roadmaps": await client.execute(ROADMAPS)}
    roadmap_ids = [edge["node"]["id"] for edge in found["roadmaps"]["roadmaps"]["edges"]]
    assert roadmap_ids, "the release database has no roadmaps"
    for roadmap_id in roadmap_ids:
        for instant in [None, *INSTANTS]:
            as_of = instant.isoformat() if instant else None
            found[f"{roadmap_id} as of {as_of}"] = await client.execute(
                ROADMAP, {"id": roadmap_id, "asOf": as_of}
            )
        for start, end in itertools.pairwise(INSTANTS):
            variables = {"id": roadmap_id, "from": start.isoformat(), "to": end.isoformat()}
            found[f"{roadmap_id} diff {start}"] = await client.execute(DIFF, variables)
    pages, after = [], None
    while True:
        page = (await client.execute(TIMELINE, {"after": after}))["timeline"]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    found["timeline"] = pages
    found["audit"] = await client.execute(AUDIT)
    found["estimates"] = await client.execute(REPORTS, {"filter": None})
    assert cycles, "the release database has no cycles"
    for cycle_id in cycles:
        found[cycle_id] = await client.execute(CYCLE_REPORT, {"cycleId": cycle_id})
    for period in PERIODS:
        found[period] = await client.execute(OKR, {"period": period})
    return found


async def served_answers(
    database: DatabaseTarget, tmp_path: Path, owner: asyncpg.Connection, head: int
) -> dict[str, Any]:
    """Start roadlog on ``database`` as ``roadlog serve`` does, wait for its projector, and
    ask the API."""
    settings = settings_for(database, tmp_path)
    async with running(create_app(settings, database)) as base_url:
        await caught_up(owner, head)
        token = await viewer_token(database)
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
            client = GraphQLClient(http, token)
            return await answers(client, await asyncio.to_thread(cycle_ids, database))


async def test_a_release_database_starts_with_its_read_models_built_from_the_log(
    release_databases: tuple[DatabaseTarget, DatabaseTarget],
    owner_of: list[asyncpg.Connection],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    upgraded, scratch = release_databases
    upgraded_owner, scratch_owner = owner_of
    for database in release_databases:
        await load_release(database)
    await scratch_owner.execute(READ_MODEL_LEFTOVERS)
    events, head = await event_count(upgraded_owner)
    released = {row["component"] for row in await upgraded_owner.fetch(COMPONENTS)}
    current = {model.name for model in READ_MODELS}
    retired = released - current - {CORE.component}
    changed = [
        model.name
        for model in READ_MODELS
        if await ledger_state(upgraded_owner, model.migrations) is LedgerState.CHANGED
    ]

    with caplog.at_level(logging.INFO, logger="backend.upgrade"):
        upgraded_answers = await served_answers(upgraded, tmp_path / "up", upgraded_owner, head)
    scratch_answers = await served_answers(scratch, tmp_path / "scratch", scratch_owner, head)

    assert upgraded_answers == scratch_answers
    # Every changed model was rebuilt with its progress shown; every retired one dropped;
    # the log kept every event.
    messages = [record.getMessage() for record in caplog.records]
    for name in changed:
        progress = [m for m in messages if m.startswith("rebuilding read models") and name in m]
        assert progress and progress[-1].endswith(f"{head}/{head} positions (100%)"), messages
    for name in retired:
        assert any(m.startswith(f"dropped read model {name},") for m in messages), messages
    schemas = {row["nspname"] for row in await upgraded_owner.fetch(SCHEMAS)}
    assert schemas == {"public", CORE.schema, *current}
    assert not any(s.endswith((REBUILD_SUFFIX, OLD_SUFFIX)) for s in schemas)
    assert {row["component"] for row in await upgraded_owner.fetch(COMPONENTS)} == {
        CORE.component,
        *current,
    }
    for model in READ_MODELS:
        assert await ledger_state(upgraded_owner, model.migrations) is LedgerState.CURRENT
    assert await event_count(upgraded_owner) == (events, head)
