"""What the spreadsheet import compares and records: the roadmap now, and the changes.

``Current*`` are the recorded state the sheet is compared with; each change class is one
command the import will run (``csv_import`` runs them, ``csv_plan`` decides them), and
``describe`` says it as the command lists it.
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

STATUS_WORDS = {
    "PLANNED": "Planned",
    "IN_PROGRESS": "In progress",
    "POSSIBLE_DELAY": "Possible delay",
    "AT_RISK": "At risk",
    "DONE": "Done",
    "WONT_DO": "Won't do",
}
REMOVED_ROW = "row removed from the sheet"


def describe(change: Change) -> str:
    """One change as the command lists it."""
    match change:
        case CreateRoadmap(name=name):
            return f"created roadmap {name!r}"
        case CreateTeam(name=name):
            return f"created team {name!r}"
        case RemoveInitiative(title=title):
            return f"removed {title!r} from the roadmap"
        case MoveInitiative(title=title, from_position=start, to_position=end):
            return f"moved {title!r} from {start} to {end}"
        case ProposeInitiative(project=project, position=position):
            count = len(project.deliverables)
            plural = "s" if count != 1 else ""
            return f"proposed {project.name!r} at {position} with {count} deliverable{plural}"
        case UpdateInitiative(project=project, title=title, goal=goal, stakeholders=people):
            what = [name for name, value in (("title", title), ("goal", goal)) if value]
            what += ["stakeholders"] if people is not None else []
            what += [f"team {change.team.name!r}"] if change.team is not None else []
            what += [f"kind {change.kind}"] if change.kind is not None else []
            return f"updated {project!r}: {', '.join(what)}"
        case AddDeliverable(project=project, row=row):
            return f"added {row.title!r} to {project!r}"
        case UpdateDeliverable(project=project, title=title, new_title=new_title, stretch=stretch):
            if new_title is not None:
                return f"{project!r} / {title!r}: renamed {new_title!r}"
            return f"{project!r} / {title!r}: {'' if stretch else 'not '}a stretch goal"
        case RemoveDeliverable(project=project, title=title):
            return f"{project!r} / {title!r}: removed ({REMOVED_ROW})"
        case ChangeStatus(project=project, title=title, from_status=old, to_status=new, line=line):
            why = "" if line else f" ({REMOVED_ROW})"
            return f"{project!r} / {title!r}: {STATUS_WORDS[old]} -> {STATUS_WORDS[new]}{why}"
        case Reestimate(project=project, title=title, weeks=weeks):
            return f"{project!r} / {title!r}: estimated {weeks} weeks"
        case Retarget(project=project, title=title, target=target):
            return f"{project!r} / {title!r}: retargeted to {_target_text(target)}"
    raise AssertionError(f"unknown change {change!r}")


def _target_text(target: NewTarget) -> str:
    if target.target_date is not None:
        return target.target_date.isoformat()
    return f"cycle {target.cycle_id}"
