"""objectives(period, teamId) over HTTP: the tree, key results, check-ins and progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from backend.bootstrap import Services
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.retro import Story, workspace

OBJECTIVES = """
query Objectives($period: String!, $teamId: ID) {
  objectives(period: $period, teamId: $teamId) {
    id title period level progress
    team { name }
    parent { id }
    children { id }
    keyResults {
      id title unit startValue targetValue currentValue progress
      checkIns { value confidence note at actor }
      objective { id }
    }
  }
}
"""


@dataclass
class Okrs:
    """Reliable (company) > CI fast (SRE) > Empty (Web), and one of another period."""

    story: Story
    sre: UUID
    web: UUID
    reliable: UUID
    ci: UUID
    empty: UUID
    uptime: UUID
    build: UUID

    @classmethod
    def set(cls, story: Story) -> Okrs:
        sre, web = story.run("create_team", name="SRE"), story.run("create_team", name="Web")
        reliable = story.run(
            "create_objective", title="Reliable", period="2026-Q1", level="COMPANY"
        )
        ci = story.run(
            "create_objective",
            title="CI fast",
            period="2026-Q1",
            level="TEAM",
            team_id=sre,
            parent_id=reliable,
        )
        empty = story.run(
            "create_objective",
            title="Empty",
            period="2026-Q1",
            level="TEAM",
            team_id=web,
            parent_id=ci,
        )
        story.run("create_objective", title="Later", period="2026-Q2", level="COMPANY")
        uptime = story.run(
            "add_key_result",
            objective_id=reliable,
            title="Uptime",
            unit="%",
            start_value=99.0,
            target_value=99.9,
        )
        build = story.run(
            "add_key_result",
            objective_id=ci,
            title="Build minutes",
            unit="min",
            start_value=30.0,
            target_value=10.0,
        )
        story.later().run(
            "check_in_key_result", objective_id=reliable, key_result_id=uptime, value=99.45
        )
        story.later().run(
            "check_in_key_result",
            objective_id=ci,
            key_result_id=build,
            value=25.0,
            confidence=0.4,
            note="first runners",
        )
        story.later().run(
            "check_in_key_result", objective_id=ci, key_result_id=build, value=20.0, note="cache"
        )
        return cls(story, sre, web, reliable, ci, empty, uptime, build)


async def objectives(
    client: GraphQLClient, token: str, period: str, team_id: str | None = None
) -> list[dict[str, Any]]:
    data = await client.execute(OBJECTIVES, {"period": period, "teamId": team_id}, token=token)
    found: list[dict[str, Any]] = data["objectives"]
    return found


async def test_the_tree_with_key_results_check_ins_and_progress(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    okrs = Okrs.set(Story(services.app, caller, clock=datetime(2026, 1, 5, tzinfo=UTC)))
    await okrs.story.projected(services)

    found = await objectives(client, token, "2026-Q1")
    reliable, ci, empty = (
        to_global_id("Objective", o) for o in (okrs.reliable, okrs.ci, okrs.empty)
    )
    assert [o["id"] for o in found] == [reliable, ci, empty]
    by_id = {o["id"]: o for o in found}
    assert by_id[reliable]["parent"] is None and by_id[reliable]["team"] is None
    assert by_id[reliable]["children"] == [{"id": ci}]
    assert by_id[ci]["parent"] == {"id": reliable} and by_id[ci]["team"] == {"name": "SRE"}
    assert by_id[ci]["level"] == "TEAM" and by_id[ci]["period"] == "2026-Q1"
    # Empty has neither key results nor children: 0. CI fast: mean(0.5, 0) = 0.25.
    # Reliable: mean(uptime 0.5, CI fast 0.25) = 0.375.
    assert by_id[empty]["progress"] == 0.0
    assert by_id[ci]["progress"] == pytest.approx(0.25)
    assert by_id[reliable]["progress"] == pytest.approx(0.375)
    [build] = by_id[ci]["keyResults"]
    assert build["id"] == to_global_id("KeyResult", okrs.ci, okrs.build)
    assert (build["startValue"], build["targetValue"], build["currentValue"]) == (30, 10, 20)
    assert build["progress"] == pytest.approx(0.5)
    assert build["objective"] == {"id": ci}
    assert [(c["value"], c["confidence"], c["note"], c["actor"]) for c in build["checkIns"]] == [
        (25.0, 0.4, "first runners", "retro"),
        (20.0, None, "cache", "retro"),
    ]
    [uptime] = by_id[reliable]["keyResults"]
    assert uptime["progress"] == pytest.approx(0.5) and uptime["unit"] == "%"


async def test_a_team_filter_keeps_that_teams_objectives(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    okrs = Okrs.set(Story(services.app, caller, clock=datetime(2026, 1, 5, tzinfo=UTC)))
    await okrs.story.projected(services)
    found = await objectives(client, token, "2026-Q1", to_global_id("Team", okrs.sre))
    assert [o["title"] for o in found] == ["CI fast"]
    assert found[0]["children"] == [{"id": to_global_id("Objective", okrs.empty)}]
    assert await objectives(client, token, "1999-Q1") == []


async def test_objectives_and_key_results_are_nodes_of_their_workspace_only(
    services: Services, client: GraphQLClient
) -> None:
    caller, token = await workspace(services)
    _, stranger = await workspace(services)
    okrs = Okrs.set(Story(services.app, caller, clock=datetime(2026, 1, 5, tzinfo=UTC)))
    await okrs.story.projected(services)
    query = """
    query Nodes($ids: [ID!]!) {
      nodes(ids: $ids) {
        id
        ... on Objective { title }
        ... on KeyResult { title progress }
      }
    }
    """
    ids = [to_global_id("Objective", okrs.ci), to_global_id("KeyResult", okrs.ci, okrs.build)]
    mine = (await client.execute(query, {"ids": ids}, token=token))["nodes"]
    assert [n["title"] for n in mine] == ["CI fast", "Build minutes"]
    theirs = (await client.execute(query, {"ids": ids}, token=stranger))["nodes"]
    assert theirs == [None, None]
    assert await objectives(client, stranger, "2026-Q1") == []
