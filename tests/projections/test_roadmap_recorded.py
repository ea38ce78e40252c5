"""The roadmap as recorded: versions keep the log positions that opened and closed them,
and the as-of query bounded by a position shows the roadmap as the log stood there."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg

from backend.application import Caller, Roadlog
from backend.database import DatabaseTarget
from backend.domain.deliverable import NewDeliverable
from projections.roadmap import ROADMAP
from projections.roadmap_recorded import cycles_of_view, roadmap_rows_recorded
from projections.timeline import TIMELINE
from tests.support.retro import Story
from tests.support.roadmap import project

START = datetime(2025, 1, 1, tzinfo=UTC)


async def order_recorded(
    conn: asyncpg.Connection, story: Story, roadmap: UUID, at: datetime, position: int
) -> list[UUID] | None:
    rows = await roadmap_rows_recorded(conn, story.caller.workspace_id, roadmap, at, position)
    return None if rows is None else [row["initiative_id"] for row in rows.initiatives]


async def test_a_move_and_a_removal_close_versions_at_their_positions(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    story = Story(app, Caller(workspace_id=uuid4(), actor="alice", may_backfill=True), START)
    roadmap = story.run("create_roadmap", name="Platform", releases=True)
    created = story.position
    ids = [
        story.later().run("propose_initiative", roadmap_id=roadmap, title=f"I{n}", goal="g")
        for n in range(3)
    ]
    proposed = story.position
    moved_at = story.later().clock
    story.run(
        "move_initiative", roadmap_id=roadmap, initiative_id=ids[2], to_position=1, reason="r"
    )
    moved = story.position
    story.later().run("remove_initiative", roadmap_id=roadmap, initiative_id=ids[0], reason="r")
    removed = story.position
    await project(app, toy_database, [ROADMAP, TIMELINE])

    moving = await conn.fetch(
        "SELECT opened_position, closed_position FROM roadmap.placements"
        " WHERE initiative_id = $1 ORDER BY valid_from",
        ids[2],
    )
    taken_off = await conn.fetchrow(
        "SELECT closed_position FROM roadmap.placements WHERE initiative_id = $1", ids[0]
    )
    at = story.clock

    assert [tuple(row) for row in moving] == [(proposed, moved), (moved, None)]
    # The removal is two events (the roadmap's, the initiative's): the roadmap's closes it.
    assert taken_off is not None and moved < taken_off["closed_position"] <= removed
    assert await order_recorded(conn, story, roadmap, at, created - 1) is None
    assert await order_recorded(conn, story, roadmap, at, created) == []
    assert await order_recorded(conn, story, roadmap, at, proposed) == ids
    assert await order_recorded(conn, story, roadmap, at, moved) == [ids[2], ids[0], ids[1]]
    assert await order_recorded(conn, story, roadmap, at, removed) == [ids[2], ids[1]]
    # Before the move in business time: versions recorded by then that start later skipped.
    before_move = moved_at - timedelta(seconds=1)
    assert await order_recorded(conn, story, roadmap, before_move, removed) == ids
    assert await order_recorded(conn, story, roadmap, before_move, proposed) == ids


async def test_a_deliverable_shows_the_version_recorded_by_then(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    story = Story(app, Caller(workspace_id=uuid4(), actor="alice", may_backfill=True), START)
    roadmap = story.run("create_roadmap", name="Platform", releases=True)
    deliverable = uuid4()
    initiative = story.later().run(
        "propose_initiative",
        roadmap_id=roadmap,
        title="I",
        goal="g",
        deliverables=[NewDeliverable("D", id=deliverable)],
    )
    added = story.position
    story.later().run(
        "change_deliverable_status",
        initiative_id=initiative,
        deliverable_id=deliverable,
        status="IN_PROGRESS",
    )
    started = story.position
    started_at = story.clock
    story.later().run(
        "remove_deliverable", initiative_id=initiative, deliverable_id=deliverable, reason="r"
    )
    removed = story.position
    await project(app, toy_database, [ROADMAP, TIMELINE])
    ws, at = story.caller.workspace_id, story.clock

    async def statuses_at(instant: datetime, position: int) -> list[str]:
        rows = await roadmap_rows_recorded(conn, ws, roadmap, instant, position)
        assert rows is not None
        return [row["status"] for row in rows.deliverables.get(initiative, [])]

    async def statuses(position: int) -> list[str]:
        return await statuses_at(at, position)

    assert await statuses(added) == ["PLANNED"]
    assert await statuses(started) == ["IN_PROGRESS"]
    assert await statuses(removed) == []
    assert await statuses_at(started_at - timedelta(seconds=1), removed) == ["PLANNED"]


async def test_a_cycle_shows_the_name_and_dates_recorded_by_then(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    story = Story(app, Caller(workspace_id=uuid4(), actor="alice", may_backfill=True), START)
    roadmap = story.run("create_roadmap", name="Platform", releases=True)
    cycle = story.later().run(
        "create_cycle",
        roadmap_id=roadmap,
        name="Q1",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 3, 31),
    )
    created = story.position
    renamed_at = story.later().clock
    story.run("update_cycle", roadmap_id=roadmap, cycle_id=cycle, name="Q1+", reason="r")
    renamed = story.position
    story.later().run(
        "update_cycle", roadmap_id=roadmap, cycle_id=cycle, ends_on=date(2025, 4, 6), reason="r"
    )
    moved = story.position
    await project(app, toy_database, [ROADMAP, TIMELINE])
    ws, at = story.caller.workspace_id, story.clock

    versions = await conn.fetch(
        "SELECT opened_position, closed_position FROM roadmap.cycle_versions"
        " WHERE cycle_id = $1 ORDER BY valid_from",
        cycle,
    )

    async def cycles_at(instant: datetime, position: int) -> list[tuple[str, date]]:
        rows = await cycles_of_view(conn, ws, roadmap, instant, position)
        return [(row["name"], row["ends_on"]) for row in rows]

    assert [tuple(row) for row in versions] == [
        (created, renamed),
        (renamed, moved),
        (moved, None),
    ]
    assert await cycles_at(at, created - 1) == []
    assert await cycles_at(at, created) == [("Q1", date(2025, 3, 31))]
    assert await cycles_at(at, renamed) == [("Q1+", date(2025, 3, 31))]
    assert await cycles_at(at, moved) == [("Q1+", date(2025, 4, 6))]
    assert await cycles_at(renamed_at - timedelta(seconds=1), moved) == [("Q1", date(2025, 3, 31))]
