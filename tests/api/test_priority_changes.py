"""``priorityChanges``: "why did this move?" in one query."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from backend.bootstrap import Services
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.roadmap import ask, build_sre_roadmap, new_workspace

CHANGES = """
query ($roadmap: ID, $initiative: ID, $since: DateTime, $until: DateTime, $first: Int,
       $after: String) {
  priorityChanges(roadmapId: $roadmap, initiativeId: $initiative, since: $since, until: $until,
                  first: $first, after: $after) {
    edges {
      cursor
      node {
        roadmap { name }
        initiative { title position }
        fromPosition toPosition at actor reason
        decision { title outcome }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def nodes(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in data["priorityChanges"]["edges"]]


async def test_why_an_initiative_moved_is_one_query(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    await story.projected(services)

    data = await ask(
        client, ws.token, CHANGES, initiative=to_global_id("Initiative", sre.final_phase)
    )

    assert nodes(data) == [
        {
            "roadmap": {"name": "SRE roadmap"},
            "initiative": {"title": "New CI final phase", "position": 1},
            "fromPosition": 3,
            "toPosition": 1,
            "at": sre.moved_at.isoformat(),
            "actor": "alice",
            "reason": "compliance audit moved up",
            "decision": {
                "title": "Finish the migration before the compliance audit",
                "outcome": "Switch off the old CI first",
            },
        },
        {
            "roadmap": {"name": "SRE roadmap"},
            "initiative": {"title": "New CI final phase", "position": 1},
            "fromPosition": None,
            "toPosition": 3,
            "at": nodes(data)[1]["at"],
            "actor": "alice",
            "reason": "",
            "decision": None,
        },
    ]


async def test_placements_moves_and_removals_filter_by_roadmap_and_period(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    other = story.later().run("create_roadmap", name="Other")
    story.later().run("propose_initiative", roadmap_id=other, title="Elsewhere", goal="g")
    story.later().run(
        "remove_initiative",
        roadmap_id=sre.roadmap,
        initiative_id=sre.pilot,
        reason="pilot finished",
    )
    await story.projected(services)
    roadmap = to_global_id("Roadmap", sre.roadmap)

    on_sre = nodes(await ask(client, ws.token, CHANGES, roadmap=roadmap))
    since_move = nodes(
        await ask(client, ws.token, CHANGES, roadmap=roadmap, since=sre.moved_at.isoformat())
    )
    before_move = nodes(await ask(client, ws.token, CHANGES, until=sre.moved_at.isoformat()))
    first_page = await ask(client, ws.token, CHANGES, first=2)
    second_page = await ask(
        client,
        ws.token,
        CHANGES,
        first=2,
        after=first_page["priorityChanges"]["pageInfo"]["endCursor"],
    )

    assert [(c["initiative"]["title"], c["fromPosition"], c["toPosition"]) for c in on_sre] == [
        ("New CI pilot", 2, None),
        ("New CI final phase", 3, 1),
        ("New CI final phase", None, 3),
        ("New CI general availability", None, 2),
        ("New CI pilot", None, 1),
    ]
    assert on_sre[0]["initiative"]["position"] is None  # no longer on the roadmap
    assert [c["reason"] for c in since_move] == ["pilot finished", "compliance audit moved up"]
    assert [c["toPosition"] for c in before_move] == [3, 2, 1]
    assert before_move[0]["at"] < sre.moved_at.isoformat()
    assert len(nodes(first_page)) == 2
    assert first_page["priorityChanges"]["pageInfo"]["hasNextPage"] is True
    assert [c["initiative"]["title"] for c in nodes(second_page)] == [
        "New CI final phase",
        "New CI final phase",
    ]
    assert sre.moved_at - timedelta(minutes=5) < sre.moved_at
