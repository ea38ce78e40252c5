"""Import benchmark: the KEP history's import rate, in source events per second.

Measured side by side in one run, each on its own fresh database:

- ``kep import rate``: ``KepImporter.run`` on the whole shipped history, as
  ``roadlog import kep`` runs it (lookups by name, resume points, summary), against the
  baseline of the SAME commands without the importer's bookkeeping (the same plan, run
  command after command with no lookup of existing roadmaps, teams or initiatives);
  target: the bookkeeping costs at most a fifth (ratio >= 0.8);
- ``kep re-run rate``: running the same import again on the imported database (it
  records nothing), against the first import; target: at least 3 times faster (an
  interrupted import resumes quickly).

Both rates are source events per second (2,124 events in the shipped file), each the
median of three alternating runs. The commands themselves dominate: each is one
transaction of the event store.

    .venv/bin/python -m benchmarks.import_bench
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from importlib.resources import as_file, files
from pathlib import Path
from statistics import median

import asyncpg

from backend.application import Roadlog
from backend.bootstrap import prepare_database
from backend.database import DatabaseTarget
from backend.embedded import start_embedded_server
from backend.eventstore import open_event_store
from backend.importing.kep import KepImporter
from backend.importing.kep_rules import plan_history
from backend.importing.kep_source import KepEvent, read_kep_history
from backend.importing.workspaces import ensure_workspace
from benchmarks.figures import Figure, figure

ROUNDS = 3
"""Alternating runs of the baseline and the importer; each figure takes the median. On
this VM single runs of either moved by up to 2x between runs (CPU steal, disk latency)."""


class BareImporter(KepImporter):
    """The same commands as the importer, without its bookkeeping (the baseline)."""

    def prepare(self, first: KepEvent) -> None:
        """Create the roadmap; look nothing up."""
        self.create_roadmap(first)

    def resume_point(self, kep: str) -> datetime | None:
        """Every KEP is new: no lookup of what an earlier run recorded."""
        return None

    def run_bare(self, events: Sequence[KepEvent]) -> None:
        """Plan, then run every step's command, and nothing else."""
        plans, _ = plan_history(list(events))
        self.prepare(events[0])
        for planned in plans:
            for step in planned.steps:
                self.apply(step, planned.event)


def shipped_history() -> list[KepEvent]:
    resource = files("backend").joinpath("data", "kep-history.jsonl.gz")
    with as_file(resource) as path:
        return read_kep_history(path)


async def _fresh_database(server: DatabaseTarget) -> tuple[DatabaseTarget, uuid.UUID]:
    name = f"roadlog_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(**server.asyncpg_kwargs())
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    target = server.with_dbname(name)
    await prepare_database(target, [])
    pool = await asyncpg.create_pool(**target.asyncpg_kwargs(), min_size=1, max_size=1)
    try:
        workspace = await ensure_workspace(pool, "kubernetes")
    finally:
        await pool.close()
    return target, workspace.id


async def _drop_database(server: DatabaseTarget, target: DatabaseTarget) -> None:
    conn = await asyncpg.connect(**server.asyncpg_kwargs())
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{target.dbname}" WITH (FORCE)')
    finally:
        await conn.close()


def _timed(
    server: DatabaseTarget, work: Callable[[Roadlog, uuid.UUID], object], repeat_on_same: bool
) -> tuple[float, float | None]:
    """Seconds of ``work`` on a fresh database, and of a second run on it (if asked)."""
    target, workspace = asyncio.run(_fresh_database(server))
    try:
        app = open_event_store(target, pool_size=2, create_tables=False)
        try:
            started = time.perf_counter()
            work(app, workspace)
            first = time.perf_counter() - started
            again = None
            if repeat_on_same:
                started = time.perf_counter()
                work(app, workspace)
                again = time.perf_counter() - started
            return first, again
        finally:
            app.close()
    finally:
        asyncio.run(_drop_database(server, target))


def run(
    *,
    events: Sequence[KepEvent] | None = None,
    server: DatabaseTarget | None = None,
    say: Callable[[str], None] = lambda _message: None,
) -> list[Figure]:
    """Measure the import (and its baseline) on fresh databases of ``server`` (default: an
    embedded one); ``events`` default to the shipped KEP history."""
    history = list(events) if events is not None else shipped_history()
    count = len(history)
    with tempfile.TemporaryDirectory(prefix="roadlog-bench-") as scratch:
        if server is None:
            server = start_embedded_server(Path(scratch) / "pgdata")
        bares, imports, agains = [], [], []
        for number in range(1, ROUNDS + 1):
            say(f"round {number}/{ROUNDS}, baseline: the bare commands of {count} events")
            bare, _ = _timed(
                server,
                lambda app, ws: BareImporter(app, ws).run_bare(history),
                repeat_on_same=False,
            )
            say(f"round {number}/{ROUNDS}, importer: {count} events, then the same again")
            imported, again = _timed(
                server, lambda app, ws: KepImporter(app, ws).run(history), repeat_on_same=True
            )
            assert again is not None
            bares.append(bare)
            imports.append(imported)
            agains.append(again)
    bare, imported, again = median(bares), median(imports), median(agains)
    rate, bare_rate, rerun_rate = count / imported, count / bare, count / again
    say(f"import {imported:.1f} s, bare {bare:.1f} s, re-run {again:.1f} s")
    return [
        figure("kep import rate", rate, "source events/s", bare_rate, ">= 0.8"),
        figure("kep re-run rate", rerun_rate, "source events/s", rate, ">= 3"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.parse_args()
    started = datetime.now()
    for item in run(say=lambda message: print(f"[{datetime.now() - started}] {message}")):
        print(json.dumps(item))


if __name__ == "__main__":
    main()
