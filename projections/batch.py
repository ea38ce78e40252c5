"""One batch of the log applied to read models: read, compose, commit — exactly once.

The projector and a rebuild share this. A batch is read from the event store through the
library (``select_notifications``, decoded by the application's mapper so upcasters
apply), turned into statements by the read models' pure handlers, and applied together
with the tracking positions in one asyncpg transaction. That transaction first takes the
swap lock shared (a rebuild's swap takes it exclusive), then locks the tracking rows and
checks they still say what the batch was composed against. So a batch is applied once or
not at all, even if two writers ever raced: the second one finds the rows moved and
re-reads them instead of applying anything twice.

Each event goes only to the read models whose position is below it, so models may be at
different positions (a new read model, or one just swapped in by a rebuild). Statements
are applied model by model (each model owns its tables, so order between models does not
matter) and in log order within a model, as one script of prepared statements
(``projections.script``): a few round trips per batch, not one per statement.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import asyncpg

from backend import locks
from backend.application import Roadlog
from projections.connections import TRANSIENT_ERRORS
from projections.read_model import Fact, FactTable, ReadModel, Statement
from projections.script import UNWRITABLE, Script, ScriptWriter, run_script

PROJECTED_CHANNEL = "roadlog_projected"
"""NOTIFY channel of committed batches; see ``announcement``."""

REBUILD_SUFFIX = "__rebuild"

SHARE_SWAP_LOCK = """
    SELECT pg_advisory_xact_lock_shared($1)
"""

LOCK_TRACKING = """
    SELECT name, position FROM roadlog.tracking
    WHERE name = ANY($1::text[])
    ORDER BY name
    FOR UPDATE
"""

SELECT_TRACKING = """
    SELECT name, position FROM roadlog.tracking WHERE name = ANY($1::text[])
"""

ENSURE_TRACKING = """
    INSERT INTO roadlog.tracking (name, position)
    SELECT name, 0 FROM unnest($1::text[]) AS name
    ON CONFLICT (name) DO NOTHING
"""

ADVANCE_TRACKING = """
    UPDATE roadlog.tracking AS t SET position = v.position, updated_at = now()
    FROM unnest($1::text[], $2::bigint[]) AS v(name, position)
    WHERE t.name = v.name
"""

ANNOUNCE = """
    SELECT pg_notify($1, $2)
"""

ASYNC_COMMIT = """
    SET LOCAL synchronous_commit = off
"""

StepHook = Callable[[str], None]
"""Called with the name of each step reached; tests pass one that crashes at a step."""

Positions = dict[str, int]
"""Tracking name -> position (the notification id of the last event applied)."""


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@lru_cache(maxsize=4096)
def render(sql: str, schema: str) -> str:
    """``sql`` with its ``{schema}`` placeholders naming ``schema`` (other braces stay)."""
    return sql.replace("{schema}", quote_ident(schema))


@dataclass(frozen=True)
class Destination:
    """Where a read model's statements go: a schema and a tracking row."""

    model: ReadModel
    schema: str
    tracking_name: str

    @classmethod
    def live(cls, model: ReadModel) -> Destination:
        """The tables the API reads."""
        return cls(model, model.name, model.name)

    @classmethod
    def rebuild(cls, model: ReadModel) -> Destination:
        """The fresh copy a rebuild fills before swapping it in."""
        name = model.name + REBUILD_SUFFIX
        return cls(model, name, name)


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """A decoded domain event and its position in the log."""

    position: int
    event: Any

    @property
    def event_type(self) -> str:
        cls = type(self.event)
        return f"{cls.__module__}:{cls.__qualname__}"


class ProjectionFailed(Exception):
    """An event a read model cannot project; nothing of its batch was committed.

    The projector stops here rather than skip it: the fix is a code change (a handler, an
    upcaster), after which the projector starts again from this very event.
    """

    def __init__(self, position: int, event_type: str, read_model: str | None, reason: str):
        where = f" in read model {read_model!r}" if read_model else ""
        super().__init__(f"cannot project event {position} ({event_type}){where}: {reason}")
        self.position = position
        self.event_type = event_type
        self.read_model = read_model
        self.reason = reason


class TrackingMoved(Exception):
    """The tracking rows changed since the batch was composed (a swap or another writer)."""

    def __init__(self, expected: Mapping[str, int], found: Mapping[str, int]) -> None:
        super().__init__(
            f"tracking positions moved: expected {dict(expected)}, found {dict(found)}"
        )
        self.found = dict(found)


class StatementFailed(Exception):
    """PostgreSQL refused a statement of the batch (not a transient error)."""


def read_events(app: Roadlog, after: int, limit: int) -> list[LoggedEvent]:
    """Up to ``limit`` events after position ``after``, decoded (blocking: run in a thread)."""
    notifications = app.recorder.select_notifications(after, limit, inclusive_of_start=False)
    events = []
    for notification in notifications:
        try:
            event = app.mapper.to_domain_event(notification)
        except Exception as error:  # topics and upcasters are our code: any bug stops here
            raise ProjectionFailed(
                notification.id, notification.topic, None, f"cannot decode: {error!r}"
            ) from error
        events.append(LoggedEvent(notification.id, event))
    return events


@dataclass(frozen=True)
class Batch:
    """Events of the log, composed into statements against the positions ``before``."""

    events: list[LoggedEvent]
    before: Positions
    after: Positions
    scripts: dict[str, Script]
    """Tracking name -> what the batch writes into that destination."""
    limit: int

    @property
    def full(self) -> bool:
        """As many events as asked for: there may be more right after it."""
        return len(self.events) == self.limit

    @property
    def script(self) -> Script:
        """All the batch writes, destination after destination."""
        return Script.joined(self.scripts.values())


def read_batch(
    app: Roadlog, destinations: Sequence[Destination], positions: Positions, limit: int
) -> Batch:
    """Read and compose the batch after ``positions`` (blocking: run in a thread).

    Handlers are pure, so they run here, off the event loop, while the previous batch is
    being applied; a handler's failure surfaces when this batch is awaited.
    """
    events = read_events(app, min(positions.values()), limit)
    scripts = compose_each(events, destinations, positions)
    after = advanced(positions, events)
    return Batch(events, dict(positions), after, scripts, limit)


async def stream_batches(
    app: Roadlog, destinations: Sequence[Destination], positions: Positions, batch_size: int
) -> AsyncGenerator[Batch, None]:
    """Composed batches of the log after ``positions`` until one is not full (included).

    The next batch is read and composed (in a thread) while the caller applies the current
    one, against the positions the current one leads to: if its commit finds the tracking
    rows elsewhere (TrackingMoved), the caller starts a new stream. Only two batches are
    ever held, so memory does not grow with the log.
    """
    reading: asyncio.Future[Batch] | None = asyncio.ensure_future(
        asyncio.to_thread(read_batch, app, destinations, positions, batch_size)
    )
    try:
        while reading is not None:
            batch = await reading
            reading = None
            if batch.full:
                reading = asyncio.ensure_future(
                    asyncio.to_thread(read_batch, app, destinations, batch.after, batch_size)
                )
            yield batch
    finally:
        if reading is not None:
            reading.cancel()
            # The thread finishes anyway; its result or error is of no interest now.
            reading.add_done_callback(_discard)


def _discard(future: asyncio.Future[Batch]) -> None:
    if not future.cancelled():
        future.exception()


def statements_of(logged: LoggedEvent, destination: Destination) -> Sequence[Statement | Fact]:
    """What one event writes into one destination (its SQL not yet rendered)."""
    try:
        statements = destination.model.statements(logged.event, logged.position)
    except Exception as error:  # handlers are pure but may have bugs: stop, never skip
        raise ProjectionFailed(
            logged.position, logged.event_type, destination.model.name, repr(error)
        ) from error
    for statement in statements:
        assert isinstance(statement, Statement | Fact), (
            f"handler of {destination.model.name} returned {statement!r}, not a Statement"
        )
        assert not isinstance(statement, Fact) or statement.table in destination.model.facts, (
            f"{destination.model.name} does not declare the fact table {statement.table.name}"
        )
    return statements


Sourced = tuple[tuple[LoggedEvent, ...], Statement]
"""A statement and the events it comes from (several for a bulk insert of facts)."""


def in_bulk(
    model: ReadModel, items: Sequence[tuple[LoggedEvent, Statement | Fact]]
) -> list[Sourced]:
    """``items`` with each run of facts written as one insert per fact table, before the
    statement that ends the run (the order ``projections.read_model`` promises); all at
    the end for a model whose statements never read its facts (``facts_unread``)."""
    written: list[Sourced] = []
    pending: dict[FactTable, list[tuple[LoggedEvent, tuple[Any, ...]]]] = {}

    def flush() -> None:
        for table in model.facts:
            rows = pending.get(table)
            if rows:
                # By identity: an event's payload may hold lists, which do not hash.
                events = tuple({id(logged): logged for logged, _ in rows}.values())
                written.append((events, table.statement([row for _, row in rows])))
        pending.clear()

    for logged, item in items:
        if isinstance(item, Fact):
            pending.setdefault(item.table, []).append((logged, item.row))
        else:
            if not model.facts_unread:
                flush()
            written.append(((logged,), item))
    flush()
    return written


def compose(
    batch: Sequence[LoggedEvent], destinations: Sequence[Destination], positions: Positions
) -> Script:
    """All statements of ``batch`` for the destinations still below each event, as a script,
    destination after destination."""
    return Script.joined(compose_each(batch, destinations, positions).values())


def compose_each(
    batch: Sequence[LoggedEvent], destinations: Sequence[Destination], positions: Positions
) -> dict[str, Script]:
    """The statements of ``batch`` for each destination still below an event: tracking name
    -> its script (every destination has one, maybe empty).

    Handlers run event by event, so a failure names the first event that cannot be
    projected; each destination's statements are in log order, its facts in bulk
    (``in_bulk``).
    """
    below = [positions[destination.tracking_name] for destination in destinations]
    per_destination: list[list[tuple[LoggedEvent, Statement | Fact]]] = [[] for _ in destinations]
    for logged in batch:
        for index, destination in enumerate(destinations):
            if below[index] < logged.position:
                per_destination[index].extend(
                    (logged, statement) for statement in statements_of(logged, destination)
                )
    writer = ScriptWriter()
    scripts: dict[str, Script] = {}
    for destination, items in zip(destinations, per_destination, strict=True):
        script = scripts[destination.tracking_name] = Script()
        for events, statement in in_bulk(destination.model, items):
            try:
                writer.add(render(statement.sql, destination.schema), statement.args, script)
            except UNWRITABLE as error:
                culprit = unwritable_event(events, destination, writer)
                raise ProjectionFailed(
                    culprit.position,
                    culprit.event_type,
                    destination.model.name,
                    f"cannot write an argument of {statement.sql.split()[0]}: {error!r}",
                ) from error
    return scripts


def unwritable_event(
    events: Sequence[LoggedEvent], destination: Destination, writer: ScriptWriter
) -> LoggedEvent:
    """Which of ``events`` (those of one bulk statement) has the value that cannot be
    written: each is written alone, into a script thrown away."""
    for logged in events:
        items = [(logged, statement) for statement in statements_of(logged, destination)]
        for _, statement in in_bulk(destination.model, items):
            try:
                writer.add(render(statement.sql, destination.schema), statement.args, Script())
            except UNWRITABLE:
                return logged
    return events[0]


async def execute_script(conn: asyncpg.Connection, script: Script) -> None:
    """Run ``script`` (inside the caller's transaction)."""
    try:
        await run_script(conn, script)
    except TRANSIENT_ERRORS:
        raise
    except asyncpg.PostgresError as error:
        raise StatementFailed(str(error)) from error


def advanced(positions: Positions, batch: Sequence[LoggedEvent]) -> Positions:
    """The positions after ``batch``: every destination is past its last event."""
    if not batch:
        return dict(positions)
    last = batch[-1].position
    return {name: max(position, last) for name, position in positions.items()}


def announcement(
    before: Mapping[str, int], after: Mapping[str, int], rebuilt: Sequence[str] = ()
) -> str:
    """The NOTIFY payload of a committed batch or swap (JSON, well under 8000 bytes).

    ``{"from": <min position before>, "to": <min position after>,
    "positions": {<read model>: <position>, ...}, "rebuilt": [<read model>, ...]}``
    """
    payload = json.dumps(
        {
            "from": min(before.values(), default=0),
            "to": min(after.values(), default=0),
            "positions": dict(after),
            "rebuilt": list(rebuilt),
        },
        separators=(",", ":"),
    )
    assert len(payload) < 8000, f"NOTIFY payload too long: {len(payload)} bytes"
    return payload


async def ensure_tracking(conn: asyncpg.Connection, names: Sequence[str]) -> None:
    """Create missing tracking rows at position 0 (nothing projected yet)."""
    await conn.execute(ENSURE_TRACKING, list(names))


async def read_positions(conn: asyncpg.Connection, names: Sequence[str]) -> Positions:
    """The committed positions of ``names`` (missing rows are left out)."""
    rows = await conn.fetch(SELECT_TRACKING, list(names))
    return {row["name"]: row["position"] for row in rows}


async def lock_positions(conn: asyncpg.Connection, expected: Positions) -> None:
    """Lock the tracking rows of ``expected`` and check they hold ``expected``."""
    rows = await conn.fetch(LOCK_TRACKING, list(expected))
    found = {row["name"]: row["position"] for row in rows}
    if found != expected:
        raise TrackingMoved(expected, found)


async def commit_batch(
    conn: asyncpg.Connection,
    batch: Batch,
    destinations: Sequence[Destination],
    *,
    announce: bool,
    durable: bool = True,
    on_step: StepHook | None = None,
) -> Positions:
    """Apply ``batch`` and its new tracking positions in one transaction; return them.

    If the tracking rows do not hold ``batch.before`` (the positions it was composed
    against), nothing is applied and TrackingMoved is raised. Raises ProjectionFailed when
    a statement fails; nothing of the batch is committed then.

    ``durable=False`` commits without waiting for the WAL flush (a rebuild's batches): a
    server crash may then lose the last batches, rows and tracking alike, which are simply
    applied again; exactly once holds either way.
    """
    step = on_step or _no_step
    try:
        async with conn.transaction():
            if not durable:
                await conn.execute(ASYNC_COMMIT)
            await conn.execute(SHARE_SWAP_LOCK, locks.READ_MODEL_SWAP)
            await lock_positions(conn, batch.before)
            await execute_script(conn, batch.script)
            step("batch-applied")
            await conn.execute(ADVANCE_TRACKING, list(batch.after), list(batch.after.values()))
            if announce:
                payload = announcement(batch.before, batch.after)
                await conn.execute(ANNOUNCE, PROJECTED_CHANNEL, payload)
    except StatementFailed:
        raise await locate_failure(conn, batch.events, destinations, batch.before) from None
    step("batch-committed")
    return batch.after


async def locate_failure(
    conn: asyncpg.Connection,
    batch: Sequence[LoggedEvent],
    destinations: Sequence[Destination],
    positions: Positions,
) -> ProjectionFailed:
    """Find the first event whose statements PostgreSQL refuses, without committing any.

    Replays the batch event by event, each in a savepoint, inside a transaction that is
    always rolled back.
    """
    transaction = conn.transaction()
    await transaction.start()
    try:
        for logged in batch:
            for destination in destinations:
                script = compose([logged], [destination], positions)
                try:
                    async with conn.transaction():
                        await execute_script(conn, script)
                except StatementFailed as error:
                    return ProjectionFailed(
                        logged.position, logged.event_type, destination.model.name, str(error)
                    )
    finally:
        with contextlib.suppress(*TRANSIENT_ERRORS):
            await transaction.rollback()
    first, last = batch[0], batch[-1]
    return ProjectionFailed(
        first.position,
        first.event_type,
        None,
        f"a statement of events {first.position}..{last.position} failed, but none alone",
    )


def _no_step(_step: str) -> None:
    pass
