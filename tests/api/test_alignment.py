"""alignment(period, roadmapId) and the alignments of key results and initiatives."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from backend.bootstrap import Services
from backend.domain.deliverable import NewDeliverable
from schema.relay import to_global_id
from tests.api.test_objectives import Okrs
from tests.support.graphql import GraphQLClient
from tests.support.retro import Story, deliverables_of, workspace

VIEW = """
query View($period: String!, $roadmapId: ID) {
  alignment(period: $period, roadmapId: $roadmapId) {
    period coverage alignedEffortWeeks totalEffortWeeks
    objectives { id }
    byObjective {
      objective { id }
      effortWeeks
      initiatives { id }
      supportingInitiatives { id }
    }
    orphanInitiatives { id }
    objectivesWithoutWork { id }
  }
}
"""


class Portfolio:
    """Initiatives aligned in every way that matters to the view."""

    def __init__(self, services: Services, okrs: Okrs) -> None:
        story = okrs.story
        self.story, self.okrs, self.services = story, okrs, services
        self.roadmap = story.run("create_roadmap", name="Platform")
        self.other_roadmap = story.run("create_roadmap", name="Web")
        # effort 2 + 3 (the WONT_DO one's 5 does not count)
        self.contributing = self.initiative(
            "CI runners", [Decimal(2), Decimal(3), Decimal(5)], wont_do=(2,)
        )
        self.supporting = self.initiative("Status page", [Decimal(4)])
        self.orphan = self.initiative("Cleanup", [Decimal(1), None])
        self.finished = self.initiative("Old", [Decimal(7)], done=(0,))
        self.removed = self.initiative("Gone", [Decimal(6)])
        self.elsewhere = self.initiative("Next half", [Decimal(2)], roadmap=self.other_roadmap)
        later = story.run("create_objective", title="H2", period="2026-Q2", level="COMPANY")
        h2 = story.run(
            "add_key_result",
            objective_id=later,
            title="Later",
            unit="",
            start_value=0.0,
            target_value=1.0,
        )
        self.align(self.contributing, okrs.ci, okrs.build, "CONTRIBUTES")
        self.align(self.supporting, okrs.reliable, okrs.uptime, "SUPPORTS")
        self.align(self.finished, okrs.reliable, okrs.uptime, "CONTRIBUTES")
        self.align(self.removed, okrs.reliable, okrs.uptime, "CONTRIBUTES")
        self.align(self.elsewhere, later, h2, "CONTRIBUTES")
        # aligned then unaligned: aligned to nothing now
        self.align(self.orphan, okrs.ci, okrs.build, "CONTRIBUTES")
        story.later().run(
            "unalign_initiative",
            initiative_id=self.orphan,
            objective_id=okrs.ci,
            key_result_id=okrs.build,
        )
        story.later().run(
            "remove_initiative", roadmap_id=self.roadmap, initiative_id=self.removed, reason="no"
        )

    def initiative(
        self,
        title: str,
        estimates: list[Decimal | None],
        *,
        wont_do: tuple[int, ...] = (),
        done: tuple[int, ...] = (),
        roadmap: UUID | None = None,
    ) -> UUID:
        story = self.story
        initiative = story.run(
            "propose_initiative",
            roadmap_id=roadmap or self.roadmap,
            title=title,
            goal="g",
            deliverables=[
                NewDeliverable(f"{title} {n}", estimate_weeks=weeks)
                for n, weeks in enumerate(estimates)
            ],
        )
        found = list(deliverables_of(self.services.app, initiative).values())
        for n, status in [(n, "WONT_DO") for n in wont_do] + [(n, "DONE") for n in done]:
            story.later().run(
                "change_deliverable_status",
                initiative_id=initiative,
                deliverable_id=found[n],
                status=status,
            )
        return initiative

    def align(self, initiative: UUID, objective: UUID, key_result: UUID, kind: str) -> None:
        self.story.later().run(
            "align_initiative",
            initiative_id=initiative,
            objective_id=objective,
            key_result_id=key_result,
            kind=kind,
        )


def node(kind: str, *ids: UUID) -> dict[str, str]:
    return {"id": to_global_id(kind, *ids)}


async def view(
    client: GraphQLClient, token: str, period: str, roadmap: UUID | None = None
) -> dict[str, Any]:
    variables = {
        "period": period,
        "roadmapId": None if roadmap is None else to_global_id("Roadmap", roadmap),
    }
    data = await client.execute(VIEW, variables, token=token)
    found: dict[str, Any] = data["alignment"]
    return found


async def test_effort_coverage_orphans_and_objectives_without_work(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    okrs = Okrs.set(Story(services.app, caller, clock=datetime(2026, 1, 5, tzinfo=UTC)))
    portfolio = Portfolio(services, okrs)
    await okrs.story.projected(services)

    found = await view(client, token, "2026-Q1")
    assert found["period"] == "2026-Q1"
    # Active: CI runners 5, Status page 4, Cleanup 1, Next half 2 (Old is DONE, Gone removed).
    assert (found["alignedEffortWeeks"], found["totalEffortWeeks"]) == ("5", "12")
    assert found["coverage"] == pytest.approx(5 / 12)
    assert found["objectives"] == [
        node("Objective", o) for o in (okrs.reliable, okrs.ci, okrs.empty)
    ]
    assert found["byObjective"] == [
        {
            "objective": node("Objective", okrs.reliable),
            "effortWeeks": "0",
            "initiatives": [],
            "supportingInitiatives": [node("Initiative", portfolio.supporting)],
        },
        {
            "objective": node("Objective", okrs.ci),
            "effortWeeks": "5",
            "initiatives": [node("Initiative", portfolio.contributing)],
            "supportingInitiatives": [],
        },
        {
            "objective": node("Objective", okrs.empty),
            "effortWeeks": "0",
            "initiatives": [],
            "supportingInitiatives": [],
        },
    ]
    assert found["orphanInitiatives"] == [node("Initiative", portfolio.orphan)]
    assert found["objectivesWithoutWork"] == [node("Objective", okrs.empty)]


async def test_one_roadmaps_view_and_an_empty_period(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    okrs = Okrs.set(Story(services.app, caller, clock=datetime(2026, 1, 5, tzinfo=UTC)))
    portfolio = Portfolio(services, okrs)
    await okrs.story.projected(services)

    platform = await view(client, token, "2026-Q1", portfolio.roadmap)
    assert platform["coverage"] == pytest.approx(5 / 10)
    web = await view(client, token, "2026-Q1", portfolio.other_roadmap)
    assert (web["coverage"], web["orphanInitiatives"]) == (0.0, [])
    assert len(web["objectivesWithoutWork"]) == 3
    h2 = await view(client, token, "2026-Q2", portfolio.other_roadmap)
    # "Later" of 2026-Q2 has no key result, so no work.
    assert h2["coverage"] == 1.0 and len(h2["objectivesWithoutWork"]) == 1
    nothing = await view(client, token, "1999-Q1", portfolio.roadmap)
    assert nothing["objectives"] == [] and nothing["byObjective"] == []
    _, stranger = await workspace(services)
    theirs = await view(client, stranger, "2026-Q1")
    assert theirs["coverage"] is None and theirs["objectives"] == []
    assert theirs["orphanInitiatives"] == []


async def test_key_results_and_initiatives_show_their_alignments(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    okrs = Okrs.set(Story(services.app, caller, clock=datetime(2026, 1, 5, tzinfo=UTC)))
    portfolio = Portfolio(services, okrs)
    await okrs.story.projected(services)
    query = """
    query Links($keyResult: ID!, $initiative: ID!) {
      keyResult: node(id: $keyResult) {
        ... on KeyResult { alignments { kind initiative { title } keyResult { title } } }
      }
      initiative: node(id: $initiative) {
        ... on Initiative { alignments { kind keyResult { id objective { title } } } }
      }
    }
    """
    variables = {
        "keyResult": to_global_id("KeyResult", okrs.reliable, okrs.uptime),
        "initiative": to_global_id("Initiative", portfolio.contributing),
    }
    data = await client.execute(query, variables, token=token)
    assert data["keyResult"]["alignments"] == [
        {
            "kind": "SUPPORTS",
            "initiative": {"title": "Status page"},
            "keyResult": {"title": "Uptime"},
        },
        {"kind": "CONTRIBUTES", "initiative": {"title": "Old"}, "keyResult": {"title": "Uptime"}},
        {"kind": "CONTRIBUTES", "initiative": {"title": "Gone"}, "keyResult": {"title": "Uptime"}},
    ]
    assert data["initiative"]["alignments"] == [
        {
            "kind": "CONTRIBUTES",
            "keyResult": {
                "id": to_global_id("KeyResult", okrs.ci, okrs.build),
                "objective": {"title": "CI fast"},
            },
        }
    ]
