"""Deliverables: the concrete outcomes of an initiative (entities of the Initiative).

Their state lives inside the Initiative aggregate; the events that change it are the
Initiative's (``Initiative.DeliverableAdded``, ``Initiative.DeliverableStatusChanged``, ...).
This module holds the entity, the input of a new deliverable and the pure rules on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from backend.domain.base import (
    Entity,
    Value,
    require_choice,
    require_positive_weeks,
    require_text,
)
from backend.domain.errors import Invalid

STATUSES = ("PLANNED", "IN_PROGRESS", "POSSIBLE_DELAY", "AT_RISK", "DONE", "WONT_DO")
"""Deliverable statuses, as teams already use them in roadmap spreadsheets."""

FINISHED = ("DONE", "WONT_DO")
"""Statuses that end a deliverable; leaving one is a reopen and needs a reason."""


@dataclass(frozen=True)
class Estimate(Value):
    """One estimate generation: re-estimating appends a generation, never overwrites."""

    weeks: Decimal
    confidence: float | None
    generation: int


@dataclass
class Deliverable(Entity):
    """A concrete outcome of an initiative, as its events left it.

    Of its estimate generations it keeps only the first and the latest: that is all a
    command decides on, and state that grew with every re-estimate would make every
    command on the initiative slower (the log and the read models keep them all).
    """

    deliverable_id: UUID
    title: str
    stretch: bool
    status: str = "PLANNED"
    first_estimate: Estimate | None = None
    latest_estimate: Estimate | None = None
    target_cycle_id: UUID | None = None
    target_date: date | None = None
    target_due_on: date | None = None
    """The due date its last retarget recorded, kept as snapshots hold it. A cycle's end
    moves when the cycle is moved: commands ask ``Roadmap.due_on`` instead."""
    actual_weeks: Decimal = Decimal(0)
    completed_at: datetime | None = None

    @property
    def finished(self) -> bool:
        """DONE or WONT_DO."""
        return self.status in FINISHED

    @property
    def first_estimate_weeks(self) -> Decimal | None:
        """The first estimate generation's weeks, if it was ever estimated."""
        return self.first_estimate.weeks if self.first_estimate else None

    @property
    def estimate_weeks(self) -> Decimal | None:
        """The latest estimate generation's weeks, if it was ever estimated."""
        return self.latest_estimate.weeks if self.latest_estimate else None

    @property
    def generations(self) -> int:
        """How many estimate generations it has had."""
        return self.latest_estimate.generation if self.latest_estimate else 0

    def estimated(self, estimate: Estimate) -> None:
        """Take ``estimate`` as the latest generation (and the first, if it is)."""
        if self.first_estimate is None:
            self.first_estimate = estimate
        self.latest_estimate = estimate

    def has_target(self, cycle_id: UUID | None, target_date: date | None) -> bool:
        """Whether the current target is exactly this cycle or date."""
        return self.target_cycle_id == cycle_id and self.target_date == target_date


@dataclass(frozen=True)
class NewDeliverable:
    """The input of a deliverable to add, with an optional first estimate, target and status."""

    title: str
    stretch: bool = False
    estimate_weeks: Decimal | None = None
    target_cycle_id: UUID | None = None
    target_date: date | None = None
    id: UUID | None = None
    status: str = "PLANNED"

    def checked(self, field_prefix: str) -> NewDeliverable:
        """A trimmed copy, or Invalid naming the field (``deliverables.0.title``)."""
        title = require_text(self.title, f"{field_prefix}.title", "a deliverable's title")
        if self.estimate_weeks is not None:
            require_positive_weeks(self.estimate_weeks, f"{field_prefix}.estimate_weeks")
        if self.target_cycle_id is not None and self.target_date is not None:
            raise Invalid(
                "a target is either a cycle or a date, not both",
                f"{field_prefix}.target_date",
            )
        require_choice(self.status, STATUSES, f"{field_prefix}.status")
        return NewDeliverable(
            title=title,
            stretch=self.stretch,
            estimate_weeks=self.estimate_weeks,
            target_cycle_id=self.target_cycle_id,
            target_date=self.target_date,
            id=self.id,
            status=self.status,
        )


@dataclass(frozen=True)
class Target:
    """Where a deliverable is aimed: a cycle (due when it ends) or a date."""

    cycle_id: UUID | None
    target_date: date | None
    due_on: date


def is_slip(previous_due_on: date | None, due_on: date) -> bool:
    """A retarget slips when there was a target and the new one is due later."""
    return previous_due_on is not None and due_on > previous_due_on
