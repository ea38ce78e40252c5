"""20 clients moving initiatives on one roadmap at once: every move applied exactly once."""

from __future__ import annotations

import asyncio
import random

from backend.database import DatabaseTarget
from backend.domain.roadmap import Roadmap
from backend.eventstore import open_event_store
from schema.relay import from_global_id
from tests.support.graphql import GraphQLClient
from tests.support.mutations import mutate

CLIENTS = 20
ORDER = "roadmap { initiatives { id position } }"


def moves_in_the_log(database: DatabaseTarget) -> list[Roadmap.InitiativeMoved]:
    """Every move recorded, decoded by the library, in log order."""
    app = open_event_store(database, pool_size=1, create_tables=False)
    try:
        notifications = app.recorder.select_notifications(start=1, limit=10_000)
        events = [app.mapper.to_domain_event(n) for n in notifications]
    finally:
        app.close()
    return [event for event in events if isinstance(event, Roadmap.InitiativeMoved)]


async def test_concurrent_moves_all_apply_once_and_keep_positions_dense(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap = await mutate(
        client, "createRoadmap", {"name": "busy", "cadence": {}}, "roadmap { id }"
    )
    roadmap_id = roadmap["roadmap"]["id"]
    ids = []
    for number in range(10):
        proposed = await mutate(
            client,
            "proposeInitiative",
            {"roadmapId": roadmap_id, "title": f"I{number}", "goal": "g"},
            "initiative { id }",
        )
        ids.append(proposed["initiative"]["id"])
    chooser = random.Random(7)
    wanted = [(chooser.choice(ids), chooser.randint(1, 10)) for _ in range(CLIENTS)]

    async def move(index: int) -> dict[str, object]:
        initiative_id, position = wanted[index]
        return await mutate(
            client,
            "moveInitiative",
            {
                "roadmapId": roadmap_id,
                "initiativeId": initiative_id,
                "toPosition": position,
                "reason": f"client {index}",
            },
            ORDER,
        )

    results = await asyncio.gather(*(move(i) for i in range(CLIENTS)))
    assert all(result["userErrors"] == [] for result in results)
    recorded = [result for result in results if result["position"] is not None]

    log = moves_in_the_log(database)
    reasons = [event.reason for event in log]
    assert len(reasons) == len(set(reasons)) == len(recorded), "each accepted move once"

    order = [from_global_id(i).id for i in ids]
    for event in log:
        assert order.index(event.initiative_id) + 1 == event.from_position
        order.remove(event.initiative_id)
        order.insert(event.to_position - 1, event.initiative_id)

    final = await client.execute(
        "query($id: ID!, $p: String) { roadmap(id: $id, consistentWith: $p) {"
        " initiatives { id position } } }",
        {"id": roadmap_id, "p": max(r["position"] for r in recorded)},  # type: ignore[type-var]
    )
    rows = final["roadmap"]["initiatives"]
    assert [row["position"] for row in rows] == list(range(1, 11))
    assert [from_global_id(row["id"]).id for row in rows] == order


async def test_concurrent_moves_with_a_stale_expected_version_conflict(
    client: GraphQLClient,
) -> None:
    roadmap = await mutate(
        client, "createRoadmap", {"name": "busy", "cadence": {}}, "roadmap { id }"
    )
    roadmap_id = roadmap["roadmap"]["id"]
    ids = []
    for number in range(3):
        proposed = await mutate(
            client,
            "proposeInitiative",
            {"roadmapId": roadmap_id, "title": f"I{number}", "goal": "g"},
            "initiative { id }",
        )
        ids.append(proposed["initiative"]["id"])
    # Version 4: created + three placements. Everyone read it; only the first write wins.
    results = await asyncio.gather(
        *(
            mutate(
                client,
                "moveInitiative",
                {
                    "roadmapId": roadmap_id,
                    "initiativeId": ids[2],
                    "toPosition": 1 + index % 2,
                    "reason": f"client {index}",
                    "expectedVersion": 4,
                },
                ORDER,
            )
            for index in range(10)
        )
    )
    applied = [r for r in results if not r["userErrors"] and r["position"] is not None]
    conflicts = [r for r in results if r["userErrors"]]
    assert len(applied) == 1
    assert all(r["userErrors"][0]["code"] == "CONFLICT" for r in conflicts)
    assert all("version 5" in r["userErrors"][0]["message"] for r in conflicts)
