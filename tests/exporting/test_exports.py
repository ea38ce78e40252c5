"""Exports read from the read models: the roadmap (now and as of a time) and the reports."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import asyncpg
import pytest

from backend.application import Caller, Roadlog
from backend.database import DatabaseTarget
from backend.domain.roadmap import Roadmap
from backend.eventstore import open_event_store
from backend.exporting.read import (
    NotInReadModels,
    cycle_named,
    cycle_names,
    cycle_report_of,
    estimate_groups,
    roadmap_initiatives,
    roadmap_named,
)
from backend.exporting.reports import cycle_summary, cycle_table, estimates_table
from backend.exporting.roadmap import roadmap_sheet, roadmap_table
from backend.exporting.tables import as_csv, as_markdown
from backend.importing.csv_import import SheetImporter
from backend.importing.csv_sheet import parse_sheet
from backend.importing.lookup import roadmaps_named
from projections.catalog import READ_MODELS
from projections.global_ids import global_id
from projections.rebuild import rebuild
from tests.importing.conftest import workspace_id

HEADER = (
    "Project,Stakeholders,User-centric goal,Deliverable,Deliverable status,Estimate weeks,Target"
)
WEEK_1 = datetime(2026, 1, 5, 9, tzinfo=UTC)
WEEK_2 = datetime(2026, 1, 12, 9, tzinfo=UTC)
FIRST = [
    'Search,"Sales, Support",Find any document in a second,Index,In progress,3,2026-03-31',
    ",,,Search UI,Planned,2,",
    "Billing,Finance,Customers pay without calling us,Invoices,Done,2.5,2026-01-15",
]
SECOND = [
    "Billing,Finance,Customers pay without calling us,Invoices,Done,2.5,2026-01-15",
    'Search,"Sales, Support",Find any document in a second,Index,Done,4,Cycle 1',
    ",,,Search UI,At risk,2,",
]


def sheet(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def import_sheet(app: Roadlog, workspace: UUID, text: str, at: datetime) -> int:
    importer = SheetImporter(
        app, workspace, roadmap_name="Platform", actor="pm", reason="weekly sync", at=at
    )
    return len(importer.run(parse_sheet(text)).changes)


@pytest.fixture
def workspace(database: DatabaseTarget) -> UUID:
    return workspace_id(database, "acme")


@pytest.fixture
def app(database: DatabaseTarget) -> Iterator[Roadlog]:
    application = open_event_store(database, pool_size=2, create_tables=False)
    yield application
    application.close()


@pytest.fixture
async def conn(
    app: Roadlog, workspace: UUID, database: DatabaseTarget
) -> AsyncIterator[asyncpg.Connection]:
    """Two weeks of a sheet (and a cycle closed in between), projected into the read models."""

    def history() -> None:
        import_sheet(app, workspace, sheet(*FIRST), WEEK_1)
        [roadmap_id] = roadmaps_named(app, workspace, "Platform")
        admin = Caller(workspace, "admin", may_backfill=True)
        cycle_id = app.create_cycle(
            admin,
            roadmap_id=roadmap_id,
            name="Cycle 1",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 3, 31),
            effective_at=WEEK_1,
        ).id
        import_sheet(app, workspace, sheet(*SECOND), WEEK_2)
        app.start_cycle(admin, roadmap_id=roadmap_id, cycle_id=cycle_id, effective_at=WEEK_2)

    await asyncio.to_thread(history)
    await rebuild(app, database, READ_MODELS)
    connection = await asyncpg.connect(**database.asyncpg_kwargs())
    yield connection
    await connection.close()


async def test_the_roadmap_exports_now_and_as_of_an_earlier_time(
    conn: asyncpg.Connection, workspace: UUID
) -> None:
    roadmap_id = await roadmap_named(conn, workspace, " platform ")
    now = await roadmap_initiatives(conn, workspace, roadmap_id, None)
    assert as_markdown(roadmap_table(now)).splitlines()[2:] == [
        "| Billing | Finance | Customers pay without calling us | Invoices (Done) | Done |",
        "| Search | Sales, Support | Find any document in a second"
        " | Index (Done)<br>Search UI (At risk) | At risk |",
    ]
    then = await roadmap_initiatives(conn, workspace, roadmap_id, WEEK_1)
    assert [(i.title, i.status) for i in then] == [("Search", "IN_PROGRESS"), ("Billing", "DONE")]
    assert then[0].deliverables[0].estimate_weeks == Decimal(3)
    with pytest.raises(NotInReadModels, match="did not exist"):
        await roadmap_initiatives(conn, workspace, roadmap_id, datetime(2025, 1, 1, tzinfo=UTC))


async def test_the_csv_export_imports_back_as_no_change(
    conn: asyncpg.Connection, app: Roadlog, workspace: UUID
) -> None:
    roadmap_id = await roadmap_named(conn, workspace, "Platform")
    exported = as_csv(roadmap_sheet(await roadmap_initiatives(conn, workspace, roadmap_id, None)))
    assert 'Search,"Sales, Support",Find any document in a second,Index,Done,4,Cycle 1' in (
        exported
    )
    later = datetime(2026, 1, 19, tzinfo=UTC)
    changes = await asyncio.to_thread(import_sheet, app, workspace, exported, later)
    assert changes == 0


async def test_a_parent_without_deliverables_exports_the_status_its_phases_roll_up_to(
    conn: asyncpg.Connection, app: Roadlog, workspace: UUID, database: DatabaseTarget
) -> None:
    roadmap_id = await roadmap_named(conn, workspace, "Platform")
    initiatives = {i.title: i for i in await roadmap_initiatives(conn, workspace, roadmap_id, None)}
    editor = Caller(workspace, "pm")

    def make_phases() -> None:
        roadmap: Roadmap = app.repository.get(roadmap_id)
        billing, search = roadmap.priority
        launch = app.propose_initiative(
            editor, roadmap_id=roadmap_id, title="Launch", goal="Customers can buy search"
        ).id
        for phase in (search, billing):
            app.update_initiative(editor, initiative_id=phase, parent_id=launch)

    await asyncio.to_thread(make_phases)
    await rebuild(app, database, READ_MODELS)
    now = await roadmap_initiatives(conn, workspace, roadmap_id, None)
    assert initiatives["Search"].status == "AT_RISK"
    # Launch has no deliverables: it shows what its phases roll up to, as the API does.
    assert [(i.title, i.deliverables, i.status) for i in now if i.title == "Launch"] == [
        ("Launch", (), "AT_RISK")
    ]


async def test_the_estimate_report_groups_completed_deliverables(
    conn: asyncpg.Connection, workspace: UUID
) -> None:
    groups = await estimate_groups(conn, workspace, "initiative", None)
    table = estimates_table(groups, "initiative")
    assert table.columns[:3] == ("Initiative", "Deliverables", "First estimate (weeks)")
    assert [row[:4] for row in table.rows] == [
        ("Billing", "1", "2.5", "2.5"),
        ("Search", "1", "3", "4"),
    ]


async def test_the_cycle_report_lists_its_deliverables(
    conn: asyncpg.Connection, workspace: UUID
) -> None:
    roadmap_id = await roadmap_named(conn, workspace, "Platform")
    cycle_id = await cycle_named(conn, workspace, roadmap_id, "cycle 1")
    report, titles = await cycle_report_of(conn, workspace, roadmap_id, cycle_id)
    table = cycle_table(report, titles, await cycle_names(conn, workspace, roadmap_id))
    assert [row[:5] for row in table.rows] == [("Search", "Index", "", "Done", "Cycle 1")]
    assert "# Cycle Cycle 1" in cycle_summary(report)
    with pytest.raises(NotInReadModels, match="no cycle named 'Cycle 9'"):
        await cycle_named(conn, workspace, roadmap_id, "Cycle 9")


async def test_a_roadmap_is_named_by_its_name_or_by_its_global_id(
    conn: asyncpg.Connection, workspace: UUID
) -> None:
    roadmap_id = await roadmap_named(conn, workspace, "Platform")
    assert await roadmap_named(conn, workspace, global_id("Roadmap", roadmap_id)) == roadmap_id
    with pytest.raises(NotInReadModels, match="no roadmap named"):
        await roadmap_named(conn, workspace, global_id("Team", roadmap_id))
