"""The WebSockets open in one API process, by token, and the closing of revoked ones.

A token is checked when a socket connects and again on every operation the socket sends;
a socket that only listens to a subscription sends nothing, so a revocation must reach it
from outside. ``Tokens.revoke`` notifies ``roadlog_token_revoked`` with the token id in
its transaction; every API process listens (``projections.connections.Listener``, which
reconnects) and closes that token's sockets with 4403 at once. Notifications sent while
the listening connection is down are lost, so the tokens of all open sockets are also
checked every ``recheck_seconds``, and at once after every reconnection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Collection
from typing import Protocol

from backend.database import DatabaseTarget
from backend.tokens import TOKEN_REVOKED_CHANNEL, Tokens
from projections.connections import TRANSIENT_ERRORS, Listener

log = logging.getLogger(__name__)


class OpenSocket(Protocol):
    """What the registry needs of a socket: a way to close it for a revoked token."""

    async def close_revoked(self) -> None: ...


class OpenSockets:
    """The open WebSockets of this process by token id; ``run()`` closes revoked ones."""

    def __init__(self, target: DatabaseTarget, tokens: Tokens, *, recheck_seconds: float) -> None:
        self.tokens = tokens
        self.recheck_seconds = recheck_seconds
        self._by_token: dict[uuid.UUID, set[OpenSocket]] = {}
        self._notified: set[uuid.UUID] = set()
        self._recheck_now = False
        self._wake = asyncio.Event()
        self._listener = Listener(
            target,
            TOKEN_REVOKED_CHANNEL,
            self._on_notify,
            on_connected=self._on_connected,
            check_seconds=recheck_seconds,
        )

    @property
    def listening(self) -> bool:
        """Whether revocations arrive at once (else within ``recheck_seconds``)."""
        return self._listener.connected

    def add(self, token_id: uuid.UUID, socket: OpenSocket) -> None:
        """Register a socket authenticated with ``token_id``."""
        self._by_token.setdefault(token_id, set()).add(socket)

    def discard(self, token_id: uuid.UUID, socket: OpenSocket) -> None:
        """Forget a socket that is closing."""
        sockets = self._by_token.get(token_id)
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del self._by_token[token_id]

    async def run(self) -> None:
        """Close the sockets of revoked tokens until cancelled."""
        listening = asyncio.create_task(self._listener.run(), name="revocations-listen")
        try:
            while True:
                recheck = await self._next_round()
                notified, self._notified = self._notified, set()
                try:
                    await self._close(notified)
                    if recheck:
                        await self._recheck()
                except Exception:
                    # Anything else must not end the loop: revoked tokens would keep
                    # their sockets for good. Every open token is checked next round.
                    log.exception("closing the sockets of revoked tokens failed")
                    self._recheck_now = True
        finally:
            listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listening

    async def _next_round(self) -> bool:
        """Wait for a notification or the next check; whether all tokens need a check."""
        # asyncio.timeout rather than wait_for, which can swallow a cancellation on
        # Python 3.11 (see ProjectionWatcher.run).
        timed_out = False
        try:
            async with asyncio.timeout(self.recheck_seconds):
                await self._wake.wait()
        except TimeoutError:
            timed_out = True
        self._wake.clear()
        recheck, self._recheck_now = timed_out or self._recheck_now, False
        return recheck

    async def _recheck(self) -> None:
        open_tokens = set(self._by_token)
        if not open_tokens:
            return
        try:
            live = await self.tokens.live(open_tokens)
        except TRANSIENT_ERRORS as error:
            log.warning("cannot check the tokens of open sockets (%s); trying again", error)
            return
        await self._close(open_tokens - live)

    async def _close(self, token_ids: Collection[uuid.UUID]) -> None:
        sockets = [
            socket for token_id in token_ids for socket in self._by_token.pop(token_id, set())
        ]
        if not sockets:
            return
        log.info("closing %d socket(s) of %d revoked token(s)", len(sockets), len(token_ids))
        outcomes = await asyncio.gather(
            *(socket.close_revoked() for socket in sockets), return_exceptions=True
        )
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                # A socket that went away meanwhile cannot be closed again; nothing is lost.
                log.debug("closing a revoked token's socket failed: %r", outcome)

    def _on_notify(self, payload: str) -> None:
        try:
            self._notified.add(uuid.UUID(payload))
        except ValueError:
            log.warning("unreadable %s payload %r", TOKEN_REVOKED_CHANNEL, payload)
            self._recheck_now = True
        self._wake.set()

    def _on_connected(self) -> None:
        # Revocations while the connection was down were not heard: check them all.
        self._recheck_now = True
        self._wake.set()
