"""Which errors mean "the database cannot be reached": those are answered 503 and retried,
everything else stays a bug or a user error."""

from __future__ import annotations

import asyncpg
import pytest
from eventsourcing import persistence
from graphql import GraphQLError

from backend.database import is_unreachable
from schema.errors import DATABASE_UNAVAILABLE, INTERNAL_SERVER_ERROR, CodedErrors


def raised_from(cause: BaseException, error: Exception) -> Exception:
    """``error`` as ``raise error from cause`` leaves it."""
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connection refused"),
        FileNotFoundError(2, "No such file or directory"),
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.InterfaceError("connection is closed"),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        persistence.OperationalError("connection failed"),
        raised_from(persistence.OperationalError("down"), RuntimeError("wrapped")),
    ],
)
def test_connection_failures_are_unreachable(error: BaseException) -> None:
    assert is_unreachable(error)


@pytest.mark.parametrize(
    "error",
    [
        None,
        ValueError("a bug"),
        asyncpg.UniqueViolationError("duplicate key"),
        asyncpg.QueryCanceledError("canceling statement due to statement timeout"),
        persistence.IntegrityError("duplicate key"),
    ],
)
def test_other_errors_are_not(error: BaseException | None) -> None:
    assert not is_unreachable(error)


def test_a_resolver_that_cannot_reach_the_database_answers_database_unavailable() -> None:
    escaped = GraphQLError("boom", original_error=ConnectionRefusedError(111, "refused"))
    coded = CodedErrors._coded(escaped, "request-1")
    assert coded.extensions == {"code": DATABASE_UNAVAILABLE}
    assert "retry" in coded.message

    bug = CodedErrors._coded(GraphQLError("boom", original_error=ValueError()), "request-2")
    assert bug.extensions is not None and bug.extensions["code"] == INTERNAL_SERVER_ERROR
