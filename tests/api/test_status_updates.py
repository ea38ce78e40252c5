"""Status updates over HTTP: posting one (and every refusal), listing, the latest, the timeline."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from backend.database import DatabaseTarget
from backend.domain.status_update import MAX_BODY_LENGTH
from backend.tokens import Role, Tokens
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors

UPDATE = """
statusUpdate {
  id health body actor
  roadmap { name }
  initiative { title }
  digest { items { kind summary } }
}
"""

UPDATES = """
query ($id: ID!, $first: Int, $after: String) {
  roadmap(id: $id) {
    statusUpdates(first: $first, after: $after) {
      edges { cursor node { body health initiative { title } } }
      pageInfo { hasNextPage endCursor }
    }
    latestStatusUpdate { body health }
  }
}
"""


async def a_roadmap_with_an_initiative(client: GraphQLClient) -> tuple[str, str]:
    roadmap = await mutate(
        client, "createRoadmap", {"name": "Dinner", "cadence": {}}, "roadmap { id }"
    )
    roadmap_id = roadmap["roadmap"]["id"]
    initiative = await mutate(
        client,
        "proposeInitiative",
        {"roadmapId": roadmap_id, "title": "Make tacos", "goal": "Guests eat well"},
        "initiative { id }",
    )
    return roadmap_id, initiative["initiative"]["id"]


async def post(client: GraphQLClient, selection: str = UPDATE, **input: Any) -> dict[str, Any]:
    return await mutate(client, "postStatusUpdate", input, selection)


async def test_an_update_on_the_roadmap_and_one_on_an_initiative_are_listed_newest_first(
    client: GraphQLClient,
) -> None:
    roadmap_id, tacos = await a_roadmap_with_an_initiative(client)

    first = await post(
        client, roadmapId=roadmap_id, health="ON_TRACK", body="All *good*.", idempotencyKey="w1"
    )
    assert first["userErrors"] == []
    update = first["statusUpdate"]
    node = await client.execute(
        "query ($id: ID!) { node(id: $id) { ... on StatusUpdate { body } } }", {"id": update["id"]}
    )
    assert node["node"] == {"body": "All *good*."}
    assert {key: update[key] for key in ("health", "body", "roadmap", "initiative")} == {
        "health": "ON_TRACK",
        "body": "All *good*.",
        "roadmap": {"name": "Dinner"},
        "initiative": None,
    }
    assert [item["summary"] for item in update["digest"]["items"]] == [
        "Posted a status update on 'Dinner' (On track)",
        "Added 'Make tacos' at 1",
    ]
    on_tacos = await post(
        client, roadmapId=roadmap_id, initiativeId=tacos, health="AT_RISK", body="No tortillas"
    )
    assert on_tacos["statusUpdate"]["initiative"] == {"title": "Make tacos"}

    data = await client.execute(UPDATES, {"id": roadmap_id})
    roadmap = data["roadmap"]
    assert [edge["node"]["body"] for edge in roadmap["statusUpdates"]["edges"]] == [
        "No tortillas",
        "All *good*.",
    ]
    # The latest update of the roadmap as a whole, not the one on an initiative.
    assert roadmap["latestStatusUpdate"] == {"body": "All *good*.", "health": "ON_TRACK"}
    page = await client.execute(UPDATES, {"id": roadmap_id, "first": 1})
    cursor = page["roadmap"]["statusUpdates"]["pageInfo"]["endCursor"]
    assert page["roadmap"]["statusUpdates"]["pageInfo"]["hasNextPage"] is True
    rest = await client.execute(UPDATES, {"id": roadmap_id, "first": 1, "after": cursor})
    assert [e["node"]["body"] for e in rest["roadmap"]["statusUpdates"]["edges"]] == ["All *good*."]
    assert rest["roadmap"]["statusUpdates"]["pageInfo"]["hasNextPage"] is False


async def test_a_retry_with_the_same_key_posts_once(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap_id, _ = await a_roadmap_with_an_initiative(client)
    first = await post(
        client, roadmapId=roadmap_id, health="ON_TRACK", body="b", idempotencyKey="k"
    )
    before = await event_count(database)
    again = await post(
        client, roadmapId=roadmap_id, health="ON_TRACK", body="b", idempotencyKey="k"
    )
    assert again["statusUpdate"]["id"] == first["statusUpdate"]["id"]
    assert again["position"] == first["position"]
    assert await event_count(database) == before
    reused = await post(
        client, roadmapId=roadmap_id, health="OFF_TRACK", body="b", idempotencyKey="k"
    )
    assert user_errors(reused) == [(["input", "idempotencyKey"], "CONFLICT")]
    assert await event_count(database) == before


async def test_each_refusal_names_the_field_and_records_nothing(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap_id, tacos = await a_roadmap_with_an_initiative(client)
    other = await mutate(
        client, "createRoadmap", {"name": "Lunch", "cadence": {}}, "roadmap { id }"
    )
    elsewhere = await mutate(
        client,
        "proposeInitiative",
        {"roadmapId": other["roadmap"]["id"], "title": "Soup", "goal": "Warm"},
        "initiative { id }",
    )
    missing_roadmap = to_global_id("Roadmap", UUID("00000000-0000-4000-8000-00000000abcd"))
    before = await event_count(database)
    cases: list[tuple[dict[str, Any], list[str], str, str]] = [
        ({"body": "  "}, ["input", "body"], "INVALID", "must not be blank"),
        (
            {"body": "x" * (MAX_BODY_LENGTH + 1)},
            ["input", "body"],
            "INVALID",
            f"at most {MAX_BODY_LENGTH} characters, got {MAX_BODY_LENGTH + 1}",
        ),
        ({"roadmapId": "nonsense"}, ["input", "roadmapId"], "INVALID", "'nonsense' is not an id"),
        ({"roadmapId": tacos}, ["input", "roadmapId"], "NOT_FOUND", "not found"),
        ({"roadmapId": missing_roadmap}, ["input", "roadmapId"], "NOT_FOUND", missing_roadmap),
        (
            {"initiativeId": elsewhere["initiative"]["id"]},
            ["input", "initiativeId"],
            "INVALID",
            "is not on roadmap",
        ),
        ({"idempotencyKey": " "}, ["input", "idempotencyKey"], "INVALID", "idempotencyKey"),
        (
            {"effectiveAt": "2999-01-01T00:00:00Z"},
            ["input", "effectiveAt"],
            "INVALID",
            "is in the future",
        ),
    ]
    for change, field, code, words in cases:
        refused = await post(
            client,
            "statusUpdate { id }",
            **{"roadmapId": roadmap_id, "health": "AT_RISK", "body": "b", **change},
        )
        assert refused["statusUpdate"] is None, change
        [error] = refused["userErrors"]
        assert (error["field"], error["code"]) == (field, code), error
        assert words in error["message"], error["message"]
    assert await event_count(database) == before


async def test_an_unknown_health_is_a_validation_error_and_a_viewer_may_not_post(
    client: GraphQLClient, tokens: Tokens, database: DatabaseTarget
) -> None:
    roadmap_id, _ = await a_roadmap_with_an_initiative(client)
    before = await event_count(database)
    query = (
        "mutation ($input: PostStatusUpdateInput!) { postStatusUpdate(input: $input) { position } }"
    )
    fine = {"roadmapId": roadmap_id, "health": "FINE", "body": "b"}
    response = await client.post(query, {"input": fine})
    [error] = response.json()["errors"]
    assert "FINE" in error["message"]
    _, viewer = await tokens.create(Role.VIEWER, "vera", "acme")
    response = await client.post(query, {"input": {**fine, "health": "ON_TRACK"}}, token=viewer)
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await event_count(database) == before


async def test_the_timeline_says_an_update_was_posted(client: GraphQLClient) -> None:
    roadmap_id, tacos = await a_roadmap_with_an_initiative(client)
    await post(client, roadmapId=roadmap_id, initiativeId=tacos, health="AT_RISK", body="b")
    data = await client.execute(
        """query ($id: ID!) { timeline(subjectId: $id, types: ["StatusUpdatePosted"]) {
             edges { node { type summary subject { __typename } } } } }""",
        {"id": tacos},
    )
    assert [edge["node"] for edge in data["timeline"]["edges"]] == [
        {
            "type": "StatusUpdatePosted",
            "summary": "Posted a status update on 'Make tacos' (At risk)",
            "subject": {"__typename": "StatusUpdate"},
        }
    ]
