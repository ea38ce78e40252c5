"""The roadmap's GraphQL types below initiatives: Team, Cadence, Cycle, Deliverable.

Each object is built from read-model rows as they were at the view's instant (``at``;
None: now) and carries that instant down, so that everything reachable from a
``roadmap(asOf:)`` describes the same moment. Relations resolve through the batched,
workspace-scoped row loaders of ``schema.roadmap.rows``. Initiatives live in
``schema.initiatives`` (they share a home with the key results they ladder up to), the
Roadmap in ``schema.roadmap.roadmaps``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from uuid import UUID

import strawberry

from projections.roadmap_queries import Row, cycle_state, decimal
from schema.context import Info
from schema.permissions import require
from schema.relay import Node, to_global_id
from schema.roadmap.rows import cycle_rows, estimate_rows, team_rows


@strawberry.enum(description="Where a deliverable stands, as teams say it in their roadmaps.")
class DeliverableStatus(Enum):
    PLANNED = "PLANNED"
    IN_PROGRESS = "IN_PROGRESS"
    POSSIBLE_DELAY = "POSSIBLE_DELAY"
    AT_RISK = "AT_RISK"
    DONE = "DONE"
    WONT_DO = "WONT_DO"


@strawberry.enum(description="What kind of work an initiative is.")
class InitiativeKind(Enum):
    FEATURE = "FEATURE"
    TECH_DEBT = "TECH_DEBT"
    OPERATIONS = "OPERATIONS"
    RESEARCH = "RESEARCH"
    OTHER = "OTHER"


@strawberry.enum(
    description="A cycle is planned, then active (scope frozen), then closed; a planned one"
    " may be cancelled instead."
)
class CycleState(Enum):
    PLANNED = "PLANNED"
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


@strawberry.type(description='Who owns work ("SRE", "sig-node").')
class Team(Node):
    name: str = strawberry.field(description="The team's name.")
    archived: bool = strawberry.field(
        description="Archived: read-only, and out of `teams` unless asked for."
    )

    @classmethod
    def of(cls, row: Row) -> Team:
        return cls(id=to_global_id("Team", row["id"]), name=row["name"], archived=row["archived"])


async def team_of(info: Info, team_id: UUID | None) -> Team | None:
    """The team of an initiative, roadmap or objective (None when it names none)."""
    if team_id is None:
        return None
    [row] = await team_rows(info, [team_id])
    return None if row is None else Team.of(row)


@strawberry.type(
    description="How time is cut: fiscal quarters (fiscalYearStartMonth 1..12), fixed"
    " cycles of cycleWeeks from anchorDate, or releases (each cycle dated on its own)."
)
class Cadence:
    fiscal_year_start_month: int | None = strawberry.field(
        description="The fiscal-year start month given when the roadmap was created (1..12),"
        " for quarters. Quarters in reports and planned quarter cycles follow the workspace's"
        " fiscal year instead (Workspace.fiscalYearStartMonth)."
    )
    cycle_weeks: int | None = strawberry.field(description="Length of fixed cycles in weeks.")
    anchor_date: date | None = strawberry.field(description="Start of the first fixed cycle.")

    @strawberry.field(
        description="Cycles are releases, each created with its own dates, of any length;"
        " planCycles has no cadence to plan them from. False for quarters and fixed cycles."
    )
    def releases(self) -> bool:
        return self.fiscal_year_start_month is None and self.cycle_weeks is None


@strawberry.type(description="One interval of a roadmap's cadence, with strict dates.")
class Cycle(Node):
    name: str = strawberry.field(description="The cycle's name, unique on its roadmap.")
    starts_on: date = strawberry.field(description="First day (inclusive).")
    ends_on: date = strawberry.field(description="Last day (inclusive).")
    state: CycleState = strawberry.field(description="State at the instant of the view.")
    roadmap_id: strawberry.Private[UUID]
    cycle_id: strawberry.Private[UUID]

    @classmethod
    def of(cls, row: Row, at: datetime | None, recorded: int | None = None) -> Cycle:
        """A cycle at business time ``at`` (None: now), as the log stood at position
        ``recorded`` (None: all of it)."""
        return cls(
            id=to_global_id("Cycle", row["roadmap_id"], row["cycle_id"]),
            name=row["name"],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            state=CycleState(cycle_state(row, at, recorded)),
            roadmap_id=row["roadmap_id"],
            cycle_id=row["cycle_id"],
        )


@strawberry.type(description="One estimate generation; re-estimating adds one, never overwrites.")
class EstimateGeneration:
    weeks: Decimal = strawberry.field(description="Estimated effort in resource-weeks.")
    confidence: float | None = strawberry.field(description="Confidence 0..1, if given.")
    reason: str = strawberry.field(description="Why it was (re-)estimated.")
    at: datetime = strawberry.field(description="Business time of the estimate.")
    actor: str = strawberry.field(description="Who estimated.")

    @classmethod
    def of(cls, row: Row) -> EstimateGeneration:
        return cls(
            weeks=Decimal(row["weeks"]),
            confidence=row["confidence"],
            reason=row["reason"],
            at=row["at"],
            actor=row["actor"],
        )


@strawberry.type(description="A concrete outcome of an initiative.")
class Deliverable(Node):
    title: str = strawberry.field(description="What will be delivered.")
    stretch: bool = strawberry.field(description="A stretch goal: nice to have this cycle.")
    status: DeliverableStatus = strawberry.field(description="Status at the view's instant.")
    estimate_weeks: Decimal | None = strawberry.field(
        description="Latest estimate in resource-weeks."
    )
    actual_weeks: Decimal = strawberry.field(description="Effort logged so far, in weeks.")
    target_date: date | None = strawberry.field(description="Target date, when aimed at one.")
    completed_at: datetime | None = strawberry.field(description="When it became DONE.")
    initiative_id: strawberry.Private[UUID]
    deliverable_id: strawberry.Private[UUID]
    roadmap_id: strawberry.Private[UUID]
    target_cycle_id: strawberry.Private[UUID | None]
    at: strawberry.Private[datetime | None]

    @classmethod
    def of(cls, row: Row, at: datetime | None) -> Deliverable:
        return cls(
            id=to_global_id("Deliverable", row["initiative_id"], row["deliverable_id"]),
            title=row["title"],
            stretch=row["stretch"],
            status=DeliverableStatus(row["status"]),
            estimate_weeks=decimal(row["estimate_weeks"]),
            actual_weeks=Decimal(row["actual_weeks"]),
            target_date=row["target_date"],
            completed_at=row["completed_at"],
            initiative_id=row["initiative_id"],
            deliverable_id=row["deliverable_id"],
            roadmap_id=row["roadmap_id"],
            target_cycle_id=row["target_cycle_id"],
            at=at,
        )

    @strawberry.field(description="Every estimate generation, oldest first.")
    async def estimates(self, info: Info) -> list[EstimateGeneration]:
        require(info)
        [rows] = await estimate_rows(info, [(self.initiative_id, self.deliverable_id)], self.at)
        return [EstimateGeneration.of(row) for row in rows]

    @strawberry.field(description="The cycle it is aimed at, when aimed at one.")
    async def target_cycle(self, info: Info) -> Cycle | None:
        require(info)
        if self.target_cycle_id is None:
            return None
        [row] = await cycle_rows(info, [(self.roadmap_id, self.target_cycle_id)], self.at)
        return None if row is None else Cycle.of(row, self.at)
