"""Reading the decisions read model: decision records, their links and supersession."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from projections.read_model import version_of
from projections.readers import Reader
from projections.roadmap_queries import Row

DECISION_FIELDS = f"""
    d.id, d.title, d.context, d.options, d.outcome, d.rationale, d.decided_by, d.status,
    d.at, d.recorded_at, d.actor, d.position, d.superseded_by_id,
    {version_of("decisions", "d.id")} AS version
"""

DECISIONS_BY_IDS = f"""
    SELECT {DECISION_FIELDS} FROM decisions.decisions d
    WHERE d.workspace_id = $1 AND d.id = ANY($2::uuid[])
"""

DECISIONS_PAGE = f"""
    SELECT {DECISION_FIELDS} FROM decisions.decisions d
    WHERE d.workspace_id = $1
      AND ($2::timestamptz IS NULL OR (d.at, d.position) < ($2, $3::bigint))
    ORDER BY d.at DESC, d.position DESC
    LIMIT $4
"""

LINKS = """
    SELECT decision_id, kind, target_id, parent_id FROM decisions.decision_links
    WHERE workspace_id = $1 AND decision_id = ANY($2::uuid[])
    ORDER BY decision_id, ordinal
"""

SUPERSEDED = """
    SELECT id, superseded_by_id FROM decisions.decisions
    WHERE workspace_id = $1 AND superseded_by_id = ANY($2::uuid[])
    ORDER BY at, position
"""


async def decision_rows(conn: Reader, workspace_id: UUID, ids: Sequence[UUID]) -> list[Row]:
    """The decisions of these ids that exist in the workspace, in no particular order."""
    return list(await conn.fetch(DECISIONS_BY_IDS, workspace_id, list(ids)))


async def decisions_newest_first(
    conn: Reader, workspace_id: UUID, before: tuple[datetime, int] | None, limit: int
) -> list[Row]:
    """Up to ``limit`` decisions older than ``before`` (business time, position)."""
    at, position = before if before is not None else (None, None)
    return list(await conn.fetch(DECISIONS_PAGE, workspace_id, at, position, limit))


async def link_rows(conn: Reader, workspace_id: UUID, ids: Sequence[UUID]) -> list[Row]:
    """What these decisions affect, by decision then in the order they were linked."""
    return list(await conn.fetch(LINKS, workspace_id, list(ids)))


async def superseded_by(conn: Reader, workspace_id: UUID, ids: Sequence[UUID]) -> list[Row]:
    """The decisions that these decisions superseded, oldest first."""
    return list(await conn.fetch(SUPERSEDED, workspace_id, list(ids)))
