"""The retrospective page: one cycle of the roadmap (a picker over its cycles), what was
committed at its start against what shipped, was carried over, dropped or came in
unplanned, its predictability, estimate against actual per shipped deliverable, and the
predictability of the cycles before it.

Read through ``projections.cycles_queries.cycle_report``, the query the GraphQL
``cycleReport`` resolver calls: a closed cycle's page shows what its close froze.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from backend.exporting.roadmap import status_words
from board.charts import BarChart, ColumnChart, Series, fraction_columns, grouped_bars, percent
from board.pages import page, refusal_page
from board.session import services_of
from board.subpages import RoadmapHead, Viewing, parse_ref, viewing
from projections.cycles_queries import CycleDeliverable, CycleReportData, cycle_report
from projections.estimate_figures import EstimateFigures
from projections.estimates_queries import EstimateGroup, EstimateQuery, Grouping, estimate_report
from projections.readers import Connection
from projections.roadmap_queries import Row, cycle_state, cycles_of_roadmap
from schema.relay import to_global_id

TREND_CYCLES = 6
"""Cycles in the predictability chart: the selected one and the closed ones before it."""

ESTIMATE_SERIES = (
    Series("bar-first", "First estimate"),
    Series("bar-final", "Final estimate"),
    Series("bar-actual", "Actual"),
)


@dataclass(frozen=True)
class CycleOption:
    cycle_id: UUID
    id: str
    name: str
    state: str
    starts_on: date
    selected: bool

    @property
    def words(self) -> str:
        return f"{self.name} ({self.state.lower()}, from {self.starts_on.isoformat()})"


@dataclass(frozen=True)
class Outcome:
    """What became of a deliverable of the cycle, in words and as a css class."""

    words: str
    css: str


@dataclass(frozen=True)
class RetroDeliverable:
    title: str
    initiative: str | None
    committed: bool
    stretch: bool
    outcome: Outcome
    first_estimate_weeks: Decimal | None
    final_estimate_weeks: Decimal | None
    actual_weeks: Decimal


@dataclass(frozen=True)
class TrendPoint:
    name: str
    predictability: float | None
    committed: int
    shipped: int

    @property
    def percent(self) -> str:
        return percent(self.predictability)


@dataclass(frozen=True)
class Retrospective:
    """Everything the page shows of one cycle."""

    name: str
    state: str
    starts_on: date
    ends_on: date
    committed: int
    shipped_committed: int
    shipped: int
    carried_over: int
    dropped: int
    unplanned: int
    predictability: float | None
    deliverables: tuple[RetroDeliverable, ...]
    figures: EstimateFigures | None
    estimate_chart: BarChart | None
    estimate_rows: tuple[RetroDeliverable, ...]
    trend: tuple[TrendPoint, ...]
    trend_chart: ColumnChart

    @property
    def closed(self) -> bool:
        return self.state == "CLOSED"

    @property
    def predictability_percent(self) -> str:
        return percent(self.predictability)


def outcome(d: CycleDeliverable, closed: bool, cycles: dict[UUID, str]) -> Outcome:
    if d.status == "DONE":
        return Outcome("Shipped", "shipped")
    if d.status == "WONT_DO":
        return Outcome("Dropped", "dropped")
    if d.carried_over:
        to = cycles.get(d.target_cycle_id) if d.target_cycle_id is not None else None
        if to is None and d.due_on is not None:
            to = d.due_on.isoformat()
        return Outcome(f"Carried over to {to}" if to else "Carried over", "carried")
    if closed:
        return Outcome(f"Not finished ({status_words(d.status)})", "unfinished")
    return Outcome(status_words(d.status), "open")


def retrospective(
    data: CycleReportData, roadmap: RoadmapHead, cycles: dict[UUID, str], trend: list[TrendPoint]
) -> Retrospective:
    closed = data.cycle.state == "CLOSED"
    rows = tuple(
        RetroDeliverable(
            title=d.title,
            initiative=roadmap.title_of(d.initiative_id),
            committed=d.committed,
            stretch=d.stretch,
            outcome=outcome(d, closed, cycles),
            first_estimate_weeks=d.first_estimate_weeks,
            final_estimate_weeks=d.estimate_weeks,
            actual_weeks=d.actual_weeks,
        )
        for d in data.deliverables
    )
    shipped = tuple(row for row in rows if row.outcome.css == "shipped")
    chart = (
        grouped_bars(
            [
                (row.title, (row.first_estimate_weeks, row.final_estimate_weeks, row.actual_weeks))
                for row in shipped
            ],
            ESTIMATE_SERIES,
        )
        if shipped
        else None
    )
    return Retrospective(
        name=data.cycle.name,
        state=data.cycle.state,
        starts_on=data.cycle.starts_on,
        ends_on=data.cycle.ends_on,
        committed=len(data.committed),
        shipped_committed=sum(1 for d in data.committed if d.status == "DONE"),
        shipped=len(data.completed),
        carried_over=len(data.carried_over),
        dropped=len(data.dropped),
        unplanned=len(data.unplanned),
        predictability=data.predictability,
        deliverables=rows,
        figures=data.estimates,
        estimate_chart=chart,
        estimate_rows=shipped,
        trend=tuple(trend),
        trend_chart=fraction_columns(
            [(p.name, p.predictability, i == len(trend) - 1) for i, p in enumerate(trend)]
        ),
    )


def options(rows: list[Row], selected: UUID | None) -> list[CycleOption]:
    """The roadmap's cycles by start date, but cancelled ones; the one asked for selected,
    else the latest closed one, else the active one, else the first."""
    found = sorted(
        (row for row in rows if cycle_state(row, None) != "CANCELLED"),
        key=lambda row: (row["starts_on"], row["name"]),
    )
    states = [cycle_state(row, None) for row in found]
    if selected is None or all(row["cycle_id"] != selected for row in found):
        by_state = {state: row["cycle_id"] for row, state in zip(found, states, strict=True)}
        first = found[0]["cycle_id"] if found else None
        # The latest closed one: a retrospective looks back.
        selected = by_state.get("CLOSED", by_state.get("ACTIVE", first))
    return [
        CycleOption(
            cycle_id=row["cycle_id"],
            id=to_global_id("Cycle", row["roadmap_id"], row["cycle_id"]),
            name=row["name"],
            state=state,
            starts_on=row["starts_on"],
            selected=row["cycle_id"] == selected,
        )
        for row, state in zip(found, states, strict=True)
    ]


async def trend_of(
    conn: Connection,
    workspace_id: UUID,
    roadmap_id: UUID,
    rows: list[Row],
    selected: CycleReportData,
) -> list[TrendPoint]:
    """Predictability of the closed cycles that started before the selected one (the last
    ``TREND_CYCLES - 1``), then of the selected one."""
    earlier = sorted(
        (
            row
            for row in rows
            if cycle_state(row, None) == "CLOSED"
            and row["starts_on"] < selected.cycle.starts_on
            and row["cycle_id"] != selected.cycle.cycle_id
        ),
        key=lambda row: (row["starts_on"], row["name"]),
    )[-(TREND_CYCLES - 1) :]
    reports = []
    for row in earlier:
        report = await cycle_report(conn, workspace_id, roadmap_id, row["cycle_id"])
        if report is not None:
            reports.append(report)
    reports.append(selected)
    return [
        TrendPoint(
            name=report.cycle.name,
            predictability=report.predictability,
            committed=len(report.committed),
            shipped=sum(1 for d in report.committed if d.status == "DONE"),
        )
        for report in reports
    ]


async def accuracy_by_cycle(
    conn: Connection, workspace_id: UUID, roadmap_id: UUID
) -> list[EstimateGroup]:
    """The estimate report of the roadmap's completed deliverables by the cycle they
    targeted when completed (the API's ``estimateReport(groupBy: CYCLE)``)."""
    query = EstimateQuery(workspace_id=workspace_id, roadmap_id=roadmap_id)
    return await estimate_report(conn, query, Grouping.CYCLE)


async def retrospective_page(request: Request) -> Response:
    found = await viewing(request)
    if not isinstance(found, Viewing):
        return found
    asked = request.query_params.get("cycle")
    ref = parse_ref(asked, "Cycle", parts=2)
    missing = f"Cycle {asked!r} not found on this roadmap"
    if asked and (ref is None or ref.parent_id != found.roadmap.uuid):
        return refusal_page(request, 404, missing)
    workspace_id, roadmap_id = found.principal.workspace_id, found.roadmap.uuid
    async with services_of(request).pool.acquire() as conn:
        rows = await cycles_of_roadmap(conn, workspace_id, roadmap_id)
        picker = options(rows, None if ref is None else ref.id)
        if ref is not None and all(option.cycle_id != ref.id for option in picker):
            return refusal_page(request, 404, missing)
        chosen = next((option for option in picker if option.selected), None)
        report = None
        accuracy = await accuracy_by_cycle(conn, workspace_id, roadmap_id) if picker else []
        if chosen is not None:
            data = await cycle_report(conn, workspace_id, roadmap_id, chosen.cycle_id)
            if data is not None:
                names = {row["cycle_id"]: row["name"] for row in rows}
                trend = await trend_of(conn, workspace_id, roadmap_id, rows, data)
                report = retrospective(data, found.roadmap, names, trend)
    return page(
        request,
        "retrospective.html",
        principal=found.principal,
        roadmap=found.roadmap,
        section="retrospective",
        cycles=picker,
        report=report,
        accuracy=accuracy,
    )
