"""Rebuilds: from zero into new tables, swapped in while the projector and the API go on."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import random
from collections.abc import Callable, Sequence
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.application import Caller, Roadlog
from backend.database import DatabaseTarget
from projections.batch import ProjectionFailed
from projections.catalog import READ_MODELS
from projections.projector import Projector
from projections.read_model import Handler, ReadModel, Statement
from projections.rebuild import rebuild
from projections.watcher import ProjectedBatch, ProjectionWatcher
from tests.projections.toys import (
    COUNTS,
    POSITIONS,
    TOY_MODELS,
    Counter,
    assert_exactly_once,
    caught_up,
    head,
    rebuild_progress,
    record,
    running,
    snapshot,
    tracking,
)
from tests.support.retro_driver import Driver

Snapshot = dict[str, dict[str, list[str]]]


async def incremental_and_rebuilt(
    app: Roadlog,
    target: DatabaseTarget,
    models: Sequence[ReadModel],
    chunks: Sequence[Callable[[], object]],
    *,
    projector_batch: int,
    rebuild_batch: int,
) -> tuple[Snapshot, Snapshot]:
    """The rows of ``models`` projected chunk by chunk, then after a rebuild from zero.

    Each chunk records some history; the projector catches up after each one, so batch
    boundaries fall anywhere. Real read models join the property test below by adding
    themselves and a strategy of commands that records their events.
    """
    conn = await asyncpg.connect(**target.asyncpg_kwargs())
    try:
        projector = Projector(app, target, models, batch_size=projector_batch)
        async with running(projector):
            for chunk in chunks:
                await asyncio.to_thread(chunk)
                await caught_up(projector, await asyncio.to_thread(head, app))
        incremental = {model.name: await snapshot(conn, model.name) for model in models}
        await rebuild(app, target, models, batch_size=rebuild_batch)
        rebuilt = {model.name: await snapshot(conn, model.name) for model in models}
        return incremental, rebuilt
    finally:
        await conn.close()


labels = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=8)
operations = st.one_of(
    st.tuples(st.just("create"), labels),
    st.tuples(st.just("tick"), st.integers(0, 20), st.integers(-1000, 1000)),
    st.tuples(st.just("tick all"), st.integers(-5, 5)),
)


def counter_history(app: Roadlog, chunk: list[tuple[Any, ...]]) -> Callable[[], object]:
    """A chunk of toy commands, as one callable that records them."""
    counters: list[Counter] = []

    def play() -> None:
        for operation in chunk:
            if operation[0] == "create":
                counters.append(Counter(operation[1]))
                app.save(counters[-1])
            elif operation[0] == "tick" and counters:
                counter = counters[operation[1] % len(counters)]
                counter.tick(operation[2])
                app.save(counter)
            elif operation[0] == "tick all":
                for counter in counters:
                    counter.tick(operation[1])
                app.save(*counters)

    return play


MODELS_UNDER_TEST: list[ReadModel] = [*TOY_MODELS]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    history=st.lists(st.lists(operations, max_size=12), min_size=1, max_size=5),
    projector_batch=st.integers(1, 9),
    rebuild_batch=st.integers(1, 50),
)
def test_rebuilding_from_zero_yields_the_rows_of_the_incremental_path(
    app: Roadlog,
    toy_database: DatabaseTarget,
    history: list[list[tuple[Any, ...]]],
    projector_batch: int,
    rebuild_batch: int,
) -> None:
    # The log grows over the examples: each one rebuilds all of it, earlier examples' too.
    chunks = [counter_history(app, chunk) for chunk in history]
    incremental, rebuilt = asyncio.run(
        incremental_and_rebuilt(
            app,
            toy_database,
            MODELS_UNDER_TEST,
            chunks,
            projector_batch=projector_batch,
            rebuild_batch=rebuild_batch,
        )
    )

    assert rebuilt == incremental


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, 2**32 - 1),
    projector_batch=st.integers(1, 9),
    rebuild_batch=st.integers(1, 50),
)
def test_rebuilding_random_workspace_histories_yields_the_rows_of_the_incremental_path(
    app: Roadlog,
    toy_database: DatabaseTarget,
    seed: int,
    projector_batch: int,
    rebuild_batch: int,
) -> None:
    """The real read models over a workspace's random history (``retro_driver``): work,
    corrections, phases made and unmade, cycles, the fiscal year and OKRs."""
    chooser = random.Random(seed)

    def draw(strategy: Any) -> Any:
        # The driver draws only from st.sampled_from; a seeded choice is safe in a thread.
        return chooser.choice(list(strategy.elements))

    driver = Driver(app, Caller(workspace_id=uuid4(), actor="alice", may_backfill=True), draw)
    chunks = [functools.partial(driver.play, 20) for _ in range(3)]
    incremental, rebuilt = asyncio.run(
        incremental_and_rebuilt(
            app,
            toy_database,
            READ_MODELS,
            chunks,
            projector_batch=projector_batch,
            rebuild_batch=rebuild_batch,
        )
    )

    assert rebuilt == incremental


async def test_a_rebuild_swaps_in_while_the_projector_and_writers_go_on(
    app: Roadlog, toy_database: DatabaseTarget, pool: asyncpg.Pool, conn: asyncpg.Connection
) -> None:
    await asyncio.to_thread(record, app, 5, 10)
    projector = Projector(app, toy_database, TOY_MODELS, batch_size=7)
    watcher = ProjectionWatcher(toy_database, pool, TOY_MODELS, poll_seconds=60)
    writing = True
    swaps: list[ProjectedBatch] = []

    def write() -> None:
        while writing:
            record(app, 1, 2)

    async def collect_swaps() -> None:
        async with watcher.batches() as stream:
            swaps.extend([batch async for batch in stream if batch.rebuilt])

    watching = asyncio.create_task(watcher.run())
    collecting = asyncio.create_task(collect_swaps())
    try:
        async with running(projector):
            writer = asyncio.create_task(asyncio.to_thread(write))
            positions = await rebuild(app, toy_database, TOY_MODELS, batch_size=4)
            writing = False
            await writer
            position = await asyncio.to_thread(head, app)
            await caught_up(projector, position)
            await watcher.wait_for(position, timeout=5)
    finally:
        watching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watching
        await collecting

    assert positions["toy_counts"] == positions["toy_positions"] >= 55
    await assert_exactly_once(conn, app, position)
    assert await tracking(conn) == {"toy_counts": position, "toy_positions": position}
    assert [batch.rebuilt for batch in swaps] == [frozenset({"toy_counts", "toy_positions"})]


async def projected(app: Roadlog, target: DatabaseTarget, counters: int, ticks: int) -> int:
    """Record ``counters`` counters ticked ``ticks`` times, projected; the last position."""
    position = await asyncio.to_thread(record, app, counters, ticks)
    projector = Projector(app, target, TOY_MODELS)
    async with running(projector):
        await caught_up(projector, position)
    return position


async def test_a_rebuild_reports_progress_and_can_take_one_model(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    position = await projected(app, toy_database, 4, 4)
    positions_before = await snapshot(conn, "toy_positions")
    progress: list[tuple[int, int]] = []

    await rebuild(
        app, toy_database, [COUNTS], batch_size=3, progress=lambda *args: progress.append(args)
    )

    assert progress[0] == (0, position)
    assert progress[-1] == (position, position)
    assert [done for done, _total in progress] == sorted(done for done, _total in progress)
    await assert_exactly_once(conn, app, position)
    assert await snapshot(conn, "toy_positions") == positions_before


def refuse_everything(_event: Counter.Ticked, _position: int) -> list[Statement]:
    raise RuntimeError("cannot")


def positions_ticked_by(handler: Handler) -> ReadModel:
    """The toy positions model with ``handler`` for Ticked events."""
    return dataclasses.replace(POSITIONS, handlers={**POSITIONS.handlers, Counter.Ticked: handler})


async def test_a_failing_rebuild_leaves_the_live_read_model_in_place(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    position = await projected(app, toy_database, 2, 2)
    broken = positions_ticked_by(refuse_everything)

    with pytest.raises(ProjectionFailed) as failed:
        await rebuild(app, toy_database, [COUNTS, broken], batch_size=2)

    assert failed.value.read_model == "toy_positions"
    assert failed.value.position == 3
    await assert_exactly_once(conn, app, position)
    assert await tracking(conn) == {
        "toy_counts": position,
        "toy_positions": position,
        "toy_counts__rebuild": 2,
        "toy_positions__rebuild": 2,
    }


def divide_by_zero(_event: Counter.Ticked, position: int) -> list[Statement]:
    return [Statement("SELECT 1 / ($1::bigint - $1::bigint)", (position,))]


async def test_a_rebuild_refused_by_one_read_model_resumes_after_its_last_committed_batch(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    """A batch commits every read model's part or none: when PostgreSQL refuses one
    model's statement, no model gets that batch, and the next rebuild carries them on from
    the batch before."""
    position = await projected(app, toy_database, 2, 2)
    incremental = {model.name: await snapshot(conn, model.name) for model in TOY_MODELS}
    refused = positions_ticked_by(divide_by_zero)

    with pytest.raises(ProjectionFailed) as failed:
        await rebuild(app, toy_database, [COUNTS, refused], batch_size=2)

    assert (failed.value.read_model, failed.value.position) == ("toy_positions", 3)
    assert "division by zero" in failed.value.reason
    assert await tracking(conn) == {
        "toy_counts": position,
        "toy_positions": position,
        "toy_counts__rebuild": 2,
        "toy_positions__rebuild": 2,
    }
    assert (await rebuild_progress(app, toy_database, batch_size=2))[0] == 2
    for model in TOY_MODELS:
        assert await snapshot(conn, model.name) == incremental[model.name]
    await assert_exactly_once(conn, app, position)
    assert await tracking(conn) == {"toy_counts": position, "toy_positions": position}


async def test_a_read_model_listing_an_index_its_migrations_lack_is_not_rebuilt(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    position = await projected(app, toy_database, 2, 2)
    before = await snapshot(conn, POSITIONS.name)
    mislabelled = dataclasses.replace(POSITIONS, query_indexes=("seen_position", "seen_by_kind"))

    with pytest.raises(LookupError, match="no such query indexes: seen_by_kind"):
        await rebuild(app, toy_database, [mislabelled], batch_size=2)

    assert await snapshot(conn, POSITIONS.name) == before
    assert await tracking(conn) == {"toy_counts": position, "toy_positions": position}
    schemas = "SELECT count(*) FROM pg_namespace WHERE nspname = 'toy_positions__rebuild'"
    assert await conn.fetchval(schemas) == 0
