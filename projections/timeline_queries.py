"""Reading the timeline read model: pages of entries, newest first, and entries by position.

Newest first means by business time (``at``), then by log position; a cursor holds both,
so a page is one index range from the cursor on (``entries_newest``, or
``entry_subjects_newest`` for one subject's history).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from projections.readers import Reader
from projections.roadmap_queries import Row

ENTRY_FIELDS = """
    e.position, e.type, e.subject_kind, e.subject_ids, e.at, e.recorded_at, e.actor,
    e.reason, e.decision_id, e.changes, e.summary
"""

FILTERS = """
      AND ($2::text[] IS NULL OR e.type = ANY($2::text[]))
      AND ($3::text IS NULL OR e.actor = $3)
      AND ($4::timestamptz IS NULL OR e.at >= $4)
      AND ($5::timestamptz IS NULL OR e.at < $5)
"""

TIMELINE = f"""
    SELECT {ENTRY_FIELDS}
    FROM timeline.entries e
    WHERE e.workspace_id = $1 {FILTERS}
      AND ($6::timestamptz IS NULL OR (e.at, e.position) < ($6, $7::bigint))
    ORDER BY e.at DESC, e.position DESC
    LIMIT $8
"""

TIMELINE_OF_SUBJECT = f"""
    SELECT {ENTRY_FIELDS}
    FROM timeline.entry_subjects s
    JOIN timeline.entries e ON e.position = s.position
    WHERE s.subject_id = $9 AND s.workspace_id = $1 AND e.workspace_id = $1 {FILTERS}
      AND ($6::timestamptz IS NULL OR (s.at, s.position) < ($6, $7::bigint))
    ORDER BY s.at DESC, s.position DESC
    LIMIT $8
"""

ENTRIES_BETWEEN = f"""
    SELECT {ENTRY_FIELDS}
    FROM timeline.entries e
    WHERE e.workspace_id = $1 AND e.position > $2 AND e.position <= $3
    ORDER BY e.position
"""

ENTRIES_OF_SUBJECT_BETWEEN = f"""
    SELECT {ENTRY_FIELDS}
    FROM timeline.entry_subjects s
    JOIN timeline.entries e ON e.position = s.position
    WHERE s.subject_id = $4 AND s.workspace_id = $1 AND s.position > $2 AND s.position <= $3
    ORDER BY e.position
"""

STATUS_CHANGE_ENTRIES = f"""
    SELECT {ENTRY_FIELDS}
    FROM timeline.entries e
    WHERE e.workspace_id = $1 AND e.position = ANY($2::bigint[])
    ORDER BY e.position
"""


async def timeline_rows(
    conn: Reader,
    workspace_id: UUID,
    *,
    subject_id: UUID | None,
    types: Sequence[str] | None,
    actor: str | None,
    since: datetime | None,
    until: datetime | None,
    before: tuple[datetime, int] | None,
    limit: int,
) -> list[Row]:
    """Up to ``limit`` entries, newest first, older than ``before`` (business time, position).

    ``since`` is inclusive and ``until`` exclusive; ``types`` and ``actor`` match exactly
    (None: any); ``subject_id`` narrows to one subject's history.
    """
    at, position = before if before is not None else (None, None)
    args = (workspace_id, types, actor, since, until, at, position, limit)
    if subject_id is None:
        return list(await conn.fetch(TIMELINE, *args))
    return list(await conn.fetch(TIMELINE_OF_SUBJECT, *args, subject_id))


async def entries_between(
    conn: Reader, workspace_id: UUID, after: int, up_to: int, subject_id: UUID | None
) -> list[Row]:
    """Entries at positions (after, up_to], oldest first; with a subject, only its history."""
    if subject_id is None:
        return list(await conn.fetch(ENTRIES_BETWEEN, workspace_id, after, up_to))
    return list(
        await conn.fetch(ENTRIES_OF_SUBJECT_BETWEEN, workspace_id, after, up_to, subject_id)
    )


async def entries_at(conn: Reader, workspace_id: UUID, positions: Sequence[int]) -> list[Row]:
    """The entries of the events at these log positions, oldest first."""
    return list(await conn.fetch(STATUS_CHANGE_ENTRIES, workspace_id, list(positions)))
