"""The board's routes, its static files and the headers every one of its answers carries."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route, request_response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from board.history import history_page
from board.live import roadmap_events
from board.meeting import (
    add_deliverable,
    change_status,
    move_initiative,
    propose_initiative,
    retarget_deliverable,
)
from board.okrs import okrs_page
from board.pages import home, roadmap_page, sign_in_page, sign_out
from board.retrospective import retrospective_page
from board.status_updates import post_status_update, status_updates_page

STATIC = Path(__file__).with_name("static")

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
"""Scripts and styles from the board's own static files only: no inline script, no
``on*=`` attribute, no ``eval`` runs, whatever a page contains."""

SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


class SecurityHeaders:
    """ASGI wrapper: the board's headers on every answer (static files are cached)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if not (static and name == "cache-control"):
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _secured(endpoint: Callable[[Request], Awaitable[Response]]) -> ASGIApp:
    return SecurityHeaders(request_response(endpoint))


def board_routes() -> list[BaseRoute]:
    """The web pages: ``/``, ``/sign-in``, ``/sign-out``, ``/roadmaps/{id}`` and the
    meeting's controls under it (a deliverable's status, moves, proposals, new
    deliverables, retargets), its live ``events``, the roadmap's own pages
    (``retrospective``, ``okrs``, ``updates``), an initiative's ``history``, ``/static/*``.

    Routes of their own beside the API's (no catch-all mount), so that a wrong method on
    ``/graphql`` is still its 405."""
    return [
        Route("/", _secured(home), methods=["GET"]),
        Route("/sign-in", _secured(sign_in_page), methods=["GET", "POST"]),
        Route("/sign-out", _secured(sign_out), methods=["POST"]),
        Route("/roadmaps/{roadmap}", _secured(roadmap_page), methods=["GET"]),
        Route(
            "/roadmaps/{roadmap}/deliverables/{deliverable}/status",
            _secured(change_status),
            methods=["POST"],
        ),
        Route("/roadmaps/{roadmap}/moves", _secured(move_initiative), methods=["POST"]),
        Route("/roadmaps/{roadmap}/retrospective", _secured(retrospective_page), methods=["GET"]),
        Route("/roadmaps/{roadmap}/okrs", _secured(okrs_page), methods=["GET"]),
        Route("/roadmaps/{roadmap}/updates", _secured(status_updates_page), methods=["GET"]),
        Route("/roadmaps/{roadmap}/updates", _secured(post_status_update), methods=["POST"]),
        Route("/roadmaps/{roadmap}/initiatives", _secured(propose_initiative), methods=["POST"]),
        Route("/roadmaps/{roadmap}/deliverables", _secured(add_deliverable), methods=["POST"]),
        Route("/roadmaps/{roadmap}/retargets", _secured(retarget_deliverable), methods=["POST"]),
        Route("/roadmaps/{roadmap}/events", _secured(roadmap_events), methods=["GET"]),
        Route("/initiatives/{initiative}/history", _secured(history_page), methods=["GET"]),
        Mount("/static", SecurityHeaders(StaticFiles(directory=STATIC)), name="static"),
    ]
