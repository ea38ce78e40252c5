"""Read-your-writes: wait until the read models show a given log position.

A mutation's payload carries ``position``, the log position of its last event. A query
that passes it back — as a ``consistentWith:`` argument of ``roadmap`` or ``timeline``, or
for any query as the ``Roadlog-Consistent-With`` HTTP header — is answered only once every
read model has projected at least that far. The wait is bounded by
``ROADLOG_CONSISTENCY_TIMEOUT_SECONDS`` (5 s by default); past it the query fails with a
top-level ``CONSISTENCY_TIMEOUT`` error rather than answer from older data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from starlette.requests import Request
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from projections.watcher import ConsistencyTimeout
from schema.context import Context, Info
from schema.errors import BAD_USER_INPUT, CONSISTENCY_TIMEOUT, coded_error

HEADER = "roadlog-consistent-with"
"""The HTTP header (case-insensitive) a query may carry a mutation's position in."""


def parse_position(value: str | None, source: str) -> int | None:
    """A log position given by a client, or BAD_USER_INPUT naming where it came from."""
    if value is None or value.strip() == "":
        return None
    text = value.strip()
    if not text.isdigit() or len(text) > 19:
        raise coded_error(
            BAD_USER_INPUT, f"{source}: {value!r} is not a log position (a mutation's position)"
        )
    return int(text)


async def wait_for_position(context: Context, position: int | None) -> None:
    """Return once every read model has reached ``position``; else CONSISTENCY_TIMEOUT."""
    if position is None:
        return
    services = context.services
    timeout = services.settings.consistency_timeout_seconds
    try:
        await services.watcher.wait_for(position, timeout)
    except ConsistencyTimeout as late:
        raise coded_error(
            CONSISTENCY_TIMEOUT,
            f"the read models reached position {late.reached}, not {position},"
            f" within {timeout:g} s; try again",
        ) from None


async def wait_until_visible(info: Info, position: int | None) -> None:
    """Read-your-writes for a resolver: see ``wait_for_position``."""
    await wait_for_position(info.context, position)


async def consistent_with(info: Info, argument: str | None) -> None:
    """Wait for the position of a ``consistentWith:`` argument, if one was given."""
    await wait_for_position(info.context, parse_position(argument, "consistentWith"))


class ReadYourWrites(SchemaExtension):
    """Honour the ``Roadlog-Consistent-With`` header on every query over HTTP.

    The wait happens before execution; a bad header or a timeout answers with one
    top-level error and runs nothing.
    """

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if (
            isinstance(context, Context)
            and isinstance(context.request, Request)
            and execution.operation_type == OperationType.QUERY
        ):
            try:
                position = parse_position(context.request.headers.get(HEADER), HEADER)
                await wait_for_position(context, position)
            except GraphQLError as error:
                execution.result = GraphQLExecutionResult(data=None, errors=[error])
        yield
