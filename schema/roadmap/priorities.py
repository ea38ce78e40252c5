"""``priorityChanges``: every placement, move and removal, newest first — "why did X move?".

With ``includeDisplaced``, each explicit change is followed by the initiatives it shifted
(DISPLACED, with the change as their ``cause``), so the answer also covers an initiative
that moved because another one was placed, moved or removed above it.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from projections.priorities_queries import (
    priority_change_rows,
    priority_change_rows_with_displaced,
)
from projections.roadmap_queries import Row
from schema.context import Info
from schema.pagination import Page, decode_cursor, encode_cursor, page_size
from schema.permissions import require
from schema.roadmap.history import (
    PriorityChange,
    PriorityChangeConnection,
    PriorityChangeEdge,
    PriorityChangeKind,
)

CONNECTION = "priorityChanges"
WITH_DISPLACED = "priorityChangesWithDisplaced"
"""Its cursors when displaced changes are included: they also hold the step within a change."""


def explicit_kind(from_position: int | None, to_position: int | None) -> PriorityChangeKind:
    if from_position is None:
        return PriorityChangeKind.PLACED
    if to_position is None:
        return PriorityChangeKind.REMOVED
    return PriorityChangeKind.MOVED


def change_of(row: Row) -> PriorityChange:
    """An explicit change, or a displaced one (a row with a cause) with its cause."""
    if row.get("cause_initiative_id") is None:
        kind = explicit_kind(row["from_position"], row["to_position"])
        return _change(row, row["initiative_id"], row["from_position"], row["to_position"], kind)
    cause_from, cause_to = row["cause_from_position"], row["cause_to_position"]
    cause = _change(
        row, row["cause_initiative_id"], cause_from, cause_to, explicit_kind(cause_from, cause_to)
    )
    return _change(
        row,
        row["initiative_id"],
        row["from_position"],
        row["to_position"],
        PriorityChangeKind.DISPLACED,
        cause,
    )


def _change(
    row: Row,
    initiative_id: UUID,
    from_position: int | None,
    to_position: int | None,
    kind: PriorityChangeKind,
    cause: PriorityChange | None = None,
) -> PriorityChange:
    """A change of ``initiative_id`` at the time, by the actor, for the reason of ``row``."""
    return PriorityChange(
        from_position=from_position,
        to_position=to_position,
        at=row["at"],
        recorded_at=row["recorded_at"],
        actor=row["actor"],
        reason=row["reason"],
        roadmap_id=row["roadmap_id"],
        initiative_id=initiative_id,
        decision_id=row["decision_id"],
        kind=kind,
        cause=cause,
    )


def cursor_of(row: Row) -> str:
    return encode_cursor(CONNECTION, row["at"], row["position"])


def cursor_with_displaced(row: Row) -> str:
    return encode_cursor(WITH_DISPLACED, row["at"], row["position"], row["step"])


async def priority_changes_page(
    info: Info,
    *,
    roadmap_id: UUID | None,
    initiative_id: UUID | None,
    since: datetime | None,
    until: datetime | None,
    first: int | None,
    after: str | None,
    include_displaced: bool = False,
) -> PriorityChangeConnection:
    """A page of the workspace's priority changes; ``since`` inclusive, ``until`` exclusive."""
    if include_displaced:
        return await _page_with_displaced(
            info,
            roadmap_id=roadmap_id,
            initiative_id=initiative_id,
            since=since,
            until=until,
            first=first,
            after=after,
        )
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


async def _page_with_displaced(
    info: Info,
    *,
    roadmap_id: UUID | None,
    initiative_id: UUID | None,
    since: datetime | None,
    until: datetime | None,
    first: int | None,
    after: str | None,
) -> PriorityChangeConnection:
    workspace_id = require(info).workspace_id
    size = page_size(info, first)
    key = decode_cursor(after, WITH_DISPLACED, (datetime, int, int))
    rows = await priority_change_rows_with_displaced(
        info.context.services.pool,
        workspace_id,
        roadmap_id=roadmap_id,
        initiative_id=initiative_id,
        since=since,
        until=until,
        after=key,
        limit=size + 1,
    )
    page = Page.of(rows, size, key)
    return PriorityChangeConnection(
        edges=[
            PriorityChangeEdge(cursor=cursor_with_displaced(row), node=change_of(row))
            for row in page.rows
        ],
        page_info=page.page_info(cursor_with_displaced),
    )
