"""The roadmap over HTTP: order, deliverables and rolled-up status, now and as of any instant."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from backend.bootstrap import Services
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.roadmap import ask, build_sre_roadmap, errors_of, new_workspace

ROADMAP = """
query ($id: ID!, $asOf: DateTime) {
  roadmap(id: $id, asOf: $asOf) {
    id name asOf
    team { id name }
    cadence { fiscalYearStartMonth cycleWeeks anchorDate }
    initiatives {
      id title goal stakeholders kind position status
      team { name }
      parent { title position }
      deliverables {
        id title stretch status estimateWeeks actualWeeks targetDate completedAt
        targetCycle { id name state }
        estimates { weeks confidence reason actor }
      }
    }
  }
}
"""

ORDER = """
query ($id: ID!, $asOf: DateTime) {
  roadmap(id: $id, asOf: $asOf) {
    asOf
    initiatives { title goal position status deliverables { title status estimateWeeks } }
  }
}
"""


def titles(data: dict[str, Any]) -> list[str]:
    return [initiative["title"] for initiative in data["roadmap"]["initiatives"]]


async def test_a_roadmap_shows_its_initiatives_in_priority_order_with_everything_on_them(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    await story.projected(services)

    data = await ask(client, ws.token, ROADMAP, id=to_global_id("Roadmap", sre.roadmap))

    view = data["roadmap"]
    assert view["id"] == to_global_id("Roadmap", sre.roadmap)
    assert view["name"] == "SRE roadmap"
    assert view["team"] == {"id": to_global_id("Team", sre.team), "name": "SRE"}
    assert view["cadence"] == {"fiscalYearStartMonth": 1, "cycleWeeks": None, "anchorDate": None}
    assert [(i["position"], i["title"], i["status"]) for i in view["initiatives"]] == [
        (1, "New CI final phase", "PLANNED"),
        (2, "New CI pilot", "IN_PROGRESS"),
        (3, "New CI general availability", "PLANNED"),
    ]
    final, pilot, ga = view["initiatives"]
    assert final["kind"] == "TECH_DEBT"
    assert final["parent"] == {"title": "New CI pilot", "position": 2}
    assert pilot["stakeholders"] == ["dev-productivity", "sre"]
    assert pilot["team"] == {"name": "SRE"}
    runners, retro = pilot["deliverables"]
    assert runners == {
        "id": to_global_id("Deliverable", sre.pilot, sre.runners),
        "title": "Runner fleet",
        "stretch": False,
        "status": "IN_PROGRESS",
        "estimateWeeks": "3",
        "actualWeeks": "0",
        "targetDate": None,
        "completedAt": None,
        "targetCycle": {
            "id": to_global_id("Cycle", sre.roadmap, sre.cycle),
            "name": "2025-Q1",
            "state": "PLANNED",
        },
        "estimates": [{"weeks": "3", "confidence": None, "reason": "", "actor": "alice"}],
    }
    assert retro["targetDate"] == "2025-02-15"
    assert retro["estimateWeeks"] is None
    assert ga["deliverables"][0]["estimateWeeks"] == "5"
    assert final["deliverables"][0]["stretch"] is True


async def test_as_of_an_instant_the_roadmap_is_exactly_what_it_was_then(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    renamed_at = story.later().clock
    story.run("update_initiative", initiative_id=sre.pilot, title="New CI pilot (2 teams)")
    story.later().run(
        "estimate_deliverable",
        initiative_id=sre.pilot,
        deliverable_id=sre.runners,
        weeks=Decimal("4.5"),
    )
    story.later().run(
        "change_deliverable_status",
        initiative_id=sre.pilot,
        deliverable_id=sre.runners,
        status="AT_RISK",
    )
    removed_at = story.later().clock
    story.run(
        "remove_initiative",
        roadmap_id=sre.roadmap,
        initiative_id=sre.general_availability,
        reason="folded into the pilot",
    )
    await story.projected(services)
    roadmap_id = to_global_id("Roadmap", sre.roadmap)

    async def at(instant: Any) -> dict[str, Any]:
        iso = None if instant is None else instant.isoformat()
        return await ask(client, ws.token, ORDER, id=roadmap_id, asOf=iso)

    before_move = await at(sre.before_move)
    after_move = await at(sre.moved_at)
    after_rename = await at(renamed_at + timedelta(seconds=30))
    now = await at(None)

    assert titles(before_move) == [
        "New CI pilot",
        "New CI general availability",
        "New CI final phase",
    ]
    assert before_move["roadmap"]["asOf"] == sre.before_move.isoformat()
    assert titles(after_move) == [
        "New CI final phase",
        "New CI pilot",
        "New CI general availability",
    ]
    assert titles(after_rename)[1] == "New CI pilot (2 teams)"
    pilot_then = after_rename["roadmap"]["initiatives"][1]
    assert pilot_then["deliverables"][0] == {
        "title": "Runner fleet",
        "status": "IN_PROGRESS",
        "estimateWeeks": "3",
    }
    assert titles(now) == ["New CI final phase", "New CI pilot (2 teams)"]
    pilot_now = now["roadmap"]["initiatives"][1]
    assert pilot_now["status"] == "AT_RISK"
    assert pilot_now["deliverables"][0]["estimateWeeks"] == "4.5"
    assert [i["position"] for i in now["roadmap"]["initiatives"]] == [1, 2]
    just_before_removal = await at(removed_at - timedelta(microseconds=1))
    assert len(titles(just_before_removal)) == 3
    assert await at(sre.before_move - timedelta(days=365)) == {"roadmap": None}


async def test_an_initiative_is_done_when_all_its_deliverables_are_done_or_dropped(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story, move=False)
    story.later().run(
        "change_deliverable_status",
        initiative_id=sre.pilot,
        deliverable_id=sre.runners,
        status="DONE",
    )
    story.later().run(
        "change_deliverable_status",
        initiative_id=sre.pilot,
        deliverable_id=sre.retrospective,
        status="WONT_DO",
    )
    await story.projected(services)

    data = await ask(client, ws.token, ORDER, id=to_global_id("Roadmap", sre.roadmap))

    statuses = {i["title"]: i["status"] for i in data["roadmap"]["initiatives"]}
    assert statuses["New CI pilot"] == "DONE"
    assert statuses["New CI general availability"] == "PLANNED"


async def test_an_initiative_whose_deliverables_are_all_dropped_is_wont_do(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story, move=False)
    for deliverable_id in (sre.runners, sre.retrospective):
        story.later().run(
            "change_deliverable_status",
            initiative_id=sre.pilot,
            deliverable_id=deliverable_id,
            status="WONT_DO",
        )
    await story.projected(services)
    roadmap_id = to_global_id("Roadmap", sre.roadmap)

    data = await ask(client, ws.token, ORDER, id=roadmap_id)
    statuses = {i["title"]: i["status"] for i in data["roadmap"]["initiatives"]}
    assert statuses["New CI pilot"] == "WONT_DO"

    story.later().run(
        "change_deliverable_status",
        initiative_id=sre.pilot,
        deliverable_id=sre.runners,
        status="AT_RISK",
        reason="picked up again",
    )
    await story.projected(services)
    data = await ask(client, ws.token, ORDER, id=roadmap_id)
    statuses = {i["title"]: i["status"] for i in data["roadmap"]["initiatives"]}
    assert statuses["New CI pilot"] == "AT_RISK"


TEAMS_AND_ROADMAPS = """
query ($first: Int, $after: String) {
  teams { id name }
  roadmaps(first: $first, after: $after) {
    edges { cursor node { name team { name } initiatives { title } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


async def test_teams_and_roadmaps_are_listed_by_name_a_page_at_a_time(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    for name in ("Platform", "SRE"):
        story.later().run("create_team", name=name)
    for name in ("c", "a", "b"):
        story.later().run("create_roadmap", name=name)
    await story.projected(services)

    first = await ask(client, ws.token, TEAMS_AND_ROADMAPS, first=2)
    rest = await ask(
        client,
        ws.token,
        TEAMS_AND_ROADMAPS,
        first=2,
        after=first["roadmaps"]["pageInfo"]["endCursor"],
    )
    everything = await ask(client, ws.token, TEAMS_AND_ROADMAPS)

    assert [team["name"] for team in first["teams"]] == ["Platform", "SRE"]
    assert [edge["node"]["name"] for edge in first["roadmaps"]["edges"]] == ["a", "b"]
    assert first["roadmaps"]["pageInfo"]["hasNextPage"] is True
    assert first["roadmaps"]["pageInfo"]["hasPreviousPage"] is False
    assert [edge["node"]["name"] for edge in rest["roadmaps"]["edges"]] == ["c"]
    assert rest["roadmaps"]["pageInfo"]["hasNextPage"] is False
    assert rest["roadmaps"]["pageInfo"]["hasPreviousPage"] is True
    assert len(everything["roadmaps"]["edges"]) == 3


async def test_page_sizes_are_capped_and_cursors_checked(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)

    too_many = await errors_of(client, ws.token, TEAMS_AND_ROADMAPS, first=101)
    negative = await errors_of(client, ws.token, TEAMS_AND_ROADMAPS, first=-1)
    foreign = await errors_of(client, ws.token, TEAMS_AND_ROADMAPS, after="bm90IGEgY3Vyc29y")

    assert too_many[0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert "at most 100" in too_many[0]["message"]
    assert negative[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert foreign[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert (await ask(client, ws.token, TEAMS_AND_ROADMAPS, first=100))["roadmaps"]["edges"] == []


async def test_ids_that_are_not_roadmap_ids_are_refused(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    story = ws.story(services)
    team = story.run("create_team", name="SRE")
    await story.projected(services)

    garbage = await errors_of(client, ws.token, ORDER, id="not-an-id")
    a_team = await errors_of(client, ws.token, ORDER, id=to_global_id("Team", team))

    assert garbage[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert garbage[0]["path"] == ["roadmap"]
    assert a_team[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_another_workspace_sees_nothing_of_this_one(
    client: GraphQLClient, services: Services
) -> None:
    ws = await new_workspace(services)
    other = await new_workspace(services)
    story = ws.story(services)
    sre = build_sre_roadmap(story)
    await story.projected(services)
    roadmap_id = to_global_id("Roadmap", sre.roadmap)
    everything = """
    query ($id: ID!, $initiative: ID!, $from: DateTime!, $to: DateTime!) {
      roadmap(id: $id) { name }
      teams { name }
      roadmaps { edges { node { name } } }
      timeline { edges { node { summary } } }
      history: timeline(subjectId: $initiative) { edges { node { summary } } }
      priorityChanges { edges { node { reason } } }
      why: priorityChanges(initiativeId: $initiative) { edges { node { reason } } }
      decisions { edges { node { title } } }
      node(id: $id) { id }
      nodes(ids: [$id, $initiative]) { id }
      roadmapDiff(id: $id, from: $from, to: $to) { moved { fromPosition } }
    }
    """
    variables = {
        "id": roadmap_id,
        "initiative": to_global_id("Initiative", sre.final_phase),
        "from": sre.before_move.isoformat(),
        "to": sre.moved_at.isoformat(),
    }

    own = await client.post(everything, variables, token=ws.token)
    foreign = await client.post(everything, variables, token=other.token)

    assert "errors" not in own.json(), own.json()
    assert own.json()["data"]["roadmapDiff"]["moved"]
    body = foreign.json()
    assert body["data"] is None  # roadmapDiff is non-null: its error nulls the whole answer
    assert [error["path"] for error in body["errors"]] == [["roadmapDiff"]]
    assert "no roadmap" in body["errors"][0]["message"]
    without_diff = everything.replace(
        "roadmapDiff(id: $id, from: $from, to: $to) { moved { fromPosition } }", ""
    ).replace(", $from: DateTime!, $to: DateTime!", "")
    seen = await ask(
        client, other.token, without_diff, id=roadmap_id, initiative=variables["initiative"]
    )
    assert seen == {
        "roadmap": None,
        "teams": [],
        "roadmaps": {"edges": []},
        "timeline": {"edges": []},
        "history": {"edges": []},
        "priorityChanges": {"edges": []},
        "why": {"edges": []},
        "decisions": {"edges": []},
        "node": None,
        "nodes": [None, None],
    }
