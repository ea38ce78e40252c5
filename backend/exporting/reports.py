"""The estimate and cycle reports as tables, as pure functions over the report data.

The figures themselves are defined once, in ``projections.estimate_figures`` (what the
GraphQL reports serve); this module only lays them out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from uuid import UUID

from backend.exporting.roadmap import status_words
from backend.exporting.tables import Table, ratio_text, weeks_text
from projections.cycles_queries import CycleDeliverable, CycleReportData
from projections.estimate_figures import EstimateFigures
from projections.estimates_queries import EstimateGroup

ESTIMATE_COLUMNS = (
    "Deliverables",
    "First estimate (weeks)",
    "Final estimate (weeks)",
    "Actual (weeks)",
    "Actual / first",
    "MAPE",
    "Overrun",
    "Underrun",
    "Re-estimates",
    "Slipped",
    "Slips",
)
CYCLE_COLUMNS = (
    "Initiative",
    "Deliverable",
    "Committed",
    "Status",
    "Target",
    "Carried over",
    "First estimate (weeks)",
    "Final estimate (weeks)",
    "Actual (weeks)",
    "Slips",
)


def figure_cells(figures: EstimateFigures) -> tuple[str, ...]:
    """The estimate figures of one group, as cells of ``ESTIMATE_COLUMNS``."""
    return (
        str(figures.deliverables),
        weeks_text(figures.first_estimate_weeks),
        weeks_text(figures.final_estimate_weeks),
        weeks_text(figures.actual_weeks),
        ratio_text(figures.ratio),
        ratio_text(figures.mape, percent=True),
        str(figures.overrun),
        str(figures.underrun),
        str(figures.reestimates),
        str(figures.slipped),
        str(figures.slips),
    )


def estimates_table(groups: Sequence[EstimateGroup], group_by: str) -> Table:
    """One row per group (team, cycle, quarter, kind or initiative), in report order."""
    return Table(
        (group_by.capitalize(), *ESTIMATE_COLUMNS),
        tuple((group.group.name, *figure_cells(group.figures)) for group in groups),
    )


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


def _target(deliverable: CycleDeliverable, cycle_names: Mapping[UUID, str]) -> str:
    if deliverable.target_cycle_id is not None:
        return cycle_names.get(deliverable.target_cycle_id, str(deliverable.target_cycle_id))
    return deliverable.target_date.isoformat() if deliverable.target_date else ""


def cycle_table(
    report: CycleReportData,
    initiative_titles: Mapping[UUID, str],
    cycle_names: Mapping[UUID, str],
) -> Table:
    """The cycle's deliverables: committed ones first (in priority order), then unplanned."""
    return Table(
        CYCLE_COLUMNS,
        tuple(
            (
                initiative_titles.get(d.initiative_id, str(d.initiative_id)),
                d.title,
                _yes(d.committed),
                status_words(d.status),
                _target(d, cycle_names),
                _yes(d.carried_over),
                weeks_text(d.first_estimate_weeks),
                weeks_text(d.estimate_weeks),
                weeks_text(d.actual_weeks),
                str(d.slips),
            )
            for d in report.deliverables
        ),
    )


def cycle_summary(report: CycleReportData) -> list[str]:
    """The cycle's figures in a few lines (the Markdown report's header)."""
    cycle = report.cycle
    predictability = ratio_text(report.predictability, percent=True) or "n/a"
    lines = [
        f"# Cycle {cycle.name}",
        "",
        f"{cycle.starts_on.isoformat()} to {cycle.ends_on.isoformat()}, {cycle.state}",
        "",
        f"- committed at start: {len(report.committed)}",
        f"- added later (unplanned): {len(report.unplanned)}",
        f"- completed: {len(report.completed)}",
        f"- carried over: {len(report.carried_over)}",
        f"- dropped: {len(report.dropped)}",
        f"- predictability (completed committed / committed): {predictability}",
    ]
    estimates = report.estimates
    if estimates is not None:
        ratio = ratio_text(estimates.ratio) or "n/a"
        lines.append(f"- actual / first estimate of the completed: {ratio}")
    return [*lines, ""]
