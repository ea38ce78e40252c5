"""Fixtures of the projector tests: the toy read models migrated, and the event store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from backend.application import Roadlog
from backend.database import DatabaseTarget
from backend.eventstore import open_event_store
from tests.projections.handler_log import Log
from tests.projections.toys import TOY_MODELS, migrate_models


async def _migrate_toys(target: DatabaseTarget) -> None:
    conn = await asyncpg.connect(**target.migrator.asyncpg_kwargs())
    try:
        await migrate_models(conn, TOY_MODELS, as_role=target.runtime_role)
    finally:
        await conn.close()


@pytest.fixture
def toy_database(database: DatabaseTarget) -> DatabaseTarget:
    """The test's database with the toy read models' tables."""
    asyncio.run(_migrate_toys(database))
    return database


@pytest.fixture
def app(toy_database: DatabaseTarget) -> Iterator[Roadlog]:
    """The Roadlog application on the test's database."""
    application = open_event_store(toy_database, pool_size=2, create_tables=False)
    yield application
    application.close()


@pytest.fixture
async def conn(toy_database: DatabaseTarget) -> AsyncIterator[asyncpg.Connection]:
    """A connection for the test's own queries."""
    connection = await asyncpg.connect(**toy_database.asyncpg_kwargs())
    yield connection
    await connection.close()


@pytest.fixture
async def pool(toy_database: DatabaseTarget) -> AsyncIterator[asyncpg.Pool]:
    """A small pool, as an API process has."""
    async with asyncpg.create_pool(
        **toy_database.asyncpg_kwargs(), min_size=1, max_size=3
    ) as created:
        yield created


@pytest.fixture
def log() -> Log:
    """A fresh in-memory application whose commands' events a handler test reads."""
    return Log()
