"""GraphQL types of OKRs: objectives, key results, check-ins, alignments, the alignment view.

Built from the okr read model's rows (``projections.okr_queries``); what they link to is
resolved through the per-request loaders, scoped to the caller's workspace. The roadmap's
types (Team, Initiative) are referred to lazily.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from projections.okr_queries import (
    AlignmentData,
    AlignmentRow,
    CheckInRow,
    KeyResultRow,
    ObjectiveEffortData,
    ObjectiveRow,
)
from schema.context import Info
from schema.permissions import require
from schema.relay import Node, to_global_id

if TYPE_CHECKING:
    from schema.roadmap.entities import Initiative, Team

TeamType = Annotated["Team", strawberry.lazy("schema.roadmap.entities")]
InitiativeType = Annotated["Initiative", strawberry.lazy("schema.roadmap.entities")]


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
    async def initiative(self, info: Info) -> InitiativeType:
        from schema.roadmap.loaders import initiatives_by_ids

        [found] = await initiatives_by_ids(info, [self.row.initiative_id])
        assert found is not None, f"initiative {self.row.initiative_id} of an alignment is missing"
        return found

    @strawberry.field(description="The key result it ladders up to.")
    async def key_result(self, info: Info) -> KeyResult:
        from schema.reports.loaders import key_results_by_refs

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
        from schema.reports.loaders import check_in_loader

        return [CheckIn.of(row) for row in await check_in_loader(info).load(self.row.ref)]

    @strawberry.field(description="The initiatives aligned to this key result, now.")
    async def alignments(self, info: Info) -> list[Alignment]:
        from schema.reports.loaders import key_result_alignment_loader

        rows = await key_result_alignment_loader(info).load(self.row.ref)
        return [Alignment.of(row) for row in rows]

    @strawberry.field(description="The objective this key result measures.")
    async def objective(self, info: Info) -> Objective:
        from schema.reports.loaders import objectives_by_ids

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
    row: strawberry.Private[ObjectiveRow]

    @classmethod
    def of(cls, row: ObjectiveRow) -> Objective:
        return cls(
            id=to_global_id("Objective", row.objective_id),
            title=row.title,
            period=row.period,
            level=ObjectiveLevel(row.level),
            progress=row.progress,
            row=row,
        )

    @strawberry.field(description="The team, for a TEAM objective.")
    async def team(self, info: Info) -> TeamType | None:
        if self.row.team_id is None:
            return None
        from schema.roadmap.loaders import teams_by_ids

        [found] = await teams_by_ids(info, [self.row.team_id])
        return found

    @strawberry.field(description="The objective this one ladders up to.")
    async def parent(self, info: Info) -> Objective | None:
        if self.row.parent_id is None:
            return None
        from schema.reports.loaders import objectives_by_ids

        [found] = await objectives_by_ids(info, [self.row.parent_id])
        return found

    @strawberry.field(description="The objectives that ladder up to this one.")
    async def children(self, info: Info) -> list[Objective]:
        from schema.reports.loaders import objectives_by_ids

        found = await objectives_by_ids(info, self.row.children)
        return [child for child in found if child is not None]

    @strawberry.field(description="Its key results, in the order they were added.")
    def key_results(self, info: Info) -> list[KeyResult]:
        require(info)
        return [KeyResult.of(row) for row in self.row.key_results]


async def _initiatives(info: Info, ids: tuple[UUID, ...]) -> list[Initiative]:
    from schema.roadmap.loaders import initiatives_by_ids

    found = await initiatives_by_ids(info, list(ids))
    return [initiative for initiative in found if initiative is not None]


@strawberry.type(description="Effort counted toward one objective.")
class ObjectiveEffort:
    objective: Objective = strawberry.field(description="The objective.")
    effort_weeks: Decimal = strawberry.field(
        description="Sum of the effort of the active initiatives that CONTRIBUTE to one of its"
        " own key results (an initiative's effort: the latest estimates of its deliverables"
        " that are not WONT_DO)."
    )
    data: strawberry.Private[ObjectiveEffortData]

    @strawberry.field(description="The active initiatives counted, in proposal order.")
    async def initiatives(self, info: Info) -> list[InitiativeType]:
        return await _initiatives(info, self.data.contributing)

    @strawberry.field(
        description="Active initiatives that SUPPORT one of its own key results (not counted)."
    )
    async def supporting_initiatives(self, info: Info) -> list[InitiativeType]:
        return await _initiatives(info, self.data.supporting)


@strawberry.type(description="How a period's work ladders up to its objectives.")
class AlignmentView:
    period: str = strawberry.field(description="The period.")
    coverage: float | None = strawberry.field(
        description="Aligned estimated effort / all estimated effort on active initiatives:"
        " the effort of those that CONTRIBUTE to a key result of this period, over the effort"
        " of all; null when there is no estimated effort."
    )
    aligned_effort_weeks: Decimal = strawberry.field(description="The numerator of the coverage.")
    total_effort_weeks: Decimal = strawberry.field(
        description="The denominator of the coverage: the effort of all active initiatives."
    )
    data: strawberry.Private[AlignmentData]

    @classmethod
    def of(cls, data: AlignmentData) -> AlignmentView:
        return cls(
            period=data.period.period,
            coverage=data.coverage,
            aligned_effort_weeks=data.aligned_effort,
            total_effort_weeks=data.total_effort,
            data=data,
        )

    @strawberry.field(description="The period's objectives, parents before their children.")
    def objectives(self, info: Info) -> list[Objective]:
        require(info)
        return [Objective.of(row) for row in self.data.period.objectives]

    @strawberry.field(description="Each objective of the period with the effort counted toward it.")
    def by_objective(self, info: Info) -> list[ObjectiveEffort]:
        require(info)
        rows = self.data.period.by_id()
        return [
            ObjectiveEffort(
                objective=Objective.of(rows[effort.objective_id]),
                effort_weeks=effort.effort,
                data=effort,
            )
            for effort in self.data.by_objective
        ]

    @strawberry.field(description="Active initiatives aligned to nothing, in proposal order.")
    async def orphan_initiatives(self, info: Info) -> list[InitiativeType]:
        return await _initiatives(info, self.data.orphans)

    @strawberry.field(
        description="Objectives with no initiative aligned (either kind) to a key result of"
        " theirs or of a descendant."
    )
    def objectives_without_work(self, info: Info) -> list[Objective]:
        require(info)
        rows = self.data.period.by_id()
        return [Objective.of(rows[objective_id]) for objective_id in self.data.without_work]
