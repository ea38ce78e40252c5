"""What a hostile or careless document gets: a coded refusal at once, never a stalled server.

Depth, aliases and cost are measured with each fragment once, so a document whose
fragments fan out is refused in milliseconds; a query still running at its time limit is
cut off; suggestions are off everywhere; a document with several operations needs
``operationName``; introspection can be turned off.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from backend.database import DatabaseTarget
from backend.settings import Settings
from schema.app import create_app
from schema.relay import to_global_id
from tests.support.graphql import GraphQLClient
from tests.support.live import running
from tests.support.mutations import event_count
from tests.support.process import serving
from tests.support.settings import database_environment, settings_for


def fan_out(levels: int) -> str:
    """``levels`` fragments, each spreading the one before twice: well under 2 kB that
    name 2^levels copies of one field."""
    fragments = ["fragment F0 on Query { viewer { actor } }"]
    for level in range(1, levels + 1):
        fragments.append(f"fragment F{level} on Query {{ ...F{level - 1} ...F{level - 1} }}")
    return f"query {{ ...F{levels} }} " + " ".join(fragments)


def codes(body: dict[str, Any]) -> set[str]:
    return {error["extensions"]["code"] for error in body.get("errors") or []}


def messages(body: dict[str, Any]) -> str:
    return " ".join(error["message"] for error in body.get("errors") or [])


async def answer(
    client: GraphQLClient, query: str, variables: dict[str, Any] | None = None, **body: Any
) -> dict[str, Any]:
    """The decoded answer to ``query`` (with extra request fields such as operationName)."""
    response = await client.http.post(
        "/graphql",
        json={"query": query, "variables": variables or {}, **body},
        headers={"authorization": f"Bearer {client.token}"},
    )
    assert response.status_code in (200, 400), response.text
    decoded: dict[str, Any] = response.json()
    return decoded


@asynccontextmanager
async def served_with(
    settings: Settings, database: DatabaseTarget, token: str
) -> AsyncIterator[GraphQLClient]:
    """A client of roadlog over real HTTP with these settings."""
    async with (
        running(create_app(settings, database)) as url,
        httpx.AsyncClient(base_url=url, timeout=60) as http,
    ):
        yield GraphQLClient(http, token)


@pytest.mark.slow
@pytest.mark.timeout(120)
async def test_a_fragment_fan_out_is_refused_at_once_while_healthz_answers(
    database: DatabaseTarget, admin_token: str, tmp_path: Path
) -> None:
    # A real server process: were validation to expand the fragments, its event loop
    # would block, and this test would time out instead of hanging with it.
    env = database_environment(database)
    with serving("--no-projector", "--data-dir", str(tmp_path / "data"), env=env) as served:
        async with httpx.AsyncClient(base_url=served.url, timeout=10) as http:
            started = time.monotonic()
            asked = asyncio.create_task(
                http.post(
                    "/graphql",
                    json={"query": fan_out(40)},
                    headers={"authorization": f"Bearer {admin_token}"},
                )
            )
            await asyncio.sleep(0.05)
            health = await http.get("/healthz")
            response = await asked
            elapsed = time.monotonic() - started
            after = await http.get("/healthz")
        status, _, _ = served.stop()
    assert health.status_code == 200 and after.status_code == 200
    body = response.json()
    assert codes(body) == {"LIMIT_EXCEEDED"}, body
    assert re.search(r"query cost \d+ exceeds the limit of 100000", messages(body)), body
    assert elapsed < 5, f"answered in {elapsed:.2f} s"
    assert status == 0, "SIGTERM ends the server"


async def test_aliases_spread_through_fragments_are_counted_at_each_spread(
    client: GraphQLClient,
) -> None:
    fragments = "fragment A on Viewer { a1: actor a2: actor } "
    fragments += "fragment B on Viewer { ...A ...A ...A ...A ...A ...A ...A ...A } "
    body = await answer(client, "{ viewer { ...B ...B } } " + fragments)
    assert codes(body) == {"LIMIT_EXCEEDED"}
    assert "32 aliases found. Allowed: 30" in messages(body)


UP = "fragment Up on Initiative { parent { parent { parent { parent { id } } } } }"
DEEPER = "fragment Deeper on Initiative { parent { parent { parent { parent { ...Up } } } } }"


async def test_depth_counts_through_fragments(client: GraphQLClient) -> None:
    # roadmaps, edges, node, initiatives, then 4 + 4 + 1 parents: 13.
    deep = "{ roadmaps { edges { node { initiatives { parent { ...Deeper } } } } } }"
    body = await answer(client, " ".join((deep, DEEPER, UP)))
    assert codes(body) == {"LIMIT_EXCEEDED"}
    assert "'anonymous' exceeds maximum operation depth of 12" in messages(body)
    twelve = "{ roadmaps { edges { node { initiatives { ...Deeper } } } } }"
    assert "errors" not in await answer(client, " ".join((twelve, DEEPER, UP)))


ROADMAP_WITH_HISTORIES = """
  roadmap(id: $id) {
    name
    initiatives {
      id title status
      deliverables { id title status estimateWeeks }
      history { edges { node { type summary at actor changes { field from to } } } }
    }
  }
"""


async def test_thirty_aliases_of_a_roadmap_with_histories_are_refused_with_their_cost(
    client: GraphQLClient,
) -> None:
    one = "query ($id: ID!) { " + ROADMAP_WITH_HISTORIES + " }"
    roadmap_id = to_global_id("Roadmap", uuid4())
    assert "errors" not in await answer(client, one, {"id": roadmap_id})
    thirty = " ".join(f"r{i}: {ROADMAP_WITH_HISTORIES.strip()}" for i in range(30))
    body = await answer(client, "query ($id: ID!) { " + thirty + " }", {"id": roadmap_id})
    assert codes(body) == {"LIMIT_EXCEEDED"}
    match = re.search(r"query cost (\d+) exceeds the limit of 100000", messages(body))
    assert match and int(match.group(1)) > 100_000, body


async def test_the_cost_limit_is_a_setting_and_page_sizes_count(
    database: DatabaseTarget, admin_token: str, tmp_path: Path
) -> None:
    settings = settings_for(database, tmp_path, max_cost=30)
    query = "query ($n: Int) { roadmaps(first: $n) { edges { node { name } } } }"
    async with served_with(settings, database, admin_token) as client:
        # Each of the n roadmaps of the page: its place in the connection, its edge, its
        # node and the node's name.
        body = await answer(client, query, {"n": 8})
        assert codes(body) == {"LIMIT_EXCEEDED"}
        assert "query cost 32 exceeds the limit of 30" in messages(body)
        assert "errors" not in await answer(client, query, {"n": 7})
        # No first: the default page of 50.
        assert "query cost 200 exceeds the limit of 30" in messages(await answer(client, query))


async def test_a_query_running_past_the_time_limit_is_cut_off_and_the_server_stays_free(
    database: DatabaseTarget, admin_token: str, tmp_path: Path
) -> None:
    settings = settings_for(
        database, tmp_path, request_timeout_seconds=0.5, consistency_timeout_seconds=60
    )
    # A position the read models will not reach: the query waits for it.
    waiting = '{ timeline(consistentWith: "999999999") { edges { cursor } } }'
    async with served_with(settings, database, admin_token) as client:
        started = time.monotonic()
        asked = asyncio.create_task(answer(client, waiting))
        await asyncio.sleep(0.1)
        health = await client.http.get("/healthz")
        body = await asked
        elapsed = time.monotonic() - started
        assert "errors" not in await answer(client, "{ viewer { actor } }")
    assert health.status_code == 200
    assert codes(body) == {"LIMIT_EXCEEDED"}, body
    assert "the query ran longer than the limit of 0.5 s" in messages(body)
    assert body.get("data") is None
    assert elapsed < 10, f"cut off after {elapsed:.2f} s"


async def test_a_mutation_is_not_cut_off_by_the_query_time_limit(
    database: DatabaseTarget, admin_token: str, tmp_path: Path
) -> None:
    # No projector: the payload waits for a read model that never catches up, for the
    # consistency timeout (2 s), four times the query time limit.
    settings = settings_for(
        database,
        tmp_path,
        projector=False,
        request_timeout_seconds=0.5,
        consistency_timeout_seconds=2,
    )
    mutation = 'mutation { createTeam(input: {name: "SRE"}) { team { name } position } }'
    before = await event_count(database)
    async with served_with(settings, database, admin_token) as client:
        body = await answer(client, mutation)
    assert "errors" not in body, body
    assert body["data"]["createTeam"]["position"] is not None
    assert await event_count(database) == before + 1


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query ($n: Strin) { roadmaps(first: 1) { edges { cursor } } }", {}),
        ("{ roadmaps(frist: 1) { edges { cursor } } }", {}),
        ("{ estimateReport(groupBy: TEM) { group } }", {}),
        ('{ estimateReport(groupBy: TEAM, filter: {teamid: "x"}) { group } }', {}),
        ("query ($g: EstimateGrouping!) { estimateReport(groupBy: $g) { group } }", {"g": "TEM"}),
        (
            "query ($f: EstimateFilter) { estimateReport(groupBy: TEAM, filter: $f) { group } }",
            {"f": {"teamid": "x"}},
        ),
        ("{ viewer { acto } }", {}),
    ],
    ids=[
        "type",
        "argument",
        "enum-value",
        "input-field",
        "enum-value-variable",
        "input-field-variable",
        "field",
    ],
)
async def test_no_error_suggests_a_name(
    client: GraphQLClient, query: str, variables: dict[str, Any]
) -> None:
    body = await answer(client, query, variables)
    assert body.get("errors"), body
    assert codes(body) <= {"GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}, body
    assert "Did you mean" not in messages(body), body


TWO_OPERATIONS = "query Me { viewer { actor } } query Mine { viewer { role } }"


async def test_a_document_of_two_operations_needs_an_operation_name(
    client: GraphQLClient,
) -> None:
    body = await answer(client, TWO_OPERATIONS)
    assert codes(body) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "Must provide operation name if query contains multiple operations." in messages(body)
    assert body.get("data") is None
    chosen = await answer(client, TWO_OPERATIONS, operationName="Mine")
    assert chosen == {"data": {"viewer": {"role": "ADMIN"}}}


INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_introspection_is_on_by_default(client: GraphQLClient) -> None:
    body = await answer(client, INTROSPECTION)
    assert body == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def test_introspection_can_be_turned_off_and_graphiql_still_loads(
    database: DatabaseTarget, admin_token: str, tmp_path: Path
) -> None:
    settings = settings_for(database, tmp_path, introspection=False, dev=True)
    async with served_with(settings, database, admin_token) as client:
        for query in (INTROSPECTION, '{ __type(name: "Roadmap") { name } }'):
            body = await answer(client, query)
            assert codes(body) == {"GRAPHQL_VALIDATION_FAILED"}, body
            assert "introspection has been disabled" in messages(body)
        typename = await answer(client, "{ __typename viewer { actor } }")
        assert typename == {"data": {"__typename": "Query", "viewer": {"actor": "admin"}}}
        assert (await client.http.get("/graphiql")).status_code == 200
