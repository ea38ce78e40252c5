"""A mutation waits for the read models only when its payload asks for the changed entity.

The server here runs no projector and waits up to a minute for read-your-writes, so a
mutation that waited would not answer within the bound below.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from backend.database import DatabaseTarget
from backend.settings import Settings
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate
from tests.support.settings import settings_for

WAIT_SECONDS = 60.0
ANSWER_WITHIN_SECONDS = 15.0

BY_FRAGMENT = """
mutation {
  createTeam(input: {name: "SRE"}) { ...Receipt }
}
fragment Receipt on CreateTeamPayload { __typename position userErrors { code } }
"""


@pytest.fixture
def settings(database: DatabaseTarget, tmp_path: Path) -> Settings:
    """No projector, and a long wait for the read models."""
    return settings_for(
        database, tmp_path, projector=False, consistency_timeout_seconds=WAIT_SECONDS
    )


async def test_a_payload_without_its_entity_answers_once_the_event_is_recorded(
    client: GraphQLClient, database: DatabaseTarget
) -> None:
    before = await event_count(database)

    payload = await asyncio.wait_for(
        mutate(client, "createTeam", {"name": "SRE"}), ANSWER_WITHIN_SECONDS
    )

    assert payload["userErrors"] == []
    assert int(payload["position"]) > 0
    assert await event_count(database) == before + 1


async def test_a_receipt_asked_through_a_fragment_does_not_wait_either(
    client: GraphQLClient,
) -> None:
    data = await asyncio.wait_for(client.execute(BY_FRAGMENT), ANSWER_WITHIN_SECONDS)

    assert data["createTeam"]["__typename"] == "CreateTeamPayload"
    assert int(data["createTeam"]["position"]) > 0
