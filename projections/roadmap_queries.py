"""Reading the roadmap read model: teams, roadmaps, initiatives, deliverables, cycles.

Every function takes the caller's workspace and filters on it, so an id of another
workspace reads exactly like a missing one. ``at`` is a business-time instant, or None
for the current state (the rows with ``valid_to = 'infinity'``, through the partial
"current" indexes). At an instant, each entity's version is the last one starting at or
before it: one backward probe of its ``(key, valid_from)`` primary key. A removed
deliverable has no current version, and its last one ends at the removal: an instant at
or after that (``valid_to <= at``) does not show it.

Rows are asyncpg records; their columns are those the SQL constants select.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from uuid import UUID

import asyncpg

from backend.domain.deliverable import FINISHED
from backend.domain.workspace import DEFAULT_FISCAL_YEAR_START_MONTH
from projections.read_model import version_of
from projections.readers import Connection, Reader

Row = asyncpg.Record

INITIATIVE_FIELDS = f"""
    v.initiative_id, v.roadmap_id, v.title, v.goal, v.stakeholders, v.team_id, v.kind,
    v.parent_id, v.on_roadmap, {version_of("roadmap", "v.initiative_id")} AS version
"""
# An initiative's version is its aggregate's current one, read by the same statement as
# the row it goes with, also at an earlier instant (expectedVersion is compared with it).

DELIVERABLE_FIELDS = """
    v.initiative_id, v.deliverable_id, v.roadmap_id, v.title, v.stretch, v.status,
    v.target_cycle_id, v.target_date, v.completed_at, v.estimate_weeks::text AS estimate_weeks,
    v.actual_weeks::text AS actual_weeks
"""
# Decimals are read as text (their exact digits): that is how the API shows them, and
# decoding thousands of them as text is several times cheaper than as Decimal.

TEAMS = """
    SELECT id, name, archived FROM roadmap.teams
    WHERE workspace_id = $1 AND ($2 OR NOT archived)
    ORDER BY name, id
"""

FISCAL_YEAR_START_MONTH = """
    SELECT start_month FROM roadmap.fiscal_years WHERE workspace_id = $1
"""

TEAMS_BY_IDS = """
    SELECT id, name, archived FROM roadmap.teams
    WHERE workspace_id = $1 AND id = ANY($2::uuid[])
"""

ROADMAP_FIELDS = f"""
    id, name, team_id, fiscal_year_start_month, cycle_weeks, anchor_date, archived, created_at,
    {version_of("roadmap", "roadmaps.id")} AS version
"""

ROADMAPS_BY_IDS = f"""
    SELECT {ROADMAP_FIELDS} FROM roadmap.roadmaps
    WHERE workspace_id = $1 AND id = ANY($2::uuid[])
"""

ROADMAPS_OF_WORKSPACE = """
    SELECT id, name, created_at FROM roadmap.roadmaps
    WHERE workspace_id = $1
    ORDER BY created_at, id
"""

ROADMAPS_PAGE = f"""
    SELECT {ROADMAP_FIELDS} FROM roadmap.roadmaps
    WHERE workspace_id = $1 AND ($2::text IS NULL OR (name, id) > ($2, $3::uuid))
        AND ($5 OR NOT archived)
    ORDER BY name, id
    LIMIT $4
"""

ROADMAPS_CHANGED = """
    WITH changed AS (
        SELECT originator_id FROM public.roadlog_events
        WHERE notification_id > $2 AND notification_id <= $3
    )
    SELECT r.id FROM roadmap.roadmaps r
    WHERE r.workspace_id = $1 AND (
        r.id IN (SELECT originator_id FROM changed)
        OR r.id IN (
            SELECT i.roadmap_id FROM roadmap.initiatives i
            WHERE i.id IN (SELECT originator_id FROM changed)
        )
    )
"""

ORDER_NOW = f"""
    SELECT {INITIATIVE_FIELDS}
    FROM roadmap.placements p
    JOIN roadmap.initiative_versions v
        ON v.initiative_id = p.initiative_id AND v.valid_to = 'infinity'
    WHERE p.roadmap_id = $1 AND p.workspace_id = $2 AND p.valid_to = 'infinity'
    ORDER BY p.rank
"""

ORDER_AT = f"""
    SELECT {INITIATIVE_FIELDS}
    FROM roadmap.initiatives i
    CROSS JOIN LATERAL (
        SELECT p.rank, p.valid_to FROM roadmap.placements p
        WHERE p.roadmap_id = i.roadmap_id AND p.initiative_id = i.id AND p.valid_from <= $3
        ORDER BY p.valid_from DESC LIMIT 1
    ) AS p
    CROSS JOIN LATERAL (
        SELECT * FROM roadmap.initiative_versions v
        WHERE v.initiative_id = i.id AND v.valid_from <= $3
        ORDER BY v.valid_from DESC LIMIT 1
    ) AS v
    WHERE i.roadmap_id = $1 AND i.workspace_id = $2 AND i.proposed_at <= $3
      AND p.valid_to > $3
    ORDER BY p.rank
"""

POSITIONS_NOW = """
    SELECT p.initiative_id FROM roadmap.placements p
    WHERE p.roadmap_id = $1 AND p.workspace_id = $2 AND p.valid_to = 'infinity'
    ORDER BY p.rank
"""

POSITIONS_AT = """
    SELECT i.id AS initiative_id
    FROM roadmap.initiatives i
    CROSS JOIN LATERAL (
        SELECT p.rank, p.valid_to FROM roadmap.placements p
        WHERE p.roadmap_id = i.roadmap_id AND p.initiative_id = i.id AND p.valid_from <= $3
        ORDER BY p.valid_from DESC LIMIT 1
    ) AS p
    WHERE i.roadmap_id = $1 AND i.workspace_id = $2 AND i.proposed_at <= $3
      AND p.valid_to > $3
    ORDER BY p.rank
"""

DELIVERABLES_OF_ROADMAP_NOW = f"""
    SELECT {DELIVERABLE_FIELDS}
    FROM roadmap.deliverable_versions v
    WHERE v.roadmap_id = $1 AND v.workspace_id = $2 AND v.valid_to = 'infinity'
    ORDER BY v.added_position
"""

VERSION_OF_DELIVERABLE_AT = """
    CROSS JOIN LATERAL (
        SELECT * FROM roadmap.deliverable_versions v
        WHERE v.initiative_id = d.initiative_id AND v.deliverable_id = d.deliverable_id
          AND v.valid_from <= $3
        ORDER BY v.valid_from DESC LIMIT 1
    ) AS v"""
"""The version of deliverable ``d`` valid at ``$3``: the last one starting at or before it."""

DELIVERABLES_OF_ROADMAP_AT = f"""
    SELECT {DELIVERABLE_FIELDS}
    FROM roadmap.deliverables d
    {VERSION_OF_DELIVERABLE_AT}
    WHERE d.roadmap_id = $1 AND d.workspace_id = $2 AND d.added_at <= $3
      AND v.valid_to > $3
    ORDER BY d.added_position
"""

INITIATIVES_NOW = f"""
    SELECT {INITIATIVE_FIELDS}
    FROM roadmap.initiative_versions v
    WHERE v.initiative_id = ANY($1::uuid[]) AND v.workspace_id = $2
      AND v.valid_to = 'infinity'
"""

INITIATIVES_AT = f"""
    SELECT {INITIATIVE_FIELDS}
    FROM unnest($1::uuid[]) AS asked (id)
    CROSS JOIN LATERAL (
        SELECT * FROM roadmap.initiative_versions v
        WHERE v.initiative_id = asked.id AND v.valid_from <= $3
        ORDER BY v.valid_from DESC LIMIT 1
    ) AS v
    WHERE v.workspace_id = $2
"""

DELIVERABLES_OF_INITIATIVES_NOW = f"""
    SELECT {DELIVERABLE_FIELDS}
    FROM roadmap.deliverables d
    JOIN roadmap.deliverable_versions v
        ON v.initiative_id = d.initiative_id AND v.deliverable_id = d.deliverable_id
       AND v.valid_to = 'infinity'
    WHERE d.initiative_id = ANY($1::uuid[]) AND d.workspace_id = $2
    ORDER BY d.added_position
"""

DELIVERABLES_OF_INITIATIVES_AT = f"""
    SELECT {DELIVERABLE_FIELDS}
    FROM roadmap.deliverables d
    {VERSION_OF_DELIVERABLE_AT}
    WHERE d.initiative_id = ANY($1::uuid[]) AND d.workspace_id = $2 AND d.added_at <= $3
      AND v.valid_to > $3
    ORDER BY d.added_position
"""

ESTIMATES = """
    SELECT e.initiative_id, e.deliverable_id, e.weeks::text AS weeks, e.confidence, e.reason,
           e.at, e.actor
    FROM roadmap.estimates e
    JOIN unnest($1::uuid[], $2::uuid[]) AS asked (initiative_id, deliverable_id)
        ON e.initiative_id = asked.initiative_id AND e.deliverable_id = asked.deliverable_id
    WHERE e.workspace_id = $3 AND ($4::timestamptz IS NULL OR e.at <= $4)
    ORDER BY e.generation
"""

ESTIMATES_OF_ROADMAP = """
    SELECT e.initiative_id, e.deliverable_id, e.weeks::text AS weeks, e.confidence, e.reason,
           e.at, e.actor
    FROM roadmap.deliverables d
    JOIN roadmap.estimates e
        ON e.initiative_id = d.initiative_id AND e.deliverable_id = d.deliverable_id
    WHERE d.roadmap_id = $1 AND d.workspace_id = $2 AND ($3::timestamptz IS NULL OR e.at <= $3)
    ORDER BY e.generation
"""

CYCLE_FIELDS = """
    c.roadmap_id, c.cycle_id, v.name, v.starts_on, v.ends_on, c.created_at, c.started_at,
    c.closed_at, c.cancelled_at, c.created_position, c.started_position, c.closed_position,
    c.cancelled_position
"""


def cycle_version_at(at: str) -> str:
    """The join of a cycle ``c`` to its name and dates ``v`` as of ``at`` (an SQL
    timestamptz, NULL: now); a cycle not planned yet at ``at`` has none."""
    return f"""
    JOIN roadmap.cycle_versions v
        ON v.roadmap_id = c.roadmap_id AND v.cycle_id = c.cycle_id
        AND CASE WHEN {at} IS NULL THEN v.valid_to = 'infinity'
            ELSE v.valid_from <= {at} AND {at} < v.valid_to END
"""


CYCLES_BY_REFS = f"""
    SELECT {CYCLE_FIELDS}
    FROM roadmap.cycles c
    JOIN unnest($1::uuid[], $2::uuid[]) AS asked (roadmap_id, cycle_id)
        ON c.roadmap_id = asked.roadmap_id AND c.cycle_id = asked.cycle_id
    {cycle_version_at("$4::timestamptz")}
    WHERE c.workspace_id = $3
"""

CYCLES_OF_ROADMAP = f"""
    SELECT {CYCLE_FIELDS} FROM roadmap.cycles c
    {cycle_version_at("$3::timestamptz")}
    WHERE c.roadmap_id = $1 AND c.workspace_id = $2
"""


async def teams(conn: Reader, workspace_id: UUID, include_archived: bool = False) -> list[Row]:
    """The workspace's teams, by name; archived ones only when asked."""
    return list(await conn.fetch(TEAMS, workspace_id, include_archived))


async def fiscal_year_start_month(conn: Reader, workspace_id: UUID) -> int:
    """The first month of the workspace's fiscal year: January until set."""
    month: int | None = await conn.fetchval(FISCAL_YEAR_START_MONTH, workspace_id)
    return DEFAULT_FISCAL_YEAR_START_MONTH if month is None else month


async def teams_by_ids(conn: Reader, workspace_id: UUID, ids: Sequence[UUID]) -> list[Row]:
    """The teams of these ids that exist in the workspace."""
    return list(await conn.fetch(TEAMS_BY_IDS, workspace_id, list(ids)))


async def roadmaps_by_ids(conn: Reader, workspace_id: UUID, ids: Sequence[UUID]) -> list[Row]:
    """The roadmaps of these ids that exist in the workspace (whenever created)."""
    return list(await conn.fetch(ROADMAPS_BY_IDS, workspace_id, list(ids)))


async def roadmaps_of_workspace(conn: Reader, workspace_id: UUID) -> list[Row]:
    """Every roadmap of the workspace (id, name, created_at), oldest first."""
    return list(await conn.fetch(ROADMAPS_OF_WORKSPACE, workspace_id))


async def roadmaps_by_name(
    conn: Reader,
    workspace_id: UUID,
    after: tuple[str, UUID | str] | None,
    limit: int,
    include_archived: bool = False,
) -> list[Row]:
    """Up to ``limit`` roadmaps by name, after the (name, id) ``after``; archived ones
    only when asked."""
    name, id = after if after is not None else (None, None)
    return list(await conn.fetch(ROADMAPS_PAGE, workspace_id, name, id, limit, include_archived))


async def roadmaps_changed(conn: Reader, workspace_id: UUID, after: int, up_to: int) -> set[UUID]:
    """Roadmaps that the events at positions (after, up_to] changed: the roadmap an event
    happened to, or the roadmap of the initiative it happened to."""
    return {row["id"] for row in await conn.fetch(ROADMAPS_CHANGED, workspace_id, after, up_to)}


async def cycles_by_refs(
    conn: Reader,
    workspace_id: UUID,
    refs: Sequence[tuple[UUID, UUID]],
    as_of: datetime | None = None,
) -> list[Row]:
    """Cycles by (roadmap_id, cycle_id), those that exist in the workspace (and were
    planned by ``as_of``), with their name and dates then (None: now)."""
    roadmaps, cycles = [ref[0] for ref in refs], [ref[1] for ref in refs]
    return list(await conn.fetch(CYCLES_BY_REFS, roadmaps, cycles, workspace_id, as_of))


async def cycles_of_roadmap(
    conn: Reader, workspace_id: UUID, roadmap_id: UUID, as_of: datetime | None = None
) -> list[Row]:
    """Every cycle of a roadmap planned by ``as_of``, with its name and dates then (None:
    now), in no particular order."""
    return list(await conn.fetch(CYCLES_OF_ROADMAP, roadmap_id, workspace_id, as_of))


async def estimates_of(
    conn: Reader, workspace_id: UUID, refs: Sequence[tuple[UUID, UUID]], at: datetime | None
) -> list[Row]:
    """Estimate generations of deliverables (initiative_id, deliverable_id) made up to
    ``at`` (None: all), oldest first."""
    initiatives, deliverables = [ref[0] for ref in refs], [ref[1] for ref in refs]
    return list(await conn.fetch(ESTIMATES, initiatives, deliverables, workspace_id, at))


async def estimates_of_roadmap(
    conn: Reader, workspace_id: UUID, roadmap_id: UUID, at: datetime | None
) -> list[Row]:
    """Estimate generations of every deliverable of a roadmap made up to ``at``."""
    return list(await conn.fetch(ESTIMATES_OF_ROADMAP, roadmap_id, workspace_id, at))


@dataclass(frozen=True)
class RoadmapRows:
    """A roadmap at one instant: its row, initiatives in order, their deliverables."""

    roadmap: Row
    initiatives: list[Row]
    deliverables: dict[UUID, list[Row]]
    """Deliverables per initiative, in the order they were added."""
    recorded: int | None = None
    """The last log position counted, when read as recorded (``projections.roadmap_recorded``);
    None: every event."""

    @cached_property
    def phases(self) -> Phases:
        """Its initiatives' phases and their deliverables' statuses."""
        return phases_of(self.initiatives, self.deliverables)

    def status_of(self, initiative_id: UUID) -> str:
        """An initiative's rolled-up status (``status_of``)."""
        return status_of(initiative_id, self.phases.statuses, self.phases.children)


def by_initiative(rows: Sequence[Row]) -> dict[UUID, list[Row]]:
    """Deliverable rows grouped by their initiative, order kept."""
    grouped: dict[UUID, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row["initiative_id"]].append(row)
    return grouped


async def roadmap_rows(
    conn: Connection, workspace_id: UUID, roadmap_id: UUID, at: datetime | None
) -> RoadmapRows | None:
    """A whole roadmap in three queries; None if it does not exist (yet, at ``at``)."""
    found = await conn.fetch(ROADMAPS_BY_IDS, workspace_id, [roadmap_id])
    if not found or (at is not None and found[0]["created_at"] > at):
        return None
    roadmap = found[0]
    if at is None:
        initiatives = await conn.fetch(ORDER_NOW, roadmap_id, workspace_id)
        deliverables = await conn.fetch(DELIVERABLES_OF_ROADMAP_NOW, roadmap_id, workspace_id)
    else:
        initiatives = await conn.fetch(ORDER_AT, roadmap_id, workspace_id, at)
        deliverables = await conn.fetch(DELIVERABLES_OF_ROADMAP_AT, roadmap_id, workspace_id, at)
    return RoadmapRows(roadmap, initiatives, by_initiative(deliverables))


async def order_of(
    conn: Connection, workspace_id: UUID, roadmap_id: UUID, at: datetime | None
) -> list[UUID]:
    """The initiative ids on a roadmap, highest priority first."""
    if at is None:
        rows = await conn.fetch(POSITIONS_NOW, roadmap_id, workspace_id)
    else:
        rows = await conn.fetch(POSITIONS_AT, roadmap_id, workspace_id, at)
    return [row["initiative_id"] for row in rows]


async def initiative_rows(
    conn: Connection, workspace_id: UUID, ids: Sequence[UUID], at: datetime | None
) -> tuple[list[Row], dict[UUID, list[Row]]]:
    """Initiatives (as they were at ``at``) and their deliverables."""
    if at is None:
        initiatives = await conn.fetch(INITIATIVES_NOW, list(ids), workspace_id)
        deliverables = await conn.fetch(DELIVERABLES_OF_INITIATIVES_NOW, list(ids), workspace_id)
    else:
        initiatives = await conn.fetch(INITIATIVES_AT, list(ids), workspace_id, at)
        deliverables = await conn.fetch(DELIVERABLES_OF_INITIATIVES_AT, list(ids), workspace_id, at)
    return list(initiatives), by_initiative(deliverables)


PHASES_NOW = """
    SELECT v.initiative_id, v.parent_id
    FROM roadmap.initiative_versions v
    JOIN roadmap.placements p
        ON p.roadmap_id = v.roadmap_id AND p.initiative_id = v.initiative_id
       AND p.valid_to = 'infinity'
    WHERE v.parent_id = ANY($1::uuid[]) AND v.workspace_id = $2 AND v.valid_to = 'infinity'
    ORDER BY p.rank
"""

PHASES_AT = """
    SELECT c.initiative_id, v.parent_id
    FROM (
        SELECT DISTINCT c.initiative_id, c.roadmap_id FROM roadmap.initiative_versions c
        WHERE c.parent_id = ANY($1::uuid[]) AND c.workspace_id = $2 AND c.valid_from <= $3
    ) AS c
    CROSS JOIN LATERAL (
        SELECT v.parent_id FROM roadmap.initiative_versions v
        WHERE v.initiative_id = c.initiative_id AND v.valid_from <= $3
        ORDER BY v.valid_from DESC LIMIT 1
    ) AS v
    CROSS JOIN LATERAL (
        SELECT p.rank, p.valid_to FROM roadmap.placements p
        WHERE p.roadmap_id = c.roadmap_id AND p.initiative_id = c.initiative_id
          AND p.valid_from <= $3
        ORDER BY p.valid_from DESC LIMIT 1
    ) AS p
    WHERE v.parent_id = ANY($1::uuid[]) AND p.valid_to > $3
    ORDER BY p.rank
"""
# An initiative that was a phase of one of them at some time before $3 is a candidate
# (initiative_versions_by_parent); its version at $3 says whether it still is.


@dataclass(frozen=True)
class Phases:
    """The phases below some initiatives at one instant: what their status rolls up."""

    children: dict[UUID, list[UUID]]
    """Each initiative's phases on the roadmap, in priority order."""
    statuses: dict[UUID, list[str]]
    """The statuses of each phase's own deliverables."""


def phases_of(initiatives: Iterable[Row], deliverables: Mapping[UUID, Sequence[Row]]) -> Phases:
    """The phases among the initiatives of one roadmap at one instant (given in priority
    order), and their deliverables' statuses."""
    children: dict[UUID, list[UUID]] = defaultdict(list)
    for row in initiatives:
        if row["parent_id"] is not None:
            children[row["parent_id"]].append(row["initiative_id"])
    statuses = {id: [d["status"] for d in rows] for id, rows in deliverables.items()}
    return Phases(dict(children), statuses)


async def phases_below(
    conn: Connection, workspace_id: UUID, ids: Sequence[UUID], at: datetime | None
) -> Phases:
    """The phases of ``ids`` on their roadmap at ``at`` (None: now), their phases, and so
    on down, with the statuses of their own deliverables: one query per level."""
    children: dict[UUID, list[UUID]] = defaultdict(list)
    level = list(ids)
    seen = set(level)
    while level:
        if at is None:
            rows = await conn.fetch(PHASES_NOW, level, workspace_id)
        else:
            rows = await conn.fetch(PHASES_AT, level, workspace_id, at)
        level = [row["initiative_id"] for row in rows if row["initiative_id"] not in seen]
        seen.update(level)
        for row in rows:
            children[row["parent_id"]].append(row["initiative_id"])
    below = list(seen - set(ids))
    if at is None:
        deliverables = await conn.fetch(DELIVERABLES_OF_INITIATIVES_NOW, below, workspace_id)
    else:
        deliverables = await conn.fetch(DELIVERABLES_OF_INITIATIVES_AT, below, workspace_id, at)
    statuses: dict[UUID, list[str]] = defaultdict(list)
    for row in deliverables:
        statuses[row["initiative_id"]].append(row["status"])
    return Phases(dict(children), dict(statuses))


SEVERITY = ("AT_RISK", "POSSIBLE_DELAY", "IN_PROGRESS", "PLANNED")
"""Open statuses, most severe first."""


def rolled_up(statuses: Iterable[str]) -> str:
    """An initiative's status from its deliverables' statuses.

    WONT_DO when there is at least one status and every one is WONT_DO; DONE when every
    one is DONE or WONT_DO (and one at least is DONE); else the most severe open status
    (AT_RISK > POSSIBLE_DELAY > IN_PROGRESS > PLANNED). Nothing to roll up is PLANNED:
    nothing is done yet. The statuses are its deliverables', or those its phases roll up
    to (``status_of``).
    """
    seen = set(statuses)
    if seen == {"WONT_DO"}:
        return "WONT_DO"
    if seen and seen <= set(FINISHED):
        return "DONE"
    return next((status for status in SEVERITY if status in seen), "PLANNED")


def status_of(
    initiative_id: UUID,
    statuses: Mapping[UUID, Sequence[str]],
    children: Mapping[UUID, Sequence[UUID]],
) -> str:
    """An initiative's rolled-up status: of its own deliverables when it has any, else of
    its phases' rolled-up statuses (recursively), by the same rule (``rolled_up``)."""
    own = statuses.get(initiative_id, ())
    if own:
        return rolled_up(own)
    return rolled_up(
        status_of(phase, statuses, children) for phase in children.get(initiative_id, ())
    )


def decimal(text: str | None) -> Decimal | None:
    """A decimal read as text (see DELIVERABLE_FIELDS), or None."""
    return None if text is None else Decimal(text)


def cycle_state(row: Row, at: datetime | None, recorded: int | None = None) -> str:
    """A cycle's state at an instant (None: now), as the log stood at position ``recorded``
    (None: all of it)."""
    for change, state in (("cancelled", "CANCELLED"), ("closed", "CLOSED"), ("started", "ACTIVE")):
        if cycle_changed(row, change, at, recorded):
            return state
    return "PLANNED"


def cycle_changed(row: Row, change: str, at: datetime | None, recorded: int | None) -> bool:
    """Whether a cycle was ``change`` (created, started, closed, cancelled) by business
    time ``at`` (None: now), as recorded up to position ``recorded`` (None: all)."""
    when = row[f"{change}_at"]
    if when is None or (at is not None and when > at):
        return False
    return recorded is None or row[f"{change}_position"] <= recorded
