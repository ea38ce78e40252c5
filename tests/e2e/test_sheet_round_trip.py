"""``roadlog export roadmap --format sheet`` and ``roadlog import csv`` as processes: the
sheet carries every column the import reads, into another workspace and back."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.database import DatabaseTarget
from tests.e2e.test_import_cli import log_size
from tests.support.process import roadlog
from tests.support.settings import database_environment

pytestmark = pytest.mark.slow

HEADER = (
    "Project,Stakeholders,User-centric goal,Deliverable,Deliverable status,Estimate weeks,Target"
    ",Stretch,Team,Kind"
)
SHEET = [
    'Search,"Sales, Support",Find any document,Index,In progress,3,2026-03-31,,SRE,Tech debt',
    ",,,Serch UI,Planned,2,,,,",
    ",,,Stretch goal: Synonyms,Planned,,,,,",
    "Billing,Finance,Customers pay,Invoices,Done,2.5,2026-01-15,,,Operations",
    ",,,Dunning,At risk,,,Yes,,",
    "Reports,Finance,Month-end in one click,,,,,,,Research",
]


def test_an_exported_sheet_reproduces_the_roadmap_and_imports_back_as_no_change(
    database: DatabaseTarget, tmp_path: Path
) -> None:
    env = database_environment(database)
    first = tmp_path / "roadmap.csv"
    first.write_text("\n".join([HEADER, *SHEET]) + "\n", encoding="utf-8")
    into_acme = ["--roadmap", "Platform", "--workspace", "acme"]
    imported = roadlog("import", "csv", str(first), *into_acme, "--at", "2026-01-05", env=env)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.splitlines()[:2] == ["created roadmap 'Platform'", "created team 'SRE'"]

    def export(workspace: str) -> str:
        done = roadlog(
            "export", "roadmap", "Platform", "--format", "sheet", "--workspace", workspace, env=env
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    exported = export("acme")
    assert exported.splitlines() == [
        HEADER,
        'Search,"Sales, Support",Find any document,Index,In progress,3,2026-03-31,No,SRE,Tech debt',
        'Search,"Sales, Support",Find any document,Serch UI,Planned,2,,No,SRE,Tech debt',
        'Search,"Sales, Support",Find any document,Synonyms,Planned,,,Yes,SRE,Tech debt',
        "Billing,Finance,Customers pay,Invoices,Done,2.5,2026-01-15,No,,Operations",
        "Billing,Finance,Customers pay,Dunning,At risk,,,Yes,,Operations",
        "Reports,Finance,Month-end in one click,,,,,,,Research",
    ]
    sheet = tmp_path / "exported.csv"
    sheet.write_text(exported, encoding="utf-8")

    into_fresh = ["--roadmap", "Platform", "--workspace", "fresh", "--at", "2026-01-05"]
    fresh = roadlog("import", "csv", str(sheet), *into_fresh, env=env)
    assert fresh.returncode == 0, fresh.stderr
    assert export("fresh") == exported

    before = log_size(database)
    back = roadlog("import", "csv", str(sheet), *into_acme, env=env)
    assert back.returncode == 0, back.stderr
    assert back.stdout.splitlines() == ["no changes"]
    assert log_size(database) == before


def test_a_renamed_row_and_a_dropped_one_become_a_rename_and_a_removal(
    database: DatabaseTarget, tmp_path: Path
) -> None:
    env = database_environment(database)
    first = tmp_path / "week1.csv"
    first.write_text("\n".join([HEADER, *SHEET]) + "\n", encoding="utf-8")
    args = ["--roadmap", "Platform", "--at", "2026-01-05"]
    assert roadlog("import", "csv", str(first), *args, env=env).returncode == 0
    second = tmp_path / "week2.csv"
    edited = [SHEET[0], ",,,Search UI,Planned,2,,,,", *SHEET[2:4], SHEET[5]]
    second.write_text("\n".join([HEADER, *edited]) + "\n", encoding="utf-8")
    later = ["--roadmap", "Platform", "--at", "2026-01-12", "--reason", "weekly sync"]
    done = roadlog("import", "csv", str(second), *later, "--remove-missing", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "'Search' / 'Serch UI': renamed 'Search UI'",
        "'Billing' / 'Dunning': removed (row removed from the sheet)",
        "recorded 2 changes",
    ]
    helped = roadlog("import", "csv", "--help", env=env)
    text = " ".join(helped.stdout.split())
    assert "--remove-missing" in text
    assert "A row whose title matches none is a RENAMED deliverable" in text
    assert "as exactly one deliverable of that project whose title left the sheet" in text
