"""Tables as Markdown and CSV, and the roadmap's two shapes (pure)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from backend.exporting.roadmap import (
    RoadmapDeliverable,
    RoadmapInitiative,
    roadmap_sheet,
    roadmap_table,
)
from backend.exporting.tables import Table, as_csv, as_markdown, weeks_text
from backend.importing.csv_sheet import parse_sheet

SEARCH = RoadmapInitiative(
    title="Search | find",
    stakeholders=("Sales", "Support"),
    goal="Find any document\nin a second",
    deliverables=(
        RoadmapDeliverable("Index", "IN_PROGRESS", Decimal("3.0"), "2026-03-31"),
        RoadmapDeliverable("Search UI", "AT_RISK", None, "Cycle 7"),
    ),
    status="AT_RISK",
)
BILLING = RoadmapInitiative(
    title="Billing",
    stakeholders=(),
    goal="Customers pay without calling us",
    deliverables=(
        RoadmapDeliverable("Invoices", "DONE", Decimal("2.50")),
        RoadmapDeliverable("Dunning", "WONT_DO"),
    ),
    status="DONE",
)


def test_markdown_escapes_pipes_and_joins_lines() -> None:
    table = Table(("A", "B"), (("x | y", "one\ntwo\n"),))
    assert as_markdown(table) == "| A | B |\n|---|---|\n| x \\| y | one<br>two |\n"


def test_csv_quotes_what_needs_quoting() -> None:
    table = Table(("A", "B"), (('say "hi"', "a, b"),))
    assert list(csv.reader(io.StringIO(as_csv(table)))) == [["A", "B"], ['say "hi"', "a, b"]]


def test_weeks_are_written_without_trailing_zeros() -> None:
    assert [weeks_text(w) for w in (Decimal("3.0"), Decimal("2.50"), None)] == ["3", "2.5", ""]


def test_the_roadmap_table_has_one_row_per_initiative_with_its_status_in_words() -> None:
    table = roadmap_table([SEARCH, BILLING])
    assert table.columns == (
        "Project",
        "Stakeholders",
        "User-centric goal",
        "Deliverables",
        "Status",
    )
    assert table.rows == (
        (
            "Search | find",
            "Sales, Support",
            "Find any document\nin a second",
            "Index (In progress)\nSearch UI (At risk)",
            "At risk",
        ),
        (
            "Billing",
            "",
            "Customers pay without calling us",
            "Invoices (Done)\nDunning (Won't do)",
            "Done",
        ),
    )


def test_the_roadmap_sheet_is_what_the_csv_import_reads() -> None:
    text = as_csv(roadmap_sheet([SEARCH, BILLING]))
    projects = parse_sheet(text.replace("\r\n", "\n"))
    assert [(p.name, p.stakeholders) for p in projects] == [
        ("Search | find", ("Sales", "Support")),
        ("Billing", ()),
    ]
    assert [(d.title, d.status, d.estimate_weeks, d.target) for d in projects[0].deliverables] == [
        ("Index", "IN_PROGRESS", Decimal(3), date(2026, 3, 31)),
        ("Search UI", "AT_RISK", None, "Cycle 7"),
    ]


def test_the_sheet_carries_stretch_team_and_kind_back_to_the_import() -> None:
    ops = RoadmapInitiative(
        title="Pager",
        stakeholders=("SRE",),
        goal="Wake the right person",
        deliverables=(
            RoadmapDeliverable("Rotation", "PLANNED"),
            RoadmapDeliverable("Escalation", "PLANNED", stretch=True),
        ),
        team="Reliability",
        kind="TECH_DEBT",
    )
    later = RoadmapInitiative("Later", (), "Not yet broken down", (), kind="RESEARCH")
    table = roadmap_sheet([ops, BILLING, later])
    assert table.columns[-3:] == ("Stretch", "Team", "Kind")
    assert [row[-3:] for row in table.rows] == [
        ("No", "Reliability", "Tech debt"),
        ("Yes", "Reliability", "Tech debt"),
        ("No", "", "Feature"),
        ("No", "", "Feature"),
        ("", "", "Research"),
    ]
    assert table.rows[-1][:7] == ("Later", "", "Not yet broken down", "", "", "", "")
    pager, billing, empty = parse_sheet(as_csv(table).replace("\r\n", "\n"))
    assert (empty.name, empty.kind, empty.deliverables) == ("Later", "RESEARCH", [])
    assert (pager.team, pager.kind, billing.team, billing.kind) == (
        "Reliability",
        "TECH_DEBT",
        "",
        "FEATURE",
    )
    assert [d.stretch for d in pager.deliverables] == [False, True]
