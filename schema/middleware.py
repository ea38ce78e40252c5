"""HTTP middleware: request ids and one log line per request, and the request body limit."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schema.errors import LIMIT_EXCEEDED
from schema.refusals import Refusal

REQUEST_ID_KEY = "roadlog.request_id"
OPERATION_KEY = "roadlog.operation"
REQUEST_ID_HEADER = "x-request-id"

log = logging.getLogger("roadlog.requests")

Observer = Callable[[str, str, int, float], None]
"""(route, method, status, seconds) -> None, e.g. the Prometheus metrics."""


def request_id_from(headers: Headers) -> str:
    """The caller's request id if it sent a sane one, else a new one."""
    given = headers.get(REQUEST_ID_HEADER, "")
    if given and len(given) <= 64 and given.isprintable():
        return given
    return uuid.uuid4().hex


class RequestLog:
    """Give every request an id (echoed in ``X-Request-ID``) and log one line when done:
    id, actor, GraphQL operation, duration and status."""

    def __init__(self, app: ASGIApp, observe: Observer | None = None) -> None:
        self.app = app
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(Headers(scope=scope))
        scope[REQUEST_ID_KEY] = request_id
        started = time.perf_counter()
        status = 500 if scope["type"] == "http" else 101

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request_id)
            elif message["type"] == "websocket.close":
                status = message.get("code", 1000)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            principal = scope.get("roadlog.principal")
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope.get("method", "WEBSOCKET"),
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "actor": getattr(principal, "actor", None),
                    "operation": scope.get(OPERATION_KEY),
                },
            )
            if self.observe is not None and scope["type"] == "http":
                self.observe(scope["path"], scope["method"], status, seconds)


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with 413 before anything parses them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = Refusal(
            413, LIMIT_EXCEEDED, f"request body is larger than {self.max_bytes} bytes"
        )
        await refusal(scope, receive, send)
