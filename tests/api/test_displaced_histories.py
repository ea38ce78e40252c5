"""priorityChanges(includeDisplaced: true) over HTTP against orders folded from random
histories: read page by page, the changes and the displacements each caused, replayed
oldest first, give the roadmap's order after every change."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings

from backend.bootstrap import Services
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.priorities import STEPS, Step, play, replayed
from tests.support.retro import Story, workspace

HISTORIES = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

CHANGES = """
query ($roadmap: ID!, $after: String) {
  priorityChanges(roadmapId: $roadmap, includeDisplaced: true, first: 7, after: $after) {
    edges { node { kind initiative { id } fromPosition toPosition cause { initiative { id } } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def every_change(client: GraphQLClient, token: str, roadmap: str) -> list[dict[str, Any]]:
    """All the roadmap's changes, page after page, as the API lists them (newest first)."""
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        data = await client.execute(CHANGES, {"roadmap": roadmap, "after": after}, token=token)
        connection = data["priorityChanges"]
        nodes += [edge["node"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return nodes
        after = connection["pageInfo"]["endCursor"]


Shift = tuple[str, int | None, int | None]


def in_log_order(nodes: list[dict[str, Any]]) -> list[tuple[Shift, list[Shift]]]:
    """Each explicit change with the displacements after it, oldest change first."""
    groups: list[tuple[Shift, list[Shift]]] = []
    for node in nodes:
        shift = (node["initiative"]["id"], node["fromPosition"], node["toPosition"])
        if node["kind"] == "DISPLACED":
            cause, displaced = groups[-1]
            assert node["cause"]["initiative"]["id"] == cause[0]
            displaced.append(shift)
        else:
            assert node["cause"] is None
            groups.append((shift, []))
    return groups[::-1]


# A page of 7 that ends on a displacement (the third of four): the next page once took
# one change too few and said it was the last.
LAST_PAGE_TOO_SOON: list[Step] = [
    *[("place", 0, 0), ("move", 0, 0)] * 2,  # a move with one initiative removes it
    ("place", 0, 0),
    ("place", 0, 1),
    ("remove", 1, 0),
    ("move", 0, 0),
    ("place", 0, 0),
    ("place", 0, 1),
    ("place", 0, 0),
    ("place", 0, 0),
]


@HISTORIES
@given(steps=STEPS)
@example(steps=LAST_PAGE_TOO_SOON)
async def test_displaced_changes_replayed_give_every_order(
    services: Services, client: GraphQLClient, steps: list[Step]
) -> None:
    caller, token = await workspace(services)
    story = Story(services.app, caller)
    roadmap = story.run("create_roadmap", name="Platform")
    expected = play(story, roadmap, steps)
    await services.watcher.wait_for(story.position, 30)

    nodes = await every_change(client, token, to_global_id("Roadmap", roadmap))

    assert replayed(in_log_order(nodes)) == [
        [to_global_id("Initiative", initiative) for initiative in order] for order in expected
    ]
