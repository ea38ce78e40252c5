"""Every malformed ``graphql-transport-ws`` message closes the socket with 4400 and a
reason; well-formed ones keep working."""

from __future__ import annotations

import json

import pytest

from backend.tokens import Tokens
from tests.support.sockets import acknowledged, closed, opened, receive, send, subscribe

CLOSE_SECONDS = 10

VIEWER = {"query": "{ viewer { actor } }"}

MALFORMED = {
    "null": "null",
    "number": "1",
    "string": '"x"',
    "array": "[]",
    "no-type": "{}",
    "number-type": '{"type": 5}',
    "unknown-type": '{"type": "bogus"}',
    "subscribe-without-id": json.dumps({"type": "subscribe", "payload": VIEWER}),
    "subscribe-with-number-id": json.dumps({"type": "subscribe", "id": 7, "payload": VIEWER}),
    "subscribe-with-empty-id": json.dumps({"type": "subscribe", "id": "", "payload": VIEWER}),
    "subscribe-without-payload": '{"type": "subscribe", "id": "1"}',
    "subscribe-with-null-payload": '{"type": "subscribe", "id": "1", "payload": null}',
    "subscribe-with-string-payload": '{"type": "subscribe", "id": "1", "payload": "x"}',
    "subscribe-without-query": '{"type": "subscribe", "id": "1", "payload": {}}',
    "subscribe-with-number-query": '{"type": "subscribe", "id": "1", "payload": {"query": 1}}',
    "subscribe-with-empty-query": '{"type": "subscribe", "id": "1", "payload": {"query": ""}}',
    "subscribe-with-array-variables": json.dumps(
        {"type": "subscribe", "id": "1", "payload": {**VIEWER, "variables": [1]}}
    ),
    "subscribe-with-number-operation-name": json.dumps(
        {"type": "subscribe", "id": "1", "payload": {**VIEWER, "operationName": 1}}
    ),
    "complete-without-id": '{"type": "complete"}',
    "ping-with-string-payload": '{"type": "ping", "payload": "x"}',
    "not-json": "{",
}


@pytest.mark.parametrize("frame", MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_malformed_message_closes_the_socket_with_4400(
    live_server: str, admin_token: str, frame: str
) -> None:
    async with acknowledged(live_server, f"Bearer {admin_token}") as socket:
        await socket.send(frame)
        code, reason = await closed(socket, CLOSE_SECONDS)
    assert code == 4400, (code, reason)
    assert reason


@pytest.mark.parametrize("frame", ["null", "1", '"x"', '{"type": "subscribe"}'])
async def test_a_malformed_first_message_closes_the_socket_with_4400(
    live_server: str, frame: str
) -> None:
    async with opened(live_server) as socket:
        await socket.send(frame)
        code, _reason = await closed(socket, CLOSE_SECONDS)
    assert code == 4400


async def test_the_reason_says_what_is_wrong(live_server: str, admin_token: str) -> None:
    async with acknowledged(live_server, f"Bearer {admin_token}") as socket:
        await socket.send('{"type": "subscribe", "id": "1", "payload": null}')
        _code, reason = await closed(socket, CLOSE_SECONDS)
    assert reason is not None and "payload" in reason and "null" in reason


async def test_a_connection_init_with_a_null_payload_is_refused_for_want_of_a_token(
    live_server: str,
) -> None:
    async with opened(live_server) as socket:
        await send(socket, {"type": "connection_init", "payload": None})
        code, reason = await closed(socket, CLOSE_SECONDS)
    assert (code, reason) == (4403, "Forbidden")


async def test_well_formed_messages_keep_working(live_server: str, admin_token: str) -> None:
    async with acknowledged(live_server, f"Bearer {admin_token}") as socket:
        await send(socket, {"type": "ping", "payload": None})
        assert await receive(socket) == {"type": "pong"}
        await send(socket, {"type": "ping", "payload": {"at": 1}})
        assert await receive(socket) == {"type": "pong"}
        await subscribe(socket, "1", "{ viewer { actor } }")
        assert await receive(socket) == {
            "id": "1",
            "type": "next",
            "payload": {"data": {"viewer": {"actor": "admin"}}},
        }
        assert await receive(socket) == {"id": "1", "type": "complete"}
        await send(
            socket,
            {
                "id": "2",
                "type": "subscribe",
                "payload": {**VIEWER, "variables": None, "operationName": None},
            },
        )
        assert (await receive(socket))["type"] == "next"


async def test_a_connection_while_the_database_is_unreachable_closes_with_try_again_later(
    live_server: str, admin_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unreachable(self: Tokens, secret: str) -> None:
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(Tokens, "authenticate", unreachable)
    async with opened(live_server) as socket:
        await send(socket, {"type": "connection_init", "payload": {"authorization": admin_token}})
        code, _ = await closed(socket, 10)
    assert code == 1013
