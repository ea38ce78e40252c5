"""Knowing that the process is stopping, before the server waits for its connections.

On SIGTERM or SIGINT uvicorn stops accepting connections, then waits (up to its graceful
shutdown timeout) for the open ones to finish, and only then runs the lifespan's
shutdown. A WebSocket is told to close, but a streamed HTTP answer, such as the board's
event stream, is not told anything: it would hold every shutdown until the timeout and
then be cancelled. ``Stopping`` hears the signal first, chained in front of uvicorn's
own handler, so such streams end at once and their browsers reconnect to a process that
is not stopping.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""The signals uvicorn stops on (outside Windows)."""


class Stopping:
    """Set once the process is asked to stop; see the module docstring."""

    def __init__(self) -> None:
        self.event = asyncio.Event()

    def is_set(self) -> bool:
        return self.event.is_set()

    async def wait(self) -> None:
        await self.event.wait()

    @asynccontextmanager
    async def on_signals(self) -> AsyncIterator[None]:
        """While open, the stop signals also set this (then run the handler they had).

        Signal handlers belong to the main thread: elsewhere (an app served by a test's
        thread) nothing is installed, and only a stopping server's cancellation ends a
        stream."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        loop = asyncio.get_running_loop()
        previous: dict[int, Any] = {sig: signal.getsignal(sig) for sig in SIGNALS}

        def heard(number: int, frame: FrameType | None) -> None:
            loop.call_soon_threadsafe(self.event.set)
            handler = previous[number]
            if callable(handler):
                handler(number, frame)
            elif handler == signal.SIG_DFL:
                # Nobody else handles it: the default action (end the process) as before.
                signal.signal(number, signal.SIG_DFL)
                signal.raise_signal(number)

        for sig in SIGNALS:
            signal.signal(sig, heard)
        try:
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
