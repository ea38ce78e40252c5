"""Reading the priority changes read model: every placement, move and removal, newest first,
and on request the initiatives each of them displaced."""

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

# Both listings with the displaced: explicit changes (step 0) and displacements (step: the
# displaced initiative's new position, so a change's come after it, top to bottom), keyed
# (at, position, step): newest change first, then by step. Time and roadmap filter the
# explicit change. $1 workspace, $2 roadmap, $3 initiative, $4 since, $5 until, $6..$8 the
# key to continue after, $9 limit.
AFTER_KEY = """
    ($6::timestamptz IS NULL
     OR (at, position) < ($6, $7::bigint)
     OR ((at, position) = ($6, $7::bigint) AND step > $8::int))
"""

# Of one initiative: its own changes and its displacements, each an index range.
INITIATIVE_CHANGES_WITH_DISPLACED = f"""
    SELECT * FROM (
        SELECT c.position, 0 AS step, c.roadmap_id, c.initiative_id, c.from_position,
               c.to_position, c.at, c.recorded_at, c.actor, c.reason, c.decision_id,
               NULL::uuid AS cause_initiative_id, NULL::int AS cause_from_position,
               NULL::int AS cause_to_position
        FROM priorities.priority_changes c
        WHERE c.initiative_id = $3::uuid AND c.workspace_id = $1
          AND ($2::uuid IS NULL OR c.roadmap_id = $2)
        UNION ALL
        SELECT c.position, d.to_position, c.roadmap_id, d.initiative_id, d.from_position,
               d.to_position, c.at, c.recorded_at, c.actor, c.reason, c.decision_id,
               c.initiative_id, c.from_position, c.to_position
        FROM priorities.displacements d
        JOIN priorities.priority_changes c ON c.position = d.cause_position
        WHERE d.initiative_id = $3::uuid AND c.workspace_id = $1
          AND ($2::uuid IS NULL OR c.roadmap_id = $2)
    ) AS change
    WHERE ($4::timestamptz IS NULL OR at >= $4)
      AND ($5::timestamptz IS NULL OR at < $5)
      AND {AFTER_KEY}
    ORDER BY at DESC, position DESC, step
    LIMIT $9
"""

# Of a roadmap or the workspace ($3 is NULL: one initiative's listing is the query above):
# a page holds at most $9 explicit changes (each is a row of its own), so only the newest
# $9 after the key are joined to their displacements, and the key's own change, whose
# rest of displacements (maybe none) comes first: without it counted apart, a page that
# ended on a change's displacement took one change too few and said it was the last.
CHANGES_WITH_DISPLACED = f"""
    WITH causes AS (
        SELECT position, roadmap_id, initiative_id, from_position, to_position, at,
               recorded_at, actor, reason, decision_id
        FROM priorities.priority_changes
        WHERE workspace_id = $1 AND $3::uuid IS NULL
          AND ($2::uuid IS NULL OR roadmap_id = $2)
          AND ($4::timestamptz IS NULL OR at >= $4)
          AND ($5::timestamptz IS NULL OR at < $5)
          AND ($6::timestamptz IS NULL OR (at, position) <= ($6, $7::bigint))
        ORDER BY at DESC, position DESC
        LIMIT $9 + 1
    )
    SELECT * FROM (
        SELECT position, 0 AS step, roadmap_id, initiative_id, from_position, to_position,
               at, recorded_at, actor, reason, decision_id,
               NULL::uuid AS cause_initiative_id, NULL::int AS cause_from_position,
               NULL::int AS cause_to_position
        FROM causes
        UNION ALL
        SELECT c.position, d.to_position, c.roadmap_id, d.initiative_id, d.from_position,
               d.to_position, c.at, c.recorded_at, c.actor, c.reason, c.decision_id,
               c.initiative_id, c.from_position, c.to_position
        FROM causes c
        JOIN priorities.displacements d ON d.cause_position = c.position
    ) AS change
    WHERE {AFTER_KEY}
    ORDER BY at DESC, position DESC, step
    LIMIT $9
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
    """Up to ``limit`` explicit changes older than ``before`` (business time, position),
    newest first; ``since`` inclusive, ``until`` exclusive.

    Each row: ``position`` (in the log), ``roadmap_id``, ``initiative_id``,
    ``from_position`` (NULL when placed), ``to_position`` (NULL when removed), ``at``,
    ``recorded_at``, ``actor``, ``reason``, ``decision_id``."""
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


async def priority_change_rows_with_displaced(
    conn: Reader,
    workspace_id: UUID,
    *,
    roadmap_id: UUID | None,
    initiative_id: UUID | None,
    since: datetime | None,
    until: datetime | None,
    after: tuple[datetime, int, int] | None,
    limit: int,
) -> list[Row]:
    """Up to ``limit`` changes after the key ``after`` (business time, position, step):
    the explicit changes newest first, each followed by the initiatives it displaced, top
    to bottom. ``initiative_id`` keeps the changes of that initiative, explicit or
    displaced; ``roadmap_id``, ``since`` (inclusive) and ``until`` (exclusive) apply to
    the explicit change.

    Each row has the columns of ``priority_change_rows`` (for a displaced initiative: its
    own positions, the cause's time, actor, reason and decision; ``position`` is the
    cause's) and ``step`` (0 for an explicit change, the new position of a displaced
    one), ``cause_initiative_id``, ``cause_from_position`` and ``cause_to_position``
    (the explicit change that displaced it; NULL for an explicit change)."""
    at, position, step = after if after is not None else (None, None, None)
    return list(
        await conn.fetch(
            CHANGES_WITH_DISPLACED if initiative_id is None else INITIATIVE_CHANGES_WITH_DISPLACED,
            workspace_id,
            roadmap_id,
            initiative_id,
            since,
            until,
            at,
            position,
            step,
            limit,
        )
    )
