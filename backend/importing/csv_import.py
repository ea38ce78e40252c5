"""``roadlog import csv``: a roadmap spreadsheet's export, first as the roadmap, then as changes.

The first import of a sheet creates the roadmap (found by name in the workspace, or
created) with its initiatives, deliverables, estimates and targets. Each later import
of a newer export records only the differences (see ``csv_plan``) as changes at the
given business time, by the given actor, with the given reason: a weekly spreadsheet
habit becomes a history.

Nothing is recorded unless the whole file is good: the sheet is parsed and checked
(``csv_sheet``), diffed against the roadmap with every target resolved, and the
business time checked against the roadmap's latest change, before the first command.
Re-running is safe: the diff is computed from what is recorded, so the same file again
records nothing, and an interrupted import records the rest. New initiatives and
deliverables get ids derived from the workspace, roadmap and names, so two runs racing
cannot both create them. Teams the sheet names are found by name (case and spaces
ignored) and created when new; an archived one is a bad row. With ``remove_missing``,
the deliverables whose rows left the sheet are removed (with the import's reason)
instead of becoming WONT_DO.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TypeVar
from uuid import UUID

from backend.application import Caller, Recorded, Roadlog
from backend.domain.base import RoadlogAggregate
from backend.domain.deliverable import NewDeliverable
from backend.domain.errors import DomainError
from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap
from backend.domain.team import Team
from backend.importing.csv_changes import (
    REMOVED_ROW,
    AddDeliverable,
    Change,
    ChangeStatus,
    CreateRoadmap,
    CreateTeam,
    CurrentDeliverable,
    CurrentInitiative,
    CurrentRoadmap,
    MoveInitiative,
    NewTarget,
    ProposeInitiative,
    Reestimate,
    RemoveDeliverable,
    RemoveInitiative,
    Retarget,
    SheetTeam,
    UpdateDeliverable,
    UpdateInitiative,
    describe,
)
from backend.importing.csv_plan import SheetDiff
from backend.importing.csv_sheet import SheetProject
from backend.importing.errors import BadLine, ImportFailed, ImportRefused
from backend.importing.ids import derived_id, match_key
from backend.importing.lookup import roadmaps_named, teams_by_key
from backend.importing.progress import Silent, Tracker

A = TypeVar("A", bound=RoadlogAggregate)


@dataclass
class CsvSummary:
    """What an import of a sheet recorded."""

    roadmap_id: UUID
    changes: list[Change] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        """Changes by kind (``MoveInitiative``, ``ChangeStatus``, ...)."""
        return Counter(type(change).__name__ for change in self.changes)

    def lines(self) -> list[str]:
        """The summary as the command prints it: one line per change, then the total."""
        out = [describe(change) for change in self.changes]
        count = len(self.changes)
        out.append(f"recorded {count} change{'s' if count != 1 else ''}" if count else "no changes")
        return out


class SheetImporter:
    """Imports spreadsheet exports into one roadmap of one workspace."""

    def __init__(
        self,
        app: Roadlog,
        workspace_id: UUID,
        *,
        roadmap_name: str,
        actor: str,
        reason: str,
        at: datetime,
        tracker: Tracker | None = None,
        remove_missing: bool = False,
    ) -> None:
        self.app = app
        self.workspace_id = workspace_id
        self.roadmap_name = " ".join(roadmap_name.split())
        self.caller = Caller(workspace_id, actor, may_backfill=True)
        self.reason = reason.strip()
        self.at = at
        self.tracker = tracker or Silent()
        self.remove_missing = remove_missing
        assert self.reason, "an import needs a reason (moves, retargets and reopens need one)"

    def run(self, projects: Sequence[SheetProject], source: str = "the sheet") -> CsvSummary:
        """Check everything, then record the changes one by one; what was recorded."""
        roadmap = self.current_roadmap()
        diff = SheetDiff(
            self.workspace_id,
            roadmap,
            self.roadmap_name,
            self._taken,
            teams=self.sheet_teams(projects),
            remove_missing=self.remove_missing,
        )
        changes = diff.changes(projects, source)
        if changes and roadmap.archived:
            raise ImportRefused(
                source,
                [
                    BadLine(
                        0,
                        f"roadmap {self.roadmap_name!r} is archived (read-only): the sheet"
                        f" would change it ({describe(changes[0])}, ...)",
                    )
                ],
            )
        if changes and roadmap.latest is not None and self.at < roadmap.latest:
            raise ImportRefused(
                source,
                [
                    BadLine(
                        0,
                        f"the time {self.at.isoformat()} is before the roadmap's latest change"
                        f" ({roadmap.latest.isoformat()}); an import adds history after it",
                    )
                ],
            )
        summary = CsvSummary(roadmap.id)
        self.tracker.start(f"importing into {self.roadmap_name!r}", len(changes))
        for change in changes:
            self.apply(roadmap.id, change)
            summary.changes.append(change)
            self.tracker.advance()
        return summary

    def _taken(self, id: UUID) -> bool:
        return id in self.app.repository

    def sheet_teams(self, projects: Sequence[SheetProject]) -> dict[str, SheetTeam]:
        """The teams the sheet names, by name key: the workspace's, or new ones (with
        ids derived from their names) that the import creates."""
        names: dict[str, str] = {}
        for project in projects:
            if project.team:
                names.setdefault(match_key(project.team), project.team)
        if not names:
            return {}
        known = teams_by_key(self.app, self.workspace_id)
        teams: dict[str, SheetTeam] = {}
        for key, name in names.items():
            if key in known:
                team = self._get(Team, known[key])
                teams[key] = SheetTeam(team.id, team.name, True, team.archived)
                continue
            generation = 0
            while self._taken(id := derived_id(self.workspace_id, "team", key, generation)):
                generation += 1
            teams[key] = SheetTeam(id, name, False)
        return teams

    def current_roadmap(self) -> CurrentRoadmap:
        """The roadmap of that name as recorded now, or an empty one to create."""
        found = roadmaps_named(self.app, self.workspace_id, self.roadmap_name)
        if len(found) > 1:
            raise ImportRefused(
                f"roadmap {self.roadmap_name!r}",
                [BadLine(0, f"the workspace has {len(found)} roadmaps of that name")],
            )
        if not found:
            roadmap_id = derived_id(self.workspace_id, "roadmap", match_key(self.roadmap_name))
            return CurrentRoadmap(roadmap_id, False, None, (), {})
        roadmap = self._get(Roadmap, found[0])
        initiatives = [self._get(Initiative, id) for id in roadmap.priority]
        latest = max([roadmap.last_effective_at, *(i.last_effective_at for i in initiatives)])
        return CurrentRoadmap(
            id=roadmap.id,
            exists=True,
            latest=latest,
            initiatives=tuple(_current(initiative) for initiative in initiatives),
            cycles={match_key(cycle.name): cycle.cycle_id for cycle in roadmap.cycles},
            archived=roadmap.archived,
        )

    def apply(self, roadmap_id: UUID, change: Change) -> Recorded:
        """Record one change with one command."""
        try:
            return self._command(roadmap_id, change)
        except DomainError as error:
            line: int = getattr(change, "line", 0)
            raise ImportFailed(
                f"line {line}" if line else describe(change), error.message
            ) from error

    def _command(self, roadmap_id: UUID, change: Change) -> Recorded:
        app, caller, reason, at = self.app, self.caller, self.reason, self.at
        match change:
            case CreateRoadmap(name=name):
                return app.create_roadmap(caller, name=name, id=roadmap_id, effective_at=at)
            case RemoveInitiative(initiative_id=initiative_id):
                return app.remove_initiative(
                    caller,
                    roadmap_id=roadmap_id,
                    initiative_id=initiative_id,
                    reason=reason,
                    effective_at=at,
                )
            case MoveInitiative(initiative_id=initiative_id, to_position=to_position):
                return app.move_initiative(
                    caller,
                    roadmap_id=roadmap_id,
                    initiative_id=initiative_id,
                    to_position=to_position,
                    reason=reason,
                    effective_at=at,
                )
            case ProposeInitiative():
                return self._propose(roadmap_id, change)
            case CreateTeam(team_id=team_id, name=name):
                return app.create_team(caller, name=name, id=team_id, effective_at=at)
            case UpdateInitiative():
                return app.update_initiative(
                    caller,
                    initiative_id=change.initiative_id,
                    title=change.title,
                    goal=change.goal,
                    stakeholders=change.stakeholders,
                    team_id=change.team.id if change.team is not None else None,
                    kind=change.kind,
                    reason=reason,
                    effective_at=at,
                )
            case UpdateDeliverable():
                return app.update_deliverable(
                    caller,
                    initiative_id=change.initiative_id,
                    deliverable_id=change.deliverable_id,
                    title=change.new_title,
                    stretch=change.stretch,
                    reason=reason,
                    effective_at=at,
                )
            case RemoveDeliverable():
                return app.remove_deliverable(
                    caller,
                    initiative_id=change.initiative_id,
                    deliverable_id=change.deliverable_id,
                    reason=f"{reason} ({REMOVED_ROW})",
                    effective_at=at,
                )
            case AddDeliverable(row=row, target=target):
                return app.add_deliverable(
                    caller,
                    initiative_id=change.initiative_id,
                    deliverable=_new_deliverable(row.title, row.estimate_weeks, target, change),
                    reason=reason,
                    effective_at=at,
                )
            case ChangeStatus():
                return app.change_deliverable_status(
                    caller,
                    initiative_id=change.initiative_id,
                    deliverable_id=change.deliverable_id,
                    status=change.to_status,
                    reason=reason if change.line else f"{reason} ({REMOVED_ROW})",
                    effective_at=at,
                )
            case Reestimate():
                return app.estimate_deliverable(
                    caller,
                    initiative_id=change.initiative_id,
                    deliverable_id=change.deliverable_id,
                    weeks=change.weeks,
                    reason=reason,
                    effective_at=at,
                )
            case Retarget(target=target):
                return app.retarget_deliverable(
                    caller,
                    initiative_id=change.initiative_id,
                    deliverable_id=change.deliverable_id,
                    reason=reason,
                    target_cycle_id=target.cycle_id,
                    target_date=target.target_date,
                    effective_at=at,
                )
        raise AssertionError(f"unknown change {change!r}")

    def _propose(self, roadmap_id: UUID, change: ProposeInitiative) -> Recorded:
        project = change.project
        deliverables = [
            NewDeliverable(
                row.title,
                stretch=bool(row.stretch),
                estimate_weeks=row.estimate_weeks,
                target_cycle_id=target.cycle_id if target else None,
                target_date=target.target_date if target else None,
                id=deliverable_id,
            )
            for row, deliverable_id, target in zip(
                project.deliverables, change.deliverable_ids, change.targets, strict=True
            )
        ]
        return self.app.propose_initiative(
            self.caller,
            roadmap_id=roadmap_id,
            title=project.name,
            goal=project.goal,
            stakeholders=project.stakeholders,
            team_id=change.team_id,
            kind=project.kind or "FEATURE",
            position=change.position,
            deliverables=deliverables,
            reason=self.reason,
            id=change.initiative_id,
            effective_at=self.at,
        )

    def _get(self, cls: type[A], id: UUID) -> A:
        aggregate: object = self.app.repository.get(id)
        assert isinstance(aggregate, cls), f"{id} is not a {cls.__name__}"
        return aggregate


def _new_deliverable(
    title: str, weeks: Decimal | None, target: NewTarget | None, change: AddDeliverable
) -> NewDeliverable:
    return NewDeliverable(
        title,
        stretch=bool(change.row.stretch),
        estimate_weeks=weeks,
        target_cycle_id=target.cycle_id if target else None,
        target_date=target.target_date if target else None,
        id=change.deliverable_id,
    )


def _current(initiative: Initiative) -> CurrentInitiative:
    return CurrentInitiative(
        id=initiative.id,
        title=initiative.title,
        goal=initiative.goal,
        stakeholders=tuple(initiative.stakeholders),
        team_id=initiative.team_id,
        kind=initiative.kind,
        removed_deliverable_ids=tuple(initiative.removed_deliverable_ids),
        deliverables=tuple(
            CurrentDeliverable(
                id=d.deliverable_id,
                title=d.title,
                status=d.status,
                estimate_weeks=d.estimate_weeks,
                target_cycle_id=d.target_cycle_id,
                target_date=d.target_date,
                stretch=d.stretch,
            )
            for d in initiative.deliverables
        ),
    )
