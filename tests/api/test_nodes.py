"""``node(id:)`` and ``nodes(ids:)`` for every kind of the roadmap, in one workspace only."""

from __future__ import annotations

from backend.bootstrap import Services
from schema.nodes import registered_kinds
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.roadmap import ask, build_sre_roadmap, errors_of, new_workspace, uuid_of

NODES = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename id
    ... on Workspace { name }
    ... on Team { name }
    ... on Roadmap { name }
    ... on Initiative { title position }
    ... on Deliverable { title status }
    ... on Cycle { name state }
    ... on Decision { title }
  }
}
"""

NODE = "query ($id: ID!) { node(id: $id) { id } }"


async def test_every_kind_resolves_by_its_global_id_and_only_in_its_workspace(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    other = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    await story.projected(services)
    viewer = await ask(client, ws.token, "{ viewer { workspace { id } } }")
    workspace = viewer["viewer"]["workspace"]["id"]
    ids = [
        workspace,
        to_global_id("Team", sre.team),
        to_global_id("Roadmap", sre.roadmap),
        to_global_id("Initiative", sre.pilot),
        to_global_id("Deliverable", sre.pilot, sre.runners),
        to_global_id("Cycle", sre.roadmap, sre.cycle),
        to_global_id("Decision", sre.decision),
        to_global_id("Initiative", sre.team),  # a team's uuid as an initiative: nothing
        to_global_id("Gadget", sre.team),  # a kind nobody registered: nothing
        to_global_id("Deliverable", sre.runners),  # a deliverable without its initiative
    ]

    found = (await ask(client, ws.token, NODES, ids=ids))["nodes"]
    foreign = (await ask(client, other.token, NODES, ids=ids))["nodes"]
    single = await ask(client, ws.token, NODE, id=ids[3])

    assert found == [
        {"__typename": "Workspace", "id": workspace, "name": found[0]["name"]},
        {"__typename": "Team", "id": ids[1], "name": "SRE"},
        {"__typename": "Roadmap", "id": ids[2], "name": "SRE roadmap"},
        {"__typename": "Initiative", "id": ids[3], "title": "New CI pilot", "position": 2},
        {
            "__typename": "Deliverable",
            "id": ids[4],
            "title": "Runner fleet",
            "status": "IN_PROGRESS",
        },
        {"__typename": "Cycle", "id": ids[5], "name": "2025-Q1", "state": "PLANNED"},
        {
            "__typename": "Decision",
            "id": ids[6],
            "title": "Finish the migration before the compliance audit",
        },
        None,
        None,
        None,
    ]
    assert uuid_of(workspace) == ws.caller.workspace_id
    assert foreign == [None] * len(ids)
    assert single == {"node": {"id": ids[3]}}
    assert {"Workspace", "Team", "Roadmap", "Initiative", "Deliverable", "Cycle"} <= set(
        registered_kinds()
    )


async def test_nodes_takes_at_most_100_ids_and_refuses_malformed_ones(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    team = story.run("create_team", name="SRE")
    await story.projected(services)
    id = to_global_id("Team", team)

    hundred = await ask(client, ws.token, NODES, ids=[id] * 100)
    too_many = await errors_of(client, ws.token, NODES, ids=[id] * 101)
    malformed = await errors_of(client, ws.token, NODES, ids=[id, "%%%"])
    malformed_node = await errors_of(client, ws.token, NODE, id="bm9wZQ")

    assert len(hundred["nodes"]) == 100
    assert too_many[0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert malformed[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "ids[1]" in malformed[0]["message"]
    assert malformed_node[0]["extensions"]["code"] == "BAD_USER_INPUT"
