"""The roadmap feature's queries: teams, roadmaps, history, priorities, decisions, nodes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from projections import roadmap_queries
from schema.consistency import consistent_with as wait_for_argument
from schema.context import Info
from schema.errors import BAD_USER_INPUT, coded_error
from schema.nodes import NodeQuery, parse_global_id
from schema.pagination import Page, PageInfo, decode_cursor, encode_cursor, page_size
from schema.permissions import require
from schema.roadmap.decisions import DecisionConnection, decisions_page
from schema.roadmap.diff import roadmap_diff
from schema.roadmap.entities import Team
from schema.roadmap.history import PriorityChangeConnection, RoadmapDiff
from schema.roadmap.loaders import roadmap_recorded_view, roadmap_view
from schema.roadmap.priorities import priority_changes_page
from schema.roadmap.roadmaps import Roadmap
from schema.roadmap.rows import view_time
from schema.roadmap.timeline import TimelineConnection, timeline_page

ROADMAPS = "roadmaps"


@strawberry.type(description="A roadmap and its cursor.")
class RoadmapEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this one.")
    node: Roadmap = strawberry.field(description="The roadmap, as it is now.")


@strawberry.type(description="A page of roadmaps, by name.")
class RoadmapConnection:
    edges: list[RoadmapEdge] = strawberry.field(description="The roadmaps of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")


def _roadmap_cursor(row: roadmap_queries.Row) -> str:
    return encode_cursor(ROADMAPS, row["name"], str(row["id"]))


@strawberry.type
class RoadmapQuery(NodeQuery):
    @strawberry.field(description="The teams of the workspace, by name.")
    async def teams(
        self,
        info: Info,
        include_archived: Annotated[
            bool, strawberry.argument(description="Archived teams too.")
        ] = False,
    ) -> list[Team]:
        workspace_id = require(info).workspace_id
        rows = await roadmap_queries.teams(
            info.context.services.pool, workspace_id, include_archived
        )
        return [Team.of(row) for row in rows]

    @strawberry.field(description="The roadmaps of the workspace, by name.")
    async def roadmaps(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description="Page size.")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor.")] = None,
        include_archived: Annotated[
            bool, strawberry.argument(description="Archived roadmaps too.")
        ] = False,
    ) -> RoadmapConnection:
        workspace_id = require(info).workspace_id
        size = page_size(info, first)
        key = decode_cursor(after, ROADMAPS, (str, str))
        rows = await roadmap_queries.roadmaps_by_name(
            info.context.services.pool, workspace_id, key, size + 1, include_archived
        )
        page = Page.of(rows, size, key)
        now = view_time(info)
        return RoadmapConnection(
            edges=[
                RoadmapEdge(cursor=_roadmap_cursor(row), node=Roadmap.of(row, None, now))
                for row in page.rows
            ],
            page_info=page.page_info(_roadmap_cursor),
        )

    @strawberry.field(
        description="A roadmap now, or exactly as it was at `asOf` (business time): order,"
        " titles, goals, statuses, targets and estimates. consistentWith: a mutation's"
        " position; the answer reflects at least that write."
    )
    async def roadmap(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The roadmap's id.")],
        as_of: Annotated[
            datetime | None,
            strawberry.argument(description="An instant in business time; default now."),
        ] = None,
        consistent_with: Annotated[
            str | None, strawberry.argument(description="A mutation's position to read at least.")
        ] = None,
    ) -> Roadmap | None:
        require(info)
        ref = parse_global_id(id, "id", "Roadmap")
        await wait_for_argument(info, consistent_with)
        return await roadmap_view(info, ref.id, as_of)

    @strawberry.field(
        description="The roadmap as of business time `asOf`, as the log stood at `recordedAsOf`"
        " (changes recorded later, backfills included, are left out): order, titles, goals,"
        " statuses, targets, estimates, cycles and their states, as `roadmap(asOf:)` shows"
        " them. `asOf` defaults to `recordedAsOf`. `recordedAsOf` may not be in the future:"
        " what the log will hold then is not known yet. Names kept without history (the"
        " roadmap's, teams', cycles') read as now, as in `roadmap(asOf:)`."
    )
    async def roadmap_as_recorded(
        self,
        info: Info,
        *,
        id: Annotated[strawberry.ID, strawberry.argument(description="The roadmap's id.")],
        as_of: Annotated[
            datetime | None,
            strawberry.argument(description="An instant in business time; default `recordedAsOf`."),
        ] = None,
        recorded_as_of: Annotated[
            datetime,
            strawberry.argument(
                description="Count only the events recorded at or before this instant."
            ),
        ],
    ) -> Roadmap | None:
        require(info)
        ref = parse_global_id(id, "id", "Roadmap")
        now = view_time(info)
        if recorded_as_of > now:
            raise coded_error(
                BAD_USER_INPUT,
                f"recordedAsOf: {recorded_as_of.isoformat()} is in the future; the log is"
                f" recorded up to now ({now.isoformat()}): give an instant at or before it",
            )
        at = recorded_as_of if as_of is None else as_of
        return await roadmap_recorded_view(info, ref.id, at, recorded_as_of)

    @strawberry.field(description="What changed on a roadmap between two instants (business time).")
    async def roadmap_diff(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The roadmap's id.")],
        from_: Annotated[
            datetime, strawberry.argument(name="from", description="The earlier instant.")
        ],
        to: Annotated[datetime, strawberry.argument(description="The later instant.")],
    ) -> RoadmapDiff:
        require(info)
        ref = parse_global_id(id, "id", "Roadmap")
        return await roadmap_diff(info, ref.id, from_, to)

    @strawberry.field(
        description="Every change in the workspace, newest first (business time). since is"
        " inclusive, until exclusive. consistentWith: a mutation's position to read at least."
    )
    async def timeline(
        self,
        info: Info,
        subject_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the history of this object (and its parts)."),
        ] = None,
        types: Annotated[
            list[str] | None,
            strawberry.argument(description='Only these entry types, e.g. ["InitiativeMoved"].'),
        ] = None,
        actor: Annotated[str | None, strawberry.argument(description="Only this actor's.")] = None,
        since: Annotated[datetime | None, strawberry.argument(description="From (incl.).")] = None,
        until: Annotated[datetime | None, strawberry.argument(description="To (excl.).")] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size.")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor.")] = None,
        consistent_with: Annotated[
            str | None, strawberry.argument(description="A mutation's position to read at least.")
        ] = None,
    ) -> TimelineConnection:
        require(info)
        subject = None if subject_id is None else parse_global_id(subject_id, "subjectId")
        await wait_for_argument(info, consistent_with)
        return await timeline_page(
            info,
            subject_id=None if subject is None else subject.id,
            types=types,
            actor=actor,
            since=since,
            until=until,
            first=first,
            after=after,
        )

    @strawberry.field(
        description="Every placement, move and removal of initiatives, newest first, with"
        " the reason and the decision. since is inclusive, until exclusive. With"
        " includeDisplaced, each explicit change is followed by the changes it caused"
        " (DISPLACED, top to bottom): since, until and roadmapId then select by the explicit"
        " change, initiativeId by the initiative that moved either way."
    )
    async def priority_changes(
        self,
        info: Info,
        roadmap_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only on this roadmap.")
        ] = None,
        initiative_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only of this initiative.")
        ] = None,
        since: Annotated[datetime | None, strawberry.argument(description="From (incl.).")] = None,
        until: Annotated[datetime | None, strawberry.argument(description="To (excl.).")] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size.")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor.")] = None,
        include_displaced: Annotated[
            bool | None,
            strawberry.argument(
                description="Also the initiatives each change shifted by one position."
            ),
        ] = False,
    ) -> PriorityChangeConnection:
        require(info)
        roadmap = (
            None if roadmap_id is None else parse_global_id(roadmap_id, "roadmapId", "Roadmap")
        )
        initiative = (
            None
            if initiative_id is None
            else parse_global_id(initiative_id, "initiativeId", "Initiative")
        )
        return await priority_changes_page(
            info,
            roadmap_id=None if roadmap is None else roadmap.id,
            initiative_id=None if initiative is None else initiative.id,
            since=since,
            until=until,
            first=first,
            after=after,
            include_displaced=bool(include_displaced),
        )

    @strawberry.field(description="The workspace's decision records, most recent first.")
    async def decisions(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description="Page size.")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor.")] = None,
    ) -> DecisionConnection:
        require(info)
        return await decisions_page(info, first, after)
