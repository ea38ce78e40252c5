"""A projector or a rebuild in a process of its own, killed (SIGKILL) at a named step.

    python -m tests.projections.crash_script URL project|rebuild STEP NTH BATCH_SIZE
    python -m tests.projections.crash_script URL start STEP NTH OWNER_URL COUNTS_DIR

It kills itself the NTH time it reaches STEP (``none``: never). ``project`` prints
``state <state>`` on each change, runs until cancelled when STEP is ``none`` and otherwise
stops once caught up with the log as it was at start; ``rebuild`` rebuilds the toy read
models; ``start`` prepares the database as a start does, with the toy models (toy_counts'
migrations in COUNTS_DIR), so that a changed toy_counts is rebuilt. Each prints ``done``
when it finishes without being killed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import sys
from pathlib import Path

from backend.bootstrap import prepare_database
from backend.database import DatabaseTarget
from backend.eventstore import open_event_store
from projections.batch import StepHook
from projections.catalog import READ_MODELS
from projections.projector import Projector
from projections.rebuild import rebuild
from tests.projections.toys import COUNTS, POSITIONS, TOY_MODELS, head


def crash_at(step: str, nth: int) -> StepHook:
    reached: dict[str, int] = {}

    def hook(name: str) -> None:
        reached[name] = reached.get(name, 0) + 1
        if name == step and reached[name] == nth:
            print(f"killed at {name} #{nth}", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    return hook


async def project(target: DatabaseTarget, step: str, nth: int, batch_size: int) -> None:
    app = open_event_store(target, pool_size=2, create_tables=False)
    hook = crash_at(step, nth)
    projector = Projector(
        app, target, TOY_MODELS, batch_size=batch_size, lock_retry_seconds=0.1, on_step=hook
    )
    goal = head(app) if step != "none" else None
    task = asyncio.create_task(projector.run())
    state = ""
    while not task.done():
        status = projector.status
        if status.state != state:
            state = status.state
            print(f"state {state}", flush=True)
        if goal is not None and (status.position or 0) >= goal:
            break
        await asyncio.sleep(0.01)
    task.cancel()
    print("done", flush=True)


async def rebuild_toys(target: DatabaseTarget, step: str, nth: int, batch_size: int) -> None:
    app = open_event_store(target, pool_size=2, create_tables=False)
    hook = crash_at(step, nth)
    await rebuild(app, target, TOY_MODELS, batch_size=batch_size, on_step=hook)
    print("done", flush=True)


async def start(target: DatabaseTarget, step: str, nth: int, counts_dir: Path) -> None:
    counts = dataclasses.replace(COUNTS, migrations_dir=counts_dir)
    await prepare_database(target, [*READ_MODELS, counts, POSITIONS], on_step=crash_at(step, nth))
    print("done", flush=True)


def main() -> None:
    url, mode, step, nth = sys.argv[1:5]
    if mode == "start":
        owner_url, counts_dir = sys.argv[5:7]
        target = DatabaseTarget.configured(url, owner_url)
        asyncio.run(start(target, step, int(nth), Path(counts_dir)))
        return
    run = project if mode == "project" else rebuild_toys
    asyncio.run(run(DatabaseTarget.from_url(url), step, int(nth), int(sys.argv[5])))


if __name__ == "__main__":
    main()
