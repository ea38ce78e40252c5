"""Helpers of the roadmap tests: workspaces with tokens, and the write side in business time.

Tests drive the write side through the Roadlog application (``Story``, from
``tests.support.retro``: commands at a clock of the test's choosing), then wait for the
read models and ask over HTTP what a client would ask.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from backend.application import Caller, Roadlog
from backend.bootstrap import Services
from backend.database import DatabaseTarget
from backend.domain.decision import DecisionLink
from backend.domain.deliverable import NewDeliverable
from backend.tokens import Role
from projections.catalog import READ_MODELS
from projections.projector import Projector
from projections.read_model import ReadModel
from schema.relay import from_global_id
from tests.support.graphql import GraphQLClient
from tests.support.retro import Story


@dataclass(frozen=True)
class Workspace:
    """A workspace of the test: a caller who may backfill, and a viewer token."""

    caller: Caller
    token: str

    def story(self, services: Services) -> Story:
        """Commands of this workspace's caller, at the story's clock."""
        return Story(services.app, self.caller)


async def new_workspace(services: Services, name: str | None = None) -> Workspace:
    """A fresh workspace with a viewer token and an admin-like caller."""
    _, secret = await services.tokens.create(Role.VIEWER, "viewer", name or f"ws-{uuid4().hex}")
    principal = await services.tokens.authenticate(secret)
    assert principal is not None
    caller = Caller(
        workspace_id=UUID(str(principal.workspace_id)), actor="alice", may_backfill=True
    )
    return Workspace(caller, secret)


async def ask(client: GraphQLClient, token: str, query: str, **variables: Any) -> dict[str, Any]:
    """The data of a query asked with ``token`` (errors fail the test)."""
    return await client.execute(query, variables, token=token)


async def errors_of(
    client: GraphQLClient, token: str, query: str, **variables: Any
) -> list[dict[str, Any]]:
    """The top-level errors of a query that must fail."""
    response = await client.post(query, variables, token=token)
    assert response.status_code == 200, response.text
    errors: list[dict[str, Any]] = response.json().get("errors") or []
    assert errors, f"expected errors, got {response.json()}"
    return errors


def uuid_of(global_id: str) -> UUID:
    """The entity's own uuid in a global id."""
    return from_global_id(global_id).id


async def project(
    app: Roadlog,
    target: DatabaseTarget,
    models: Sequence[ReadModel] = READ_MODELS,
    batch_size: int = 500,
) -> int:
    """Run the projector on ``models`` until it has applied the whole log; the position."""
    head = app.recorder.max_notification_id() or 0
    projector = Projector(app, target, models, batch_size=batch_size, poll_seconds=0.05)
    task = asyncio.create_task(projector.run())
    try:
        async with asyncio.timeout(60):
            while (projector.status.position or 0) < head:
                if task.done():
                    raise AssertionError(f"the projector stopped: {projector.status}")
                await asyncio.sleep(0.01)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    return head


@dataclass
class SreRoadmap:
    """The SRE roadmap of the scenario: three phases of the new CI, in business time."""

    team: UUID
    roadmap: UUID
    cycle: UUID
    pilot: UUID
    general_availability: UUID
    final_phase: UUID
    runners: UUID
    """A deliverable of the pilot (estimated, aimed at the cycle)."""
    retrospective: UUID
    """The pilot's other deliverable (aimed at a date)."""
    decision: UUID
    before_move: datetime
    moved_at: datetime


def build_sre_roadmap(story: Story, *, move: bool = True) -> SreRoadmap:
    """Team, roadmap, a cycle, three initiatives with deliverables, a decision, a move."""
    team = story.run("create_team", name="SRE")
    roadmap = story.later().run("create_roadmap", name="SRE roadmap", team_id=team)
    cycle = story.later().run(
        "create_cycle",
        roadmap_id=roadmap,
        name="2025-Q1",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 3, 31),
    )
    runners, retrospective = uuid4(), uuid4()
    pilot = story.later().run(
        "propose_initiative",
        roadmap_id=roadmap,
        title="New CI pilot",
        goal="Two teams build on the new CI, so that we learn before everyone moves",
        stakeholders=["dev-productivity", "sre"],
        team_id=team,
        kind="OPERATIONS",
        deliverables=[
            NewDeliverable(
                "Runner fleet", estimate_weeks=Decimal("3"), target_cycle_id=cycle, id=runners
            ),
            NewDeliverable("Pilot retrospective", target_date=date(2025, 2, 15), id=retrospective),
        ],
    )
    general_availability = story.later().run(
        "propose_initiative",
        roadmap_id=roadmap,
        title="New CI general availability",
        goal="Every team can build on the new CI",
        team_id=team,
        parent_id=pilot,
        deliverables=[NewDeliverable("Self-service onboarding", estimate_weeks=Decimal("5"))],
    )
    final_phase = story.later().run(
        "propose_initiative",
        roadmap_id=roadmap,
        title="New CI final phase",
        goal="The old CI is switched off, so that nobody maintains two",
        team_id=team,
        kind="TECH_DEBT",
        parent_id=pilot,
        deliverables=[NewDeliverable("Decommission old runners", stretch=True)],
    )
    story.later().run(
        "change_deliverable_status",
        initiative_id=pilot,
        deliverable_id=runners,
        status="IN_PROGRESS",
    )
    decision = story.later().run(
        "record_decision",
        title="Finish the migration before the compliance audit",
        context="The audit in March covers build provenance; the old CI has none.",
        options=["Keep both CIs", "Switch off the old CI first"],
        outcome="Switch off the old CI first",
        rationale="Provenance is only available on the new CI",
        decided_by=["head of platform"],
        links=[DecisionLink("Roadmap", roadmap), DecisionLink("Initiative", final_phase)],
    )
    before_move = story.later().clock
    moved_at = story.later().clock
    if move:
        story.run(
            "move_initiative",
            roadmap_id=roadmap,
            initiative_id=final_phase,
            to_position=1,
            reason="compliance audit moved up",
            decision_id=decision,
        )
    return SreRoadmap(
        team=team,
        roadmap=roadmap,
        cycle=cycle,
        pilot=pilot,
        general_availability=general_availability,
        final_phase=final_phase,
        runners=runners,
        retrospective=retrospective,
        decision=decision,
        before_move=before_move,
        moved_at=moved_at,
    )
