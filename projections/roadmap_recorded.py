"""Reading the roadmap as recorded: as of a business instant, as the log stood at a position.

An auditor asks what the roadmap said about an instant before later changes were recorded
(backfills included). The versioned tables keep the log positions that opened and closed
each version (``projections.temporal``), so this is the as-of query of
``projections.roadmap_queries`` bounded by a log position: versions opened after the cut
are left out (``version_recorded``), and one closed after it still holds. Initiatives and
deliverables count from the positions that proposed and added them, estimate generations
from their own; a cycle's name and dates are its ``cycle_versions`` read the same way, and
its state is that of the changes its positions say were recorded
(``roadmap_queries.cycle_changed``).

When a position was recorded is kept once, by the timeline: one entry per event, keyed by
position, with the event's recording time. ``recorded_position`` turns a recording instant
into the cut: the position of the workspace's latest entry recorded by then, one probe of
``timeline.entries_recorded``.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from projections.readers import Connection, Reader
from projections.roadmap_queries import (
    CYCLE_FIELDS,
    DELIVERABLE_FIELDS,
    INITIATIVE_FIELDS,
    ROADMAPS_BY_IDS,
    RoadmapRows,
    Row,
    by_initiative,
    cycles_of_roadmap,
)

RECORDED_POSITION = """
    SELECT position FROM timeline.entries
    WHERE workspace_id = $1 AND recorded_at <= $2
    ORDER BY recorded_at DESC, position DESC
    LIMIT 1
"""

ROADMAP_RECORDED = """
    SELECT EXISTS (
        SELECT 1 FROM roadmap.aggregate_versions
        WHERE originator_id = $1 AND version = 1 AND position <= $2
    )
"""


def version_recorded(table: str, match: str, alias: str) -> str:
    """LATERAL joins ending in ``alias``: the version of one entity valid at ``$3`` as the log
    stood at position ``$4``; ``match`` finds the entity's rows as ``x`` (``x.id = i.id``).

    Along an entity's chain ``valid_from`` and ``opened_position`` grow together, so that
    version is the earlier of two: the last one opened by ``$4``, if it starts by ``$3``;
    else the last one starting by ``$3``, which comes before it and so was opened by then
    too. Two index probes, however many versions were recorded after the cut.
    """
    last = f"{alias}_recorded"
    return f"""
    CROSS JOIN LATERAL (
        SELECT * FROM roadmap.{table} x
        WHERE {match} AND x.opened_position <= $4
        ORDER BY x.opened_position DESC LIMIT 1
    ) AS {last}
    CROSS JOIN LATERAL (
        SELECT {last}.* WHERE {last}.valid_from <= $3
        UNION ALL (
            SELECT x.* FROM roadmap.{table} x
            WHERE {match} AND x.valid_from <= $3 AND {last}.valid_from > $3
            ORDER BY x.valid_from DESC LIMIT 1
        )
    ) AS {alias}"""


OF_DELIVERABLE = "x.initiative_id = d.initiative_id AND x.deliverable_id = d.deliverable_id"
OF_CYCLE = "x.roadmap_id = c.roadmap_id AND x.cycle_id = c.cycle_id"

# $1 roadmap, $2 workspace, $3 business instant, $4 the last log position counted.
ORDER_RECORDED = f"""
    SELECT {INITIATIVE_FIELDS}
    FROM roadmap.initiatives i
    {version_recorded("placements", "x.roadmap_id = i.roadmap_id AND x.initiative_id = i.id", "p")}
    {version_recorded("initiative_versions", "x.initiative_id = i.id", "v")}
    WHERE i.roadmap_id = $1 AND i.workspace_id = $2 AND i.proposed_at <= $3
      AND i.proposed_position <= $4
      AND (p.valid_to > $3 OR p.closed_position > $4)
    ORDER BY p.rank
"""

DELIVERABLES_RECORDED = f"""
    SELECT {DELIVERABLE_FIELDS}
    FROM roadmap.deliverables d
    {version_recorded("deliverable_versions", OF_DELIVERABLE, "v")}
    WHERE d.roadmap_id = $1 AND d.workspace_id = $2 AND d.added_at <= $3
      AND d.added_position <= $4
      AND (v.valid_to > $3 OR v.closed_position > $4)
    ORDER BY d.added_position
"""

# $1 roadmap, $2 workspace, $3 business instant, $4 the last log position counted. A
# cycle's versions never end (a cycle is cancelled, not removed): the one found holds.
CYCLES_RECORDED = f"""
    SELECT {CYCLE_FIELDS}
    FROM roadmap.cycles c
    {version_recorded("cycle_versions", OF_CYCLE, "v")}
    WHERE c.roadmap_id = $1 AND c.workspace_id = $2 AND c.created_position <= $4
"""

ESTIMATES_RECORDED = """
    SELECT e.initiative_id, e.deliverable_id, e.weeks::text AS weeks, e.confidence, e.reason,
           e.at, e.actor
    FROM roadmap.deliverables d
    JOIN roadmap.estimates e
        ON e.initiative_id = d.initiative_id AND e.deliverable_id = d.deliverable_id
    WHERE d.roadmap_id = $1 AND d.workspace_id = $2 AND e.at <= $3 AND e.position <= $4
    ORDER BY e.generation
"""


async def recorded_position(conn: Reader, workspace_id: UUID, recorded_at: datetime) -> int:
    """The last log position of the workspace recorded at or before ``recorded_at`` (0: none).

    The log's order decides: an event is counted when its position is at or before that
    one's, so the cut is one prefix of the log even where two recording clocks disagree by
    a moment.
    """
    position: int | None = await conn.fetchval(RECORDED_POSITION, workspace_id, recorded_at)
    return 0 if position is None else position


async def roadmap_rows_recorded(
    conn: Connection, workspace_id: UUID, roadmap_id: UUID, at: datetime, position: int
) -> RoadmapRows | None:
    """A whole roadmap as of ``at`` from the events up to log ``position`` only; None if it
    was not created by then (in either time)."""
    found = await conn.fetch(ROADMAPS_BY_IDS, workspace_id, [roadmap_id])
    if not found or found[0]["created_at"] > at:
        return None
    if not await conn.fetchval(ROADMAP_RECORDED, roadmap_id, position):
        return None
    initiatives = await conn.fetch(ORDER_RECORDED, roadmap_id, workspace_id, at, position)
    deliverables = await conn.fetch(DELIVERABLES_RECORDED, roadmap_id, workspace_id, at, position)
    return RoadmapRows(found[0], initiatives, by_initiative(deliverables), recorded=position)


async def estimates_recorded(
    conn: Reader, workspace_id: UUID, roadmap_id: UUID, at: datetime, position: int
) -> list[Row]:
    """Estimate generations of a roadmap's deliverables made up to ``at`` and recorded up
    to log ``position``, oldest first."""
    return list(await conn.fetch(ESTIMATES_RECORDED, roadmap_id, workspace_id, at, position))


async def cycles_of_view(
    conn: Reader,
    workspace_id: UUID,
    roadmap_id: UUID,
    at: datetime | None,
    recorded: int | None,
) -> list[Row]:
    """Every cycle of a roadmap planned by ``at`` (None: now), with its name and dates then
    as the log stood at position ``recorded`` (None: all of it), in no particular order."""
    if recorded is None or at is None:
        return await cycles_of_roadmap(conn, workspace_id, roadmap_id, at)
    return list(await conn.fetch(CYCLES_RECORDED, roadmap_id, workspace_id, at, recorded))
