"""Liveness and readiness for load balancers and Kubernetes probes."""

from __future__ import annotations

import asyncio

import asyncpg
from starlette.requests import Request
from starlette.responses import JSONResponse

from backend.bootstrap import Services

DATABASE_CHECK_SECONDS = 2.0


async def healthz(request: Request) -> JSONResponse:
    """The process is up and serving HTTP."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Ready when the database answers (and, where one runs, the projector is healthy)."""
    services: Services = request.state.services
    try:
        async with asyncio.timeout(DATABASE_CHECK_SECONDS):
            async with services.pool.acquire() as conn:
                await conn.fetchval("SELECT 1")
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        reason = f"database unreachable: {error or type(error).__name__}"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    body: dict[str, object] = {"status": "ready", "database": "ok"}
    if services.projector is None:
        return JSONResponse(body)
    status = services.projector.status
    body["projector"] = {
        "state": status.state,
        "position": status.position,
        "head": status.head,
        "lag": status.lag,
    }
    if status.state in ("active", "standby"):
        return JSONResponse(body)
    failure = status.error
    reason = f"projector {status.state}"
    if failure is not None:
        reason += f": {failure.message}"
        if failure.position is not None:
            reason += f" (event {failure.position}, {failure.event_type})"
    return JSONResponse({**body, "status": "unavailable", "reason": reason}, status_code=503)
