"""Signed-in board sessions over real HTTP, for the tests of the board's pages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx

from tests.support.graphql import GraphQLClient

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
XSS = "<img src=x onerror=alert(1)>"


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


async def board_session(live_server: str, secret: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as browser:
        form = await browser.get("/sign-in")
        signed = await browser.post("/sign-in", data={"token": secret, "csrf": csrf_of(form)})
        assert signed.status_code == 303, signed.text
        yield browser


async def projected(client: GraphQLClient, roadmap: str, payload: dict[str, Any]) -> None:
    """Once the read models, which the pages read, show a mutation's change."""
    await client.execute(
        "query($id: ID!, $at: String) { roadmap(id: $id, consistentWith: $at) { id } }",
        {"id": roadmap, "at": str(payload["position"])},
    )
