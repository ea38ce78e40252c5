"""Board benchmark (issue 22): the board's roadmap page against the GraphQL roadmap query.

Measured side by side in one run, on a fresh database, against a real ``roadlog serve``:
the roadmap page (``GET /roadmaps/{id}``, signed in, rendered with every editor control)
for a roadmap of N initiatives with 5 deliverables each, against the ``roadmap`` query
over HTTP on the same roadmap (the same query as the roadmap benchmark); round by round,
so both see the same machine. Target: p50 at most 1.5 times the query's.

    .venv/bin/python -m benchmarks.board_bench --quick
    .venv/bin/python -m benchmarks.board_bench            # 500 x 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import asyncpg
import httpx

from backend.application import Caller
from backend.bootstrap import prepare_database, prepared_pool
from backend.database import DatabaseTarget
from backend.eventstore import open_event_store
from backend.tokens import Role, Tokens
from benchmarks.figures import Figure, figure
from benchmarks.roadmap_bench import DELIVERABLES_PER_INITIATIVE, QUERY, build_board, p50, visible
from benchmarks.roadmap_history import Say
from benchmarks.scratch import scratch_database
from projections.catalog import READ_MODELS
from schema.relay import to_global_id
from tests.support.process import serving

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


async def measure(url: str, secret: str, roadmap_id: UUID, requests: int) -> dict[str, float]:
    """p50 latencies (ms) of the page and of the query, alternating."""
    roadmap = to_global_id("Roadmap", roadmap_id)
    results: dict[str, list[float]] = {"page": [], "query": []}
    async with httpx.AsyncClient(base_url=url, timeout=60) as browser:
        form = await browser.get("/sign-in")
        found = CSRF.search(form.text)
        assert found, form.text
        signed = await browser.post("/sign-in", data={"token": secret, "csrf": found.group(1)})
        assert signed.status_code == 303, signed.text
        headers = {"authorization": f"Bearer {secret}"}
        body = {"query": QUERY, "variables": {"id": roadmap}}

        async def page() -> float:
            started = time.perf_counter()
            response = await browser.get(f"/roadmaps/{roadmap}")
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.text[:500]
            return elapsed * 1000

        async def query() -> float:
            started = time.perf_counter()
            response = await browser.post("/graphql", json=body, headers=headers)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200 and "errors" not in response.json()
            return elapsed * 1000

        for _ in range(3):  # warm up both sides
            await page()
            await query()
        for _ in range(requests):
            results["page"].append(await page())
            results["query"].append(await query())
    return {name: p50(samples) for name, samples in results.items()}


def run(
    *,
    quick: bool = False,
    initiatives: int | None = None,
    requests: int | None = None,
    server: DatabaseTarget | None = None,
    say: Say = lambda _message: None,
) -> list[Figure]:
    """The figure, on a fresh database of ``server`` (default: an embedded one)."""
    initiatives = initiatives or (50 if quick else 500)
    requests = requests or (15 if quick else 40)
    with scratch_database(server) as (target, scratch):
        return _run(target, scratch, initiatives, requests, say)


def _run(
    target: DatabaseTarget, scratch: Path, initiatives: int, requests: int, say: Say
) -> list[Figure]:
    asyncio.run(prepare_database(target, READ_MODELS))

    async def make_token() -> tuple[UUID, str]:
        async with prepared_pool(target) as pool:
            tokens = Tokens(pool)
            _, secret = await tokens.create(Role.EDITOR, "bench", "bench")
            principal = await tokens.authenticate(secret)
            assert principal is not None
            return UUID(str(principal.workspace_id)), secret

    workspace_id, secret = asyncio.run(make_token())
    caller = Caller(workspace_id=workspace_id, actor="bench", may_backfill=True)
    app = open_event_store(target, pool_size=2, create_tables=False)
    try:
        say(f"building a roadmap of {initiatives} x {DELIVERABLES_PER_INITIATIVE}")
        started = datetime.now(UTC) - timedelta(days=30)
        board = build_board(app, caller, initiatives, started)
        base = app.recorder.max_notification_id() or 0
        env = {"DATABASE_URL": target.url, "ROADLOG_LOG_LEVEL": "warning"}
        with serving("--data-dir", str(scratch / "data"), env=env) as served:

            async def projected() -> None:
                conn = await asyncpg.connect(**target.asyncpg_kwargs())
                try:
                    await visible(conn, base)
                finally:
                    await conn.close()

            asyncio.run(projected())
            say(f"measuring {requests} requests each")
            p50s = asyncio.run(measure(served.url, secret, board.roadmap_id, requests))
    finally:
        app.close()
    size = f"{initiatives} x {DELIVERABLES_PER_INITIATIVE}"
    target_text = "<= 1.5" if initiatives >= 500 else "<= 1.5 at 500 x 5 (not judged here)"
    return [
        figure(
            f"board roadmap page p50 (editor), {size}, against the roadmap query",
            p50s["page"],
            "ms",
            p50s["query"],
            target_text,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--initiatives", type=int)
    parser.add_argument("--requests", type=int)
    options = parser.parse_args()
    figures = run(
        quick=options.quick,
        initiatives=options.initiatives,
        requests=options.requests,
        say=lambda message: print(message, flush=True),
    )
    for item in figures:
        print(json.dumps(item))


if __name__ == "__main__":
    main()
