"""The priorities read model: explicit changes, and the initiatives each one displaced."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.application import Caller, Roadlog
from backend.database import DatabaseTarget
from projections import priorities
from projections.priorities import PRIORITIES
from projections.read_model import Fact, Statement
from projections.roadmap import ROADMAP
from projections.roadmap_queries import order_of
from tests.projections.handler_log import Log, a_roadmap
from tests.projections.test_roadmap_model import a_story, roadmap_with
from tests.support.priorities import STEPS, Step, play, replayed
from tests.support.retro import Story
from tests.support.roadmap import project

MODELS = [ROADMAP, PRIORITIES]

DISPLACED = """
    SELECT c.position, c.initiative_id AS cause, d.initiative_id, d.from_position, d.to_position
    FROM priorities.displacements d
    JOIN priorities.priority_changes c ON c.position = d.cause_position
    WHERE c.roadmap_id = $1
    ORDER BY c.position, d.to_position
"""

CHANGES = """
    SELECT position, initiative_id, from_position, to_position
    FROM priorities.priority_changes WHERE roadmap_id = $1 ORDER BY position
"""


def test_a_move_shifts_the_range_between_its_positions_the_other_way(log: Log) -> None:
    roadmap_id = a_roadmap(log)
    ids = [
        log.run("propose_initiative", roadmap_id=roadmap_id, title=t, goal="g")[-1].initiative_id
        for t in ("a", "b", "c", "d")
    ]
    up = log.last(
        "move_initiative", roadmap_id=roadmap_id, initiative_id=ids[3], to_position=2, reason="r"
    )
    down = log.last(
        "move_initiative", roadmap_id=roadmap_id, initiative_id=ids[3], to_position=4, reason="r"
    )

    fact, shift_up = PRIORITIES.statements(up, 20)
    _, shift_down = PRIORITIES.statements(down, 21)

    assert isinstance(fact, Fact) and fact.row[4:6] == (4, 2)
    assert isinstance(shift_up, Statement) and shift_up.sql == priorities.MOVE_STANDING
    assert shift_up.args == (20, roadmap_id, ids[3], 2, 1, 2, 4)
    assert isinstance(shift_down, Statement)
    assert shift_down.args == (21, roadmap_id, ids[3], 4, -1, 2, 4)


async def test_each_change_records_the_initiatives_it_shifted(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    story = a_story(app)
    roadmap, (a, b, c, d) = roadmap_with(story, 4)
    story.later().run(
        "move_initiative", roadmap_id=roadmap, initiative_id=d, to_position=2, reason="up"
    )
    top = story.later().run(
        "propose_initiative", roadmap_id=roadmap, title="top", goal="g", position=1
    )
    story.later().run("remove_initiative", roadmap_id=roadmap, initiative_id=a, reason="done")
    await project(app, toy_database, MODELS, batch_size=3)

    rows = await conn.fetch(DISPLACED, roadmap)
    changes = [r["position"] for r in await conn.fetch(CHANGES, roadmap)]
    move, placement, removal = changes[-3:]

    assert [
        (r["position"], r["cause"], r["initiative_id"], r["from_position"], r["to_position"])
        for r in rows
    ] == [
        (move, d, b, 2, 3),
        (move, d, c, 3, 4),
        (placement, top, a, 1, 2),
        (placement, top, d, 2, 3),
        (placement, top, b, 3, 4),
        (placement, top, c, 4, 5),
        (removal, a, d, 3, 2),
        (removal, a, b, 4, 3),
        (removal, a, c, 5, 4),
    ]
    standings = await conn.fetch(
        "SELECT initiative_id FROM priorities.standings WHERE roadmap_id = $1 ORDER BY position",
        roadmap,
    )
    assert [r["initiative_id"] for r in standings] == await order_of(
        conn, story.caller.workspace_id, roadmap, None
    )


# --- random histories: the changes and their displacements replay every order ----------

HISTORIES = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@HISTORIES
@given(steps=STEPS, batch_size=st.integers(1, 30))
async def test_displacements_replayed_with_their_causes_give_every_order(
    toy_database: DatabaseTarget,
    app: Roadlog,
    conn: asyncpg.Connection,
    steps: list[Step],
    batch_size: int,
) -> None:
    story = Story(
        app,
        Caller(workspace_id=uuid4(), actor="alice", may_backfill=True),
        datetime(2025, 1, 1, tzinfo=UTC),
    )
    roadmap = story.run("create_roadmap", name="Platform")
    expected = play(story, roadmap, steps)
    await project(app, toy_database, MODELS, batch_size=batch_size)

    changes = await conn.fetch(CHANGES, roadmap)
    displaced = await conn.fetch(DISPLACED, roadmap)

    assert (
        replayed(
            (
                (r["initiative_id"], r["from_position"], r["to_position"]),
                [
                    (d["initiative_id"], d["from_position"], d["to_position"])
                    for d in displaced
                    if d["position"] == r["position"]
                ],
            )
            for r in changes
        )
        == expected
    )
