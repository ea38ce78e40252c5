"""A WebSocket lives only as long as its token: a revocation closes the token's open
sockets with 4403 within seconds, in every API process, and no operation runs on them
after it; sockets of live tokens keep working."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, suppress

import asyncpg
import pytest
import websockets

from backend.database import DatabaseTarget
from backend.settings import Settings
from backend.tokens import Role, Tokens
from schema.app import create_app
from tests.support.graphql import GraphQLClient
from tests.support.live import running
from tests.support.sockets import acknowledged, closed, receive, subscribe

NOTIFIED_SECONDS = 5
"""Bound on closing a socket once the revocation is committed (it takes milliseconds)."""

NEVER_SECONDS = 3600.0
"""A re-check period no test waits for: closes within the bound come from the NOTIFY."""

TIMELINE = "subscription { timelineEntries { type actor summary } }"
CREATE_TEAM = 'mutation { createTeam(input: {name: "%s"}) { team { name } position } }'
TEAMS = "{ teams { name } }"


@asynccontextmanager
async def api_process(
    settings: Settings, database: DatabaseTarget, recheck_seconds: float
) -> AsyncIterator[str]:
    """One more roadlog API process (its own pools and listener) on the test's database."""
    configured = settings.model_copy(update={"token_recheck_seconds": recheck_seconds})
    async with running(create_app(configured, database)) as url:
        yield url


async def revoke_without_notifying(database: DatabaseTarget, token_id: uuid.UUID) -> None:
    """A revocation whose notification is lost (as while a listener reconnects)."""
    conn = await asyncpg.connect(**database.asyncpg_kwargs())
    try:
        await conn.execute(
            "UPDATE roadlog.api_tokens SET revoked_at = now() WHERE id = $1", token_id
        )
    finally:
        await conn.close()


async def team_names(client: GraphQLClient) -> list[str]:
    """The workspace's teams once a "control" team created now is visible: anything an
    operation recorded before it is visible too."""
    created = await client.execute(CREATE_TEAM % "control")
    position = str(created["createTeam"]["position"])
    response = await client.post(TEAMS, headers={"roadlog-consistent-with": position})
    assert response.status_code == 200, response.text
    return sorted(team["name"] for team in response.json()["data"]["teams"])


async def test_a_revocation_closes_the_tokens_subscription_with_4403(
    settings: Settings, database: DatabaseTarget, tokens: Tokens
) -> None:
    info, secret = await tokens.create(Role.VIEWER, "leaving", "acme")
    async with (
        api_process(settings, database, NEVER_SECONDS) as url,
        acknowledged(url, secret) as socket,
    ):
        await subscribe(socket, "1", TIMELINE)
        await tokens.revoke(str(info.id))
        code, reason = await closed(socket, NOTIFIED_SECONDS)
    assert (code, reason) == (4403, "Forbidden")


async def test_a_revocation_closes_the_tokens_sockets_in_every_api_process(
    settings: Settings, database: DatabaseTarget, tokens: Tokens
) -> None:
    info, secret = await tokens.create(Role.EDITOR, "everywhere", "acme")
    async with AsyncExitStack() as stack:
        sockets = []
        for _process in range(2):
            url = await stack.enter_async_context(api_process(settings, database, NEVER_SECONDS))
            socket = await stack.enter_async_context(acknowledged(url, secret))
            await subscribe(socket, "1", TIMELINE)
            sockets.append(socket)
        await tokens.revoke(str(info.id))
        outcomes = [await closed(socket, NOTIFIED_SECONDS) for socket in sockets]
    assert outcomes == [(4403, "Forbidden"), (4403, "Forbidden")]


async def test_no_mutation_runs_on_a_socket_after_its_token_is_revoked(
    settings: Settings, database: DatabaseTarget, tokens: Tokens, client: GraphQLClient
) -> None:
    info, secret = await tokens.create(Role.EDITOR, "late-editor", "acme")
    async with (
        api_process(settings, database, NEVER_SECONDS) as url,
        acknowledged(url, secret) as socket,
    ):
        await subscribe(socket, "1", CREATE_TEAM % "before")
        assert (await receive(socket))["payload"]["data"]["createTeam"]["team"] == {
            "name": "before"
        }
        # The notification is lost: only the check of each operation stands in the way.
        await revoke_without_notifying(database, info.id)
        await subscribe(socket, "2", CREATE_TEAM % "after")
        code, reason = await closed(socket, NOTIFIED_SECONDS)
    assert (code, reason) == (4403, "Forbidden")
    assert await team_names(client) == ["before", "control"]


async def test_a_mutation_sent_after_tokens_revoke_is_refused(
    settings: Settings, database: DatabaseTarget, tokens: Tokens, client: GraphQLClient
) -> None:
    info, secret = await tokens.create(Role.EDITOR, "revoked-editor", "acme")
    async with (
        api_process(settings, database, NEVER_SECONDS) as url,
        acknowledged(url, secret) as socket,
    ):
        await tokens.revoke(str(info.id))
        # Sent at once: the socket may or may not be closed yet; either way nothing runs
        # (sending on a socket the server has already closed raises on the client's side).
        with suppress(websockets.ConnectionClosed):
            await subscribe(socket, "1", CREATE_TEAM % "after")
        code, _reason = await closed(socket, NOTIFIED_SECONDS)
    assert code == 4403
    assert await team_names(client) == ["control"]


async def test_a_missed_notification_still_closes_the_socket_within_the_recheck(
    settings: Settings, database: DatabaseTarget, tokens: Tokens
) -> None:
    info, secret = await tokens.create(Role.VIEWER, "unheard", "acme")
    async with (
        api_process(settings, database, recheck_seconds=0.5) as url,
        acknowledged(url, secret) as socket,
    ):
        await subscribe(socket, "1", TIMELINE)
        await revoke_without_notifying(database, info.id)
        code, reason = await closed(socket, NOTIFIED_SECONDS)
    assert (code, reason) == (4403, "Forbidden")


async def test_a_socket_of_a_live_token_keeps_working(
    settings: Settings, database: DatabaseTarget, tokens: Tokens, client: GraphQLClient
) -> None:
    revoked, revoked_secret = await tokens.create(Role.VIEWER, "gone", "acme")
    _, live_secret = await tokens.create(Role.VIEWER, "staying", "acme")
    async with (
        api_process(settings, database, recheck_seconds=0.5) as url,
        acknowledged(url, live_secret) as live,
        acknowledged(url, revoked_secret) as gone,
    ):
        await subscribe(live, "1", TIMELINE)
        await subscribe(gone, "1", TIMELINE)
        await tokens.revoke(str(revoked.id))
        assert await closed(gone, NOTIFIED_SECONDS) == (4403, "Forbidden")
        await client.execute(CREATE_TEAM % "SRE")
        entry = await receive(live)
        assert entry["id"] == "1" and entry["payload"]["data"]["timelineEntries"]["actor"] == (
            "admin"
        )
        await subscribe(live, "2", "{ viewer { actor } }")
        assert (await receive(live))["payload"] == {"data": {"viewer": {"actor": "staying"}}}
        with pytest.raises(TimeoutError):
            await closed(live, 1.5)  # three re-checks: the live token's socket stays
