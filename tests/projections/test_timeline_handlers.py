"""The timeline's handlers (event in, facts out) and its bulk insert on PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest

from backend.application import Caller, Roadlog
from backend.database import DatabaseTarget
from backend.domain.base import RoadlogAggregate
from backend.domain.decision import Decision
from backend.domain.deliverable import NewDeliverable
from backend.domain.initiative import Initiative
from backend.domain.objective import Objective
from backend.domain.receipt import CommandReceipt
from backend.domain.roadmap import Roadmap
from backend.domain.status_update import StatusUpdate
from backend.domain.team import Team
from backend.domain.workspace import Workspace
from projections import timeline
from projections.read_model import Fact
from projections.timeline import DESCRIBERS, ENTRIES, NAMES, TIMELINE
from schema.relay import to_global_id
from tests.projections.handler_log import AT, Log, a_roadmap
from tests.support.retro import Story
from tests.support.roadmap import project


def facts_of(event: Any, position: int) -> list[Fact]:
    """What the timeline writes of ``event``: facts only, so a batch is a few inserts."""
    facts = TIMELINE.statements(event, position)
    assert all(isinstance(fact, Fact) for fact in facts), facts
    return [fact for fact in facts if isinstance(fact, Fact)]


def entry_of(facts: list[Fact]) -> dict[str, Any]:
    """The entry among ``facts``, by column."""
    [entry] = [fact.row for fact in facts if fact.table is ENTRIES]
    return dict(zip(ENTRIES.columns, entry, strict=True))


def subjects_of(facts: list[Fact]) -> set[UUID]:
    return set(entry_of(facts)["belongs_to"])


def test_the_timeline_says_why_an_initiative_moved_in_one_line(log: Log) -> None:
    roadmap_id = a_roadmap(log)
    ids = [
        log.run("propose_initiative", roadmap_id=roadmap_id, title=t, goal="g")[0].originator_id
        for t in ("New CI pilot", "New CI general availability", "New CI final phase")
    ]
    moved = log.last(
        "move_initiative",
        roadmap_id=roadmap_id,
        initiative_id=ids[2],
        to_position=1,
        reason="compliance audit moved up",
    )

    entry = DESCRIBERS[type(moved)](moved)
    facts = facts_of(moved, 9)
    row = entry_of(facts)

    assert entry.type == "InitiativeMoved"
    assert entry.summary == "Moved %s from 3 to 1: compliance audit moved up"
    assert entry.quoted == (ids[2],)
    assert json.loads(row["changes"]) == [{"field": "position", "from": "3", "to": "1"}]
    assert (row["subject_kind"], row["subject_ids"]) == ("Initiative", [ids[2]])
    assert (row["quoted"], row["quoted_too"]) == (ids[2], None)
    assert subjects_of(facts) == {ids[2], roadmap_id}


def test_percent_signs_in_reasons_and_titles_survive_the_summary_template(log: Log) -> None:
    roadmap_id = a_roadmap(log)
    proposed, *_ = log.run(
        "propose_initiative",
        roadmap_id=roadmap_id,
        title="Cut p99 by 50%",
        goal="g",
        reason="100% of users",
    )

    entry = DESCRIBERS[type(proposed)](proposed)

    assert entry.summary == "Proposed 'Cut p99 by 50%%' on %s: 100%% of users"


def test_a_deliverable_entry_belongs_to_its_initiative_and_shows_api_values(log: Log) -> None:
    roadmap_id = a_roadmap(log)
    deliverable_id = uuid4()
    events = log.run(
        "propose_initiative",
        roadmap_id=roadmap_id,
        title="a",
        goal="g",
        deliverables=[
            NewDeliverable("Runner fleet", estimate_weeks=Decimal("2.5"), id=deliverable_id)
        ],
    )
    added = next(e for e in events if isinstance(e, Initiative.DeliverableAdded))
    estimated = next(e for e in events if isinstance(e, Initiative.DeliverableEstimated))

    entry = DESCRIBERS[type(added)](added)
    facts = facts_of(estimated, 5)
    row = entry_of(facts)

    assert (entry.subject_kind, entry.subject_ids) == (
        "Deliverable",
        (added.originator_id, deliverable_id),
    )
    assert added.originator_id in entry.about
    assert (row["deliverable_id"], row["weeks"]) == (deliverable_id, Decimal("2.5"))
    assert added.originator_id in subjects_of(facts)
    assert timeline.encoded(Decimal("2.50")) == '"2.50"'
    assert timeline.encoded(None) is None


def test_a_name_given_is_a_fact_of_its_own_position(log: Log) -> None:
    roadmap_id = a_roadmap(log)
    [proposed, *_] = log.run("propose_initiative", roadmap_id=roadmap_id, title="a", goal="g")
    renamed = log.last("update_initiative", initiative_id=proposed.originator_id, title="b")

    [name] = [fact.row for fact in facts_of(renamed, 7) if fact.table is NAMES]

    assert name[:2] == (proposed.originator_id, 7)
    assert name[3:] == ("Initiative", "b", to_global_id("Initiative", proposed.originator_id))


def test_references_in_changes_are_global_ids(log: Log) -> None:
    [team] = log.run("create_team", name="SRE")
    [created] = log.run("create_roadmap", name="R", team_id=team.originator_id)

    row = entry_of(facts_of(created, 2))

    changes = {c["field"]: c for c in json.loads(row["changes"])}
    assert changes["team"]["to"] == json.dumps(to_global_id("Team", team.originator_id))
    assert changes["name"] == {"field": "name", "from": None, "to": '"R"'}


def test_every_event_of_the_domain_has_a_timeline_entry_but_receipts() -> None:
    aggregates = (Team, Roadmap, Initiative, Objective, Decision, Workspace, StatusUpdate)
    events = {
        value
        for aggregate in aggregates
        for value in vars(aggregate).values()
        # The library adds Event/Created classes of its own and subclasses each event once:
        # the aggregate's own events define ``apply`` in its module.
        if isinstance(value, type)
        and issubclass(value, RoadlogAggregate.Event)
        and any(
            "apply" in vars(cls) and cls.__module__ == aggregate.__module__
            for cls in value.__mro__[:2]
        )
    }

    assert events == set(DESCRIBERS)
    assert CommandReceipt.Issued not in DESCRIBERS


async def changes_of(conn: asyncpg.Connection, types: tuple[str, ...]) -> list[Any]:
    rows = await conn.fetch(
        "SELECT changes FROM timeline.entries WHERE type = ANY($1::text[]) ORDER BY position",
        list(types),
    )
    return [json.loads(row["changes"]) for row in rows]


@pytest.mark.parametrize("batch_size", [1, 1000])
async def test_estimates_and_effort_change_from_what_was_before_whatever_the_batches(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection, batch_size: int
) -> None:
    story = Story(app, Caller(workspace_id=uuid4(), actor="alice", may_backfill=True), AT)
    roadmap = story.run("create_roadmap", name="Platform", releases=True)
    cycles = [
        story.later().run(
            "create_cycle",
            roadmap_id=roadmap,
            name=name,
            starts_on=date(2025, 1, 6) + timedelta(weeks=6 * n),
            ends_on=date(2025, 2, 16) + timedelta(weeks=6 * n),
        )
        for n, name in enumerate(("C1", "C2"))
    ]
    deliverable = uuid4()
    initiative = story.later().run(
        "propose_initiative",
        roadmap_id=roadmap,
        title="a",
        goal="g",
        deliverables=[NewDeliverable("d", estimate_weeks=Decimal("2.5"), id=deliverable)],
    )
    refs = {"initiative_id": initiative, "deliverable_id": deliverable}
    # The first half in one batch, the rest in another: "from" crosses the batches too.
    await project(app, toy_database, [TIMELINE], batch_size=batch_size)
    for weeks in ("4", "3.75"):
        story.later().run("estimate_deliverable", weeks=Decimal(weeks), **refs)
        story.later().run("log_effort", weeks=Decimal("0.50"), **refs)
    for cycle in cycles:
        story.later().run("retarget_deliverable", target_cycle_id=cycle, reason="r", **refs)
    await project(app, toy_database, [TIMELINE], batch_size=batch_size)

    estimates = await changes_of(conn, ("DeliverableEstimated",))
    efforts = await changes_of(conn, ("EffortLogged",))
    retargets = await changes_of(conn, ("DeliverableRetargeted",))

    assert [(c[0]["from"], c[0]["to"]) for c in estimates] == [
        (None, '"2.5"'),
        ('"2.5"', '"4"'),
        ('"4"', '"3.75"'),
    ]
    assert [(c[0]["from"], c[0]["to"]) for c in efforts] == [
        ('"0"', '"0.50"'),
        ('"0.50"', '"1.00"'),
    ]
    cycle_ids = [json.dumps(to_global_id("Cycle", roadmap, cycle)) for cycle in cycles]
    assert [(c[0]["from"], c[0]["to"]) for c in retargets] == [
        (None, cycle_ids[0]),
        (cycle_ids[0], cycle_ids[1]),
    ]


@pytest.mark.parametrize("batch_size", [1, 1000])
async def test_a_retarget_names_its_cycles_as_they_were_named_then(
    app: Roadlog, toy_database: DatabaseTarget, conn: asyncpg.Connection, batch_size: int
) -> None:
    story = Story(app, Caller(workspace_id=uuid4(), actor="alice", may_backfill=True), AT)
    roadmap = story.run("create_roadmap", name="Kitchen", releases=True)
    first, second = (
        story.later().run(
            "create_cycle",
            roadmap_id=roadmap,
            name=name,
            starts_on=date(2026, 11, 2) + timedelta(weeks=6 * n),
            ends_on=date(2026, 12, 13) + timedelta(weeks=6 * n),
        )
        for n, name in enumerate(("Cycle 1", "Cycle 2"))
    )
    deliverable = uuid4()
    initiative = story.later().run(
        "propose_initiative",
        roadmap_id=roadmap,
        title="Dinner",
        goal="g",
        deliverables=[NewDeliverable("cook food", id=deliverable)],
    )
    refs = {"initiative_id": initiative, "deliverable_id": deliverable}
    story.later().run("retarget_deliverable", target_cycle_id=first, reason="planned", **refs)
    story.later().run("retarget_deliverable", target_cycle_id=second, reason="oven broke", **refs)
    story.later().run(
        "update_cycle", roadmap_id=roadmap, cycle_id=second, name="Winter cycle", reason="r"
    )
    story.later().run(
        "retarget_deliverable", target_date=date(2026, 12, 24), reason="for Christmas", **refs
    )
    story.later().run("retarget_deliverable", target_cycle_id=second, reason="after all", **refs)
    await project(app, toy_database, [TIMELINE], batch_size=batch_size)

    rows = await conn.fetch(
        "SELECT summary FROM timeline.entries WHERE type = 'DeliverableRetargeted'"
        " ORDER BY position"
    )

    assert [row["summary"] for row in rows] == [
        "Retargeted 'cook food' from no target to Cycle 1: planned",
        "Retargeted 'cook food' from Cycle 1 to Cycle 2 (slip): oven broke",
        "Retargeted 'cook food' from Winter cycle to 2026-12-24: for Christmas",
        "Retargeted 'cook food' from 2026-12-24 to Winter cycle (slip): after all",
    ]


def test_estimates_and_effort_summaries_write_decimals_as_people_do(log: Log) -> None:
    roadmap_id = a_roadmap(log)
    deliverable = uuid4()
    initiative = log.run(
        "propose_initiative",
        roadmap_id=roadmap_id,
        title="Dinner",
        goal="g",
        deliverables=[NewDeliverable("cook food", id=deliverable)],
    )[0].originator_id
    refs = {"initiative_id": initiative, "deliverable_id": deliverable}

    estimated = log.last("estimate_deliverable", weeks=Decimal("2.500"), **refs)
    logged = log.last("log_effort", weeks=Decimal("1.50"), **refs)

    assert entry_of(facts_of(estimated, 10))["summary"] == (
        "Estimated %s at 2.5 weeks (generation 1)"
    )
    assert entry_of(facts_of(logged, 11))["summary"] == "Logged 1.5 weeks on %s"
