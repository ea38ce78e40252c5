"""The estimate report: completed deliverables from the roadmap read model, grouped.

A deliverable's current row gives its completion, latest estimate and effort; its facts
give the first estimate (generation 1), how many generations it had and how many times
its target slipped.

Groups (``EstimateGrouping``), each named by ``group`` and, where it is an entity, its id:

- TEAM: the initiative's current team (``"(no team)"`` without one);
- CYCLE: the cycle the deliverable targeted when it was completed (``"(no cycle)"``
  when it targeted a date or nothing);
- QUARTER: the fiscal quarter of its completion time, in UTC, with the workspace's
  fiscal-year start month (``fiscal_years``; January until set), whatever the cadence of
  the initiative's roadmap, named like ``"FY2027 Q1"`` (see ``figures.FiscalQuarter``);
- KIND: the initiative's current kind (``"FEATURE"``, ...);
- INITIATIVE: the initiative (named by its current title).

Rows come in a stable order: teams, kinds and initiatives by name, cycles by start date,
quarters chronologically; the groups without a team or cycle last. The filter's
``since`` is inclusive and ``until`` exclusive, both on the completion time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

import asyncpg

from backend.domain.initiative import KINDS
from projections.estimate_figures import (
    CompletedWork,
    EstimateFigures,
    estimate_figures,
    fiscal_quarter,
)
from projections.readers import Reader


def counted_from_facts(bound: str) -> str:
    """The lateral joins giving a deliverable ``d`` its ``first_estimate_weeks`` (generation
    1), ``generations`` (e) and ``slips`` (x), counted from its facts before log position
    ``bound`` (an SQL expression; NULL: all of them). The estimate report and the cycle
    report both count them so."""
    return f"""
    CROSS JOIN LATERAL (
        SELECT COALESCE(max(e.generation), 0) AS generations,
            min(e.weeks) FILTER (WHERE e.generation = 1) AS first_estimate_weeks
        FROM roadmap.estimates e
        WHERE e.initiative_id = d.initiative_id AND e.deliverable_id = d.deliverable_id
          AND ({bound} IS NULL OR e.position < {bound})
    ) AS e
    CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE x.slip)::integer AS slips
        FROM roadmap.retargets x
        WHERE x.initiative_id = d.initiative_id AND x.deliverable_id = d.deliverable_id
          AND ({bound} IS NULL OR x.position < {bound})
    ) AS x
"""


COMPLETED_DELIVERABLES = f"""
    SELECT d.initiative_id, d.deliverable_id, d.completed_at, d.completed_cycle_id,
        e.first_estimate_weeks, d.estimate_weeks, e.generations, d.actual_weeks, x.slips,
        d.roadmap_id, i.title AS initiative_title, i.team_id, i.kind,
        t.name AS team_name, c.name AS cycle_name, c.starts_on AS cycle_starts_on,
        f.start_month AS fiscal_year_start_month
    FROM roadmap.deliverable_versions d
    JOIN roadmap.initiative_versions i
        ON i.initiative_id = d.initiative_id AND i.valid_to = 'infinity'
    {counted_from_facts("NULL::bigint")}
    LEFT JOIN roadmap.teams t ON t.id = i.team_id AND t.workspace_id = i.workspace_id
    LEFT JOIN roadmap.cycle_versions c
        ON c.roadmap_id = d.roadmap_id AND c.cycle_id = d.completed_cycle_id
        AND c.valid_to = 'infinity'
    LEFT JOIN roadmap.fiscal_years f ON f.workspace_id = d.workspace_id
    WHERE d.workspace_id = $1 AND d.valid_to = 'infinity' AND d.status = 'DONE'
      AND ($2::uuid IS NULL OR d.roadmap_id = $2)
      AND ($3::uuid IS NULL OR i.team_id = $3)
      AND ($4::timestamptz IS NULL OR d.completed_at >= $4)
      AND ($5::timestamptz IS NULL OR d.completed_at < $5)
"""

NO_TEAM = "(no team)"
NO_CYCLE = "(no cycle)"


class Grouping(Enum):
    """How completed deliverables are grouped (the API's ``EstimateGrouping``)."""

    TEAM = "TEAM"
    CYCLE = "CYCLE"
    QUARTER = "QUARTER"
    KIND = "KIND"
    INITIATIVE = "INITIATIVE"


@dataclass(frozen=True)
class EstimateQuery:
    """The report's filter, decoded; None is no restriction."""

    workspace_id: UUID
    roadmap_id: UUID | None = None
    team_id: UUID | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class GroupRef:
    """A group of the report: its name, its entity (kind and ids) if any, its sort key."""

    name: str
    entity: tuple[str, tuple[UUID, ...]] | None
    order: tuple[Any, ...]


@dataclass(frozen=True)
class EstimateGroup:
    """One row of the report."""

    group: GroupRef
    figures: EstimateFigures


def completed_work(row: asyncpg.Record) -> CompletedWork:
    return CompletedWork(
        first_estimate_weeks=row["first_estimate_weeks"],
        final_estimate_weeks=row["estimate_weeks"],
        generations=row["generations"],
        actual_weeks=row["actual_weeks"],
        slips=row["slips"],
    )


def _team(row: asyncpg.Record) -> GroupRef:
    if row["team_id"] is None:
        return GroupRef(NO_TEAM, None, (1, "", ""))
    name = row["team_name"] or ""
    return GroupRef(name, ("Team", (row["team_id"],)), (0, name.casefold(), str(row["team_id"])))


def _cycle(row: asyncpg.Record) -> GroupRef:
    if row["completed_cycle_id"] is None or row["cycle_name"] is None:
        return GroupRef(NO_CYCLE, None, (1, date.min, ""))
    ids = (row["roadmap_id"], row["completed_cycle_id"])
    order = (0, row["cycle_starts_on"], row["cycle_name"].casefold(), str(ids))
    return GroupRef(row["cycle_name"], ("Cycle", ids), order)


def _quarter(row: asyncpg.Record) -> GroupRef:
    quarter = fiscal_quarter(row["completed_at"], row["fiscal_year_start_month"])
    return GroupRef(quarter.name, None, (quarter.fiscal_year, quarter.quarter))


def _kind(row: asyncpg.Record) -> GroupRef:
    kind = row["kind"]
    return GroupRef(kind, None, (KINDS.index(kind) if kind in KINDS else len(KINDS), kind))


def _initiative(row: asyncpg.Record) -> GroupRef:
    title = row["initiative_title"]
    order = (title.casefold(), str(row["initiative_id"]))
    return GroupRef(title, ("Initiative", (row["initiative_id"],)), order)


GROUP_OF: dict[Grouping, Callable[[asyncpg.Record], GroupRef]] = {
    Grouping.TEAM: _team,
    Grouping.CYCLE: _cycle,
    Grouping.QUARTER: _quarter,
    Grouping.KIND: _kind,
    Grouping.INITIATIVE: _initiative,
}


async def completed_deliverables(conn: Reader, query: EstimateQuery) -> Sequence[asyncpg.Record]:
    """The completed deliverables the report covers, with what it groups them by."""
    return await conn.fetch(
        COMPLETED_DELIVERABLES,
        query.workspace_id,
        query.roadmap_id,
        query.team_id,
        query.since,
        query.until,
    )


def group_rows(rows: Sequence[asyncpg.Record], grouping: Grouping) -> list[EstimateGroup]:
    """The report's rows: one per group that has a completed deliverable, in order."""
    group_of = GROUP_OF[grouping]
    groups: dict[GroupRef, list[CompletedWork]] = {}
    for row in rows:
        groups.setdefault(group_of(row), []).append(completed_work(row))
    return [
        EstimateGroup(group, estimate_figures(work))
        for group, work in sorted(groups.items(), key=lambda item: item[0].order)
    ]


async def estimate_report(
    conn: Reader, query: EstimateQuery, grouping: Grouping
) -> list[EstimateGroup]:
    """Estimate versus actual of the completed deliverables the query selects, grouped."""
    return group_rows(await completed_deliverables(conn, query), grouping)
