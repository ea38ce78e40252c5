"""The projector on PostgreSQL: exactly once, wakes on NOTIFY, one active per database."""

from __future__ import annotations

import asyncio
import logging

import asyncpg
import pytest

from backend import locks
from backend.application import Roadlog
from backend.database import DatabaseTarget
from projections.batch import PROJECTED_CHANNEL
from projections.projector import Projector
from projections.read_model import ReadModel, Statement
from tests.projections.toys import (
    COUNTS,
    POSITIONS,
    TOY_MODELS,
    Counter,
    assert_exactly_once,
    caught_up,
    payload,
    record,
    running,
    tracking,
    until,
)

LOCK_HOLDER = """
    SELECT pid FROM pg_locks
    WHERE locktype = 'advisory' AND granted
      AND classid = ($1::bigint >> 32)::oid AND objid = ($1::bigint & 4294967295)::oid
"""


async def test_projects_every_event_once_in_batches(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    position = await asyncio.to_thread(record, app, 3, 4)
    projector = Projector(app, toy_database, TOY_MODELS, batch_size=4)

    async with running(projector):
        await caught_up(projector, position)
        status = projector.status

    await assert_exactly_once(conn, app, position)
    assert await tracking(conn) == {"toy_counts": position, "toy_positions": position}
    assert status.state == "active"
    assert status.head == position
    assert status.lag == 0
    assert projector.status.state == "stopped"


async def test_wakes_on_the_event_store_notify_not_the_poll(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    projector = Projector(app, toy_database, TOY_MODELS, poll_seconds=60)
    async with running(projector):
        await until(lambda: projector.status.position == 0, "the projector to start")
        position = await asyncio.to_thread(record, app, 1, 1)
        took = await until(lambda: projector.status.position == position, "the new event", 5)

    assert took < 1.0
    await assert_exactly_once(conn, app, position)


async def test_announces_each_batch_in_its_transaction(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    announced: list[str] = []
    await conn.add_listener(PROJECTED_CHANNEL, lambda *args: announced.append(args[-1]))
    position = await asyncio.to_thread(record, app, 2, 2)
    projector = Projector(app, toy_database, TOY_MODELS, batch_size=4)

    async with running(projector):
        await caught_up(projector, position)
        await until(lambda: len(announced) == 2, "two announcements")

    first, second = (payload(text) for text in announced)
    assert (first["from"], first["to"]) == (0, 4)
    assert (second["from"], second["to"]) == (4, position)
    assert second["positions"] == {"toy_counts": position, "toy_positions": position}
    assert second["rebuilt"] == []


async def test_a_new_read_model_catches_up_alone(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    position = await asyncio.to_thread(record, app, 2, 3)
    only_counts = Projector(app, toy_database, [COUNTS], batch_size=3)
    async with running(only_counts):
        await caught_up(only_counts, position)

    both = Projector(app, toy_database, [COUNTS, POSITIONS], batch_size=3)
    async with running(both):
        await caught_up(both, position)

    await assert_exactly_once(conn, app, position)


async def test_two_projectors_one_active_and_the_lock_goes_with_its_connection(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    first = Projector(app, toy_database, TOY_MODELS, lock_retry_seconds=0.1)
    second = Projector(app, toy_database, TOY_MODELS, lock_retry_seconds=0.1)
    both_active = False
    # Between the kill and the moment the killed projector reads the closed socket, it
    # still says "active" while the other may already hold the lock. It cannot apply
    # anything then (its batches go through the dead connection; exactly-once is checked
    # below), so two "active" states count only outside that window.
    noticing = False

    def states() -> set[str]:
        nonlocal both_active
        pair = (first.status.state, second.status.state)
        both_active = both_active or (pair == ("active", "active") and not noticing)
        return set(pair)

    async with running(first), running(second):
        await until(lambda: states() == {"active", "standby"}, "one active, one standby")
        await asyncio.sleep(0.3)
        assert states() == {"active", "standby"}
        killed = first if first.status.state == "active" else second
        holder = await conn.fetchval(LOCK_HOLDER, locks.PROJECTOR)
        noticing = True
        await conn.execute("SELECT pg_terminate_backend($1)", holder)

        def killed_stopped() -> bool:
            states()
            return killed.status.state != "active"

        # It stops at once; then one of the two (either may win the lock) is active again.
        stopped = await until(killed_stopped, "the projector to stop")
        noticing = False
        took = await until(lambda: states() == {"active", "standby"}, "a projector to take over")
        position = await asyncio.to_thread(record, app, 2, 2)
        active = first if first.status.state == "active" else second
        await caught_up(active, position)

    assert not both_active
    assert stopped < 0.5
    assert took < 3.0
    await assert_exactly_once(conn, app, position)


def explode_on_thirteen(ticked: Counter.Ticked, _position: int) -> list[Statement]:
    if ticked.amount == 13:
        raise ValueError("unlucky tick")
    return []


def refuse_on_thirteen(ticked: Counter.Ticked, _position: int) -> list[Statement]:
    return [Statement("SELECT 1 / ($1::int - 13)", (ticked.amount,))]


def unwritable_on_thirteen(ticked: Counter.Ticked, _position: int) -> list[Statement]:
    text = "nul \x00 inside" if ticked.amount == 13 else "fine"
    return [Statement("SELECT $1::text", (text,))]


@pytest.mark.parametrize(
    ("handler", "reason"),
    [
        (explode_on_thirteen, "unlucky tick"),
        (refuse_on_thirteen, "division by zero"),
        (unwritable_on_thirteen, "cannot write an argument"),
    ],
)
async def test_an_event_that_cannot_be_projected_stops_the_projector_at_it(
    app: Roadlog,
    toy_database: DatabaseTarget,
    conn: asyncpg.Connection,
    caplog: pytest.LogCaptureFixture,
    handler: object,
    reason: str,
) -> None:
    fragile = ReadModel("toy_fragile", {Counter.Ticked: handler})  # type: ignore[dict-item]
    counter = Counter("fragile")
    for amount in (1, 2, 13, 4):
        counter.tick(amount)
    recordings = await asyncio.to_thread(app.save, counter)
    bad = recordings[3].notification.id
    projector = Projector(app, toy_database, [COUNTS, fragile], batch_size=100)

    with caplog.at_level(logging.ERROR, logger="projections.projector"):
        await asyncio.wait_for(projector.run(), timeout=10)

    status = projector.status
    assert status.state == "failed"
    assert status.error is not None
    assert (status.error.position, status.error.read_model) == (bad, "toy_fragile")
    assert status.error.event_type == "tests.projections.toys:Counter.Ticked"
    assert reason in status.error.message
    assert f"event {bad} (tests.projections.toys:Counter.Ticked)" in caplog.text
    assert await tracking(conn) == {"toy_counts": 0, "toy_fragile": 0}
    assert await conn.fetchval("SELECT count(*) FROM toy_counts.counts") == 0
