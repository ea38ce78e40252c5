"""Prometheus metrics: requests and durations, the log's head and the projector's lag.

Under ``serve --workers N`` every worker counts its own requests into the files of
``PROMETHEUS_MULTIPROC_DIR`` (set by serve), and ``/metrics`` of any worker sums them all:
prometheus_client's multiprocess mode. The gauges are read from the database at each
scrape, so every worker reports the same values (the most recent one is shown).
"""

from __future__ import annotations

import contextlib
import os

import asyncpg
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response

from backend.bootstrap import Services

HEAD = "SELECT coalesce(max(notification_id), 0) FROM public.roadlog_events"
PROJECTED = "SELECT name, position FROM roadlog.tracking WHERE name = any($1::text[])"


class Metrics:
    """One registry per application (no process-wide singletons)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.exposed = self.registry
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            self.exposed = CollectorRegistry()
            MultiProcessCollector(self.exposed)  # type: ignore[no-untyped-call]
        self.requests = Counter(
            "roadlog_http_requests",
            "HTTP requests served, by route, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.durations = Histogram(
            "roadlog_http_request_duration_seconds",
            "Time to serve an HTTP request.",
            ["route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.events = Gauge(
            "roadlog_events_recorded",
            "Events recorded in the log (the position of the newest one).",
            registry=self.registry,
            multiprocess_mode="mostrecent",
        )
        self.projected = Gauge(
            "roadlog_projector_position",
            "Position each read model has projected up to.",
            ["read_model"],
            registry=self.registry,
            multiprocess_mode="mostrecent",
        )
        self.lag = Gauge(
            "roadlog_projector_lag_events",
            "Events recorded but not yet projected by the slowest read model.",
            registry=self.registry,
            multiprocess_mode="mostrecent",
        )

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one finished request (called by the request log middleware)."""
        self.requests.labels(route, method, str(status)).inc()
        self.durations.labels(route).observe(seconds)

    async def refresh(self, services: Services) -> None:
        """Read the log's head and the projector's positions from the database."""
        names = [model.name for model in services.read_models]
        async with services.pool.acquire() as conn:
            head = await conn.fetchval(HEAD)
            rows = await conn.fetch(PROJECTED, names)
        self.events.set(head)
        positions = {row["name"]: row["position"] for row in rows}
        for name in names:
            self.projected.labels(name).set(positions.get(name, 0))
        slowest = min((positions.get(name, 0) for name in names), default=head)
        self.lag.set(max(head - slowest, 0))

    async def endpoint(self, request: Request) -> Response:
        """``GET /metrics`` in the Prometheus text format."""
        # The request metrics are still worth scraping while the database is down.
        with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            await self.refresh(request.state.services)
        return Response(generate_latest(self.exposed), media_type=CONTENT_TYPE_LATEST)
