"""``priorityChanges(includeDisplaced: true)``: why did an initiative move when nobody moved it?

Each explicit change is followed by the initiatives it shifted by one position (DISPLACED),
with the change as their cause; without the argument the answer stays the explicit changes.
"""

from __future__ import annotations

from typing import Any

from backend.bootstrap import Services
from schema.consistency import HEADER
from tests.support.graphql import GraphQLClient
from tests.support.mutations import mutate
from tests.support.roadmap import new_workspace

CHANGES = """
query ($roadmap: ID, $initiative: ID, $displaced: Boolean, $first: Int, $after: String) {
  priorityChanges(roadmapId: $roadmap, initiativeId: $initiative, includeDisplaced: $displaced,
                  first: $first, after: $after) {
    edges {
      cursor
      node {
        kind initiative { title } fromPosition toPosition actor reason
        decision { title }
        cause { kind initiative { title } fromPosition toPosition reason cause { kind } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def kitchen(client: GraphQLClient, titles: list[str]) -> tuple[str, dict[str, str]]:
    """A roadmap with ``titles`` in that order: its id and the initiatives' ids by title."""
    created = await mutate(
        client,
        "createRoadmap",
        {"name": "Kitchen", "cadence": {"cycleWeeks": 6, "anchorDate": "2026-01-05"}},
        "roadmap { id }",
    )
    roadmap_id: str = created["roadmap"]["id"]
    ids = {}
    for title in titles:
        proposed = await mutate(
            client,
            "proposeInitiative",
            {"roadmapId": roadmap_id, "title": title, "goal": "dinner"},
            "initiative { id }",
        )
        ids[title] = proposed["initiative"]["id"]
    return roadmap_id, ids


async def page(client: GraphQLClient, position: str, **variables: Any) -> dict[str, Any]:
    """A page of ``priorityChanges``, read once the change at ``position`` is projected."""
    response = await client.post(CHANGES, variables, headers={HEADER: position})
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    connection: dict[str, Any] = body["data"]["priorityChanges"]
    return connection


async def changes(client: GraphQLClient, position: str, **variables: Any) -> list[dict[str, Any]]:
    return [edge["node"] for edge in (await page(client, position, **variables))["edges"]]


def shown(nodes: list[dict[str, Any]]) -> list[tuple[str, str, int | None, int | None]]:
    return [
        (n["kind"], n["initiative"]["title"], n["fromPosition"], n["toPosition"]) for n in nodes
    ]


async def test_why_did_tacos_move_when_dessert_was_moved_above_it(client: GraphQLClient) -> None:
    roadmap_id, ids = await kitchen(client, ["Make tacos", "Make dessert"])
    moved = await mutate(
        client,
        "moveInitiative",
        {
            "roadmapId": roadmap_id,
            "initiativeId": ids["Make dessert"],
            "toPosition": 1,
            "reason": "guests want dessert first",
        },
    )
    assert moved["userErrors"] == []

    explicit = await changes(client, moved["position"], initiative=ids["Make tacos"])
    with_displaced = await changes(
        client, moved["position"], initiative=ids["Make tacos"], displaced=True
    )

    assert shown(explicit) == [("PLACED", "Make tacos", None, 1)]
    assert explicit[0]["cause"] is None
    assert shown(with_displaced) == [
        ("DISPLACED", "Make tacos", 1, 2),
        ("PLACED", "Make tacos", None, 1),
    ]
    displaced = with_displaced[0]
    assert displaced["reason"] == "guests want dessert first"
    assert displaced["actor"] == explicit[0]["actor"]
    assert displaced["cause"] == {
        "kind": "MOVED",
        "initiative": {"title": "Make dessert"},
        "fromPosition": 2,
        "toPosition": 1,
        "reason": "guests want dessert first",
        "cause": None,
    }


async def test_a_move_down_shifts_those_it_passes_up(client: GraphQLClient) -> None:
    roadmap_id, ids = await kitchen(client, ["a", "b", "c", "d"])
    moved = await mutate(
        client,
        "moveInitiative",
        {"roadmapId": roadmap_id, "initiativeId": ids["a"], "toPosition": 3, "reason": "later"},
    )

    nodes = await changes(client, moved["position"], roadmap=roadmap_id, displaced=True, first=3)

    assert shown(nodes) == [
        ("MOVED", "a", 1, 3),
        ("DISPLACED", "b", 2, 1),
        ("DISPLACED", "c", 3, 2),
    ]
    assert {n["cause"]["initiative"]["title"] for n in nodes[1:]} == {"a"}


async def test_a_proposal_placed_at_the_top_displaces_everyone(client: GraphQLClient) -> None:
    roadmap_id, _ = await kitchen(client, ["a", "b"])
    placed = await mutate(
        client,
        "proposeInitiative",
        {
            "roadmapId": roadmap_id,
            "title": "urgent",
            "goal": "fire",
            "position": 1,
            "reason": "outage",
        },
    )

    nodes = await changes(client, placed["position"], roadmap=roadmap_id, displaced=True)

    assert shown(nodes) == [
        ("PLACED", "urgent", None, 1),
        ("DISPLACED", "a", 1, 2),
        ("DISPLACED", "b", 2, 3),
        ("PLACED", "b", None, 2),
        ("PLACED", "a", None, 1),
    ]
    assert [n["reason"] for n in nodes[:3]] == ["outage"] * 3
    assert [n["cause"]["kind"] for n in nodes[1:3]] == ["PLACED", "PLACED"]


async def test_a_removal_moves_those_below_up(client: GraphQLClient) -> None:
    roadmap_id, ids = await kitchen(client, ["a", "b", "c"])
    removed = await mutate(
        client,
        "removeInitiative",
        {"roadmapId": roadmap_id, "initiativeId": ids["a"], "reason": "cancelled"},
    )

    nodes = await changes(client, removed["position"], roadmap=roadmap_id, displaced=True, first=3)
    only_c = await changes(client, removed["position"], initiative=ids["c"], displaced=True)

    assert shown(nodes) == [
        ("REMOVED", "a", 1, None),
        ("DISPLACED", "b", 2, 1),
        ("DISPLACED", "c", 3, 2),
    ]
    assert shown(only_c) == [("DISPLACED", "c", 3, 2), ("PLACED", "c", None, 3)]
    assert only_c[0]["cause"]["kind"] == "REMOVED"
    assert only_c[0]["reason"] == "cancelled"


async def test_pages_continue_inside_the_displacements_of_a_change(client: GraphQLClient) -> None:
    roadmap_id, ids = await kitchen(client, ["a", "b", "c"])
    moved = await mutate(
        client,
        "moveInitiative",
        {"roadmapId": roadmap_id, "initiativeId": ids["c"], "toPosition": 1, "reason": "now"},
    )
    pages = []
    after = None
    while True:
        connection = await page(
            client, moved["position"], roadmap=roadmap_id, displaced=True, first=2, after=after
        )
        pages.append([edge["node"] for edge in connection["edges"]])
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    assert [shown(nodes) for nodes in pages] == [
        [("MOVED", "c", 3, 1), ("DISPLACED", "a", 1, 2)],
        [("DISPLACED", "b", 2, 3), ("PLACED", "c", None, 3)],
        [("PLACED", "b", None, 2), ("PLACED", "a", None, 1)],
    ]


async def test_a_cursor_of_the_other_listing_is_refused(client: GraphQLClient) -> None:
    roadmap_id, ids = await kitchen(client, ["a", "b"])
    removed = await mutate(
        client,
        "removeInitiative",
        {"roadmapId": roadmap_id, "initiativeId": ids["a"], "reason": "cancelled"},
    )
    explicit = await page(client, removed["position"], roadmap=roadmap_id, first=1)
    cursor = explicit["pageInfo"]["endCursor"]

    response = await client.post(
        CHANGES, {"roadmap": roadmap_id, "first": 1, "after": cursor, "displaced": True}
    )

    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == (
        f"after: {cursor!r} is not a cursor of priorityChangesWithDisplaced"
    )


async def test_another_workspace_sees_no_displaced_change(
    client: GraphQLClient, services: Services
) -> None:
    roadmap_id, ids = await kitchen(client, ["a", "b"])
    moved = await mutate(
        client,
        "moveInitiative",
        {"roadmapId": roadmap_id, "initiativeId": ids["b"], "toPosition": 1, "reason": "now"},
    )
    own = await changes(client, moved["position"], initiative=ids["a"], displaced=True)
    stranger = await new_workspace(services)

    for variables in ({"initiative": ids["a"]}, {"roadmap": roadmap_id}, {}):
        response = await client.post(
            CHANGES,
            {**variables, "displaced": True},
            token=stranger.token,
            headers={HEADER: moved["position"]},
        )
        assert response.json()["data"]["priorityChanges"]["edges"] == [], variables
    assert shown(own)[0] == ("DISPLACED", "a", 1, 2)
