"""Mutation throughput: GraphQL over HTTP against the same commands called directly.

Side by side in one run, on a fresh database:

- the floor: 16 threads in this process calling the Application's commands directly
  (``move_initiative`` and ``estimate_deliverable``, alternating), mutations per second;
- the API: 16 concurrent HTTP clients sending the same mutations to a real
  ``roadlog serve`` (projector included), mutations per second, with one worker process
  (the default) and with two (``--workers 2``, one per core of the bench machine).
  Target: at least half the floor's rate.

Both run on one database, so when a server starts, the log already holds the floor's
commands. The API is measured once its projector has caught up with them: projecting
them is not the API's work, and the floor does not project at all. The projector does
project every event the API records while it is measured.

    .venv/bin/python -m benchmarks.mutations_bench --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import aiohttp
import asyncpg

from backend.application import Caller, Roadlog
from backend.bootstrap import prepare_database, prepared_pool
from backend.database import DatabaseTarget
from backend.domain.deliverable import NewDeliverable
from backend.eventstore import open_event_store
from backend.tokens import Role, Tokens
from benchmarks.figures import Figure, figure
from benchmarks.scratch import scratch_database
from projections.batch import read_positions
from projections.catalog import READ_MODELS
from schema.relay import to_global_id
from tests.support.process import serving

CLIENTS = 16
INITIATIVES = 8
WORKERS = (1, 2)
"""``serve --workers`` counts measured: the default, and one process per core here."""

MOVE = """
mutation Move($input: MoveInitiativeInput!) {
  moveInitiative(input: $input) { userErrors { code message } position }
}
"""
ESTIMATE = """
mutation Estimate($input: EstimateDeliverableInput!) {
  estimateDeliverable(input: $input) { userErrors { code message } position }
}
"""


CATCH_UP_SECONDS = 600
"""How long a served projector may take to reach the floor's last command."""


@dataclass(frozen=True)
class Board:
    """One client's own roadmap, so clients do not contend on one aggregate."""

    roadmap_id: uuid.UUID
    initiative_ids: list[uuid.UUID]
    deliverables: list[tuple[uuid.UUID, uuid.UUID]]


def create_boards(app: Roadlog, caller: Caller, count: int) -> list[Board]:
    boards = []
    for index in range(count):
        roadmap_id = app.create_roadmap(caller, name=f"bench {index}").id
        initiatives, deliverables = [], []
        for number in range(INITIATIVES):
            deliverable_id = uuid.uuid4()
            initiative_id = app.propose_initiative(
                caller,
                roadmap_id=roadmap_id,
                title=f"initiative {number}",
                goal="be fast",
                deliverables=[NewDeliverable(title="it", id=deliverable_id)],
            ).id
            initiatives.append(initiative_id)
            deliverables.append((initiative_id, deliverable_id))
        boards.append(Board(roadmap_id, initiatives, deliverables))
    return boards


def direct_rate(app: Roadlog, caller: Caller, boards: list[Board], seconds: float) -> float:
    """Commands per second with CLIENTS threads calling the Application directly."""
    done = [0] * len(boards)
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        board = boards[index]
        step = 0
        while time.monotonic() < stop:
            step += 1
            if step % 2:
                app.move_initiative(
                    caller,
                    roadmap_id=board.roadmap_id,
                    initiative_id=board.initiative_ids[step % INITIATIVES],
                    to_position=1 + (step * 3) % INITIATIVES,
                    reason="bench",
                )
            else:
                initiative_id, deliverable_id = board.deliverables[step % INITIATIVES]
                app.estimate_deliverable(
                    caller,
                    initiative_id=initiative_id,
                    deliverable_id=deliverable_id,
                    weeks=Decimal(step % 9 + 1),
                )
            done[index] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(boards))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


async def wait_until_projected(target: DatabaseTarget, head: int) -> None:
    """Until every read model's tracking position has reached ``head``."""
    names = [model.name for model in READ_MODELS]
    conn = await asyncpg.connect(**target.asyncpg_kwargs())
    try:
        async with asyncio.timeout(CATCH_UP_SECONDS):
            while True:
                positions = await read_positions(conn, names)
                if len(positions) == len(names) and min(positions.values()) >= head:
                    return
                await asyncio.sleep(0.1)
    finally:
        await conn.close()


async def http_rate(url: str, token: str, boards: list[Board], seconds: float) -> float:
    """Mutations per second with CLIENTS concurrent HTTP clients."""
    done = [0] * len(boards)
    headers = {"authorization": f"Bearer {token}"}
    # aiohttp rather than httpx: the client shares this machine's two cores with the
    # server, and httpx spends several times more CPU per request.
    connector = aiohttp.TCPConnector(limit=len(boards) + 4)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(
        base_url=url, headers=headers, connector=connector, timeout=timeout
    ) as http:
        stop = time.monotonic() + seconds

        async def client(index: int) -> None:
            board = boards[index]
            step = 0
            while time.monotonic() < stop:
                step += 1
                if step % 2:
                    query = MOVE
                    variables = {
                        "roadmapId": to_global_id("Roadmap", board.roadmap_id),
                        "initiativeId": to_global_id(
                            "Initiative", board.initiative_ids[step % INITIATIVES]
                        ),
                        "toPosition": 1 + (step * 3) % INITIATIVES,
                        "reason": "bench",
                    }
                else:
                    initiative_id, deliverable_id = board.deliverables[step % INITIATIVES]
                    query = ESTIMATE
                    variables = {
                        "deliverableId": to_global_id("Deliverable", initiative_id, deliverable_id),
                        "weeks": str(step % 9 + 1),
                    }
                async with http.post(
                    "/graphql", json={"query": query, "variables": {"input": variables}}
                ) as response:
                    body = await response.json()
                assert "errors" not in body, body
                payload = next(iter(body["data"].values()))
                assert not payload["userErrors"], payload
                done[index] += 1

        started = time.monotonic()
        await asyncio.gather(*(client(i) for i in range(len(boards))))
        return sum(done) / (time.monotonic() - started)


def run(
    seconds: float = 10.0,
    *,
    server: DatabaseTarget | None = None,
    say: Callable[[str], None] = lambda _message: None,
) -> list[Figure]:
    """Both rates on a fresh database of ``server`` (default: an embedded one)."""
    with scratch_database(server) as (target, scratch):
        return _measure(target, seconds, scratch, say)


def _measure(
    target: DatabaseTarget, seconds: float, scratch: Path, say: Callable[[str], None]
) -> list[Figure]:
    asyncio.run(prepare_database(target, READ_MODELS))

    async def make_token() -> tuple[uuid.UUID, str]:
        async with prepared_pool(target) as pool:
            tokens = Tokens(pool)
            _, secret = await tokens.create(Role.EDITOR, "bench", "bench")
            principal = await tokens.authenticate(secret)
            assert principal is not None
            return principal.workspace_id, secret

    workspace_id, secret = asyncio.run(make_token())
    caller = Caller(workspace_id=workspace_id, actor="bench")
    figures = []
    for workers in WORKERS:
        # The floor right before each API run, so that both see the machine alike.
        app = open_event_store(target, pool_size=CLIENTS + 2, create_tables=False)
        try:
            say("creating boards")
            direct_boards = create_boards(app, caller, CLIENTS)
            http_boards = create_boards(app, caller, CLIENTS)
            say(f"direct: {CLIENTS} threads for {seconds} s")
            floor = direct_rate(app, caller, direct_boards, seconds)
            head = app.recorder.max_notification_id() or 0
        finally:
            app.close()
        say(f"http: {CLIENTS} clients for {seconds} s, serve --workers {workers}")
        env = {"DATABASE_URL": target.url, "ROADLOG_LOG_LEVEL": "warning"}
        data_dir = str(scratch / f"data-{workers}")
        with serving("--data-dir", data_dir, "--workers", str(workers), env=env) as served:
            say("waiting for the projector to catch up with the floor's commands")
            asyncio.run(wait_until_projected(target, head))
            rate = asyncio.run(http_rate(served.url, secret, http_boards, seconds))
        name = f"mutations over HTTP, 16 clients, {workers} worker{'s' if workers > 1 else ''}"
        figures.append(figure(name, rate, "mutations/s", floor, ">= 0.5"))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    options = parser.parse_args()
    for item in run(options.seconds, say=lambda message: print(message, flush=True)):
        print(json.dumps(item))


if __name__ == "__main__":
    main()
