"""Browser frontends on allowed origins work, over HTTP and WebSocket; other origins do not."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
import websockets

from backend.database import DatabaseTarget
from backend.settings import Settings
from schema.app import create_app
from tests.support.live import running

ALLOWED = "https://roadmaps.example.com"
OTHER = "https://evil.example.net"


@pytest.fixture
async def cors_server(settings: Settings, database: DatabaseTarget) -> AsyncIterator[str]:
    configured = settings.model_copy(update={"cors_origins": [ALLOWED]})
    async with running(create_app(configured, database)) as url:
        yield url


def preflight(origin: str) -> dict[str, str]:
    return {
        "origin": origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
    }


async def test_a_preflight_from_an_allowed_origin_is_answered(cors_server: str) -> None:
    async with httpx.AsyncClient(base_url=cors_server) as http:
        response = await http.options("/graphql", headers=preflight(ALLOWED))
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "authorization" in response.headers["access-control-allow-headers"].lower()


async def test_a_preflight_from_another_origin_is_refused(cors_server: str) -> None:
    async with httpx.AsyncClient(base_url=cors_server) as http:
        response = await http.options("/graphql", headers=preflight(OTHER))
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_a_request_from_an_allowed_origin_gets_the_cors_header(
    cors_server: str, admin_token: str
) -> None:
    async with httpx.AsyncClient(base_url=cors_server) as http:
        response = await http.post(
            "/graphql",
            json={"query": "{ viewer { actor } }"},
            headers={"origin": ALLOWED, "authorization": f"Bearer {admin_token}"},
        )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED


async def test_websocket_handshakes_follow_the_same_list(
    cors_server: str, admin_token: str
) -> None:
    url = cors_server.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(
        url,
        subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
        origin=websockets.Origin(ALLOWED),
    ) as socket:
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": admin_token}})
        )
        assert json.loads(await socket.recv())["type"] == "connection_ack"
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(
            url,
            subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
            origin=websockets.Origin(OTHER),
        ):
            pass
    assert refused.value.response.status_code == 403
