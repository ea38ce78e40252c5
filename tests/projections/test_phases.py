"""Phases on the read side: the parent kept temporal, the timeline's summaries, and the
status a parent without deliverables rolls up from its phases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg

from backend.application import Caller, Roadlog
from backend.database import DatabaseTarget
from backend.domain.deliverable import NewDeliverable
from projections import roadmap_queries
from projections.read_model import Fact
from projections.roadmap import ROADMAP
from projections.roadmap_queries import rolled_up, status_of
from projections.timeline import DESCRIBERS, ENTRIES, TIMELINE
from schema.relay import to_global_id
from tests.projections.handler_log import Log, a_roadmap
from tests.support.retro import Story
from tests.support.roadmap import project

START = datetime(2025, 1, 1, tzinfo=UTC)


def test_a_new_parent_and_no_parent_read_as_sentences_on_the_timeline(log: Log) -> None:
    roadmap_id = a_roadmap(log)
    parent, phase = (
        log.run("propose_initiative", roadmap_id=roadmap_id, title=t, goal="g")[0].originator_id
        for t in ("New CI", "New CI: phase 2")
    )

    made = log.last("update_initiative", initiative_id=phase, parent_id=parent, reason="split")
    cleared = log.last("update_initiative", initiative_id=phase, clear_parent=True)

    made_entry, cleared_entry = DESCRIBERS[type(made)](made), DESCRIBERS[type(cleared)](cleared)
    assert made_entry.type == cleared_entry.type == "InitiativeParentChanged"
    assert (made_entry.summary, made_entry.quoted) == (
        "Made %s a phase of %s: split",
        (phase, parent),
    )
    assert (cleared_entry.summary, cleared_entry.quoted) == (
        "Made %s a top-level initiative again",
        (phase,),
    )
    [row] = [
        dict(zip(ENTRIES.columns, f.row, strict=True))
        for f in TIMELINE.statements(made, 7)
        if isinstance(f, Fact) and f.table is ENTRIES
    ]
    assert json.loads(row["changes"]) == [
        {"field": "parent", "from": None, "to": json.dumps(to_global_id("Initiative", parent))}
    ]
    assert set(row["belongs_to"]) == {phase, parent}


def test_one_rule_rolls_up_deliverables_and_phases() -> None:
    parent, first, second, leaf, empty = (uuid4() for _ in range(5))
    children = {parent: [first, second], second: [leaf, empty]}

    def status(statuses: dict[UUID, list[str]]) -> str:
        return status_of(parent, statuses, children)

    # A phase with nothing to roll up is PLANNED: its parent is not finished.
    assert status({first: ["WONT_DO"], leaf: ["WONT_DO"]}) == "PLANNED"
    assert status({first: ["DONE"], leaf: ["DONE"]}) == "PLANNED"
    children[second] = [leaf]
    assert status({first: ["WONT_DO"], leaf: ["WONT_DO", "WONT_DO"]}) == "WONT_DO"
    assert status({first: ["DONE"], leaf: ["WONT_DO", "DONE"]}) == "DONE"
    assert status({first: ["DONE"], leaf: ["IN_PROGRESS", "AT_RISK"]}) == "AT_RISK"
    assert status({first: ["DONE"], leaf: ["WONT_DO"]}) == "DONE"
    # A parent with deliverables of its own rolls up only those.
    assert status({parent: ["IN_PROGRESS"], first: ["AT_RISK"]}) == "IN_PROGRESS"
    assert status({}) == rolled_up([]) == "PLANNED"


async def test_phases_and_their_roll_up_now_and_as_of_before_the_change(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    caller = Caller(workspace_id=uuid4(), actor="alice", may_backfill=True)
    story = Story(app, caller, START)
    roadmap = story.run("create_roadmap", name="Platform")
    parent = story.later().run("propose_initiative", roadmap_id=roadmap, title="New CI", goal="g")
    first, second = (
        story.later().run(
            "propose_initiative",
            roadmap_id=roadmap,
            title=title,
            goal="g",
            parent_id=parent,
            deliverables=[NewDeliverable("d", status=status)],
        )
        for title, status in (("New CI: phase 1", "DONE"), ("New CI: phase 2", "AT_RISK"))
    )
    before_move = story.later().clock
    story.later().run("update_initiative", initiative_id=second, clear_parent=True)
    after_move = story.clock
    await project(app, toy_database, [ROADMAP, TIMELINE])
    ws = caller.workspace_id

    now = await roadmap_queries.phases_below(conn, ws, [parent], None)
    then = await roadmap_queries.phases_below(conn, ws, [parent], before_move)
    assert now.children == {parent: [first]}
    assert then.children == {parent: [first, second]}
    assert status_of(parent, now.statuses, now.children) == "DONE"
    assert status_of(parent, then.statuses, then.children) == "AT_RISK"
    versions = await conn.fetch(
        "SELECT parent_id, valid_from, valid_to FROM roadmap.initiative_versions"
        " WHERE initiative_id = $1 ORDER BY valid_from",
        second,
    )
    assert [(v["parent_id"], v["valid_to"] == after_move) for v in versions] == [
        (parent, True),
        (None, False),
    ]
    summaries = await conn.fetch(
        "SELECT summary FROM timeline.entries WHERE type = 'InitiativeParentChanged'"
    )
    assert [row["summary"] for row in summaries] == [
        "Made 'New CI: phase 2' a top-level initiative again"
    ]


async def test_a_phase_taken_off_the_roadmap_leaves_its_parent(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    caller = Caller(workspace_id=uuid4(), actor="alice", may_backfill=True)
    story = Story(app, caller, START)
    roadmap = story.run("create_roadmap", name="Platform")
    parent = story.later().run("propose_initiative", roadmap_id=roadmap, title="P", goal="g")
    phase = story.later().run(
        "propose_initiative", roadmap_id=roadmap, title="Phase", goal="g", parent_id=parent
    )
    story.later().run("update_initiative", initiative_id=phase, parent_id=parent, title="Phase 1")
    story.later(timedelta(days=1)).run(
        "remove_initiative", roadmap_id=roadmap, initiative_id=phase, reason="dropped"
    )
    await project(app, toy_database, [ROADMAP, TIMELINE])

    found = await roadmap_queries.phases_below(conn, caller.workspace_id, [parent], None)
    earlier = await roadmap_queries.phases_below(
        conn, caller.workspace_id, [parent], story.clock - timedelta(hours=1)
    )

    assert found.children == {}
    assert earlier.children == {parent: [phase]}
