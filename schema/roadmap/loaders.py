"""Batched, workspace-scoped loaders of the roadmap's objects, for every feature to use.

The contract other features rely on (mutation payloads, cycle reports, alignment views,
subscriptions):

- ``teams_by_ids(info, ids) -> list[Team | None]``
- ``roadmaps_by_ids(info, ids, as_of=None) -> list[Roadmap | None]``
- ``initiatives_by_ids(info, ids, as_of=None) -> list[Initiative | None]``
- ``deliverables_by_refs(info, refs, as_of=None) -> list[Deliverable | None]`` with refs
  (initiative_id, deliverable_id)
- ``cycles_by_refs(info, refs) -> list[Cycle | None]`` with refs (roadmap_id, cycle_id)
- ``decisions_by_ids(info, ids) -> list[Decision | None]``
- ``timeline_entries_between(info, after, up_to, subject) -> list[TimelineEntry]``
- ``roadmaps_changed_between(pool, workspace_id, after, up_to) -> set[UUID]``

Each answers in the order asked, None for a missing id or one of another workspace (the
two look alike). Loads made while one request resolves a level of its query are batched
into one SQL query per kind (strawberry DataLoaders kept in ``info.context.cache``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from projections import roadmap_queries, roadmap_recorded
from schema.context import Info
from schema.initiatives import initiatives_by_ids
from schema.nodes import register_node_kind
from schema.permissions import require
from schema.relay import GlobalRef, to_global_id
from schema.roadmap.decisions import decisions_by_ids
from schema.roadmap.entities import Cycle, Deliverable, Team
from schema.roadmap.roadmaps import Roadmap
from schema.roadmap.rows import Ref, cycle_rows, loader, team_rows, view_time
from schema.roadmap.timeline import timeline_entries_between
from schema.viewer import Workspace

__all__ = [
    "cycles_by_refs",
    "decisions_by_ids",
    "deliverables_by_refs",
    "initiatives_by_ids",
    "roadmap_recorded_view",
    "roadmap_view",
    "roadmaps_by_ids",
    "roadmaps_changed_between",
    "teams_by_ids",
    "timeline_entries_between",
]


async def teams_by_ids(info: Info, ids: Sequence[UUID]) -> list[Team | None]:
    """Teams of the caller's workspace, in the order asked; None when missing."""
    return [None if row is None else Team.of(row) for row in await team_rows(info, ids)]


async def roadmaps_by_ids(
    info: Info, ids: Sequence[UUID], as_of: datetime | None = None
) -> list[Roadmap | None]:
    """Roadmaps (as of an instant; None: now), in the order asked; None when missing.

    A roadmap created after ``as_of`` did not exist then: None. Its initiatives are
    loaded when asked for.
    """
    workspace_id = require(info).workspace_id
    pool = info.context.services.pool
    now = view_time(info)

    async def batch(keys: list[UUID]) -> list[Roadmap | None]:
        rows = await roadmap_queries.roadmaps_by_ids(pool, workspace_id, keys)
        found = {
            row["id"]: Roadmap.of(row, as_of, now)
            for row in rows
            if as_of is None or row["created_at"] <= as_of
        }
        return [found.get(key) for key in keys]

    return await loader(info, ("roadmaps", as_of), batch).load_many(list(ids))


async def roadmap_view(info: Info, roadmap_id: UUID, as_of: datetime | None) -> Roadmap | None:
    """One roadmap with all of its initiatives and deliverables, loaded at once.

    None when it does not exist (or did not yet at ``as_of``).
    """
    workspace_id = require(info).workspace_id
    async with info.context.services.pool.acquire() as conn:
        rows = await roadmap_queries.roadmap_rows(conn, workspace_id, roadmap_id, as_of)
    if rows is None:
        return None
    return Roadmap.of(rows.roadmap, as_of, view_time(info), rows=rows)


async def roadmap_recorded_view(
    info: Info, roadmap_id: UUID, as_of: datetime, recorded_as_of: datetime
) -> Roadmap | None:
    """One roadmap as of ``as_of`` from the events recorded up to ``recorded_as_of`` only,
    loaded at once; None when it did not exist then (in either time)."""
    workspace_id = require(info).workspace_id
    async with info.context.services.pool.acquire() as conn:
        position = await roadmap_recorded.recorded_position(conn, workspace_id, recorded_as_of)
        rows = await roadmap_recorded.roadmap_rows_recorded(
            conn, workspace_id, roadmap_id, as_of, position
        )
    if rows is None:
        return None
    return Roadmap.of(rows.roadmap, as_of, view_time(info), rows=rows)


async def deliverables_by_refs(
    info: Info, refs: Sequence[Ref], as_of: datetime | None = None
) -> list[Deliverable | None]:
    """Deliverables by (initiative_id, deliverable_id), as they were at ``as_of``."""
    initiatives = await initiatives_by_ids(
        info, [initiative_id for initiative_id, _ in refs], as_of
    )
    found: list[Deliverable | None] = []
    for (_, deliverable_id), initiative in zip(refs, initiatives, strict=True):
        deliverables = [] if initiative is None else initiative.preloaded
        found.append(next((d for d in deliverables if d.deliverable_id == deliverable_id), None))
    return found


async def cycles_by_refs(info: Info, refs: Sequence[Ref]) -> list[Cycle | None]:
    """Cycles by (roadmap_id, cycle_id), in their current state."""
    return [
        None if row is None else Cycle.of(row, None) for row in await cycle_rows(info, refs, None)
    ]


async def roadmaps_changed_between(
    pool: asyncpg.Pool, workspace_id: UUID, after: int, up_to: int
) -> set[UUID]:
    """Roadmaps of a workspace that the events at positions (after, up_to] changed.

    Read from the log itself: an event changes the roadmap it happened to, or the roadmap
    of the initiative it happened to (deliverables and alignments included).
    """
    return await roadmap_queries.roadmaps_changed(pool, workspace_id, after, up_to)


def _by_id(
    load: Callable[[Info, Sequence[UUID]], Awaitable[Sequence[Any | None]]],
) -> Callable[[Info, Sequence[GlobalRef]], Awaitable[Sequence[Any | None]]]:
    async def resolve(info: Info, refs: Sequence[GlobalRef]) -> Sequence[Any | None]:
        return await load(info, [ref.id for ref in refs])

    return resolve


async def _deliverables(info: Info, refs: Sequence[GlobalRef]) -> Sequence[Any | None]:
    return await deliverables_by_refs(info, [(ref.ids[0], ref.ids[1]) for ref in refs])


async def _cycles(info: Info, refs: Sequence[GlobalRef]) -> Sequence[Any | None]:
    return await cycles_by_refs(info, [(ref.ids[0], ref.ids[1]) for ref in refs])


async def _workspaces(info: Info, refs: Sequence[GlobalRef]) -> Sequence[Any | None]:
    principal = require(info)
    return [
        Workspace(
            id=to_global_id("Workspace", ref.id),
            name=principal.workspace_name,
            workspace_id=ref.id,
        )
        if ref.id == principal.workspace_id
        else None
        for ref in refs
    ]


register_node_kind("Team", _by_id(teams_by_ids))
register_node_kind("Roadmap", _by_id(roadmaps_by_ids))
register_node_kind("Initiative", _by_id(initiatives_by_ids))
register_node_kind("Deliverable", _deliverables, arity=2)
register_node_kind("Cycle", _cycles, arity=2)
register_node_kind("Decision", _by_id(decisions_by_ids))
register_node_kind("Workspace", _workspaces)
