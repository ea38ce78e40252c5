"""What the estimate report reads of the roadmap read model: a deliverable's current row
and its facts, then the figures counted from them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from backend.bootstrap import Services
from backend.domain.base import Meta
from backend.domain.deliverable import NewDeliverable, Target
from backend.domain.initiative import Initiative
from projections.estimates_queries import EstimateQuery, completed_deliverables
from projections.okr import OKR
from projections.read_model import Fact
from projections.rebuild import rebuild
from projections.roadmap import ROADMAP
from projections.roadmap_deliverables import RETARGETS
from tests.projections.toys import snapshot
from tests.support.retro import Story, a_caller, deliverables_of

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WORKSPACE = uuid4()
META = Meta(workspace_id=WORKSPACE, actor="alice")


def events_of(aggregate: Any) -> list[Any]:
    events: list[Any] = aggregate.collect_events()
    return events


def an_initiative() -> Initiative:
    initiative = Initiative.propose(
        id=uuid4(),
        roadmap_id=uuid4(),
        title="New CI pilot",
        goal="Faster builds",
        stakeholders=[],
        team_id=None,
        kind="FEATURE",
        parent_id=None,
        meta=META,
        at=AT,
    )
    events_of(initiative)
    return initiative


def test_a_retarget_counts_a_slip_only_when_the_target_moves_later() -> None:
    initiative, deliverable_id = an_initiative(), uuid4()
    initiative.add_deliverable(
        deliverable_id=deliverable_id,
        title="Runner fleet",
        stretch=False,
        estimate_weeks=None,
        target=Target(None, date(2026, 4, 1), date(2026, 4, 1)),
        meta=META,
        at=AT,
    )
    meta = Meta(workspace_id=WORKSPACE, actor="alice", reason="vendor late")
    initiative.retarget(
        deliverable_id,
        Target(None, date(2026, 5, 1), date(2026, 5, 1)),
        meta,
        AT,
        due_on=date(2026, 4, 1),
    )
    initiative.retarget(
        deliverable_id,
        Target(None, date(2026, 3, 1), date(2026, 3, 1)),
        meta,
        AT,
        due_on=date(2026, 5, 1),
    )
    _added, first, later, earlier = events_of(initiative)
    slips = [
        item.row[RETARGETS.columns.index("slip")]
        for event in (first, later, earlier)
        for item in ROADMAP.statements(event, 9)
        if isinstance(item, Fact) and item.table == RETARGETS
    ]
    assert slips == [False, True, False]


def test_handlers_are_pure() -> None:
    initiative = an_initiative()
    initiative.add_deliverable(
        deliverable_id=uuid4(),
        title="Runner fleet",
        stretch=True,
        estimate_weeks=Decimal("2.5"),
        target=None,
        meta=META,
        at=AT,
    )
    for event in events_of(initiative):
        for model in (ROADMAP, OKR):
            assert model.written(event, 11) == model.written(event, 11)


async def completed(services: Services, story: Story) -> list[asyncpg.Record]:
    query = EstimateQuery(story.caller.workspace_id)
    async with services.pool.acquire() as conn:
        return list(await completed_deliverables(conn, query))


async def current_row(
    services: Services, initiative_id: UUID, deliverable_id: UUID
) -> asyncpg.Record:
    async with services.pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT * FROM roadmap.deliverable_versions"
            " WHERE initiative_id = $1 AND deliverable_id = $2 AND valid_to = 'infinity'",
            initiative_id,
            deliverable_id,
        )
    assert row is not None
    return row


async def test_a_completed_deliverable_keeps_estimates_effort_slips_and_its_cycle(
    services: Services,
) -> None:
    story = Story(services.app, a_caller())
    roadmap_id = story.run("create_roadmap", name="SRE", releases=True)
    first = story.run(
        "create_cycle",
        roadmap_id=roadmap_id,
        name="C1",
        starts_on=date(2025, 1, 6),
        ends_on=date(2025, 2, 14),
    )
    second = story.run(
        "create_cycle",
        roadmap_id=roadmap_id,
        name="C2",
        starts_on=date(2025, 2, 17),
        ends_on=date(2025, 3, 28),
    )
    initiative_id = story.run(
        "propose_initiative",
        roadmap_id=roadmap_id,
        title="New CI pilot",
        goal="Faster builds",
        deliverables=[NewDeliverable("Runners", estimate_weeks=Decimal(3), target_cycle_id=first)],
    )
    deliverable_id = deliverables_of(services.app, initiative_id)["Runners"]
    ids = {"initiative_id": initiative_id, "deliverable_id": deliverable_id}
    story.later().run("estimate_deliverable", weeks=Decimal(5), **ids)
    story.later().run("log_effort", weeks=Decimal("2.5"), **ids)
    story.later().run("log_effort", weeks=Decimal("4"), **ids)
    story.later().run("retarget_deliverable", target_cycle_id=second, reason="late", **ids)
    done_at = story.later(timedelta(days=3)).clock
    story.run("change_deliverable_status", status="DONE", **ids)
    await story.projected(services)

    [row] = await completed(services, story)
    assert (row["deliverable_id"], row["completed_at"], row["completed_cycle_id"]) == (
        deliverable_id,
        done_at,
        second,
    )
    assert (row["first_estimate_weeks"], row["estimate_weeks"], row["generations"]) == (3, 5, 2)
    assert (row["actual_weeks"], row["slips"]) == (Decimal("6.5"), 1)

    story.later().run("change_deliverable_status", status="IN_PROGRESS", reason="bug", **ids)
    await story.projected(services)
    assert await completed(services, story) == []
    row = await current_row(services, initiative_id, deliverable_id)
    assert (row["status"], row["completed_at"], row["completed_cycle_id"]) == (
        "IN_PROGRESS",
        None,
        None,
    )


async def test_a_rebuild_from_zero_yields_identical_rows(services: Services) -> None:
    story = Story(services.app, a_caller())
    team_id = story.run("create_team", name="SRE")
    roadmap_id = story.run("create_roadmap", name="SRE", team_id=team_id, releases=True)
    cycle_id = story.run(
        "create_cycle",
        roadmap_id=roadmap_id,
        name="C1",
        starts_on=date(2025, 1, 6),
        ends_on=date(2025, 2, 14),
    )
    objective_id = story.run(
        "create_objective", title="Reliable", period="2025-Q1", level="COMPANY"
    )
    key_result_id = story.run(
        "add_key_result",
        objective_id=objective_id,
        title="Uptime",
        unit="%",
        start_value=99.0,
        target_value=99.9,
    )
    story.run(
        "check_in_key_result", objective_id=objective_id, key_result_id=key_result_id, value=99.5
    )
    initiative_id = story.run(
        "propose_initiative",
        roadmap_id=roadmap_id,
        title="New CI pilot",
        goal="Faster builds",
        team_id=team_id,
        deliverables=[
            NewDeliverable("Runners", estimate_weeks=Decimal(3), target_cycle_id=cycle_id),
            NewDeliverable("Cache", estimate_weeks=Decimal(2), target_cycle_id=cycle_id),
        ],
    )
    story.run(
        "align_initiative",
        initiative_id=initiative_id,
        objective_id=objective_id,
        key_result_id=key_result_id,
        kind="CONTRIBUTES",
    )
    story.later().run("start_cycle", roadmap_id=roadmap_id, cycle_id=cycle_id)
    deliverable_id = deliverables_of(services.app, initiative_id)["Runners"]
    ids = {"initiative_id": initiative_id, "deliverable_id": deliverable_id}
    story.later().run("log_effort", weeks=Decimal(4), **ids)
    story.later().run("change_deliverable_status", status="DONE", **ids)
    story.later().run("close_cycle", roadmap_id=roadmap_id, cycle_id=cycle_id)
    await story.projected(services)

    async with services.pool.acquire() as conn:
        before = {name: await snapshot(conn, name) for name in ("roadmap", "okr")}
        facts = ("estimates", "status_changes", "scope", "outcomes")
        assert all(before["roadmap"][name] for name in facts)
        assert all(before["okr"].values())
        await rebuild(services.app, services.target, [ROADMAP, OKR])
        after = {name: await snapshot(conn, name) for name in ("roadmap", "okr")}
    assert after == before
