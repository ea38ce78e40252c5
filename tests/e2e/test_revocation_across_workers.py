"""``roadlog token revoke`` closes the token's WebSockets in every ``serve --workers``
process, as a person runs it: separate processes sharing one database."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest

from backend.database import DatabaseTarget
from backend.tokens import Role, Tokens
from tests.support.process import roadlog, serving
from tests.support.settings import database_environment
from tests.support.sockets import acknowledged, closed, receive, subscribe

pytestmark = pytest.mark.slow

SOCKETS = 8
"""Enough connections that both workers accept some (the kernel deals them out)."""

CLOSE_SECONDS = 10


async def test_token_revoke_closes_the_tokens_sockets_in_every_worker(
    database: DatabaseTarget, tokens: Tokens
) -> None:
    info, secret = await tokens.create(Role.VIEWER, "departing", "acme")
    _, other = await tokens.create(Role.VIEWER, "remaining", "acme")
    env = {**database_environment(database), "ROADLOG_TOKEN_RECHECK_SECONDS": "3600"}
    with serving("--workers", "2", "--no-projector", env=env) as served:
        async with AsyncExitStack() as stack:
            revoked = [
                await stack.enter_async_context(acknowledged(served.url, secret))
                for _ in range(SOCKETS)
            ]
            remaining = await stack.enter_async_context(acknowledged(served.url, other))
            for socket in revoked:
                await subscribe(socket, "1", "subscription { timelineEntries { summary } }")
            done = await asyncio.to_thread(roadlog, "token", "revoke", str(info.id), env=env)
            assert done.returncode == 0, done.stderr
            outcomes = await asyncio.gather(*(closed(socket, CLOSE_SECONDS) for socket in revoked))
            await subscribe(remaining, "1", "{ viewer { actor } }")
            answer = await receive(remaining)
        status, _, stderr = served.stop()
    assert outcomes == [(4403, "Forbidden")] * SOCKETS
    assert answer["payload"] == {"data": {"viewer": {"actor": "remaining"}}}
    assert status == 0, stderr
    assert "Traceback" not in stderr
