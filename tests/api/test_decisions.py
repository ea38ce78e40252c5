"""Decision records: what was decided, what it affects, and what replaced it."""

from __future__ import annotations

from typing import Any

from backend.bootstrap import Services
from backend.domain.decision import DecisionLink
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.roadmap import ask, build_sre_roadmap, new_workspace

DECISIONS = """
query ($first: Int, $after: String) {
  decisions(first: $first, after: $after) {
    edges {
      cursor
      node {
        id title context options outcome rationale decidedBy status at
        supersededBy { title status }
        supersedes { title }
        links { __typename id ... on Initiative { title } ... on Roadmap { name } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def nodes(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in data["decisions"]["edges"]]


async def test_decisions_show_their_links_and_supersession_chain(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    later = story.later().run(
        "record_decision",
        title="Keep the old CI for one more quarter",
        context="The audit moved again",
        outcome="Keep both",
        rationale="Risk",
        links=[DecisionLink("Initiative", sre.final_phase)],
    )
    story.later().run("supersede_decision", decision_id=sre.decision, superseded_by_id=later)
    await story.projected(services)

    data = await ask(client, ws.token, DECISIONS)

    newest, first = nodes(data)
    assert newest["title"] == "Keep the old CI for one more quarter"
    assert newest["status"] == "ACCEPTED"
    assert newest["supersedes"] == [{"title": "Finish the migration before the compliance audit"}]
    assert newest["supersededBy"] is None
    assert first == {
        "id": to_global_id("Decision", sre.decision),
        "title": "Finish the migration before the compliance audit",
        "context": "The audit in March covers build provenance; the old CI has none.",
        "options": ["Keep both CIs", "Switch off the old CI first"],
        "outcome": "Switch off the old CI first",
        "rationale": "Provenance is only available on the new CI",
        "decidedBy": ["head of platform"],
        "status": "SUPERSEDED",
        "at": first["at"],
        "supersededBy": {"title": "Keep the old CI for one more quarter", "status": "ACCEPTED"},
        "supersedes": [],
        "links": [
            {
                "__typename": "Roadmap",
                "id": to_global_id("Roadmap", sre.roadmap),
                "name": "SRE roadmap",
            },
            {
                "__typename": "Initiative",
                "id": to_global_id("Initiative", sre.final_phase),
                "title": "New CI final phase",
            },
        ],
    }
    one = await ask(client, ws.token, DECISIONS, first=1)
    two = await ask(
        client, ws.token, DECISIONS, first=1, after=one["decisions"]["pageInfo"]["endCursor"]
    )
    assert [d["title"] for d in nodes(one) + nodes(two)] == [newest["title"], first["title"]]
    assert two["decisions"]["pageInfo"]["hasNextPage"] is False
