"""Fixtures of the domain tests: a fresh in-memory application and its callers."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from backend.application import Caller
from tests.domain.helpers import ObservedRoadlog

WORKSPACE = UUID("00000000-0000-4000-8000-000000000001")
OTHER_WORKSPACE = UUID("00000000-0000-4000-8000-000000000002")


@pytest.fixture
def app() -> ObservedRoadlog:
    """The application on a fresh in-memory event store."""
    return ObservedRoadlog()


@pytest.fixture
def editor() -> Caller:
    """An editor of the workspace: may change things, not backfill history."""
    return Caller(workspace_id=WORKSPACE, actor="ed@example.com")


@pytest.fixture
def admin() -> Caller:
    """An admin of the same workspace: may also backfill history."""
    return Caller(workspace_id=WORKSPACE, actor="ada@example.com", may_backfill=True)


@pytest.fixture
def outsider() -> Caller:
    """An admin of another workspace."""
    return Caller(workspace_id=OTHER_WORKSPACE, actor="eve@example.com", may_backfill=True)


@pytest.fixture
def roadmap_id(app: ObservedRoadlog, editor: Caller) -> UUID:
    """A roadmap of releases in the editor's workspace: its cycles take any dates, so a
    test of cycle rules picks its own (the cadence's rules have tests of their own)."""
    return app.create_roadmap(editor, name="Platform", releases=True).id


@pytest.fixture
def some_id() -> UUID:
    """An id that names nothing."""
    return uuid4()
