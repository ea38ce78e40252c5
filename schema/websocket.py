"""``graphql-transport-ws`` with roadlog's rules on top of strawberry's handler.

- Every malformed message closes the socket with 4400 and a reason that says what is
  wrong (strawberry's handler would fail on ``null``, ``1`` or a ``subscribe`` without a
  payload, and the socket would end in an abnormal close).
- The token is checked again on every operation: a revoked one closes the socket with
  4403, as does a revocation that ``OpenSockets`` hears of while the socket is open.
"""

from __future__ import annotations

from typing import cast

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
)

from projections.connections import TRANSIENT_ERRORS
from schema.context import Context
from schema.open_sockets import OpenSockets
from schema.transport import frame_problem

FORBIDDEN = 4403
BAD_REQUEST = 4400
TRY_AGAIN_LATER = 1013
"""The WebSocket close code for a server that cannot answer now (RFC 6455 registry)."""

MAX_REASON_BYTES = 123
"""A close frame's reason is at most 123 bytes of UTF-8 (RFC 6455, section 5.5)."""


def close_reason(text: str) -> str:
    """``text`` cut to what a close frame can carry."""
    return text.encode()[:MAX_REASON_BYTES].decode(errors="ignore")


class RoadlogTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """One WebSocket connection: strawberry's protocol, roadlog's checks (module docstring)."""

    _closing = False

    @property
    def open_sockets(self) -> OpenSockets:
        sockets: OpenSockets = self.context.request.state.open_sockets
        return sockets

    async def handle_message(self, message: Message) -> None:
        frame = cast(object, message)
        if problem := frame_problem(frame):
            await self.close(BAD_REQUEST, problem)
            return
        if message["type"] == "connection_init" and message.get("payload") is None:
            # The protocol allows a null payload; strawberry's handler does not.
            message = ConnectionInitMessage(type="connection_init")
        if message["type"] == "subscribe" and self.connection_acknowledged:
            if not await self._token_is_live():
                await self.close(FORBIDDEN, "Forbidden")
                return
            if self._closing:
                return  # revoked while the check ran: run nothing more
        await super().handle_message(message)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except TRANSIENT_ERRORS:
            # The token could not be checked: not a refusal, the client may try again.
            await self.close(TRY_AGAIN_LATER, "the database is unavailable; try again")
            return
        principal = self.context.principal
        if self.connection_acknowledged and principal is not None:
            self.open_sockets.add(principal.token_id, self)

    async def _token_is_live(self) -> bool:
        principal = self.context.principal
        if principal is None:
            return False
        try:
            live = await self.context.services.tokens.live([principal.token_id])
        except TRANSIENT_ERRORS:
            await self.close(TRY_AGAIN_LATER, "the database is unavailable; try again")
            return False
        return principal.token_id in live

    async def close_revoked(self) -> None:
        """Close the socket of a token revoked meanwhile: 4403, its operations stopped."""
        self._closing_operations()
        await self.close(FORBIDDEN, "Forbidden")

    def _closing_operations(self) -> None:
        for operation in self.operations.values():
            if operation.task is not None:
                operation.task.cancel()

    async def close(self, code: int, reason: str) -> None:
        """Close once; a second close (a revocation racing a refusal) would fail."""
        if self._closing:
            return
        self._closing = True
        await self.websocket.close(code, close_reason(reason))

    async def handle_invalid_message(self, error_message: str) -> None:
        await self.close(BAD_REQUEST, error_message)

    async def shutdown(self) -> None:
        principal = self.context.principal
        if principal is not None:
            self.open_sockets.discard(principal.token_id, self)
        await super().shutdown()
