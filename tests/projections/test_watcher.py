"""The watcher of every API process: read-your-writes and subscriptions after commit."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from backend.application import Roadlog
from backend.database import DatabaseTarget
from projections.projector import Projector
from projections.watcher import (
    BatchStream,
    ConsistencyTimeout,
    ProjectedBatch,
    ProjectionWatcher,
)
from tests.projections.toys import TOY_MODELS, Counter, record, running, until

LISTENING_BACKEND = """
    SELECT pid FROM pg_stat_activity
    WHERE datname = current_database() AND query = 'LISTEN "roadlog_projected"'
"""


@asynccontextmanager
async def watching(watcher: ProjectionWatcher) -> AsyncIterator[ProjectionWatcher]:
    task = asyncio.create_task(watcher.run())
    try:
        await until(lambda: watcher.listening, "the watcher to listen")
        yield watcher
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_wait_for_returns_once_the_write_is_visible(
    app: Roadlog, toy_database: DatabaseTarget, pool: asyncpg.Pool, conn: asyncpg.Connection
) -> None:
    watcher = ProjectionWatcher(toy_database, pool, TOY_MODELS, poll_seconds=60)
    projector = Projector(app, toy_database, TOY_MODELS, poll_seconds=60)
    async with watching(watcher), running(projector):
        counter = Counter("mine")
        position = (await asyncio.to_thread(app.save, counter))[-1].notification.id
        await watcher.wait_for(position, timeout=5)
        label = await conn.fetchval(
            "SELECT label FROM toy_counts.counts WHERE originator_id = $1", counter.id
        )

    assert label == "mine"
    assert watcher.position == position


async def test_wait_for_gives_up_after_the_bound_saying_how_far_it_got(
    app: Roadlog, toy_database: DatabaseTarget, pool: asyncpg.Pool
) -> None:
    watcher = ProjectionWatcher(toy_database, pool, TOY_MODELS, poll_seconds=60)
    position = await asyncio.to_thread(record, app, 1, 0)
    async with watching(watcher):
        started = time.monotonic()
        with pytest.raises(ConsistencyTimeout) as raised:
            await watcher.wait_for(position, timeout=0.2)
        took = time.monotonic() - started

    assert (raised.value.position, raised.value.reached) == (position, 0)
    assert 0.2 <= took < 1.0
    assert watcher._waiters == []


async def test_subscribers_receive_each_batch_after_it_committed(
    app: Roadlog, toy_database: DatabaseTarget, pool: asyncpg.Pool, conn: asyncpg.Connection
) -> None:
    watcher = ProjectionWatcher(toy_database, pool, TOY_MODELS, poll_seconds=60)
    projector = Projector(app, toy_database, TOY_MODELS, batch_size=3)
    position = await asyncio.to_thread(record, app, 2, 3)
    received: list[ProjectedBatch] = []
    visible: list[int] = []
    async with watching(watcher), watcher.batches() as stream, running(projector):
        async for batch in stream:
            received.append(batch)
            visible.append(await conn.fetchval("SELECT max(position) FROM toy_positions.seen"))
            if batch.position == position:
                break

    # One range per batch (3, 6, 8), unless a poll saw two commits before their NOTIFYs
    # arrived: ranges may then be wider, but they chain without gaps or overlaps.
    assert chained(received, position)
    assert {batch.position for batch in received} <= {3, 6, 8}
    # Each batch is already committed when it arrives (later ones may be too).
    assert all(seen >= batch.position for seen, batch in zip(visible, received, strict=True))


async def test_a_slow_subscriber_gets_wider_ranges_and_holds_nobody_up(
    app: Roadlog, toy_database: DatabaseTarget, pool: asyncpg.Pool
) -> None:
    watcher = ProjectionWatcher(toy_database, pool, TOY_MODELS, poll_seconds=60, queue_size=2)
    projector = Projector(app, toy_database, TOY_MODELS, batch_size=2)
    position = await asyncio.to_thread(record, app, 3, 3)
    fast: list[ProjectedBatch] = []
    async with watching(watcher), watcher.batches() as slow, watcher.batches() as quick:
        async with running(projector):
            async for batch in quick:
                fast.append(batch)
                if batch.position == position:
                    break
        pending = [slow._pending.popleft() for _ in range(len(slow._pending))]

    assert chained(fast, position)
    assert len(fast) > 2
    assert chained(pending, position)
    assert len(pending) == 2
    assert slow.coalesced == len(fast) - 2


def chained(batches: list[ProjectedBatch], position: int) -> bool:
    """Whether ``batches`` cover 0..position, each starting where the previous ended."""
    starts = [batch.previous for batch in batches]
    ends = [batch.position for batch in batches]
    return starts == [0, *ends[:-1]] and ends[-1] == position


def test_a_full_stream_widens_its_newest_batch() -> None:
    stream = BatchStream(limit=2)
    for previous in range(0, 10, 2):
        stream.push(ProjectedBatch(previous, previous + 2))
    stream.push(ProjectedBatch(10, 10, frozenset({"toy_counts"})))

    assert list(stream._pending) == [
        ProjectedBatch(0, 2),
        ProjectedBatch(2, 10, frozenset({"toy_counts"})),
    ]


async def test_polling_notices_what_no_notification_said(
    toy_database: DatabaseTarget, pool: asyncpg.Pool, conn: asyncpg.Connection
) -> None:
    # Not much shorter: the poll interval is also the LISTEN connection's liveness check,
    # which a loaded machine can miss at 0.1 s, making the listener reconnect in a loop.
    watcher = ProjectionWatcher(toy_database, pool, TOY_MODELS, poll_seconds=0.5)
    async with watching(watcher):
        await conn.execute(
            "INSERT INTO roadlog.tracking (name, position)"
            " VALUES ('toy_counts', 7), ('toy_positions', 5)"
        )
        await watcher.wait_for(5, timeout=5)

    assert watcher.position == 5


async def test_the_watcher_listens_again_after_its_connection_dies(
    app: Roadlog, toy_database: DatabaseTarget, pool: asyncpg.Pool, conn: asyncpg.Connection
) -> None:
    watcher = ProjectionWatcher(toy_database, pool, TOY_MODELS, poll_seconds=60)
    projector = Projector(app, toy_database, TOY_MODELS)
    async with watching(watcher), running(projector):
        listening = await conn.fetchval(LISTENING_BACKEND)
        await conn.execute("SELECT pg_terminate_backend($1)", listening)
        await until(lambda: not watcher.listening, "the watcher to notice")
        await until(lambda: watcher.listening, "the watcher to listen again")
        position = await asyncio.to_thread(record, app, 1, 1)
        started = time.monotonic()
        await watcher.wait_for(position, timeout=5)

    assert time.monotonic() - started < 1.0
