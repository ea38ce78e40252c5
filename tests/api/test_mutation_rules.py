"""Rules every mutation shares: roles, backfilled business time, nothing recorded on refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.database import DatabaseTarget
from backend.tokens import Role, Tokens
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors

CREATE_TEAM = 'mutation { createTeam(input: {name: "SRE"}) { team { id } position } }'


async def test_a_viewer_cannot_mutate_and_records_nothing(
    client: GraphQLClient, tokens: Tokens, database: DatabaseTarget
) -> None:
    _, viewer = await tokens.create(Role.VIEWER, "vera", "acme")
    before = await event_count(database)
    response = await client.post(CREATE_TEAM, token=viewer)
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await event_count(database) == before


async def test_an_editor_mutates_as_its_own_actor(client: GraphQLClient, tokens: Tokens) -> None:
    _, editor = await tokens.create(Role.EDITOR, "eddie", "acme")
    team = await mutate(client, "createTeam", {"name": "SRE"}, "team { id }", token=editor)
    history = await client.execute(
        "query($id: ID!) { timeline(subjectId: $id) { edges { node { actor type } } } }",
        {"id": team["team"]["id"]},
    )
    assert [edge["node"]["actor"] for edge in history["timeline"]["edges"]] == ["eddie"]


async def test_only_admins_may_backfill_business_time(
    client: GraphQLClient, tokens: Tokens, database: DatabaseTarget
) -> None:
    _, editor = await tokens.create(Role.EDITOR, "eddie", "acme")
    past = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    before = await event_count(database)
    refused = await mutate(
        client, "createTeam", {"name": "SRE", "effectiveAt": past}, "team { id }", token=editor
    )
    assert user_errors(refused) == [(["input", "effectiveAt"], "FORBIDDEN")]
    assert await event_count(database) == before
    accepted = await mutate(
        client, "createTeam", {"name": "SRE", "effectiveAt": past}, "team { id }"
    )
    assert accepted["userErrors"] == []


async def test_business_time_is_never_in_the_future_nor_before_the_latest_change(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    now = datetime.now(UTC)
    roadmap = await mutate(
        client,
        "createRoadmap",
        {"name": "R", "cadence": {}, "effectiveAt": (now - timedelta(days=10)).isoformat()},
        "roadmap { id }",
    )
    roadmap_id = roadmap["roadmap"]["id"]
    before = await event_count(database)
    future = await mutate(
        client,
        "proposeInitiative",
        {
            "roadmapId": roadmap_id,
            "title": "A",
            "goal": "g",
            "effectiveAt": (now + timedelta(days=1)).isoformat(),
        },
        "initiative { id }",
    )
    assert user_errors(future) == [(["input", "effectiveAt"], "INVALID")]
    earlier = await mutate(
        client,
        "proposeInitiative",
        {
            "roadmapId": roadmap_id,
            "title": "A",
            "goal": "g",
            "effectiveAt": (now - timedelta(days=20)).isoformat(),
        },
        "initiative { id }",
    )
    assert user_errors(earlier) == [(["input", "effectiveAt"], "INVALID")]
    assert await event_count(database) == before
    backfilled = await mutate(
        client,
        "proposeInitiative",
        {
            "roadmapId": roadmap_id,
            "title": "A",
            "goal": "g",
            "effectiveAt": (now - timedelta(days=5)).isoformat(),
        },
        "initiative { id }",
    )
    assert backfilled["userErrors"] == []


async def test_a_mutation_payload_position_reads_the_write(client: GraphQLClient) -> None:
    team = await mutate(client, "createTeam", {"name": "Platform"}, "team { id name }")
    data = await client.execute(
        "query($p: String) { timeline(consistentWith: $p, first: 1) { edges { node {"
        " position type } } } }",
        {"p": team["position"]},
    )
    [edge] = data["timeline"]["edges"]
    assert edge["node"]["position"] == team["position"]
    assert edge["node"]["type"] == "TeamCreated"
