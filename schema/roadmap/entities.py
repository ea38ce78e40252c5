"""The roadmap's GraphQL types: Team, Roadmap, Cadence, Cycle, Initiative, Deliverable.

Each object is built from read-model rows as they were at the view's instant (``at``;
None: now) and carries that instant down, so that everything reachable from a
``roadmap(asOf:)`` describes the same moment. Relations resolve through the batched,
workspace-scoped loaders of ``schema.roadmap.loaders``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from projections.roadmap_queries import RoadmapRows, Row, cycle_state, decimal, rolled_up
from schema.context import Info
from schema.permissions import require
from schema.relay import Node, to_global_id

if TYPE_CHECKING:
    from graphql import GraphQLObjectType
    from graphql.execution.collect_fields import FieldDetailsList
    from graphql.pyutils import Path

    from schema.reports.types import Alignment
    from schema.roadmap.history import TimelineConnection
    from schema.roadmap.shaped import ShapingExecutionContext


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


@strawberry.enum(description="A cycle is planned, then active (scope frozen), then closed.")
class CycleState(Enum):
    PLANNED = "PLANNED"
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"


@strawberry.type(description='Who owns work ("SRE", "sig-node").')
class Team(Node):
    name: str = strawberry.field(description="The team's name.")

    @classmethod
    def of(cls, row: Row) -> Team:
        return cls(id=to_global_id("Team", row["id"]), name=row["name"])


@strawberry.type(
    description="How time is cut: fiscal quarters (fiscalYearStartMonth 1..12) or fixed"
    " cycles of cycleWeeks from anchorDate."
)
class Cadence:
    fiscal_year_start_month: int | None = strawberry.field(
        description="First month (1..12) of the fiscal year, for quarters."
    )
    cycle_weeks: int | None = strawberry.field(description="Length of fixed cycles in weeks.")
    anchor_date: date | None = strawberry.field(description="Start of the first fixed cycle.")


@strawberry.type(description="One interval of a roadmap's cadence, with strict dates.")
class Cycle(Node):
    name: str = strawberry.field(description="The cycle's name, unique on its roadmap.")
    starts_on: date = strawberry.field(description="First day (inclusive).")
    ends_on: date = strawberry.field(description="Last day (inclusive).")
    state: CycleState = strawberry.field(description="State at the instant of the view.")
    roadmap_id: strawberry.Private[UUID]
    cycle_id: strawberry.Private[UUID]

    @classmethod
    def of(cls, row: Row, at: datetime | None) -> Cycle:
        return cls(
            id=to_global_id("Cycle", row["roadmap_id"], row["cycle_id"]),
            name=row["name"],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            state=CycleState(cycle_state(row, at)),
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
        from schema.roadmap.loaders import estimates_of

        require(info)
        [found] = await estimates_of(info, [(self.initiative_id, self.deliverable_id)], self.at)
        return found

    @strawberry.field(description="The cycle it is aimed at, when aimed at one.")
    async def target_cycle(self, info: Info) -> Cycle | None:
        from schema.roadmap.loaders import cycles_at

        require(info)
        if self.target_cycle_id is None:
            return None
        [cycle] = await cycles_at(info, [(self.roadmap_id, self.target_cycle_id)], self.at)
        return cycle


@strawberry.type(description="One roadmap row: a piece of work with a user-centric goal.")
class Initiative(Node):
    title: str = strawberry.field(description="Short name of the work.")
    goal: str = strawberry.field(description="User-centric goal: what and why.")
    stakeholders: list[str] = strawberry.field(description="Who cares about it.")
    kind: InitiativeKind = strawberry.field(description="What kind of work it is.")
    position: int | None = strawberry.field(
        description="Position on its roadmap at the instant of the view (1 = highest"
        " priority); null when it is not on it."
    )
    status: DeliverableStatus = strawberry.field(
        description="Rolled up from the deliverables: DONE when there are some and all are"
        " DONE or WONT_DO, else the most severe open one (AT_RISK > POSSIBLE_DELAY >"
        " IN_PROGRESS > PLANNED); PLANNED without deliverables."
    )
    initiative_id: strawberry.Private[UUID]
    roadmap_id: strawberry.Private[UUID]
    team_id: strawberry.Private[UUID | None]
    parent_id: strawberry.Private[UUID | None]
    at: strawberry.Private[datetime | None]
    preloaded: strawberry.Private[list[Deliverable]]

    @classmethod
    def of(
        cls, row: Row, deliverables: Sequence[Row], position: int | None, at: datetime | None
    ) -> Initiative:
        return cls(
            id=to_global_id("Initiative", row["initiative_id"]),
            title=row["title"],
            goal=row["goal"],
            stakeholders=list(row["stakeholders"]),
            kind=InitiativeKind(row["kind"]),
            position=position,
            status=DeliverableStatus(rolled_up(d["status"] for d in deliverables)),
            initiative_id=row["initiative_id"],
            roadmap_id=row["roadmap_id"],
            team_id=row["team_id"],
            parent_id=row["parent_id"],
            at=at,
            preloaded=[Deliverable.of(d, at) for d in deliverables],
        )

    @strawberry.field(description="The team that owns it.")
    async def team(self, info: Info) -> Team | None:
        from schema.roadmap.loaders import teams_by_ids

        require(info)
        if self.team_id is None:
            return None
        [team] = await teams_by_ids(info, [self.team_id])
        return team

    @strawberry.field(description="The initiative it is a phase of, at the same instant.")
    async def parent(self, info: Info) -> Initiative | None:
        from schema.roadmap.loaders import initiatives_by_ids

        require(info)
        if self.parent_id is None:
            return None
        [parent] = await initiatives_by_ids(info, [self.parent_id], self.at)
        return parent

    @strawberry.field(description="Its deliverables, in the order they were added.")
    def deliverables(self, info: Info) -> list[Deliverable]:
        require(info)
        return self.preloaded

    @strawberry.field(description="The key results it ladders up to.")
    async def alignments(
        self, info: Info
    ) -> list[Annotated[Alignment, strawberry.lazy("schema.reports.types")]]:
        from schema.reports.loaders import alignments_of_initiatives

        require(info)
        [found] = await alignments_of_initiatives(info, [self.initiative_id], self.at)
        return found

    @strawberry.field(
        description="Every change of this initiative and its deliverables, newest first."
    )
    async def history(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description="Page size.")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor.")] = None,
    ) -> Annotated[TimelineConnection, strawberry.lazy("schema.roadmap.history")]:
        from schema.roadmap.timeline import history_of

        require(info)
        return await history_of(info, self.initiative_id, first, after)


@strawberry.type(description="A board: a cadence and initiatives in priority order.")
class Roadmap(Node):
    name: str = strawberry.field(description="The roadmap's name.")
    cadence: Cadence = strawberry.field(description="How time is cut on this roadmap.")
    as_of: datetime = strawberry.field(
        description="The instant this view describes (now, or the asOf that was asked for)."
    )
    roadmap_id: strawberry.Private[UUID]
    team_id: strawberry.Private[UUID | None]
    at: strawberry.Private[datetime | None]
    preloaded: strawberry.Private[list[Initiative] | None]
    rows: strawberry.Private[RoadmapRows | None] = None
    """The whole roadmap's rows, when it was loaded at once (``shapeable``)."""

    @property
    def shapeable(self) -> bool:
        """Whether the fast path can complete this roadmap (see schema.roadmap.shaped)."""
        return self.rows is not None

    def shape(
        self,
        executor: ShapingExecutionContext,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        """The completed value for the selection: see schema.roadmap.roadmap_shape."""
        from schema.roadmap.roadmap_shape import shape_roadmap

        return shape_roadmap(self, executor, return_type, field_details_list, path)

    @classmethod
    def of(
        cls,
        row: Row,
        at: datetime | None,
        now: datetime,
        initiatives: list[Initiative] | None = None,
        rows: RoadmapRows | None = None,
    ) -> Roadmap:
        return cls(
            id=to_global_id("Roadmap", row["id"]),
            name=row["name"],
            cadence=Cadence(
                fiscal_year_start_month=row["fiscal_year_start_month"],
                cycle_weeks=row["cycle_weeks"],
                anchor_date=row["anchor_date"],
            ),
            as_of=now if at is None else at,
            roadmap_id=row["id"],
            team_id=row["team_id"],
            at=at,
            preloaded=initiatives,
            rows=rows,
        )

    @strawberry.field(description="The team whose board it is.")
    async def team(self, info: Info) -> Team | None:
        from schema.roadmap.loaders import teams_by_ids

        require(info)
        if self.team_id is None:
            return None
        [team] = await teams_by_ids(info, [self.team_id])
        return team

    @strawberry.field(description="Initiatives in priority order, highest first (position 1).")
    async def initiatives(self, info: Info) -> list[Initiative]:
        from schema.roadmap.loaders import initiatives_of_roadmap, initiatives_of_rows

        require(info)
        if self.preloaded is None:
            if self.rows is not None:
                self.preloaded = initiatives_of_rows(self.rows, self.at)
            else:
                self.preloaded = await initiatives_of_roadmap(info, self.roadmap_id, self.at)
        return self.preloaded
