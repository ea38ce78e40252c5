"""GraphQL types of the alignment view: how a period's work ladders up to its objectives.

Built from the okr read model's figures (``projections.okr_queries``). The objectives,
key results and initiatives they name are the shared types of ``schema.initiatives``.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import strawberry

from projections.okr_queries import AlignmentData, ObjectiveEffortData
from schema.context import Info
from schema.initiatives import Initiative, Objective, initiatives_by_ids
from schema.permissions import require


async def _initiatives(info: Info, ids: tuple[UUID, ...]) -> list[Initiative]:
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
    async def initiatives(self, info: Info) -> list[Initiative]:
        return await _initiatives(info, self.data.contributing)

    @strawberry.field(
        description="Active initiatives that SUPPORT one of its own key results (not counted)."
    )
    async def supporting_initiatives(self, info: Info) -> list[Initiative]:
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
    async def orphan_initiatives(self, info: Info) -> list[Initiative]:
        return await _initiatives(info, self.data.orphans)

    @strawberry.field(
        description="Objectives with no initiative aligned (either kind) to a key result of"
        " theirs or of a descendant."
    )
    def objectives_without_work(self, info: Info) -> list[Objective]:
        require(info)
        rows = self.data.period.by_id()
        return [Objective.of(rows[objective_id]) for objective_id in self.data.without_work]
