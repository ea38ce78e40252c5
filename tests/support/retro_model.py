"""An independent model of the retrospective and OKR figures, folded from events.

``Model`` reads the recorded events of one workspace back from the log (not the
driver's choices, nor any read model) and computes every figure of issue 6 in plain
Python, as directly as the definitions read.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from backend.application import Roadlog
from backend.domain.objective import key_result_progress

Ref = tuple[UUID, UUID]


@dataclass
class MDeliverable:
    ref: Ref
    status: str = "PLANNED"
    completed_at: datetime | None = None
    completed_cycle: UUID | None = None
    target_cycle: UUID | None = None
    due_on: date | None = None
    estimates: list[Decimal] = field(default_factory=list)
    actual: Decimal = Decimal(0)
    slips: int = 0


@dataclass
class MInitiative:
    id: UUID
    roadmap: UUID
    title: str
    team: UUID | None
    kind: str
    on_roadmap: bool = True
    deliverables: dict[UUID, MDeliverable] = field(default_factory=dict)
    alignments: dict[UUID, tuple[UUID, str]] = field(default_factory=dict)


@dataclass
class MCycle:
    roadmap: UUID
    id: UUID
    name: str
    starts_on: date
    ends_on: date
    state: str = "PLANNED"
    committed: list[Ref] = field(default_factory=list)
    unplanned: set[Ref] = field(default_factory=set)
    started: int | None = None
    closed: int | None = None
    frozen: list[tuple[MDeliverable, bool]] | None = None


@dataclass
class MKeyResult:
    start: float
    target: float
    current: float
    check_ins: list[float] = field(default_factory=list)


@dataclass
class MObjective:
    id: UUID
    title: str
    period: str
    team: UUID | None
    parent: UUID | None
    key_results: dict[UUID, MKeyResult] = field(default_factory=dict)
    archived: bool = False


class Model:
    """What the figures must be, from the events of one workspace (in log order)."""

    def __init__(self, app: Roadlog, workspace_id: UUID, after: int = 0) -> None:
        self.teams: dict[UUID, str] = {}
        self.fiscal_year_start_month = 1
        self.cycles: dict[tuple[UUID, UUID], MCycle] = {}
        self.initiatives: dict[UUID, MInitiative] = {}
        self.objectives: dict[UUID, MObjective] = {}
        self.status_changes: list[tuple[int, Ref]] = []
        for notification in app.recorder.select_notifications(after + 1, 1_000_000):
            event = app.mapper.to_domain_event(notification)
            if getattr(event, "workspace_id", None) == workspace_id:
                self.apply(notification.id, event)

    def deliverable(self, event: Any) -> MDeliverable:
        return self.initiatives[event.originator_id].deliverables[event.deliverable_id]

    def apply(self, position: int, e: Any) -> None:
        kind = type(e).__qualname__
        if kind in ("Team.Created", "Team.Renamed"):
            self.teams[e.originator_id] = e.name
        elif kind in ("Workspace.Created", "Workspace.FiscalYearSet"):
            self.fiscal_year_start_month = e.fiscal_year_start_month
        elif kind == "Roadmap.CycleCreated":
            key = (e.originator_id, e.cycle_id)
            self.cycles[key] = MCycle(e.originator_id, e.cycle_id, e.name, e.starts_on, e.ends_on)
        elif kind == "Roadmap.CycleUpdated":
            cycle = self.cycles[(e.originator_id, e.cycle_id)]
            cycle.name, cycle.starts_on, cycle.ends_on = e.name, e.starts_on, e.ends_on
            # What is aimed at a cycle is due when the cycle ends, wherever it moves.
            for initiative in self.initiatives.values():
                for d in initiative.deliverables.values():
                    if initiative.roadmap == e.originator_id and d.target_cycle == e.cycle_id:
                        d.due_on = e.ends_on
        elif kind == "Roadmap.CycleCancelled":
            self.cycles[(e.originator_id, e.cycle_id)].state = "CANCELLED"
        elif kind == "Roadmap.CycleStarted":
            cycle = self.cycles[(e.originator_id, e.cycle_id)]
            cycle.state, cycle.started = "ACTIVE", position
            cycle.committed = [(pair[0], pair[1]) for pair in e.committed]
        elif kind == "Roadmap.CycleClosed":
            cycle = self.cycles[(e.originator_id, e.cycle_id)]
            cycle.frozen = copy.deepcopy(self.members(cycle))
            cycle.state, cycle.closed = "CLOSED", position
        elif kind == "Initiative.Proposed":
            self.initiatives[e.originator_id] = MInitiative(
                e.originator_id, e.roadmap_id, e.title, e.team_id, e.kind
            )
        elif kind == "Initiative.Updated":
            initiative = self.initiatives[e.originator_id]
            for name, attribute in (("title", "title"), ("team_id", "team"), ("kind", "kind")):
                if name in e.changes:
                    setattr(initiative, attribute, e.changes[name][1])
        elif kind == "Initiative.RemovedFromRoadmap":
            self.initiatives[e.originator_id].on_roadmap = False
        elif kind == "Initiative.DeliverableAdded":
            deliverables = self.initiatives[e.originator_id].deliverables
            deliverables[e.deliverable_id] = MDeliverable((e.originator_id, e.deliverable_id))
        elif kind == "Initiative.DeliverableRemoved":
            # Gone from the roadmap and its live reports; a closed cycle's frozen copy stays.
            self.initiatives[e.originator_id].deliverables.pop(e.deliverable_id)
        elif kind == "Initiative.DeliverableStatusChanged":
            d = self.deliverable(e)
            d.status = e.to_status
            d.completed_at = e.completed_at if e.to_status == "DONE" else None
            d.completed_cycle = d.target_cycle if e.to_status == "DONE" else None
            self.status_changes.append((position, d.ref))
        elif kind == "Initiative.DeliverableEstimated":
            self.deliverable(e).estimates.append(e.weeks)
        elif kind == "Initiative.DeliverableRetargeted":
            d = self.deliverable(e)
            if d.due_on is not None and e.to_due_on > d.due_on:
                d.slips += 1
            d.target_cycle, d.due_on = e.to_cycle_id, e.to_due_on
            roadmap = self.initiatives[e.originator_id].roadmap
            target = self.cycles.get((roadmap, e.to_cycle_id)) if e.to_cycle_id else None
            if target is not None and target.state == "ACTIVE" and d.ref not in target.committed:
                target.unplanned.add(d.ref)
        elif kind == "Initiative.DeliverableUntargeted":
            d = self.deliverable(e)
            d.target_cycle, d.due_on = None, None
        elif kind == "Initiative.EffortLogged":
            self.deliverable(e).actual += e.weeks
        elif kind == "Initiative.Aligned":
            self.initiatives[e.originator_id].alignments[e.key_result_id] = (
                e.objective_id,
                e.kind,
            )
        elif kind == "Initiative.Unaligned":
            self.initiatives[e.originator_id].alignments.pop(e.key_result_id)
        elif kind == "Objective.Created":
            self.objectives[e.originator_id] = MObjective(
                e.originator_id, e.title, e.period, e.team_id, e.parent_id
            )
        elif kind == "Objective.KeyResultAdded":
            self.objectives[e.originator_id].key_results[e.key_result_id] = MKeyResult(
                e.start_value, e.target_value, e.start_value
            )
        elif kind == "Objective.KeyResultCheckedIn":
            key_result = self.objectives[e.originator_id].key_results[e.key_result_id]
            key_result.current = e.value
            key_result.check_ins.append(e.value)
        elif kind == "Objective.Updated":
            objective = self.objectives[e.originator_id]
            objective.title, objective.team, objective.parent = e.title, e.team_id, e.parent_id
        elif kind == "Objective.Archived":
            self.objectives[e.originator_id].archived = True
        elif kind == "Objective.KeyResultUpdated":
            self.objectives[e.originator_id].key_results[e.key_result_id].target = e.target_value
        elif kind == "Objective.KeyResultRemoved":
            self.objectives[e.originator_id].key_results.pop(e.key_result_id)
            for initiative in self.initiatives.values():
                initiative.alignments.pop(e.key_result_id, None)

    # Cycles

    def members(self, cycle: MCycle) -> list[tuple[MDeliverable, bool]]:
        """The cycle's deliverables now: committed, or targeting it from its roadmap."""
        found = []
        for initiative in self.initiatives.values():
            for d in initiative.deliverables.values():
                committed = d.ref in cycle.committed
                targets = initiative.on_roadmap and (
                    initiative.roadmap == cycle.roadmap and d.target_cycle == cycle.id
                )
                if committed or targets:
                    found.append((d, committed))
        return found

    def cycle_report(self, cycle: MCycle) -> dict[str, Any]:
        members = cycle.frozen if cycle.frozen is not None else self.members(cycle)
        refs = {d.ref for d, _ in members}
        committed = [d for d, was in members if was]
        done_committed = [d for d in committed if d.status == "DONE"]
        completed = [d for d, _ in members if d.status == "DONE"]
        carried = [
            d
            for d in committed
            if d.status not in ("DONE", "WONT_DO")
            and d.due_on is not None
            and d.due_on > cycle.ends_on
        ]
        end = cycle.closed if cycle.closed is not None else float("inf")
        changes = [
            position
            for position, ref in self.status_changes
            if ref in refs and cycle.started is not None and cycle.started < position < end
        ]
        return {
            "committed": [ref for ref in cycle.committed if ref in refs] if cycle.started else [],
            "unplanned": {d.ref for d, was in members if not was and d.ref in cycle.unplanned},
            "completed": {d.ref for d in completed},
            "carriedOver": {d.ref for d in carried},
            "dropped": {d.ref for d, _ in members if d.status == "WONT_DO"},
            "predictability": len(done_committed) / len(committed) if committed else None,
            "estimates": figures(completed) if completed else None,
            "statusChanges": changes,
        }

    # Estimates

    def completed(
        self,
        roadmap: UUID | None = None,
        team: UUID | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[tuple[MInitiative, MDeliverable]]:
        found = []
        for initiative in self.initiatives.values():
            if roadmap is not None and initiative.roadmap != roadmap:
                continue
            if team is not None and initiative.team != team:
                continue
            for d in initiative.deliverables.values():
                if d.status != "DONE" or d.completed_at is None:
                    continue
                if since is not None and d.completed_at < since:
                    continue
                if until is not None and d.completed_at >= until:
                    continue
                found.append((initiative, d))
        return found

    def group_name(self, grouping: str, initiative: MInitiative, d: MDeliverable) -> str:
        assert d.completed_at is not None
        if grouping == "TEAM":
            return self.teams[initiative.team] if initiative.team else "(no team)"
        if grouping == "CYCLE":
            if d.completed_cycle is None:
                return "(no cycle)"
            return self.cycles[(initiative.roadmap, d.completed_cycle)].name
        if grouping == "QUARTER":
            return fiscal_quarter_name(d.completed_at, self.fiscal_year_start_month)
        if grouping == "KIND":
            return initiative.kind
        return initiative.title

    def estimate_report(self, grouping: str, **restrictions: Any) -> dict[str, dict[str, Any]]:
        groups: dict[str, list[MDeliverable]] = {}
        for initiative, d in self.completed(**restrictions):
            groups.setdefault(self.group_name(grouping, initiative, d), []).append(d)
        return {name: figures(found) for name, found in groups.items()}

    # OKRs

    def key_result_progress(self, key_result: MKeyResult) -> float:
        return key_result_progress(key_result.start, key_result.target, key_result.current)

    def objective_progress(self, objective: MObjective) -> float:
        parts = [self.key_result_progress(kr) for kr in objective.key_results.values()]
        parts += [self.objective_progress(child) for child in self.children(objective.id)]
        return sum(parts) / len(parts) if parts else 0.0

    def effort(self, initiative: MInitiative) -> Decimal:
        return sum(
            (
                d.estimates[-1]
                for d in initiative.deliverables.values()
                if d.estimates and d.status != "WONT_DO"
            ),
            Decimal(0),
        )

    @staticmethod
    def active(initiative: MInitiative) -> bool:
        statuses = [d.status for d in initiative.deliverables.values()]
        return initiative.on_roadmap and not (
            statuses and all(s in ("DONE", "WONT_DO") for s in statuses)
        )

    def children(self, objective_id: UUID) -> list[MObjective]:
        """The objectives laddering up to this one; archived ones are out of the tree."""
        return [o for o in self.objectives.values() if o.parent == objective_id and not o.archived]

    def descendants_and_self(self, objective_id: UUID) -> set[UUID]:
        found = {objective_id}
        for child in self.children(objective_id):
            found |= self.descendants_and_self(child.id)
        return found

    def alignment(self, period: str, roadmap: UUID | None = None) -> dict[str, Any]:
        counted = [
            i
            for i in self.initiatives.values()
            if i.on_roadmap and (roadmap is None or i.roadmap == roadmap)
        ]
        active = [i for i in counted if self.active(i)]
        objectives = [o for o in self.objectives.values() if o.period == period and not o.archived]
        by_objective = {}
        for o in objectives:
            contributing = {i.id for i in active if (o.id, "CONTRIBUTES") in i.alignments.values()}
            supporting = {i.id for i in active if (o.id, "SUPPORTS") in i.alignments.values()}
            effort = sum((self.effort(i) for i in active if i.id in contributing), Decimal(0))
            by_objective[o.id] = (effort, contributing, supporting)
        period_ids = {o.id for o in objectives}
        aligned = [
            i
            for i in active
            if any(o in period_ids and k == "CONTRIBUTES" for o, k in i.alignments.values())
        ]
        total = sum((self.effort(i) for i in active), Decimal(0))
        aligned_effort = sum((self.effort(i) for i in aligned), Decimal(0))
        without_work = {
            o.id
            for o in objectives
            if not any(
                target in self.descendants_and_self(o.id)
                for i in counted
                for target, _ in i.alignments.values()
            )
        }
        return {
            "objectives": {o.id for o in objectives},
            "byObjective": by_objective,
            "coverage": float(aligned_effort / total) if total else None,
            "orphans": {i.id for i in active if not i.alignments},
            "withoutWork": without_work,
        }


def figures(completed: list[MDeliverable]) -> dict[str, Any]:
    """The EstimateRow figures of completed deliverables, straight from the definitions."""
    estimated = [d for d in completed if d.estimates]
    first = sum((d.estimates[0] for d in estimated), Decimal(0))
    final = sum((d.estimates[-1] for d in estimated), Decimal(0))
    actual = sum((d.actual for d in estimated), Decimal(0))
    errors = [abs(d.actual - d.estimates[0]) / d.actual for d in estimated if d.actual != 0]
    return {
        "deliverables": len(completed),
        "firstEstimateWeeks": first,
        "finalEstimateWeeks": final,
        "actualWeeks": actual,
        "ratio": float(actual / first) if estimated else None,
        "mape": float(sum(errors) / len(errors)) if errors else None,
        "overrun": len([d for d in estimated if d.actual > d.estimates[0]]),
        "underrun": len([d for d in estimated if d.actual < d.estimates[0]]),
        "reestimates": sum(len(d.estimates) - 1 for d in estimated),
        "slipped": len([d for d in completed if d.slips]),
        "slips": sum(d.slips for d in completed),
    }


def fiscal_quarter_name(at: datetime, start_month: int) -> str:
    """ "FY<year the fiscal year ends in> Q<n>", the fiscal year starting in ``start_month``."""
    at = at.astimezone(UTC)
    starts_in = at.year if at.month >= start_month else at.year - 1
    ends_in = starts_in if start_month == 1 else starts_in + 1
    quarter = 1 + ((at.month - start_month) % 12) // 3
    return f"FY{ends_in} Q{quarter}"
