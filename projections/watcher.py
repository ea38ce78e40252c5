"""What every API process knows about the read models: how far they are, and what is new.

A ``ProjectionWatcher`` runs in each API process, whether or not it runs the projector. It
learns of each committed batch from the projector's ``NOTIFY roadlog_projected`` (on a
connection of its own that reconnects) and polls the tracking table every
``poll_seconds`` as well, so a lost notification delays nobody for long. It serves:

- ``position``: the lowest committed position over the read models, i.e. every event up
  to it is visible in every read model;
- ``wait_for(position, timeout)``: read-your-writes (``consistentWith``);
- ``batches()``: subscriptions, fed with each newly visible range after it committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import json
import logging
from collections import deque
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg

from backend.database import DatabaseTarget
from projections.batch import PROJECTED_CHANNEL, SELECT_TRACKING
from projections.connections import TRANSIENT_ERRORS, Listener
from projections.read_model import ReadModel

log = logging.getLogger(__name__)


class ConsistencyTimeout(Exception):
    """The read models did not reach a position within the bound the caller gave."""

    def __init__(self, position: int, reached: int) -> None:
        super().__init__(
            f"read models reached position {reached}, not {position}, within the time allowed"
        )
        self.position = position
        self.reached = reached


@dataclass(frozen=True)
class ProjectedBatch:
    """Events after ``previous`` up to ``position`` are now visible in every read model.

    ``rebuilt`` names read models that a rebuild just swapped in (their rows were replaced
    wholesale, so a subscriber should re-read rather than apply a difference); a swap may
    come with an empty range.
    """

    previous: int
    position: int
    rebuilt: frozenset[str] = frozenset()

    def then(self, later: ProjectedBatch) -> ProjectedBatch:
        """This batch and the ``later`` one as one range."""
        return ProjectedBatch(self.previous, later.position, self.rebuilt | later.rebuilt)


class BatchStream:
    """One subscriber's committed batches, in order, bounded.

    A subscriber that falls ``limit`` batches behind gets its newest pending batch widened
    instead of a new one queued: it sees fewer, wider ranges, never a gap.
    """

    def __init__(self, limit: int) -> None:
        assert limit > 0, f"limit must be positive, got {limit}"
        self.limit = limit
        self.coalesced = 0
        self._pending: deque[ProjectedBatch] = deque()
        self._ready = asyncio.Event()
        self._closed = False

    def push(self, batch: ProjectedBatch) -> None:
        if len(self._pending) >= self.limit:
            batch = self._pending.pop().then(batch)
            self.coalesced += 1
        self._pending.append(batch)
        self._ready.set()

    def close(self) -> None:
        self._closed = True
        self._ready.set()

    def __aiter__(self) -> BatchStream:
        return self

    async def __anext__(self) -> ProjectedBatch:
        while not self._pending:
            if self._closed:
                raise StopAsyncIteration
            self._ready.clear()
            await self._ready.wait()
        return self._pending.popleft()


class ProjectionWatcher:
    """How far the read models are, for one API process; see the module docstring.

    ``run()`` until cancelled. Before its first poll, ``position`` is 0. With no read
    models there is nothing to wait for: ``wait_for`` returns at once.
    """

    def __init__(
        self,
        target: DatabaseTarget,
        pool: asyncpg.Pool,
        read_models: Sequence[ReadModel],
        *,
        poll_seconds: float = 2.0,
        queue_size: int = 100,
    ) -> None:
        self.target = target
        self.pool = pool
        self.names = [model.name for model in read_models]
        self.poll_seconds = poll_seconds
        self.queue_size = queue_size
        self._positions: dict[str, int] = {}
        self._position = 0
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._streams: set[BatchStream] = set()
        self._poll_now = asyncio.Event()
        self._listener = Listener(
            target,
            PROJECTED_CHANNEL,
            self._on_notify,
            on_connected=self._poll_now.set,
            check_seconds=poll_seconds,
        )

    @property
    def position(self) -> int:
        """Every event up to this position is visible in every read model."""
        return self._position

    @property
    def listening(self) -> bool:
        """Whether the NOTIFY connection is up (else changes arrive by polling only)."""
        return self._listener.connected

    async def run(self) -> None:
        listening = asyncio.create_task(self._listener.run(), name="watcher-listen")
        try:
            while True:
                await self._poll()
                self._poll_now.clear()
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
                # cancellation that arrives as its inner wait ends, and this loop would
                # then outlive the shutdown that cancelled it.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.poll_seconds):
                        await self._poll_now.wait()
        finally:
            listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listening
            for stream in self._streams:
                stream.close()

    async def wait_for(self, position: int, timeout: float) -> None:  # noqa: ASYNC109 - the API
        """Return once every read model has passed ``position``; else ConsistencyTimeout."""
        if position <= self._position or not self.names:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (position, next(self._order), waiter)
        heapq.heappush(self._waiters, entry)
        try:
            async with asyncio.timeout(timeout):
                await waiter
        except TimeoutError:
            raise ConsistencyTimeout(position, self._position) from None
        finally:
            if not waiter.done() or waiter.cancelled():
                with contextlib.suppress(ValueError):
                    self._waiters.remove(entry)
                    heapq.heapify(self._waiters)

    @asynccontextmanager
    async def batches(self) -> AsyncIterator[BatchStream]:
        """Subscribe: ``async with watcher.batches() as stream: async for batch in stream``.

        The stream ends when the watcher stops.
        """
        stream = BatchStream(self.queue_size)
        self._streams.add(stream)
        try:
            yield stream
        finally:
            self._streams.discard(stream)
            stream.close()

    async def _poll(self) -> None:
        if not self.names:
            return
        try:
            async with self.pool.acquire() as conn:
                rows = await conn.fetch(SELECT_TRACKING, self.names)
        except TRANSIENT_ERRORS as error:
            log.warning("watcher: cannot read the tracking table (%s)", error)
            return
        except Exception:
            # Anything else must not end the watcher: every consistentWith would wait
            # out its bound and subscriptions would go quiet. Try again next round.
            log.exception("watcher: unexpected error reading the tracking table")
            return
        self._advance({row["name"]: row["position"] for row in rows}, ())

    def _on_notify(self, payload: str) -> None:
        try:
            data = json.loads(payload)
            positions = {str(name): int(value) for name, value in data["positions"].items()}
            rebuilt = [str(name) for name in data.get("rebuilt", ())]
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            log.warning("watcher: unreadable %s payload %r (%s)", PROJECTED_CHANNEL, payload, error)
            self._poll_now.set()
            return
        self._advance(positions, rebuilt)

    def _advance(self, positions: Mapping[str, int], rebuilt: Sequence[str]) -> None:
        # Positions only grow; a stale poll racing a notification must not move them back.
        for name, position in positions.items():
            if name in self.names and position > self._positions.get(name, 0):
                self._positions[name] = position
        if len(self._positions) < len(self.names):
            new = 0  # a read model without a tracking row has nothing yet
        else:
            new = min(self._positions[name] for name in self.names)
        previous = self._position
        swapped = frozenset(rebuilt) & frozenset(self.names)
        if new <= previous and not swapped:
            return
        self._position = max(new, previous)
        batch = ProjectedBatch(previous, self._position, swapped)
        for stream in self._streams:
            stream.push(batch)
        while self._waiters and self._waiters[0][0] <= self._position:
            _position, _order, waiter = heapq.heappop(self._waiters)
            if not waiter.done():
                waiter.set_result(None)
