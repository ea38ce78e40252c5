"""Initiatives and deliverables over HTTP: propose with deliverables, update, statuses,
estimate generations, targets and slips, effort."""

from __future__ import annotations

from typing import Any

from backend.database import DatabaseTarget
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors

DELIVERABLE = (
    "deliverable { id status completedAt estimateWeeks actualWeeks targetDate"
    " targetCycle { name } estimates { weeks confidence reason actor } }"
)


async def initiative_with_deliverable(client: GraphQLClient) -> tuple[str, str, str]:
    """(roadmap id, initiative id, deliverable id)."""
    roadmap = await mutate(
        client, "createRoadmap", {"name": "SRE", "cadence": {}}, "roadmap { id }"
    )
    roadmap_id = roadmap["roadmap"]["id"]
    proposed = await mutate(
        client,
        "proposeInitiative",
        {
            "roadmapId": roadmap_id,
            "title": "New CI pilot",
            "goal": "Developers get feedback in minutes",
            "stakeholders": ["dev-ex", "security"],
            "kind": "TECH_DEBT",
            "deliverables": [
                {"title": "Runner fleet", "estimateWeeks": "3.5", "targetDate": "2026-06-30"}
            ],
        },
        "initiative { id title goal stakeholders kind status deliverables { id title"
        " estimateWeeks targetDate status } }",
    )
    initiative = proposed["initiative"]
    return roadmap_id, initiative["id"], initiative["deliverables"][0]["id"]


async def test_a_proposed_initiative_comes_back_with_its_deliverables(
    client: GraphQLClient,
) -> None:
    roadmap = await mutate(client, "createRoadmap", {"name": "R", "cadence": {}}, "roadmap { id }")
    proposed = await mutate(
        client,
        "proposeInitiative",
        {
            "roadmapId": roadmap["roadmap"]["id"],
            "title": "New CI pilot",
            "goal": "Fast feedback",
            "stakeholders": ["dev-ex"],
            "kind": "TECH_DEBT",
            "deliverables": [
                {"title": "Runner fleet", "estimateWeeks": "3.5", "targetDate": "2026-06-30"},
                {"title": "Docs", "stretch": True},
            ],
        },
        "initiative { title goal stakeholders kind status position deliverables { title"
        " stretch estimateWeeks targetDate status } }",
    )
    assert proposed["userErrors"] == []
    initiative = proposed["initiative"]
    assert initiative["kind"] == "TECH_DEBT"
    assert initiative["status"] == "PLANNED"
    assert initiative["position"] == 1
    assert initiative["deliverables"] == [
        {
            "title": "Runner fleet",
            "stretch": False,
            "estimateWeeks": "3.5",
            "targetDate": "2026-06-30",
            "status": "PLANNED",
        },
        {
            "title": "Docs",
            "stretch": True,
            "estimateWeeks": None,
            "targetDate": None,
            "status": "PLANNED",
        },
    ]


async def test_updating_an_initiative_changes_only_the_given_fields(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    _, initiative_id, _ = await initiative_with_deliverable(client)
    updated = await mutate(
        client,
        "updateInitiative",
        {"initiativeId": initiative_id, "title": "New CI GA", "reason": "renamed"},
        "initiative { title goal }",
    )
    assert updated["initiative"] == {
        "title": "New CI GA",
        "goal": "Developers get feedback in minutes",
    }
    before = await event_count(database)
    stale = await mutate(
        client,
        "updateInitiative",
        {"initiativeId": initiative_id, "goal": "x", "expectedVersion": 1},
        "initiative { title }",
    )
    assert user_errors(stale) == [(["input", "expectedVersion"], "CONFLICT")]
    assert await event_count(database) == before


async def test_done_sets_completed_at_and_reopening_needs_a_reason(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    _, _, deliverable_id = await initiative_with_deliverable(client)
    done = await mutate(
        client,
        "changeDeliverableStatus",
        {"deliverableId": deliverable_id, "status": "DONE"},
        DELIVERABLE,
    )
    assert done["deliverable"]["status"] == "DONE"
    assert done["deliverable"]["completedAt"] is not None
    before = await event_count(database)
    reopen = await mutate(
        client,
        "changeDeliverableStatus",
        {"deliverableId": deliverable_id, "status": "IN_PROGRESS"},
        DELIVERABLE,
    )
    assert user_errors(reopen) == [(["input", "reason"], "REASON_REQUIRED")]
    assert await event_count(database) == before
    reopened = await mutate(
        client,
        "changeDeliverableStatus",
        {"deliverableId": deliverable_id, "status": "AT_RISK", "reason": "regression found"},
        DELIVERABLE,
    )
    assert reopened["deliverable"]["status"] == "AT_RISK"
    assert reopened["deliverable"]["completedAt"] is None


async def test_estimates_append_generations_and_refuse_bad_numbers(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    _, _, deliverable_id = await initiative_with_deliverable(client)
    again = await mutate(
        client,
        "estimateDeliverable",
        {"deliverableId": deliverable_id, "weeks": "5", "confidence": 0.6, "reason": "scope"},
        DELIVERABLE,
    )
    deliverable = again["deliverable"]
    assert deliverable["estimateWeeks"] == "5"
    assert [e["weeks"] for e in deliverable["estimates"]] == ["3.5", "5"]
    assert deliverable["estimates"][1]["reason"] == "scope"
    assert deliverable["estimates"][1]["actor"] == "admin"
    before = await event_count(database)
    for bad, field in (
        ({"weeks": "-1"}, "weeks"),
        ({"weeks": "2", "confidence": 1.5}, "confidence"),
    ):
        payload = await mutate(
            client, "estimateDeliverable", {"deliverableId": deliverable_id, **bad}, DELIVERABLE
        )
        assert user_errors(payload) == [(["input", field], "INVALID")]
    assert await event_count(database) == before


async def test_retargeting_needs_a_reason_and_exactly_one_target(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    _, _, deliverable_id = await initiative_with_deliverable(client)
    before = await event_count(database)
    no_reason = await mutate(
        client,
        "retargetDeliverable",
        {"deliverableId": deliverable_id, "targetDate": "2026-09-30", "reason": ""},
        DELIVERABLE,
    )
    assert user_errors(no_reason) == [(["input", "reason"], "REASON_REQUIRED")]
    neither = await mutate(
        client,
        "retargetDeliverable",
        {"deliverableId": deliverable_id, "reason": "r"},
        DELIVERABLE,
    )
    assert user_errors(neither)[0][1] == "INVALID"
    assert await event_count(database) == before
    later = await mutate(
        client,
        "retargetDeliverable",
        {"deliverableId": deliverable_id, "targetDate": "2026-09-30", "reason": "vendor late"},
        DELIVERABLE,
    )
    assert later["deliverable"]["targetDate"] == "2026-09-30"


async def test_logged_effort_adds_up(client: GraphQLClient) -> None:
    _, _, deliverable_id = await initiative_with_deliverable(client)
    await mutate(
        client, "logEffort", {"deliverableId": deliverable_id, "weeks": "1.5"}, DELIVERABLE
    )
    logged = await mutate(
        client,
        "logEffort",
        {"deliverableId": deliverable_id, "weeks": "2", "note": "rollout"},
        DELIVERABLE,
    )
    assert logged["deliverable"]["actualWeeks"] == "3.5"
    zero = await mutate(
        client, "logEffort", {"deliverableId": deliverable_id, "weeks": "0"}, DELIVERABLE
    )
    assert user_errors(zero) == [(["input", "weeks"], "INVALID")]


async def test_a_deliverable_added_later_can_target_a_cycle(client: GraphQLClient) -> None:
    roadmap_id, initiative_id, _ = await initiative_with_deliverable(client)
    cycle = await mutate(
        client,
        "createCycle",
        {"roadmapId": roadmap_id, "name": "Q3", "startsOn": "2026-07-01", "endsOn": "2026-09-30"},
        "cycle { id }",
    )
    added: dict[str, Any] = await mutate(
        client,
        "addDeliverable",
        {
            "initiativeId": initiative_id,
            "deliverable": {"title": "Migration", "targetCycleId": cycle["cycle"]["id"]},
        },
        DELIVERABLE,
    )
    assert added["deliverable"]["targetCycle"] == {"name": "Q3"}
    unknown = await mutate(
        client,
        "addDeliverable",
        {"initiativeId": initiative_id, "deliverable": {"title": "x", "targetCycleId": "nope"}},
        DELIVERABLE,
    )
    assert user_errors(unknown) == [(["input", "deliverable", "targetCycleId"], "INVALID")]
