"""The GraphQL endpoint: strawberry's ASGI view with roadlog's context, the request rules
of ``schema.transport`` and WebSocket auth."""

from __future__ import annotations

from typing import Any, cast

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UnsetType

from backend.bootstrap import Services
from schema.auth import PRINCIPAL_KEY, WORKSPACE_HEADER, AuthenticationFailed, authenticate
from schema.context import Context
from schema.errors import BAD_REQUEST, METHOD_NOT_ALLOWED, UNSUPPORTED_MEDIA_TYPE
from schema.middleware import REQUEST_ID_KEY, request_id_from
from schema.refusals import ALLOWED_METHODS, Refusal
from schema.transport import (
    GRAPHQL_RESPONSE,
    JSON,
    MalformedRequest,
    check_content_type,
    graphql_request,
    is_request_error,
    parse_body,
    request_error_status,
    wants_graphql_response,
)
from schema.websocket import RoadlogTransportWSHandler

HTTP_OPERATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})
"""What runs over HTTP; subscriptions run over WebSocket only."""

REFUSAL_CODES = {405: METHOD_NOT_ALLOWED, 415: UNSUPPORTED_MEDIA_TYPE}
"""Codes of the HTTP refusals before GraphQL runs; any other status is BAD_REQUEST."""


def request_id_of(request: Request | WebSocket) -> str:
    """The id the request log middleware gave this request."""
    given = request.scope.get(REQUEST_ID_KEY)
    return given if isinstance(given, str) else request_id_from(request.headers)


def response_media_type(request: Request) -> str:
    """The media type the client gets: see ``schema.transport.wants_graphql_response``."""
    return GRAPHQL_RESPONSE if wants_graphql_response(request.headers.get("accept")) else JSON


class RoadlogGraphQL(GraphQL[Context, None]):
    """POST queries and mutations, ``graphql-transport-ws`` subscriptions.

    Over HTTP, a request that is not a GraphQL request gets a coded JSON refusal (400,
    405 or 415) instead of strawberry's plain text; a client that accepts
    ``application/graphql-response+json`` gets it, with the specification's statuses.
    Over WebSocket, ``schema.websocket`` checks every message and the token.
    """

    graphql_transport_ws_handler_class = RoadlogTransportWSHandler

    def encode_json(self, data: object) -> str:
        # A 500-initiative roadmap is ~1 MB of JSON: orjson encodes it an order of
        # magnitude faster than the standard library. Text, not bytes: WebSocket
        # clients expect text frames.
        return orjson.dumps(data).decode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.run(request)
        except (MalformedRequest, HTTPException) as refused:
            response = self._refusal(request, refused)
        await response(scope, receive, send)

    @staticmethod
    def _refusal(request: Request, refused: MalformedRequest | HTTPException) -> Response:
        if isinstance(refused, MalformedRequest):
            status, message = refused.status, refused.message
        else:
            status, message = refused.status_code, refused.reason
        return Refusal(
            status,
            REFUSAL_CODES.get(status, BAD_REQUEST),
            message,
            media_type=response_media_type(request),
            headers={"Allow": ALLOWED_METHODS} if status == 405 else None,
        )

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        check_content_type(request.content_type)
        return graphql_request(parse_body(await request.get_body()))

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        if isinstance(request, Request):
            sub_response.media_type = response_media_type(request)
        return sub_response

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        # strawberry's own allows subscriptions over POST for its streaming transports,
        # which roadlog does not serve: one would fail as an internal error.
        try:
            result = await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=HTTP_OPERATIONS,
                operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as error:
            raise MalformedRequest(error.as_http_error_reason()) from None
        except InvalidOperationTypeError as error:
            raise MalformedRequest(
                f"{error.as_http_error_reason(request_adapter.method)};"
                " subscribe over a WebSocket (graphql-transport-ws)"
            ) from None
        if (
            sub_response.media_type == GRAPHQL_RESPONSE
            and result.errors
            and is_request_error(result.data, result.errors)
        ):
            sub_response.status_code = request_error_status(result.errors)
        return result

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        graphql_response = sub_response.media_type == GRAPHQL_RESPONSE
        if graphql_response and (sub_response.status_code or 200) >= 400:
            # A request error: nothing ran, so the specification wants no data entry.
            assert isinstance(response_data, dict), "batching is off: one result per request"
            response_data = cast(
                GraphQLHTTPResponse,
                {key: value for key, value in response_data.items() if key != "data"},
            )
        response = super().create_response(response_data, sub_response)
        if graphql_response:
            response.headers["content-type"] = GRAPHQL_RESPONSE
        return response

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
