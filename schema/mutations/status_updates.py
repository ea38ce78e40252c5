"""Posting a status update on a roadmap, or on one initiative of it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backend.application import Recorded
from schema.context import Info
from schema.mutations.outcome import (
    Prepared,
    UserError,
    execute,
    first,
    parse_id,
    parse_optional_id,
)
from schema.mutations.payloads import EFFECTIVE_AT, POSITION, USER_ERRORS
from schema.roadmap.digest_items import Health
from schema.roadmap.roadmaps import StatusUpdate, status_updates_by_ids


@strawberry.input(description="A status update for stakeholders.")
class PostStatusUpdateInput:
    roadmap_id: strawberry.ID = strawberry.field(description="The roadmap it is posted on.")
    initiative_id: strawberry.ID | None = strawberry.field(
        default=None, description="One initiative of the roadmap it is about; default the roadmap."
    )
    health: Health = strawberry.field(description="How the people doing the work judge it.")
    body: str = strawberry.field(description="Markdown, at most 20,000 characters, not blank.")
    effective_at: datetime | None = strawberry.field(default=None, description=EFFECTIVE_AT)
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key records nothing new."
    )


@strawberry.type(description="The status update, or why nothing was recorded.")
class PostStatusUpdatePayload:
    status_update: StatusUpdate | None = strawberry.field(description="The update posted.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    position: str | None = strawberry.field(description=POSITION)


@strawberry.type
class StatusUpdateMutations:
    @strawberry.mutation(description="Post a status update on a roadmap or one of its initiatives.")
    async def post_status_update(
        self, info: Info, input: PostStatusUpdateInput
    ) -> PostStatusUpdatePayload:
        def prepare() -> Prepared[StatusUpdate]:
            roadmap = parse_id(input.roadmap_id, "Roadmap", "roadmapId")
            initiative = parse_optional_id(input.initiative_id, "Initiative", "initiativeId")
            app = info.context.services.app
            return Prepared(
                lambda caller: app.post_status_update(
                    caller,
                    roadmap_id=roadmap.id,
                    initiative_id=None if initiative is None else initiative.id,
                    health=input.health.value,
                    body=input.body,
                    effective_at=input.effective_at,
                    idempotency_key=input.idempotency_key,
                ),
                lambda recorded: status_update_of(info, recorded),
            )

        outcome = await execute(info, prepare)
        return PostStatusUpdatePayload(
            status_update=outcome.entity, user_errors=outcome.errors, position=outcome.position
        )


async def status_update_of(info: Info, recorded: Recorded) -> StatusUpdate | None:
    return await first(status_updates_by_ids(info, [recorded.id]))
