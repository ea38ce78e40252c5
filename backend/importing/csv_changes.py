"""What the spreadsheet import compares and records: the roadmap now, and the changes.

``Current*`` are the recorded state the sheet is compared with; each change class is one
command the import will run (``csv_import`` runs them, ``csv_plan`` decides them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from backend.importing.csv_sheet import SheetDeliverable, SheetProject


@dataclass(frozen=True)
class CurrentDeliverable:
    """A deliverable of the roadmap as recorded now."""

    id: UUID
    title: str
    status: str
    estimate_weeks: Decimal | None
    target_cycle_id: UUID | None
    target_date: date | None
    stretch: bool = False


@dataclass(frozen=True)
class CurrentInitiative:
    """An initiative on the roadmap as recorded now."""

    id: UUID
    title: str
    goal: str
    stakeholders: tuple[str, ...]
    deliverables: tuple[CurrentDeliverable, ...]
    team_id: UUID | None = None
    kind: str = "FEATURE"
    removed_deliverable_ids: tuple[UUID, ...] = ()
    """Deliverables removed earlier: their ids are never given again."""


@dataclass(frozen=True)
class CurrentRoadmap:
    """The roadmap as recorded now (``exists`` False: the import will create it)."""

    id: UUID
    exists: bool
    latest: datetime | None
    """The latest business time recorded on the roadmap or its initiatives."""
    initiatives: tuple[CurrentInitiative, ...]
    """In priority order."""
    cycles: dict[str, UUID]
    """Cycle ids by name, case and spaces ignored."""
    archived: bool = False
    """Read-only: an import that would change it is refused."""


@dataclass(frozen=True)
class NewTarget:
    """A resolved target: a cycle or a date."""

    cycle_id: UUID | None
    target_date: date | None


@dataclass(frozen=True)
class CreateRoadmap:
    """Create the roadmap (first import)."""

    name: str


@dataclass(frozen=True)
class SheetTeam:
    """A team the sheet names: its id, and whether the import must create it."""

    id: UUID
    name: str
    exists: bool
    archived: bool = False


@dataclass(frozen=True)
class CreateTeam:
    """Create a team the sheet names that the workspace does not have yet."""

    team_id: UUID
    name: str


@dataclass(frozen=True)
class RemoveInitiative:
    """Take an initiative that left the sheet off the roadmap."""

    initiative_id: UUID
    title: str


@dataclass(frozen=True)
class MoveInitiative:
    """Move an initiative to its position in the sheet."""

    initiative_id: UUID
    title: str
    from_position: int
    to_position: int


@dataclass(frozen=True)
class ProposeInitiative:
    """Propose a new project, with its deliverables, at its position."""

    initiative_id: UUID
    project: SheetProject
    position: int
    deliverable_ids: tuple[UUID, ...]
    targets: tuple[NewTarget | None, ...]
    team_id: UUID | None = None


@dataclass(frozen=True)
class UpdateInitiative:
    """Change a project's title spelling, goal, stakeholders, team or kind (None: unchanged)."""

    initiative_id: UUID
    project: str
    title: str | None
    goal: str | None
    stakeholders: tuple[str, ...] | None
    line: int
    team: SheetTeam | None = None
    kind: str | None = None


@dataclass(frozen=True)
class AddDeliverable:
    """Add a new row's deliverable to a known project."""

    initiative_id: UUID
    project: str
    deliverable_id: UUID
    row: SheetDeliverable
    target: NewTarget | None


@dataclass(frozen=True)
class UpdateDeliverable:
    """Rename a deliverable (a renamed row) or change its stretch flag (None: unchanged)."""

    initiative_id: UUID
    project: str
    deliverable_id: UUID
    title: str
    """Its title as recorded now."""
    new_title: str | None
    stretch: bool | None
    line: int


@dataclass(frozen=True)
class RemoveDeliverable:
    """Take off the roadmap a deliverable whose row is no longer in the sheet."""

    initiative_id: UUID
    project: str
    deliverable_id: UUID
    title: str


@dataclass(frozen=True)
class ChangeStatus:
    """Change a deliverable's status."""

    initiative_id: UUID
    project: str
    deliverable_id: UUID
    title: str
    from_status: str
    to_status: str
    line: int
    """0: the row is no longer in the sheet."""


@dataclass(frozen=True)
class Reestimate:
    """Record a new estimate generation."""

    initiative_id: UUID
    project: str
    deliverable_id: UUID
    title: str
    weeks: Decimal
    line: int


@dataclass(frozen=True)
class Retarget:
    """Aim a deliverable at another cycle or date."""

    initiative_id: UUID
    project: str
    deliverable_id: UUID
    title: str
    target: NewTarget
    line: int


Change = (
    CreateRoadmap
    | CreateTeam
    | RemoveInitiative
    | MoveInitiative
    | ProposeInitiative
    | UpdateInitiative
    | AddDeliverable
    | UpdateDeliverable
    | RemoveDeliverable
    | ChangeStatus
    | Reestimate
    | Retarget
)
