"""Renaming and archiving teams and roadmaps over HTTP: names unique per workspace, archived
ones read-only and out of the lists unless asked, every refusal recording nothing."""

from __future__ import annotations

from typing import Any

from backend.database import DatabaseTarget
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors

TEAM = "team { id name archived }"
ROADMAP = "roadmap { id name archived team { name } }"

SUMMARIES = """
query ($subject: ID) {
  timeline(subjectId: $subject, first: 20) {
    edges { node { type summary changes { field from to } } }
  }
}
"""


async def created(client: GraphQLClient, kind: str, input: dict[str, Any]) -> str:
    payload = await mutate(client, f"create{kind}", input, f"{kind.lower()} {{ id }}")
    assert payload["userErrors"] == []
    node_id: str = payload[kind.lower()]["id"]
    return node_id


async def a_team(client: GraphQLClient, name: str = "SRE") -> str:
    return await created(client, "Team", {"name": name})


async def a_roadmap(client: GraphQLClient, name: str = "Family dinner", **more: Any) -> str:
    return await created(
        client, "Roadmap", {"name": name, "cadence": {"fiscalYearStartMonth": 2}, **more}
    )


async def refused(
    client: GraphQLClient,
    database: DatabaseTarget,
    name: str,
    input: dict[str, Any],
    selection: str,
) -> dict[str, Any]:
    """Run a mutation that must be refused: nothing recorded, no entity, no position."""
    before = await event_count(database)
    payload = await mutate(client, name, input, selection)
    assert payload["position"] is None
    assert await event_count(database) == before
    return payload


async def summaries(client: GraphQLClient, subject: str) -> list[str]:
    data = await client.execute(SUMMARIES, {"subject": subject})
    return [edge["node"]["summary"] for edge in data["timeline"]["edges"]]


async def test_rename_team_shows_the_new_name_and_the_timeline_says_both(
    client: GraphQLClient,
) -> None:
    team_id = await a_team(client)
    payload = await mutate(
        client,
        "renameTeam",
        {"teamId": team_id, "name": "Reliability", "reason": "new charter"},
        TEAM,
    )
    assert payload["userErrors"] == []
    assert int(payload["position"]) > 0
    assert payload["team"] == {"id": team_id, "name": "Reliability", "archived": False}
    assert await summaries(client, team_id) == [
        "Renamed team 'SRE' to 'Reliability': new charter",
        "Created team 'SRE'",
    ]


async def test_rename_team_refuses_a_taken_name_naming_its_holder(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    sre = await a_team(client)
    payments = await a_team(client, "Payments")
    payload = await refused(
        client, database, "renameTeam", {"teamId": payments, "name": " sre "}, TEAM
    )
    assert payload["team"] is None
    assert user_errors(payload) == [(["input", "name"], "CONFLICT")]
    message = payload["userErrors"][0]["message"]
    assert sre in message and "'SRE'" in message
    payload = await refused(client, database, "createTeam", {"name": "SRE"}, TEAM)
    assert user_errors(payload) == [(["input", "name"], "CONFLICT")]


async def test_rename_team_refuses_a_blank_name_and_an_unknown_team(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    team_id = await a_team(client)
    payload = await refused(client, database, "renameTeam", {"teamId": team_id, "name": " "}, TEAM)
    assert user_errors(payload) == [(["input", "name"], "INVALID")]
    roadmap_id = await a_roadmap(client)
    payload = await refused(
        client, database, "renameTeam", {"teamId": roadmap_id, "name": "x"}, TEAM
    )
    assert user_errors(payload) == [(["input", "teamId"], "NOT_FOUND")]


async def test_archive_team_hides_it_from_teams_unless_asked_and_keeps_it_by_id(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    team_id = await a_team(client)
    await a_team(client, "Payments")
    payload = await refused(
        client, database, "archiveTeam", {"teamId": team_id, "reason": " "}, TEAM
    )
    assert user_errors(payload) == [(["input", "reason"], "REASON_REQUIRED")]
    payload = await mutate(client, "archiveTeam", {"teamId": team_id, "reason": "merged"}, TEAM)
    assert payload["userErrors"] == []
    assert payload["team"] == {"id": team_id, "name": "SRE", "archived": True}

    data = await client.execute(
        "{ teams { name archived } all: teams(includeArchived: true) { name archived } }"
    )
    assert data["teams"] == [{"name": "Payments", "archived": False}]
    assert data["all"] == [
        {"name": "Payments", "archived": False},
        {"name": "SRE", "archived": True},
    ]
    node = await client.execute(
        "query ($id: ID!) { node(id: $id) { ... on Team { name archived } } }", {"id": team_id}
    )
    assert node["node"] == {"name": "SRE", "archived": True}
    assert (await summaries(client, team_id))[0] == "Archived team 'SRE': merged"


async def test_an_archived_team_is_read_only_and_takes_no_new_work(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    team_id = await a_team(client)
    await mutate(client, "archiveTeam", {"teamId": team_id, "reason": "merged"}, TEAM)
    for name, input in [
        ("renameTeam", {"teamId": team_id, "name": "Other"}),
        ("archiveTeam", {"teamId": team_id, "reason": "again"}),
    ]:
        payload = await refused(client, database, name, input, TEAM)
        assert user_errors(payload) == [(["input", "teamId"], "INVALID")]
        assert team_id in payload["userErrors"][0]["message"]
    payload = await refused(
        client,
        database,
        "createRoadmap",
        {"name": "New", "teamId": team_id, "cadence": {}},
        ROADMAP,
    )
    assert user_errors(payload) == [(["input", "teamId"], "INVALID")]


async def test_no_initiative_or_objective_can_be_given_to_an_archived_team(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    team_id = await a_team(client)
    other = await a_team(client, "Kitchen")
    roadmap_id = await a_roadmap(client)
    initiative = await mutate(
        client,
        "proposeInitiative",
        {"roadmapId": roadmap_id, "title": "Make tacos", "goal": "dinner"},
        "initiative { id }",
    )
    objective = await mutate(
        client,
        "createObjective",
        {"title": "Eat well", "period": "2026-Q1", "level": "TEAM", "teamId": other},
        "objective { id }",
    )
    await mutate(client, "archiveTeam", {"teamId": team_id, "reason": "merged"})
    for name, input in [
        (
            "proposeInitiative",
            {"roadmapId": roadmap_id, "title": "T", "goal": "G", "teamId": team_id},
        ),
        ("updateInitiative", {"initiativeId": initiative["initiative"]["id"], "teamId": team_id}),
        (
            "createObjective",
            {"title": "O", "period": "2026-Q1", "level": "TEAM", "teamId": team_id},
        ),
        ("updateObjective", {"objectiveId": objective["objective"]["id"], "teamId": team_id}),
    ]:
        payload = await refused(client, database, name, input, "__typename")
        assert user_errors(payload) == [(["input", "teamId"], "INVALID")], name
        assert team_id in payload["userErrors"][0]["message"], name


async def test_rename_roadmap_checks_the_version_and_shows_in_later_summaries(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap_id = await a_roadmap(client, "Family dinnr")
    payload = await refused(
        client,
        database,
        "renameRoadmap",
        {"roadmapId": roadmap_id, "name": "Family dinner", "expectedVersion": 5},
        ROADMAP,
    )
    assert user_errors(payload) == [(["input", "expectedVersion"], "CONFLICT")]
    assert roadmap_id in payload["userErrors"][0]["message"]
    payload = await mutate(
        client,
        "renameRoadmap",
        {"roadmapId": roadmap_id, "name": "Family dinner", "expectedVersion": 1},
        ROADMAP,
    )
    assert payload["userErrors"] == []
    assert payload["roadmap"]["name"] == "Family dinner"
    await mutate(
        client,
        "proposeInitiative",
        {"roadmapId": roadmap_id, "title": "Make tacos", "goal": "dinner"},
        "initiative { id }",
    )
    told = await summaries(client, roadmap_id)
    assert "Placed 'Make tacos' at 1 on 'Family dinner'" in told
    assert told[-2:] == [
        "Renamed roadmap 'Family dinnr' to 'Family dinner'",
        "Created roadmap 'Family dinnr'",
    ]


async def test_roadmap_names_are_unique_in_the_workspace_ignoring_case(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    dinner = await a_roadmap(client)
    other = await a_roadmap(client, "Dessert")
    attempts: list[tuple[str, dict[str, Any]]] = [
        ("createRoadmap", {"name": "FAMILY DINNER", "cadence": {}}),
        ("renameRoadmap", {"roadmapId": other, "name": "family dinner"}),
    ]
    for name, input in attempts:
        payload = await refused(client, database, name, input, ROADMAP)
        assert user_errors(payload) == [(["input", "name"], "CONFLICT")]
        assert dinner in payload["userErrors"][0]["message"]
    payload = await refused(
        client, database, "renameRoadmap", {"roadmapId": other, "name": ""}, ROADMAP
    )
    assert user_errors(payload) == [(["input", "name"], "INVALID")]


async def test_archive_roadmap_hides_it_from_roadmaps_unless_asked_and_refuses_changes(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    dinner = await a_roadmap(client)
    await a_roadmap(client, "Dessert")
    payload = await refused(
        client, database, "archiveRoadmap", {"roadmapId": dinner, "reason": ""}, ROADMAP
    )
    assert user_errors(payload) == [(["input", "reason"], "REASON_REQUIRED")]
    payload = await mutate(
        client, "archiveRoadmap", {"roadmapId": dinner, "reason": "we eat out now"}, ROADMAP
    )
    assert payload["userErrors"] == []
    assert payload["roadmap"]["archived"] is True

    data = await client.execute(
        "{ roadmaps { edges { node { name } } }"
        " all: roadmaps(includeArchived: true) { edges { node { name archived } } } }"
    )
    assert [e["node"]["name"] for e in data["roadmaps"]["edges"]] == ["Dessert"]
    assert [e["node"] for e in data["all"]["edges"]] == [
        {"name": "Dessert", "archived": False},
        {"name": "Family dinner", "archived": True},
    ]
    by_id = await client.execute(
        "query ($id: ID!) { roadmap(id: $id) { name archived } }", {"id": dinner}
    )
    assert by_id["roadmap"] == {"name": "Family dinner", "archived": True}
    assert (await summaries(client, dinner))[
        0
    ] == "Archived roadmap 'Family dinner': we eat out now"

    for name, input in [
        ("renameRoadmap", {"roadmapId": dinner, "name": "Brunch"}),
        ("archiveRoadmap", {"roadmapId": dinner, "reason": "again"}),
        ("proposeInitiative", {"roadmapId": dinner, "title": "Make tacos", "goal": "dinner"}),
        (
            "createCycle",
            {"roadmapId": dinner, "name": "C1", "startsOn": "2027-01-01", "endsOn": "2027-03-31"},
        ),
    ]:
        payload = await refused(client, database, name, input, "__typename")
        assert user_errors(payload) == [(["input", "roadmapId"], "INVALID")], name
        assert dinner in payload["userErrors"][0]["message"], name


async def test_rename_and_archive_of_an_unknown_roadmap_are_not_found(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    team_id = await a_team(client)
    for name, input in [
        ("renameRoadmap", {"roadmapId": team_id, "name": "x"}),
        ("archiveRoadmap", {"roadmapId": team_id, "reason": "x"}),
    ]:
        payload = await refused(client, database, name, input, ROADMAP)
        assert user_errors(payload) == [(["input", "roadmapId"], "NOT_FOUND")]


async def test_an_archived_roadmap_refuses_every_change_of_its_initiatives_and_deliverables(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    dinner = await a_roadmap(client)
    proposed = await mutate(
        client,
        "proposeInitiative",
        {
            "roadmapId": dinner,
            "title": "Make tacos",
            "goal": "dinner",
            "deliverables": [{"title": "Buy tortillas"}],
        },
        "initiative { id deliverables { id } }",
    )
    initiative = proposed["initiative"]["id"]
    deliverable = proposed["initiative"]["deliverables"][0]["id"]
    await mutate(client, "archiveRoadmap", {"roadmapId": dinner, "reason": "we eat out now"})
    attempts: list[tuple[str, dict[str, Any], str]] = [
        ("updateInitiative", {"initiativeId": initiative, "title": "Tacos"}, "initiativeId"),
        (
            "addDeliverable",
            {"initiativeId": initiative, "deliverable": {"title": "Salsa"}},
            "initiativeId",
        ),
        (
            "updateDeliverable",
            {"deliverableId": deliverable, "title": "Tortillas"},
            "deliverableId",
        ),
        (
            "removeDeliverable",
            {"deliverableId": deliverable, "reason": "a duplicate"},
            "deliverableId",
        ),
        (
            "changeDeliverableStatus",
            {"deliverableId": deliverable, "status": "DONE"},
            "deliverableId",
        ),
        ("estimateDeliverable", {"deliverableId": deliverable, "weeks": "2"}, "deliverableId"),
        (
            "retargetDeliverable",
            {"deliverableId": deliverable, "targetDate": "2027-03-01", "reason": "later"},
            "deliverableId",
        ),
        ("logEffort", {"deliverableId": deliverable, "weeks": "1"}, "deliverableId"),
        (
            "removeInitiative",
            {"roadmapId": dinner, "initiativeId": initiative, "reason": "r"},
            "roadmapId",
        ),
        (
            "recordDecision",
            {
                "title": "Tacos on Tuesdays",
                "context": "c",
                "outcome": "o",
                "rationale": "r",
                "linkIds": [initiative],
            },
            "linkIds.0",
        ),
    ]
    for name, input, field in attempts:
        payload = await refused(client, database, name, input, "__typename")
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            (["input", *field.split(".")], "INVALID")
        ], name
        message = payload["userErrors"][0]["message"]
        assert dinner in message and "archived and read-only" in message, name
