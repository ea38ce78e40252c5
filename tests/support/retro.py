"""Driving the write side in business time, for the retrospective and OKR tests.

A ``Story`` runs Application commands as one caller with ``effective_at`` set from its
own clock, so a test decides exactly when each thing happened (fiscal-quarter boundaries,
cycle dates) and remembers the log position it reached, to wait for the read models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from backend.application import Caller, Recorded, Roadlog
from backend.bootstrap import Services
from backend.tokens import Role
from tests.support.graphql import GraphQLClient

START = datetime(2025, 1, 1, tzinfo=UTC)


def a_caller(workspace_id: UUID | None = None, actor: str = "retro") -> Caller:
    """An admin-like caller (it may backfill) of a workspace (a new one by default)."""
    return Caller(workspace_id=workspace_id or uuid4(), actor=actor, may_backfill=True)


@dataclass
class Story:
    """Commands of one caller, each at the story's clock (business time, non-decreasing)."""

    app: Roadlog
    caller: Caller
    clock: datetime = START
    position: int = 0
    recorded: list[Recorded] = field(default_factory=list)

    def at(self, when: datetime) -> Story:
        """Move the clock to ``when`` (never backwards)."""
        assert when >= self.clock, f"{when} is before the story's clock {self.clock}"
        self.clock = when
        return self

    def later(self, delta: timedelta = timedelta(minutes=1)) -> Story:
        return self.at(self.clock + delta)

    def run(self, command: str, **kwargs: Any) -> UUID:
        """Run ``app.<command>(caller, effective_at=clock, **kwargs)``; the id it returns."""
        done: Recorded = getattr(self.app, command)(self.caller, effective_at=self.clock, **kwargs)
        self.recorded.append(done)
        if done.position is not None:
            self.position = max(self.position, done.position)
        return done.id

    async def projected(self, services: Services, within: float = 30.0) -> None:
        """Wait until every read model has passed the story's last event."""
        await services.watcher.wait_for(self.position, within)


async def workspace(services: Services, name: str | None = None) -> tuple[Caller, str]:
    """A new workspace: a caller of it (who may backfill) and a viewer token of it."""
    _, secret = await services.tokens.create(Role.VIEWER, "viewer", name or f"ws-{uuid4().hex}")
    principal = await services.tokens.authenticate(secret)
    assert principal is not None
    # asyncpg returns its own UUID type, which the event store cannot encode.
    return a_caller(UUID(str(principal.workspace_id))), secret


async def ask(client: GraphQLClient, token: str, query: str, **variables: Any) -> dict[str, Any]:
    """The data of a query asked with ``token`` (errors fail the test)."""
    return await client.execute(query, variables, token=token)


def deliverables_of(app: Roadlog, initiative_id: UUID) -> dict[str, UUID]:
    """An initiative's deliverable ids by title, in the order they were added."""
    initiative: Any = app.repository.get(initiative_id)
    return {d.title: d.deliverable_id for d in initiative.deliverables}
