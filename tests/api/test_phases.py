"""Phases over HTTP: updateInitiative sets or clears the parent, Initiative.children, and a
parent without deliverables rolling up its phases' status, now and as of before."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from backend.database import DatabaseTarget
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors

INITIATIVE = "initiative { title status parent { title } children { title status } }"

NODE = """
query ($id: ID!) {
  node(id: $id) { ... on Initiative { title status children { title status } } }
  latest: node(id: $id) {
    ... on Initiative { history(first: 1) { edges { node { type at summary } } } }
  }
}
"""

ROADMAP = """
query ($id: ID!, $asOf: DateTime) {
  roadmap(id: $id, asOf: $asOf) {
    initiatives { title status parent { title } children { title children { title } } }
  }
}
"""

AS_OF = """
query ($id: ID!, $asOf: DateTime!) {
  roadmap(id: $id, asOf: $asOf) { initiatives { title status children { title status } } }
}
"""


async def propose(client: GraphQLClient, roadmap_id: str, title: str, **more: Any) -> str:
    payload = await mutate(
        client,
        "proposeInitiative",
        {"roadmapId": roadmap_id, "title": title, "goal": "Builds in minutes", **more},
        "initiative { id }",
    )
    assert payload["userErrors"] == []
    initiative_id: str = payload["initiative"]["id"]
    return initiative_id


async def new_ci(client: GraphQLClient) -> tuple[str, str, str, str]:
    """Roadmap, "New CI" (no deliverables), its phase 1 (done), and "New CI: phase 2" (at
    risk), top-level for now: (roadmap, parent, phase 1, phase 2)."""
    created = await mutate(
        client, "createRoadmap", {"name": "Release engineering", "cadence": {}}, "roadmap { id }"
    )
    roadmap_id: str = created["roadmap"]["id"]
    parent = await propose(client, roadmap_id, "New CI")
    first = await propose(
        client,
        roadmap_id,
        "New CI: phase 1",
        parentId=parent,
        deliverables=[{"title": "Runners", "status": "DONE"}],
    )
    second = await propose(
        client,
        roadmap_id,
        "New CI: phase 2",
        deliverables=[{"title": "Caches", "status": "AT_RISK"}, {"title": "Docs"}],
    )
    return roadmap_id, parent, first, second


async def test_a_phase_joins_its_parent_whose_status_rolls_up_its_phases(
    client: GraphQLClient,
) -> None:
    roadmap_id, parent, _, second = await new_ci(client)
    before = await client.execute(ROADMAP, {"id": roadmap_id})

    payload = await mutate(
        client,
        "updateInitiative",
        {"initiativeId": second, "parentId": parent, "reason": "one migration"},
        INITIATIVE,
    )

    assert payload["userErrors"] == [] and payload["position"] is not None
    assert payload["initiative"] == {
        "title": "New CI: phase 2",
        "status": "AT_RISK",
        "parent": {"title": "New CI"},
        "children": [],
    }
    node = await client.execute(NODE, {"id": parent})
    assert node["node"] == {
        "title": "New CI",
        "status": "AT_RISK",
        "children": [
            {"title": "New CI: phase 1", "status": "DONE"},
            {"title": "New CI: phase 2", "status": "AT_RISK"},
        ],
    }
    phase_history = await client.execute(NODE, {"id": second})
    [entry] = [e["node"] for e in phase_history["latest"]["history"]["edges"]]
    assert (entry["type"], entry["summary"]) == (
        "InitiativeParentChanged",
        "Made 'New CI: phase 2' a phase of 'New CI': one migration",
    )
    roadmap = (await client.execute(ROADMAP, {"id": roadmap_id}))["roadmap"]
    assert roadmap["initiatives"][0] == {
        "title": "New CI",
        "status": "AT_RISK",
        "parent": None,
        "children": [
            {"title": "New CI: phase 1", "children": []},
            {"title": "New CI: phase 2", "children": []},
        ],
    }
    # As of just before the change: one phase, done, so the parent was done.
    earlier = await client.execute(AS_OF, {"id": roadmap_id, "asOf": before_instant(entry["at"])})
    assert earlier["roadmap"]["initiatives"][0] == {
        "title": "New CI",
        "status": "DONE",
        "children": [{"title": "New CI: phase 1", "status": "DONE"}],
    }
    assert before["roadmap"]["initiatives"][0]["status"] == "DONE"


def before_instant(at: str) -> str:
    """An ISO instant a millisecond before ``at``."""
    return (datetime.fromisoformat(at) - timedelta(milliseconds=1)).isoformat()


async def test_clear_parent_makes_a_phase_top_level_again(client: GraphQLClient) -> None:
    _, parent, first, _ = await new_ci(client)

    payload = await mutate(
        client, "updateInitiative", {"initiativeId": first, "clearParent": True}, INITIATIVE
    )

    assert payload["userErrors"] == []
    assert payload["initiative"]["parent"] is None
    node = await client.execute(NODE, {"id": parent})
    assert node["node"] == {"title": "New CI", "status": "PLANNED", "children": []}
    history = await client.execute(NODE, {"id": first})
    [entry] = [e["node"] for e in history["latest"]["history"]["edges"]]
    assert entry["summary"] == "Made 'New CI: phase 1' a top-level initiative again"

    again = await mutate(
        client, "updateInitiative", {"initiativeId": first, "clearParent": True}, INITIATIVE
    )
    assert again["userErrors"] == [] and again["position"] is None


async def refused(
    client: GraphQLClient, database: DatabaseTarget, input: dict[str, Any]
) -> tuple[list[tuple[list[str] | None, str]], str]:
    before = await event_count(database)
    payload = await mutate(client, "updateInitiative", input, INITIATIVE)
    assert payload["initiative"] is None and payload["position"] is None
    assert await event_count(database) == before
    [error] = payload["userErrors"]
    return user_errors(payload), error["message"]


async def test_update_initiative_refuses_cycles_other_roadmaps_and_both_at_once(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    _, parent, first, second = await new_ci(client)
    other = await mutate(
        client, "createRoadmap", {"name": "Elsewhere", "cadence": {}}, "roadmap { id }"
    )
    elsewhere = await propose(client, other["roadmap"]["id"], "Elsewhere")
    invalid = [(["input", "parentId"], "INVALID")]

    for cycle in (parent, first):
        errors, message = await refused(
            client, database, {"initiativeId": parent, "parentId": cycle}
        )
        assert errors == invalid
        assert cycle in message and "its own phase" in message
    errors, message = await refused(
        client, database, {"initiativeId": second, "parentId": elsewhere}
    )
    assert errors == invalid and "a phase is on its parent's roadmap" in message
    errors, message = await refused(
        client, database, {"initiativeId": second, "parentId": parent, "clearParent": True}
    )
    assert errors == invalid and "not both" in message and parent in message
    errors, _ = await refused(client, database, {"initiativeId": second, "parentId": "nope"})
    assert errors[0][0] == ["input", "parentId"]
    ghost = await mutate(client, "createTeam", {"name": "Ghost"}, "team { id }")
    errors, _ = await refused(
        client, database, {"initiativeId": second, "parentId": ghost["team"]["id"]}
    )
    assert errors[0][0] == ["input", "parentId"]


DIFF = """
query ($id: ID!, $from: DateTime!, $to: DateTime!) {
  roadmapDiff(id: $id, from: $from, to: $to) {
    changed { initiative { title status } changes { field from to } }
  }
}
"""


async def test_the_diff_shows_the_new_parent_and_the_parent_s_rolled_up_status(
    client: GraphQLClient,
) -> None:
    roadmap_id, parent, _, second = await new_ci(client)
    payload = await mutate(
        client,
        "updateInitiative",
        {"initiativeId": second, "parentId": parent},
        "initiative { history(first: 1) { edges { node { at } } } }",
    )
    [edge] = payload["initiative"]["history"]["edges"]
    at = edge["node"]["at"]

    data = await client.execute(DIFF, {"id": roadmap_id, "from": before_instant(at), "to": at})

    assert data["roadmapDiff"]["changed"] == [
        {
            "initiative": {"title": "New CI", "status": "AT_RISK"},
            "changes": [{"field": "status", "from": '"DONE"', "to": '"AT_RISK"'}],
        },
        {
            "initiative": {"title": "New CI: phase 2", "status": "AT_RISK"},
            "changes": [{"field": "parent", "from": None, "to": json.dumps(parent)}],
        },
    ]
