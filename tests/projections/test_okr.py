"""The okr read model: pure handlers, check-ins, and alignments as of an instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import asyncpg

from backend.application import Caller, Roadlog
from backend.bootstrap import Services
from backend.database import DatabaseTarget
from backend.domain.base import Meta
from backend.domain.initiative import Initiative
from backend.domain.objective import Objective
from projections import okr_queries
from projections.okr import (
    CHECK_INS,
    END_ALIGNMENT,
    INSERT_ALIGNMENT,
    OKR,
    SET_CURRENT_VALUE,
)
from projections.read_model import AGGREGATE_VERSIONS, array_text
from projections.rebuild import rebuild
from projections.timeline import TIMELINE
from tests.projections.toys import snapshot
from tests.support.names import name_events
from tests.support.retro import Story, a_caller
from tests.support.roadmap import project

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
META = Meta(workspace_id=uuid4(), actor="alice", reason="on track")


def events_of(aggregate: Any) -> list[Any]:
    events: list[Any] = aggregate.collect_events()
    return events


def test_a_check_in_sets_the_current_value_and_is_kept_with_its_note() -> None:
    objective = Objective.create(
        id=uuid4(),
        title="Reliable",
        period="2026-Q1",
        level="COMPANY",
        team_id=None,
        parent=None,
        meta=META,
        at=AT,
    )
    key_result_id = uuid4()
    objective.add_key_result(
        key_result_id=key_result_id,
        title="Uptime",
        unit="%",
        start_value=99.0,
        target_value=99.9,
        meta=META,
        at=AT,
    )
    objective.check_in(key_result_id, 99.5, 0.8, META, AT)
    *_, checked_in = events_of(objective)
    current, kept, version = OKR.written(checked_in, 12)
    assert current.sql == SET_CURRENT_VALUE
    assert current.args == (objective.id, key_result_id, 99.5)
    assert kept.sql == CHECK_INS.sql
    assert kept.args[4:] == tuple(array_text([v]) for v in (99.5, 0.8, "on track", AT, "alice"))
    assert version.sql == AGGREGATE_VERSIONS.sql
    assert checked_in.originator_id == objective.id
    assert version == AGGREGATE_VERSIONS.statement(
        [(objective.id, checked_in.originator_version, 12)]
    )


def test_aligning_ends_the_previous_alignment_to_the_same_key_result() -> None:
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
    objective_id, key_result_id = uuid4(), uuid4()
    initiative.align(objective_id, key_result_id, "SUPPORTS", META, AT)
    initiative.unalign(objective_id, key_result_id, META, AT)
    _proposed, aligned, unaligned = events_of(initiative)
    assert [s.sql for s in OKR.written(aligned, 5)] == [END_ALIGNMENT, INSERT_ALIGNMENT]
    assert [s.sql for s in OKR.written(unaligned, 6)] == [END_ALIGNMENT]


async def test_alignments_can_be_read_as_of_an_instant(services: Services) -> None:
    story = Story(services.app, a_caller(), clock=datetime(2026, 1, 1, tzinfo=UTC))
    roadmap_id = story.run("create_roadmap", name="SRE")
    initiative_id = story.run("propose_initiative", roadmap_id=roadmap_id, title="New CI", goal="g")
    objective_id = story.run(
        "create_objective", title="Reliable", period="2026-Q1", level="COMPANY"
    )
    key_result_id = story.run(
        "add_key_result",
        objective_id=objective_id,
        title="Uptime",
        unit="%",
        start_value=99.0,
        target_value=99.9,
    )
    ids = {
        "initiative_id": initiative_id,
        "objective_id": objective_id,
        "key_result_id": key_result_id,
    }
    supported = story.later(timedelta(days=1)).clock
    story.run("align_initiative", kind="SUPPORTS", **ids)
    contributed = story.later(timedelta(days=1)).clock
    story.run("align_initiative", kind="CONTRIBUTES", **ids)
    ended = story.later(timedelta(days=1)).clock
    story.run("unalign_initiative", **ids)
    await story.projected(services)

    async def kinds(at: datetime | None) -> list[str]:
        rows = await okr_queries.alignments_of_initiatives(
            services.pool, story.caller.workspace_id, [initiative_id], at
        )
        return [row.kind for row in rows]

    assert await kinds(supported - timedelta(seconds=1)) == []
    assert await kinds(supported) == ["SUPPORTS"]
    assert await kinds(contributed + timedelta(hours=1)) == ["CONTRIBUTES"]
    assert await kinds(ended) == []
    assert await kinds(None) == []
    other = await okr_queries.alignments_of_initiatives(
        services.pool, uuid4(), [initiative_id], supported
    )
    assert other == []


async def test_the_periods_of_a_workspace_are_those_with_an_objective_left(
    services: Services,
) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    # Another workspace's first: projected once this story's last event is.
    Story(services.app, a_caller(), clock=start).run(
        "create_objective", title="Theirs", period="2027-Q1", level="COMPANY"
    )
    story = Story(services.app, a_caller(), clock=start)
    for title, period in (("Grow", "2026-Q2"), ("Reliable", "2026-Q1"), ("Again", "2026-Q1")):
        story.run("create_objective", title=title, period=period, level="COMPANY")
    gone = story.run("create_objective", title="Old", period="2025-Q4", level="COMPANY")
    story.run("archive_objective", objective_id=gone, reason="a past quarter")
    await story.projected(services)
    names = await okr_queries.period_names(services.pool, story.caller.workspace_id)
    assert names == ["2026-Q1", "2026-Q2"]


async def test_a_rebuild_writes_what_the_projector_wrote_through_corrections(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection
) -> None:
    story = Story(app, Caller(workspace_id=uuid4(), actor="alice", may_backfill=True), AT)
    team = story.run("create_team", name="SRE")
    company = story.run("create_objective", title="Ship", period="2026-Q1", level="COMPANY")
    child = story.later().run(
        "create_objective", title="CI", period="2026-Q1", level="TEAM", team_id=team
    )
    roadmap = story.run("create_roadmap", name="Platform")
    initiative = story.later().run("propose_initiative", roadmap_id=roadmap, title="I", goal="g")
    key_results = [
        story.later().run(
            "add_key_result",
            objective_id=child,
            title=f"K{n}",
            unit="",
            start_value=0,
            target_value=10,
        )
        for n in range(2)
    ]
    for key_result in key_results:
        refs = {"objective_id": child, "key_result_id": key_result}
        story.later().run("check_in_key_result", value=4, **refs)
        story.run("align_initiative", initiative_id=initiative, kind="CONTRIBUTES", **refs)
        story.later().run("update_key_result", target_value=8, title="K", **refs)
    story.later().run("update_objective", objective_id=child, parent_id=company, title="CI 2")
    story.later().run(
        "remove_key_result", objective_id=child, key_result_id=key_results[0], reason="r"
    )
    story.later().run("archive_objective", objective_id=child, reason="done")
    # One event per batch, as a projector that keeps up with a slow trickle applies them.
    await project(app, toy_database, [OKR, TIMELINE], batch_size=1)
    incremental = {name: await snapshot(conn, name) for name in ("okr", "timeline")}

    await rebuild(app, toy_database, [OKR, TIMELINE], batch_size=1000)
    rebuilt = {name: await snapshot(conn, name) for name in ("okr", "timeline")}

    assert rebuilt == incremental
    assert len(incremental["timeline"]["entries"]) == story.position - name_events(app)
