"""The time limit of a query (``ROADLOG_REQUEST_TIMEOUT_SECONDS``).

A query still running at the limit is cancelled where it waits (a read-model query, a
``consistentWith`` wait) and answers one top-level ``LIMIT_EXCEEDED`` error instead of
data, so the event loop and the database connection go back to other requests.

Only queries are limited. A mutation records its events in a worker thread that a
cancellation cannot stop: cut off, it would still be recorded while its client is told it
failed, and a retry could record it twice. Its only long wait, for the read models to show
the change, is bounded by ``ROADLOG_CONSISTENCY_TIMEOUT_SECONDS`` and is not an error.
Subscriptions live as long as their client wants them to.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from schema.errors import LIMIT_EXCEEDED, coded_error


def too_long(seconds: float) -> str:
    """The message of a query cut off after ``seconds``."""
    return f"the query ran longer than the limit of {seconds:g} s and was stopped"


class QueryDeadline(SchemaExtension):
    """Cut off a query that runs longer than ``seconds``.

    Listed last among the extensions, so its execution hook is the innermost: the
    cancellation is turned into the coded error before any other hook sees it.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    async def on_execute(self) -> AsyncIterator[None]:
        if self.execution_context.operation_type != OperationType.QUERY:
            yield
            return
        try:
            async with asyncio.timeout(self.seconds):
                yield
        except TimeoutError:
            # strawberry answers an error raised here as the operation's only error.
            raise coded_error(LIMIT_EXCEEDED, too_long(self.seconds)) from None
