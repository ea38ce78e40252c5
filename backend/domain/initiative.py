"""Initiative: one roadmap row, with its deliverables and its alignments to key results.

Deliverables (see ``backend.domain.deliverable``) and alignments are entities of the
initiative: commands on them take the initiative id and the deliverable id, and their
events are the initiative's. A removed deliverable leaves ``deliverables`` (no command
reaches it again); its id stays in ``removed_deliverable_ids`` so it is never taken again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from backend.domain.base import (
    Entity,
    Meta,
    RoadlogAggregate,
    require_choice,
    require_confidence,
    require_positive_weeks,
    require_reason,
    require_text,
    require_texts,
)
from backend.domain.deliverable import (
    FINISHED,
    STATUSES,
    Deliverable,
    Estimate,
    Target,
    is_slip,
)
from backend.domain.errors import AlreadyExists, Invalid, NotFound, Ref

KINDS = ("FEATURE", "TECH_DEBT", "OPERATIONS", "RESEARCH", "OTHER")
ALIGNMENT_KINDS = ("CONTRIBUTES", "SUPPORTS")


@dataclass
class Alignment(Entity):
    """A link from the initiative to a key result (of an objective)."""

    objective_id: UUID
    key_result_id: UUID
    kind: str


class Initiative(RoadlogAggregate):
    """One roadmap row: title, goal, stakeholders, owner, kind, parent and deliverables."""

    roadmap_id: UUID = field(init=False)
    on_roadmap: bool = field(init=False)
    title: str = field(init=False)
    goal: str = field(init=False)
    stakeholders: list[str] = field(init=False)
    team_id: UUID | None = field(init=False)
    kind: str = field(init=False)
    parent_id: UUID | None = field(init=False)
    deliverables: list[Deliverable] = field(init=False)
    removed_deliverable_ids: list[UUID] = field(init=False)
    alignments: list[Alignment] = field(init=False)

    # Version 2 of its state (snapshots) keeps the ids of removed deliverables.
    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A snapshot taken before deliverables could be removed: none was."""
        state["removed_deliverable_ids"] = []

    class Proposed(RoadlogAggregate.Created):
        """An initiative was proposed on a roadmap (placed there by Roadmap.InitiativePlaced)."""

        class_version = 1
        roadmap_id: UUID
        title: str
        goal: str
        stakeholders: list[str]
        team_id: UUID | None
        kind: str
        parent_id: UUID | None

        def apply(self, aggregate: Initiative) -> None:
            super().apply(aggregate)
            aggregate.roadmap_id = self.roadmap_id
            aggregate.on_roadmap = True
            aggregate.title = self.title
            aggregate.goal = self.goal
            aggregate.stakeholders = list(self.stakeholders)
            aggregate.team_id = self.team_id
            aggregate.kind = self.kind
            aggregate.parent_id = self.parent_id
            aggregate.deliverables = []
            aggregate.removed_deliverable_ids = []
            aggregate.alignments = []

    class Updated(RoadlogAggregate.Event):
        """Fields changed: ``changes`` maps each changed field to [old, new]."""

        class_version = 1
        changes: dict[str, list[Any]]

        def apply(self, aggregate: Initiative) -> None:
            for name, (_, new) in self.changes.items():
                setattr(aggregate, name, list(new) if isinstance(new, list) else new)

    class ParentChanged(RoadlogAggregate.Event):
        """It became a phase of ``parent_id`` (same roadmap), or top-level again (None)."""

        class_version = 1
        from_parent_id: UUID | None
        parent_id: UUID | None

        def apply(self, aggregate: Initiative) -> None:
            aggregate.parent_id = self.parent_id

    class RemovedFromRoadmap(RoadlogAggregate.Event):
        """The initiative was taken off its roadmap (with Roadmap.InitiativeRemoved)."""

        class_version = 1
        roadmap_id: UUID

        def apply(self, aggregate: Initiative) -> None:
            aggregate.on_roadmap = False

    class DeliverableAdded(RoadlogAggregate.Event):
        """A deliverable was added, PLANNED, without estimate or target yet."""

        class_version = 1
        deliverable_id: UUID
        title: str
        stretch: bool

        def apply(self, aggregate: Initiative) -> None:
            aggregate.deliverables.append(
                Deliverable(self.deliverable_id, self.title, self.stretch)
            )

    class DeliverableUpdated(RoadlogAggregate.Event):
        """A deliverable's title or stretch flag changed: ``changes`` maps each to [old, new]."""

        class_version = 1
        deliverable_id: UUID
        changes: dict[str, list[Any]]

        def apply(self, aggregate: Initiative) -> None:
            deliverable = aggregate.deliverable(self.deliverable_id)
            for name, (_, new) in self.changes.items():
                setattr(deliverable, name, new)

    class DeliverableRemoved(RoadlogAggregate.Event):
        """A deliverable left the roadmap: no command reaches it again; history keeps it."""

        class_version = 1
        deliverable_id: UUID

        def apply(self, aggregate: Initiative) -> None:
            aggregate.deliverables = [
                d for d in aggregate.deliverables if d.deliverable_id != self.deliverable_id
            ]
            aggregate.removed_deliverable_ids.append(self.deliverable_id)

    class DeliverableStatusChanged(RoadlogAggregate.Event):
        """A deliverable's status changed; ``completed_at`` is set by DONE, else None."""

        class_version = 1
        deliverable_id: UUID
        from_status: str
        to_status: str
        completed_at: datetime | None

        def apply(self, aggregate: Initiative) -> None:
            deliverable = aggregate.deliverable(self.deliverable_id)
            deliverable.status = self.to_status
            deliverable.completed_at = self.completed_at

    class DeliverableEstimated(RoadlogAggregate.Event):
        """A new estimate generation (1, 2, ...) in resource-weeks."""

        class_version = 1
        deliverable_id: UUID
        weeks: Decimal
        confidence: float | None
        generation: int

        def apply(self, aggregate: Initiative) -> None:
            aggregate.deliverable(self.deliverable_id).estimated(
                Estimate(self.weeks, self.confidence, self.generation)
            )

    class DeliverableRetargeted(RoadlogAggregate.Event):
        """A deliverable's target (a cycle or a date) changed; ``slip``: now due later."""

        class_version = 1
        deliverable_id: UUID
        from_cycle_id: UUID | None
        from_date: date | None
        from_due_on: date | None
        to_cycle_id: UUID | None
        to_date: date | None
        to_due_on: date
        slip: bool

        def apply(self, aggregate: Initiative) -> None:
            deliverable = aggregate.deliverable(self.deliverable_id)
            deliverable.target_cycle_id = self.to_cycle_id
            deliverable.target_date = self.to_date
            deliverable.target_due_on = self.to_due_on

    class DeliverableUntargeted(RoadlogAggregate.Event):
        """A deliverable lost its target because its cycle was cancelled; not a slip."""

        class_version = 1
        deliverable_id: UUID
        from_cycle_id: UUID
        from_due_on: date | None

        def apply(self, aggregate: Initiative) -> None:
            deliverable = aggregate.deliverable(self.deliverable_id)
            deliverable.target_cycle_id = None
            deliverable.target_date = None
            deliverable.target_due_on = None

    class EffortLogged(RoadlogAggregate.Event):
        """Resource-weeks spent on a deliverable (the note is the reason)."""

        class_version = 1
        deliverable_id: UUID
        weeks: Decimal

        def apply(self, aggregate: Initiative) -> None:
            deliverable = aggregate.deliverable(self.deliverable_id)
            deliverable.actual_weeks += self.weeks

    class Aligned(RoadlogAggregate.Event):
        """The initiative was aligned to a key result (again, with another kind)."""

        class_version = 1
        objective_id: UUID
        key_result_id: UUID
        kind: str

        def apply(self, aggregate: Initiative) -> None:
            aggregate.alignments = [
                a for a in aggregate.alignments if a.key_result_id != self.key_result_id
            ]
            aggregate.alignments.append(Alignment(self.objective_id, self.key_result_id, self.kind))

    class Unaligned(RoadlogAggregate.Event):
        """The initiative no longer ladders up to a key result."""

        class_version = 1
        objective_id: UUID
        key_result_id: UUID

        def apply(self, aggregate: Initiative) -> None:
            aggregate.alignments = [
                a for a in aggregate.alignments if a.key_result_id != self.key_result_id
            ]

    @classmethod
    def propose(
        cls,
        *,
        id: UUID,
        roadmap_id: UUID,
        title: str,
        goal: str,
        stakeholders: Sequence[str],
        team_id: UUID | None,
        kind: str,
        parent_id: UUID | None,
        meta: Meta,
        at: datetime,
    ) -> Initiative:
        """Propose an initiative on a roadmap: a title and a user-centric goal."""
        return cls._create(
            cls.Proposed,
            id=id,
            roadmap_id=roadmap_id,
            title=require_text(title, "title", "an initiative's title"),
            goal=require_text(goal, "goal", "an initiative's goal"),
            stakeholders=require_texts(stakeholders, "stakeholders", "a stakeholder"),
            team_id=team_id,
            kind=require_choice(kind, KINDS, "kind"),
            parent_id=parent_id,
            **meta.event_fields(at),
        )

    def update(
        self,
        *,
        title: str | None,
        goal: str | None,
        stakeholders: Sequence[str] | None,
        team_id: UUID | None,
        kind: str | None,
        meta: Meta,
        at: datetime,
    ) -> None:
        """Change the given fields (None: leave as is); nothing changes, nothing recorded."""
        wanted: dict[str, Any] = {}
        if title is not None:
            wanted["title"] = require_text(title, "title", "an initiative's title")
        if goal is not None:
            wanted["goal"] = require_text(goal, "goal", "an initiative's goal")
        if stakeholders is not None:
            wanted["stakeholders"] = require_texts(stakeholders, "stakeholders", "a stakeholder")
        if team_id is not None:
            wanted["team_id"] = team_id
        if kind is not None:
            wanted["kind"] = require_choice(kind, KINDS, "kind")
        changes = {
            name: [getattr(self, name), new]
            for name, new in wanted.items()
            if getattr(self, name) != new
        }
        if changes:
            self.trigger_event(self.Updated, changes=changes, **meta.event_fields(at))

    def require_parent_on(self, roadmap_id: UUID) -> None:
        """This initiative can be a parent of a phase on ``roadmap_id``: it is on that
        roadmap (a phase is on its parent's roadmap), and still on it; else Invalid."""
        if self.roadmap_id != roadmap_id:
            raise Invalid(
                f"the parent initiative is on roadmap {str(self.roadmap_id)!r},"
                f" not {str(roadmap_id)!r}: a phase is on its parent's roadmap",
                "parent_id",
                [Ref("Roadmap", (self.roadmap_id,)), Ref("Roadmap", (roadmap_id,))],
            )
        if not self.on_roadmap:
            raise Invalid(
                f"initiative {str(self.id)!r} is not on its roadmap any more:"
                " a parent is an initiative of the roadmap",
                "parent_id",
                [Ref("Initiative", (self.id,))],
            )

    def change_parent(
        self,
        *,
        parent: Initiative | None,
        clear_parent: bool,
        parent_ancestors: Sequence[UUID],
        meta: Meta,
        at: datetime,
    ) -> None:
        """Make it a phase of ``parent``, or top-level again (``clear_parent``); neither
        given keeps the parent. The parent is on the same roadmap and neither this
        initiative nor one of its phases: ``parent_ancestors`` are the parent's own
        ancestors, nearest first. No change records nothing."""
        if parent is not None and clear_parent:
            raise Invalid(
                f"give parentId or clearParent, not both (parentId {str(parent.id)!r})",
                "parent_id",
                [Ref("Initiative", (parent.id,))],
            )
        new_parent = None if clear_parent else self.parent_id
        if parent is not None:
            if parent.id == self.id or self.id in parent_ancestors:
                raise Invalid(
                    f"initiative {str(parent.id)!r} is this initiative or one of its phases:"
                    " a parent cannot be its own phase",
                    "parent_id",
                    [Ref("Initiative", (parent.id,))],
                )
            parent.require_parent_on(self.roadmap_id)
            new_parent = parent.id
        if new_parent == self.parent_id:
            return
        self.trigger_event(
            self.ParentChanged,
            from_parent_id=self.parent_id,
            parent_id=new_parent,
            **meta.event_fields(at),
        )

    def remove_from_roadmap(self, meta: Meta, at: datetime) -> None:
        """Record that the initiative left its roadmap."""
        if not self.on_roadmap:
            raise Invalid(
                f"initiative {str(self.id)!r} is not on its roadmap",
                "initiative_id",
                [Ref("Initiative", (self.id,))],
            )
        self.trigger_event(
            self.RemovedFromRoadmap, roadmap_id=self.roadmap_id, **meta.event_fields(at)
        )

    def deliverable(self, deliverable_id: UUID) -> Deliverable:
        """A deliverable of this initiative, or NotFound."""
        for deliverable in self.deliverables:
            if deliverable.deliverable_id == deliverable_id:
                return deliverable
        raise NotFound("Deliverable", deliverable_id, "deliverable_id", within=self.id)

    def add_deliverable(
        self,
        *,
        deliverable_id: UUID,
        title: str,
        stretch: bool,
        estimate_weeks: Decimal | None,
        target: Target | None,
        meta: Meta,
        at: datetime,
        status: str = "PLANNED",
        field_prefix: str = "deliverable",
    ) -> None:
        """Add a deliverable, with its first estimate, first target and first status when
        given (a status other than PLANNED is a status change from PLANNED; DONE completes
        it at ``at``).

        A first target or status needs no reason of its own: it comes with the deliverable.
        """
        known = [d.deliverable_id for d in self.deliverables] + self.removed_deliverable_ids
        if deliverable_id in known:
            raise AlreadyExists("Deliverable", deliverable_id, f"{field_prefix}.id", within=self.id)
        title = require_text(title, f"{field_prefix}.title", "a deliverable's title")
        if estimate_weeks is not None:
            require_positive_weeks(estimate_weeks, f"{field_prefix}.estimate_weeks")
        require_choice(status, STATUSES, f"{field_prefix}.status")
        self.trigger_event(
            self.DeliverableAdded,
            deliverable_id=deliverable_id,
            title=title,
            stretch=stretch,
            **meta.event_fields(at),
        )
        if estimate_weeks is not None:
            self.estimate(deliverable_id, estimate_weeks, None, meta, at)
        if target is not None:
            self._retarget(self.deliverable(deliverable_id), target, meta, at, None)
        if status != "PLANNED":
            self._change_status(self.deliverable(deliverable_id), status, meta, at)

    def update_deliverable(
        self,
        deliverable_id: UUID,
        *,
        title: str | None,
        stretch: bool | None,
        meta: Meta,
        at: datetime,
    ) -> None:
        """Rename a deliverable or change its stretch flag (None: leave as is); nothing
        changes, nothing recorded."""
        deliverable = self.deliverable(deliverable_id)
        wanted: dict[str, Any] = {}
        if title is not None:
            wanted["title"] = require_text(title, "title", "a deliverable's title")
        if stretch is not None:
            wanted["stretch"] = stretch
        changes = {
            name: [getattr(deliverable, name), new]
            for name, new in wanted.items()
            if getattr(deliverable, name) != new
        }
        if changes:
            self.trigger_event(
                self.DeliverableUpdated,
                deliverable_id=deliverable_id,
                changes=changes,
                **meta.event_fields(at),
            )

    def remove_deliverable(self, deliverable_id: UUID, meta: Meta, at: datetime) -> None:
        """Take a deliverable off the roadmap, with a reason; its history stays."""
        self.deliverable(deliverable_id)
        require_reason(meta, "removing a deliverable")
        self.trigger_event(
            self.DeliverableRemoved, deliverable_id=deliverable_id, **meta.event_fields(at)
        )

    def change_status(self, deliverable_id: UUID, status: str, meta: Meta, at: datetime) -> None:
        """Move a deliverable to a status; reopening (leaving DONE/WONT_DO) needs a reason."""
        deliverable = self.deliverable(deliverable_id)
        require_choice(status, STATUSES, "status")
        if status == deliverable.status:
            return
        if deliverable.status in FINISHED:
            require_reason(meta, f"reopening a {deliverable.status} deliverable")
        self._change_status(deliverable, status, meta, at)

    def _change_status(
        self, deliverable: Deliverable, status: str, meta: Meta, at: datetime
    ) -> None:
        deliverable_id = deliverable.deliverable_id
        self.trigger_event(
            self.DeliverableStatusChanged,
            deliverable_id=deliverable_id,
            from_status=deliverable.status,
            to_status=status,
            completed_at=at if status == "DONE" else None,
            **meta.event_fields(at),
        )

    def estimate(
        self,
        deliverable_id: UUID,
        weeks: Decimal,
        confidence: float | None,
        meta: Meta,
        at: datetime,
    ) -> None:
        """Append an estimate generation: positive weeks, confidence within 0..1."""
        deliverable = self.deliverable(deliverable_id)
        self.trigger_event(
            self.DeliverableEstimated,
            deliverable_id=deliverable_id,
            weeks=require_positive_weeks(weeks),
            confidence=require_confidence(confidence),
            generation=deliverable.generations + 1,
            **meta.event_fields(at),
        )

    def retarget(
        self,
        deliverable_id: UUID,
        target: Target,
        meta: Meta,
        at: datetime,
        *,
        due_on: date | None,
    ) -> None:
        """Aim a deliverable at another cycle or date (with a reason); same target: nothing.

        ``due_on`` is when it is due now (``Roadmap.due_on``): a slip is being due later.
        """
        deliverable = self.deliverable(deliverable_id)
        require_reason(meta, "changing a deliverable's target")
        if deliverable.has_target(target.cycle_id, target.target_date):
            return
        self._retarget(deliverable, target, meta, at, due_on)

    def _retarget(
        self,
        deliverable: Deliverable,
        target: Target,
        meta: Meta,
        at: datetime,
        due_on: date | None,
    ) -> None:
        self.trigger_event(
            self.DeliverableRetargeted,
            deliverable_id=deliverable.deliverable_id,
            from_cycle_id=deliverable.target_cycle_id,
            from_date=deliverable.target_date,
            from_due_on=due_on,
            to_cycle_id=target.cycle_id,
            to_date=target.target_date,
            to_due_on=target.due_on,
            slip=is_slip(due_on, target.due_on),
            **meta.event_fields(at),
        )

    def untarget_cancelled(self, cycle_id: UUID, ends_on: date, meta: Meta, at: datetime) -> None:
        """Every deliverable aimed at a cycle that is being cancelled (ending on
        ``ends_on``) loses that target."""
        for deliverable in self.deliverables:
            if deliverable.target_cycle_id == cycle_id:
                self.trigger_event(
                    self.DeliverableUntargeted,
                    deliverable_id=deliverable.deliverable_id,
                    from_cycle_id=cycle_id,
                    from_due_on=ends_on,
                    **meta.event_fields(at),
                )

    def log_effort(self, deliverable_id: UUID, weeks: Decimal, meta: Meta, at: datetime) -> None:
        """Add spent resource-weeks to a deliverable's actual effort."""
        self.deliverable(deliverable_id)
        self.trigger_event(
            self.EffortLogged,
            deliverable_id=deliverable_id,
            weeks=require_positive_weeks(weeks),
            **meta.event_fields(at),
        )

    def alignment(self, key_result_id: UUID) -> Alignment | None:
        """The alignment to a key result, if any."""
        return next((a for a in self.alignments if a.key_result_id == key_result_id), None)

    def align(
        self, objective_id: UUID, key_result_id: UUID, kind: str, meta: Meta, at: datetime
    ) -> None:
        """Ladder up to a key result; the same kind again records nothing."""
        require_choice(kind, ALIGNMENT_KINDS, "kind")
        current = self.alignment(key_result_id)
        if current is not None and current.kind == kind:
            return
        self.trigger_event(
            self.Aligned,
            objective_id=objective_id,
            key_result_id=key_result_id,
            kind=kind,
            **meta.event_fields(at),
        )

    def unalign(self, objective_id: UUID, key_result_id: UUID, meta: Meta, at: datetime) -> None:
        """Stop laddering up to a key result; Invalid when not aligned to it."""
        current = self.alignment(key_result_id)
        if current is None or current.objective_id != objective_id:
            raise Invalid(
                f"initiative {str(self.id)!r} is not aligned to key result {str(key_result_id)!r}",
                "key_result_id",
                [Ref("Initiative", (self.id,)), Ref("KeyResult", (objective_id, key_result_id))],
            )
        self.trigger_event(
            self.Unaligned,
            objective_id=objective_id,
            key_result_id=key_result_id,
            **meta.event_fields(at),
        )
