"""The cycle report's deliverables and status changes, as the roadmap's own types.

A closed cycle's report never changes, so its deliverables are built from the rows the
roadmap read model froze at the close (title, status, estimate, actual, target,
completion), never from the live roadmap. Their nested fields (``estimates``,
``targetCycle``) are read by the roadmap's loaders as of the close (business time). A
cycle not closed yet shows its deliverables live, from the same read model as the rest
of its report.

Its status changes are the timeline's entries of the events the report names by log
position; an entry is written once per event and never changes.
"""

from __future__ import annotations

from projections.cycles_queries import CycleDeliverable, CycleReportData
from projections.timeline_queries import entries_at
from schema.context import Info
from schema.permissions import require
from schema.relay import to_global_id
from schema.roadmap.entities import Deliverable, DeliverableStatus
from schema.roadmap.timeline import TimelineEntry, entries_of


def report_deliverables(
    info: Info, report: CycleReportData, chosen: list[CycleDeliverable]
) -> list[Deliverable]:
    """The roadmap's Deliverable objects of some of a report's deliverables, in order."""
    require(info)
    return [
        Deliverable(
            id=to_global_id("Deliverable", d.initiative_id, d.deliverable_id),
            title=d.title,
            stretch=d.stretch,
            status=DeliverableStatus(d.status),
            estimate_weeks=d.estimate_weeks,
            actual_weeks=d.actual_weeks,
            target_date=d.target_date,
            completed_at=d.completed_at,
            initiative_id=d.initiative_id,
            deliverable_id=d.deliverable_id,
            roadmap_id=report.cycle.roadmap_id,
            target_cycle_id=d.target_cycle_id,
            at=report.cycle.closed_at,
        )
        for d in chosen
    ]


async def report_status_changes(info: Info, report: CycleReportData) -> list[TimelineEntry]:
    """The timeline's entries of the report's status changes, oldest first."""
    workspace_id = require(info).workspace_id
    positions = [change.position for change in report.status_changes]
    if not positions:
        return []
    rows = await entries_at(info.context.services.pool, workspace_id, positions)
    return await entries_of(info, rows)
