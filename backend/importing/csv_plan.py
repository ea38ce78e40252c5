"""What a spreadsheet export changes on its roadmap: a pure diff, sheet against roadmap.

Matching between the sheet and the roadmap (and so between two exports of the sheet):
a project is the initiative ON THE ROADMAP whose title is the same, case and spaces
ignored; a row is that initiative's deliverable with the same title, case and spaces
ignored. A renamed project is therefore a removal plus an addition. A row whose title
matches none is a RENAMED row when nothing else changed on it: among that project's
deliverables whose titles are no longer in the sheet, exactly one has the same status,
target, estimate (and stretch flag, when the sheet gives one), and no other new row of
the project fits that deliverable; it keeps its id and history and gets the new title.
Otherwise the row is a new deliverable.

What a difference becomes:

- a team the sheet names that the workspace does not have: created (first);
- a project not on the roadmap: proposed, with its deliverables (estimates, targets,
  stretch flags), team and kind, at its position; then its non-PLANNED statuses;
- an initiative of the roadmap not in the sheet: removed from the roadmap;
- another order: the fewest priority moves that give the sheet's order (the projects
  outside the longest run already in order are moved);
- a new row of a known project: the deliverable is added; a renamed row: the
  deliverable's title is updated; a row no longer in the sheet: its deliverable is
  removed when the import removes missing rows (``remove_missing``), otherwise it
  becomes WONT_DO (unless finished);
- a different status, estimate (a new estimate generation), target, stretch flag, goal,
  stakeholders, team, kind, or project title spelling: the change.
- A blank estimate, target, stretch, team or kind where roadlog has one changes nothing
  (roadlog cannot "un-estimate"), nor does a deliverable title differing only in case.

A target naming no cycle of the roadmap is a bad row (cycles have dates a sheet does not
give; create the cycle first), reported with the others by line number.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import date
from typing import TypeVar
from uuid import UUID

from backend.importing.csv_changes import (
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
)
from backend.importing.csv_sheet import SheetDeliverable, SheetProject
from backend.importing.errors import BadLine, ImportRefused
from backend.importing.ids import derived_id, match_key

Item = TypeVar("Item", bound=Hashable)


def fewest_moves(current: Sequence[Item], wanted: Sequence[Item]) -> list[tuple[Item, int, int]]:
    """The moves (item, from, to; 1-based) that turn ``current`` into ``wanted``.

    Both hold the same items. The items of a longest increasing subsequence (by current
    position) stay; each other item moves, in wanted order, right after its nearest
    predecessor that is already in place, so the count of moves is the minimum.
    """
    position = {item: index for index, item in enumerate(current)}
    stays = set(_longest_increasing([position[item] for item in wanted]))
    settled = {wanted[i] for i in stays}
    order = list(current)
    moves: list[tuple[Item, int, int]] = []
    for index, item in enumerate(wanted):
        if index in stays:
            continue
        from_position = order.index(item) + 1
        order.remove(item)
        before = [earlier for earlier in wanted[:index] if earlier in settled]
        to_index = order.index(before[-1]) + 1 if before else 0
        order.insert(to_index, item)
        settled.add(item)
        if to_index + 1 != from_position:
            moves.append((item, from_position, to_index + 1))
    assert order == list(wanted), f"moves {moves} do not give {wanted}"
    return moves


def _longest_increasing(values: Sequence[int]) -> list[int]:
    """Indexes of a longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(values)
    for i, value in enumerate(values):
        k = bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_index.append(i)
        else:
            tails[k] = value
            tail_index[k] = i
        previous[i] = tail_index[k - 1] if k > 0 else -1
    result = []
    i = tail_index[-1] if tail_index else -1
    while i >= 0:
        result.append(i)
        i = previous[i]
    return result[::-1]


class SheetDiff:
    """Computes the changes of one sheet against one roadmap's current state."""

    def __init__(
        self,
        workspace_id: UUID,
        roadmap: CurrentRoadmap,
        roadmap_name: str,
        taken: Callable[[UUID], bool],
        *,
        teams: Mapping[str, SheetTeam] | None = None,
        remove_missing: bool = False,
    ) -> None:
        self.workspace_id = workspace_id
        self.roadmap = roadmap
        self.roadmap_name = roadmap_name
        self.taken = taken
        self.teams = teams or {}
        """The teams the sheet names, by name (case and spaces ignored)."""
        self.remove_missing = remove_missing
        self.bad: list[BadLine] = []

    def changes(self, projects: Sequence[SheetProject], source: str) -> list[Change]:
        """Every change, in the order to record them; ImportRefused for unknown cycles."""
        changes: list[Change] = [] if self.roadmap.exists else [CreateRoadmap(self.roadmap_name)]
        changes += [
            CreateTeam(team.id, team.name) for team in self.teams.values() if not team.exists
        ]
        on_roadmap: dict[str, CurrentInitiative] = {}
        for initiative in self.roadmap.initiatives:
            on_roadmap.setdefault(match_key(initiative.title), initiative)
        wanted = {project.key for project in projects}
        kept = [i for i in self.roadmap.initiatives if on_roadmap.get(match_key(i.title)) is i]
        kept = [i for i in kept if match_key(i.title) in wanted]
        kept_ids = {i.id for i in kept}
        for initiative in self.roadmap.initiatives:
            if initiative.id not in kept_ids:
                changes.append(RemoveInitiative(initiative.id, initiative.title))
        sheet_order = [on_roadmap[p.key].id for p in projects if p.key in on_roadmap]
        titles = {i.id: i.title for i in kept}
        for item, from_position, to_position in fewest_moves([i.id for i in kept], sheet_order):
            changes.append(MoveInitiative(item, titles[item], from_position, to_position))
        changes += self._proposals(projects, on_roadmap)
        for project in projects:
            if project.key in on_roadmap:
                changes += self._project_changes(project, on_roadmap[project.key])
        if self.bad:
            raise ImportRefused(source, sorted(self.bad, key=lambda bad: bad.line))
        return changes

    def _proposals(
        self, projects: Sequence[SheetProject], on_roadmap: dict[str, CurrentInitiative]
    ) -> list[Change]:
        changes: list[Change] = []
        # Removals and moves come first, so every project above a new one is in place.
        for position, project in enumerate(projects, start=1):
            if project.key in on_roadmap:
                continue
            initiative_id = self._new_initiative_id(project)
            ids = tuple(
                self._deliverable_id(initiative_id, row, None) for row in project.deliverables
            )
            targets = tuple(self._target(row) for row in project.deliverables)
            team = self._team(project, None)
            changes.append(
                ProposeInitiative(
                    initiative_id,
                    project,
                    position,
                    ids,
                    targets,
                    team_id=team.id if team else None,
                )
            )
            for row, deliverable_id in zip(project.deliverables, ids, strict=True):
                if row.status != "PLANNED":
                    changes.append(
                        ChangeStatus(
                            initiative_id,
                            project.name,
                            deliverable_id,
                            row.title,
                            "PLANNED",
                            row.status,
                            row.line,
                        )
                    )
        return changes

    def _project_changes(self, project: SheetProject, current: CurrentInitiative) -> list[Change]:
        changes: list[Change] = []
        title = project.name if project.name != current.title else None
        goal = project.goal if project.goal != current.goal else None
        stakeholders = (
            project.stakeholders if project.stakeholders != current.stakeholders else None
        )
        team = self._team(project, current.team_id)
        kind = project.kind if project.kind is not None and project.kind != current.kind else None
        if any(value is not None for value in (title, goal, stakeholders, team, kind)):
            changes.append(
                UpdateInitiative(
                    current.id,
                    project.name,
                    title,
                    goal,
                    stakeholders,
                    project.line,
                    team=team,
                    kind=kind,
                )
            )
        by_key: dict[str, CurrentDeliverable] = {}
        for deliverable in current.deliverables:
            by_key.setdefault(match_key(deliverable.title), deliverable)
        targets = {row.line: self._target(row) for row in project.deliverables}
        renamed = _renamed_rows(project, current, by_key, targets)
        for row in project.deliverables:
            target = targets[row.line]
            if (was := renamed.get(row.line)) is not None:
                changes.append(
                    UpdateDeliverable(
                        current.id, project.name, was.id, was.title, row.title, None, row.line
                    )
                )
            elif (existing := by_key.get(row.key)) is not None:
                changes += self._row_changes(current, existing, row, target)
            else:
                deliverable_id = self._deliverable_id(current.id, row, current)
                changes.append(
                    AddDeliverable(current.id, project.name, deliverable_id, row, target)
                )
                if row.status != "PLANNED":
                    changes.append(
                        ChangeStatus(
                            current.id,
                            project.name,
                            deliverable_id,
                            row.title,
                            "PLANNED",
                            row.status,
                            row.line,
                        )
                    )
        in_sheet = {row.key for row in project.deliverables}
        renamed_ids = {deliverable.id for deliverable in renamed.values()}
        for deliverable in current.deliverables:
            if match_key(deliverable.title) in in_sheet or deliverable.id in renamed_ids:
                continue
            if self.remove_missing:
                changes.append(
                    RemoveDeliverable(current.id, current.title, deliverable.id, deliverable.title)
                )
            elif deliverable.status not in ("DONE", "WONT_DO"):
                changes.append(
                    ChangeStatus(
                        current.id,
                        current.title,
                        deliverable.id,
                        deliverable.title,
                        deliverable.status,
                        "WONT_DO",
                        0,
                    )
                )
        return changes

    def _team(self, project: SheetProject, current_team_id: UUID | None) -> SheetTeam | None:
        """The team a project newly names; None when the sheet names none or the one it
        has. An archived team cannot be given new work: a bad row."""
        if not project.team:
            return None
        team = self.teams[match_key(project.team)]
        if team.id == current_team_id:
            return None
        if team.archived:
            self.bad.append(
                BadLine(
                    project.line,
                    f"Team {project.team!r} is archived (read-only); accepted: an active"
                    " team's name, or a new name (the import creates the team)",
                )
            )
        return team

    @staticmethod
    def _row_changes(
        current: CurrentInitiative,
        existing: CurrentDeliverable,
        row: SheetDeliverable,
        target: NewTarget | None,
    ) -> list[Change]:
        changes: list[Change] = []
        ids = (current.id, current.title, existing.id, existing.title)
        if row.stretch is not None and row.stretch != existing.stretch:
            changes.append(UpdateDeliverable(*ids, None, row.stretch, row.line))
        if target is not None and (
            target.cycle_id != existing.target_cycle_id
            or target.target_date != existing.target_date
        ):
            changes.append(Retarget(*ids, target, row.line))
        weeks = row.estimate_weeks
        if weeks is not None and weeks != existing.estimate_weeks:
            changes.append(Reestimate(*ids, weeks, row.line))
        if row.status != existing.status:
            changes.append(ChangeStatus(*ids, existing.status, row.status, row.line))
        return changes

    def _target(self, row: SheetDeliverable) -> NewTarget | None:
        if row.target is None:
            return None
        if isinstance(row.target, date):
            return NewTarget(None, row.target)
        cycle_id = self.roadmap.cycles.get(match_key(row.target))
        if cycle_id is None:
            known = ", ".join(sorted(self.roadmap.cycles)) or "none yet"
            self.bad.append(
                BadLine(
                    row.line,
                    f"Target {row.target!r} is neither a date (YYYY-MM-DD) nor a cycle of"
                    f" roadmap {self.roadmap_name!r} (its cycles: {known})",
                )
            )
            return None
        return NewTarget(cycle_id, None)

    def _new_initiative_id(self, project: SheetProject) -> UUID:
        """A derived id; a project removed earlier and now back gets the next free one."""
        generation = 0
        while True:
            candidate = derived_id(
                self.workspace_id, "csv", self.roadmap.id, project.key, generation
            )
            if not self.taken(candidate):
                return candidate
            generation += 1

    def _deliverable_id(
        self, initiative_id: UUID, row: SheetDeliverable, current: CurrentInitiative | None
    ) -> UUID:
        """A derived id: the next free one when a deliverable of that title had it (a row
        removed earlier and now back is a new deliverable)."""
        used: set[UUID] = set()
        if current is not None:
            used = {d.id for d in current.deliverables} | set(current.removed_deliverable_ids)
        generation = 0
        while True:
            candidate = derived_id(self.workspace_id, "csv", initiative_id, row.key, generation)
            if candidate not in used:
                return candidate
            generation += 1


def _same_but_title(
    row: SheetDeliverable, target: NewTarget | None, deliverable: CurrentDeliverable
) -> bool:
    """Whether a row says exactly what is recorded on ``deliverable``, its title aside."""
    cycle_id, target_date = (target.cycle_id, target.target_date) if target else (None, None)
    return (
        row.status == deliverable.status
        and row.estimate_weeks == deliverable.estimate_weeks
        and (cycle_id, target_date) == (deliverable.target_cycle_id, deliverable.target_date)
        and (row.stretch is None or row.stretch == deliverable.stretch)
    )


def _renamed_rows(
    project: SheetProject,
    current: CurrentInitiative,
    by_key: Mapping[str, CurrentDeliverable],
    targets: Mapping[int, NewTarget | None],
) -> dict[int, CurrentDeliverable]:
    """The renamed rows (by line) and the deliverable each renames: a row matching no
    title whose only fitting candidate, among the deliverables whose titles left the
    sheet, fits no other such row (see the module docstring)."""
    in_sheet = {row.key for row in project.deliverables}
    gone = [d for d in current.deliverables if match_key(d.title) not in in_sheet]
    candidates = {
        row.line: [d.id for d in gone if _same_but_title(row, targets[row.line], d)]
        for row in project.deliverables
        if row.key not in by_key
    }
    fits = Counter(id for ids in candidates.values() for id in ids)
    by_id = {d.id: d for d in gone}
    return {
        line: by_id[ids[0]]
        for line, ids in candidates.items()
        if len(ids) == 1 and fits[ids[0]] == 1
    }
