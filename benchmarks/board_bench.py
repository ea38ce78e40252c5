"""Board benchmark (issue 22): the board's roadmap page against the GraphQL roadmap query.

Measured side by side in one run, on a fresh database, against a real ``roadlog serve``:
the roadmap page (``GET /roadmaps/{id}``, signed in as an editor, with every control, and
as a viewer, without) for a roadmap of N initiatives with 5 deliverables each, against
the ``roadmap`` query over HTTP on the same roadmap (the roadmap benchmark's query);
round by round, so all see the same machine. Target: p50 at most 1.5 times the query's.

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


async def signed_in(browser: httpx.AsyncClient, secret: str) -> None:
    form = await browser.get("/sign-in")
    found = CSRF.search(form.text)
    assert found, form.text
    signed = await browser.post("/sign-in", data={"token": secret, "csrf": found.group(1)})
    assert signed.status_code == 303, signed.text


async def measure(
    url: str, editor: str, viewer: str, roadmap_id: UUID, requests: int
) -> dict[str, float]:
    """p50 latencies (ms) of the page (an editor's, a viewer's) and of the query, in turn."""
    roadmap = to_global_id("Roadmap", roadmap_id)
    results: dict[str, list[float]] = {"editor": [], "viewer": [], "query": []}
    async with (
        httpx.AsyncClient(base_url=url, timeout=60) as browser,
        httpx.AsyncClient(base_url=url, timeout=60) as reader,
    ):
        await signed_in(browser, editor)
        await signed_in(reader, viewer)
        headers = {"authorization": f"Bearer {editor}"}
        body = {"query": QUERY, "variables": {"id": roadmap}}

        async def page(client: httpx.AsyncClient) -> float:
            started = time.perf_counter()
            response = await client.get(f"/roadmaps/{roadmap}")
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.text[:500]
            return elapsed * 1000

        async def query() -> float:
            started = time.perf_counter()
            response = await browser.post("/graphql", json=body, headers=headers)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200 and "errors" not in response.json()
            return elapsed * 1000

        for _ in range(3):  # warm up every side
            await page(browser)
            await page(reader)
            await query()
        for _ in range(requests):
            results["editor"].append(await page(browser))
            results["viewer"].append(await page(reader))
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

    async def make_tokens() -> tuple[UUID, str, str]:
        async with prepared_pool(target) as pool:
            tokens = Tokens(pool)
            _, editor = await tokens.create(Role.EDITOR, "bench", "bench")
            _, viewer = await tokens.create(Role.VIEWER, "reader", "bench")
            principal = await tokens.authenticate(editor)
            assert principal is not None
            return UUID(str(principal.workspace_id)), editor, viewer

    workspace_id, editor, viewer = asyncio.run(make_tokens())
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
            p50s = asyncio.run(measure(served.url, editor, viewer, board.roadmap_id, requests))
    finally:
        app.close()
    size = f"{initiatives} x {DELIVERABLES_PER_INITIATIVE}"
    target_text = "<= 1.5" if initiatives >= 500 else "<= 1.5 at 500 x 5 (not judged here)"
    return [
        figure(
            f"board roadmap page p50 ({role}), {size}, against the roadmap query",
            p50s[role],
            "ms",
            p50s["query"],
            target_text,
        )
        for role in ("editor", "viewer")
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
