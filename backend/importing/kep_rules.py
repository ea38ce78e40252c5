"""The rules that turn the KEP history into roadmap changes: a pure plan, no I/O.

The rules of issue 8, as implemented here:

1. One roadmap (``Kubernetes enhancements``); each release ``v1.NN`` named by a
   milestone is a cycle (created when first named, dates in ``releases``); one team per
   owning SIG, named as written (stray values such as ``sig-xyz`` included), created at
   the first event that names it.
2. Each KEP is an initiative (title, team = owning SIG, stakeholders = participating
   SIGs, kind FEATURE), proposed at its first event and placed last. Later title,
   participating-SIG and owning-SIG changes are one update per event.
3. Each initiative has three deliverables, ``alpha``, ``beta`` and ``stable``.
4. A ``milestone.alpha|beta|stable`` value reading ``v1.NN`` retargets that deliverable
   to the release's cycle (reason = the event's reason; the domain marks a slip when the
   new cycle ends later). Other values (TBD, x.y, null) change nothing; neither does
   ``latest-milestone``. Skipped and counted: targets of a deliverable already DONE or
   WONT_DO, and a release that already is the target.
5. Within one event: targets first, then stage, then status. Stage becomes ``beta``:
   alpha DONE; ``stable``: alpha and beta DONE. Whenever stage or status changes and
   the KEP then has status ``implemented`` and stage ``stable``: stable DONE. Status
   becomes ``withdrawn``, ``rejected`` or ``replaced``: every deliverable not DONE becomes
   WONT_DO. "X is DONE" applies to a WONT_DO deliverable too (a reopen, with the event's
   reason). Stage or status values outside the KEP vocabulary (typos, templates,
   ``GA``, ``implemented (beta)``) are kept as the KEP's value but trigger nothing, and
   are counted as skipped.

``KepPlanner.plan(event)`` returns the steps for one event given the events before it;
the importer runs each step as one command.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from backend.importing.kep_source import KepEvent, Value
from backend.importing.releases import release_minor

STAGES = ("alpha", "beta", "stable")
KEP_STATUSES = (
    "provisional",
    "implementable",
    "implemented",
    "deferred",
    "rejected",
    "withdrawn",
    "replaced",
)
ENDING_STATUSES = ("withdrawn", "rejected", "replaced")
DONE_BY_STAGE = {"alpha": (), "beta": ("alpha",), "stable": ("alpha", "beta")}
FINISHED = ("DONE", "WONT_DO")


class Skip(StrEnum):
    """Why a field change of the source changed nothing on the roadmap."""

    NOT_A_RELEASE = "milestone is not a release v1.NN (TBD, x.y, empty, ...)"
    FINISHED = "target of a deliverable already DONE or WONT_DO"
    SAME_TARGET = "milestone is the deliverable's target already"
    LATEST_MILESTONE = "latest-milestone is not a deliverable target"
    UNKNOWN_STAGE = "stage is not alpha, beta or stable (noise)"
    UNKNOWN_STATUS = "status is not a KEP status (typo, template, noise)"


@dataclass(frozen=True)
class CreateTeam:
    """Create the team of an owning SIG."""

    sig: str


@dataclass(frozen=True)
class CreateCycle:
    """Create the cycle of release v1.NN on the roadmap."""

    minor: int


@dataclass(frozen=True)
class Propose:
    """Propose the KEP's initiative, placed last, with alpha/beta/stable and first targets."""

    kep: str
    title: str
    sig: str
    stakeholders: tuple[str, ...]
    targets: tuple[tuple[str, int], ...]
    """(stage, release minor) for each deliverable that starts with a target."""


@dataclass(frozen=True)
class Update:
    """Change the initiative's title, team or stakeholders (None: unchanged)."""

    kep: str
    title: str | None = None
    sig: str | None = None
    stakeholders: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Retarget:
    """Aim one deliverable at a release's cycle."""

    kep: str
    stage: str
    minor: int


@dataclass(frozen=True)
class SetStatus:
    """Set one deliverable's status (DONE or WONT_DO)."""

    kep: str
    stage: str
    status: str


Step = CreateTeam | CreateCycle | Propose | Update | Retarget | SetStatus


@dataclass(frozen=True)
class PlannedEvent:
    """One source event and what it changes: steps in order, and what it skipped."""

    event: KepEvent
    steps: tuple[Step, ...]
    skipped: tuple[Skip, ...]


@dataclass
class DeliverableState:
    """A deliverable as the rules left it."""

    status: str = "PLANNED"
    target: int | None = None


@dataclass
class KepState:
    """A KEP as the rules left it: its values as written, and its three deliverables."""

    title: str
    sig: str
    stakeholders: tuple[str, ...]
    status: str | None = None
    stage: str | None = None
    deliverables: dict[str, DeliverableState] = field(
        default_factory=lambda: {stage: DeliverableState() for stage in STAGES}
    )


def stakeholders_of(value: Value) -> tuple[str, ...]:
    """Participating SIGs as stakeholders: blank entries dropped, order kept."""
    if not isinstance(value, tuple):
        return ()
    return tuple(sig.strip() for sig in value if sig.strip())


def _text(value: Value) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


class KepPlanner:
    """Applies the rules event after event; remembers KEPs, teams and cycles so far."""

    def __init__(self) -> None:
        self.keps: dict[str, KepState] = {}
        self.teams: set[str] = set()
        self.cycles: set[int] = set()
        self.skipped: Counter[Skip] = Counter()

    def plan(self, event: KepEvent) -> PlannedEvent:
        """The steps of one event, given every event planned before it (in file order)."""
        steps: list[Step] = []
        skipped: list[Skip] = []
        if event.sig not in self.teams:
            self.teams.add(event.sig)
            steps.append(CreateTeam(event.sig))
        state = self.keps.get(event.kep)
        targets = self._targets(event, state, steps, skipped)
        if "latest-milestone" in event.fields:
            skipped.append(Skip.LATEST_MILESTONE)
        if state is None:
            state = self._propose(event, targets, steps)
        else:
            self._update(event, state, steps)
            steps.extend(Retarget(event.kep, stage, minor) for stage, minor in targets)
        for stage, minor in targets:
            state.deliverables[stage].target = minor
        self._stage_and_status(event, state, steps, skipped)
        self.skipped.update(skipped)
        return PlannedEvent(event, tuple(steps), tuple(skipped))

    def _targets(
        self,
        event: KepEvent,
        state: KepState | None,
        steps: list[Step],
        skipped: list[Skip],
    ) -> list[tuple[str, int]]:
        targets = []
        for stage in STAGES:
            name = f"milestone.{stage}"
            if name not in event.fields:
                continue
            minor = release_minor(event.fields[name])
            deliverable = None if state is None else state.deliverables[stage]
            if minor is None:
                skipped.append(Skip.NOT_A_RELEASE)
            elif deliverable is not None and deliverable.status in FINISHED:
                skipped.append(Skip.FINISHED)
            elif deliverable is not None and deliverable.target == minor:
                skipped.append(Skip.SAME_TARGET)
            else:
                if minor not in self.cycles:
                    self.cycles.add(minor)
                    steps.append(CreateCycle(minor))
                targets.append((stage, minor))
        return targets

    def _propose(
        self, event: KepEvent, targets: list[tuple[str, int]], steps: list[Step]
    ) -> KepState:
        state = KepState(
            title=_text(event.fields.get("title")) or f"KEP-{event.kep}",
            sig=event.sig,
            stakeholders=stakeholders_of(event.fields.get("participating-sigs")),
        )
        self.keps[event.kep] = state
        steps.append(Propose(event.kep, state.title, state.sig, state.stakeholders, tuple(targets)))
        return state

    def _update(self, event: KepEvent, state: KepState, steps: list[Step]) -> None:
        title = _text(event.fields.get("title"))
        new_title = title if title is not None and title != state.title else None
        new_sig = event.sig if event.sig != state.sig else None
        new_stakeholders = None
        if "participating-sigs" in event.fields:
            stakeholders = stakeholders_of(event.fields["participating-sigs"])
            new_stakeholders = stakeholders if stakeholders != state.stakeholders else None
        if new_title is None and new_sig is None and new_stakeholders is None:
            return
        state.title = new_title or state.title
        state.sig = new_sig or state.sig
        state.stakeholders = state.stakeholders if new_stakeholders is None else new_stakeholders
        steps.append(Update(event.kep, new_title, new_sig, new_stakeholders))

    def _stage_and_status(
        self, event: KepEvent, state: KepState, steps: list[Step], skipped: list[Skip]
    ) -> None:
        def set_status(stage: str, status: str) -> None:
            if state.deliverables[stage].status != status:
                state.deliverables[stage].status = status
                steps.append(SetStatus(event.kep, stage, status))

        if "stage" in event.fields:
            stage = event.fields["stage"]
            state.stage = stage if isinstance(stage, str) else None
            if state.stage in DONE_BY_STAGE:
                for earlier in DONE_BY_STAGE[state.stage]:
                    set_status(earlier, "DONE")
            else:
                skipped.append(Skip.UNKNOWN_STAGE)
        if "status" in event.fields:
            status = event.fields["status"]
            state.status = status if isinstance(status, str) else None
            if state.status not in KEP_STATUSES:
                skipped.append(Skip.UNKNOWN_STATUS)
            elif state.status in ENDING_STATUSES:
                for stage in STAGES:
                    if state.deliverables[stage].status != "DONE":
                        set_status(stage, "WONT_DO")
        changed = "stage" in event.fields or "status" in event.fields
        if changed and state.status == "implemented" and state.stage == "stable":
            set_status("stable", "DONE")


def plan_history(events: list[KepEvent]) -> tuple[list[PlannedEvent], KepPlanner]:
    """Every event's plan, in order, and the planner's final state (for summaries)."""
    planner = KepPlanner()
    return [planner.plan(event) for event in events], planner
