"""GraphQL types of retrospectives: the estimate report's rows and the cycle report.

Built from the estimate and cycle reports over the roadmap read model
(``projections.estimates_queries``, ``projections.cycles_queries``); the cycle report's
deliverables, cycle and status changes are the roadmap's own types, referred to lazily.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum

import strawberry

from projections.cycles_queries import CycleDeliverable, CycleReportData
from projections.estimate_figures import EstimateFigures
from projections.estimates_queries import EstimateGroup
from schema.context import Info
from schema.permissions import require
from schema.relay import to_global_id
from schema.reports.adapters import report_deliverables, report_status_changes
from schema.roadmap.entities import Cycle, Deliverable
from schema.roadmap.loaders import cycles_by_refs
from schema.roadmap.timeline import TimelineEntry


@strawberry.enum(description="How the estimate report groups completed deliverables.")
class EstimateGrouping(Enum):
    TEAM = strawberry.enum_value("TEAM", description="The initiative's current team.")
    CYCLE = strawberry.enum_value(
        "CYCLE", description="The cycle the deliverable targeted when it was completed."
    )
    QUARTER = strawberry.enum_value(
        "QUARTER",
        description='The fiscal quarter of its completion (UTC), e.g. "FY2027 Q1": the fiscal'
        " year is named after the calendar year it ends in, its start month is the"
        " workspace's (Workspace.fiscalYearStartMonth), whatever the roadmap's cadence.",
    )
    KIND = strawberry.enum_value("KIND", description="The initiative's current kind.")
    INITIATIVE = strawberry.enum_value("INITIATIVE", description="The initiative.")


@strawberry.input(description="Which completed deliverables the estimate report covers.")
class EstimateFilter:
    roadmap_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only the initiatives of this roadmap."
    )
    team_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only the initiatives this team owns now."
    )
    since: datetime | None = strawberry.field(
        default=None, description="Completed at or after this instant."
    )
    until: datetime | None = strawberry.field(
        default=None, description="Completed before this instant (exclusive)."
    )


@strawberry.type(description="Estimate versus actual for one group of completed deliverables.")
class EstimateRow:
    group: str = strawberry.field(
        description='The group: a team, cycle or initiative name, a kind, or "FY2027 Q1";'
        ' "(no team)" and "(no cycle)" gather the deliverables without one.'
    )
    group_id: strawberry.ID | None = strawberry.field(
        description="The id of the group's team, cycle or initiative (null otherwise)."
    )
    deliverables: int = strawberry.field(description="Completed (DONE) deliverables.")
    first_estimate_weeks: Decimal = strawberry.field(
        description="Sum of first estimates (generation 1) of the estimated ones."
    )
    final_estimate_weeks: Decimal = strawberry.field(
        description="Sum of latest estimates of the estimated ones."
    )
    actual_weeks: Decimal = strawberry.field(
        description="Sum of the effort logged on the estimated ones."
    )
    ratio: float | None = strawberry.field(
        description="actual / first estimate, summed over the group (null: none estimated)."
    )
    mape: float | None = strawberry.field(
        description="Mean absolute percentage error of first estimates against actuals:"
        " mean of |actual - first| / actual; deliverables with no effort logged have no"
        " percentage error and are left out (null when none is left)."
    )
    overrun: int = strawberry.field(description="Estimated ones whose actual exceeds the first.")
    underrun: int = strawberry.field(description="Estimated ones whose actual is below the first.")
    reestimates: int = strawberry.field(description="Estimate generations after the first.")
    slipped: int = strawberry.field(
        description="Deliverables whose target moved later at least once."
    )
    slips: int = strawberry.field(description="Total number of times targets moved later.")

    @classmethod
    def of(
        cls, group: str, group_id: strawberry.ID | None, figures: EstimateFigures
    ) -> EstimateRow:
        return cls(
            group=group,
            group_id=group_id,
            deliverables=figures.deliverables,
            first_estimate_weeks=figures.first_estimate_weeks,
            final_estimate_weeks=figures.final_estimate_weeks,
            actual_weeks=figures.actual_weeks,
            ratio=figures.ratio,
            mape=figures.mape,
            overrun=figures.overrun,
            underrun=figures.underrun,
            reestimates=figures.reestimates,
            slipped=figures.slipped,
            slips=figures.slips,
        )

    @classmethod
    def of_group(cls, row: EstimateGroup) -> EstimateRow:
        entity = row.group.entity
        group_id = None if entity is None else to_global_id(entity[0], *entity[1])
        return cls.of(row.group.name, group_id, row.figures)


@strawberry.type(
    description="Retrospective of one cycle: scope frozen at start against the outcome at close."
)
class CycleReport:
    predictability: float | None = strawberry.field(
        description="Completed committed deliverables / committed deliverables (null when"
        " nothing was committed)."
    )
    estimates: EstimateRow | None = strawberry.field(
        description="Estimate versus actual of the completed deliverables (null when none)."
    )
    data: strawberry.Private[CycleReportData]

    @classmethod
    def of(cls, data: CycleReportData) -> CycleReport:
        figures = data.estimates
        group_id = to_global_id("Cycle", data.cycle.roadmap_id, data.cycle.cycle_id)
        return cls(
            predictability=data.predictability,
            estimates=None
            if figures is None
            else EstimateRow.of(data.cycle.name, group_id, figures),
            data=data,
        )

    @strawberry.field(description="The cycle.")
    async def cycle(self, info: Info) -> Cycle:
        require(info)
        [found] = await cycles_by_refs(
            info, [(self.data.cycle.roadmap_id, self.data.cycle.cycle_id)]
        )
        assert found is not None, f"cycle {self.data.cycle.cycle_id} is missing"
        return found

    def _deliverables(self, info: Info, chosen: list[CycleDeliverable]) -> list[Deliverable]:
        return report_deliverables(info, self.data, chosen)

    @strawberry.field(description="Committed when the cycle started (frozen), in priority order.")
    def committed(self, info: Info) -> list[Deliverable]:
        return self._deliverables(info, self.data.committed)

    @strawberry.field(description="Targeted to the cycle after it started, not committed.")
    def unplanned(self, info: Info) -> list[Deliverable]:
        return self._deliverables(info, self.data.unplanned)

    @strawberry.field(description="DONE at the close (now, for a cycle not closed yet).")
    def completed(self, info: Info) -> list[Deliverable]:
        return self._deliverables(info, self.data.completed)

    @strawberry.field(
        description="Committed, neither DONE nor WONT_DO at the close (now, for a cycle not"
        " closed yet), and due after the cycle ends: retargeted later."
    )
    def carried_over(self, info: Info) -> list[Deliverable]:
        return self._deliverables(info, self.data.carried_over)

    @strawberry.field(description="WONT_DO at the close (now, for a cycle not closed yet).")
    def dropped(self, info: Info) -> list[Deliverable]:
        return self._deliverables(info, self.data.dropped)

    @strawberry.field(
        description="Status changes of its deliverables recorded while the cycle was active,"
        " oldest first."
    )
    async def status_changes(self, info: Info) -> list[TimelineEntry]:
        return await report_status_changes(info, self.data)
