"""Dedicated connections of the read side: which errors pass, backoff, a LISTEN that comes back.

The projector and every API process's watcher keep connections of their own outside the
pool (the projector's holds its advisory lock; a listening one must stay open). Any of them
can die with the server, the network or an operator's ``pg_terminate_backend``: those
errors are *transient* and are retried with backoff. Everything else is a bug and is left
to propagate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable

import asyncpg

from backend.database import UNREACHABLE_ERRORS, DatabaseTarget

log = logging.getLogger(__name__)

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    *UNREACHABLE_ERRORS,
    TimeoutError,
    asyncpg.exceptions.OperatorInterventionError,  # 57: shutdown, terminate, cancel
    asyncpg.exceptions.InsufficientResourcesError,  # 53: too many connections, disk full
    asyncpg.exceptions.TransactionRollbackError,  # 40: serialization failure, deadlock
    asyncpg.exceptions.LockNotAvailableError,
)
"""Errors worth retrying on a dedicated connection: the database is unreachable right now
(``backend.database.UNREACHABLE_ERRORS``), or a statement lost a race or was cancelled."""

CONNECT_TIMEOUT = 10.0
ALIVE = "SELECT 1"


class ConnectionLost(ConnectionError):
    """A dedicated connection was closed under us (server restart, terminated backend)."""


class Backoff:
    """Exponential backoff with jitter, from ``initial`` up to ``maximum`` seconds."""

    def __init__(self, initial: float = 0.1, maximum: float = 5.0) -> None:
        self.initial = initial
        self.maximum = maximum
        self._next = initial

    def reset(self) -> None:
        self._next = self.initial

    async def sleep(self) -> None:
        delay = self._next * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not crypto
        self._next = min(self._next * 2, self.maximum)
        await asyncio.sleep(delay)


async def connect(target: DatabaseTarget) -> asyncpg.Connection:
    """A new connection outside any pool (raises one of TRANSIENT_ERRORS if it cannot)."""
    return await asyncpg.connect(**target.asyncpg_kwargs(), timeout=CONNECT_TIMEOUT)


async def close_quietly(conn: asyncpg.Connection) -> None:
    """Close ``conn`` whatever state it is in; a dead one is simply dropped."""
    if conn.is_closed():
        return
    try:
        async with asyncio.timeout(2.0):
            await conn.close()
    except TRANSIENT_ERRORS:
        conn.terminate()


def watch_termination(conn: asyncpg.Connection) -> asyncio.Event:
    """An event set as soon as asyncpg notices that ``conn`` is gone."""
    lost = asyncio.Event()
    conn.add_termination_listener(lambda _conn: lost.set())
    return lost


class Listener:
    """LISTEN on one channel for as long as ``run()`` runs, reconnecting when the link dies.

    ``on_notify`` gets each payload. ``on_connected`` is called after every (re)connection:
    notifications sent while there was no connection are lost, so the owner should look
    for work it may have missed. A silently dead link (no FIN from a lost host) is found by
    a ``SELECT 1`` every ``check_seconds``.
    """

    def __init__(
        self,
        target: DatabaseTarget,
        channel: str,
        on_notify: Callable[[str], None],
        *,
        on_connected: Callable[[], None],
        check_seconds: float,
    ) -> None:
        self.target = target
        self.channel = channel
        self.on_notify = on_notify
        self.on_connected = on_connected
        self.check_seconds = check_seconds
        self.connected = False

    async def run(self) -> None:
        backoff = Backoff()
        while True:
            try:
                await self._listen_once(backoff)
            except TRANSIENT_ERRORS as error:
                log.warning("LISTEN %s: connection lost (%s); reconnecting", self.channel, error)
            except Exception:
                # Without its LISTEN the process would fall back to polling for good.
                log.exception("LISTEN %s: unexpected error; reconnecting", self.channel)
            await backoff.sleep()

    async def _listen_once(self, backoff: Backoff) -> None:
        conn = await connect(self.target)
        try:
            lost = watch_termination(conn)
            await conn.add_listener(self.channel, self._deliver)
            self.connected = True
            backoff.reset()
            self.on_connected()
            while not lost.is_set():
                # asyncio.timeout rather than wait_for, which can swallow a cancellation
                # on Python 3.11 (see ProjectionWatcher.run).
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.check_seconds):
                        await lost.wait()
                if not lost.is_set():
                    async with asyncio.timeout(self.check_seconds):
                        await conn.execute(ALIVE)
            raise ConnectionLost(f"LISTEN {self.channel}: connection closed")
        finally:
            self.connected = False
            await close_quietly(conn)

    def _deliver(
        self,
        _conn: asyncpg.Connection | asyncpg.pool.PoolConnectionProxy,
        _pid: int,
        _channel: str,
        payload: object,
    ) -> None:
        self.on_notify(str(payload))
