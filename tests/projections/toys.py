"""Toy aggregate and read models for the projector tests (and the crash script).

``Counter`` is created, then ticked. Two read models follow it: ``toy_counts`` counts
events and ticks per counter with increments, and ``toy_positions`` keeps one row per
event applied. Neither is idempotent, so any event applied twice (or lost) shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter as Tally
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.domain import Aggregate, event

from backend.application import Roadlog
from backend.database import DatabaseTarget
from backend.migrations import migrate
from projections.batch import quote_ident
from projections.projector import Projector
from projections.read_model import ReadModel, Statement
from projections.rebuild import rebuild

MIGRATIONS = Path(__file__).parent / "migrations"


class Counter(Aggregate):
    """A tiny aggregate: created with a label, then ticked by some amount."""

    class Created(Aggregate.Created):
        label: str

    class Ticked(Aggregate.Event):
        amount: int

    @event(Created)
    def __init__(self, label: str) -> None:
        self.label = label
        self.ticks = 0

    @event(Ticked)
    def tick(self, amount: int) -> None:
        self.ticks += amount


INSERT_COUNTER = """
    INSERT INTO {schema}.counts (originator_id, label, events, ticks) VALUES ($1, $2, 1, 0)
"""

COUNT_TICK = """
    UPDATE {schema}.counts SET events = events + 1, ticks = ticks + $2 WHERE originator_id = $1
"""

RECORD_SEEN = """
    INSERT INTO {schema}.seen (position, originator_id, version, kind) VALUES ($1, $2, $3, $4)
"""


def counter_created(created: Counter.Created, _position: int) -> list[Statement]:
    return [Statement(INSERT_COUNTER, (created.originator_id, created.label))]


def counter_ticked(ticked: Counter.Ticked, _position: int) -> list[Statement]:
    return [Statement(COUNT_TICK, (ticked.originator_id, ticked.amount))]


def seen(any_event: Aggregate.Event, position: int) -> list[Statement]:
    kind = type(any_event).__name__
    args = (position, any_event.originator_id, any_event.originator_version, kind)
    return [Statement(RECORD_SEEN, args)]


COUNTS = ReadModel(
    "toy_counts",
    {Counter.Created: counter_created, Counter.Ticked: counter_ticked},
    migrations_dir=MIGRATIONS / "toy_counts",
)
POSITIONS = ReadModel(
    "toy_positions",
    {Counter.Created: seen, Counter.Ticked: seen},
    migrations_dir=MIGRATIONS / "toy_positions",
    query_indexes=("seen_position",),
)
TOY_MODELS = [COUNTS, POSITIONS]


async def migrate_models(
    conn: asyncpg.Connection, models: Sequence[ReadModel], *, as_role: str | None = None
) -> None:
    """Migrate ``models`` on the owner's ``conn``, their tables created as ``as_role`` (the
    runtime role, as the product's read models are)."""
    await migrate(conn, [model.migrations for model in models], as_role=as_role)


def record(app: Roadlog, counters: int, ticks: int) -> int:
    """Create ``counters`` counters and tick them ``ticks`` times each; the last position."""
    position = 0
    created = []
    for index in range(counters):
        counter = Counter(f"counter {index}")
        position = app.save(counter)[-1].notification.id
        created.append(counter)
    for round_ in range(ticks):
        for counter in created:
            counter.tick(round_ + 1)
            position = app.save(counter)[-1].notification.id
    return position


def head(app: Roadlog) -> int:
    return app.recorder.max_notification_id() or 0


Queryable = asyncpg.Connection | asyncpg.pool.PoolConnectionProxy
"""A connection of its own or one from a pool."""


async def snapshot(conn: Queryable, schema: str) -> dict[str, list[str]]:
    """Every row of every table in ``schema``, as sorted JSON text, per table; and its
    indexes' definitions under ``(indexes)``."""
    tables = await conn.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename", schema
    )
    indexes = await conn.fetch(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexdef", schema
    )
    rows = {"(indexes)": [index["indexdef"] for index in indexes]}
    for table in tables:
        name = table["tablename"]
        found = await conn.fetch(
            f"SELECT row_to_json(t)::text AS row FROM {quote_ident(schema)}.{quote_ident(name)} t"
        )
        rows[name] = sorted(record["row"] for record in found)
    return rows


def expected_from_log(app: Roadlog, upto: int) -> tuple[dict[UUID, tuple[int, int]], list[int]]:
    """What the toy models must hold after events 1..upto: counts per counter, positions."""
    events: Tally[UUID] = Tally()
    ticks: Tally[UUID] = Tally()
    positions = []
    for notification in app.recorder.select_notifications(1, upto, stop=upto):
        domain_event: Any = app.mapper.to_domain_event(notification)
        events[domain_event.originator_id] += 1
        if isinstance(domain_event, Counter.Ticked):
            ticks[domain_event.originator_id] += domain_event.amount
        positions.append(notification.id)
    return {key: (events[key], ticks[key]) for key in events}, positions


async def assert_exactly_once(
    conn: asyncpg.Connection, app: Roadlog, upto: int, schema_suffix: str = ""
) -> None:
    """The toy models hold each of events 1..upto exactly once, and nothing else."""
    expected_counts, expected_positions = await asyncio.to_thread(expected_from_log, app, upto)
    rows = await conn.fetch(
        f"SELECT originator_id, events, ticks FROM toy_counts{schema_suffix}.counts"
    )
    assert {row["originator_id"]: (row["events"], row["ticks"]) for row in rows} == (
        expected_counts
    )
    seen_positions = await conn.fetch(
        f"SELECT position FROM toy_positions{schema_suffix}.seen ORDER BY position"
    )
    assert [row["position"] for row in seen_positions] == expected_positions


async def rebuild_progress(app: Roadlog, target: DatabaseTarget, batch_size: int) -> list[int]:
    """Rebuild the toy models (resuming whatever rebuild was interrupted); the positions its
    progress reported, the first being where it started."""
    done: list[int] = []
    await rebuild(
        app,
        target,
        TOY_MODELS,
        batch_size=batch_size,
        progress=lambda position, _total: done.append(position),
    )
    return done


async def tracking(conn: asyncpg.Connection) -> dict[str, int]:
    rows = await conn.fetch("SELECT name, position FROM roadlog.tracking")
    return {row["name"]: row["position"] for row in rows}


@asynccontextmanager
async def running(projector: Projector) -> AsyncIterator[asyncio.Task[None]]:
    """``projector.run()`` as a task for the duration of the block."""
    task = asyncio.create_task(projector.run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def until(condition: Callable[[], bool], what: str, within: float = 10.0) -> float:
    """Wait until ``condition()`` holds; the seconds it took (AssertionError after timeout)."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > within:
            raise AssertionError(f"timed out after {within}s waiting for {what}")
        await asyncio.sleep(0.01)
    return time.monotonic() - start


async def caught_up(projector: Projector, position: int, within: float = 10.0) -> None:
    """Wait until every read model of ``projector`` has passed ``position``."""

    def done() -> bool:
        status = projector.status
        assert status.state != "failed", f"projector failed: {status.error}"
        return (status.position or 0) >= position

    await until(done, f"the projector to reach {position}", within)


def payload(text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(text)
    return loaded
