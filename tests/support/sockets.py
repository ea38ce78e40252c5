"""A raw ``graphql-transport-ws`` client for tests: frames as sent, close codes as seen."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

PROTOCOL = websockets.Subprotocol("graphql-transport-ws")


def socket_url(base_url: str) -> str:
    return base_url.replace("http://", "ws://") + "/graphql"


@asynccontextmanager
async def opened(base_url: str) -> AsyncIterator[ClientConnection]:
    """A WebSocket to ``/graphql`` that has not said anything yet."""
    async with websockets.connect(socket_url(base_url), subprotocols=[PROTOCOL]) as socket:
        yield socket


@asynccontextmanager
async def acknowledged(base_url: str, token: str) -> AsyncIterator[ClientConnection]:
    """A WebSocket to ``/graphql`` whose ``connection_init`` with ``token`` was acknowledged."""
    async with opened(base_url) as socket:
        await send(socket, {"type": "connection_init", "payload": {"authorization": token}})
        assert (await receive(socket))["type"] == "connection_ack"
        yield socket


async def send(socket: ClientConnection, message: dict[str, Any]) -> None:
    await socket.send(json.dumps(message))


async def receive(socket: ClientConnection, seconds: float = 10) -> dict[str, Any]:
    async with asyncio.timeout(seconds):
        message: dict[str, Any] = json.loads(await socket.recv())
    return message


async def subscribe(
    socket: ClientConnection,
    operation_id: str,
    query: str,
    variables: dict[str, Any] | None = None,
) -> None:
    payload = {"query": query, "variables": variables or {}}
    await send(socket, {"id": operation_id, "type": "subscribe", "payload": payload})


async def closed(socket: ClientConnection, seconds: float) -> tuple[int | None, str | None]:
    """Wait up to ``seconds`` for the server to close ``socket``; its code and reason.

    Messages received meanwhile are dropped. Raises TimeoutError if it stays open.
    """
    async with asyncio.timeout(seconds):
        with suppress(websockets.ConnectionClosed):
            async for _message in socket:
                pass
    return socket.close_code, socket.close_reason
