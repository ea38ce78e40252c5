"""Correcting and removing key results over HTTP: progress follows the new target, the
timeline tells both, and every refusal records nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backend.database import DatabaseTarget
from tests.api.test_mutations_okr_and_decisions import objective_with_key_result
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors

KEY_RESULT = "keyResult { id title unit targetValue progress }"
OBJECTIVE = "objective { id progress keyResults { title } }"

SUMMARIES = """
query ($subject: ID) {
  timeline(subjectId: $subject, first: 20) {
    edges { node { type summary changes { field from to } } }
  }
}
"""


async def refused(
    client: GraphQLClient, database: DatabaseTarget, name: str, input: dict[str, Any]
) -> dict[str, Any]:
    before = await event_count(database)
    payload = await mutate(client, name, input, "__typename")
    assert payload["position"] is None
    assert await event_count(database) == before
    return payload


async def test_update_key_result_recomputes_progress_and_tells_the_change(
    client: GraphQLClient,
) -> None:
    _, key_result_id = await objective_with_key_result(client)
    await mutate(client, "checkInKeyResult", {"keyResultId": key_result_id, "value": 6})
    payload = await mutate(
        client,
        "updateKeyResult",
        {"keyResultId": key_result_id, "title": "Lead time (p50)", "targetValue": 8},
        KEY_RESULT,
    )
    assert payload["userErrors"] == []
    assert payload["keyResult"] == {
        "id": key_result_id,
        "title": "Lead time (p50)",
        "unit": "days",
        "targetValue": 8,
        "progress": 1,
    }
    data = await client.execute(SUMMARIES, {"subject": key_result_id})
    [latest, *_] = [edge["node"] for edge in data["timeline"]["edges"]]
    assert latest["type"] == "KeyResultUpdated"
    assert latest["summary"] == (
        "Changed key result 'Lead time' of 'Ship faster':"
        " title from 'Lead time' to 'Lead time (p50)', targetValue from 2 to 8"
    )
    assert latest["changes"] == [
        {"field": "title", "from": '"Lead time"', "to": '"Lead time (p50)"'},
        {"field": "targetValue", "from": "2.0", "to": "8.0"},
    ]


async def test_update_key_result_refuses_a_target_equal_to_the_start_a_blank_title_and_a_stranger(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    objective_id, key_result_id = await objective_with_key_result(client)
    payload = await refused(
        client, database, "updateKeyResult", {"keyResultId": key_result_id, "targetValue": 10}
    )
    assert user_errors(payload) == [(["input", "targetValue"], "INVALID")]
    assert "10" in payload["userErrors"][0]["message"]
    payload = await refused(
        client, database, "updateKeyResult", {"keyResultId": key_result_id, "title": " "}
    )
    assert user_errors(payload) == [(["input", "title"], "INVALID")]
    payload = await refused(
        client, database, "updateKeyResult", {"keyResultId": objective_id, "title": "x"}
    )
    assert user_errors(payload) == [(["input", "keyResultId"], "NOT_FOUND")]


async def test_remove_key_result_needs_a_reason_and_leaves_the_objective_without_it(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    objective_id, key_result_id = await objective_with_key_result(client)
    await mutate(
        client,
        "addKeyResult",
        {
            "objectiveId": objective_id,
            "title": "Deploys",
            "unit": "",
            "startValue": 0,
            "targetValue": 10,
        },
    )
    payload = await refused(
        client, database, "removeKeyResult", {"keyResultId": key_result_id, "reason": ""}
    )
    assert user_errors(payload) == [(["input", "reason"], "REASON_REQUIRED")]
    payload = await mutate(
        client,
        "removeKeyResult",
        {"keyResultId": key_result_id, "reason": "measured elsewhere"},
        OBJECTIVE,
    )
    assert payload["userErrors"] == []
    assert payload["objective"]["id"] == objective_id
    assert payload["objective"]["keyResults"] == [{"title": "Deploys"}]
    again = await refused(
        client, database, "removeKeyResult", {"keyResultId": key_result_id, "reason": "again"}
    )
    assert user_errors(again) == [(["input", "keyResultId"], "NOT_FOUND")]
    data = await client.execute(SUMMARIES, {"subject": key_result_id})
    summaries = [edge["node"]["summary"] for edge in data["timeline"]["edges"]]
    assert summaries[0] == "Removed key result 'Lead time' from 'Ship faster': measured elsewhere"


async def test_an_alignment_read_as_of_before_the_removal_still_names_its_key_result(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    _, key_result_id = await objective_with_key_result(client)
    roadmap = await mutate(client, "createRoadmap", {"name": "R", "cadence": {}}, "roadmap { id }")
    roadmap_id = roadmap["roadmap"]["id"]
    initiative = await mutate(
        client,
        "proposeInitiative",
        {"roadmapId": roadmap_id, "title": "Build cache", "goal": "g"},
        "initiative { id }",
    )
    await mutate(
        client,
        "alignInitiative",
        {
            "initiativeId": initiative["initiative"]["id"],
            "keyResultId": key_result_id,
            "kind": "CONTRIBUTES",
        },
        "initiative { id }",
    )
    aligned_at = datetime.now(UTC).isoformat()
    await mutate(
        client,
        "removeKeyResult",
        {"keyResultId": key_result_id, "reason": "measured elsewhere"},
        "objective { id }",
    )
    query = """
    query ($id: ID!, $at: DateTime) {
      roadmap(id: $id, asOf: $at) { initiatives { alignments { keyResult { title } } } }
    }"""
    then = await client.execute(query, {"id": roadmap_id, "at": aligned_at})
    assert then["roadmap"]["initiatives"] == [
        {"alignments": [{"keyResult": {"title": "Lead time"}}]}
    ]
    now = await client.execute(query, {"id": roadmap_id, "at": None})
    assert now["roadmap"]["initiatives"] == [{"alignments": []}]
    # The alignment ended with its key result: there is nothing left to unalign.
    payload = await refused(
        client,
        database,
        "unalignInitiative",
        {"initiativeId": initiative["initiative"]["id"], "keyResultId": key_result_id},
    )
    assert user_errors(payload) == [(["input", "keyResultId"], "NOT_FOUND")]
