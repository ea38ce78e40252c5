"""Cycles in the roadmap read model: pure handlers, and the frozen rows of a closed cycle."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

from backend.bootstrap import Services
from backend.domain.base import Meta
from backend.domain.deliverable import Deliverable, NewDeliverable, Target
from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap, cycle_outcome
from projections.cycles_queries import cycle_report
from projections.read_model import AGGREGATE_VERSIONS
from projections.roadmap import ROADMAP
from projections.roadmap_cycles import (
    CLOSE_CYCLE,
    COMMIT_SCOPE,
    FREEZE_OUTCOME,
    JOIN_ACTIVE_CYCLE,
    START_CYCLE,
)
from projections.roadmap_deliverables import RETARGET, RETARGETS
from tests.projections.toys import snapshot
from tests.support.retro import Story, a_caller, deliverables_of

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
META = Meta(workspace_id=uuid4(), actor="alice", reason="r")


def events_of(aggregate: Any) -> list[Any]:
    events: list[Any] = aggregate.collect_events()
    return events


def a_roadmap_with_a_cycle() -> tuple[Roadmap, Any]:
    roadmap = Roadmap.create(
        id=uuid4(),
        name="SRE",
        team_id=None,
        fiscal_year_start_month=None,
        cycle_weeks=6,
        anchor_date=date(2026, 1, 5),
        meta=META,
        at=AT,
    )
    cycle_id = uuid4()
    roadmap.create_cycle(
        cycle_id=cycle_id,
        name="C1",
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 2, 15),
        fiscal_year_start_month=1,
        meta=META,
        at=AT,
    )
    events_of(roadmap)
    return roadmap, cycle_id


def test_a_start_freezes_the_committed_scope_in_priority_order() -> None:
    roadmap, cycle_id = a_roadmap_with_a_cycle()
    pairs = [[uuid4(), uuid4()], [uuid4(), uuid4()]]
    roadmap.start_cycle(cycle_id, pairs, META, AT)
    [started] = events_of(roadmap)
    start, commit, version = ROADMAP.written(started, 40)
    assert start.sql == START_CYCLE and start.args == (roadmap.id, cycle_id, AT, 40)
    assert commit.sql == COMMIT_SCOPE
    assert commit.args[-2:] == ([p[0] for p in pairs], [p[1] for p in pairs])
    assert version.sql == AGGREGATE_VERSIONS.sql
    assert started.originator_id == roadmap.id
    assert version == AGGREGATE_VERSIONS.statement([(roadmap.id, started.originator_version, 40)])


def test_a_close_freezes_every_outcome_in_one_statement() -> None:
    roadmap, cycle_id = a_roadmap_with_a_cycle()
    initiative_id = uuid4()
    done = Deliverable(uuid4(), "A", False, status="DONE", actual_weeks=Decimal(2))
    open_ = Deliverable(uuid4(), "B", True, target_date=date(2026, 3, 1))
    cycle = roadmap.cycle(cycle_id)
    roadmap.start_cycle(cycle_id, [[initiative_id, open_.deliverable_id]], META, AT)
    outcome = [
        cycle_outcome(cycle, initiative_id, done, False, None),
        cycle_outcome(cycle, initiative_id, open_, True, roadmap.due_on(open_)),
    ]
    roadmap.close_cycle(cycle_id, outcome, META, AT)
    _started, closed = events_of(roadmap)
    close, freeze, _ = ROADMAP.written(closed, 50)
    assert close.sql == CLOSE_CYCLE and close.args == (roadmap.id, cycle_id, AT, 50)
    assert freeze.sql == FREEZE_OUTCOME
    # $13: carried_over, one element per outcome item, in the outcome's order.
    assert freeze.args[12] == [False, True]


def test_a_retarget_to_a_cycle_may_join_it_and_one_to_a_date_does_not() -> None:
    initiative = Initiative.propose(
        id=uuid4(),
        roadmap_id=uuid4(),
        title="New CI",
        goal="g",
        stakeholders=[],
        team_id=None,
        kind="FEATURE",
        parent_id=None,
        meta=META,
        at=AT,
    )
    deliverable_id, cycle_id = uuid4(), uuid4()
    initiative.add_deliverable(
        deliverable_id=deliverable_id,
        title="A",
        stretch=False,
        estimate_weeks=None,
        target=None,
        meta=META,
        at=AT,
    )
    initiative.retarget(
        deliverable_id, Target(cycle_id, None, date(2026, 2, 15)), META, AT, due_on=None
    )
    initiative.retarget(
        deliverable_id,
        Target(None, date(2026, 4, 1), date(2026, 4, 1)),
        META,
        AT,
        due_on=date(2026, 2, 15),
    )
    *_, to_cycle, to_date = events_of(initiative)
    joined = [s.sql for s in ROADMAP.written(to_cycle, 7)]
    version = AGGREGATE_VERSIONS.sql
    assert joined == [RETARGET, RETARGETS.sql, JOIN_ACTIVE_CYCLE, version]
    assert [s.sql for s in ROADMAP.written(to_date, 8)] == [RETARGET, RETARGETS.sql, version]


async def test_a_closed_cycles_rows_are_never_touched_again(services: Services) -> None:
    story = Story(services.app, a_caller(), clock=datetime(2026, 1, 1, tzinfo=UTC))
    roadmap_id = story.run("create_roadmap", name="SRE", releases=True)
    cycle_id = story.run(
        "create_cycle",
        roadmap_id=roadmap_id,
        name="C1",
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 2, 15),
    )
    initiative_id = story.run(
        "propose_initiative",
        roadmap_id=roadmap_id,
        title="New CI",
        goal="g",
        deliverables=[NewDeliverable("A", estimate_weeks=Decimal(2), target_cycle_id=cycle_id)],
    )
    ids = {
        "initiative_id": initiative_id,
        "deliverable_id": deliverables_of(services.app, initiative_id)["A"],
    }
    story.later().run("start_cycle", roadmap_id=roadmap_id, cycle_id=cycle_id)
    story.later().run("estimate_deliverable", weeks=Decimal(3), **ids)
    story.later().run("close_cycle", roadmap_id=roadmap_id, cycle_id=cycle_id)
    await story.projected(services)

    async def frozen() -> tuple[dict[str, list[str]], Any]:
        async with services.pool.acquire() as conn:
            tables = await snapshot(conn, "roadmap")
            report = await cycle_report(conn, story.caller.workspace_id, roadmap_id, cycle_id)
        return {name: tables[name] for name in ("cycles", "scope", "outcomes")}, report

    before, report = await frozen()
    assert len(before["outcomes"]) == 1
    [deliverable] = report.deliverables
    assert deliverable.generations == 2 and len(deliverable.estimates) == 2
    story.later().run("estimate_deliverable", weeks=Decimal(5), **ids)
    story.later().run("log_effort", weeks=Decimal(5), **ids)
    story.later().run("change_deliverable_status", status="DONE", **ids)
    story.later().run("retarget_deliverable", target_date=date(2026, 5, 1), reason="r", **ids)
    await story.projected(services)
    assert await frozen() == (before, report)
