"""The Roadmap type: a board, its cadence and its initiatives in priority order.

Built from the roadmap read model's rows as they were at the view's instant (``at``;
None: now), which it carries down to its initiatives. A roadmap loaded whole
(``RoadmapRows``) can be completed by the fast path of ``schema.roadmap.roadmap_shape``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from graphql import GraphQLObjectType
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path

from projections.roadmap_queries import (
    RoadmapRows,
    Row,
    cycle_changed,
    roadmap_rows,
)
from projections.roadmap_recorded import cycles_of_view
from schema.context import Info
from schema.initiatives import Initiative
from schema.permissions import require
from schema.relay import Node, to_global_id
from schema.roadmap.entities import Cadence, Cycle, Team, team_of
from schema.roadmap.roadmap_shape import shape_roadmap
from schema.roadmap.shaped import ShapingExecutionContext


def initiatives_of_rows(rows: RoadmapRows, as_of: datetime | None) -> list[Initiative]:
    """The initiatives of a loaded roadmap, highest priority first."""
    return [
        initiative_of_rows(rows, row, position, as_of)
        for position, row in enumerate(rows.initiatives, start=1)
    ]


def initiative_of_rows(
    rows: RoadmapRows, row: Row, position: int, as_of: datetime | None
) -> Initiative:
    """One initiative of a loaded roadmap, its status rolled up over the roadmap's rows."""
    id = row["initiative_id"]
    return Initiative.of(
        row,
        rows.deliverables.get(id, ()),
        position,
        as_of,
        status=rows.status_of(id),
        children=rows.phases.children.get(id, ()),
    )


@strawberry.type(description="A board: a cadence and initiatives in priority order.")
class Roadmap(Node):
    name: str = strawberry.field(description="The roadmap's name.")
    archived: bool = strawberry.field(
        description="Archived: read-only, and out of `roadmaps` unless asked for."
    )
    cadence: Cadence = strawberry.field(description="How time is cut on this roadmap.")
    as_of: datetime = strawberry.field(
        description="The instant this view describes (now, or the asOf that was asked for)."
    )
    version: int = strawberry.field(
        description="Aggregate version, for expectedVersion: the current one, also when the"
        " roadmap is read as of an earlier instant."
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
            archived=row["archived"],
            cadence=Cadence(
                fiscal_year_start_month=row["fiscal_year_start_month"],
                cycle_weeks=row["cycle_weeks"],
                anchor_date=row["anchor_date"],
            ),
            as_of=now if at is None else at,
            version=row["version"],
            roadmap_id=row["id"],
            team_id=row["team_id"],
            at=at,
            preloaded=initiatives,
            rows=rows,
        )

    @strawberry.field(description="The team whose board it is.")
    async def team(self, info: Info) -> Team | None:
        require(info)
        return await team_of(info, self.team_id)

    @strawberry.field(
        description="The roadmap's cycles, by start date (those planned by the view's instant)."
    )
    async def cycles(self, info: Info) -> list[Cycle]:
        workspace_id = require(info).workspace_id
        recorded = None if self.rows is None else self.rows.recorded
        async with info.context.services.pool.acquire() as conn:
            rows = await cycles_of_view(conn, workspace_id, self.roadmap_id, self.at, recorded)
        shown = [row for row in rows if cycle_changed(row, "created", self.at, recorded)]
        shown.sort(key=lambda row: (row["starts_on"], row["name"]))
        return [Cycle.of(row, self.at, recorded) for row in shown]

    @strawberry.field(description="Initiatives in priority order, highest first (position 1).")
    async def initiatives(self, info: Info) -> list[Initiative]:
        workspace_id = require(info).workspace_id
        if self.preloaded is None:
            rows = self.rows
            if rows is None:
                async with info.context.services.pool.acquire() as conn:
                    rows = await roadmap_rows(conn, workspace_id, self.roadmap_id, self.at)
            self.preloaded = [] if rows is None else initiatives_of_rows(rows, self.at)
        return self.preloaded
