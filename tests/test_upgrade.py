"""At start, read models whose migrations changed are rebuilt from the log, and read models
that no longer exist are dropped (``backend.upgrade``), with toy read models standing in
for the real ones (``tests/test_release_upgrade.py`` upgrades a real release's database).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import shutil
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from backend.application import Roadlog
from backend.bootstrap import prepare_database
from backend.database import DatabaseTarget
from backend.eventstore import open_event_store
from backend.migrations import LedgerState, MigrationSet, ledger_state
from projections.catalog import READ_MODELS
from projections.projector import Projector
from projections.read_model import ReadModel
from tests.projections.toys import (
    COUNTS,
    MIGRATIONS,
    POSITIONS,
    caught_up,
    expected_from_log,
    record,
    running,
    snapshot,
    tracking,
)

ROOT = Path(__file__).parents[1]

LEDGER = """
    SELECT version, sha256 FROM roadlog.schema_migrations WHERE component = $1 ORDER BY version
"""

SCHEMAS = """
    SELECT nspname FROM pg_namespace WHERE nspname LIKE 'toy%' ORDER BY nspname
"""

COUNTER_ROWS = """
    SELECT originator_id, events, ticks FROM toy_counts.counts
"""

LABEL_INDEX = """
CREATE INDEX counts_by_label ON counts (label);
"""


@pytest.fixture
def counts_dir(tmp_path: Path) -> Path:
    """A copy of the toy_counts migrations that a test may change, as a release would."""
    directory = tmp_path / "toy_counts"
    shutil.copytree(MIGRATIONS / "toy_counts", directory)
    return directory


@pytest.fixture
def app(database: DatabaseTarget) -> Iterator[Roadlog]:
    application = open_event_store(database, pool_size=2, create_tables=False)
    yield application
    application.close()


@pytest.fixture
async def owner(database: DatabaseTarget) -> AsyncIterator[asyncpg.Connection]:
    """A connection as the database's owner, who may read the migrations' ledger."""
    connection = await asyncpg.connect(**database.migrator.asyncpg_kwargs())
    yield connection
    await connection.close()


async def started_with_toys(
    app: Roadlog, database: DatabaseTarget, counts: ReadModel, ticks: int
) -> int:
    """A start with both toy models, events recorded and projected; the last position."""
    await prepare_database(database, [*READ_MODELS, counts, POSITIONS])
    position = await asyncio.to_thread(record, app, 3, ticks)
    projector = Projector(app, database, [counts, POSITIONS], batch_size=4)
    async with running(projector):
        await caught_up(projector, position)
    return position


def changed(counts_dir: Path) -> None:
    """The next release's toy_counts: one more index in its first (and only) migration."""
    first = counts_dir / "0001_counts.sql"
    first.write_text(first.read_text() + LABEL_INDEX)


async def test_a_changed_read_model_is_rebuilt_from_the_log_and_a_removed_one_dropped(
    app: Roadlog,
    database: DatabaseTarget,
    owner: asyncpg.Connection,
    counts_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    counts = dataclasses.replace(COUNTS, migrations_dir=counts_dir)
    position = await started_with_toys(app, database, counts, ticks=6)
    await owner.execute("CREATE SCHEMA toy_positions__rebuild")  # an interrupted rebuild's
    changed(counts_dir)

    with caplog.at_level(logging.INFO, logger="backend.upgrade"):
        done = await prepare_database(database, [*READ_MODELS, counts])

    assert done == ["toy_positions (dropped)", "toy_counts (rebuilt from the log)"]
    line = "rebuilding read models toy_counts from the log: {}/{} positions ({}%)"
    progress = [r.getMessage() for r in caplog.records if "rebuilding read models" in r.message]
    assert progress[0] == line.format(0, position, 0)
    assert progress[-1] == line.format(position, position, 100)
    assert any("dropped read model toy_positions" in r.message for r in caplog.records)
    # The new shape, filled from the log; the ledger says so; the removed model is gone.
    indexes = (await snapshot(owner, "toy_counts"))["(indexes)"]
    assert any("counts_by_label" in index for index in indexes)
    expected, _ = await asyncio.to_thread(expected_from_log, app, position)
    rows = await owner.fetch(COUNTER_ROWS)
    assert {row["originator_id"]: (row["events"], row["ticks"]) for row in rows} == expected
    assert [tuple(row) for row in await owner.fetch(LEDGER, "toy_counts")] == [
        (m.version, m.sha256) for m in MigrationSet("toy_counts", counts_dir).migrations()
    ]
    assert await owner.fetch(LEDGER, "toy_positions") == []
    assert [row["nspname"] for row in await owner.fetch(SCHEMAS)] == ["toy_counts"]
    assert await tracking(owner) == {"toy_counts": position}
    # Upgraded once: the next start has nothing to do.
    assert await prepare_database(database, [*READ_MODELS, counts]) == []


async def test_a_rebuild_an_older_release_left_half_done_is_started_over_not_resumed(
    app: Roadlog, database: DatabaseTarget, owner: asyncpg.Connection, counts_dir: Path
) -> None:
    counts = dataclasses.replace(COUNTS, migrations_dir=counts_dir)
    position = await started_with_toys(app, database, counts, ticks=6)
    # A rebuild of the older release's toy_counts, killed after a batch (resuming it would
    # keep its shape and miss the rows of the batch it lost).
    await owner.execute(
        "CREATE SCHEMA toy_counts__rebuild; "
        "CREATE TABLE toy_counts__rebuild.counts (LIKE toy_counts.counts); "
        "INSERT INTO roadlog.tracking (name, position) VALUES ('toy_counts__rebuild', 4)"
    )
    changed(counts_dir)

    await prepare_database(database, [*READ_MODELS, counts, POSITIONS])

    rebuilt = await snapshot(owner, "toy_counts")
    assert any("counts_by_label" in index for index in rebuilt["(indexes)"])
    expected, _ = await asyncio.to_thread(expected_from_log, app, position)
    rows = await owner.fetch(COUNTER_ROWS)
    assert {row["originator_id"]: (row["events"], row["ticks"]) for row in rows} == expected


async def test_of_two_processes_starting_at_once_one_rebuilds(
    app: Roadlog, database: DatabaseTarget, owner: asyncpg.Connection, counts_dir: Path
) -> None:
    counts = dataclasses.replace(COUNTS, migrations_dir=counts_dir)
    position = await started_with_toys(app, database, counts, ticks=30)
    changed(counts_dir)

    starts = [prepare_database(database, [*READ_MODELS, counts, POSITIONS]) for _ in range(2)]
    done = await asyncio.gather(*starts)

    assert sorted(done) == [[], ["toy_counts (rebuilt from the log)"]]
    assert await tracking(owner) == {"toy_counts": position, "toy_positions": position}
    expected, _ = await asyncio.to_thread(expected_from_log, app, position)
    rows = await owner.fetch(COUNTER_ROWS)
    assert {row["originator_id"]: (row["events"], row["ticks"]) for row in rows} == expected


async def test_a_component_without_a_tracking_row_is_never_taken_for_a_removed_read_model(
    database: DatabaseTarget, owner: asyncpg.Connection
) -> None:
    await owner.execute(
        "INSERT INTO roadlog.schema_migrations (component, version, name, sha256)"
        " VALUES ('billing', 1, '0001_billing.sql', 'x')"
    )
    await owner.execute("CREATE SCHEMA billing")

    assert await prepare_database(database, READ_MODELS) == []

    assert await owner.fetchval("SELECT to_regnamespace('billing') IS NOT NULL")
    assert await owner.fetchval(
        "SELECT count(*) FROM roadlog.schema_migrations WHERE component = 'billing'"
    )


START_STEPS = ["prepared", "batch-committed", "built", "swap-applied", "swapped"]
"""Where a start's rebuild is killed: before its swap commits, the old toy_counts stays
live; after, the new one is live under the old ledger."""


@pytest.mark.parametrize("step", START_STEPS)
async def test_a_start_killed_while_rebuilding_is_completed_by_the_next_start(
    app: Roadlog, database: DatabaseTarget, owner: asyncpg.Connection, counts_dir: Path, step: str
) -> None:
    counts = dataclasses.replace(COUNTS, migrations_dir=counts_dir)
    position = await started_with_toys(app, database, counts, ticks=6)
    rows = (await snapshot(owner, "toy_counts"))["counts"]
    changed(counts_dir)

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "tests.projections.crash_script", database.url, "start", step, "1"),
        *(database.migrator.url, str(counts_dir)),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=30)

    assert process.returncode == -signal.SIGKILL, output.decode()
    # Killed: the API still reads complete rows, of the old model or (once swapped) the new
    # one, and the ledger still asks for a rebuild.
    killed = await snapshot(owner, "toy_counts")
    assert killed["counts"] == rows
    assert any("counts_by_label" in index for index in killed["(indexes)"]) == (step == "swapped")
    assert await ledger_state(owner, counts.migrations) is LedgerState.CHANGED

    done = await prepare_database(database, [*READ_MODELS, counts, POSITIONS])

    assert done == ["toy_counts (rebuilt from the log)"]
    rebuilt = await snapshot(owner, "toy_counts")
    assert rebuilt["counts"] == rows
    assert any("counts_by_label" in index for index in rebuilt["(indexes)"])
    assert await ledger_state(owner, counts.migrations) is LedgerState.CURRENT
    assert await tracking(owner) == {"toy_counts": position, "toy_positions": position}
    assert [row["nspname"] for row in await owner.fetch(SCHEMAS)] == [
        "toy_counts",
        "toy_positions",
    ]
