"""History types: priority changes, and the difference of two instants."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

import strawberry

from schema.context import Info
from schema.initiatives import Initiative, initiatives_by_ids
from schema.pagination import PageInfo
from schema.permissions import require
from schema.roadmap.decisions import Decision
from schema.roadmap.entities import Deliverable
from schema.roadmap.loaders import roadmaps_by_ids
from schema.roadmap.roadmaps import Roadmap
from schema.roadmap.timeline import FieldChange, decision_of


@strawberry.enum(description="What a priority change was.")
class PriorityChangeKind(Enum):
    PLACED = strawberry.enum_value("PLACED", description="Placed on the roadmap.")
    MOVED = strawberry.enum_value("MOVED", description="Moved explicitly by someone.")
    DISPLACED = strawberry.enum_value(
        "DISPLACED",
        description="Shifted because another initiative was placed, moved or removed around it.",
    )
    REMOVED = strawberry.enum_value("REMOVED", description="Taken off the roadmap.")


@strawberry.type(
    description="An initiative placed on, moved on, or removed from a roadmap, or shifted by"
    " one position because another one was (DISPLACED: its time, actor, reason and decision"
    " are those of its cause)."
)
class PriorityChange:
    from_position: int | None = strawberry.field(
        description="Position before; null when it was placed (it was not on the roadmap)."
    )
    to_position: int | None = strawberry.field(
        description="Position after; null when it was removed."
    )
    at: datetime = strawberry.field(description="Business time of the change.")
    recorded_at: datetime = strawberry.field(description="When it was recorded.")
    actor: str = strawberry.field(description="Who changed the priority.")
    reason: str = strawberry.field(description="Why the priority changed.")
    roadmap_id: strawberry.Private[UUID]
    initiative_id: strawberry.Private[UUID]
    decision_id: strawberry.Private[UUID | None]
    kind: PriorityChangeKind = strawberry.field(description="What the change was.")
    cause: PriorityChange | None = strawberry.field(
        description="For DISPLACED: the explicit change that caused it (its reason and"
        " decision explain this one)."
    )

    @strawberry.field(description="The roadmap, as it is now.")
    async def roadmap(self, info: Info) -> Roadmap:
        require(info)
        [roadmap] = await roadmaps_by_ids(info, [self.roadmap_id])
        assert roadmap is not None, f"priority change of a missing roadmap {self.roadmap_id}"
        return roadmap

    @strawberry.field(description="The initiative that moved, as it is now.")
    async def initiative(self, info: Info) -> Initiative:
        require(info)
        [initiative] = await initiatives_by_ids(info, [self.initiative_id])
        assert initiative is not None, f"priority change of a missing {self.initiative_id}"
        return initiative

    @strawberry.field(description="The decision behind the change, if any.")
    async def decision(self, info: Info) -> Decision | None:
        return await decision_of(info, self.decision_id)


@strawberry.type(description="A priority change and its cursor.")
class PriorityChangeEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this one.")
    node: PriorityChange = strawberry.field(description="The priority change.")


@strawberry.type(description="A page of priority changes, newest first.")
class PriorityChangeConnection:
    edges: list[PriorityChangeEdge] = strawberry.field(description="The changes of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")


@strawberry.type(description="An initiative whose position differs between two instants.")
class InitiativeMove:
    initiative: Initiative = strawberry.field(description="The initiative, at the later one.")
    from_position: int = strawberry.field(description="Position at the earlier instant.")
    to_position: int = strawberry.field(description="Position at the later instant.")


@strawberry.type(description="A deliverable whose fields differ between two instants.")
class DeliverableChanges:
    deliverable: Deliverable = strawberry.field(
        description="The deliverable, at the later instant (at the earlier one when it was"
        " removed in between)."
    )
    changes: list[FieldChange] = strawberry.field(
        description="Each differing field, named as on Deliverable (title, stretch, status,"
        " estimateWeeks, targetCycle, targetDate, actualWeeks, completedAt); one added in"
        " between is its title from null, one removed in between its title to null."
    )


@strawberry.type(description="An initiative whose fields differ between two instants.")
class InitiativeChanges:
    initiative: Initiative = strawberry.field(description="The initiative, at the later one.")
    changes: list[FieldChange] = strawberry.field(
        description="Each differing field: its own (title, goal, stakeholders, team, kind,"
        " parent, status) and its deliverables' (deliverables.<id>.<field>, kept for"
        " compatibility: deliverableChanges is the readable form of the same changes)."
    )
    deliverable_changes: list[DeliverableChanges] = strawberry.field(
        description="Changes of its deliverables, one entry per deliverable, with field"
        " names of the deliverable itself."
    )


@strawberry.type(description="What changed on a roadmap between two instants (business time).")
class RoadmapDiff:
    from_: datetime = strawberry.field(name="from", description="The earlier instant.")
    to: datetime = strawberry.field(description="The later instant.")
    added: list[Initiative] = strawberry.field(
        description="On the roadmap at `to`, not at `from` (as they are at `to`)."
    )
    removed: list[Initiative] = strawberry.field(
        description="On the roadmap at `from`, not at `to` (as they were at `from`)."
    )
    moved: list[InitiativeMove] = strawberry.field(
        description="On it at both instants, at different positions."
    )
    changed: list[InitiativeChanges] = strawberry.field(
        description="On it at both instants, with different fields or deliverables."
    )
