"""The roadmap as teams know it from their spreadsheets, as pure functions.

Two shapes:

- ``roadmap_table`` (Markdown or CSV): one row per initiative, in priority order:
  Project | Stakeholders | User-centric goal | Deliverables | Status, where Deliverables
  lists each deliverable with its own status and Status is the initiative's rolled-up
  status (as the API computes it);
- ``roadmap_sheet`` (CSV, ``--format sheet``): one row per deliverable, with exactly the columns
  ``roadlog import csv`` reads (Project, Stakeholders, User-centric goal, Deliverable,
  Deliverable status, Estimate weeks, Target, Stretch, Team, Kind), so an export can be
  edited and imported back, or imported into another workspace as the same roadmap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from backend.exporting.tables import Table, joined, weeks_text

STATUS_WORDS = {
    "PLANNED": "Planned",
    "IN_PROGRESS": "In progress",
    "POSSIBLE_DELAY": "Possible delay",
    "AT_RISK": "At risk",
    "DONE": "Done",
    "WONT_DO": "Won't do",
}
TABLE_COLUMNS = ("Project", "Stakeholders", "User-centric goal", "Deliverables", "Status")
SHEET_COLUMNS = (
    "Project",
    "Stakeholders",
    "User-centric goal",
    "Deliverable",
    "Deliverable status",
    "Estimate weeks",
    "Target",
    "Stretch",
    "Team",
    "Kind",
)
KIND_WORDS = {
    "FEATURE": "Feature",
    "TECH_DEBT": "Tech debt",
    "OPERATIONS": "Operations",
    "RESEARCH": "Research",
    "OTHER": "Other",
}


@dataclass(frozen=True)
class RoadmapDeliverable:
    """A deliverable as the export shows it; ``target`` is a cycle name or an ISO date."""

    title: str
    status: str
    estimate_weeks: Decimal | None = None
    target: str | None = None
    stretch: bool = False


@dataclass(frozen=True)
class RoadmapInitiative:
    """An initiative as the export shows it, with its deliverables in the order added."""

    title: str
    stakeholders: tuple[str, ...]
    goal: str
    deliverables: tuple[RoadmapDeliverable, ...]
    team: str | None = None
    """The owning team's name."""
    kind: str = "FEATURE"
    status: str = "PLANNED"
    """Its rolled-up status, as the API gives it (``roadmap_queries.status_of``: of its
    deliverables, or of its phases when it has none)."""


def status_words(status: str) -> str:
    """A status as teams write it: ``IN_PROGRESS`` -> ``In progress``."""
    return STATUS_WORDS.get(status, status)


def roadmap_table(initiatives: Sequence[RoadmapInitiative]) -> Table:
    """One row per initiative, in the given (priority) order."""
    return Table(
        TABLE_COLUMNS,
        tuple(
            (
                initiative.title,
                joined(initiative.stakeholders),
                initiative.goal,
                "\n".join(f"{d.title} ({status_words(d.status)})" for d in initiative.deliverables),
                status_words(initiative.status),
            )
            for initiative in initiatives
        ),
    )


def roadmap_sheet(initiatives: Sequence[RoadmapInitiative]) -> Table:
    """One row per deliverable, the columns of ``roadlog import csv``; an initiative
    without deliverables is one row with blank deliverable cells (the import keeps it)."""
    return Table(
        SHEET_COLUMNS,
        tuple(row for initiative in initiatives for row in _sheet_rows(initiative)),
    )


def _sheet_rows(initiative: RoadmapInitiative) -> list[tuple[str, ...]]:
    project = (initiative.title, joined(initiative.stakeholders), initiative.goal)
    owner = (initiative.team or "", KIND_WORDS.get(initiative.kind, initiative.kind))
    if not initiative.deliverables:
        return [(*project, "", "", "", "", "", *owner)]
    return [
        (
            *project,
            d.title,
            status_words(d.status),
            weeks_text(d.estimate_weeks),
            d.target or "",
            "Yes" if d.stretch else "No",
            *owner,
        )
        for d in initiative.deliverables
    ]
