"""Reading the priority changes read model: every placement, move and removal, newest first."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from projections.readers import Reader
from projections.roadmap_queries import Row

PRIORITY_CHANGES = """
    SELECT position, roadmap_id, initiative_id, from_position, to_position, at, recorded_at,
           actor, reason, decision_id
    FROM priorities.priority_changes
    WHERE workspace_id = $1
      AND ($2::uuid IS NULL OR roadmap_id = $2)
      AND ($3::uuid IS NULL OR initiative_id = $3)
      AND ($4::timestamptz IS NULL OR at >= $4)
      AND ($5::timestamptz IS NULL OR at < $5)
      AND ($6::timestamptz IS NULL OR (at, position) < ($6, $7::bigint))
    ORDER BY at DESC, position DESC
    LIMIT $8
"""


async def priority_change_rows(
    conn: Reader,
    workspace_id: UUID,
    *,
    roadmap_id: UUID | None,
    initiative_id: UUID | None,
    since: datetime | None,
    until: datetime | None,
    before: tuple[datetime, int] | None,
    limit: int,
) -> list[Row]:
    """Up to ``limit`` changes older than ``before`` (business time, position), newest first;
    ``since`` inclusive, ``until`` exclusive."""
    at, position = before if before is not None else (None, None)
    return list(
        await conn.fetch(
            PRIORITY_CHANGES,
            workspace_id,
            roadmap_id,
            initiative_id,
            since,
            until,
            at,
            position,
            limit,
        )
    )
