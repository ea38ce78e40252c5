"""Roadmap: a board with a cadence, initiatives in priority order, and its cycles.

Priority order is a list of initiative ids, position 1 = highest priority, always dense.
Cycles are entities of the roadmap: starting one freezes the committed scope into
``CycleStarted``, closing one freezes the outcome into ``CycleClosed`` so that a
retrospective never changes afterwards. A PLANNED cycle can still be changed
(``CycleUpdated``) or cancelled (``CycleCancelled``); a cancelled one no longer counts
for names, overlaps, planning or the order in which cycles start, and nothing can be
aimed at it.
"""

from __future__ import annotations

import copy
import re
from calendar import month_name
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from backend.domain.base import Meta, RoadlogAggregate, require_reason, require_text
from backend.domain.deliverable import Deliverable, Target
from backend.domain.errors import AlreadyExists, ArchivedError, Invalid, NotFound, Ref
from backend.domain.fiscal import quarter_after, quarter_of

CYCLE_STATES = ("PLANNED", "ACTIVE", "CLOSED", "CANCELLED")
DEFAULT_FISCAL_YEAR_START_MONTH = 1
MAX_PLANNED_CYCLES = 26
"""How many cycles one planCycles may create: a year of 2-week cycles."""
FIXED_CYCLE_NAME = re.compile(r"Cycle (\d+)")


@dataclass
class Cycle:
    """One interval of a roadmap's cadence, with strict start and end dates (inclusive)."""

    cycle_id: UUID
    name: str
    starts_on: date
    ends_on: date
    state: str = "PLANNED"
    committed: list[list[UUID]] = field(default_factory=list)

    @property
    def cancelled(self) -> bool:
        return self.state == "CANCELLED"

    def overlaps(self, starts_on: date, ends_on: date) -> bool:
        """Whether [starts_on, ends_on] shares at least one day with this cycle."""
        return self.starts_on <= ends_on and starts_on <= self.ends_on

    def was_committed(self, initiative_id: UUID, deliverable_id: UUID) -> bool:
        """Whether the deliverable was in the scope frozen when this cycle started."""
        return [initiative_id, deliverable_id] in self.committed

    def __deepcopy__(self, memo: dict[int, Any]) -> Cycle:
        """New lists for the committed scope; its ids and the other fields are immutable
        and shared (see ``Entity``)."""
        return replace(self, committed=[list(pair) for pair in self.committed])


def check_cadence(
    fiscal_year_start_month: int | None,
    cycle_weeks: int | None,
    anchor_date: date | None,
    releases: bool = False,
) -> tuple[int | None, int | None, date | None]:
    """Quarters from a fiscal-year start month (default January), fixed cycles, or
    releases: cycles dated one by one, of any length (all three fields None)."""
    fixed = cycle_weeks is not None or anchor_date is not None
    if releases:
        if fixed or fiscal_year_start_month is not None:
            raise Invalid(
                "a cadence of releases dates each cycle on its own: it takes neither"
                " fiscal_year_start_month nor cycle_weeks and anchor_date",
                "releases",
            )
        return None, None, None
    if fixed and fiscal_year_start_month is not None:
        raise Invalid(
            "a cadence is either quarters (fiscal_year_start_month) or fixed cycles"
            " (cycle_weeks and anchor_date), not both",
            "cadence",
        )
    if not fixed:
        month = (
            DEFAULT_FISCAL_YEAR_START_MONTH
            if fiscal_year_start_month is None
            else fiscal_year_start_month
        )
        if not 1 <= month <= 12:
            raise Invalid(
                f"fiscal_year_start_month {month!r} is not a month (1..12)",
                "fiscal_year_start_month",
            )
        return month, None, None
    if cycle_weeks is None:
        raise Invalid("fixed cycles need cycle_weeks as well as anchor_date", "cycle_weeks")
    if anchor_date is None:
        raise Invalid("fixed cycles need anchor_date as well as cycle_weeks", "anchor_date")
    if cycle_weeks <= 0:
        raise Invalid(f"cycle_weeks {cycle_weeks!r} must be positive", "cycle_weeks")
    return None, cycle_weeks, anchor_date


def check_plan_count(count: int) -> int:
    """How many cycles one planning may create: 1..MAX_PLANNED_CYCLES, else Invalid."""
    if not 1 <= count <= MAX_PLANNED_CYCLES:
        raise Invalid(f"count {count} is not within 1..{MAX_PLANNED_CYCLES}", "count")
    return count


def cycle_outcome(
    cycle: Cycle,
    initiative_id: UUID,
    deliverable: Deliverable,
    committed: bool,
    due_on: date | None,
) -> dict[str, Any]:
    """What became of one deliverable at the close of a cycle, frozen for retrospectives.

    ``due_on`` is when it is due now (``Roadmap.due_on``). Carried over: committed, not
    finished, and now due after the cycle ends.
    """
    carried_over = (
        committed and not deliverable.finished and due_on is not None and due_on > cycle.ends_on
    )
    return {
        "initiative_id": initiative_id,
        "deliverable_id": deliverable.deliverable_id,
        "title": deliverable.title,
        "stretch": deliverable.stretch,
        "committed": committed,
        "status": deliverable.status,
        "target_cycle_id": deliverable.target_cycle_id,
        "target_date": deliverable.target_date,
        "due_on": due_on,
        "carried_over": carried_over,
        "first_estimate_weeks": deliverable.first_estimate_weeks,
        "estimate_weeks": deliverable.estimate_weeks,
        "actual_weeks": deliverable.actual_weeks,
        "completed_at": deliverable.completed_at,
    }


class Roadmap(RoadlogAggregate):
    """A team's or organisation's board: cadence, priority order and cycles."""

    name: str = field(init=False)
    team_id: UUID | None = field(init=False)
    fiscal_year_start_month: int | None = field(init=False)
    cycle_weeks: int | None = field(init=False)
    anchor_date: date | None = field(init=False)
    priority: list[UUID] = field(init=False)
    cycles: list[Cycle] = field(init=False)
    archived: bool = field(init=False, default=False)

    def __deepcopy__(self, memo: dict[int, Any]) -> Roadmap:
        """A deep copy, except that its new priority list holds the same ids.

        The repository deep-copies a cached roadmap for every command. UUIDs are
        immutable, but ``copy.deepcopy`` rebuilds each one (see ``Entity``): 5 ms for a
        roadmap of 500 initiatives.
        """
        clone = type(self).__new__(type(self))
        memo[id(self)] = clone
        rest = {name: value for name, value in vars(self).items() if name != "priority"}
        clone.__dict__.update(copy.deepcopy(rest, memo))
        clone.priority = list(self.priority)
        return clone

    class Created(RoadlogAggregate.Created):
        """A roadmap was created with its cadence."""

        class_version = 1
        name: str
        team_id: UUID | None
        fiscal_year_start_month: int | None
        cycle_weeks: int | None
        anchor_date: date | None

        def apply(self, aggregate: Roadmap) -> None:
            super().apply(aggregate)
            aggregate.name = self.name
            aggregate.team_id = self.team_id
            aggregate.fiscal_year_start_month = self.fiscal_year_start_month
            aggregate.cycle_weeks = self.cycle_weeks
            aggregate.anchor_date = self.anchor_date
            aggregate.priority = []
            aggregate.cycles = []

    class InitiativePlaced(RoadlogAggregate.Event):
        """An initiative was put on the roadmap at a position; those below moved down."""

        class_version = 1
        initiative_id: UUID
        position: int

        def apply(self, aggregate: Roadmap) -> None:
            aggregate.priority.insert(self.position - 1, self.initiative_id)

    class InitiativeMoved(RoadlogAggregate.Event):
        """An initiative's priority changed from one position to another."""

        class_version = 1
        initiative_id: UUID
        from_position: int
        to_position: int

        def apply(self, aggregate: Roadmap) -> None:
            aggregate.priority.pop(self.from_position - 1)
            aggregate.priority.insert(self.to_position - 1, self.initiative_id)

    class InitiativeRemoved(RoadlogAggregate.Event):
        """An initiative was taken off the roadmap; those below moved up."""

        class_version = 1
        initiative_id: UUID
        from_position: int

        def apply(self, aggregate: Roadmap) -> None:
            aggregate.priority.pop(self.from_position - 1)

    class CycleCreated(RoadlogAggregate.Event):
        """A cycle was planned on the roadmap."""

        class_version = 1
        cycle_id: UUID
        name: str
        starts_on: date
        ends_on: date

        def apply(self, aggregate: Roadmap) -> None:
            aggregate.cycles.append(Cycle(self.cycle_id, self.name, self.starts_on, self.ends_on))

    class CycleUpdated(RoadlogAggregate.Event):
        """A planned cycle was renamed or moved: its name and dates before and now."""

        class_version = 1
        cycle_id: UUID
        from_name: str
        from_starts_on: date
        from_ends_on: date
        name: str
        starts_on: date
        ends_on: date

        def apply(self, aggregate: Roadmap) -> None:
            cycle = aggregate.cycle(self.cycle_id)
            cycle.name = self.name
            cycle.starts_on = self.starts_on
            cycle.ends_on = self.ends_on

    class CycleCancelled(RoadlogAggregate.Event):
        """A planned cycle was cancelled (the reason says why); it will never start."""

        class_version = 1
        cycle_id: UUID

        def apply(self, aggregate: Roadmap) -> None:
            aggregate.cycle(self.cycle_id).state = "CANCELLED"

    class CycleStarted(RoadlogAggregate.Event):
        """A cycle started; ``committed`` is its frozen scope, [initiative_id, deliverable_id]."""

        class_version = 1
        cycle_id: UUID
        committed: list[list[UUID]]

        def apply(self, aggregate: Roadmap) -> None:
            cycle = aggregate.cycle(self.cycle_id)
            cycle.state = "ACTIVE"
            cycle.committed = [list(pair) for pair in self.committed]

    class CycleClosed(RoadlogAggregate.Event):
        """A cycle closed; ``outcome`` is what became of each deliverable (see cycle_outcome)."""

        class_version = 1
        cycle_id: UUID
        outcome: list[dict[str, Any]]

        def apply(self, aggregate: Roadmap) -> None:
            cycle = aggregate.cycle(self.cycle_id)
            cycle.state = "CLOSED"
            # Only closing needed the frozen scope. Its events and the roadmap read model
            # keep it; kept in state, every closed cycle would make every command on
            # the roadmap slower (each one copies the roadmap's state).
            cycle.committed = []

    class Renamed(RoadlogAggregate.Event):
        """The roadmap was renamed from ``from_name`` to ``name``."""

        class_version = 1
        from_name: str
        name: str

        def apply(self, aggregate: Roadmap) -> None:
            aggregate.name = self.name

    class Archived(RoadlogAggregate.Event):
        """The roadmap was archived: read-only from then on, out of the list of roadmaps."""

        class_version = 1

        def apply(self, aggregate: Roadmap) -> None:
            aggregate.archived = True

    @classmethod
    def create(
        cls,
        *,
        id: UUID,
        name: str,
        team_id: UUID | None,
        fiscal_year_start_month: int | None,
        cycle_weeks: int | None,
        anchor_date: date | None,
        meta: Meta,
        at: datetime,
        releases: bool = False,
    ) -> Roadmap:
        """Create a roadmap; its cadence is quarters (default), fixed cycles or releases."""
        name = require_text(name, "name", "a roadmap's name")
        month, weeks, anchor = check_cadence(
            fiscal_year_start_month, cycle_weeks, anchor_date, releases
        )
        return cls._create(
            cls.Created,
            id=id,
            name=name,
            team_id=team_id,
            fiscal_year_start_month=month,
            cycle_weeks=weeks,
            anchor_date=anchor,
            **meta.event_fields(at),
        )

    @property
    def releases(self) -> bool:
        """Cycles are releases, each dated on its own: neither quarters nor fixed cycles."""
        return self.fiscal_year_start_month is None and self.cycle_weeks is None

    def require_active(self, field: str = "roadmap_id") -> None:
        """An archived roadmap takes no change at all: ArchivedError."""
        if self.archived:
            raise ArchivedError("Roadmap", self.id, field)

    def trigger_event(self, *args: Any, **kwargs: Any) -> None:
        """Every change of an archived roadmap (its order, its cycles, its name) is refused
        before it is recorded: one place, so that no command can forget it."""
        self.require_active()
        super().trigger_event(*args, **kwargs)

    def rename(self, name: str, meta: Meta, at: datetime) -> None:
        """Give the roadmap another name (trimmed, not blank); its own name records nothing.

        Uniqueness in the workspace is the command's to check: it spans roadmaps.
        """
        name = require_text(name, "name", "a roadmap's name")
        self.require_active()
        if name == self.name:
            return
        self.trigger_event(self.Renamed, from_name=self.name, name=name, **meta.event_fields(at))

    def archive(self, meta: Meta, at: datetime) -> None:
        """Archive the roadmap; needs a reason."""
        require_reason(meta, "archiving a roadmap")
        self.trigger_event(self.Archived, **meta.event_fields(at))

    def position_of(self, initiative_id: UUID) -> int | None:
        """1-based position of an initiative, or None when it is not on the roadmap."""
        try:
            return self.priority.index(initiative_id) + 1
        except ValueError:
            return None

    def _position_on_roadmap(self, initiative_id: UUID) -> int:
        position = self.position_of(initiative_id)
        if position is None:
            raise Invalid(
                f"initiative {str(initiative_id)!r} is not on roadmap {str(self.id)!r}",
                "initiative_id",
                [Ref("Initiative", (initiative_id,)), Ref("Roadmap", (self.id,))],
            )
        return position

    def placement(self, position: int | None) -> int:
        """Where a new initiative goes: 1..last+1, default last+1; beyond is Invalid."""
        last = len(self.priority) + 1
        position = last if position is None else position
        if not 1 <= position <= last:
            raise Invalid(f"position {position} is not within 1..{last}", "position")
        return position

    def place(self, initiative_id: UUID, position: int | None, meta: Meta, at: datetime) -> None:
        """Put an initiative at a position (default: last); those below move down."""
        if initiative_id in self.priority:
            raise Invalid(
                f"initiative {str(initiative_id)!r} is already on the roadmap",
                "initiative_id",
                [Ref("Initiative", (initiative_id,))],
            )
        self.trigger_event(
            self.InitiativePlaced,
            initiative_id=initiative_id,
            position=self.placement(position),
            **meta.event_fields(at),
        )

    def move(self, initiative_id: UUID, to_position: int, meta: Meta, at: datetime) -> None:
        """Change an initiative's priority; to its current position records nothing."""
        from_position = self._position_on_roadmap(initiative_id)
        if not 1 <= to_position <= len(self.priority):
            raise Invalid(
                f"position {to_position} is not within 1..{len(self.priority)}",
                "to_position",
            )
        if to_position == from_position:
            return
        self.trigger_event(
            self.InitiativeMoved,
            initiative_id=initiative_id,
            from_position=from_position,
            to_position=to_position,
            **meta.event_fields(at),
        )

    def remove(self, initiative_id: UUID, meta: Meta, at: datetime) -> None:
        """Take an initiative off the roadmap; those below move up."""
        from_position = self._position_on_roadmap(initiative_id)
        self.trigger_event(
            self.InitiativeRemoved,
            initiative_id=initiative_id,
            from_position=from_position,
            **meta.event_fields(at),
        )

    def cycle(self, cycle_id: UUID, at_field: str = "cycle_id") -> Cycle:
        """A cycle of this roadmap, or NotFound."""
        for cycle in self.cycles:
            if cycle.cycle_id == cycle_id:
                return cycle
        raise NotFound("Cycle", cycle_id, at_field, within=self.id)

    def create_cycle(
        self,
        *,
        cycle_id: UUID,
        name: str,
        starts_on: date,
        ends_on: date,
        fiscal_year_start_month: int,
        meta: Meta,
        at: datetime,
    ) -> None:
        """Plan a cycle: a unique name, dates not inverted, no overlap with another cycle,
        and dates that fit the cadence (``_fit_cadence``)."""
        if any(other.cycle_id == cycle_id for other in self.cycles):
            raise AlreadyExists("Cycle", cycle_id, within=self.id)
        name = self._check_cycle(name, starts_on, ends_on, None, fiscal_year_start_month)
        self.trigger_event(
            self.CycleCreated,
            cycle_id=cycle_id,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            **meta.event_fields(at),
        )

    def _fit_cadence(self, starts_on: date, ends_on: date, fiscal_year_start_month: int) -> None:
        """Invalid unless the dates make one cycle of the cadence: on fixed cycles exactly
        ``cycle_weeks`` long; on quarters one fiscal quarter of the workspace's fiscal
        year (``fiscal_year_start_month``); releases take any dates."""
        span = f"{starts_on.isoformat()}..{ends_on.isoformat()}"
        if self.cycle_weeks is not None:
            days = (ends_on - starts_on).days + 1
            if days != self.cycle_weeks * 7:
                fitting = starts_on + timedelta(weeks=self.cycle_weeks, days=-1)
                raise Invalid(
                    f"{span} is {days} days; this roadmap's cycles are {self.cycle_weeks}"
                    f" weeks ({self.cycle_weeks * 7} days, first to last day inclusive):"
                    f" from {starts_on.isoformat()} that ends on {fitting.isoformat()}",
                    "ends_on",
                )
        elif not self.releases:
            quarter = quarter_of(starts_on, fiscal_year_start_month)
            if (starts_on, ends_on) != (quarter.starts_on, quarter.ends_on):
                raise Invalid(
                    f"{span} is not a fiscal quarter; this roadmap's cycles are the"
                    f" workspace's fiscal quarters (its fiscal year starts in"
                    f" {month_name[fiscal_year_start_month]}; setFiscalYear changes it):"
                    f" {quarter.name} runs"
                    f" {quarter.starts_on.isoformat()}..{quarter.ends_on.isoformat()}",
                    "ends_on" if starts_on == quarter.starts_on else "starts_on",
                )

    def _check_cycle(
        self,
        name: str,
        starts_on: date,
        ends_on: date,
        cycle_id: UUID | None,
        fiscal_year_start_month: int | None,
    ) -> str:
        """The trimmed name, if a cycle so named and dated fits among the other cycles
        (all but ``cycle_id`` and the cancelled ones) and, unless
        ``fiscal_year_start_month`` is None (dates kept as they are), the cadence."""
        name = require_text(name, "name", "a cycle's name")
        if starts_on > ends_on:
            raise Invalid(
                f"cycle dates are inverted: starts_on {starts_on.isoformat()}"
                f" is after ends_on {ends_on.isoformat()}",
                "ends_on",
            )
        if fiscal_year_start_month is not None:
            self._fit_cadence(starts_on, ends_on, fiscal_year_start_month)
        for other in self.cycles:
            if other.cycle_id == cycle_id or other.cancelled:
                continue
            if other.name.casefold() == name.casefold():
                raise Invalid(f"this roadmap already has a cycle named {other.name!r}", "name")
            if other.overlaps(starts_on, ends_on):
                raise Invalid(
                    f"{starts_on.isoformat()}..{ends_on.isoformat()} overlaps cycle"
                    f" {other.name!r} ({other.starts_on.isoformat()}..{other.ends_on.isoformat()})",
                    "starts_on",
                )
        return name

    def plan_cycles(
        self,
        *,
        cycle_ids: list[UUID],
        fiscal_year_start_month: int,
        meta: Meta,
        at: datetime,
    ) -> None:
        """Create the next ``len(cycle_ids)`` cycles of the cadence after the last cycle;
        releases have none to plan from (Invalid).

        Fixed cycles follow the grid of ``cycle_weeks`` from ``anchor_date`` (the first
        is the anchor's when there is no cycle yet) and are named "Cycle N", continuing
        the highest such number. Quarters are the fiscal quarters of
        ``fiscal_year_start_month``, named like "FY2027 Q1", the first being the quarter
        of ``at`` when there is no cycle yet. Cancelled cycles do not count.
        """
        count = check_plan_count(len(cycle_ids))
        if self.releases:
            raise Invalid(
                "this roadmap's cycles are releases, dated one by one: there is no cadence"
                " to plan them from; create each cycle with its dates",
                "roadmap_id",
            )
        live = [cycle for cycle in self.cycles if not cycle.cancelled]
        last_end = max((cycle.ends_on for cycle in live), default=None)
        planned = self._next_cycles(count, live, last_end, fiscal_year_start_month, at)
        for cycle_id, (name, starts_on, ends_on) in zip(cycle_ids, planned, strict=True):
            self.create_cycle(
                cycle_id=cycle_id,
                name=name,
                starts_on=starts_on,
                ends_on=ends_on,
                fiscal_year_start_month=fiscal_year_start_month,
                meta=meta,
                at=at,
            )

    def _next_cycles(
        self,
        count: int,
        live: list[Cycle],
        last_end: date | None,
        fiscal_year_start_month: int,
        at: datetime,
    ) -> list[tuple[str, date, date]]:
        if self.cycle_weeks is None or self.anchor_date is None:
            quarter = quarter_of(
                at.date() if last_end is None else last_end, fiscal_year_start_month
            )
            if last_end is not None and quarter.starts_on <= last_end:
                quarter = quarter_after(quarter, fiscal_year_start_month)
            quarters = [quarter]
            while len(quarters) < count:
                quarters.append(quarter_after(quarters[-1], fiscal_year_start_month))
            return [(q.name, q.starts_on, q.ends_on) for q in quarters]
        length = timedelta(weeks=self.cycle_weeks)
        index = 0
        if last_end is not None:
            # The first slot of the grid that starts after the last cycle ends.
            index = -((self.anchor_date - last_end - timedelta(days=1)) // length)
        numbers = [
            int(found.group(1))
            for cycle in live
            if (found := FIXED_CYCLE_NAME.fullmatch(cycle.name)) is not None
        ]
        first_number = max(numbers, default=0) + 1
        return [
            (
                f"Cycle {first_number + n}",
                self.anchor_date + length * (index + n),
                self.anchor_date + length * (index + n + 1) - timedelta(days=1),
            )
            for n in range(count)
        ]

    def update_cycle(
        self,
        cycle_id: UUID,
        *,
        name: str | None,
        starts_on: date | None,
        ends_on: date | None,
        fiscal_year_start_month: int,
        meta: Meta,
        at: datetime,
    ) -> None:
        """Rename or move a PLANNED cycle under the rules of a new one; no change: nothing.

        New dates must fit the cadence; a rename alone keeps the dates it has."""
        cycle = self._planned(cycle_id, "changed")
        dates = (
            cycle.starts_on if starts_on is None else starts_on,
            cycle.ends_on if ends_on is None else ends_on,
        )
        moved = dates != (cycle.starts_on, cycle.ends_on)
        new_name = self._check_cycle(
            cycle.name if name is None else name,
            *dates,
            cycle_id,
            fiscal_year_start_month if moved else None,
        )
        changed = (new_name, *dates)
        if changed == (cycle.name, cycle.starts_on, cycle.ends_on):
            return
        self.trigger_event(
            self.CycleUpdated,
            cycle_id=cycle_id,
            from_name=cycle.name,
            from_starts_on=cycle.starts_on,
            from_ends_on=cycle.ends_on,
            name=changed[0],
            starts_on=changed[1],
            ends_on=changed[2],
            **meta.event_fields(at),
        )

    def cancel_cycle(self, cycle_id: UUID, meta: Meta, at: datetime) -> None:
        """Cancel a PLANNED cycle; it needs a reason."""
        self._planned(cycle_id, "cancelled")
        require_reason(meta, "cancelling a cycle")
        self.trigger_event(self.CycleCancelled, cycle_id=cycle_id, **meta.event_fields(at))

    def _planned(self, cycle_id: UUID, what: str) -> Cycle:
        cycle = self.cycle(cycle_id)
        if cycle.state != "PLANNED":
            raise Invalid(
                f"cycle {cycle.name!r} is {cycle.state}; only a PLANNED cycle can be {what}",
                "cycle_id",
            )
        return cycle

    def start_cycle(
        self, cycle_id: UUID, committed: list[list[UUID]], meta: Meta, at: datetime
    ) -> None:
        """Start a PLANNED cycle, freezing its committed scope; one ACTIVE cycle at a time."""
        self.cycle_to_start(cycle_id)
        self.trigger_event(
            self.CycleStarted,
            cycle_id=cycle_id,
            committed=[list(pair) for pair in committed],
            **meta.event_fields(at),
        )

    def cycle_to_start(self, cycle_id: UUID) -> Cycle:
        """The cycle, if it may start now: PLANNED, no other cycle ACTIVE, and every
        earlier cycle (by start date) closed or cancelled."""
        cycle = self.cycle(cycle_id)
        if cycle.state != "PLANNED":
            raise Invalid(
                f"cycle {cycle.name!r} is {cycle.state}; only a PLANNED cycle can start",
                "cycle_id",
            )
        for other in self.cycles:
            if other.state == "ACTIVE":
                raise Invalid(
                    f"cycle {other.name!r} is still ACTIVE; close it before starting another",
                    "cycle_id",
                )
        for other in sorted(self.cycles, key=lambda c: c.starts_on):
            if other.starts_on < cycle.starts_on and other.state == "PLANNED":
                raise Invalid(
                    f"cycle {other.name!r} ({other.starts_on.isoformat()}) comes before"
                    f" {cycle.name!r} and is still PLANNED; start and close it, or cancel"
                    " it, first",
                    "cycle_id",
                )
        return cycle

    def close_cycle(
        self, cycle_id: UUID, outcome: list[dict[str, Any]], meta: Meta, at: datetime
    ) -> None:
        """Close the ACTIVE cycle, freezing what became of its deliverables."""
        self.cycle_to_close(cycle_id)
        self.trigger_event(
            self.CycleClosed, cycle_id=cycle_id, outcome=outcome, **meta.event_fields(at)
        )

    def cycle_to_close(self, cycle_id: UUID) -> Cycle:
        """The cycle, if it may close now (ACTIVE)."""
        cycle = self.cycle(cycle_id)
        if cycle.state != "ACTIVE":
            raise Invalid(
                f"cycle {cycle.name!r} is {cycle.state}; only an ACTIVE cycle can close",
                "cycle_id",
            )
        return cycle

    def due_on(self, deliverable: Deliverable) -> date | None:
        """When a deliverable of this roadmap is due: its target date, or the last day of
        its target cycle as the cycle is now (moving a cycle moves what it is due on)."""
        if deliverable.target_cycle_id is not None:
            return self.cycle(deliverable.target_cycle_id).ends_on
        return deliverable.target_date

    def target(
        self, cycle_id: UUID | None, target_date: date | None, field_prefix: str = ""
    ) -> Target | None:
        """A deliverable target: a cycle of this roadmap (due when it ends) or a date.

        Both is Invalid; neither is no target (None).
        """
        if cycle_id is not None and target_date is not None:
            raise Invalid(
                "a target is either a cycle or a date, not both", f"{field_prefix}target_date"
            )
        if cycle_id is not None:
            cycle = self.cycle(cycle_id, f"{field_prefix}target_cycle_id")
            if cycle.cancelled:
                raise Invalid(
                    f"cycle {cycle.name!r} was cancelled; aim at another cycle or a date",
                    f"{field_prefix}target_cycle_id",
                )
            return Target(cycle_id, None, cycle.ends_on)
        if target_date is not None:
            return Target(None, target_date, target_date)
        return None
