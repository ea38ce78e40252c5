"""Top-level GraphQL errors, each with ``extensions.code``.

Expected failures of mutations are ``userErrors`` in the payload; top-level errors are
only for authentication, authorization, limits, parse and validation problems, and for
unexpected failures, which are masked: the client gets ``INTERNAL_SERVER_ERROR`` and a
request id, the server log gets the traceback next to the same id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import asyncpg
from graphql import GraphQLError, GraphQLSyntaxError
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from backend.database import is_unreachable

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
BAD_USER_INPUT = "BAD_USER_INPUT"
BAD_REQUEST = "BAD_REQUEST"
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
CONSISTENCY_TIMEOUT = "CONSISTENCY_TIMEOUT"
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"

RETRY_AFTER_SECONDS = 2
"""What a 503 asks a client to wait: about what the embedded server takes to restart."""

DATABASE_UNAVAILABLE_MESSAGE = (
    f"The database is unavailable right now; retry in {RETRY_AFTER_SECONDS} seconds. A mutation"
    " retried with the same idempotency key or client id is recorded at most once."
)

# What graphql-core's token limit says: its error carries no code of its own (roadlog's
# depth, alias, cost and time limits give theirs, see schema/validation.py).
LIMIT_MESSAGES = ("tokens.",)

log = logging.getLogger("roadlog.graphql")


def coded_error(code: str, message: str) -> GraphQLError:
    """A GraphQL error carrying ``extensions.code``."""
    return GraphQLError(message, extensions={"code": code})


UNSTORABLE_TEXT = "Text arguments may not contain NUL characters or lone surrogates."


def is_unstorable_text(error: GraphQLError) -> bool:
    """A text argument PostgreSQL cannot take: a NUL (refused by the server) or a lone
    surrogate (no UTF-8 encoding). Only a client's input carries such text into a query;
    mutations refuse it earlier, as an INVALID user error."""
    original = error.original_error
    if isinstance(original, asyncpg.CharacterNotInRepertoireError):
        return True
    # asyncpg reports an argument it cannot encode as a DataError caused by the codec's.
    cause = original.__cause__ if isinstance(original, asyncpg.DataError) else original
    return isinstance(cause, UnicodeEncodeError) and cause.reason == "surrogates not allowed"


def is_unexpected(error: GraphQLError) -> bool:
    """An exception that escaped a resolver, as opposed to an error raised on purpose."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


def code_for(error: GraphQLError) -> str:
    """The code of an error that was raised without one (or the code of the error it
    wraps: graphql-core wraps a scalar's refusal of a variable's value)."""
    original = error.original_error
    wrapped = original.extensions if isinstance(original, GraphQLError) else None
    if wrapped and "code" in wrapped:
        return str(wrapped["code"])
    if any(fragment in error.message for fragment in LIMIT_MESSAGES):
        return LIMIT_EXCEEDED
    if isinstance(error, GraphQLSyntaxError):
        return PARSE_FAILED
    return VALIDATION_FAILED


class CodedErrors(SchemaExtension):
    """Give every top-level error a code, and mask unexpected ones with the request id."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        context = self.execution_context.context
        request_id = getattr(context, "request_id", None)
        result.errors = [self._coded(error, request_id) for error in result.errors]
        unavailable = any(
            (error.extensions or {}).get("code") == DATABASE_UNAVAILABLE for error in result.errors
        )
        response = getattr(context, "response", None)
        if unavailable and isinstance(response, Response):
            # Over HTTP the whole answer says so, for clients and load balancers that look
            # only at the status; on a WebSocket the code in each error is all there is.
            response.status_code = 503
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)

    @staticmethod
    def _coded(error: GraphQLError, request_id: str | None) -> GraphQLError:
        if is_unstorable_text(error):
            return GraphQLError(
                UNSTORABLE_TEXT,
                nodes=error.nodes,
                path=error.path,
                extensions={"code": BAD_USER_INPUT},
            )
        if is_unreachable(error.original_error):
            log.warning(
                "database unavailable in %s: %s",
                ".".join(str(part) for part in error.path or ()) or "operation",
                error.original_error,
                extra={"request_id": request_id},
            )
            return GraphQLError(
                DATABASE_UNAVAILABLE_MESSAGE,
                nodes=error.nodes,
                path=error.path,
                extensions={"code": DATABASE_UNAVAILABLE},
            )
        if is_unexpected(error):
            log.error(
                "unexpected error in %s",
                ".".join(str(part) for part in error.path or ()) or "operation",
                exc_info=error.original_error,
                extra={"request_id": request_id},
            )
            return GraphQLError(
                f"Internal server error; quote request id {request_id} when reporting it.",
                nodes=error.nodes,
                path=error.path,
                extensions={"code": INTERNAL_SERVER_ERROR, "requestId": request_id},
            )
        if error.extensions and "code" in error.extensions:
            return error
        return GraphQLError(
            error.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={**(error.extensions or {}), "code": code_for(error)},
        )
