"""The event log is append-only in the database itself: no statement rewrites history."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from backend.application import Caller
from backend.bootstrap import Services


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE public.roadlog_events SET topic = 'rewritten'",
        "DELETE FROM public.roadlog_events",
        "TRUNCATE public.roadlog_events",
    ],
)
async def test_updating_deleting_or_truncating_events_is_refused(
    services: Services, statement: str
) -> None:
    caller = Caller(workspace_id=uuid.uuid4(), actor="a")
    services.app.create_team(caller, name="SRE")
    async with services.pool.acquire() as conn:
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
            await conn.execute(statement)
        assert await conn.fetchval("SELECT count(*) FROM public.roadlog_events") == 1
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM public.roadlog_events WHERE topic = 'rewritten'"
            )
            == 0
        )
