"""The replay policy (``projections.read_model``): a batch is applied exactly once.

Handlers are not idempotent (additive updates, plain inserts), so a batch applied twice
must never pass silently: the tracking check refuses it, and were it forced in past that
check, the read models' unique keys would stop it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import asyncpg
import pytest

from backend.application import Roadlog
from backend.database import DatabaseTarget
from projections.batch import (
    Batch,
    Destination,
    StatementFailed,
    TrackingMoved,
    commit_batch,
    ensure_tracking,
    execute_script,
    read_batch,
    read_positions,
)
from projections.catalog import READ_MODELS
from projections.rebuild import prepare
from tests.projections.toys import TOY_MODELS, assert_exactly_once, record, tracking
from tests.support.retro import Story, a_caller


async def whole_log(
    app: Roadlog, conn: asyncpg.Connection, destinations: Sequence[Destination]
) -> Batch:
    """The whole log as one batch for ``destinations``, composed against their tracking."""
    names = [destination.tracking_name for destination in destinations]
    await ensure_tracking(conn, names)
    positions = await read_positions(conn, names)
    return await asyncio.to_thread(read_batch, app, destinations, positions, 1000)


async def test_a_batch_committed_twice_is_refused_and_changes_nothing(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    position = await asyncio.to_thread(record, app, 2, 3)
    destinations = [Destination.live(model) for model in TOY_MODELS]
    batch = await whole_log(app, conn, destinations)
    await commit_batch(conn, batch, destinations, announce=False)

    with pytest.raises(TrackingMoved):
        await commit_batch(conn, batch, destinations, announce=False)

    await assert_exactly_once(conn, app, position)
    assert await tracking(conn) == {"toy_counts": position, "toy_positions": position}


async def test_a_rebuild_batch_committed_twice_is_refused_and_changes_nothing(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    """As a rebuild commits its batches: without waiting for the WAL flush."""
    position = await asyncio.to_thread(record, app, 2, 3)
    for model in TOY_MODELS:
        await prepare(conn, model)
    destinations = [Destination.rebuild(model) for model in TOY_MODELS]
    batch = await whole_log(app, conn, destinations)
    await commit_batch(conn, batch, destinations, announce=False, durable=False)

    with pytest.raises(TrackingMoved):
        await commit_batch(conn, batch, destinations, announce=False, durable=False)

    await assert_exactly_once(conn, app, position, schema_suffix="__rebuild")


async def test_a_batch_forced_in_twice_fails_on_a_unique_key_in_every_read_model(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    story = Story(app, a_caller())
    team = story.run("create_team", name="SRE")
    roadmap = story.later().run("create_roadmap", name="Platform", team_id=team)
    story.later().run("propose_initiative", roadmap_id=roadmap, title="New CI", goal="g")
    story.later().run("record_decision", title="Use CI", context="c", outcome="o", rationale="r")
    story.later().run("create_objective", title="Reliable", period="2026-Q1", level="COMPANY")
    story.later().run("post_status_update", roadmap_id=roadmap, health="ON_TRACK", body="b")
    destinations = [Destination.live(model) for model in READ_MODELS]
    batch = await whole_log(app, conn, destinations)
    await commit_batch(conn, batch, destinations, announce=False)

    refused: dict[str, str | None] = {}
    for destination in destinations:
        refused[destination.model.name] = None
        try:
            async with conn.transaction():
                await execute_script(conn, batch.scripts[destination.tracking_name])
        except StatementFailed as failure:
            refused[destination.model.name] = type(failure.__cause__).__name__

    assert refused == dict.fromkeys(refused, "UniqueViolationError")
