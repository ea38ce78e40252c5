"""Idempotency keys over HTTP: concurrent retries get one answer; another input is CONFLICT."""

from __future__ import annotations

import asyncio
from typing import Any

from backend.database import DatabaseTarget
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors

RETRIES = 8
ROUNDS = 12


async def roadmap_with(client: GraphQLClient, *titles: str) -> tuple[str, list[str]]:
    roadmap = await mutate(client, "createRoadmap", {"name": "R", "cadence": {}}, "roadmap { id }")
    roadmap_id = roadmap["roadmap"]["id"]
    ids = []
    for title in titles:
        proposed = await mutate(
            client,
            "proposeInitiative",
            {"roadmapId": roadmap_id, "title": title, "goal": "g"},
            "initiative { id }",
        )
        ids.append(proposed["initiative"]["id"])
    return roadmap_id, ids


async def at_once(client: GraphQLClient, name: str, input: dict[str, Any]) -> list[dict[str, Any]]:
    """The same request sent RETRIES times concurrently, as an impatient client retries."""
    return await asyncio.gather(*(mutate(client, name, input) for _ in range(RETRIES)))


async def test_concurrent_retries_of_a_move_all_get_the_first_answer(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap_id, ids = await roadmap_with(client, "A", "B", "C")
    # A few rounds, each bringing another initiative to the top: the race it is about
    # (a retry that looks for the first answer just before it is recorded) is a matter
    # of timing, so one round alone could miss it.
    for round in range(ROUNDS):
        initiative_id = ids[2 - round % 3]
        before = await event_count(database)
        move = {
            "roadmapId": roadmap_id,
            "initiativeId": initiative_id,
            "toPosition": 1,
            "reason": "customers first",
            "idempotencyKey": f"move-{round}",
        }
        answers = await at_once(client, "moveInitiative", move)
        assert all(answer["userErrors"] == [] for answer in answers)
        positions = [answer["position"] for answer in answers]
        assert len(set(positions)) == 1, positions
        assert None not in positions
        # One move and its receipt.
        assert await event_count(database) == before + 2


async def test_concurrent_retries_of_a_proposal_all_get_the_same_initiative(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap_id, _ = await roadmap_with(client)
    propose = {"roadmapId": roadmap_id, "title": "D", "goal": "g", "idempotencyKey": "d"}
    answers = await asyncio.gather(
        *(mutate(client, "proposeInitiative", propose, "initiative { id }") for _ in range(RETRIES))
    )
    assert len({answer["initiative"]["id"] for answer in answers}) == 1
    assert len({answer["position"] for answer in answers}) == 1
    data = await client.execute(
        "query($id: ID!) { roadmap(id: $id) { initiatives { title } } }", {"id": roadmap_id}
    )
    assert data["roadmap"]["initiatives"] == [{"title": "D"}]


async def test_a_key_reused_with_another_input_is_a_conflict_naming_the_key(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap_id, ids = await roadmap_with(client, "A", "B", "C")
    move = {
        "roadmapId": roadmap_id,
        "initiativeId": ids[2],
        "toPosition": 1,
        "reason": "r",
        "idempotencyKey": "move-1",
    }
    await mutate(client, "moveInitiative", move)
    before = await event_count(database)
    refused = await mutate(client, "moveInitiative", {**move, "toPosition": 2})
    assert user_errors(refused) == [(["input", "idempotencyKey"], "CONFLICT")]
    assert "'move-1'" in refused["userErrors"][0]["message"]
    assert refused["position"] is None
    assert await event_count(database) == before
    propose = {"roadmapId": roadmap_id, "title": "D", "goal": "g", "idempotencyKey": "p-1"}
    await mutate(client, "proposeInitiative", propose)
    before = await event_count(database)
    refused = await mutate(client, "proposeInitiative", {**propose, "title": "E"})
    assert user_errors(refused) == [(["input", "idempotencyKey"], "CONFLICT")]
    assert await event_count(database) == before
