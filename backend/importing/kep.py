"""``roadlog import kep``: the Kubernetes KEP history as the roadmap ``Kubernetes enhancements``.

What each event changes is planned by ``kep_rules`` (rules 1-5 of issue 8); this module
runs the plan through the application's commands, as the event's actor, at the event's
time, with the event's reason (PR title). Roadmap, teams and cycles are created by the
actor ``roadlog import kep`` when first needed: they are the importer's scaffolding, not
anyone's change in the source.

Re-runnable without duplicates: every id is derived from the workspace and the source
(roadmap name, SIG, release, KEP number, stage). A KEP whose initiative exists resumes
after the latest business time recorded on it: its earlier events are skipped as
already imported, and the event at that very time is applied again, which records
nothing twice because every step SETS a value (a title, a target, a status) and the
domain records nothing when the value is already there. Within one KEP no two events of
the file share a time (checked on the shipped file), which this relies on.

Business time never goes backwards on any aggregate: the file is sorted by time and the
roadmap only changes (cycles, placements) at the time of the event being imported.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from backend.application import Caller, Recorded, Roadlog
from backend.domain.deliverable import NewDeliverable
from backend.domain.errors import DomainError
from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap
from backend.importing.errors import BadLine, ImportFailed, ImportRefused
from backend.importing.ids import derived_id, match_key
from backend.importing.kep_rules import (
    STAGES,
    CreateCycle,
    CreateTeam,
    PlannedEvent,
    Propose,
    Retarget,
    SetStatus,
    Skip,
    Step,
    Update,
    plan_history,
)
from backend.importing.kep_source import KepEvent
from backend.importing.lookup import roadmaps_named, teams_by_name
from backend.importing.progress import Silent, Tracker
from backend.importing.releases import release_cycle, release_name

KEP_WORKSPACE = "kubernetes"
"""Where ``import kep`` and ``demo`` put the KEP history unless told otherwise: one name,
so the demo and a later import share one history instead of holding two copies."""
ROADMAP_NAME = "Kubernetes enhancements"
IMPORTER_ACTOR = "roadlog import kep"
CHANGE_NAMES = {
    "CreateTeam": "teams created",
    "CreateCycle": "cycles created",
    "Propose": "initiatives proposed",
    "Update": "initiatives updated",
    "Retarget": "deliverables retargeted",
    "SetStatus": "deliverable statuses changed",
}


@dataclass
class KepSummary:
    """What an import did, for the command's output and the tests."""

    read: int = 0
    keps: int = 0
    recorded: int = 0
    """Source events that recorded at least one change."""
    unchanged: int = 0
    """Source events that changed nothing on the roadmap (only skipped values)."""
    already_imported: int = 0
    """Source events recorded by an earlier run of the same import."""
    changes: Counter[str] = field(default_factory=Counter)
    """Commands that recorded something, by kind (``Propose``, ``Retarget``, ...)."""
    skipped: Counter[Skip] = field(default_factory=Counter)
    """Field changes of the source that changed nothing, by reason."""
    roadlog_events: int = 0
    """Growth of the event log during the import (receipts and others' writes included)."""
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Source events per second."""
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        """The summary as the command prints it."""
        out = [
            f"read {self.read} events of {self.keps} KEPs",
            f"recorded {self.recorded} events as {sum(self.changes.values())} changes"
            f" ({self.roadlog_events} roadlog events);"
            f" {self.unchanged} changed nothing; {self.already_imported} already imported",
        ]
        out += [f"  {self.changes[kind]:6}  {name}" for kind, name in CHANGE_NAMES.items()]
        out.append(f"skipped {sum(self.skipped.values())} field changes:")
        out += [f"  {count:6}  {reason.value}" for reason, count in self.skipped.most_common()]
        out.append(f"took {self.seconds:.1f} s ({self.rate:.0f} events/s)")
        return out


def kep_goal(kep: str) -> str:
    """An initiative's goal: the KEP and where it is tracked."""
    if kep.isdigit():
        return (
            f"Kubernetes enhancement KEP-{kep},"
            f" tracked in https://github.com/kubernetes/enhancements/issues/{kep}"
        )
    return f"Kubernetes enhancement KEP {kep}"


class KepImporter:
    """Imports a KEP history into one roadmap of one workspace."""

    def __init__(
        self,
        app: Roadlog,
        workspace_id: UUID,
        *,
        roadmap_name: str = ROADMAP_NAME,
        tracker: Tracker | None = None,
    ) -> None:
        self.app = app
        self.workspace_id = workspace_id
        self.roadmap_name = roadmap_name
        self.tracker = tracker or Silent()
        self.roadmap_id = derived_id(workspace_id, "roadmap", match_key(roadmap_name))
        self._teams: dict[str, UUID] = {}
        self._cycles: dict[str, UUID] = {}
        self._resume_after: dict[str, datetime | None] = {}
        self._callers: dict[str, Caller] = {}

    def run(self, events: Sequence[KepEvent]) -> KepSummary:
        """Import every event (or what an earlier run left); a summary of what happened."""
        started = time.perf_counter()
        before = self.app.recorder.max_notification_id() or 0
        plans, planner = plan_history(list(events))
        self.prepare(events[0])
        summary = KepSummary(read=len(plans), keps=len(planner.keps), skipped=planner.skipped)
        self.tracker.start("importing KEP events", len(plans))
        for planned in plans:
            self._import(planned, summary)
            self.tracker.advance()
        summary.roadlog_events = (self.app.recorder.max_notification_id() or 0) - before
        summary.seconds = time.perf_counter() - started
        return summary

    def prepare(self, first: KepEvent) -> None:
        """Find or create the roadmap (at the first event's time); know its cycles and teams."""
        found = roadmaps_named(self.app, self.workspace_id, self.roadmap_name)
        if len(found) > 1:
            raise ImportRefused(
                f"roadmap {self.roadmap_name!r}",
                [BadLine(0, f"the workspace has {len(found)} roadmaps of that name")],
            )
        if found:
            self.roadmap_id = found[0]
        else:
            self.create_roadmap(first)
        roadmap: object = self.app.repository.get(self.roadmap_id)
        assert isinstance(roadmap, Roadmap), f"{self.roadmap_id} is not a roadmap"
        self._cycles = {match_key(cycle.name): cycle.cycle_id for cycle in roadmap.cycles}
        self._teams = teams_by_name(self.app, self.workspace_id)

    def create_roadmap(self, first: KepEvent) -> None:
        """Create the roadmap, by the importer, at the time of the history's first event.

        Its cycles are Kubernetes releases, which differ in length: a cadence of releases."""
        self._run(
            first,
            lambda: self.app.create_roadmap(
                self._caller(IMPORTER_ACTOR),
                name=self.roadmap_name,
                releases=True,
                id=self.roadmap_id,
                effective_at=first.at,
            ),
        )

    def _import(self, planned: PlannedEvent, summary: KepSummary) -> None:
        event = planned.event
        resume_after = self.resume_point(event.kep)
        if resume_after is not None and event.at < resume_after:
            summary.already_imported += 1
            return
        recorded = False
        for step in planned.steps:
            if self.apply(step, event):
                summary.changes[type(step).__name__] += 1
                recorded = True
        if recorded:
            summary.recorded += 1
        else:
            summary.unchanged += 1

    def resume_point(self, kep: str) -> datetime | None:
        """The latest business time recorded on the KEP's initiative before this run."""
        if kep not in self._resume_after:
            try:
                initiative: object = self.app.repository.get(self.initiative_id(kep))
            except AggregateNotFoundError:
                self._resume_after[kep] = None
            else:
                assert isinstance(initiative, Initiative), f"KEP {kep} is not an initiative"
                self._resume_after[kep] = initiative.last_effective_at
        return self._resume_after[kep]

    def apply(self, step: Step, event: KepEvent) -> bool:
        """Run one step as one command; whether it recorded anything."""
        if isinstance(step, CreateTeam):
            return self._team(step.sig, event)[1]
        if isinstance(step, CreateCycle):
            return self._cycle(step.minor, event)[1]
        caller = self._caller(event.actor)
        reason = event.reason or f"KEP {event.kep} changed in commit {event.commit[:12]}"
        initiative_id = self.initiative_id(step.kep)
        if isinstance(step, Propose):
            if self.resume_point(step.kep) is not None:
                return False
            deliverables = [
                NewDeliverable(
                    stage,
                    id=self.deliverable_id(step.kep, stage),
                    target_cycle_id=self._targets(step, event).get(stage),
                )
                for stage in STAGES
            ]
            return self._run(
                event,
                lambda: self.app.propose_initiative(
                    caller,
                    roadmap_id=self.roadmap_id,
                    title=step.title,
                    goal=kep_goal(step.kep),
                    stakeholders=step.stakeholders,
                    team_id=self._team(step.sig, event)[0],
                    kind="FEATURE",
                    deliverables=deliverables,
                    reason=reason,
                    id=initiative_id,
                    effective_at=event.at,
                ),
            )
        if isinstance(step, Update):
            team_id = None if step.sig is None else self._team(step.sig, event)[0]
            return self._run(
                event,
                lambda: self.app.update_initiative(
                    caller,
                    initiative_id=initiative_id,
                    title=step.title,
                    stakeholders=step.stakeholders,
                    team_id=team_id,
                    reason=reason,
                    effective_at=event.at,
                ),
            )
        if isinstance(step, Retarget):
            cycle_id = self._cycle(step.minor, event)[0]
            return self._run(
                event,
                lambda: self.app.retarget_deliverable(
                    caller,
                    initiative_id=initiative_id,
                    deliverable_id=self.deliverable_id(step.kep, step.stage),
                    reason=reason,
                    target_cycle_id=cycle_id,
                    effective_at=event.at,
                ),
            )
        assert isinstance(step, SetStatus), f"unknown step {step!r}"
        return self._run(
            event,
            lambda: self.app.change_deliverable_status(
                caller,
                initiative_id=initiative_id,
                deliverable_id=self.deliverable_id(step.kep, step.stage),
                status=step.status,
                reason=reason,
                effective_at=event.at,
            ),
        )

    def initiative_id(self, kep: str) -> UUID:
        """The id of a KEP's initiative in this workspace and roadmap."""
        return derived_id(self.workspace_id, "kep", self.roadmap_id, kep)

    def deliverable_id(self, kep: str, stage: str) -> UUID:
        """The id of a KEP's alpha, beta or stable deliverable."""
        return derived_id(self.workspace_id, "kep", self.roadmap_id, kep, stage)

    def _targets(self, step: Propose, event: KepEvent) -> dict[str, UUID]:
        return {stage: self._cycle(minor, event)[0] for stage, minor in step.targets}

    def _team(self, sig: str, event: KepEvent) -> tuple[UUID, bool]:
        """The SIG's team, created now if new: (id, whether it was created)."""
        if sig in self._teams:
            return self._teams[sig], False
        team_id = derived_id(self.workspace_id, "team", sig)
        self._run(
            event,
            lambda: self.app.create_team(
                self._caller(IMPORTER_ACTOR), name=sig, id=team_id, effective_at=event.at
            ),
        )
        self._teams[sig] = team_id
        return team_id, True

    def _cycle(self, minor: int, event: KepEvent) -> tuple[UUID, bool]:
        """The release's cycle, created now if new: (id, whether it was created)."""
        name = release_name(minor)
        if match_key(name) in self._cycles:
            return self._cycles[match_key(name)], False
        cycle_id = derived_id(self.workspace_id, "cycle", self.roadmap_id, name)
        starts_on, ends_on = release_cycle(minor)
        self._run(
            event,
            lambda: self.app.create_cycle(
                self._caller(IMPORTER_ACTOR),
                roadmap_id=self.roadmap_id,
                name=name,
                starts_on=starts_on,
                ends_on=ends_on,
                id=cycle_id,
                effective_at=event.at,
            ),
        )
        self._cycles[match_key(name)] = cycle_id
        return cycle_id, True

    def _caller(self, actor: str) -> Caller:
        if actor not in self._callers:
            self._callers[actor] = Caller(self.workspace_id, actor, may_backfill=True)
        return self._callers[actor]

    @staticmethod
    def _run(event: KepEvent, command: Callable[[], Recorded]) -> bool:
        """Run a command; a domain error stops the import, saying at which event."""
        try:
            return command().position is not None
        except DomainError as error:
            raise ImportFailed(event.where, error.message) from error
