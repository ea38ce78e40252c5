"""Processes killed (SIGKILL) mid-way: nothing is lost, nothing is applied twice."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import asyncpg
import pytest

from backend.application import Roadlog
from backend.database import DatabaseTarget
from projections.projector import Projector
from tests.projections.toys import (
    TOY_MODELS,
    assert_exactly_once,
    caught_up,
    rebuild_progress,
    record,
    running,
    snapshot,
    tracking,
    until,
)

ROOT = Path(__file__).parents[2]
LEFTOVER_SCHEMAS = """
    SELECT nspname FROM pg_namespace WHERE nspname LIKE 'toy%\\_\\_%' ORDER BY nspname
"""


async def spawn(
    target: DatabaseTarget, mode: str, step: str = "none", nth: int = 1, batch_size: int = 5
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.projections.crash_script",
        target.url,
        mode,
        step,
        str(nth),
        str(batch_size),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )


async def finished(process: asyncio.subprocess.Process) -> tuple[int, str]:
    output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def project_all(app: Roadlog, target: DatabaseTarget, position: int) -> None:
    projector = Projector(app, target, TOY_MODELS, batch_size=4)
    async with running(projector):
        await caught_up(projector, position)


@pytest.mark.parametrize(("step", "committed"), [("batch-applied", 10), ("batch-committed", 15)])
async def test_a_projector_killed_mid_batch_loses_and_repeats_nothing(
    app: Roadlog,
    toy_database: DatabaseTarget,
    conn: asyncpg.Connection,
    step: str,
    committed: int,
) -> None:
    position = await asyncio.to_thread(record, app, 4, 5)

    code, output = await finished(await spawn(toy_database, "project", step, nth=3))

    assert code == -signal.SIGKILL, output
    assert await tracking(conn) == {"toy_counts": committed, "toy_positions": committed}
    await assert_exactly_once(conn, app, committed)
    await project_all(app, toy_database, position)
    await assert_exactly_once(conn, app, position)


async def test_a_standby_takes_over_from_a_killed_projector_within_seconds(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    process = await spawn(toy_database, "project")
    assert process.stdout is not None
    lines = []
    while b"state active" not in lines:
        lines.append((await asyncio.wait_for(process.stdout.readline(), timeout=20)).strip())
    standby = Projector(app, toy_database, TOY_MODELS, lock_retry_seconds=0.1)
    try:
        async with running(standby):
            await until(lambda: standby.status.state == "standby", "the standby")
            first = await asyncio.to_thread(record, app, 2, 2)
            for _ in range(1000):  # the killed-to-be projector does the work
                if (await tracking(conn)).get("toy_counts") == first:
                    break
                await asyncio.sleep(0.01)
            assert (await tracking(conn)).get("toy_counts") == first
            assert standby.status.state == "standby"

            process.kill()
            took = await until(lambda: standby.status.state == "active", "the takeover", 10)
            second = await asyncio.to_thread(record, app, 2, 2)
            await caught_up(standby, second)
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()

    assert took < 3.0
    await assert_exactly_once(conn, app, second)


REBUILD_STEPS = [
    ("prepared", 1),
    ("batch-applied", 2),
    ("batch-committed", 2),
    ("built", 1),
    ("indexed", 1),
    ("swap-applied", 1),
    ("swapped", 1),
]


@pytest.mark.parametrize(("step", "nth"), REBUILD_STEPS)
async def test_a_rebuild_killed_at_any_step_resumes_to_the_same_rows(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection, step: str, nth: int
) -> None:
    position = await asyncio.to_thread(record, app, 3, 6)
    await project_all(app, toy_database, position)
    incremental = {model.name: await snapshot(conn, model.name) for model in TOY_MODELS}

    code, output = await finished(await spawn(toy_database, "rebuild", step, nth=nth))

    assert code == -signal.SIGKILL, output
    # Whatever the step, the API reads a complete read model: the old one or the new one.
    for model in TOY_MODELS:
        assert await snapshot(conn, model.name) == incremental[model.name]
    await assert_exactly_once(conn, app, position)
    resumed_from = await rebuild_progress(app, toy_database, batch_size=5)

    for model in TOY_MODELS:
        assert await snapshot(conn, model.name) == incremental[model.name]
    await assert_exactly_once(conn, app, position)
    assert await tracking(conn) == {"toy_counts": position, "toy_positions": position}
    assert await conn.fetch(LEFTOVER_SCHEMAS) == []
    if step == "batch-committed":
        assert resumed_from[0] == 10, "the rebuild started over instead of resuming"
