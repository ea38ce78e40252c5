"""Subscriptions over ``graphql-transport-ws``, fed after the projector commits.

Each subscriber listens to the process's projection watcher: when a batch of events is
committed to the read models, it asks the read models what that batch changed and
emits it. So a subscriber never sees anything a query cannot, and every API process (not
only the one running the projector) can serve subscriptions.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from schema.context import Info
from schema.errors import BAD_USER_INPUT, coded_error
from schema.permissions import require
from schema.relay import GlobalRef, InvalidGlobalId, from_global_id
from schema.roadmap.loaders import (
    roadmaps_by_ids,
    roadmaps_changed_between,
    timeline_entries_between,
)
from schema.roadmap.types import Roadmap, TimelineEntry


def argument_id(value: str, argument: str, kind: str | None = None) -> GlobalRef:
    """An id argument, or a coded error naming it."""
    try:
        return from_global_id(value, kind)
    except InvalidGlobalId as invalid:
        raise coded_error(BAD_USER_INPUT, f"{argument}: {invalid}") from None


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Emits the roadmap each time the projector commits a change to it."
    )
    async def roadmap_changed(
        self, info: Info, roadmap_id: strawberry.ID
    ) -> AsyncGenerator[Roadmap, None]:
        principal = require(info)
        ref = argument_id(roadmap_id, "roadmapId", "Roadmap")
        services = info.context.services
        # Subscribe first, so nothing committed between the check below and the first
        # batch is missed.
        async with services.watcher.batches() as stream:
            if (await roadmaps_by_ids(info, [ref.id]))[0] is None:
                raise coded_error(BAD_USER_INPUT, f"roadmapId: no roadmap {roadmap_id!r}")
            async for batch in stream:
                changed = await roadmaps_changed_between(
                    services.pool, principal.workspace_id, batch.previous, batch.position
                )
                if ref.id not in changed and "roadmap" not in batch.rebuilt:
                    continue
                info.context.cache.clear()  # each emission reads the read models afresh
                [roadmap] = await roadmaps_by_ids(info, [ref.id])
                if roadmap is not None:
                    yield roadmap

    @strawberry.subscription(
        description="Emits new timeline entries as they are projected; all of the workspace,"
        " or one subject."
    )
    async def timeline_entries(
        self, info: Info, subject_id: strawberry.ID | None = None
    ) -> AsyncGenerator[TimelineEntry, None]:
        require(info)
        subject = None if subject_id is None else argument_id(subject_id, "subjectId")
        services = info.context.services
        async with services.watcher.batches() as stream:
            async for batch in stream:
                info.context.cache.clear()
                for entry in await timeline_entries_between(
                    info, batch.previous, batch.position, subject
                ):
                    yield entry
