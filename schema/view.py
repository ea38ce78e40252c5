"""The GraphQL endpoint: strawberry's ASGI view with roadlog's context and WebSocket auth."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UnsetType

from backend.bootstrap import Services
from schema.auth import PRINCIPAL_KEY, WORKSPACE_HEADER, AuthenticationFailed, authenticate
from schema.context import Context
from schema.middleware import REQUEST_ID_KEY, request_id_from


def request_id_of(request: Request | WebSocket) -> str:
    """The id the request log middleware gave this request."""
    given = request.scope.get(REQUEST_ID_KEY)
    return given if isinstance(given, str) else request_id_from(request.headers)


class RoadlogGraphQL(GraphQL[Context, None]):
    """POST queries and mutations, ``graphql-transport-ws`` subscriptions."""

    def encode_json(self, data: object) -> str:
        # A 500-initiative roadmap is ~1 MB of JSON: orjson encodes it an order of
        # magnitude faster than the standard library. Text, not bytes: WebSocket
        # clients expect text frames.
        return orjson.dumps(data).decode()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        services: Services = request.state.services
        return Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            services=services,
            request_id=request_id_of(request),
            principal=request.scope.get(PRINCIPAL_KEY),
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params: dict[str, Any] = context.connection_params or {}
        token = params.get("authorization") or params.get("Authorization") or params.get("token")
        secret = None
        if isinstance(token, str):
            secret = (
                token.split(" ", 1)[1].strip() if token.lower().startswith("bearer ") else token
            )
        workspace = params.get("workspace") or context.request.headers.get(WORKSPACE_HEADER)
        try:
            context.principal = await authenticate(
                context.services, secret, workspace if isinstance(workspace, str) else None
            )
        except AuthenticationFailed as failure:
            raise ConnectionRejectionError({"message": str(failure)}) from None
        return await super().on_ws_connect(context)
