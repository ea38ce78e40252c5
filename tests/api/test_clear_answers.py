"""Clear answers over HTTP: blank required texts, unknown timeline types, naive instants,
and messages in the API's own words and ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from backend.database import DatabaseTarget
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors
from tests.support.roadmap import uuid_of

DECISION = {"title": "Freeze", "context": "Audit", "outcome": "No deploys", "rationale": "Risk"}


async def top_level_errors(
    client: GraphQLClient, query: str, variables: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    response = await client.post(query, variables)
    assert response.status_code in (200, 400), response.text
    errors: list[dict[str, Any]] = response.json()["errors"]
    return errors


@pytest.mark.parametrize("field", ["rationale", "context", "outcome", "title"])
async def test_a_decision_with_a_blank_required_text_is_refused(
    client: GraphQLClient, database: DatabaseTarget, field: str
) -> None:
    before = await event_count(database)
    refused = await mutate(client, "recordDecision", {**DECISION, field: "  "})
    assert user_errors(refused) == [(["input", field], "INVALID")]
    assert "must not be blank" in refused["userErrors"][0]["message"]
    assert await event_count(database) == before


async def test_unknown_timeline_types_are_refused_with_the_accepted_ones(
    client: GraphQLClient,
) -> None:
    await mutate(client, "createTeam", {"name": "SRE"}, "team { id }")
    [error] = await top_level_errors(
        client, 'query { timeline(types: ["TeamCreated", "Bogus"]) { edges { cursor } } }'
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "'Bogus'" in error["message"]
    assert "TeamCreated" in error["message"]
    assert "InitiativeMoved" in error["message"]
    data = await client.execute('query { timeline(types: ["TeamCreated"]) { edges { cursor } } }')
    assert len(data["timeline"]["edges"]) == 1


async def test_messages_name_fields_as_the_api_does(client: GraphQLClient) -> None:
    refused = await mutate(
        client, "createRoadmap", {"name": "R", "cadence": {"fiscalYearStartMonth": 13}}
    )
    [error] = refused["userErrors"]
    assert error["field"] == ["input", "cadence", "fiscalYearStartMonth"]
    assert error["message"] == "fiscalYearStartMonth 13 is not a month (1..12)"
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    refused = await mutate(client, "createTeam", {"name": "SRE", "effectiveAt": future})
    [error] = refused["userErrors"]
    assert error["message"].startswith(f"effectiveAt {future!r} is in the future")


async def test_messages_quote_the_global_ids_the_api_hands_out(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    roadmap = await mutate(client, "createRoadmap", {"name": "R", "cadence": {}}, "roadmap { id }")
    roadmap_id = roadmap["roadmap"]["id"]
    ids = []
    for title in ("A", "B"):
        proposed = await mutate(
            client,
            "proposeInitiative",
            {"roadmapId": roadmap_id, "title": title, "goal": "g"},
            "initiative { id }",
        )
        ids.append(proposed["initiative"]["id"])
    before = await event_count(database)
    stale = await mutate(
        client,
        "moveInitiative",
        {
            "roadmapId": roadmap_id,
            "initiativeId": ids[1],
            "toPosition": 1,
            "reason": "r",
            "expectedVersion": 1,
        },
    )
    [error] = stale["userErrors"]
    assert error["code"] == "CONFLICT"
    assert error["message"].startswith(f"Roadmap {roadmap_id!r} is at version 3")
    assert str(uuid_of(roadmap_id)) not in error["message"]
    missing = str(to_global_id("Deliverable", uuid_of(ids[0]), uuid4()))
    refused = await mutate(
        client, "changeDeliverableStatus", {"deliverableId": missing, "status": "DONE"}
    )
    assert refused["userErrors"] == [
        {
            "field": ["input", "deliverableId"],
            "code": "NOT_FOUND",
            "message": f"Deliverable {missing!r} not found",
        }
    ]
    assert await event_count(database) == before


NAIVE = "2026-03-01T09:00:00"


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        pytest.param(
            "query($id: ID!, $t: DateTime) { roadmap(id: $id, asOf: $t) { name } }",
            {"t": NAIVE},
            id="asOf",
        ),
        pytest.param(
            "query($id: ID!, $t: DateTime!) { roadmapDiff(id: $id, from: $t, to: $t) {"
            " __typename } }",
            {"t": NAIVE},
            id="roadmapDiff",
        ),
        pytest.param(
            f'query($id: ID!) {{ roadmapDiff(id: $id, from: "{NAIVE}Z", to: "{NAIVE}") {{'
            " __typename } }",
            {},
            id="roadmapDiff literal",
        ),
        pytest.param(
            "query($t: DateTime) { timeline(since: $t) { edges { cursor } } }",
            {"t": NAIVE},
            id="timeline since",
        ),
        pytest.param(
            "query($f: EstimateFilter) { estimateReport(groupBy: TEAM, filter: $f) { group } }",
            {"f": {"until": NAIVE}},
            id="estimateReport filter",
        ),
        pytest.param(
            "mutation($input: CreateTeamInput!) { createTeam(input: $input) { position } }",
            {"input": {"name": "SRE", "effectiveAt": NAIVE}},
            id="effectiveAt",
        ),
        pytest.param(
            f'mutation {{ createTeam(input: {{name: "SRE", effectiveAt: "{NAIVE}"}}) {{'
            " position } }",
            {},
            id="effectiveAt literal",
        ),
    ],
)
async def test_a_date_time_without_offset_is_bad_user_input_in_every_field(
    client: GraphQLClient, database: DatabaseTarget, query: str, variables: dict[str, Any]
) -> None:
    roadmap = await mutate(client, "createRoadmap", {"name": "R", "cadence": {}}, "roadmap { id }")
    before = await event_count(database)
    errors = await top_level_errors(client, query, {"id": roadmap["roadmap"]["id"], **variables})
    assert [error["extensions"]["code"] for error in errors] == ["BAD_USER_INPUT"]
    assert f"{NAIVE!r} has no UTC offset" in errors[0]["message"]
    assert await event_count(database) == before


async def test_a_date_time_with_offset_is_an_instant(client: GraphQLClient) -> None:
    roadmap = await mutate(client, "createRoadmap", {"name": "R", "cadence": {}}, "roadmap { id }")
    data = await client.execute(
        "query($id: ID!, $t: DateTime) { roadmap(id: $id, asOf: $t) { name asOf } }",
        {"id": roadmap["roadmap"]["id"], "t": "2099-01-01T00:00:00+02:00"},
    )
    assert data["roadmap"] == {"name": "R", "asOf": "2099-01-01T00:00:00+02:00"}
