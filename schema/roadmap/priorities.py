"""``priorityChanges``: every placement, move and removal, newest first — "why did X move?"."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from projections.priorities_queries import priority_change_rows
from projections.roadmap_queries import Row
from schema.context import Info
from schema.pagination import Page, decode_cursor, encode_cursor, page_size
from schema.permissions import require
from schema.roadmap.history import PriorityChange, PriorityChangeConnection, PriorityChangeEdge

CONNECTION = "priorityChanges"


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
    rows = await priority_change_rows(
        info.context.services.pool,
        workspace_id,
        roadmap_id=roadmap_id,
        initiative_id=initiative_id,
        since=since,
        until=until,
        before=key,
        limit=size + 1,
    )
    page = Page.of(rows, size, key)
    return PriorityChangeConnection(
        edges=[PriorityChangeEdge(cursor=cursor_of(row), node=change_of(row)) for row in page.rows],
        page_info=page.page_info(cursor_of),
    )
