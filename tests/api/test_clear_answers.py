"""Clear answers over HTTP: blank required texts, unknown timeline types, naive instants,
and messages in the API's own words and ids."""

from __future__ import annotations

from typing import Any

import pytest

from backend.database import DatabaseTarget
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate, user_errors

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
