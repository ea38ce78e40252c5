"""OKRs, alignments and decision records over HTTP."""

from __future__ import annotations

from backend.database import DatabaseTarget
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors

KEY_RESULT = "keyResult { id title progress currentValue checkIns { value note actor } }"


async def objective_with_key_result(client: GraphQLClient) -> tuple[str, str]:
    objective = await mutate(
        client,
        "createObjective",
        {"title": "Ship faster", "period": "2026-Q3", "level": "COMPANY"},
        "objective { id title period level }",
    )
    assert objective["objective"]["level"] == "COMPANY"
    key_result = await mutate(
        client,
        "addKeyResult",
        {
            "objectiveId": objective["objective"]["id"],
            "title": "Lead time",
            "unit": "days",
            "startValue": 10,
            "targetValue": 2,
        },
        KEY_RESULT,
    )
    assert key_result["keyResult"]["progress"] == 0
    return objective["objective"]["id"], key_result["keyResult"]["id"]


async def test_check_ins_append_and_progress_is_clamped(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    _, key_result_id = await objective_with_key_result(client)
    halfway = await mutate(
        client,
        "checkInKeyResult",
        {"keyResultId": key_result_id, "value": 6, "note": "ok"},
        KEY_RESULT,
    )
    assert halfway["keyResult"]["progress"] == 0.5
    beyond = await mutate(
        client, "checkInKeyResult", {"keyResultId": key_result_id, "value": 1}, KEY_RESULT
    )
    assert beyond["keyResult"]["progress"] == 1
    assert [c["value"] for c in beyond["keyResult"]["checkIns"]] == [6, 1]
    before = await event_count(database)
    bad = await mutate(
        client,
        "checkInKeyResult",
        {"keyResultId": key_result_id, "value": 3, "confidence": -0.1},
        KEY_RESULT,
    )
    assert user_errors(bad) == [(["input", "confidence"], "INVALID")]
    assert await event_count(database) == before


async def test_a_team_objective_ladders_up_to_a_company_objective_of_the_same_period(
    client: GraphQLClient,
) -> None:
    company, _ = await objective_with_key_result(client)
    team = await mutate(client, "createTeam", {"name": "SRE"}, "team { id }")
    child = await mutate(
        client,
        "createObjective",
        {
            "title": "Faster CI",
            "period": "2026-Q3",
            "level": "TEAM",
            "teamId": team["team"]["id"],
            "parentId": company,
        },
        "objective { parent { title } team { name } }",
    )
    assert child["objective"] == {"parent": {"title": "Ship faster"}, "team": {"name": "SRE"}}
    other_period = await mutate(
        client,
        "createObjective",
        {
            "title": "x",
            "period": "2026-Q4",
            "level": "TEAM",
            "teamId": team["team"]["id"],
            "parentId": company,
        },
        "objective { id }",
    )
    assert user_errors(other_period) == [(["input", "parentId"], "INVALID")]


async def test_aligning_and_unaligning_an_initiative(client: GraphQLClient) -> None:
    _, key_result_id = await objective_with_key_result(client)
    roadmap = await mutate(client, "createRoadmap", {"name": "R", "cadence": {}}, "roadmap { id }")
    initiative = await mutate(
        client,
        "proposeInitiative",
        {"roadmapId": roadmap["roadmap"]["id"], "title": "CI", "goal": "g"},
        "initiative { id }",
    )
    initiative_id = initiative["initiative"]["id"]
    aligned = await mutate(
        client,
        "alignInitiative",
        {"initiativeId": initiative_id, "keyResultId": key_result_id, "kind": "CONTRIBUTES"},
        "initiative { alignments { kind keyResult { title } } }",
    )
    assert aligned["initiative"]["alignments"] == [
        {"kind": "CONTRIBUTES", "keyResult": {"title": "Lead time"}}
    ]
    unaligned = await mutate(
        client,
        "unalignInitiative",
        {"initiativeId": initiative_id, "keyResultId": key_result_id},
        "initiative { alignments { kind } }",
    )
    assert unaligned["initiative"]["alignments"] == []
    again = await mutate(
        client,
        "unalignInitiative",
        {"initiativeId": initiative_id, "keyResultId": key_result_id},
        "initiative { id }",
    )
    assert user_errors(again) == [(["input", "keyResultId"], "INVALID")]


async def test_decisions_link_to_work_and_are_superseded_without_cycles(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap = await mutate(client, "createRoadmap", {"name": "R", "cadence": {}}, "roadmap { id }")
    roadmap_id = roadmap["roadmap"]["id"]
    first = await mutate(
        client,
        "recordDecision",
        {
            "title": "Prioritise compliance",
            "context": "Audit in March",
            "options": ["keep order", "move compliance up"],
            "outcome": "move compliance up",
            "rationale": "the audit is not movable",
            "decidedBy": ["VP Eng"],
            "linkIds": [roadmap_id],
        },
        "decision { id title status options decidedBy links { id } }",
    )
    decision = first["decision"]
    assert decision["status"] == "ACCEPTED"
    assert decision["links"] == [{"id": roadmap_id}]
    later = await mutate(
        client,
        "recordDecision",
        {"title": "Revisit", "context": "c", "outcome": "o", "rationale": "r"},
        "decision { id }",
    )
    superseded = await mutate(
        client,
        "supersedeDecision",
        {"decisionId": decision["id"], "supersededById": later["decision"]["id"]},
        "decision { status supersededBy { title } }",
    )
    assert superseded["decision"] == {"status": "SUPERSEDED", "supersededBy": {"title": "Revisit"}}
    before = await event_count(database)
    circular = await mutate(
        client,
        "supersedeDecision",
        {"decisionId": later["decision"]["id"], "supersededById": decision["id"]},
        "decision { id }",
    )
    assert user_errors(circular)[0][1] == "INVALID"
    self_superseded = await mutate(
        client,
        "supersedeDecision",
        {"decisionId": later["decision"]["id"], "supersededById": later["decision"]["id"]},
        "decision { id }",
    )
    assert user_errors(self_superseded)[0][1] == "INVALID"
    team = await mutate(client, "createTeam", {"name": "T"}, "team { id }")
    bad_link = await mutate(
        client,
        "recordDecision",
        {
            "title": "x",
            "context": "c",
            "outcome": "o",
            "rationale": "r",
            "linkIds": [team["team"]["id"]],
        },
        "decision { id }",
    )
    assert user_errors(bad_link) == [(["input", "linkIds", "0"], "INVALID")]
    assert await event_count(database) == before + 1
