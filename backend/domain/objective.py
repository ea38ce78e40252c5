"""Objective: an OKR objective of a period, with its key results and their check-ins.

Key results are entities of the objective: commands on one take the objective id and the
key result id. ``key_result_progress`` is the one definition of progress; read models
reuse it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from backend.domain.base import (
    Entity,
    Meta,
    RoadlogAggregate,
    Value,
    require_choice,
    require_confidence,
    require_measure,
    require_reason,
    require_text,
)
from backend.domain.errors import AlreadyExists, ArchivedError, Invalid, NotFound, Ref
from backend.domain.fiscal import require_period

LEVELS = ("COMPANY", "TEAM")


def key_result_progress(start: float, target: float, current: float) -> float:
    """(current - start) / (target - start), clamped to 0..1; works for decreasing targets."""
    if target == start:
        return 1.0 if current == target else 0.0
    return min(1.0, max(0.0, (current - start) / (target - start)))


@dataclass(frozen=True)
class CheckIn(Value):
    """A key result's value at a moment, with the confidence of reaching the target."""

    value: float
    confidence: float | None


@dataclass
class KeyResult(Entity):
    """A measurable result: from a start value to a target value, with check-ins.

    Of its check-ins it keeps only the latest, all its progress depends on: state that
    grew with every check-in would make every command on the objective slower (the log
    and the read models keep them all).
    """

    key_result_id: UUID
    title: str
    unit: str
    start_value: float
    target_value: float
    latest_check_in: CheckIn | None = None

    @property
    def current_value(self) -> float:
        """The latest check-in's value, or the start value before any check-in."""
        return self.latest_check_in.value if self.latest_check_in else self.start_value

    @property
    def progress(self) -> float:
        """0..1, see key_result_progress."""
        return key_result_progress(self.start_value, self.target_value, self.current_value)


class Objective(RoadlogAggregate):
    """An objective of a period ("2026-Q3"), company-wide or of a team."""

    title: str = field(init=False)
    period: str = field(init=False)
    level: str = field(init=False)
    team_id: UUID | None = field(init=False)
    parent_id: UUID | None = field(init=False)
    key_results: list[KeyResult] = field(init=False)
    archived: bool = field(init=False, default=False)

    class Created(RoadlogAggregate.Created):
        """An objective was set for a period."""

        class_version = 1
        title: str
        period: str
        level: str
        team_id: UUID | None
        parent_id: UUID | None

        def apply(self, aggregate: Objective) -> None:
            super().apply(aggregate)
            aggregate.title = self.title
            aggregate.period = self.period
            aggregate.level = self.level
            aggregate.team_id = self.team_id
            aggregate.parent_id = self.parent_id
            aggregate.key_results = []

    class Updated(RoadlogAggregate.Event):
        """The objective's title, team or parent changed: each ``from_`` field holds the
        value before, each other field the value after."""

        class_version = 1
        title: str
        team_id: UUID | None
        parent_id: UUID | None
        from_title: str
        from_team_id: UUID | None
        from_parent_id: UUID | None

        def apply(self, aggregate: Objective) -> None:
            aggregate.title = self.title
            aggregate.team_id = self.team_id
            aggregate.parent_id = self.parent_id

    class Archived(RoadlogAggregate.Event):
        """The objective was archived: out of the period's objectives and its alignment
        view, read-only, still in history."""

        class_version = 1

        def apply(self, aggregate: Objective) -> None:
            aggregate.archived = True

    class KeyResultAdded(RoadlogAggregate.Event):
        """A key result was added to the objective."""

        class_version = 1
        key_result_id: UUID
        title: str
        unit: str
        start_value: float
        target_value: float

        def apply(self, aggregate: Objective) -> None:
            aggregate.key_results.append(
                KeyResult(
                    self.key_result_id,
                    self.title,
                    self.unit,
                    self.start_value,
                    self.target_value,
                )
            )

    class KeyResultCheckedIn(RoadlogAggregate.Event):
        """A key result's current value was reported (the note is the reason)."""

        class_version = 1
        key_result_id: UUID
        value: float
        confidence: float | None

        def apply(self, aggregate: Objective) -> None:
            aggregate.key_result(self.key_result_id).latest_check_in = CheckIn(
                self.value, self.confidence
            )

    class KeyResultUpdated(RoadlogAggregate.Event):
        """A key result's title, unit or target changed: each ``from_`` field holds the
        value before, each other field the value after."""

        class_version = 1
        key_result_id: UUID
        title: str
        unit: str
        target_value: float
        from_title: str
        from_unit: str
        from_target_value: float

        def apply(self, aggregate: Objective) -> None:
            key_result = aggregate.key_result(self.key_result_id)
            key_result.title = self.title
            key_result.unit = self.unit
            key_result.target_value = self.target_value

    class KeyResultRemoved(RoadlogAggregate.Event):
        """A key result was removed from the objective (its history stays in the log)."""

        class_version = 1
        key_result_id: UUID

        def apply(self, aggregate: Objective) -> None:
            aggregate.key_results = [
                kr for kr in aggregate.key_results if kr.key_result_id != self.key_result_id
            ]

    @classmethod
    def create(
        cls,
        *,
        id: UUID,
        title: str,
        period: str,
        level: str,
        team_id: UUID | None,
        parent: Objective | None,
        meta: Meta,
        at: datetime,
    ) -> Objective:
        """Set an objective; a team objective needs a team and may ladder up to a parent.

        The parent must exist already and be of the same period, so the tree has no cycles.
        The period is a calendar or fiscal year or quarter (see ``require_period``); periods
        recorded before that rule stay as they were written.
        """
        title = require_text(title, "title", "an objective's title")
        period = require_period(require_text(period, "period", "an objective's period"))
        require_choice(level, LEVELS, "level")
        if level == "COMPANY" and team_id is not None:
            raise Invalid("a COMPANY objective has no team", "team_id")
        if level == "COMPANY" and parent is not None:
            raise Invalid("a COMPANY objective has no parent objective", "parent_id")
        if level == "TEAM" and team_id is None:
            raise Invalid("a TEAM objective needs its team", "team_id")
        if parent is not None and parent.period != period:
            raise Invalid(
                f"the parent objective is of period {parent.period!r}, not {period!r}",
                "parent_id",
            )
        return cls._create(
            cls.Created,
            id=id,
            title=title,
            period=period,
            level=level,
            team_id=team_id,
            parent_id=None if parent is None else parent.id,
            **meta.event_fields(at),
        )

    def require_active(self, field: str = "objective_id") -> None:
        """An archived objective takes no change, no child and no alignment: ArchivedError."""
        if self.archived:
            raise ArchivedError("Objective", self.id, field)

    def trigger_event(self, *args: Any, **kwargs: Any) -> None:
        """Every change of an archived objective is refused before it is recorded."""
        self.require_active()
        super().trigger_event(*args, **kwargs)

    def archive(self, meta: Meta, at: datetime) -> None:
        """Archive the objective; needs a reason."""
        require_reason(meta, "archiving an objective")
        self.trigger_event(self.Archived, **meta.event_fields(at))

    def update(
        self,
        *,
        title: str | None,
        team_id: UUID | None,
        parent: Objective | None,
        clear_parent: bool,
        parent_ancestors: Sequence[UUID],
        meta: Meta,
        at: datetime,
    ) -> None:
        """Change the title, the team (of a TEAM objective) or the parent (None keeps
        each; ``clear_parent`` makes it top-level). The parent is of the same period and
        neither this objective nor below it: ``parent_ancestors`` are the parent's own
        ancestors, nearest first. No change records nothing."""
        self.require_active()
        if parent is not None and clear_parent:
            raise Invalid("give parentId or clearParent, not both", "parent_id")
        title = (
            self.title if title is None else require_text(title, "title", "an objective's title")
        )
        if team_id is not None and self.level == "COMPANY":
            raise Invalid("a COMPANY objective has no team", "team_id")
        new_team = self.team_id if team_id is None else team_id
        new_parent = None if clear_parent else self.parent_id
        if parent is not None:
            if self.level == "COMPANY":
                raise Invalid("a COMPANY objective has no parent objective", "parent_id")
            if parent.id == self.id or self.id in parent_ancestors:
                raise Invalid(
                    f"objective {str(parent.id)!r} is this objective or below it:"
                    " a parent cannot be its own descendant",
                    "parent_id",
                    [Ref("Objective", (parent.id,))],
                )
            if parent.period != self.period:
                raise Invalid(
                    f"the parent objective is of period {parent.period!r}, not {self.period!r}",
                    "parent_id",
                )
            new_parent = parent.id
        if (title, new_team, new_parent) == (self.title, self.team_id, self.parent_id):
            return
        self.trigger_event(
            self.Updated,
            title=title,
            team_id=new_team,
            parent_id=new_parent,
            from_title=self.title,
            from_team_id=self.team_id,
            from_parent_id=self.parent_id,
            **meta.event_fields(at),
        )

    def key_result(self, key_result_id: UUID) -> KeyResult:
        """A key result of this objective, or NotFound."""
        for key_result in self.key_results:
            if key_result.key_result_id == key_result_id:
                return key_result
        raise NotFound("KeyResult", key_result_id, "key_result_id", within=self.id)

    def add_key_result(
        self,
        *,
        key_result_id: UUID,
        title: str,
        unit: str,
        start_value: float,
        target_value: float,
        meta: Meta,
        at: datetime,
    ) -> None:
        """Add a key result; its target must differ from its start (progress divides)."""
        if any(kr.key_result_id == key_result_id for kr in self.key_results):
            raise AlreadyExists("KeyResult", key_result_id, within=self.id)
        title = require_text(title, "title", "a key result's title")
        start_value = require_measure(start_value, "start_value")
        target_value = require_measure(target_value, "target_value")
        if target_value == start_value:
            raise Invalid(
                f"target_value {target_value!r} equals start_value: progress would be undefined",
                "target_value",
            )
        self.trigger_event(
            self.KeyResultAdded,
            key_result_id=key_result_id,
            title=title,
            unit=unit.strip(),
            start_value=start_value,
            target_value=target_value,
            **meta.event_fields(at),
        )

    def check_in(
        self,
        key_result_id: UUID,
        value: float,
        confidence: float | None,
        meta: Meta,
        at: datetime,
    ) -> None:
        """Report a key result's current value; check-ins append."""
        self.key_result(key_result_id)
        self.trigger_event(
            self.KeyResultCheckedIn,
            key_result_id=key_result_id,
            value=require_measure(value, "value"),
            confidence=require_confidence(confidence),
            **meta.event_fields(at),
        )

    def update_key_result(
        self,
        key_result_id: UUID,
        *,
        title: str | None,
        unit: str | None,
        target_value: float | None,
        meta: Meta,
        at: datetime,
    ) -> None:
        """Change a key result's title, unit or target (None keeps it); the target must
        still differ from the start value. No change records nothing."""
        key_result = self.key_result(key_result_id)
        title = (
            key_result.title
            if title is None
            else require_text(title, "title", "a key result's title")
        )
        unit = key_result.unit if unit is None else unit.strip()
        if target_value is None:
            target_value = key_result.target_value
        target_value = require_measure(target_value, "target_value")
        if target_value == key_result.start_value:
            raise Invalid(
                f"target_value {target_value!r} equals start_value: progress would be undefined",
                "target_value",
            )
        if (title, unit, target_value) == (
            key_result.title,
            key_result.unit,
            key_result.target_value,
        ):
            return
        self.trigger_event(
            self.KeyResultUpdated,
            key_result_id=key_result_id,
            title=title,
            unit=unit,
            target_value=target_value,
            from_title=key_result.title,
            from_unit=key_result.unit,
            from_target_value=key_result.target_value,
            **meta.event_fields(at),
        )

    def remove_key_result(self, key_result_id: UUID, meta: Meta, at: datetime) -> None:
        """Remove a key result; needs a reason."""
        self.key_result(key_result_id)
        require_reason(meta, "removing a key result")
        self.trigger_event(
            self.KeyResultRemoved, key_result_id=key_result_id, **meta.event_fields(at)
        )
