"""A mutation whose event store goes away: a coded 503, never "recorded", and recorded
once when the client retries with its idempotency key.

The embedded server itself is killed in tests/e2e/test_embedded_supervision.py; here the
event store's connection fails at a chosen moment, as it does when the server dies
between PostgreSQL's commit and the client hearing of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError, StoredEvent

from backend import recorder as recorder_module
from backend.database import DatabaseTarget
from backend.recorder import OrderedInsertRecorder
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count

CREATE_ROADMAP = """
mutation { createRoadmap(input: {name: "Platform", cadence: {}}) { roadmap { id } } }
"""
PROPOSE = """
mutation($input: ProposeInitiativeInput!) {
  proposeInitiative(input: $input) { userErrors { code message } position }
}
"""
TITLES = """
query($id: ID!, $at: String) { roadmap(id: $id, consistentWith: $at) { initiatives { title } } }
"""


class DyingServer:
    """The event store's inserts while the server dies: the first commits and loses its
    answer, every later one cannot connect, until ``revive()``."""

    def __init__(self) -> None:
        self.insert_once = recorder_module._library_insert
        self.committed = 0
        self.committed_events = 0
        self.down = True

    def insert(
        self, owner: OrderedInsertRecorder, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if not self.down:
            ids: Sequence[int] | None = self.insert_once(owner, stored_events, **kwargs)
            return ids
        if not self.committed:
            self.insert_once(owner, stored_events, **kwargs)
            self.committed += 1
            self.committed_events = len(stored_events)
        raise OperationalError("connection failed: server closed the connection unexpectedly")

    def revive(self) -> None:
        self.down = False


async def test_a_mutation_whose_event_store_dies_is_a_503_and_its_retry_records_once(
    client: GraphQLClient, database: DatabaseTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    roadmap = (await client.execute(CREATE_ROADMAP))["createRoadmap"]["roadmap"]["id"]
    variables = {
        "input": {"roadmapId": roadmap, "title": "CI", "goal": "green", "idempotencyKey": "ci-1"}
    }
    before = await event_count(database)
    dying = DyingServer()
    monkeypatch.setattr(recorder_module, "RETRY_SECONDS", 0.0)
    monkeypatch.setattr(recorder_module, "_library_insert", dying.insert)

    failed = await client.post(PROPOSE, variables)

    assert failed.status_code == 503, failed.text
    assert failed.headers["retry-after"].isdigit()
    body = failed.json()
    assert body["data"] is None  # no payload, no position: nothing said it was recorded
    assert [error["extensions"]["code"] for error in body["errors"]] == ["DATABASE_UNAVAILABLE"]
    assert "retry" in body["errors"][0]["message"]
    assert dying.committed == 1

    dying.revive()
    retried = await client.execute(PROPOSE, variables)
    again = await client.execute(PROPOSE, variables)

    payload = retried["proposeInitiative"]
    assert payload["userErrors"] == []
    assert again["proposeInitiative"]["position"] == payload["position"]
    recorded = await event_count(database) - before
    titles = await client.execute(TITLES, {"id": roadmap, "at": payload["position"]})
    assert [item["title"] for item in titles["roadmap"]["initiatives"]] == ["CI"]
    assert recorded == dying.committed_events  # the first commit is the only one
