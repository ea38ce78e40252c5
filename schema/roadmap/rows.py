"""Batched, per-request loaders of the roadmap read model's rows.

The GraphQL types build themselves from these rows (``Team.of``, ``Initiative.of``, ...),
so the types and the typed loaders of ``schema.roadmap.loaders`` both stand on this
module and neither needs the other. Each loader is scoped to the caller's workspace (an id
of another workspace reads like a missing one) and answers in the order asked. Loads made
while one request resolves a level of its query are sent as one SQL query per kind
(strawberry DataLoaders kept in ``info.context.cache``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader

from projections import roadmap_queries
from projections.roadmap_queries import Row
from schema.context import Info
from schema.permissions import require

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Ref = tuple[UUID, UUID]
"""(parent id, own id): a deliverable in its initiative, a cycle in its roadmap."""


def loader(
    info: Info, name: Hashable, batch: Callable[[list[K]], Awaitable[list[V]]]
) -> DataLoader[K, V]:
    """The request's DataLoader called ``name`` (one per request, made on first use)."""
    cache = info.context.cache
    key = ("roadmap-loader", name)
    found = cache.get(key)
    if found is None:
        found = cache[key] = DataLoader(load_fn=batch)
    assert isinstance(found, DataLoader)
    return found


def view_time(info: Info) -> datetime:
    """The instant of "now" for this request (one for all of its fields)."""
    cache = info.context.cache
    now = cache.get("roadmap-now")
    if now is None:
        now = cache["roadmap-now"] = datetime.now(UTC)
    assert isinstance(now, datetime)
    return now


async def team_rows(info: Info, ids: Sequence[UUID]) -> list[Row | None]:
    """Teams of the caller's workspace; None when missing."""
    workspace_id = require(info).workspace_id
    pool = info.context.services.pool

    async def batch(keys: list[UUID]) -> list[Row | None]:
        rows = await roadmap_queries.teams_by_ids(pool, workspace_id, keys)
        found = {row["id"]: row for row in rows}
        return [found.get(key) for key in keys]

    return await loader(info, "teams", batch).load_many(list(ids))


@dataclass(frozen=True)
class InitiativeRows:
    """An initiative as it was at an instant: its row, its deliverables, its position."""

    row: Row
    deliverables: Sequence[Row]
    position: int | None
    """1 = highest priority; None when it is not on its roadmap."""
    status: str
    """Rolled up from its deliverables, or from its phases (``roadmap_queries.status_of``)."""
    children: Sequence[UUID]
    """Its phases on the roadmap at the same instant, in priority order."""


async def initiative_rows(
    info: Info, ids: Sequence[UUID], as_of: datetime | None
) -> list[InitiativeRows | None]:
    """Initiatives as they were at ``as_of`` (None: now), with their deliverables.

    None for a missing id, and for an initiative not yet proposed at ``as_of``.
    """
    workspace_id = require(info).workspace_id
    pool = info.context.services.pool

    async def batch(keys: list[UUID]) -> list[InitiativeRows | None]:
        async with pool.acquire() as conn:
            rows, deliverables = await roadmap_queries.initiative_rows(
                conn, workspace_id, keys, as_of
            )
            positions: dict[UUID, int] = {}
            for roadmap_id in {row["roadmap_id"] for row in rows}:
                order = await roadmap_queries.order_of(conn, workspace_id, roadmap_id, as_of)
                positions.update((id, n) for n, id in enumerate(order, start=1))
            phases = await roadmap_queries.phases_below(conn, workspace_id, keys, as_of)
        statuses = {
            **phases.statuses,
            **{id: [d["status"] for d in rows] for id, rows in deliverables.items()},
        }
        found = {
            row["initiative_id"]: InitiativeRows(
                row,
                deliverables.get(row["initiative_id"], ()),
                positions.get(row["initiative_id"]),
                roadmap_queries.status_of(row["initiative_id"], statuses, phases.children),
                phases.children.get(row["initiative_id"], ()),
            )
            for row in rows
        }
        return [found.get(key) for key in keys]

    return await loader(info, ("initiatives", as_of), batch).load_many(list(ids))


async def cycle_rows(info: Info, refs: Sequence[Ref], as_of: datetime | None) -> list[Row | None]:
    """Cycles by (roadmap_id, cycle_id); None when missing or not yet planned at ``as_of``."""
    workspace_id = require(info).workspace_id
    pool = info.context.services.pool

    async def batch(keys: list[Ref]) -> list[Row | None]:
        rows = await roadmap_queries.cycles_by_refs(pool, workspace_id, keys, as_of)
        found = {
            (row["roadmap_id"], row["cycle_id"]): row
            for row in rows
            if as_of is None or row["created_at"] <= as_of
        }
        return [found.get(key) for key in keys]

    return await loader(info, ("cycles", as_of), batch).load_many(list(refs))


async def estimate_rows(info: Info, refs: Sequence[Ref], as_of: datetime | None) -> list[list[Row]]:
    """The estimate generations of deliverables made up to ``as_of``, oldest first."""
    workspace_id = require(info).workspace_id
    pool = info.context.services.pool

    async def batch(keys: list[Ref]) -> list[list[Row]]:
        rows = await roadmap_queries.estimates_of(pool, workspace_id, keys, as_of)
        grouped: dict[Ref, list[Row]] = defaultdict(list)
        for row in rows:
            grouped[(row["initiative_id"], row["deliverable_id"])].append(row)
        return [grouped.get(key, []) for key in keys]

    return await loader(info, ("estimates", as_of), batch).load_many(list(refs))
