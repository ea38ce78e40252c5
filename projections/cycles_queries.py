"""The cycle report, read from the roadmap read model (its cycles, scope and outcomes).

The deliverables of a cycle are those committed when it started plus those of
initiatives on the roadmap that target it (at its close, or now for a cycle not closed
yet), as in ``Roadmap.CycleClosed``. Of them:

- committed: frozen when the cycle started, in the priority order of that moment (also
  once closed: the outcome lists the deliverables in the order of the close);
- unplanned: not committed, targeted to the cycle while it was active;
- completed: DONE (at the close, or now); dropped: WONT_DO;
- carried over: committed, neither DONE nor WONT_DO, and due after the cycle ends;
- predictability: completed committed / committed, None when nothing was committed;
- estimates: the estimate figures (``figures.estimate_figures``) of the completed ones;
- status changes: those of its deliverables recorded while the cycle was active (by log
  position: after its start, before its close).

A closed cycle is read only from rows written once at its close (``outcomes``) and from
the facts of its deliverables bounded by log positions (estimate generations and slips
before its close, status changes between its start and close), so its report never
changes afterwards. A cycle not closed yet is read live, from the deliverables' current
rows and all their facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import asyncpg

from projections.estimate_figures import CompletedWork, EstimateFigures, estimate_figures
from projections.estimates_queries import counted_from_facts
from projections.readers import Connection

CYCLE = """
    SELECT c.roadmap_id, c.cycle_id, v.name, v.starts_on, v.ends_on, c.state,
        c.started_position, c.closed_position, c.closed_at
    FROM roadmap.cycles c
    JOIN roadmap.cycle_versions v
        ON v.roadmap_id = c.roadmap_id AND v.cycle_id = c.cycle_id AND v.valid_to = 'infinity'
    WHERE c.workspace_id = $1 AND c.roadmap_id = $2 AND c.cycle_id = $3
"""


CLOSED_DELIVERABLES = f"""
    SELECT d.initiative_id, d.deliverable_id, d.committed, d.unplanned, d.title, d.stretch,
        d.status, d.target_cycle_id, d.target_date, d.due_on, d.carried_over,
        d.first_estimate_weeks, d.estimate_weeks, e.generations, d.actual_weeks, x.slips,
        d.completed_at
    FROM roadmap.outcomes d
    {counted_from_facts("$4::bigint")}
    LEFT JOIN roadmap.scope s
        ON s.roadmap_id = d.roadmap_id AND s.cycle_id = d.cycle_id AND s.committed
        AND s.initiative_id = d.initiative_id AND s.deliverable_id = d.deliverable_id
    WHERE d.workspace_id = $1 AND d.roadmap_id = $2 AND d.cycle_id = $3
    ORDER BY s.ordinal NULLS LAST, d.ordinal
"""

LIVE_DELIVERABLES = f"""
    SELECT d.initiative_id, d.deliverable_id,
        COALESCE(s.committed, false) AS committed,
        COALESCE(NOT s.committed, false) AS unplanned,
        d.title, d.stretch, d.status, d.target_cycle_id, d.target_date,
        COALESCE(d.target_date, t.ends_on) AS due_on,
        COALESCE(s.committed, false) AND d.status NOT IN ('DONE', 'WONT_DO')
            AND COALESCE(d.target_date, t.ends_on) > $4 AS carried_over,
        e.first_estimate_weeks, d.estimate_weeks, e.generations, d.actual_weeks, x.slips,
        d.completed_at
    FROM roadmap.deliverable_versions d
    JOIN roadmap.initiatives r ON r.id = d.initiative_id
    JOIN roadmap.initiative_versions i
        ON i.initiative_id = d.initiative_id AND i.valid_to = 'infinity'
    LEFT JOIN roadmap.scope s
        ON s.roadmap_id = $2 AND s.cycle_id = $3
        AND s.initiative_id = d.initiative_id AND s.deliverable_id = d.deliverable_id
    LEFT JOIN roadmap.cycle_versions t
        ON t.roadmap_id = $2 AND t.cycle_id = d.target_cycle_id AND t.valid_to = 'infinity'
    {counted_from_facts("NULL::bigint")}
    WHERE d.workspace_id = $1 AND d.roadmap_id = $2 AND d.valid_to = 'infinity'
      AND (s.committed OR (i.on_roadmap AND d.target_cycle_id = $3))
    ORDER BY s.ordinal NULLS LAST, r.proposed_position, d.added_position
"""

# The generations of these deliverables before log position $3 (NULL: all of them).
ESTIMATES = """
    SELECT e.initiative_id, e.deliverable_id, e.generation, e.weeks, e.confidence, e.reason,
        e.at, e.actor
    FROM roadmap.estimates e
    JOIN unnest($1::uuid[], $2::uuid[]) AS pair (initiative_id, deliverable_id)
        ON e.initiative_id = pair.initiative_id AND e.deliverable_id = pair.deliverable_id
    WHERE $3::bigint IS NULL OR e.position < $3
    ORDER BY e.initiative_id, e.deliverable_id, e.generation
"""

STATUS_CHANGES = """
    SELECT c.position, c.initiative_id, c.deliverable_id, c.from_status, c.to_status, c.at,
        c.recorded_at, c.actor, c.reason, c.decision_id
    FROM roadmap.status_changes c
    JOIN unnest($1::uuid[], $2::uuid[]) AS pair (initiative_id, deliverable_id)
        ON c.initiative_id = pair.initiative_id AND c.deliverable_id = pair.deliverable_id
    WHERE c.position > $3 AND ($4::bigint IS NULL OR c.position < $4)
    ORDER BY c.position
"""


@dataclass(frozen=True)
class CycleRow:
    """A cycle of a roadmap, with the log positions of its start and close."""

    roadmap_id: UUID
    cycle_id: UUID
    name: str
    starts_on: date
    ends_on: date
    state: str
    started_position: int | None
    closed_position: int | None
    closed_at: datetime | None


@dataclass(frozen=True)
class EstimateRecord:
    """One estimate generation of a deliverable."""

    generation: int
    weeks: Decimal
    confidence: float | None
    reason: str
    at: datetime
    actor: str


@dataclass(frozen=True)
class CycleDeliverable:
    """A deliverable of a cycle as the report shows it (frozen at close, or live)."""

    initiative_id: UUID
    deliverable_id: UUID
    committed: bool
    unplanned: bool
    title: str
    stretch: bool
    status: str
    target_cycle_id: UUID | None
    target_date: date | None
    due_on: date | None
    carried_over: bool
    first_estimate_weeks: Decimal | None
    estimate_weeks: Decimal | None
    generations: int
    actual_weeks: Decimal
    slips: int
    completed_at: datetime | None
    estimates: tuple[EstimateRecord, ...]

    @property
    def ref(self) -> tuple[UUID, UUID]:
        return (self.initiative_id, self.deliverable_id)

    @property
    def work(self) -> CompletedWork:
        return CompletedWork(
            first_estimate_weeks=self.first_estimate_weeks,
            final_estimate_weeks=self.estimate_weeks,
            generations=self.generations,
            actual_weeks=self.actual_weeks,
            slips=self.slips,
        )


@dataclass(frozen=True)
class StatusChangeRow:
    """A status change of a deliverable, at its log position."""

    position: int
    initiative_id: UUID
    deliverable_id: UUID
    from_status: str
    to_status: str
    at: datetime
    recorded_at: datetime
    actor: str
    reason: str
    decision_id: UUID | None


@dataclass(frozen=True)
class CycleReportData:
    """Everything a cycle report shows."""

    cycle: CycleRow
    deliverables: tuple[CycleDeliverable, ...]
    status_changes: tuple[StatusChangeRow, ...]

    @property
    def committed(self) -> list[CycleDeliverable]:
        return [d for d in self.deliverables if d.committed]

    @property
    def unplanned(self) -> list[CycleDeliverable]:
        return [d for d in self.deliverables if d.unplanned]

    @property
    def completed(self) -> list[CycleDeliverable]:
        return [d for d in self.deliverables if d.status == "DONE"]

    @property
    def carried_over(self) -> list[CycleDeliverable]:
        return [d for d in self.deliverables if d.carried_over]

    @property
    def dropped(self) -> list[CycleDeliverable]:
        return [d for d in self.deliverables if d.status == "WONT_DO"]

    @property
    def predictability(self) -> float | None:
        committed = self.committed
        if not committed:
            return None
        return sum(1 for d in committed if d.status == "DONE") / len(committed)

    @property
    def estimates(self) -> EstimateFigures | None:
        """The estimate figures of the completed deliverables; None when none completed."""
        completed = self.completed
        return estimate_figures(d.work for d in completed) if completed else None


async def cycle_report(
    conn: Connection, workspace_id: UUID, roadmap_id: UUID, cycle_id: UUID
) -> CycleReportData | None:
    """The report of a cycle of the workspace; None when there is no such cycle.

    Reads in one repeatable-read snapshot, so the parts of a live report agree.
    """
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        found = await conn.fetchrow(CYCLE, workspace_id, roadmap_id, cycle_id)
        if found is None:
            return None
        cycle = CycleRow(**dict(found))
        if cycle.state == "CLOSED":
            rows = await conn.fetch(
                CLOSED_DELIVERABLES, workspace_id, roadmap_id, cycle_id, cycle.closed_position
            )
        else:
            rows = await conn.fetch(
                LIVE_DELIVERABLES, workspace_id, roadmap_id, cycle_id, cycle.ends_on
            )
        estimates = await conn.fetch(
            ESTIMATES,
            [row["initiative_id"] for row in rows],
            [row["deliverable_id"] for row in rows],
            cycle.closed_position,
        )
        deliverables = _with_estimates(rows, estimates)
        changes: Sequence[asyncpg.Record] = []
        if cycle.started_position is not None:
            changes = await conn.fetch(
                STATUS_CHANGES,
                [d.initiative_id for d in deliverables],
                [d.deliverable_id for d in deliverables],
                cycle.started_position,
                cycle.closed_position,
            )
    return CycleReportData(
        cycle=cycle,
        deliverables=tuple(deliverables),
        status_changes=tuple(StatusChangeRow(**dict(row)) for row in changes),
    )


def _with_estimates(
    rows: Sequence[asyncpg.Record], estimates: Sequence[asyncpg.Record]
) -> list[CycleDeliverable]:
    generations: dict[tuple[UUID, UUID], list[EstimateRecord]] = {}
    for row in estimates:
        ref = (row["initiative_id"], row["deliverable_id"])
        fields = {name: row[name] for name in EstimateRecord.__dataclass_fields__}
        generations.setdefault(ref, []).append(EstimateRecord(**fields))
    return [
        CycleDeliverable(
            **dict(row),
            estimates=tuple(generations.get((row["initiative_id"], row["deliverable_id"]), ())),
        )
        for row in rows
    ]
