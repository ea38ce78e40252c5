"""The roadmap, timeline, priorities and decisions read models on PostgreSQL."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import asyncpg

from backend.application import Caller, Roadlog
from backend.database import DatabaseTarget
from backend.domain.decision import DecisionLink
from backend.domain.deliverable import NewDeliverable
from projections import roadmap_queries
from projections.decisions import DECISIONS
from projections.priorities import PRIORITIES
from projections.rebuild import rebuild
from projections.roadmap import ROADMAP
from projections.timeline import TIMELINE
from schema.roadmap.loaders import roadmaps_changed_between
from tests.projections.toys import snapshot
from tests.support.names import name_events
from tests.support.retro import Story
from tests.support.roadmap import project

MODELS = [ROADMAP, TIMELINE, PRIORITIES, DECISIONS]
START = datetime(2025, 1, 1, tzinfo=UTC)


def a_story(app: Roadlog) -> Story:
    return Story(app, Caller(workspace_id=uuid4(), actor="alice", may_backfill=True), START)


def roadmap_with(story: Story, count: int) -> tuple[UUID, list[UUID]]:
    roadmap = story.run("create_roadmap", name="Platform", releases=True)
    ids = [
        story.later().run("propose_initiative", roadmap_id=roadmap, title=f"I{n}", goal="g")
        for n in range(1, count + 1)
    ]
    return roadmap, ids


async def test_a_move_closes_one_placement_and_opens_one(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    story = a_story(app)
    roadmap, ids = roadmap_with(story, 4)
    moved_at = story.later().clock
    story.run(
        "move_initiative", roadmap_id=roadmap, initiative_id=ids[3], to_position=1, reason="r"
    )
    await project(app, toy_database, MODELS)

    rows = await conn.fetch(
        "SELECT initiative_id, valid_from, valid_to FROM roadmap.placements"
        " WHERE roadmap_id = $1 ORDER BY valid_from",
        roadmap,
    )
    ws = story.caller.workspace_id

    assert len(rows) == 5  # four placements, one of them closed and reopened
    closed = [(r["initiative_id"], r["valid_to"]) for r in rows if r["valid_to"].year < 9999]
    assert closed == [(ids[3], moved_at)]
    assert await roadmap_queries.order_of(conn, ws, roadmap, moved_at - timedelta(seconds=1)) == ids
    assert await roadmap_queries.order_of(conn, ws, roadmap, moved_at) == [ids[3], *ids[:3]]
    assert await roadmap_queries.order_of(conn, ws, roadmap, None) == [ids[3], *ids[:3]]


async def test_the_events_of_one_command_make_one_version(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    story = a_story(app)
    roadmap = story.run("create_roadmap", name="Platform", releases=True)
    cycle = story.run(
        "create_cycle",
        roadmap_id=roadmap,
        name="Q1",
        starts_on=START.date(),
        ends_on=(START + timedelta(days=80)).date(),
    )
    initiative = story.later().run(
        "propose_initiative",
        roadmap_id=roadmap,
        title="a",
        goal="g",
        deliverables=[NewDeliverable("d", estimate_weeks=Decimal("2"), target_cycle_id=cycle)],
    )
    await project(app, toy_database, MODELS)

    versions = await conn.fetch(
        "SELECT status, estimate_weeks, target_cycle_id, valid_from, valid_to"
        " FROM roadmap.deliverable_versions WHERE initiative_id = $1",
        initiative,
    )

    assert len(versions) == 1
    assert versions[0]["estimate_weeks"] == Decimal("2")
    assert versions[0]["target_cycle_id"] == cycle
    assert versions[0]["valid_from"] == story.clock


async def test_long_ranks_are_renumbered_without_changing_the_order_at_any_instant(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    story = a_story(app)
    roadmap, ids = roadmap_with(story, 4)
    order = list(ids)
    expected: list[tuple[datetime, list[UUID]]] = []
    # Moving the last one to position 2 again and again bisects the same gap: the new
    # rank gets one more decimal each time, until the ranks are renumbered.
    for _ in range(40):
        moving = order[-1]
        at = story.later().clock
        story.run(
            "move_initiative", roadmap_id=roadmap, initiative_id=moving, to_position=2, reason="r"
        )
        order.remove(moving)
        order.insert(1, moving)
        expected.append((at, list(order)))
    await project(app, toy_database, MODELS, batch_size=7)
    ws = story.caller.workspace_id

    longest = await conn.fetchval(
        "SELECT max(scale(rank)) FROM roadmap.placements WHERE roadmap_id = $1", roadmap
    )

    assert longest <= 24
    for at, order_then in expected:
        assert await roadmap_queries.order_of(conn, ws, roadmap, at) == order_then


async def test_a_rebuild_from_zero_writes_exactly_what_the_projector_wrote(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    story = a_story(app)
    team = story.run("create_team", name="SRE")
    roadmap, ids = roadmap_with(story, 6)
    cycle = story.later().run(
        "create_cycle",
        roadmap_id=roadmap,
        name="Q1",
        starts_on=START.date(),
        ends_on=(START + timedelta(days=80)).date(),
    )
    deliverable = uuid4()
    story.later().run(
        "add_deliverable",
        initiative_id=ids[0],
        deliverable=NewDeliverable("d", estimate_weeks=Decimal("1.5"), id=deliverable),
    )
    refs = {"initiative_id": ids[0], "deliverable_id": deliverable}
    decision = story.later().run(
        "record_decision",
        title="t",
        context="c",
        outcome="o",
        rationale="r",
        links=[DecisionLink("Roadmap", roadmap)],
    )
    pick = random.Random(3)
    for n in range(40):
        story.later()
        roll = pick.random()
        if roll < 0.4:
            story.run(
                "move_initiative",
                roadmap_id=roadmap,
                initiative_id=pick.choice(ids[1:]),
                to_position=pick.randint(1, 6),
                reason=f"move {n}",
                decision_id=decision if n % 3 == 0 else None,
            )
        elif roll < 0.6:
            story.run(
                "change_deliverable_status", status=pick.choice(["IN_PROGRESS", "AT_RISK"]), **refs
            )
        elif roll < 0.7:
            story.run("estimate_deliverable", weeks=Decimal(n), **refs)
        elif roll < 0.8:
            story.run("log_effort", weeks=Decimal("0.5"), **refs)
        elif roll < 0.85:
            story.run("update_initiative", initiative_id=ids[0], title=f"renamed {n}", team_id=team)
        elif roll < 0.875:
            story.run("update_deliverable", title=f"d {n}", stretch=n % 2 == 0, **refs)
        elif roll < 0.9:
            # Renames change the names later summaries quote, in the same batch or later.
            story.run("rename_team", team_id=team, name=f"SRE {n}")
            story.run("rename_roadmap", roadmap_id=roadmap, name=f"Platform {n}")
        else:
            story.run("retarget_deliverable", target_cycle_id=cycle, reason="r", **refs)
    duplicate = uuid4()
    story.later().run(
        "add_deliverable",
        initiative_id=ids[1],
        deliverable=NewDeliverable("dup", target_cycle_id=cycle, status="DONE", id=duplicate),
    )
    story.later().run("set_fiscal_year", fiscal_year_start_month=2)
    story.later().run("set_fiscal_year", fiscal_year_start_month=4)
    spare = story.later().run(
        "create_cycle",
        roadmap_id=roadmap,
        name="Spare",
        starts_on=(START + timedelta(days=200)).date(),
        ends_on=(START + timedelta(days=240)).date(),
    )
    story.later().run("retarget_deliverable", target_cycle_id=spare, reason="r", **refs)
    story.later().run("update_cycle", roadmap_id=roadmap, cycle_id=spare, name="Spare 2")
    # Moved at the instant of the rename (one version, amended), then again later.
    story.run(
        "update_cycle",
        roadmap_id=roadmap,
        cycle_id=spare,
        starts_on=(START + timedelta(days=207)).date(),
        ends_on=(START + timedelta(days=247)).date(),
    )
    story.later().run(
        "update_cycle",
        roadmap_id=roadmap,
        cycle_id=spare,
        ends_on=(START + timedelta(days=254)).date(),
    )
    story.later().run("cancel_cycle", roadmap_id=roadmap, cycle_id=spare, reason="r")
    # Planned on quarters: a roadmap of releases has no cadence to plan from.
    quarters = story.later().run("create_roadmap", name="Quarters")
    story.later().run("plan_cycles", roadmap_id=quarters, cycle_ids=[uuid4(), uuid4()])
    story.later().run("start_cycle", roadmap_id=roadmap, cycle_id=cycle)
    story.later().run(
        "remove_deliverable", initiative_id=ids[1], deliverable_id=duplicate, reason="twice"
    )
    story.later().run("remove_initiative", roadmap_id=roadmap, initiative_id=ids[2], reason="r")
    story.later().run("archive_roadmap", roadmap_id=roadmap, reason="done")
    story.run("archive_team", team_id=team, reason="merged")
    # One event per batch, as a projector that keeps up with a slow trickle applies them.
    await project(app, toy_database, MODELS, batch_size=1)
    incremental = {model.name: await snapshot(conn, model.name) for model in MODELS}

    await rebuild(app, toy_database, MODELS, batch_size=1000)
    rebuilt = {model.name: await snapshot(conn, model.name) for model in MODELS}

    assert rebuilt == incremental
    assert len(incremental["timeline"]["entries"]) == story.position - name_events(app)


async def test_summaries_quote_names_as_they_were_when_it_happened(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    story = a_story(app)
    roadmap, ids = roadmap_with(story, 2)
    story.later().run(
        "move_initiative",
        roadmap_id=roadmap,
        initiative_id=ids[1],
        to_position=1,
        reason="50% faster",
    )
    story.later().run("update_initiative", initiative_id=ids[1], title="Renamed")
    story.later().run(
        "move_initiative", roadmap_id=roadmap, initiative_id=ids[1], to_position=2, reason="back"
    )
    await project(app, toy_database, MODELS)

    summaries = await conn.fetch("SELECT summary FROM timeline.entries ORDER BY position")

    assert [row["summary"] for row in summaries][-3:] == [
        "Moved 'I2' from 2 to 1: 50% faster",
        "Renamed 'I2' to 'Renamed'",
        "Moved 'Renamed' from 1 to 2: back",
    ]


async def test_a_roadmap_is_marked_changed_by_whatever_shows_on_it(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    story = a_story(app)
    roadmap, ids = roadmap_with(story, 1)
    quiet = story.run("create_roadmap", name="Quiet", releases=True)
    before = await project(app, toy_database, MODELS)
    story.later().run("update_initiative", initiative_id=ids[0], goal="better")
    after = await project(app, toy_database, MODELS)
    pool = await asyncpg.create_pool(**toy_database.asyncpg_kwargs(), min_size=1, max_size=1)
    try:
        ws = story.caller.workspace_id
        changed = await roadmaps_changed_between(pool, ws, before, after)
        nothing = await roadmaps_changed_between(pool, uuid4(), before, after)
    finally:
        await pool.close()

    assert changed == {roadmap}
    assert quiet not in changed
    assert nothing == set()
