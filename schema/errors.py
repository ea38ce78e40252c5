"""Top-level GraphQL errors, each with ``extensions.code``.

Expected failures of mutations are ``userErrors`` in the payload; top-level errors are
only for authentication, authorization, limits, parse and validation problems, and for
unexpected failures (masked).
"""

from __future__ import annotations

from graphql import GraphQLError

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
BAD_USER_INPUT = "BAD_USER_INPUT"
CONSISTENCY_TIMEOUT = "CONSISTENCY_TIMEOUT"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


def coded_error(code: str, message: str) -> GraphQLError:
    """A GraphQL error carrying ``extensions.code``."""
    return GraphQLError(message, extensions={"code": code})
