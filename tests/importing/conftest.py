"""Fixtures of the import tests: the KEP file, workspaces, and ONE full KEP import per session.

The full KEP history takes tens of seconds to import, so it is imported once per session
into its own database (with the read models rebuilt), which tests either read (never
write) or copy as a template.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import psycopg
import pytest
from psycopg import sql

from backend.application import Roadlog
from backend.bootstrap import prepared_pool
from backend.database import DatabaseTarget
from backend.eventstore import open_event_store
from backend.importing.kep import KepImporter, KepSummary
from backend.importing.kep_source import KepEvent, read_kep_history
from backend.importing.lookup import roadmaps_named
from backend.importing.workspaces import ensure_workspace
from backend.tokens import Role, Tokens
from projections.catalog import READ_MODELS
from projections.rebuild import rebuild
from schema.app import create_app
from schema.relay import to_global_id
from tests.support.databases import create_from_template
from tests.support.graphql import GraphQLClient
from tests.support.live import running
from tests.support.settings import settings_for

KEP_FILE = Path(__file__).resolve().parents[2] / "backend" / "data" / "kep-history.jsonl.gz"
KEP_DATABASE = "roadlog_test_kep"


def workspace_id(target: DatabaseTarget, name: str) -> uuid.UUID:
    """The id of the workspace ``name`` of the database (created if new)."""

    async def find() -> uuid.UUID:
        pool = await asyncpg.create_pool(**target.asyncpg_kwargs(), min_size=1, max_size=1)
        try:
            return (await ensure_workspace(pool, name)).id
        finally:
            await pool.close()

    return asyncio.run(find())


def copy_database(server: DatabaseTarget, template: str) -> DatabaseTarget:
    """A new database copied from ``template`` (which nobody may be connected to)."""
    return create_from_template(server, f"roadlog_test_{uuid.uuid4().hex[:12]}", template)


def drop_database(server: DatabaseTarget, name: str) -> None:
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@dataclass(frozen=True)
class ImportedKep:
    """The session's database holding the full KEP import, and how it went."""

    server: DatabaseTarget
    target: DatabaseTarget
    workspace_id: uuid.UUID
    summary: KepSummary
    import_seconds: float
    rebuild_seconds: float


@pytest.fixture(scope="session")
def kep_events() -> list[KepEvent]:
    """The shipped KEP history, read and checked."""
    return read_kep_history(KEP_FILE)


@pytest.fixture(scope="session")
def kep_imported(
    pg_server: DatabaseTarget, template_database: str, kep_events: list[KepEvent]
) -> Iterator[ImportedKep]:
    """The full KEP history imported once (workspace "kubernetes"), read models rebuilt.

    Read it only: tests that write use ``kep_copy``.
    """
    drop_database(pg_server, KEP_DATABASE)
    target = create_from_template(pg_server, KEP_DATABASE, template_database)
    workspace = workspace_id(target, "kubernetes")
    app = open_event_store(target, pool_size=2, create_tables=False)
    try:
        started = time.perf_counter()
        summary = KepImporter(app, workspace).run(kep_events)
        imported = time.perf_counter()
        asyncio.run(rebuild(app, target, READ_MODELS))
        rebuilt = time.perf_counter()
    finally:
        app.close()
    yield ImportedKep(pg_server, target, workspace, summary, imported - started, rebuilt - imported)
    drop_database(pg_server, KEP_DATABASE)


@pytest.fixture
def kep_app(kep_imported: ImportedKep) -> Iterator[Roadlog]:
    """The application on the session's KEP database: for reading only."""
    app = open_event_store(kep_imported.target, pool_size=2, create_tables=False)
    yield app
    app.close()


@pytest.fixture
def kep_copy(kep_imported: ImportedKep) -> Iterator[DatabaseTarget]:
    """A copy of the session's KEP database, for a test that writes."""
    copied = copy_database(kep_imported.server, kep_imported.target.dbname)
    yield copied
    drop_database(kep_imported.server, copied.dbname)


@pytest.fixture
def app(database: DatabaseTarget) -> Iterator[Roadlog]:
    """The application on the test's fresh database."""
    application = open_event_store(database, pool_size=2, create_tables=False)
    yield application
    application.close()


def _kep_roadmap_id(target: DatabaseTarget, workspace: uuid.UUID) -> uuid.UUID:
    app = open_event_store(target, pool_size=1, create_tables=False)
    try:
        [roadmap_id] = roadmaps_named(app, workspace, "Kubernetes enhancements")
        return roadmap_id
    finally:
        app.close()


@pytest.fixture
async def kep_graphql(
    kep_imported: ImportedKep, kep_copy: DatabaseTarget, tmp_path: Path
) -> AsyncIterator[tuple[GraphQLClient, str]]:
    """roadlog over HTTP on a copy of the KEP database: a viewer's client, the roadmap's id."""
    async with prepared_pool(kep_copy) as pool:
        _, secret = await Tokens(pool).create(Role.VIEWER, "viewer", "kubernetes")
    roadmap_id = await asyncio.to_thread(_kep_roadmap_id, kep_copy, kep_imported.workspace_id)
    settings = settings_for(kep_copy, tmp_path)
    async with (
        running(create_app(settings, kep_copy)) as url,
        httpx.AsyncClient(base_url=url, timeout=60) as http,
    ):
        yield GraphQLClient(http, secret), to_global_id("Roadmap", roadmap_id)
