"""Coded JSON answers to HTTP requests refused before GraphQL runs.

Every refusal has the shape of a GraphQL response without ``data``:
``{"errors": [{"message": ..., "extensions": {"code": ...}}]}``, whether it is a 400 for
a body that is not a GraphQL request, a 401, a 405, a 413 or a 415.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from schema.errors import (
    DATABASE_UNAVAILABLE,
    DATABASE_UNAVAILABLE_MESSAGE,
    METHOD_NOT_ALLOWED,
    RETRY_AFTER_SECONDS,
)
from schema.transport import JSON

ALLOWED_METHODS = "OPTIONS, POST"
"""What ``/graphql`` answers over HTTP: GET is refused, so that a link or an image on
another site can never make a browser run an operation with its credentials (CSRF)."""


class Refusal(JSONResponse):
    """One coded error as a JSON response."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        media_type: str = JSON,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            {"errors": [{"message": message, "extensions": {"code": code}}]},
            status_code=status,
            headers=dict(headers or {}),
            media_type=media_type,
        )


async def method_not_allowed(request: Request, error: Exception) -> Response:
    """Starlette's handler for 405: the coded JSON refusal, with the route's ``Allow``."""
    headers = error.headers if isinstance(error, HTTPException) else None
    allowed = (headers or {}).get("Allow", ALLOWED_METHODS)
    return Refusal(
        405,
        METHOD_NOT_ALLOWED,
        f"{request.method} is not allowed on {request.url.path}; use {allowed}",
        headers={"Allow": allowed},
    )


def database_unavailable() -> Refusal:
    """The answer to a request that needs the database while it cannot be reached."""
    return Refusal(
        503,
        DATABASE_UNAVAILABLE,
        DATABASE_UNAVAILABLE_MESSAGE,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
