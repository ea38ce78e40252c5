"""What every roadlog aggregate and event has in common.

Every event carries the workspace it belongs to, the actor who caused it (from the API
token), the human reason, its business time ``effective_at`` (when it happened, which an
importer or an admin may set in the past) and the decision that drove it, if any. The
library's own ``timestamp`` is when it was recorded.

Decide, then record: public command methods validate and raise a ``DomainError``; the
``apply`` methods of events only assign state, because they run again on every load and
must never fail on old history when a rule is tightened later.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from backend.domain.errors import Forbidden, Invalid, ReasonRequired

MAX_WEEKS = Decimal(5000)
"""The most resource-weeks one estimate or one effort entry holds (some 100 people for a
year): any more is a typo, and reports must add up every value ever accepted."""

WEEKS_STEP = Decimal("0.01")
"""Resource-weeks come in hundredths at most."""

MAX_MEASURE = 1e15
"""The largest magnitude of a key result's value: doubles still count whole units exactly
there, and progress, (current - start) / (target - start), stays finite."""


@dataclass(frozen=True)
class Meta:
    """The who, why and when of one command, copied onto each event it records."""

    workspace_id: UUID
    actor: str
    reason: str = ""
    effective_at: datetime | None = None
    decision_id: UUID | None = None

    def event_fields(self, effective_at: datetime) -> dict[str, Any]:
        return {
            "workspace_id": self.workspace_id,
            "actor": self.actor,
            "reason": self.reason,
            "effective_at": effective_at,
            "decision_id": self.decision_id,
        }


class Entity:
    """A mutable entity kept in an aggregate's state whose fields all hold immutable
    values: ids, text, numbers, dates and ``Value`` objects.

    The repository deep-copies a cached aggregate for every command, and
    ``copy.deepcopy`` rebuilds every UUID and date it meets (some 10 µs apiece). For such
    an entity, a new instance holding the same values is already a deep copy.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return copy.copy(self)


class Value:
    """An immutable value kept in an aggregate's state (a frozen dataclass of immutable
    values): its deep copy is itself."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self


class RoadlogAggregate(Aggregate):
    """Base of every aggregate: workspace-scoped, with its latest business time.

    State attributes are declared ``name: T = field(init=False)``: the library makes an
    aggregate class a dataclass, and state is assigned only by the events' ``apply``.
    """

    workspace_id: UUID = field(init=False)
    last_effective_at: datetime = field(init=False)

    class Event(Aggregate.Event):
        workspace_id: UUID
        actor: str
        reason: str
        effective_at: datetime
        decision_id: UUID | None

        def mutate(self, aggregate: Any) -> Any:
            aggregate = super().mutate(aggregate)
            aggregate.last_effective_at = self.effective_at
            return aggregate

    class Created(Event, Aggregate.Created):
        def apply(self, aggregate: Any) -> None:
            aggregate.workspace_id = self.workspace_id

    def business_time(self, meta: Meta, now: datetime) -> datetime:
        """The business time for a change to this aggregate, checked against its history."""
        return business_time(meta, now, self)


def business_time(meta: Meta, now: datetime, *changed: RoadlogAggregate) -> datetime:
    """When a command's events happen, in business time.

    Unset: now, or the latest business time of a changed aggregate if the clock of this
    server is behind another's. Set (backfilling): never in the future and never before
    the latest business time of an aggregate the command changes, so each aggregate's
    history stays in business-time order.
    """
    latest = max((aggregate.last_effective_at for aggregate in changed), default=None)
    if meta.effective_at is None:
        return now if latest is None or latest <= now else latest
    at = meta.effective_at
    if at.tzinfo is None:
        raise Invalid(f"effective_at {at.isoformat()!r} has no UTC offset", "effective_at")
    if at > now:
        raise Invalid(f"effective_at {at.isoformat()!r} is in the future", "effective_at")
    if latest is not None and at < latest:
        raise Invalid(
            f"effective_at {at.isoformat()!r} is before {latest.isoformat()!r},"
            " the latest change already recorded",
            "effective_at",
        )
    return at.astimezone(UTC)


def require_backfill_allowed(meta: Meta, may_backfill: bool) -> None:
    """Only admins may set business time explicitly."""
    if meta.effective_at is not None and not may_backfill:
        raise Forbidden("only admins may set effectiveAt to backfill history", "effective_at")


def is_blank(text: str) -> bool:
    """Empty or only whitespace: what no required text may be (titles, names, reasons)."""
    return not text.strip()


def require_text(value: str, field: str, what: str) -> str:
    """The value trimmed; blank is Invalid."""
    if is_blank(value):
        raise Invalid(f"{what} must not be blank, got {value!r}", field)
    return value.strip()


def require_texts(values: Iterable[str], field: str, what: str) -> list[str]:
    """Each value trimmed, in order; a blank one is Invalid."""
    return [require_text(value, field, what) for value in values]


def require_choice(value: str, choices: tuple[str, ...], field: str) -> str:
    """One of the choices (enum names such as "FEATURE"); anything else is Invalid."""
    if value not in choices:
        raise Invalid(f"{value!r} is not one of {', '.join(choices)}", field)
    return value


def require_reason(meta: Meta, what: str) -> None:
    """Some changes must say why (priority moves, retargets, reopening)."""
    if is_blank(meta.reason):
        raise ReasonRequired(f"{what} needs a reason: say why")


def require_measure(value: float, field: str) -> float:
    """A key result's value: a finite number within ±MAX_MEASURE; else Invalid saying which."""
    if not math.isfinite(value):
        raise Invalid(f"{field} must be a finite number, got {value!r}", field)
    if abs(value) > MAX_MEASURE:
        raise Invalid(
            f"{field} must be between -{MAX_MEASURE:g} and {MAX_MEASURE:g}, got {value!r}", field
        )
    return float(value)


def require_confidence(value: float | None, field: str = "confidence") -> float | None:
    """A confidence is optional and, when given, within 0..1."""
    if value is None:
        return None
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise Invalid(f"confidence {value!r} is not within 0..1", field)
    return float(value)


def require_positive_weeks(value: Decimal, field: str = "weeks") -> Decimal:
    """Resource-weeks of an estimate or of logged effort: positive, at most MAX_WEEKS, in
    hundredths at most; else Invalid saying which bound."""
    if not value.is_finite() or value <= 0:
        raise Invalid(f"weeks must be a positive number, got {str(value)!r}", field)
    if value > MAX_WEEKS:
        raise Invalid(f"weeks must be at most {MAX_WEEKS}, got {str(value)!r}", field)
    if value != value.quantize(WEEKS_STEP):
        raise Invalid(f"weeks must have at most 2 decimals, got {str(value)!r}", field)
    return value


def storable_text_problem(value: object) -> str | None:
    """Why ``value`` (or a string inside it) cannot be stored and projected, if it cannot.

    PostgreSQL text refuses NUL characters, and a lone surrogate has no UTF-8 encoding: an
    event carrying either would be recorded but could never be projected.
    """
    if isinstance(value, str):
        if "\x00" in value:
            return "contains a NUL character"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "is not valid Unicode text"
        return None
    if isinstance(value, (list, tuple)):
        return next(filter(None, map(storable_text_problem, value)), None)
    if isinstance(value, dict):
        return next(
            filter(None, map(storable_text_problem, [*value.keys(), *value.values()])), None
        )
    return None


def require_storable(events: Iterable[Any]) -> None:
    """Every text of the events can be stored and projected; Invalid naming the field else.

    The last check before recording, for every command at once, so no field is forgotten.
    """
    for event in events:
        for name, value in vars(event).items():
            problem = storable_text_problem(value)
            if problem is not None:
                raise Invalid(f"{name} {problem}", name)
