"""Initiatives and the objectives and key results they ladder up to.

These GraphQL types refer to each other (an initiative's alignments name key results, an
alignment names its initiative, a key result its objective), so they share this one home,
which both the roadmap feature and the reports import. Each is built from read-model rows
(``Initiative.of``, ``Objective.of``, ...); what they link to is read through the row
loaders of ``schema.roadmap.rows`` and ``schema.reports.loaders``, scoped to the caller's
workspace.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Annotated
from uuid import UUID

import strawberry

from backend.domain.fiscal import legacy_period_dates, period_dates
from projections.okr_queries import AlignmentRow, CheckInRow, KeyResultRow, ObjectiveRow
from projections.roadmap_queries import Row, fiscal_year_start_month
from schema.context import Info
from schema.nodes import register_node_kind
from schema.permissions import require
from schema.relay import GlobalRef, Node, to_global_id
from schema.reports.loaders import (
    KeyResultRef,
    check_in_loader,
    initiative_alignment_loader,
    key_result_alignment_loader,
    key_result_rows,
    objective_row_loader,
)
from schema.roadmap.entities import (
    Deliverable,
    DeliverableStatus,
    InitiativeKind,
    Team,
    team_of,
)
from schema.roadmap.rows import initiative_rows
from schema.roadmap.timeline import TimelineConnection, history_of


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
        description="Rolled up from its deliverables, or, when it has none of its own, from"
        " its phases' rolled-up statuses (recursively), by one rule: all WONT_DO is WONT_DO;"
        " DONE and WONT_DO only is DONE; otherwise the most urgent open status (AT_RISK >"
        " POSSIBLE_DELAY > IN_PROGRESS > PLANNED); PLANNED with nothing to roll up."
    )
    version: int = strawberry.field(
        description="Aggregate version, for expectedVersion: the current one, also when the"
        " initiative is read as of an earlier instant."
    )
    initiative_id: strawberry.Private[UUID]
    roadmap_id: strawberry.Private[UUID]
    team_id: strawberry.Private[UUID | None]
    parent_id: strawberry.Private[UUID | None]
    children_ids: strawberry.Private[Sequence[UUID]]
    at: strawberry.Private[datetime | None]
    preloaded: strawberry.Private[list[Deliverable]]

    @classmethod
    def of(
        cls,
        row: Row,
        deliverables: Sequence[Row],
        position: int | None,
        at: datetime | None,
        *,
        status: str,
        children: Sequence[UUID],
    ) -> Initiative:
        """From its row and deliverables, with the status and phases rolled up by the
        caller (``roadmap_queries.status_of``)."""
        return cls(
            id=to_global_id("Initiative", row["initiative_id"]),
            title=row["title"],
            goal=row["goal"],
            stakeholders=list(row["stakeholders"]),
            kind=InitiativeKind(row["kind"]),
            position=position,
            status=DeliverableStatus(status),
            version=row["version"],
            initiative_id=row["initiative_id"],
            roadmap_id=row["roadmap_id"],
            team_id=row["team_id"],
            parent_id=row["parent_id"],
            children_ids=children,
            at=at,
            preloaded=[Deliverable.of(d, at) for d in deliverables],
        )

    @strawberry.field(description="The team that owns it.")
    async def team(self, info: Info) -> Team | None:
        require(info)
        return await team_of(info, self.team_id)

    @strawberry.field(description="The initiative it is a phase of, at the same instant.")
    async def parent(self, info: Info) -> Initiative | None:
        require(info)
        if self.parent_id is None:
            return None
        [parent] = await initiatives_by_ids(info, [self.parent_id], self.at)
        return parent

    @strawberry.field(description="Its phases, at the same instant, in priority order.")
    async def children(self, info: Info) -> list[Initiative]:
        require(info)
        found = await initiatives_by_ids(info, self.children_ids, self.at)
        return [child for child in found if child is not None]

    @strawberry.field(description="Its deliverables, in the order they were added.")
    def deliverables(self, info: Info) -> list[Deliverable]:
        require(info)
        return self.preloaded

    @strawberry.field(description="The key results it ladders up to.")
    async def alignments(self, info: Info) -> list[Alignment]:
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
    ) -> TimelineConnection:
        require(info)
        return await history_of(info, self.initiative_id, first, after)


@strawberry.enum(description="Whether an objective is the company's or a team's.")
class ObjectiveLevel(Enum):
    COMPANY = "COMPANY"
    TEAM = "TEAM"


@strawberry.enum(description="How an initiative ladders up to a key result.")
class AlignmentKind(Enum):
    CONTRIBUTES = strawberry.enum_value("CONTRIBUTES", description="Counts toward effort.")
    SUPPORTS = strawberry.enum_value("SUPPORTS", description="Context only, not counted.")


@strawberry.type(description="A key result's value at a moment.")
class CheckIn:
    value: float = strawberry.field(description="The value reported.")
    confidence: float | None = strawberry.field(
        description="Confidence (0..1) of reaching the target."
    )
    note: str = strawberry.field(description="Context given with the value.")
    at: datetime = strawberry.field(description="Business time of the check-in.")
    actor: str = strawberry.field(description="Who checked in.")

    @classmethod
    def of(cls, row: CheckInRow) -> CheckIn:
        return cls(
            value=row.value, confidence=row.confidence, note=row.note, at=row.at, actor=row.actor
        )


@strawberry.type(description="A link from an initiative to a key result.")
class Alignment:
    kind: AlignmentKind = strawberry.field(description="CONTRIBUTES counts; SUPPORTS does not.")
    row: strawberry.Private[AlignmentRow]

    @classmethod
    def of(cls, row: AlignmentRow) -> Alignment:
        return cls(kind=AlignmentKind(row.kind), row=row)

    @strawberry.field(description="The initiative that ladders up.")
    async def initiative(self, info: Info) -> Initiative:
        [found] = await initiatives_by_ids(info, [self.row.initiative_id])
        assert found is not None, f"initiative {self.row.initiative_id} of an alignment is missing"
        return found

    @strawberry.field(description="The key result it ladders up to.")
    async def key_result(self, info: Info) -> KeyResult:
        [found] = await key_results_by_refs(info, [(self.row.objective_id, self.row.key_result_id)])
        assert found is not None, f"key result {self.row.key_result_id} of an alignment is missing"
        return found


@strawberry.type(description="A measurable result of an objective: from a start value to a target.")
class KeyResult(Node):
    title: str = strawberry.field(description="What is measured.")
    unit: str = strawberry.field(description='The unit, e.g. "%".')
    start_value: float = strawberry.field(description="The value at the start.")
    target_value: float = strawberry.field(description="The value that means done.")
    current_value: float = strawberry.field(
        description="The latest check-in's value (the start value before any)."
    )
    progress: float = strawberry.field(
        description="(current - start) / (target - start), clamped to 0..1."
    )
    row: strawberry.Private[KeyResultRow]

    @classmethod
    def of(cls, row: KeyResultRow) -> KeyResult:
        return cls(
            id=to_global_id("KeyResult", row.objective_id, row.key_result_id),
            title=row.title,
            unit=row.unit,
            start_value=row.start_value,
            target_value=row.target_value,
            current_value=row.current_value,
            progress=row.progress,
            row=row,
        )

    @strawberry.field(description="Every check-in, oldest first.")
    async def check_ins(self, info: Info) -> list[CheckIn]:
        return [CheckIn.of(row) for row in await check_in_loader(info).load(self.row.ref)]

    @strawberry.field(description="The initiatives aligned to this key result, now.")
    async def alignments(self, info: Info) -> list[Alignment]:
        rows = await key_result_alignment_loader(info).load(self.row.ref)
        return [Alignment.of(row) for row in rows]

    @strawberry.field(description="The objective this key result measures.")
    async def objective(self, info: Info) -> Objective:
        [found] = await objectives_by_ids(info, [self.row.objective_id])
        assert found is not None, f"objective {self.row.objective_id} is missing"
        return found


@strawberry.type(description="An objective of a period, company-wide or of a team.")
class Objective(Node):
    title: str = strawberry.field(description="What we want to achieve.")
    period: str = strawberry.field(description='The period, e.g. "2026-Q3".')
    level: ObjectiveLevel = strawberry.field(description="COMPANY or TEAM.")
    progress: float = strawberry.field(
        description="0..1, rolled up from key results: the mean of its key results' and its"
        " children's progress (0 when it has neither)."
    )
    version: int = strawberry.field(description="Aggregate version, for expectedVersion.")
    archived: bool = strawberry.field(
        description="Archived: out of `objectives` and `alignment`, read-only, still in history."
    )
    row: strawberry.Private[ObjectiveRow]

    @classmethod
    def of(cls, row: ObjectiveRow) -> Objective:
        return cls(
            id=to_global_id("Objective", row.objective_id),
            title=row.title,
            period=row.period,
            level=ObjectiveLevel(row.level),
            progress=row.progress,
            version=row.version,
            archived=row.archived,
            row=row,
        )

    @strawberry.field(description="The team, for a TEAM objective.")
    async def team(self, info: Info) -> Team | None:
        return await team_of(info, self.row.team_id)

    @strawberry.field(
        description="First day of the period, on the workspace's fiscal calendar. A period"
        " written before periods were checked reads as the calendar year it names (or its"
        ' half, for "2026-H1"); one naming no year spans every date (0001-01-01 to'
        " 9999-12-31)."
    )
    async def starts_on(self, info: Info) -> date:
        return (await self._days(info))[0]

    @strawberry.field(
        description="Last day of the period, on the workspace's fiscal calendar (see startsOn)."
    )
    async def ends_on(self, info: Info) -> date:
        return (await self._days(info))[1]

    async def _days(self, info: Info) -> tuple[date, date]:
        workspace_id = require(info).workspace_id
        month = await fiscal_year_start_month(info.context.services.pool, workspace_id)
        days = period_dates(self.row.period, month)
        return legacy_period_dates(self.row.period) if days is None else days

    @strawberry.field(description="The objective this one ladders up to.")
    async def parent(self, info: Info) -> Objective | None:
        if self.row.parent_id is None:
            return None
        [found] = await objectives_by_ids(info, [self.row.parent_id])
        return found

    @strawberry.field(description="The objectives that ladder up to this one.")
    async def children(self, info: Info) -> list[Objective]:
        found = await objectives_by_ids(info, self.row.children)
        return [child for child in found if child is not None]

    @strawberry.field(description="Its key results, in the order they were added.")
    def key_results(self, info: Info) -> list[KeyResult]:
        require(info)
        return [KeyResult.of(row) for row in self.row.key_results]


async def initiatives_by_ids(
    info: Info, ids: Sequence[UUID], as_of: datetime | None = None
) -> list[Initiative | None]:
    """Initiatives as they were at ``as_of`` (None: now), with their deliverables.

    None for a missing id, and for an initiative not yet proposed at ``as_of``.
    """
    found = await initiative_rows(info, ids, as_of)
    return [
        None
        if rows is None
        else Initiative.of(
            rows.row,
            rows.deliverables,
            rows.position,
            as_of,
            status=rows.status,
            children=rows.children,
        )
        for rows in found
    ]


async def alignments_of_initiatives(
    info: Info, initiative_ids: Sequence[UUID], as_of: datetime | None = None
) -> list[list[Alignment]]:
    """Each initiative's alignments to key results (now, or as of an instant in business
    time), oldest first; an initiative of another workspace has none."""
    rows = await initiative_alignment_loader(info).load_many(
        [(initiative_id, as_of) for initiative_id in initiative_ids]
    )
    return [[Alignment.of(row) for row in found] for found in rows]


async def objectives_by_ids(info: Info, ids: Sequence[UUID]) -> list[Objective | None]:
    """The objectives of the caller's workspace, in the order asked; None when missing."""
    rows = await objective_row_loader(info).load_many(list(ids))
    return [None if row is None else Objective.of(row) for row in rows]


async def key_results_by_refs(info: Info, refs: Sequence[KeyResultRef]) -> list[KeyResult | None]:
    """The key results ``(objective_id, key_result_id)`` of the workspace; None when missing."""
    rows = await key_result_rows(info, refs)
    return [None if row is None else KeyResult.of(row) for row in rows]


async def _objective_nodes(info: Info, refs: Sequence[GlobalRef]) -> Sequence[Objective | None]:
    return await objectives_by_ids(info, [ref.id for ref in refs])


async def _key_result_nodes(info: Info, refs: Sequence[GlobalRef]) -> Sequence[KeyResult | None]:
    return await key_results_by_refs(info, [(ref.parent_id, ref.id) for ref in refs])


register_node_kind("Objective", _objective_nodes)
register_node_kind("KeyResult", _key_result_nodes, arity=2)
