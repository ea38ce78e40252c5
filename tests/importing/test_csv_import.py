"""Importing a roadmap spreadsheet, then newer exports of it, through the commands."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from backend.application import Caller, Roadlog
from backend.database import DatabaseTarget
from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap
from backend.importing.csv_import import CsvSummary, SheetImporter
from backend.importing.csv_sheet import parse_sheet
from backend.importing.errors import ImportRefused
from backend.importing.lookup import roadmaps_named
from projections.catalog import read_model
from projections.rebuild import rebuild
from tests.domain.helpers import event_count, events_after, kinds
from tests.importing.conftest import workspace_id

HEADER = (
    "Project,Stakeholders,User-centric goal,Deliverable,Deliverable status,Estimate weeks,Target"
)
FIRST = [
    'Search,"Sales, Support",Find any document in a second,Index,In progress,3,2026-03-31',
    ",,,Search UI,Planned,2,",
    "Billing,Finance,Customers pay without calling us,Invoices,Done,2.5,2026-01-15",
    ",,,Dunning,At risk,,",
    "Onboarding,Sales,New users succeed alone,Tour,Possible delay,1,",
    "Reports,Finance,Month-end in one click,Export,Planned,,",
]
# A week later: Billing moved to the top, Reports dropped, Index done, Dunning back on
# track (with an estimate and a target), Search UI gone, a Checklist added.
SECOND = [
    "Billing,Finance,Customers pay without calling us,Invoices,Done,2.5,2026-01-15",
    ",,,Dunning,In progress,4,2026-02-20",
    'Search,"Sales, Support",Find any document in a second,Index,Done,3,2026-03-31',
    "Onboarding,Sales,New users succeed alone,Tour,Possible delay,1,",
    ",,,Checklist,Planned,,",
]
WEEK_1 = datetime(2026, 1, 5, 9, tzinfo=UTC)
WEEK_2 = datetime(2026, 1, 12, 9, tzinfo=UTC)


def text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture
def workspace(database: DatabaseTarget) -> UUID:
    return workspace_id(database, "acme")


def run(
    app: Roadlog,
    workspace: UUID,
    sheet: str,
    at: datetime,
    reason: str = "weekly sync",
    actor: str = "pm@acme.example",
) -> CsvSummary:
    importer = SheetImporter(
        app, workspace, roadmap_name="Platform", actor=actor, reason=reason, at=at
    )
    return importer.run(parse_sheet(sheet), "roadmap.csv")


def roadmap_of(app: Roadlog, workspace: UUID) -> tuple[Roadmap, list[Initiative]]:
    [roadmap_id] = roadmaps_named(app, workspace, "Platform")
    roadmap: Any = app.repository.get(roadmap_id)
    initiatives: list[Any] = [app.repository.get(id) for id in roadmap.priority]
    return roadmap, initiatives


def rows_of(initiatives: list[Initiative]) -> list[tuple[str, str, str]]:
    return [(i.title, d.title, d.status) for i in initiatives for d in i.deliverables]


def test_a_first_import_creates_the_roadmap_in_priority_order(
    app: Roadlog, workspace: UUID
) -> None:
    summary = run(app, workspace, text(*FIRST), WEEK_1, reason="imported from roadmap.csv")
    assert summary.counts == {
        "CreateRoadmap": 1,
        "ProposeInitiative": 4,
        "ChangeStatus": 4,
    }
    roadmap, initiatives = roadmap_of(app, workspace)
    assert roadmap.last_effective_at == WEEK_1
    assert [i.title for i in initiatives] == ["Search", "Billing", "Onboarding", "Reports"]
    search = initiatives[0]
    assert search.stakeholders == ["Sales", "Support"]
    assert search.goal == "Find any document in a second"
    index, ui = search.deliverables
    assert (index.status, index.estimate_weeks, index.target_date) == (
        "IN_PROGRESS",
        Decimal(3),
        date(2026, 3, 31),
    )
    assert (ui.status, ui.estimate_weeks, ui.target_date) == ("PLANNED", Decimal(2), None)
    assert initiatives[1].deliverables[0].completed_at == WEEK_1
    for initiative in initiatives:
        for event in app.events.get(initiative.id):
            assert (event.actor, event.effective_at) == ("pm@acme.example", WEEK_1)  # type: ignore[attr-defined]


def test_a_newer_export_records_exactly_what_changed(app: Roadlog, workspace: UUID) -> None:
    run(app, workspace, text(*FIRST), WEEK_1)
    before = event_count(app)
    summary = run(app, workspace, text(*SECOND), WEEK_2)
    assert summary.lines() == [
        "removed 'Reports' from the roadmap",
        "moved 'Billing' from 2 to 1",
        "'Billing' / 'Dunning': retargeted to 2026-02-20",
        "'Billing' / 'Dunning': estimated 4 weeks",
        "'Billing' / 'Dunning': At risk -> In progress",
        "'Search' / 'Index': In progress -> Done",
        "'Search' / 'Search UI': Planned -> Won't do (row removed from the sheet)",
        "added 'Checklist' to 'Onboarding'",
        "recorded 8 changes",
    ]
    events = events_after(app, before)
    assert kinds(events) == [
        "Roadmap.InitiativeRemoved",
        "Initiative.RemovedFromRoadmap",
        "Roadmap.InitiativeMoved",
        "Initiative.DeliverableRetargeted",
        "Initiative.DeliverableEstimated",
        "Initiative.DeliverableStatusChanged",
        "Initiative.DeliverableStatusChanged",
        "Initiative.DeliverableStatusChanged",
        "Initiative.DeliverableAdded",
    ]
    for event in events:
        assert (event.actor, event.effective_at) == ("pm@acme.example", WEEK_2)  # type: ignore[attr-defined]
        assert event.reason.startswith("weekly sync")  # type: ignore[attr-defined]
    _, initiatives = roadmap_of(app, workspace)
    assert rows_of(initiatives) == [
        ("Billing", "Invoices", "DONE"),
        ("Billing", "Dunning", "IN_PROGRESS"),
        ("Search", "Index", "DONE"),
        ("Search", "Search UI", "WONT_DO"),
        ("Onboarding", "Tour", "POSSIBLE_DELAY"),
        ("Onboarding", "Checklist", "PLANNED"),
    ]


async def test_the_timeline_shows_exactly_those_changes(
    app: Roadlog, workspace: UUID, database: DatabaseTarget
) -> None:
    await asyncio.to_thread(run, app, workspace, text(*FIRST), WEEK_1)
    before = event_count(app)
    await asyncio.to_thread(run, app, workspace, text(*SECOND), WEEK_2)
    await rebuild(app, database, [read_model("timeline")])
    conn = await asyncpg.connect(**database.asyncpg_kwargs())
    try:
        entries = await conn.fetch(
            "SELECT type, actor, at, summary FROM timeline.entries"
            " WHERE workspace_id = $1 AND position > $2 ORDER BY position",
            workspace,
            before,
        )
    finally:
        await conn.close()
    assert [e["type"] for e in entries] == [
        "InitiativeRemoved",
        "InitiativeRemovedFromRoadmap",
        "InitiativeMoved",
        "DeliverableRetargeted",
        "DeliverableEstimated",
        "DeliverableStatusChanged",
        "DeliverableStatusChanged",
        "DeliverableStatusChanged",
        "DeliverableAdded",
    ]
    assert {(e["actor"], e["at"]) for e in entries} == {("pm@acme.example", WEEK_2)}
    assert "Moved" in entries[2]["summary"] and "from 2 to 1" in entries[2]["summary"]


def test_the_same_export_again_records_nothing(app: Roadlog, workspace: UUID) -> None:
    run(app, workspace, text(*FIRST), WEEK_1)
    run(app, workspace, text(*SECOND), WEEK_2)
    before = event_count(app)
    summary = run(app, workspace, text(*SECOND), WEEK_2)
    assert summary.changes == [] and summary.lines() == ["no changes"]
    assert event_count(app) == before


def test_a_malformed_file_records_nothing_and_names_its_lines(
    app: Roadlog, workspace: UUID
) -> None:
    run(app, workspace, text(*FIRST), WEEK_1)
    before = event_count(app)
    bad = text(*SECOND[:2], "Search,,Find,Index,Finished,,", *SECOND[3:], ",,,Tour,,zero,")
    with pytest.raises(ImportRefused) as refused:
        run(app, workspace, bad, WEEK_2)
    assert [b.line for b in refused.value.bad_lines] == [4, 7]
    assert event_count(app) == before


def test_an_unknown_cycle_is_a_bad_row_and_a_known_one_a_target(
    app: Roadlog, workspace: UUID
) -> None:
    run(app, workspace, text(*FIRST), WEEK_1)
    roadmap, _ = roadmap_of(app, workspace)
    before = event_count(app)
    with_cycle = text(*FIRST[:4], "Onboarding,Sales,New users succeed alone,Tour,,1,Cycle 7")
    with pytest.raises(ImportRefused, match=r"line 6: Target 'Cycle 7' is neither a date"):
        run(app, workspace, with_cycle, WEEK_2)
    assert event_count(app) == before
    admin = Caller(workspace, "admin", may_backfill=True)
    cycle_id = app.create_cycle(
        admin,
        roadmap_id=roadmap.id,
        name="cycle 7",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 3, 31),
        effective_at=WEEK_1,
    ).id
    run(app, workspace, with_cycle, WEEK_2)
    _, initiatives = roadmap_of(app, workspace)
    assert initiatives[2].deliverables[0].target_cycle_id == cycle_id


def test_a_time_before_the_roadmaps_latest_change_records_nothing(
    app: Roadlog, workspace: UUID
) -> None:
    run(app, workspace, text(*FIRST), WEEK_2)
    before = event_count(app)
    with pytest.raises(ImportRefused, match="is before the roadmap's latest change"):
        run(app, workspace, text(*SECOND), WEEK_1)
    assert event_count(app) == before


def interrupting(calls: int, command: Callable[..., Any]) -> Callable[..., Any]:
    count = 0

    def run(*args: Any, **kwargs: Any) -> Any:
        nonlocal count
        count += 1
        if count == calls:
            raise KeyboardInterrupt
        return command(*args, **kwargs)

    return run


def test_an_interrupted_import_run_again_records_the_rest_once(
    app: Roadlog, workspace: UUID, database: DatabaseTarget
) -> None:
    run(app, workspace, text(*FIRST), WEEK_1)
    flaky = Roadlog(env=app.env)
    try:
        flaky.change_deliverable_status = interrupting(2, flaky.change_deliverable_status)  # type: ignore[method-assign]
        with pytest.raises(KeyboardInterrupt):
            run(flaky, workspace, text(*SECOND), WEEK_2)
    finally:
        flaky.close()
    before = event_count(app)
    rest = run(app, workspace, text(*SECOND), WEEK_2)
    assert rest.counts == {"ChangeStatus": 2, "AddDeliverable": 1}
    statuses = [e for e in events_after(app, 0) if type(e).__name__ == "DeliverableStatusChanged"]
    assert len(statuses) == 4 + 3, "each status change once"
    assert event_count(app) == before + 3


def test_a_removed_project_that_comes_back_is_a_new_initiative(
    app: Roadlog, workspace: UUID
) -> None:
    run(app, workspace, text(*FIRST), WEEK_1)
    run(app, workspace, text(*FIRST[:5]), WEEK_2)
    summary = run(app, workspace, text(*FIRST), datetime(2026, 1, 19, tzinfo=UTC))
    assert summary.counts == {"ProposeInitiative": 1}
    _, initiatives = roadmap_of(app, workspace)
    assert [i.title for i in initiatives][-1] == "Reports"
