"""Correcting objectives over HTTP: title, team and parent, the tree's progress following,
the timeline telling it, and every refusal recording nothing."""

from __future__ import annotations

from typing import Any

from backend.database import DatabaseTarget
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors

OBJECTIVE = "objective { id title progress parent { title } team { name } }"

SUMMARIES = """
query ($subject: ID) {
  timeline(subjectId: $subject, first: 20) { edges { node { type summary } } }
}
"""


async def an_objective(client: GraphQLClient, title: str, **more: Any) -> str:
    payload = await mutate(
        client,
        "createObjective",
        {"title": title, "period": "2026-Q3", "level": "COMPANY", **more},
        "objective { id }",
    )
    assert payload["userErrors"] == []
    objective_id: str = payload["objective"]["id"]
    return objective_id


async def a_team(client: GraphQLClient, name: str) -> str:
    payload = await mutate(client, "createTeam", {"name": name}, "team { id }")
    team_id: str = payload["team"]["id"]
    return team_id


async def refused(
    client: GraphQLClient, database: DatabaseTarget, input: dict[str, Any]
) -> list[tuple[list[str] | None, str]]:
    before = await event_count(database)
    payload = await mutate(client, "updateObjective", input, OBJECTIVE)
    assert payload["objective"] is None and payload["position"] is None
    assert await event_count(database) == before
    return user_errors(payload)


async def test_an_older_objective_moved_under_a_newer_one_rolls_up_into_it(
    client: GraphQLClient,
) -> None:
    sre = await a_team(client, "SRE")
    web = await a_team(client, "Web")
    child = await an_objective(client, "Faster CI", level="TEAM", teamId=sre)
    added = await mutate(
        client,
        "addKeyResult",
        {"objectiveId": child, "title": "Builds", "unit": "", "startValue": 0, "targetValue": 1},
        "keyResult { id }",
    )
    key_result = added["keyResult"]
    await mutate(client, "checkInKeyResult", {"keyResultId": key_result["id"], "value": 1})
    company = await an_objective(client, "Ship faster")

    payload = await mutate(
        client,
        "updateObjective",
        {
            "objectiveId": child,
            "title": "Faster builds",
            "parentId": company,
            "teamId": web,
            "expectedVersion": 3,
            "reason": "reorg",
        },
        OBJECTIVE,
    )
    assert payload["userErrors"] == []
    assert payload["objective"] == {
        "id": child,
        "title": "Faster builds",
        "progress": 1,
        "parent": {"title": "Ship faster"},
        "team": {"name": "Web"},
    }
    parent = await client.execute(
        "query ($id: ID!) { node(id: $id) { ... on Objective { progress children { title } } } }",
        {"id": company},
    )
    assert parent["node"] == {"progress": 1, "children": [{"title": "Faster builds"}]}
    data = await client.execute(SUMMARIES, {"subject": child})
    assert data["timeline"]["edges"][0]["node"] == {
        "type": "ObjectiveUpdated",
        "summary": "Changed objective 'Faster CI': title from 'Faster CI' to 'Faster builds',"
        " another team, now under 'Ship faster': reorg",
    }

    cleared = await mutate(
        client, "updateObjective", {"objectiveId": child, "clearParent": True}, OBJECTIVE
    )
    assert cleared["objective"]["parent"] is None


async def test_update_objective_refuses_cycles_other_periods_and_stale_versions(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    sre = await a_team(client, "SRE")
    company = await an_objective(client, "Ship faster")
    child = await an_objective(client, "Faster CI", level="TEAM", teamId=sre, parentId=company)
    grandchild = await an_objective(
        client, "Cache builds", level="TEAM", teamId=sre, parentId=child
    )
    later = await an_objective(client, "Later", period="2026-Q4")
    assert await refused(client, database, {"objectiveId": child, "parentId": grandchild}) == [
        (["input", "parentId"], "INVALID")
    ]
    assert await refused(client, database, {"objectiveId": child, "parentId": later}) == [
        (["input", "parentId"], "INVALID")
    ]
    assert await refused(client, database, {"objectiveId": company, "teamId": sre}) == [
        (["input", "teamId"], "INVALID")
    ]
    assert await refused(client, database, {"objectiveId": child, "title": ""}) == [
        (["input", "title"], "INVALID")
    ]
    assert await refused(
        client, database, {"objectiveId": child, "title": "x", "expectedVersion": 7}
    ) == [(["input", "expectedVersion"], "CONFLICT")]
    assert await refused(client, database, {"objectiveId": sre, "title": "x"}) == [
        (["input", "objectiveId"], "NOT_FOUND")
    ]


PERIOD = """
query ($period: String!) {
  objectives(period: $period) { title children { title } }
  alignment(period: $period) {
    objectives { title }
    byObjective { objective { title } }
    objectivesWithoutWork { title }
  }
}
"""


async def test_archive_objective_takes_it_out_of_the_period_and_keeps_it_by_id(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    sre = await a_team(client, "SRE")
    company = await an_objective(client, "Ship faster")
    child = await an_objective(client, "Faster CI", level="TEAM", teamId=sre, parentId=company)
    await an_objective(client, "Cache builds", level="TEAM", teamId=sre, parentId=child)
    before = await event_count(database)
    payload = await mutate(
        client, "archiveObjective", {"objectiveId": child, "reason": ""}, "objective { id }"
    )
    assert user_errors(payload) == [(["input", "reason"], "REASON_REQUIRED")]
    assert await event_count(database) == before

    payload = await mutate(
        client,
        "archiveObjective",
        {"objectiveId": child, "reason": "folded into the company goal"},
        "objective { id title archived }",
    )
    assert payload["userErrors"] == []
    assert payload["objective"] == {"id": child, "title": "Faster CI", "archived": True}

    data = await client.execute(PERIOD, {"period": "2026-Q3"})
    assert data["objectives"] == [
        {"title": "Ship faster", "children": []},
        {"title": "Cache builds", "children": []},
    ]
    assert data["alignment"]["objectives"] == [{"title": "Ship faster"}, {"title": "Cache builds"}]
    assert {row["objective"]["title"] for row in data["alignment"]["byObjective"]} == {
        "Ship faster",
        "Cache builds",
    }
    node = await client.execute(
        "query ($id: ID!) { node(id: $id) { ... on Objective { title archived } } }", {"id": child}
    )
    assert node["node"] == {"title": "Faster CI", "archived": True}
    told = await client.execute(SUMMARIES, {"subject": child})
    assert told["timeline"]["edges"][0]["node"] == {
        "type": "ObjectiveArchived",
        "summary": "Archived objective 'Faster CI': folded into the company goal",
    }

    for name, input in [
        ("updateObjective", {"objectiveId": child, "title": "x"}),
        ("archiveObjective", {"objectiveId": child, "reason": "again"}),
    ]:
        before = await event_count(database)
        payload = await mutate(client, name, input, "objective { id }")
        assert user_errors(payload) == [(["input", "objectiveId"], "INVALID")], name
        assert child in payload["userErrors"][0]["message"]
        assert await event_count(database) == before
    payload = await mutate(
        client, "archiveObjective", {"objectiveId": sre, "reason": "x"}, "objective { id }"
    )
    assert user_errors(payload) == [(["input", "objectiveId"], "NOT_FOUND")]
