"""Correcting a roadmap from its sheet: renamed rows, stretch goals, teams, kinds, and
rows removed with ``remove_missing``, through the commands on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from backend.application import Caller, Roadlog
from backend.database import DatabaseTarget
from backend.domain.initiative import Initiative
from backend.importing.csv_import import CsvSummary, SheetImporter
from backend.importing.csv_sheet import parse_sheet
from backend.importing.errors import ImportRefused
from backend.importing.lookup import roadmaps_named, teams_by_key
from tests.domain.helpers import event_count, events_after, kinds
from tests.importing.conftest import workspace_id

HEADER = (
    "Project,Stakeholders,User-centric goal,Deliverable,Deliverable status,Estimate weeks,Target"
    ",Stretch,Team,Kind"
)
FIRST = [
    "Search,Sales,Find any document,Index,In progress,3,2026-03-31,No,SRE,Tech debt",
    ",,,Serch UI,Planned,2,,,,",
    ",,,Stretch goal: Synonyms,Planned,,,,,",
    "Billing,Finance,Customers pay,Invoices,Done,2.5,2026-01-15,,,",
    ",,,Dunning,At risk,,,,,",
]
WEEK_1 = datetime(2026, 1, 5, 9, tzinfo=UTC)
WEEK_2 = datetime(2026, 1, 12, 9, tzinfo=UTC)


def text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture
def workspace(database: DatabaseTarget) -> UUID:
    return workspace_id(database, "acme")


def run(
    app: Roadlog, workspace: UUID, sheet: str, at: datetime, remove_missing: bool = False
) -> CsvSummary:
    importer = SheetImporter(
        app,
        workspace,
        roadmap_name="Platform",
        actor="pm@acme.example",
        reason="weekly sync",
        at=at,
        remove_missing=remove_missing,
    )
    return importer.run(parse_sheet(sheet), "roadmap.csv")


def initiatives_of(app: Roadlog, workspace: UUID) -> list[Initiative]:
    [roadmap_id] = roadmaps_named(app, workspace, "Platform")
    roadmap: Any = app.repository.get(roadmap_id)
    return [app.repository.get(id) for id in roadmap.priority]


def test_a_first_import_sets_stretch_team_and_kind(app: Roadlog, workspace: UUID) -> None:
    summary = run(app, workspace, text(*FIRST), WEEK_1)
    assert summary.lines()[:2] == ["created roadmap 'Platform'", "created team 'SRE'"]
    search, billing = initiatives_of(app, workspace)
    assert (search.team_id, search.kind) == (teams_by_key(app, workspace)["sre"], "TECH_DEBT")
    assert (billing.team_id, billing.kind) == (None, "FEATURE")
    assert [(d.title, d.stretch) for d in search.deliverables] == [
        ("Index", False),
        ("Serch UI", False),
        ("Synonyms", True),
    ]
    again = event_count(app)
    assert run(app, workspace, text(*FIRST), WEEK_2).lines() == ["no changes"]
    assert event_count(app) == again


def test_a_row_renamed_with_nothing_else_changed_keeps_its_deliverable(
    app: Roadlog, workspace: UUID
) -> None:
    run(app, workspace, text(*FIRST), WEEK_1)
    [search, _] = initiatives_of(app, workspace)
    ui_id = search.deliverables[1].deliverable_id
    before = event_count(app)
    renamed = [FIRST[0], ",,,Search UI,Planned,2,,,,", *FIRST[2:]]
    summary = run(app, workspace, text(*renamed), WEEK_2)
    assert summary.lines() == [
        "'Search' / 'Serch UI': renamed 'Search UI'",
        "recorded 1 change",
    ]
    [updated] = events_after(app, before)
    assert kinds([updated]) == ["Initiative.DeliverableUpdated"]
    assert updated.changes == {"title": ["Serch UI", "Search UI"]}  # type: ignore[attr-defined]
    assert updated.reason == "weekly sync"  # type: ignore[attr-defined]
    [search, _] = initiatives_of(app, workspace)
    assert search.deliverable(ui_id).title == "Search UI"


def test_a_renamed_row_that_changed_more_or_fits_twice_is_a_new_deliverable(
    app: Roadlog, workspace: UUID
) -> None:
    run(app, workspace, text(*FIRST), WEEK_1)
    retitled_and_started = [FIRST[0], ",,,Search UI,In progress,2,,,,", *FIRST[2:]]
    assert run(app, workspace, text(*retitled_and_started), WEEK_2).lines() == [
        "added 'Search UI' to 'Search'",
        "'Search' / 'Search UI': Planned -> In progress",
        "'Search' / 'Serch UI': Planned -> Won't do (row removed from the sheet)",
        "recorded 3 changes",
    ]
    billing = [
        "Billing,Finance,Customers pay,Invoices,Done,2.5,2026-01-15,,,",
        ",,,Dunning,At risk,,,,,",
    ]
    search = retitled_and_started[:3]
    run(
        app,
        workspace,
        text(*search, *billing, ",,,Reminders,Planned,,,,,", ",,,Refunds,At risk,,,,,"),
        datetime(2026, 1, 13, tzinfo=UTC),
    )
    # "Reminder mails" fits only Reminders: renamed. "Refund" and "Refund v2" fit only
    # Refunds, but Refunds fits both: nothing tells which is meant, so both are new.
    later = [
        *search,
        *billing,
        ",,,Reminder mails,Planned,,,,,",
        ",,,Refund,At risk,,,,,",
        ",,,Refund v2,At risk,,,,,",
    ]
    summary = run(app, workspace, text(*later), datetime(2026, 1, 14, tzinfo=UTC))
    assert summary.lines() == [
        "'Billing' / 'Reminders': renamed 'Reminder mails'",
        "added 'Refund' to 'Billing'",
        "'Billing' / 'Refund': Planned -> At risk",
        "added 'Refund v2' to 'Billing'",
        "'Billing' / 'Refund v2': Planned -> At risk",
        "'Billing' / 'Refunds': At risk -> Won't do (row removed from the sheet)",
        "recorded 6 changes",
    ]


def test_remove_missing_removes_the_rows_gone_from_the_sheet_with_the_imports_reason(
    app: Roadlog, workspace: UUID
) -> None:
    run(app, workspace, text(*FIRST), WEEK_1)
    before = event_count(app)
    without_synonyms_and_dunning = [*FIRST[:2], FIRST[3]]
    summary = run(app, workspace, text(*without_synonyms_and_dunning), WEEK_2, True)
    assert summary.lines() == [
        "'Search' / 'Synonyms': removed (row removed from the sheet)",
        "'Billing' / 'Dunning': removed (row removed from the sheet)",
        "recorded 2 changes",
    ]
    removed = events_after(app, before)
    assert kinds(removed) == ["Initiative.DeliverableRemoved"] * 2
    reasons = {e.reason for e in removed}  # type: ignore[attr-defined]
    assert reasons == {"weekly sync (row removed from the sheet)"}
    search, billing = initiatives_of(app, workspace)
    assert [d.title for d in search.deliverables] == ["Index", "Serch UI"]
    assert [d.title for d in billing.deliverables] == ["Invoices"]
    back = run(app, workspace, text(*FIRST), datetime(2026, 1, 19, tzinfo=UTC), True)
    assert back.counts == {"AddDeliverable": 2, "ChangeStatus": 1}, "new ids, not the removed"
    search, billing = initiatives_of(app, workspace)
    assert [(d.title, d.stretch) for d in search.deliverables][-1] == ("Synonyms", True)
    assert [(d.title, d.status) for d in billing.deliverables][-1] == ("Dunning", "AT_RISK")


def test_stretch_kind_and_team_changes_on_known_rows_are_recorded(
    app: Roadlog, workspace: UUID
) -> None:
    run(app, workspace, text(*FIRST), WEEK_1)
    caller = Caller(workspace, "admin@acme.example", may_backfill=True)
    app.create_team(caller, name="Payments", effective_at=WEEK_1)
    before = event_count(app)
    changed = [
        "Search,Sales,Find any document,Index,In progress,3,2026-03-31,Yes,sre,Feature",
        *FIRST[1:3],
        "Billing,Finance,Customers pay,Invoices,Done,2.5,2026-01-15,,PAYMENTS,Operations",
        FIRST[4],
    ]
    summary = run(app, workspace, text(*changed), WEEK_2)
    assert summary.lines() == [
        "updated 'Search': kind FEATURE",
        "'Search' / 'Index': a stretch goal",
        "updated 'Billing': team 'Payments', kind OPERATIONS",
        "recorded 3 changes",
    ]
    assert kinds(events_after(app, before)) == [
        "Initiative.Updated",
        "Initiative.DeliverableUpdated",
        "Initiative.Updated",
    ]
    search, billing = initiatives_of(app, workspace)
    assert search.deliverables[0].stretch is True
    payments = teams_by_key(app, workspace)["payments"]
    assert (billing.team_id, billing.kind) == (payments, "OPERATIONS")


def test_an_archived_team_is_a_bad_row_and_nothing_is_recorded(
    app: Roadlog, workspace: UUID
) -> None:
    run(app, workspace, text(*FIRST), WEEK_1)
    caller = Caller(workspace, "admin@acme.example", may_backfill=True)
    old = app.create_team(caller, name="Old guard", effective_at=WEEK_1).id
    app.archive_team(caller, team_id=old, reason="merged", effective_at=WEEK_1)
    before = event_count(app)
    moved_to_old = [
        *FIRST[:3],
        "Billing,Finance,Customers pay,Invoices,Done,2.5,,,Old guard,",
        FIRST[4],
    ]
    with pytest.raises(ImportRefused) as refused:
        run(app, workspace, text(*moved_to_old), WEEK_2)
    assert [str(bad) for bad in refused.value.bad_lines] == [
        "line 5: Team 'Old guard' is archived (read-only); accepted: an active team's name,"
        " or a new name (the import creates the team)"
    ]
    assert event_count(app) == before


def test_a_project_without_deliverables_is_proposed_and_kept(app: Roadlog, workspace: UUID) -> None:
    with_reports = [*FIRST, "Reports,Finance,Month-end in one click,,,,,,,Research"]
    summary = run(app, workspace, text(*with_reports), WEEK_1)
    assert "proposed 'Reports' at 3 with 0 deliverables" in summary.lines()
    reports = initiatives_of(app, workspace)[2]
    assert (reports.title, reports.kind, reports.deliverables) == ("Reports", "RESEARCH", [])
    before = event_count(app)
    assert run(app, workspace, text(*with_reports), WEEK_2).lines() == ["no changes"]
    assert event_count(app) == before


def test_an_archived_roadmap_refuses_a_sheet_that_would_change_it(
    app: Roadlog, workspace: UUID
) -> None:
    run(app, workspace, text(*FIRST), WEEK_1)
    [roadmap_id] = roadmaps_named(app, workspace, "Platform")
    caller = Caller(workspace, "admin@acme.example", may_backfill=True)
    app.archive_roadmap(caller, roadmap_id=roadmap_id, reason="done", effective_at=WEEK_1)
    before = event_count(app)
    assert run(app, workspace, text(*FIRST), WEEK_2).lines() == ["no changes"]
    with pytest.raises(ImportRefused) as refused:
        run(app, workspace, text(*FIRST[:4]), WEEK_2)
    assert [str(bad) for bad in refused.value.bad_lines] == [
        "roadmap 'Platform' is archived (read-only): the sheet would change it"
        " ('Billing' / 'Dunning': At risk -> Won't do (row removed from the sheet), ...)"
    ]
    assert event_count(app) == before
