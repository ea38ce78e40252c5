"""The ASGI application: routes, middleware and the lifespan that owns the services."""

from __future__ import annotations

import gc
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TypedDict

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from backend.bootstrap import Services, background, bootstrap
from backend.database import DatabaseTarget
from backend.logs import configure_logging
from backend.settings import Settings
from board.app import board_routes
from board.stopping import Stopping
from schema.auth import RequireBearerToken
from schema.graphiql import graphiql_routes
from schema.health import healthz, readyz
from schema.metrics import Metrics
from schema.middleware import BodySizeLimit, RequestLog
from schema.open_sockets import OpenSockets
from schema.refusals import method_not_allowed
from schema.root import build_schema
from schema.view import RoadlogGraphQL

CORS_HEADERS = [
    "authorization",
    "content-type",
    "roadlog-consistent-with",
    "roadlog-workspace",
    "x-request-id",
]


class State(TypedDict):
    services: Services
    open_sockets: OpenSockets
    stopping: Stopping
    """Set on SIGTERM/SIGINT, before the server drains: the board's event streams end."""


def create_app(settings: Settings, target: DatabaseTarget) -> Starlette:
    """roadlog over HTTP: ``/graphql`` (POST and WebSocket), ``/healthz``, ``/readyz``, and
    the board's web pages at ``/``."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        async with bootstrap(settings, target) as services:
            open_sockets = OpenSockets(
                target, services.tokens, recheck_seconds=settings.token_recheck_seconds
            )
            stopping = Stopping()
            async with background(open_sockets.run()), stopping.on_signals():
                # What exists after start-up lives as long as the process: keep it out of
                # every garbage collection from now on (big responses trigger many).
                gc.freeze()
                yield {"services": services, "open_sockets": open_sockets, "stopping": stopping}

    graphql = RoadlogGraphQL(
        build_schema(settings),
        graphql_ide=None,
        allow_queries_via_get=False,
        keep_alive=True,
        keep_alive_interval=15,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        connection_init_wait_timeout=timedelta(seconds=10),
        allowed_origins=settings.cors_origins,
    )
    metrics = Metrics()
    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics.endpoint, methods=["GET"]),
            # GET is refused (405): see schema.refusals.ALLOWED_METHODS.
            Route("/graphql", RequireBearerToken(graphql), methods=["POST", "OPTIONS"]),
            WebSocketRoute("/graphql", graphql),
            *(graphiql_routes() if settings.dev else []),
            *board_routes(),
        ],
        middleware=[
            Middleware(RequestLog, observe=metrics.observe),
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["POST", "OPTIONS"],
                allow_headers=CORS_HEADERS,
                expose_headers=["x-request-id"],
                max_age=600,
            ),
            Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
        ],
        exception_handlers={405: method_not_allowed},
        lifespan=lifespan,
    )


def worker_app() -> Starlette:
    """The app of one ``serve --workers`` process (uvicorn imports and calls this).

    Settings come from the environment, which the parent process has completed with
    ``DATABASE_URL`` (its embedded server, if it runs one): the parent owns the database,
    the workers only connect to it.
    """
    settings = Settings()
    configure_logging(settings.log_level)
    assert settings.database_url, "serve sets DATABASE_URL for its workers"
    return create_app(
        settings, DatabaseTarget.configured(settings.database_url, settings.owner_database_url)
    )


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket for uvicorn, with Nagle's algorithm off.

    asyncio turns Nagle off only on sockets it creates itself; on this one, a response
    written as head then body would wait ~40 ms for the client's delayed ACK. Linux
    passes the option on to every accepted connection.
    """
    listener = socket.create_server((host, port), backlog=2048)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listener


WORKER_APP = "schema.app:worker_app"

WORKER_HEALTHCHECK_SECONDS = 30
"""How long uvicorn's supervisor waits for a worker to answer before killing it as hung.

uvicorn's default, 5 s, is shorter than a new worker can take to import roadlog on a
busy machine: the supervisor then kills each replacement before it starts, and a dead
worker is never replaced.
"""


def server_config(app: ASGIApp | str, workers: int = 1) -> uvicorn.Config:
    """How uvicorn serves roadlog: our logging, the sans-I/O WebSocket implementation.

    With ``workers`` > 1, ``app`` is the import string of a factory (WORKER_APP) that each
    worker process calls.
    """
    return uvicorn.Config(
        app,
        factory=isinstance(app, str),
        workers=workers,
        log_config=None,
        access_log=False,
        lifespan="on",
        ws="websockets-sansio",
        timeout_graceful_shutdown=10,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )
