"""``priorityChanges``: every placement, move and removal, newest first — "why did X move?"."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from schema.context import Info
from schema.pagination import Page, decode_cursor, encode_cursor, page_size
from schema.permissions import require
from schema.roadmap.history import PriorityChange, PriorityChangeConnection, PriorityChangeEdge
from schema.roadmap.store import Row

CONNECTION = "priorityChanges"

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


def change_of(row: Row) -> PriorityChange:
    return PriorityChange(
        from_position=row["from_position"],
        to_position=row["to_position"],
        at=row["at"],
        recorded_at=row["recorded_at"],
        actor=row["actor"],
        reason=row["reason"],
        roadmap_id=row["roadmap_id"],
        initiative_id=row["initiative_id"],
        decision_id=row["decision_id"],
    )


def cursor_of(row: Row) -> str:
    return encode_cursor(CONNECTION, row["at"], row["position"])


async def priority_changes_page(
    info: Info,
    *,
    roadmap_id: UUID | None,
    initiative_id: UUID | None,
    since: datetime | None,
    until: datetime | None,
    first: int | None,
    after: str | None,
) -> PriorityChangeConnection:
    """A page of the workspace's priority changes; ``since`` inclusive, ``until`` exclusive."""
    workspace_id = require(info).workspace_id
    size = page_size(info, first)
    key = decode_cursor(after, CONNECTION, (datetime, int))
    at, position = key if key is not None else (None, None)
    rows = await info.context.services.pool.fetch(
        PRIORITY_CHANGES,
        workspace_id,
        roadmap_id,
        initiative_id,
        since,
        until,
        at,
        position,
        size + 1,
    )
    page = Page.of(rows, size, key)
    return PriorityChangeConnection(
        edges=[PriorityChangeEdge(cursor=cursor_of(row), node=change_of(row)) for row in page.rows],
        page_info=page.page_info(cursor_of),
    )
