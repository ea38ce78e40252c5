"""Batched, per-request loaders of the okr read model's rows: periods, objectives, key
results, check-ins and alignments.

Every loader is scoped to the caller's workspace (an id of another workspace is simply
missing) and checks the caller's token first. Loads asked for while one resolver level
runs are sent as one query (strawberry's DataLoader, one per request in the context's
cache). The GraphQL types built from these rows, and the typed loaders other features
call (``objectives_by_ids``, ``key_results_by_refs``, ``alignments_of_initiatives``), are
in ``schema.initiatives``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader

from projections import okr_queries
from projections.okr_queries import AlignmentRow, CheckInRow, KeyResultRow, ObjectiveRow, Period
from schema.context import Info
from schema.permissions import require

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

KeyResultRef = tuple[UUID, UUID]
"""(objective_id, key_result_id): a key result is an entity of its objective."""


def _loader(
    info: Info, name: str, batch: Callable[[UUID, list[K]], Awaitable[Sequence[V]]]
) -> DataLoader[K, V]:
    """This request's loader called ``name``, batching ``batch(workspace_id, keys)``."""
    workspace_id = require(info).workspace_id
    cache = info.context.cache
    key = ("reports", name)
    found: DataLoader[K, V] | None = cache.get(key)
    if found is None:

        async def load(keys: list[K]) -> Sequence[V]:
            return await batch(workspace_id, keys)

        found = cache[key] = DataLoader(load_fn=load)
    return found


def period_loader(info: Info) -> DataLoader[str, Period]:
    """The objectives of a period, rolled up, in tree order."""
    pool = info.context.services.pool

    async def batch(workspace_id: UUID, names: list[str]) -> list[Period]:
        found = await okr_queries.periods(pool, workspace_id, names)
        return [found[name] for name in names]

    return _loader(info, "periods", batch)


def objective_row_loader(info: Info) -> DataLoader[UUID, ObjectiveRow | None]:
    """An objective (with children, key results and progress), None when missing."""
    pool = info.context.services.pool
    periods = period_loader(info)

    async def batch(workspace_id: UUID, ids: list[UUID]) -> list[ObjectiveRow | None]:
        names = await okr_queries.periods_of(pool, workspace_id, ids)
        rows: dict[UUID, ObjectiveRow] = {}
        for period in await periods.load_many(names):
            rows.update(period.every_by_id())
        return [rows.get(objective_id) for objective_id in ids]

    return _loader(info, "objectives", batch)


def _grouped(
    name: str,
    fetch: Callable[[Any, UUID, list[KeyResultRef]], Awaitable[Sequence[Any]]],
) -> Callable[[Info], DataLoader[KeyResultRef, list[Any]]]:
    """A loader of what belongs to key results (check-ins, alignments), in order."""

    def loader(info: Info) -> DataLoader[KeyResultRef, list[Any]]:
        pool = info.context.services.pool

        async def batch(workspace_id: UUID, refs: list[KeyResultRef]) -> list[list[Any]]:
            grouped: dict[KeyResultRef, list[Any]] = {ref: [] for ref in refs}
            for row in await fetch(pool, workspace_id, refs):
                grouped[(row.objective_id, row.key_result_id)].append(row)
            return [grouped[ref] for ref in refs]

        return _loader(info, name, batch)

    return loader


check_in_loader: Callable[[Info], DataLoader[KeyResultRef, list[CheckInRow]]] = _grouped(
    "check-ins", okr_queries.check_ins
)
key_result_alignment_loader: Callable[[Info], DataLoader[KeyResultRef, list[AlignmentRow]]] = (
    _grouped("key-result-alignments", okr_queries.alignments_of_key_results)
)


def initiative_alignment_loader(
    info: Info,
) -> DataLoader[tuple[UUID, datetime | None], list[AlignmentRow]]:
    """The alignments of an initiative, now (None) or as of an instant."""
    pool = info.context.services.pool

    async def batch(
        workspace_id: UUID, keys: list[tuple[UUID, datetime | None]]
    ) -> list[list[AlignmentRow]]:
        grouped: dict[tuple[UUID, datetime | None], list[AlignmentRow]] = {k: [] for k in keys}
        for as_of in dict.fromkeys(when for _, when in keys):
            ids = [initiative_id for initiative_id, when in keys if when == as_of]
            for row in await okr_queries.alignments_of_initiatives(pool, workspace_id, ids, as_of):
                grouped[(row.initiative_id, as_of)].append(row)
        return [grouped[key] for key in keys]

    return _loader(info, "initiative-alignments", batch)


async def key_result_rows(info: Info, refs: Sequence[KeyResultRef]) -> list[KeyResultRow | None]:
    """The key result rows, for resolvers that build their own objects."""
    objectives = await objective_row_loader(info).load_many([ref[0] for ref in refs])
    return [
        next(
            (kr for kr in (*o.key_results, *o.removed_key_results) if kr.key_result_id == ref[1]),
            None,
        )
        if o
        else None
        for ref, o in zip(refs, objectives, strict=True)
    ]
