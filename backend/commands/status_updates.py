"""Status updates: post one on a roadmap, or on one initiative of it."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from backend.commands.core import Caller, Decided, RoadlogCore, idempotent, retried
from backend.domain.base import business_time
from backend.domain.errors import Invalid, Ref
from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap
from backend.domain.status_update import StatusUpdate


class StatusUpdateCommands(RoadlogCore):
    """Post status updates for stakeholders."""

    @retried
    @idempotent
    def post_status_update(
        self,
        caller: Caller,
        *,
        roadmap_id: UUID,
        health: str,
        body: str,
        initiative_id: UUID | None = None,
        id: UUID | None = None,
        idempotency_key: str | None = None,
        effective_at: datetime | None = None,
    ) -> Decided:
        """Post an update (StatusUpdate.Posted) on an active roadmap, or on an initiative
        that is on it. Returns the update's id.
        """
        meta = self._meta(caller, effective_at=effective_at)
        now = datetime.now(UTC)
        roadmap = self._load(caller, Roadmap, roadmap_id, "roadmap_id")
        roadmap.require_active()
        if initiative_id is not None and roadmap.position_of(initiative_id) is None:
            # A missing initiative is NotFound; one that is not on this roadmap is Invalid.
            self._load(caller, Initiative, initiative_id, "initiative_id")
            raise Invalid(
                f"initiative {str(initiative_id)!r} is not on roadmap {str(roadmap.id)!r}",
                "initiative_id",
                [Ref("Initiative", (initiative_id,)), Ref("Roadmap", (roadmap.id,))],
            )
        at = business_time(meta, now)
        update = StatusUpdate.post(
            id=self._new_id(StatusUpdate, id),
            roadmap_id=roadmap.id,
            initiative_id=initiative_id,
            health=health,
            body=body,
            meta=meta,
            at=at,
        )
        return Decided(update.id, meta, at, (update,))
