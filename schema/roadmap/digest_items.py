"""The lines of a digest (``DigestItem``) and the enums status updates and digests share.

The ``Digest`` and ``StatusUpdate`` types themselves live beside ``Roadmap``
(``schema.roadmap.roadmaps``): each names the other.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

import strawberry

from projections.digest_items import Item
from schema.context import Info
from schema.initiatives import Initiative, initiatives_by_ids
from schema.nodes import resolve_refs
from schema.permissions import require
from schema.relay import GlobalRef
from schema.roadmap.decisions import Decision
from schema.roadmap.entities import Deliverable
from schema.roadmap.timeline import decision_of


@strawberry.enum(description="How the people doing the work judge it, in a status update.")
class Health(Enum):
    ON_TRACK = "ON_TRACK"
    AT_RISK = "AT_RISK"
    OFF_TRACK = "OFF_TRACK"


@strawberry.enum(description="What a line of a digest says happened.")
class DigestItemKind(Enum):
    ADDED = "ADDED"
    REMOVED = "REMOVED"
    MOVED = "MOVED"
    STATUS_CHANGED = "STATUS_CHANGED"
    COMPLETED = "COMPLETED"
    SLIPPED = "SLIPPED"
    RETARGETED = "RETARGETED"
    ESTIMATE_CHANGED = "ESTIMATE_CHANGED"
    DECISION_RECORDED = "DECISION_RECORDED"
    STATUS_UPDATE = "STATUS_UPDATE"


@strawberry.type(description="One line of a digest, written for people: names, never ids.")
class DigestItem:
    kind: DigestItemKind = strawberry.field(description="What happened.")
    summary: str = strawberry.field(
        description="One sentence, e.g. \"Moved 'Make dessert' from 2 to 1\"."
    )
    reason: str = strawberry.field(
        description="Why, as the last change behind this line says it (a decision: its"
        " rationale); may be empty."
    )
    at: datetime = strawberry.field(description="Business time of the last change behind it.")
    actor: str = strawberry.field(description="Who made the last change behind it.")
    initiative_id: strawberry.Private[UUID | None]
    deliverable_id: strawberry.Private[UUID | None]
    decision_id: strawberry.Private[UUID | None]

    @classmethod
    def of(cls, item: Item) -> DigestItem:
        return cls(
            kind=DigestItemKind(item.kind),
            summary=item.summary,
            reason=item.reason,
            at=item.at,
            actor=item.actor,
            initiative_id=item.initiative_id,
            deliverable_id=item.deliverable_id,
            decision_id=item.decision_id,
        )

    @strawberry.field(description="The initiative it is about, as it is now, if any.")
    async def initiative(self, info: Info) -> Initiative | None:
        require(info)
        if self.initiative_id is None:
            return None
        [initiative] = await initiatives_by_ids(info, [self.initiative_id])
        return initiative

    @strawberry.field(
        description="The deliverable it is about, as it is now (null once removed), if any."
    )
    async def deliverable(self, info: Info) -> Deliverable | None:
        require(info)
        if self.initiative_id is None or self.deliverable_id is None:
            return None
        ref = GlobalRef("Deliverable", (self.initiative_id, self.deliverable_id))
        [found] = await resolve_refs(info, [ref])
        assert found is None or isinstance(found, Deliverable), f"{found!r} is no deliverable"
        return found

    @strawberry.field(description="The decision behind it (or the decision recorded), if any.")
    async def decision(self, info: Info) -> Decision | None:
        return await decision_of(info, self.decision_id)
