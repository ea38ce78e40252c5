"""A third-party client (gql, graphql-transport-ws over WebSocket) gets what the contract
promises: queries, mutations with userErrors, and both subscriptions fed after commits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from gql import Client, gql
from gql.transport.exceptions import TransportError
from gql.transport.websockets import WebsocketsTransport

from tests.support.graphql import GraphQLClient
from tests.support.mutations import mutate

RECEIVE_SECONDS = 10


@asynccontextmanager
async def session(live_server: str, token: str) -> AsyncIterator[Any]:
    transport = WebsocketsTransport(
        url=live_server.replace("http://", "ws://") + "/graphql",
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        init_payload={"authorization": f"Bearer {token}"},
    )
    async with Client(transport=transport) as connected:
        yield connected


async def test_a_query_over_the_websocket(live_server: str, admin_token: str) -> None:
    async with session(live_server, admin_token) as client:
        result = await client.execute(gql("{ viewer { actor role } }"))
    assert result == {"viewer": {"actor": "admin", "role": "ADMIN"}}


async def test_a_mutation_with_user_errors(live_server: str, admin_token: str) -> None:
    async with session(live_server, admin_token) as client:
        result = await client.execute(
            gql(
                'mutation { createRoadmap(input: {name: "x",'
                " cadence: {fiscalYearStartMonth: 13}}) {"
                " roadmap { id } userErrors { field code } position } }"
            )
        )
    assert (
        result["createRoadmap"]
        == {
            "roadmap": None,
            "userErrors": [{"field": ["input", "cadence"], "code": "INVALID"}],
            "position": None,
        }
        or result["createRoadmap"]["userErrors"][0]["code"] == "INVALID"
    )


async def test_a_connection_without_a_valid_token_is_refused(live_server: str) -> None:
    with pytest.raises(TransportError):
        async with session(live_server, "rl_not-a-token") as client:
            await client.execute(gql("{ viewer { actor } }"))


async def test_roadmap_changed_emits_after_each_committed_change(
    live_server: str, admin_token: str, client: GraphQLClient
) -> None:
    roadmap = await mutate(client, "createRoadmap", {"name": "R", "cadence": {}}, "roadmap { id }")
    roadmap_id = roadmap["roadmap"]["id"]
    subscription = gql(
        "subscription($id: ID!) { roadmapChanged(roadmapId: $id) { name initiatives { title } } }"
    )
    subscription.variable_values = {"id": roadmap_id}
    async with session(live_server, admin_token) as ws:
        received: list[dict[str, Any]] = []

        async def listen() -> None:
            async for item in ws.subscribe(subscription):
                received.append(item["roadmapChanged"])
                if len(received) == 2:
                    return

        listening = asyncio.create_task(listen())
        await asyncio.sleep(0.3)  # the subscription is registered before the changes
        for title in ("pilot", "GA"):
            await mutate(
                client,
                "proposeInitiative",
                {"roadmapId": roadmap_id, "title": title, "goal": "g"},
                "initiative { id }",
            )
        await asyncio.wait_for(listening, RECEIVE_SECONDS)
    assert [item["initiatives"] for item in received] == [
        [{"title": "pilot"}],
        [{"title": "pilot"}, {"title": "GA"}],
    ]


async def test_timeline_entries_stream_new_entries_of_the_workspace(
    live_server: str, admin_token: str, client: GraphQLClient
) -> None:
    subscription = gql("subscription { timelineEntries { type actor summary position } }")
    async with session(live_server, admin_token) as ws:
        received: list[dict[str, Any]] = []

        async def listen() -> None:
            async for item in ws.subscribe(subscription):
                received.append(item["timelineEntries"])
                if len(received) == 2:
                    return

        listening = asyncio.create_task(listen())
        await asyncio.sleep(0.3)
        first = await mutate(client, "createTeam", {"name": "SRE"}, "team { id }")
        second = await mutate(client, "createTeam", {"name": "Platform"}, "team { id }")
        await asyncio.wait_for(listening, RECEIVE_SECONDS)
    assert [item["type"] for item in received] == ["TeamCreated", "TeamCreated"]
    assert [item["position"] for item in received] == [first["position"], second["position"]]
    assert all(item["actor"] == "admin" for item in received)
