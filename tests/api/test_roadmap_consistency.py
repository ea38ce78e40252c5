"""Read-your-writes: ``consistentWith:`` and the ``Roadlog-Consistent-With`` header."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from backend.bootstrap import Services
from backend.database import DatabaseTarget
from backend.settings import Settings
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.roadmap import ask, errors_of, new_workspace
from tests.support.settings import settings_for

TIMEOUT = 0.5

ROADMAP = """
query ($id: ID!, $position: String) {
  roadmap(id: $id, consistentWith: $position) { initiatives { title } }
}
"""

TIMELINE = """
query ($position: String) {
  timeline(consistentWith: $position) { edges { node { type } } }
}
"""


@pytest.fixture
def settings(database: DatabaseTarget, tmp_path: Path) -> Settings:
    """The test's settings, with a short wait for read-your-writes."""
    return settings_for(database, tmp_path, consistency_timeout_seconds=TIMEOUT)


async def test_a_query_consistent_with_a_write_shows_that_write(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    roadmap = story.run("create_roadmap", name="SRE roadmap")
    await story.projected(services)
    done = await asyncio.to_thread(
        services.app.propose_initiative,
        ws.caller,
        roadmap_id=roadmap,
        title="New CI pilot",
        goal="feedback in minutes",
    )
    assert done.position is not None

    by_argument = await ask(
        client, ws.token, ROADMAP, id=to_global_id("Roadmap", roadmap), position=str(done.position)
    )
    timeline = await ask(client, ws.token, TIMELINE, position=str(done.position))

    assert by_argument["roadmap"]["initiatives"] == [{"title": "New CI pilot"}]
    assert {edge["node"]["type"] for edge in timeline["timeline"]["edges"]} >= {
        "InitiativeProposed",
        "InitiativePlaced",
    }


async def test_the_header_makes_any_query_consistent_with_a_write(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    done = await asyncio.to_thread(services.app.create_team, ws.caller, name="SRE")
    assert done.position is not None

    response = await client.post(
        "{ teams { name } }",
        token=ws.token,
        headers={"Roadlog-Consistent-With": str(done.position)},
    )

    assert response.json() == {"data": {"teams": [{"name": "SRE"}]}}


async def test_a_position_the_read_models_do_not_reach_in_time_is_a_timeout(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    roadmap = story.run("create_roadmap", name="SRE roadmap")
    await story.projected(services)
    beyond = str(story.position + 1000)

    by_argument = await errors_of(
        client, ws.token, ROADMAP, id=to_global_id("Roadmap", roadmap), position=beyond
    )
    by_header = await client.post(
        "{ teams { name } }", token=ws.token, headers={"Roadlog-Consistent-With": beyond}
    )
    garbage = await errors_of(
        client, ws.token, ROADMAP, id=to_global_id("Roadmap", roadmap), position="soon"
    )

    assert by_argument[0]["extensions"]["code"] == "CONSISTENCY_TIMEOUT"
    assert by_header.json()["data"] is None
    assert by_header.json()["errors"][0]["extensions"]["code"] == "CONSISTENCY_TIMEOUT"
    assert garbage[0]["extensions"]["code"] == "BAD_USER_INPUT"
