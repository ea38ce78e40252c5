"""Correcting the roadmap over HTTP: a first status, renamed and removed deliverables, and
the versions clients pass back as expectedVersion."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from backend.database import DatabaseTarget
from schema.relay import from_global_id, to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors

ROADMAP = """
query ($id: ID!, $asOf: DateTime) {
  roadmap(id: $id, asOf: $asOf) {
    version
    initiatives { title status version deliverables { id title stretch status } }
  }
}
"""

HISTORY = """
query ($id: ID!) {
  node(id: $id) {
    ... on Initiative { history { edges { node { type at summary changes { field from to } } } } }
  }
}
"""


async def taco_night(client: GraphQLClient) -> tuple[str, str, list[str]]:
    """A roadmap with "Make tacos" and its deliverables: (roadmap, initiative, deliverables)."""
    roadmap = await mutate(
        client, "createRoadmap", {"name": "Family dinner", "cadence": {}}, "roadmap { id }"
    )
    roadmap_id = roadmap["roadmap"]["id"]
    proposed = await mutate(
        client,
        "proposeInitiative",
        {
            "roadmapId": roadmap_id,
            "title": "Make tacos",
            "goal": "Everyone eats well on Friday",
            "deliverables": [
                {"title": "Buy tortillas", "status": "DONE"},
                {"title": "Slsa", "status": "IN_PROGRESS"},
                {"title": "Guacamole"},
            ],
        },
        "initiative { id status deliverables { id title status completedAt } }",
    )
    assert proposed["userErrors"] == []
    initiative = proposed["initiative"]
    deliverables = initiative["deliverables"]
    assert [(d["title"], d["status"]) for d in deliverables] == [
        ("Buy tortillas", "DONE"),
        ("Slsa", "IN_PROGRESS"),
        ("Guacamole", "PLANNED"),
    ]
    assert deliverables[0]["completedAt"] is not None
    assert [d["completedAt"] for d in deliverables[1:]] == [None, None]
    assert initiative["status"] == "IN_PROGRESS"
    return roadmap_id, initiative["id"], [d["id"] for d in deliverables]


async def roadmap_of(client: GraphQLClient, roadmap_id: str, as_of: str | None = None) -> Any:
    data = await client.execute(ROADMAP, {"id": roadmap_id, "asOf": as_of})
    return data["roadmap"]


async def history(client: GraphQLClient, initiative_id: str) -> list[dict[str, Any]]:
    data = await client.execute(HISTORY, {"id": initiative_id})
    return [edge["node"] for edge in data["node"]["history"]["edges"]]


async def test_a_deliverable_added_done_is_completed_at_its_business_time(
    client: GraphQLClient,
) -> None:
    _, initiative_id, _ = await taco_night(client)
    added = await mutate(
        client,
        "addDeliverable",
        {
            "initiativeId": initiative_id,
            "deliverable": {"title": "Set the table", "status": "DONE"},
        },
        "deliverable { title status completedAt }",
    )
    assert added["userErrors"] == []
    [done, added_entry, *_] = await history(client, initiative_id)
    assert (added_entry["type"], done["type"]) == ("DeliverableAdded", "DeliverableStatusChanged")
    assert done["summary"] == "Changed the status of 'Set the table' from PLANNED to DONE"
    assert added["deliverable"] == {
        "title": "Set the table",
        "status": "DONE",
        "completedAt": done["at"],
    }


async def test_versions_are_what_expected_version_is_compared_with(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap_id, initiative_id, _ = await taco_night(client)
    roadmap = await roadmap_of(client, roadmap_id)
    # Created, then the initiative placed; Proposed and three deliverables, two with a status.
    assert roadmap["version"] == 2
    [initiative] = roadmap["initiatives"]
    assert initiative["version"] == 6

    moved = await mutate(
        client,
        "updateInitiative",
        {"initiativeId": initiative_id, "goal": "Tacos for all", "expectedVersion": 6},
        "initiative { version }",
    )
    assert moved["userErrors"] == []
    assert moved["initiative"] == {"version": 7}

    objective = await mutate(
        client,
        "createObjective",
        {"title": "Eat together", "period": "2026-Q1", "level": "COMPANY"},
        "objective { id version }",
    )
    assert objective["objective"]["version"] == 1
    checked = await mutate(
        client,
        "addKeyResult",
        {
            "objectiveId": objective["objective"]["id"],
            "title": "Dinners",
            "unit": "",
            "startValue": 0,
            "targetValue": 4,
        },
        "keyResult { objective { version } }",
    )
    assert checked["keyResult"]["objective"] == {"version": 2}

    decisions = []
    for title in ("Tacos on Fridays", "Tacos on Saturdays"):
        recorded = await mutate(
            client,
            "recordDecision",
            {"title": title, "context": "c", "outcome": "o", "rationale": "r"},
            "decision { id version }",
        )
        assert recorded["decision"]["version"] == 1
        decisions.append(recorded["decision"]["id"])
    superseded = await mutate(
        client,
        "supersedeDecision",
        {"decisionId": decisions[0], "supersededById": decisions[1]},
        "decision { version }",
    )
    assert superseded["decision"] == {"version": 2}


async def test_a_stale_version_is_a_conflict_quoting_the_global_id(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    _, initiative_id, deliverable_ids = await taco_night(client)
    before = await event_count(database)
    stale = await mutate(
        client,
        "updateDeliverable",
        {"deliverableId": deliverable_ids[1], "title": "Salsa", "expectedVersion": 5},
    )
    assert stale["userErrors"] == [
        {
            "field": ["input", "expectedVersion"],
            "code": "CONFLICT",
            "message": f"Initiative {initiative_id!r} is at version 6, not the expected"
            " version 5; reload and try again",
        }
    ]
    assert str(from_global_id(initiative_id).id) not in stale["userErrors"][0]["message"]
    assert await event_count(database) == before


async def test_a_mistyped_deliverable_is_renamed_and_made_a_stretch_goal(
    client: GraphQLClient,
) -> None:
    roadmap_id, initiative_id, deliverable_ids = await taco_night(client)
    renamed = await mutate(
        client,
        "updateDeliverable",
        {
            "deliverableId": deliverable_ids[1],
            "title": "Salsa",
            "reason": "typo",
            "expectedVersion": 6,
        },
        "deliverable { id title stretch status }",
    )
    assert renamed["userErrors"] == []
    assert renamed["deliverable"] == {
        "id": deliverable_ids[1],
        "title": "Salsa",
        "stretch": False,
        "status": "IN_PROGRESS",
    }
    stretched = await mutate(
        client,
        "updateDeliverable",
        {"deliverableId": deliverable_ids[2], "stretch": True},
        "deliverable { title stretch }",
    )
    assert stretched["deliverable"] == {"title": "Guacamole", "stretch": True}
    unchanged = await mutate(
        client,
        "updateDeliverable",
        {"deliverableId": deliverable_ids[2], "title": "Guacamole", "stretch": True},
        "deliverable { title }",
    )
    assert unchanged["position"] is None

    [initiative] = (await roadmap_of(client, roadmap_id))["initiatives"]
    assert [(d["title"], d["stretch"]) for d in initiative["deliverables"]] == [
        ("Buy tortillas", False),
        ("Salsa", False),
        ("Guacamole", True),
    ]
    assert initiative["version"] == 8
    entries = await history(client, initiative_id)
    assert [e["summary"] for e in entries[:2]] == [
        "Made 'Guacamole' a stretch goal",
        "Renamed deliverable 'Slsa' to 'Salsa': typo",
    ]
    assert entries[1]["changes"] == [{"field": "title", "from": '"Slsa"', "to": '"Salsa"'}]


async def test_updating_a_deliverable_refuses_bad_input_and_records_nothing(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    _, initiative_id, deliverable_ids = await taco_night(client)
    missing = to_global_id("Deliverable", from_global_id(initiative_id).id, uuid4())
    before = await event_count(database)
    blank = await mutate(
        client, "updateDeliverable", {"deliverableId": deliverable_ids[0], "title": "  "}
    )
    assert blank["userErrors"] == [
        {
            "field": ["input", "title"],
            "code": "INVALID",
            "message": "a deliverable's title must not be blank, got '  '",
        }
    ]
    not_an_id = await mutate(client, "updateDeliverable", {"deliverableId": "x", "title": "t"})
    assert user_errors(not_an_id) == [(["input", "deliverableId"], "INVALID")]
    other_kind = await mutate(
        client, "updateDeliverable", {"deliverableId": initiative_id, "title": "t"}
    )
    assert user_errors(other_kind) == [(["input", "deliverableId"], "NOT_FOUND")]
    unknown = await mutate(client, "updateDeliverable", {"deliverableId": missing, "title": "t"})
    assert unknown["userErrors"] == [
        {
            "field": ["input", "deliverableId"],
            "code": "NOT_FOUND",
            "message": f"Deliverable {missing!r} not found",
        }
    ]
    assert await event_count(database) == before


async def test_a_removed_deliverable_leaves_the_roadmap_but_not_its_history(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap_id, initiative_id, deliverable_ids = await taco_night(client)
    decision = await mutate(
        client,
        "recordDecision",
        {"title": "No avocados", "context": "c", "outcome": "o", "rationale": "r"},
        "decision { id }",
    )
    removed = await mutate(
        client,
        "removeDeliverable",
        {
            "deliverableId": deliverable_ids[2],
            "reason": "no ripe avocados",
            "decisionId": decision["decision"]["id"],
        },
        "initiative { id status deliverables { title } }",
    )
    assert removed["userErrors"] == []
    assert removed["initiative"] == {
        "id": initiative_id,
        "status": "IN_PROGRESS",
        "deliverables": [{"title": "Buy tortillas"}, {"title": "Slsa"}],
    }
    [entry, *earlier] = await history(client, initiative_id)
    assert entry["summary"] == "Removed deliverable 'Guacamole' from 'Make tacos': no ripe avocados"
    assert entry["changes"] == [{"field": "removed", "from": "false", "to": "true"}]

    removed_at = datetime.fromisoformat(entry["at"])
    added_at = datetime.fromisoformat(earlier[-1]["at"])
    assert added_at < removed_at
    before = await roadmap_of(
        client, roadmap_id, (removed_at - timedelta(microseconds=1)).isoformat()
    )
    [then] = before["initiatives"]
    assert [d["title"] for d in then["deliverables"]] == ["Buy tortillas", "Slsa", "Guacamole"]
    # The version is the current one whatever the instant: it is what a command compares.
    assert then["version"] == 7
    at_removal = await roadmap_of(client, roadmap_id, removed_at.isoformat())
    assert [d["title"] for d in at_removal["initiatives"][0]["deliverables"]] == [
        "Buy tortillas",
        "Slsa",
    ]
    node = await client.execute(
        "query ($id: ID!) { node(id: $id) { id } }", {"id": deliverable_ids[2]}
    )
    assert node == {"node": None}

    done = await mutate(
        client,
        "changeDeliverableStatus",
        {"deliverableId": deliverable_ids[1], "status": "WONT_DO"},
        "deliverable { status }",
    )
    assert done["userErrors"] == []
    dropped = await roadmap_of(client, roadmap_id)
    assert dropped["initiatives"][0]["status"] == "DONE"


async def test_removing_a_deliverable_refuses_bad_input_and_records_nothing(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    _, initiative_id, deliverable_ids = await taco_night(client)
    before = await event_count(database)
    no_reason = await mutate(
        client, "removeDeliverable", {"deliverableId": deliverable_ids[0], "reason": " "}
    )
    assert no_reason["userErrors"] == [
        {
            "field": ["input", "reason"],
            "code": "REASON_REQUIRED",
            "message": "removing a deliverable needs a reason: say why",
        }
    ]
    other_kind = await mutate(
        client,
        "removeDeliverable",
        {"deliverableId": deliverable_ids[0], "reason": "r", "decisionId": initiative_id},
    )
    assert user_errors(other_kind) == [(["input", "decisionId"], "NOT_FOUND")]
    assert await event_count(database) == before

    await mutate(
        client, "removeDeliverable", {"deliverableId": deliverable_ids[0], "reason": "bought"}
    )
    after = await event_count(database)
    again = await mutate(
        client, "removeDeliverable", {"deliverableId": deliverable_ids[0], "reason": "again"}
    )
    assert again["userErrors"] == [
        {
            "field": ["input", "deliverableId"],
            "code": "NOT_FOUND",
            "message": f"Deliverable {deliverable_ids[0]!r} not found",
        }
    ]
    renamed = await mutate(
        client, "updateDeliverable", {"deliverableId": deliverable_ids[0], "title": "t"}
    )
    assert user_errors(renamed) == [(["input", "deliverableId"], "NOT_FOUND")]
    assert await event_count(database) == after
