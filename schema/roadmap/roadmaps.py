"""The Roadmap type: a board, its cadence and its initiatives in priority order.

Built from the roadmap read model's rows as they were at the view's instant (``at``;
None: now), which it carries down to its initiatives. A roadmap loaded whole
(``RoadmapRows``) can be completed by the fast path of ``schema.roadmap.roadmap_shape``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import strawberry
from graphql import GraphQLObjectType
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path

from projections import digest, digest_items, digest_queries
from projections.digest_markdown import markdown
from projections.roadmap_queries import (
    RoadmapRows,
    Row,
    cycle_changed,
    roadmap_rows,
)
from projections.roadmap_recorded import cycles_of_view
from schema.context import Info
from schema.initiatives import Initiative, initiatives_by_ids
from schema.nodes import register_node_kind, resolve_refs
from schema.pagination import Page, PageInfo, decode_cursor, encode_cursor, page_size
from schema.permissions import require
from schema.relay import GlobalRef, Node, to_global_id
from schema.roadmap.digest_items import DigestItem, Health
from schema.roadmap.digest_shape import shape_digest
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

    @strawberry.field(
        description="Status updates posted on the roadmap and on its initiatives (by the"
        " view's instant), newest first (business time)."
    )
    async def status_updates(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description="Page size.")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor.")] = None,
    ) -> StatusUpdateConnection:
        require(info)
        return await status_updates_page(info, self.roadmap_id, self.as_of, first, after)

    @strawberry.field(
        description="The latest status update on the roadmap as a whole (not one of its"
        " initiatives) by the view's instant, if any."
    )
    async def latest_status_update(self, info: Info) -> StatusUpdate | None:
        workspace_id = require(info).workspace_id
        row = await digest_queries.latest_update_before(
            info.context.services.pool, workspace_id, self.roadmap_id, None, self.as_of
        )
        return None if row is None else StatusUpdate.of(row)


UPDATES = "statusUpdates"
"""The name of the status updates connection, in its cursors."""


async def roadmap_by_id(info: Info, roadmap_id: UUID) -> Roadmap:
    """The roadmap (as it is now) that a status update or a digest belongs to."""
    [found] = await resolve_refs(info, [GlobalRef("Roadmap", (roadmap_id,))])
    assert isinstance(found, Roadmap), f"roadmap {roadmap_id} is missing"
    return found


@strawberry.type(
    description="What changed on a roadmap over a period, grouped for a reader; the body"
    " of a stakeholder email."
)
class Digest:
    from_: datetime = strawberry.field(
        name="from", description="Start of the period (exclusive), business time."
    )
    to: datetime = strawberry.field(description="End of the period (inclusive), business time.")
    health: Health | None = strawberry.field(
        description="Health of the latest status update at `to`, if any (of the roadmap"
        " itself; for an update on one initiative, of that initiative)."
    )
    roadmap_id: strawberry.Private[UUID]
    found: strawberry.Private[digest_items.Digest]
    shapeable: strawberry.Private[bool] = True
    """The fast path completes a digest whose selection asks for leaves only
    (schema.roadmap.digest_shape)."""

    @classmethod
    def of(cls, found: digest_items.Digest) -> Digest:
        return cls(
            from_=found.since,
            to=found.until,
            health=None if found.health is None else Health(found.health),
            roadmap_id=found.roadmap_id,
            found=found,
        )

    def shape(
        self,
        executor: ShapingExecutionContext,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        """The completed value for the selection: see schema.roadmap.digest_shape."""
        return shape_digest(self.found, executor, return_type, field_details_list)

    @strawberry.field(
        description="Net effects, not noise: the roadmap at `from` compared with the roadmap"
        " at `to`, each difference one item explained by the last change behind it (reason,"
        " decision). Moves are explicit moves only, from the position before an initiative's"
        " first move in the period to the one after its last: one moved 3 -> 1 -> 3 within"
        " the period does not appear at all, nor does one added and removed again. Grouped by"
        " kind (status updates, completed, slipped, status changes, added, removed, moved,"
        " retargeted, estimates, decisions), then in priority order at `to`."
    )
    def items(self) -> list[DigestItem]:
        return [DigestItem.of(item) for item in self.found.items]

    @strawberry.field(description="The same digest as a Markdown document, ready to send.")
    def markdown(self) -> str:
        return markdown(self.found)

    @strawberry.field(description="The roadmap, as it is now.")
    async def roadmap(self, info: Info) -> Roadmap:
        require(info)
        return await roadmap_by_id(info, self.roadmap_id)


@strawberry.type(
    description="A status update posted for stakeholders (the bi-weekly email, the monthly"
    " status meeting)."
)
class StatusUpdate(Node):
    health: Health = strawberry.field(description="How its authors judge the work.")
    body: str = strawberry.field(description="Markdown, written by a person.")
    at: datetime = strawberry.field(description="Business time of the update.")
    actor: str = strawberry.field(description="Who posted it.")
    row: strawberry.Private[Row]

    @classmethod
    def of(cls, row: Row) -> StatusUpdate:
        return cls(
            id=to_global_id("StatusUpdate", row["id"]),
            health=Health(row["health"]),
            body=row["body"],
            at=row["at"],
            actor=row["actor"],
            row=row,
        )

    @strawberry.field(description="The roadmap it is posted on, as it is now.")
    async def roadmap(self, info: Info) -> Roadmap:
        require(info)
        return await roadmap_by_id(info, self.row["roadmap_id"])

    @strawberry.field(
        description="Set when the update is about one initiative rather than the whole roadmap."
    )
    async def initiative(self, info: Info) -> Initiative | None:
        require(info)
        if self.row["initiative_id"] is None:
            return None
        [initiative] = await initiatives_by_ids(info, [self.row["initiative_id"]])
        return initiative

    @strawberry.field(
        description="What changed between the previous update of the same subject (or the"
        " roadmap's creation) and this one; an update on one initiative, about it only."
    )
    async def digest(self, info: Info) -> Digest:
        workspace_id = require(info).workspace_id
        async with info.context.services.pool.acquire() as conn:
            found = await digest.digest_of_update(conn, workspace_id, self.row)
        return Digest.of(found)


@strawberry.type(description="A status update and its cursor.")
class StatusUpdateEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this one.")
    node: StatusUpdate = strawberry.field(description="The status update.")


@strawberry.type(description="A page of status updates, newest first (business time).")
class StatusUpdateConnection:
    edges: list[StatusUpdateEdge] = strawberry.field(description="The updates of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")


def update_cursor(row: Row) -> str:
    return encode_cursor(UPDATES, row["at"], row["position"])


async def status_updates_page(
    info: Info, roadmap_id: UUID, as_of: datetime, first: int | None, after: str | None
) -> StatusUpdateConnection:
    """A page of a roadmap's updates posted by ``as_of``, newest first."""
    workspace_id = require(info).workspace_id
    size = page_size(info, first)
    key = decode_cursor(after, UPDATES, (datetime, int))
    rows = await digest_queries.updates_newest_first(
        info.context.services.pool, workspace_id, roadmap_id, as_of, key, size + 1
    )
    page = Page.of(rows, size, key)
    return StatusUpdateConnection(
        edges=[
            StatusUpdateEdge(cursor=update_cursor(row), node=StatusUpdate.of(row))
            for row in page.rows
        ],
        page_info=page.page_info(update_cursor),
    )


async def status_updates_by_ids(info: Info, ids: Sequence[UUID]) -> list[StatusUpdate | None]:
    """Status updates of the caller's workspace, in the order asked; None when missing."""
    workspace_id = require(info).workspace_id
    rows = await digest_queries.updates_by_ids(info.context.services.pool, workspace_id, ids)
    found = {row["id"]: StatusUpdate.of(row) for row in rows}
    return [found.get(id) for id in ids]


async def _status_updates(info: Info, refs: Sequence[GlobalRef]) -> Sequence[Any | None]:
    return await status_updates_by_ids(info, [ref.id for ref in refs])


register_node_kind("StatusUpdate", _status_updates)
