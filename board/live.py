"""Live updates: ``/roadmaps/{id}/events``, a server-sent event stream that tells the roadmap
page when the roadmap changed, so it refreshes its table without a reload.

Fed exactly as the ``roadmapChanged`` subscription is: by the process's projection
watcher, after the projector committed a batch (its NOTIFY, or its poll), asking the log
which roadmaps that batch changed (``roadmaps_changed_between``). So the page never
hears of a change that its next read would not show, and every API process serves
streams, whichever runs the projector.

The stream belongs to the session's token: a request without a live session gets 401
(which an ``EventSource`` does not retry), and a token revoked while the stream is open
ends it (``signed-out``), through the registry that closes the GraphQL WebSockets of
revoked tokens (``schema.open_sockets``). A browser that goes away ends it too (the
ASGI disconnect; a keep-alive comment every ``KEEP_ALIVE_SECONDS`` finds a dead peer),
and so does the process stopping (``board.stopping``), so that it never holds a shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from uuid import UUID

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from backend.bootstrap import Services
from backend.tokens import Principal
from board.session import principal_of, services_of
from board.stopping import Stopping
from projections.roadmap_queries import roadmaps_by_ids
from projections.watcher import BatchStream, ProjectedBatch
from schema.open_sockets import OpenSockets
from schema.relay import InvalidGlobalId, from_global_id
from schema.roadmap.loaders import roadmaps_changed_between

KEEP_ALIVE_SECONDS = 15.0
"""A comment this often keeps proxies from closing an idle stream and finds dead peers."""

RETRY_MILLISECONDS = 2000
"""How soon a browser reconnects after the stream broke (not after a 401: it stops)."""

CHANGED = "changed"
SIGNED_OUT = "signed-out"


def event(name: str, data: str = "") -> str:
    """One server-sent event (``data`` is one line the board wrote, never user text)."""
    assert "\n" not in data, f"one line of data, not {data!r}"
    return f"event: {name}\ndata: {data}\n\n"


class RevokedSession:
    """What the open-sockets registry closes when the stream's token is revoked."""

    def __init__(self) -> None:
        self.revoked = asyncio.Event()

    async def close_revoked(self) -> None:
        self.revoked.set()


async def _next_batch(stream: BatchStream) -> ProjectedBatch | None:
    """The stream's next batch; None when the watcher stopped."""
    try:
        return await anext(stream)
    except StopAsyncIteration:
        return None


async def roadmap_signals(
    services: Services,
    open_sockets: OpenSockets,
    principal: Principal,
    roadmap_id: UUID,
    subscribed: BatchStream,
    after: int,
    stopping: Stopping,
) -> AsyncIterator[str]:
    """The events of one page's stream until its token is revoked or the watcher stops;
    ``after`` is the position the page was read at: a change since then is signalled
    at once (a change between the page's read and its stream is never missed)."""
    session = RevokedSession()
    open_sockets.add(principal.token_id, session)
    revoked = asyncio.ensure_future(session.revoked.wait())
    stopped = asyncio.ensure_future(stopping.wait())

    async def changed(batch: ProjectedBatch) -> str:
        """The ``changed`` event for a batch that changed this roadmap, else nothing."""
        mine = await roadmaps_changed_between(
            services.pool, principal.workspace_id, batch.previous, batch.position
        )
        if roadmap_id in mine or "roadmap" in batch.rebuilt:
            return f"id: {batch.position}\n" + event(CHANGED, str(batch.position))
        return ""

    try:
        yield f"retry: {RETRY_MILLISECONDS}\n\n"
        # The stream is subscribed already: batches after this position come through it.
        if (position := services.watcher.position) > after:
            yield await changed(ProjectedBatch(after, position))
        while True:
            batch = asyncio.ensure_future(_next_batch(subscribed))
            done, _ = await asyncio.wait(
                {batch, revoked, stopped},
                timeout=KEEP_ALIVE_SECONDS,
                return_when=asyncio.FIRST_COMPLETED,
            )
            if revoked in done:
                batch.cancel()
                yield event(SIGNED_OUT)
                return
            if stopped in done:
                batch.cancel()
                return  # the browser reconnects (retry), to a process that is not stopping
            if batch not in done:
                batch.cancel()
                yield ": keep-alive\n\n"
                continue
            projected = batch.result()
            if projected is None:
                return
            if signal := await changed(projected):
                yield signal
    finally:
        for waiting in (revoked, stopped):
            waiting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await waiting
        open_sockets.discard(principal.token_id, session)


async def roadmap_events(request: Request) -> Response:
    """``GET /roadmaps/{roadmap}/events?after=<position>``: the roadmap page's live-update
    stream (``after``: the read models' position when the page was read; a reconnecting
    browser's ``Last-Event-ID`` takes its place)."""
    principal = await principal_of(request)
    if principal is None:
        return PlainTextResponse("Sign in to follow this roadmap", status_code=401)
    roadmap = request.path_params["roadmap"]
    try:
        ref = from_global_id(roadmap, "Roadmap")
    except InvalidGlobalId:
        return PlainTextResponse(f"Roadmap {roadmap!r} not found", status_code=404)
    try:
        after = int(request.headers.get("last-event-id") or request.query_params.get("after", ""))
    except ValueError:
        return PlainTextResponse("after: the position the page was read at", status_code=400)
    services = services_of(request)
    open_sockets: OpenSockets = request.state.open_sockets
    stopping: Stopping = request.state.stopping

    async def stream() -> AsyncIterator[str]:
        async with services.watcher.batches() as subscribed:
            async for text in roadmap_signals(
                services, open_sockets, principal, ref.id, subscribed, after, stopping
            ):
                yield text

    if not await roadmaps_by_ids(services.pool, principal.workspace_id, [ref.id]):
        return PlainTextResponse(f"Roadmap {roadmap!r} not found", status_code=404)
    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"x-accel-buffering": "no"},
    )
