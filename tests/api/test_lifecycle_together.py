"""Where the slices of the lifecycle work meet over HTTP: the version a client reads is the
one `expectedVersion` is checked against (also after renames, cycles and corrections), and
an archived roadmap takes no change of its cycles either."""

from __future__ import annotations

from typing import Any

from backend.database import DatabaseTarget
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors

FIELDS = "id name version archived cycles { name state }"
ROADMAP = f"roadmap {{ {FIELDS} }}"

READ_ROADMAP = f"""
query ($id: ID!, $position: String) {{
  roadmap(id: $id, consistentWith: $position) {{ {FIELDS} }}
}}
"""

READ_OBJECTIVE = """
query ($id: ID!) { node(id: $id) { ... on Objective { title version archived } } }
"""


async def six_weeks(client: GraphQLClient, name: str) -> dict[str, Any]:
    """A roadmap of 6-week cycles from Monday 2026-01-05, as its payload shows it."""
    created = await mutate(
        client,
        "createRoadmap",
        {"name": name, "cadence": {"cycleWeeks": 6, "anchorDate": "2026-01-05"}},
        ROADMAP,
    )
    assert created["userErrors"] == []
    roadmap: dict[str, Any] = created["roadmap"]
    return roadmap


async def read_roadmap(client: GraphQLClient, roadmap_id: str, position: str) -> dict[str, Any]:
    data = await client.execute(READ_ROADMAP, {"id": roadmap_id, "position": position})
    roadmap: dict[str, Any] = data["roadmap"]
    return roadmap


async def refused(
    client: GraphQLClient, database: DatabaseTarget, name: str, input: dict[str, Any]
) -> dict[str, Any]:
    """Run a mutation that must be refused: nothing recorded, no position."""
    before = await event_count(database)
    payload = await mutate(client, name, input, "__typename")
    assert payload["position"] is None, name
    assert await event_count(database) == before, name
    return payload


async def test_the_roadmap_version_a_client_reads_is_the_one_a_rename_checks(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap = await six_weeks(client, "Kitchen")
    assert (roadmap["version"], roadmap["archived"], roadmap["cycles"]) == (1, False, [])
    planned = await mutate(client, "planCycles", {"roadmapId": roadmap["id"], "count": 2})
    assert planned["userErrors"] == []
    read = await read_roadmap(client, roadmap["id"], planned["position"])
    assert read["version"] == 3, "each planned cycle is an event of the roadmap"

    payload = await refused(
        client,
        database,
        "renameRoadmap",
        {"roadmapId": roadmap["id"], "name": "Cuisine", "expectedVersion": roadmap["version"]},
    )
    assert user_errors(payload) == [(["input", "expectedVersion"], "CONFLICT")]
    assert roadmap["id"] in payload["userErrors"][0]["message"]

    renamed = await mutate(
        client,
        "renameRoadmap",
        {"roadmapId": roadmap["id"], "name": "Cuisine", "expectedVersion": read["version"]},
        ROADMAP,
    )
    assert renamed["userErrors"] == []
    assert renamed["roadmap"]["name"] == "Cuisine"
    assert renamed["roadmap"]["version"] == read["version"] + 1
    assert [c["name"] for c in renamed["roadmap"]["cycles"]] == ["Cycle 1", "Cycle 2"]


async def test_the_objective_version_a_client_reads_is_the_one_an_update_checks(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    created = await mutate(
        client,
        "createObjective",
        {"title": "Ship", "period": "FY2027-Q1", "level": "COMPANY"},
        "objective { id version }",
    )
    objective = created["objective"]
    added = await mutate(
        client,
        "addKeyResult",
        {
            "objectiveId": objective["id"],
            "title": "Builds",
            "unit": "",
            "startValue": 0,
            "targetValue": 4,
        },
        "keyResult { id }",
    )
    corrected = await mutate(
        client,
        "updateKeyResult",
        {"keyResultId": added["keyResult"]["id"], "targetValue": 8},
        "keyResult { progress }",
    )
    assert corrected["userErrors"] == []
    data = await client.execute(READ_OBJECTIVE, {"id": objective["id"]})
    assert data["node"] == {"title": "Ship", "version": objective["version"] + 2, "archived": False}

    payload = await refused(
        client,
        database,
        "updateObjective",
        {"objectiveId": objective["id"], "title": "Ship it", "expectedVersion": 1},
    )
    assert user_errors(payload) == [(["input", "expectedVersion"], "CONFLICT")]
    assert objective["id"] in payload["userErrors"][0]["message"]

    updated = await mutate(
        client,
        "updateObjective",
        {
            "objectiveId": objective["id"],
            "title": "Ship it",
            "expectedVersion": data["node"]["version"],
        },
        "objective { title version }",
    )
    assert updated["userErrors"] == []
    assert updated["objective"] == {"title": "Ship it", "version": data["node"]["version"] + 1}
    archived = await mutate(
        client,
        "archiveObjective",
        {"objectiveId": objective["id"], "reason": "done"},
        "objective { version archived }",
    )
    assert archived["objective"] == {"version": data["node"]["version"] + 2, "archived": True}


async def test_an_archived_roadmap_takes_no_change_of_its_cycles(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap = await six_weeks(client, "Kitchen")
    planned = await mutate(
        client, "planCycles", {"roadmapId": roadmap["id"], "count": 2}, "cycles { id }"
    )
    cycle_id = planned["cycles"][0]["id"]
    archived = await mutate(
        client, "archiveRoadmap", {"roadmapId": roadmap["id"], "reason": "we eat out"}, ROADMAP
    )
    assert archived["userErrors"] == []

    for name, input, field in [
        ("planCycles", {"roadmapId": roadmap["id"], "count": 1}, "roadmapId"),
        ("updateCycle", {"cycleId": cycle_id, "name": "First"}, "cycleId"),
        ("cancelCycle", {"cycleId": cycle_id, "reason": "not needed"}, "cycleId"),
    ]:
        payload = await refused(client, database, name, input)
        assert user_errors(payload) == [(["input", field], "INVALID")], name
        assert roadmap["id"] in payload["userErrors"][0]["message"], name

    read = await read_roadmap(client, roadmap["id"], archived["position"])
    assert read["archived"] is True
    assert [(c["name"], c["state"]) for c in read["cycles"]] == [
        ("Cycle 1", "PLANNED"),
        ("Cycle 2", "PLANNED"),
    ]
