"""The queries of retrospectives and OKRs: estimateReport, cycleReport, objectives, alignment.

Every resolver checks the caller's token and reads only the caller's workspace. Ids in
arguments: a malformed id, or an id of another type, is ``BAD_USER_INPUT``; a
well-formed id of something missing or of another workspace matches nothing, alike (an
empty report), except ``cycleReport``, whose answer is not nullable: it fails with a
top-level error coded ``BAD_USER_INPUT`` ("cycleId: no cycle ..."), the same for a
missing cycle and for another workspace's, as ``roadmapDiff`` does for a roadmap.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from projections import cycles_queries, estimates_queries, okr_queries
from schema.context import Info
from schema.errors import BAD_USER_INPUT, coded_error
from schema.permissions import require
from schema.relay import GlobalRef, InvalidGlobalId, from_global_id
from schema.reports.loaders import period_loader
from schema.reports.types import (
    AlignmentView,
    CycleReport,
    EstimateFilter,
    EstimateGrouping,
    EstimateRow,
    Objective,
)


def parse_id(value: str, kind: str, argument: str, parts: int = 1) -> GlobalRef:
    """Decode an argument id of ``kind`` (with ``parts`` uuids), else BAD_USER_INPUT."""
    try:
        ref = from_global_id(value, kind)
    except InvalidGlobalId:
        ref = None
    if ref is None or len(ref.ids) != parts:
        raise coded_error(BAD_USER_INPUT, f"{argument}: {value!r} is not a {kind} id")
    return ref


def optional_id(value: str | None, kind: str, argument: str) -> UUID | None:
    return None if value is None else parse_id(value, kind, argument).id


@strawberry.type
class ReportQueries:
    @strawberry.field(
        description="Estimate versus actual of completed (DONE) deliverables, one row per"
        " group that has one; see EstimateRow for the definition of each figure."
    )
    async def estimate_report(
        self,
        info: Info,
        group_by: Annotated[
            EstimateGrouping, strawberry.argument(description="What each row is a group of.")
        ],
        filter: Annotated[
            EstimateFilter | None,
            strawberry.argument(description="Which completed deliverables count (default: all)."),
        ] = None,
    ) -> list[EstimateRow]:
        principal = require(info)
        wanted = filter or EstimateFilter()
        query = estimates_queries.EstimateQuery(
            workspace_id=principal.workspace_id,
            roadmap_id=optional_id(wanted.roadmap_id, "Roadmap", "filter.roadmapId"),
            team_id=optional_id(wanted.team_id, "Team", "filter.teamId"),
            since=wanted.since,
            until=wanted.until,
        )
        groups = await estimates_queries.estimate_report(
            info.context.services.pool, query, estimates_queries.Grouping(group_by.value)
        )
        return [EstimateRow.of_group(group) for group in groups]

    @strawberry.field(
        description="The retrospective of a cycle: frozen at its close, live before."
        " An unknown cycle (or one of another workspace) is an error coded BAD_USER_INPUT."
    )
    async def cycle_report(
        self,
        info: Info,
        cycle_id: Annotated[strawberry.ID, strawberry.argument(description="The cycle.")],
    ) -> CycleReport:
        principal = require(info)
        ref = parse_id(cycle_id, "Cycle", "cycleId", parts=2)
        async with info.context.services.pool.acquire() as conn:
            data = await cycles_queries.cycle_report(
                conn, principal.workspace_id, ref.parent_id, ref.id
            )
        if data is None:
            raise coded_error(BAD_USER_INPUT, f"cycleId: no cycle {cycle_id!r}")
        return CycleReport.of(data)

    @strawberry.field(
        description="The objectives of a period (of one team when teamId is given), parents"
        " before their children, with key results, check-ins and progress."
    )
    async def objectives(
        self,
        info: Info,
        period: Annotated[str, strawberry.argument(description='The period, e.g. "2026-H1".')],
        team_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this team's objectives (default: all)."),
        ] = None,
    ) -> list[Objective]:
        require(info)
        team = optional_id(team_id, "Team", "teamId")
        found = await period_loader(info).load(period)
        return [
            Objective.of(row) for row in found.objectives if team is None or row.team_id == team
        ]

    @strawberry.field(
        description="How a period's work ladders up to its objectives, over the initiatives"
        " on their roadmap (on roadmapId's only, when given)."
    )
    async def alignment(
        self,
        info: Info,
        period: Annotated[str, strawberry.argument(description='The period, e.g. "2026-H1".')],
        roadmap_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this roadmap's initiatives (default: all)."),
        ] = None,
    ) -> AlignmentView:
        principal = require(info)
        roadmap = optional_id(roadmap_id, "Roadmap", "roadmapId")
        async with info.context.services.pool.acquire() as conn:
            data = await okr_queries.alignment(conn, principal.workspace_id, period, roadmap)
        return AlignmentView.of(data)
