"""Digest benchmark (issue 21): ``digest`` against the ``roadmap`` query on the same data.

Measured side by side in one run, on a fresh database, against a real ``roadlog serve``:
a roadmap of N initiatives with 5 deliverables each (built through the application),
then a two-week period of E events recorded through the application too (status
changes, estimates, retargets, moves with and without a decision, new deliverables,
decisions and status updates), projected by the server. Then, request by request
alternating, the ``digest`` of that period over HTTP (every item and the Markdown)
against the ``roadmap`` query of the same roadmap (benchmarks.roadmap_bench's query):
p50 of each, target: the digest under 2 times the roadmap query.

    .venv/bin/python -m benchmarks.digest_bench --quick
    .venv/bin/python -m benchmarks.digest_bench            # 500 x 5, 5,000 events
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import httpx

from backend.application import Caller, Roadlog
from backend.bootstrap import prepare_database, prepared_pool
from backend.database import DatabaseTarget
from backend.domain.decision import DecisionLink
from backend.domain.deliverable import STATUSES, NewDeliverable
from backend.domain.errors import DomainError
from backend.eventstore import open_event_store
from backend.tokens import Role, Tokens
from benchmarks.figures import Figure, figure
from benchmarks.roadmap_bench import QUERY as ROADMAP_QUERY
from benchmarks.roadmap_bench import build_board, p50, visible
from benchmarks.roadmap_history import Board, Say
from benchmarks.scratch import scratch_database
from projections.catalog import READ_MODELS
from schema.relay import to_global_id
from tests.support.process import serving

DIGEST_QUERY = """
query Bench($id: ID!, $since: DateTime, $until: DateTime) {
  digest(roadmapId: $id, since: $since, until: $until) {
    from to health markdown
    items { kind summary reason actor at }
  }
}
"""

PERIOD = timedelta(weeks=2)


def record_period(
    app: Roadlog, caller: Caller, board: Board, events: int, start: datetime, say: Say
) -> int:
    """Record about ``events`` events over ``PERIOD`` from ``start``: the log's position."""
    pick = random.Random(21)
    first = app.recorder.max_notification_id() or 0
    position = first
    step = PERIOD / events
    at = start
    decisions: list[UUID] = []
    reported = 0
    while position - first < events:
        at = min(at + step, start + PERIOD)
        roll = pick.random()
        initiative, deliverable = pick.choice(board.deliverables)
        try:
            if roll < 0.4:
                done = app.change_deliverable_status(
                    caller,
                    initiative_id=initiative,
                    deliverable_id=deliverable,
                    status=pick.choice(STATUSES),
                    reason="weekly sync",
                    effective_at=at,
                )
            elif roll < 0.6:
                done = app.estimate_deliverable(
                    caller,
                    initiative_id=initiative,
                    deliverable_id=deliverable,
                    weeks=Decimal(pick.randint(1, 20)),
                    reason="re-estimated",
                    effective_at=at,
                )
            elif roll < 0.7:
                done = app.retarget_deliverable(
                    caller,
                    initiative_id=initiative,
                    deliverable_id=deliverable,
                    target_cycle_id=pick.choice(board.cycles),
                    reason="replanned",
                    effective_at=at,
                )
            elif roll < 0.8:
                done = app.move_initiative(
                    caller,
                    roadmap_id=board.roadmap_id,
                    initiative_id=pick.choice(board.initiatives),
                    to_position=pick.randint(1, len(board.initiatives)),
                    reason="priorities changed",
                    decision_id=pick.choice(decisions) if decisions else None,
                    effective_at=at,
                )
            elif roll < 0.9:
                done = app.add_deliverable(
                    caller,
                    initiative_id=initiative,
                    deliverable=NewDeliverable(f"Follow-up {position}"),
                    reason="found more work",
                    effective_at=at,
                )
            elif roll < 0.95:
                done = app.record_decision(
                    caller,
                    title=f"Decision {position}",
                    context="c",
                    outcome="o",
                    rationale="r",
                    links=[DecisionLink("Roadmap", board.roadmap_id)],
                    effective_at=at,
                )
                decisions.append(done.id)
            else:
                done = app.post_status_update(
                    caller,
                    roadmap_id=board.roadmap_id,
                    health=pick.choice(["ON_TRACK", "AT_RISK", "OFF_TRACK"]),
                    body="Where we stand.",
                    effective_at=at,
                )
        except DomainError:
            continue
        if done.position is not None:
            position = done.position
        if position - first >= reported + 1000:
            reported = position - first
            say(f"  {reported:,} events recorded")
    return position


async def measure(
    url: str, secret: str, board: Board, period: tuple[datetime, datetime], requests: int
) -> tuple[float, float, int]:
    """p50 latencies (ms) of the digest and of the roadmap query, and the digest's items."""
    headers = {"authorization": f"Bearer {secret}"}
    roadmap_id = to_global_id("Roadmap", board.roadmap_id)
    since, until = period
    queries: dict[str, dict[str, Any]] = {
        "digest": {
            "query": DIGEST_QUERY,
            "variables": {"id": roadmap_id, "since": since.isoformat(), "until": until.isoformat()},
        },
        "roadmap": {"query": ROADMAP_QUERY, "variables": {"id": roadmap_id}},
    }
    samples: dict[str, list[float]] = {"digest": [], "roadmap": []}
    async with httpx.AsyncClient(base_url=url, timeout=120, headers=headers) as http:

        async def timed(name: str) -> dict[str, Any]:
            started = time.perf_counter()
            response = await http.post("/graphql", json=queries[name])
            samples[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            assert "errors" not in body, body["errors"]
            return body

        items = len((await timed("digest"))["data"]["digest"]["items"])
        await timed("roadmap")
        samples = {"digest": [], "roadmap": []}  # the first of each warmed up
        for _ in range(requests):
            await timed("digest")
            await timed("roadmap")
    return p50(samples["digest"]), p50(samples["roadmap"]), items


def run(
    *,
    quick: bool = False,
    initiatives: int | None = None,
    events: int | None = None,
    requests: int | None = None,
    server: DatabaseTarget | None = None,
    say: Say = lambda _message: None,
) -> list[Figure]:
    """The figure, on a fresh database of ``server`` (default: an embedded one)."""
    initiatives = initiatives or (50 if quick else 500)
    events = events or (500 if quick else 5_000)
    requests = requests or (10 if quick else 30)
    with scratch_database(server) as (target, scratch):
        asyncio.run(prepare_database(target, READ_MODELS))

        async def make_token() -> tuple[UUID, str]:
            async with prepared_pool(target) as pool:
                tokens = Tokens(pool)
                _, secret = await tokens.create(Role.VIEWER, "bench", "bench")
                principal = await tokens.authenticate(secret)
                assert principal is not None
                return UUID(str(principal.workspace_id)), secret

        workspace_id, secret = asyncio.run(make_token())
        caller = Caller(workspace_id=workspace_id, actor="bench", may_backfill=True)
        now = datetime.now(UTC)
        start = now - PERIOD - timedelta(days=1)
        app = open_event_store(target, pool_size=2, create_tables=False)
        try:
            env = {"DATABASE_URL": target.url, "ROADLOG_LOG_LEVEL": "warning"}
            with serving("--data-dir", str(scratch / "data"), env=env) as served:
                say(f"building a roadmap of {initiatives} x 5")
                board = build_board(app, caller, initiatives, now - timedelta(days=30))
                say(f"recording {events:,} events over two weeks")
                position = record_period(app, caller, board, events, start, say)

                async def projected() -> None:
                    conn = await asyncpg.connect(**target.asyncpg_kwargs())
                    try:
                        await visible(conn, position)
                    finally:
                        await conn.close()

                asyncio.run(projected())
                say(f"measuring {requests} requests each")
                digest, roadmap, items = asyncio.run(
                    measure(served.url, secret, board, (start, start + PERIOD), requests)
                )
        finally:
            app.close()
    return [
        figure(
            f"digest p50, {initiatives} x 5, two weeks of {events:,} events ({items:,} items),"
            " vs the roadmap query",
            digest,
            "ms",
            roadmap,
            "<= 2",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--initiatives", type=int)
    parser.add_argument("--events", type=int)
    parser.add_argument("--requests", type=int)
    options = parser.parse_args()
    figures = run(
        quick=options.quick,
        initiatives=options.initiatives,
        events=options.events,
        requests=options.requests,
        say=lambda message: print(message, flush=True),
    )
    for item in figures:
        print(json.dumps(item))


if __name__ == "__main__":
    main()
