"""Bearer-token authentication for ``/graphql``: 401 before GraphQL runs at all."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from backend.bootstrap import Services
from backend.database import UNREACHABLE_ERRORS
from backend.tokens import Principal
from schema.errors import UNAUTHENTICATED
from schema.refusals import Refusal, database_unavailable

PRINCIPAL_KEY = "roadlog.principal"
WORKSPACE_HEADER = "roadlog-workspace"


def bearer_secret(authorization: str | None) -> str | None:
    """The secret of an ``Authorization: Bearer <secret>`` value, if it is one."""
    if not authorization:
        return None
    scheme, _, secret = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


async def authenticate(services: Services, secret: str | None, workspace: str | None) -> Principal:
    """The principal of a live token (for ``workspace`` if named), else AuthenticationFailed."""
    if secret is None:
        raise AuthenticationFailed("a bearer token is required (Authorization: Bearer <token>)")
    principal = await services.tokens.authenticate(secret)
    if principal is None:
        raise AuthenticationFailed("the bearer token is not valid (unknown, malformed or revoked)")
    if workspace is not None and workspace not in (
        principal.workspace_name,
        str(principal.workspace_id),
    ):
        raise AuthenticationFailed(f"the bearer token is not valid for workspace {workspace!r}")
    return principal


class AuthenticationFailed(Exception):
    """No principal: the request gets 401 (HTTP) or the connection is refused (WebSocket)."""


class RequireBearerToken:
    """ASGI wrapper: HTTP requests without a valid token get 401 with a coded error."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        services: Services = scope["state"]["services"]
        try:
            principal = await authenticate(
                services, bearer_secret(headers.get("authorization")), headers.get(WORKSPACE_HEADER)
            )
        except AuthenticationFailed as failure:
            response = Refusal(
                401,
                UNAUTHENTICATED,
                str(failure),
                headers={"WWW-Authenticate": 'Bearer realm="roadlog"'},
            )
            await response(scope, receive, send)
            return
        except UNREACHABLE_ERRORS:
            await database_unavailable()(scope, receive, send)
            return
        scope[PRINCIPAL_KEY] = principal
        await self.app(scope, receive, send)
