"""The harness itself: each test has its own migrated database."""

from __future__ import annotations

from backend.bootstrap import Services


async def test_each_test_gets_a_migrated_database_with_an_empty_log(services: Services) -> None:
    async with services.pool.acquire() as conn:
        events = await conn.fetchval("SELECT count(*) FROM public.roadlog_events")
        applied = await conn.fetchval("SELECT count(*) FROM roadlog.schema_migrations")
    assert events == 0
    assert applied >= 3
