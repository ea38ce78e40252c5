"""The projector: keeps every read model up to date with the event log, exactly once.

One projector is active per database: the one holding the session advisory lock
``locks.PROJECTOR``. Others stand by and try again every ``lock_retry_seconds``. The
active one applies its batches on that very connection, so when the connection dies the
lock and any batch in flight go with it, and it drops back to standby. (Each batch also
checks the tracking rows it read, so even two writers could not apply an event twice.)

It wakes on the event store's NOTIFY (``roadlog_events``, on a connection of its own that
reconnects) and polls every ``poll_seconds`` too; while batches come back full it does not
sleep at all. A handler that raises stops it: state ``failed``, the event's position and
type in the log and in ``status``, nothing of that batch committed, nothing skipped.
Transient database errors are retried with backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import asyncpg
from eventsourcing.postgres import PostgresApplicationRecorder

from backend import locks
from backend.application import Roadlog
from backend.database import DatabaseTarget
from projections.batch import (
    Destination,
    Positions,
    ProjectionFailed,
    StepHook,
    TrackingMoved,
    commit_batch,
    ensure_tracking,
    read_positions,
    stream_batches,
)
from projections.connections import (
    ALIVE,
    TRANSIENT_ERRORS,
    Backoff,
    ConnectionLost,
    Listener,
    close_quietly,
    connect,
    watch_termination,
)
from projections.read_model import ReadModel

log = logging.getLogger(__name__)

TRY_LOCK = """
    SELECT pg_try_advisory_lock($1)
"""

HEAD_REFRESH_SECONDS = 1.0

State = Literal["standby", "active", "failed", "stopped"]


@dataclass(frozen=True)
class ProjectorError:
    """The last error the projector met: a failed event, or a transient database error."""

    message: str
    at: datetime
    position: int | None = None
    event_type: str | None = None
    read_model: str | None = None


@dataclass(frozen=True)
class ProjectorStatus:
    """What ``/readyz`` and ``roadlog project`` report about a projector."""

    state: State
    positions: dict[str, int] = field(default_factory=dict)
    head: int | None = None
    """The last position of the log, as last seen (None until known)."""
    error: ProjectorError | None = None

    @property
    def position(self) -> int | None:
        """The lowest position over the read models (None before the first read)."""
        return min(self.positions.values()) if self.positions else None

    @property
    def lag(self) -> int | None:
        """Events in the log not yet in every read model (None when unknown)."""
        if self.head is None or self.position is None:
            return None
        return max(self.head - self.position, 0)


class Projector:
    """Projects the log into ``read_models`` while it holds the projector lock.

    ``run()`` until cancelled; it returns early only when an event cannot be projected
    (``status.state == "failed"``), after releasing the lock.
    """

    def __init__(
        self,
        app: Roadlog,
        target: DatabaseTarget,
        read_models: Sequence[ReadModel],
        *,
        batch_size: int = 500,
        poll_seconds: float = 2.0,
        lock_retry_seconds: float = 0.5,
        on_step: StepHook | None = None,
    ) -> None:
        assert batch_size > 0, f"batch_size must be positive, got {batch_size}"
        recorder = app.recorder
        assert isinstance(recorder, PostgresApplicationRecorder), (
            f"the projector needs the PostgreSQL event store, got {type(recorder).__name__}"
        )
        self.app = app
        self.target = target
        self.destinations = [Destination.live(model) for model in read_models]
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.lock_retry_seconds = lock_retry_seconds
        self.events_channel = recorder.channel_name
        self._on_step = on_step
        self._wake = asyncio.Event()
        self._state: State = "stopped"
        self._positions: Positions = {}
        self._head: int | None = None
        self._head_at = 0.0
        self._error: ProjectorError | None = None

    @property
    def status(self) -> ProjectorStatus:
        return ProjectorStatus(self._state, dict(self._positions), self._head, self._error)

    async def run(self) -> None:
        """Stand by, project while active, until cancelled or an event fails."""
        backoff = Backoff(maximum=max(self.poll_seconds, 1.0))
        self._state = "standby"
        try:
            while True:
                try:
                    await self._hold_lock_and_project(backoff)
                except ProjectionFailed as failure:
                    self._fail(failure)
                    return
                except TRANSIENT_ERRORS as error:
                    self._note_error(error)
                    log.warning("projector: database unavailable (%s); standing by", error)
                    self._state = "standby"
                except Exception as error:
                    # Not an event that cannot be projected (that is ProjectionFailed) but
                    # something unforeseen around it, e.g. a driver error raised while the
                    # server restarts: stopping for good would leave every read model
                    # stale until someone restarts the process, so retry, loudly.
                    self._note_error(error)
                    log.exception("projector: unexpected error; standing by and retrying")
                    self._state = "standby"
                await backoff.sleep()
        finally:
            if self.status.state != "failed":
                self._state = "stopped"

    async def _hold_lock_and_project(self, backoff: Backoff) -> None:
        conn = await connect(self.target)
        try:
            lost = watch_termination(conn)
            while not await conn.fetchval(TRY_LOCK, locks.PROJECTOR):
                self._state = "standby"
                backoff.reset()
                await asyncio.sleep(self.lock_retry_seconds)
            self._state = "active"
            log.info("projector: active on %s", self.target.dbname)
            listener = Listener(
                self.target,
                self.events_channel,
                lambda _payload: self._wake.set(),
                on_connected=self._wake.set,
                check_seconds=self.poll_seconds,
            )
            listening = asyncio.create_task(listener.run(), name="projector-listen")
            try:
                await self._project(conn, lost, backoff)
            finally:
                listening.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listening
        finally:
            # Closing the session releases the lock for a standby.
            await close_quietly(conn)

    async def _project(
        self, conn: asyncpg.Connection, lost: asyncio.Event, backoff: Backoff
    ) -> None:
        names = [destination.tracking_name for destination in self.destinations]
        await ensure_tracking(conn, names)
        self._positions = await read_positions(conn, names)
        while True:
            self._wake.clear()
            try:
                await self._project_pending(conn)
            except TrackingMoved as moved:
                # A rebuild swapped a read model in: carry on from where its rows say.
                log.info("projector: %s", moved)
                self._positions = await read_positions(conn, names)
                continue
            backoff.reset()
            await self._idle(conn, lost)

    async def _project_pending(self, conn: asyncpg.Connection) -> None:
        """Apply batches until the log is exhausted."""
        if not self.destinations:
            return
        batches = stream_batches(self.app, self.destinations, self._positions, self.batch_size)
        async with aclosing(batches):
            async for batch in batches:
                if batch.events:
                    self._positions = await commit_batch(
                        conn, batch, self.destinations, announce=True, on_step=self._on_step
                    )
                if batch.full:
                    await self._refresh_head()
                else:
                    # Caught up: every read model is at the end of the log.
                    self._head = max(self._positions.values())
                    self._head_at = time.monotonic()

    async def _refresh_head(self) -> None:
        if time.monotonic() - self._head_at < HEAD_REFRESH_SECONDS:
            return
        self._head_at = time.monotonic()
        self._head = await asyncio.to_thread(self.app.recorder.max_notification_id)

    async def _idle(self, conn: asyncpg.Connection, lost: asyncio.Event) -> None:
        """Wait for a NOTIFY or the poll interval; notice a dead lock connection at once."""
        wake = asyncio.ensure_future(self._wake.wait())
        dead = asyncio.ensure_future(lost.wait())
        try:
            await asyncio.wait(
                {wake, dead}, timeout=self.poll_seconds, return_when="FIRST_COMPLETED"
            )
        finally:
            wake.cancel()
            dead.cancel()
        if lost.is_set():
            raise ConnectionLost("projector: the lock connection was closed")
        if not self._wake.is_set():
            # A poll round: also make sure we still hold the lock's session.
            async with asyncio.timeout(self.poll_seconds):
                await conn.execute(ALIVE)

    def _fail(self, failure: ProjectionFailed) -> None:
        self._state = "failed"
        self._error = ProjectorError(
            message=str(failure),
            at=datetime.now(UTC),
            position=failure.position,
            event_type=failure.event_type,
            read_model=failure.read_model,
        )
        log.error(
            "projector stopped at event %d (%s)%s: %s",
            failure.position,
            failure.event_type,
            f" in read model {failure.read_model!r}" if failure.read_model else "",
            failure.reason,
            exc_info=failure,
        )

    def _note_error(self, error: BaseException) -> None:
        self._error = ProjectorError(
            message=f"{type(error).__name__}: {error}", at=datetime.now(UTC)
        )
