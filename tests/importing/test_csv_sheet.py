"""Reading a roadmap spreadsheet's CSV export (pure: no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from backend.importing.csv_sheet import parse_sheet, parse_status, read_sheet
from backend.importing.errors import ImportRefused

HEADER = (
    "Project,Stakeholders,User-centric goal,Deliverable,Deliverable status,Estimate weeks,Target"
)


def sheet(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def refused_lines(text: str) -> dict[int, str]:
    with pytest.raises(ImportRefused) as refused:
        parse_sheet(text)
    return {bad.line: bad.problem for bad in refused.value.bad_lines}


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("In progress", "IN_PROGRESS"),
        ("in-progress", "IN_PROGRESS"),
        ("IN_PROGRESS", "IN_PROGRESS"),
        ("At risk", "AT_RISK"),
        ("possible delay", "POSSIBLE_DELAY"),
        ("Done", "DONE"),
        ("Won't do", "WONT_DO"),
        ("WONT DO", "WONT_DO"),
        ("Planned", "PLANNED"),
        ("", "PLANNED"),
    ],
)
def test_statuses_are_read_as_teams_write_them(written: str, status: str) -> None:
    assert parse_status(written) == status


def test_rows_become_projects_in_priority_order_with_their_deliverables() -> None:
    projects = parse_sheet(
        sheet(
            'Search,"Sales, Support",Find any document fast,Index,In progress,3,2026-03-31',
            ",,,Search UI,,2.5,Q1",
            "Billing,Finance; Legal,Customers pay without calling us,Invoices,Done,,",
            "search,,,Ranking,At risk,,",
        )
    )
    assert [p.name for p in projects] == ["Search", "Billing"]
    search, billing = projects
    assert search.stakeholders == ("Sales", "Support")
    assert search.goal == "Find any document fast"
    assert [(d.line, d.title, d.status) for d in search.deliverables] == [
        (2, "Index", "IN_PROGRESS"),
        (3, "Search UI", "PLANNED"),
        (5, "Ranking", "AT_RISK"),
    ]
    assert search.deliverables[0].target == date(2026, 3, 31)
    assert search.deliverables[1].target == "Q1"
    assert search.deliverables[1].estimate_weeks == Decimal("2.5")
    assert billing.stakeholders == ("Finance", "Legal")


def test_every_bad_row_is_reported_with_its_line_number() -> None:
    problems = refused_lines(
        sheet(
            ",,,Orphan,Done,,",
            "A,,Goal,X,Done,,",
            "A,,Goal,W,Blocked,,",
            'A,,Goal,"multi',
            'line",Done,-1,',
            "A,,Goal,V,Done,1e28,",
            "A,,Other goal,Y,Done,,2026-02-30",
            "A,,,X,Done,,",
            "B,,,Z,Done,,",
        )
    )
    assert sorted(problems) == [2, 4, 5, 7, 8, 9, 10]
    assert "no project above" in problems[2]
    assert "'Blocked' is not one of" in problems[4]
    assert "Estimate weeks '-1': weeks must be a positive number" in problems[5]
    assert "Estimate weeks '1e28': weeks must be at most 5000" in problems[7]
    assert "not a real date; accepted: a date (YYYY-MM-DD), a cycle's name" in problems[8]
    assert "deliverable 'X' of project 'A' is already on line 3" in problems[9]
    assert "project 'B' has no User-centric goal" in problems[10]


def test_conflicting_project_fields_are_bad_rows() -> None:
    problems = refused_lines(
        sheet("A,Sales,Goal,X,,,", "A,Support,Goal,Y,,,", "A,,Another goal,Z,,,")
    )
    assert "Stakeholders of project 'A' differ from line 2" in problems[3]
    assert "User-centric goal of project 'A' differs from line 2" in problems[4]


def test_a_header_without_the_columns_is_refused_at_line_1() -> None:
    problems = refused_lines(sheet("A,B,C", header="Project,Owner,Deliverable"))
    assert list(problems) == [1]
    assert "'Stakeholders', 'User-centric goal', 'Deliverable status', 'Target'" in problems[1]


def test_semicolons_a_byte_order_mark_and_column_aliases_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "roadmap.csv"
    path.write_text(
        "Target;Status;Deliverable;Goal;Stakeholders;Project\n;Done;Index;Find fast;Sales;Search\n",
        encoding="utf-8-sig",
    )
    [project] = read_sheet(path)
    assert project.name == "Search" and project.deliverables[0].status == "DONE"


def test_blank_lines_are_skipped_and_an_empty_sheet_is_refused() -> None:
    [project] = parse_sheet(sheet("", "A,,Goal,X,,,", ",,,,,,"))
    assert len(project.deliverables) == 1
    with pytest.raises(ImportRefused, match="no rows"):
        parse_sheet(sheet())
    with pytest.raises(ImportRefused, match="empty"):
        parse_sheet("")


FULL_HEADER = f"{HEADER},Stretch,Team,Kind"


def test_stretch_team_and_kind_are_read_when_the_sheet_has_them() -> None:
    [search, billing] = parse_sheet(
        sheet(
            "Search,Sales,Find it,Index,,,,No,SRE,Tech debt",
            ",,,Ranking,,,,yes,,",
            ",,,Typos,,,,,SRE,",
            "Billing,Finance,Pay,Invoices,,,,,,",
            header=FULL_HEADER,
        )
    )
    assert [(d.title, d.stretch) for d in search.deliverables] == [
        ("Index", False),
        ("Ranking", True),
        ("Typos", None),
    ]
    assert (search.team, search.kind) == ("SRE", "TECH_DEBT")
    assert (billing.team, billing.kind) == ("", None)


def test_a_stretch_goal_prefix_means_stretch_and_is_not_kept_in_the_title() -> None:
    [project] = parse_sheet(
        sheet(
            "Search,Sales,Find it,STRETCH GOAL:  Fuzzy  matching,,,",
            ",,,Stretch goal: Synonyms,,,",
            ",,,Stretch goals ahead,,,",
        )
    )
    assert [(d.title, d.stretch) for d in project.deliverables] == [
        ("Fuzzy matching", True),
        ("Synonyms", True),
        ("Stretch goals ahead", None),
    ]


def test_bad_stretch_team_and_kind_cells_name_the_row_column_value_and_what_is_accepted() -> None:
    problems = refused_lines(
        sheet(
            "A,Sales,Goal,X,,,,maybe,,",
            ",,,Stretch goal: Y,,,,No,,",
            ",,,Z,,,,,,Epic",
            ",,Goal,W,,,,,SRE,",
            ",,,V,,,,,Ops team,",
            header=FULL_HEADER,
        )
    )
    assert sorted(problems) == [2, 3, 4, 6]
    assert problems[2] == (
        "Stretch 'maybe' is not one of Yes, No (or Y, N, True, False, X, 1, 0), or blank"
    )
    assert "'Stretch goal: Y' starts with 'Stretch goal:' but Stretch is No" in problems[3]
    assert problems[4] == (
        "Kind 'Epic' is not one of Feature, Tech debt, Operations, Research, Other, or blank"
    )
    assert problems[6] == "Team of project 'A' differs from line 5: 'Ops team' is not 'SRE'"


def test_a_project_row_without_any_deliverable_cell_is_a_project_without_deliverables() -> None:
    [search, reports] = parse_sheet(
        sheet("Search,Sales,Find it,Index,,,", "Reports,Finance,Month-end,,,,")
    )
    assert [d.title for d in search.deliverables] == ["Index"]
    assert (reports.name, reports.goal, reports.deliverables) == ("Reports", "Month-end", [])
    problems = refused_lines(sheet("Reports,Finance,Month-end,,Done,,", ",,,,,,2026-01-01"))
    assert sorted(problems) == [2, 3]
    assert all(
        problem.startswith("Deliverable is blank; accepted: a title")
        for problem in problems.values()
    )


def test_a_bad_estimate_says_what_is_accepted() -> None:
    problems = refused_lines(sheet("A,,Goal,X,,lots,"))
    assert problems == {
        2: "Estimate weeks 'lots' is not a number; accepted: resource-weeks (e.g. 2.5), or blank"
    }
