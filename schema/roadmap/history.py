"""History types: timeline entries, priority changes, and the difference of two instants."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from schema.context import Info
from schema.nodes import resolve_refs
from schema.pagination import PageInfo
from schema.permissions import require
from schema.relay import GlobalRef, Node
from schema.roadmap.entities import Initiative, Roadmap

if TYPE_CHECKING:
    from schema.roadmap.decisions import Decision

DecisionType = Annotated["Decision", strawberry.lazy("schema.roadmap.decisions")]


@strawberry.type(description="One field's change: its old and new value, JSON-encoded.")
class FieldChange:
    field: str = strawberry.field(
        description='The field, as the API names it ("title", "position", "status", ...).'
    )
    from_: str | None = strawberry.field(
        name="from", description="JSON-encoded old value; null when there was none."
    )
    to: str | None = strawberry.field(
        description="JSON-encoded new value; null when there is none."
    )

    @classmethod
    def all_of(cls, changes: Any) -> list[FieldChange]:
        """From the stored ``[{"field", "from", "to"}]`` (JSON text or decoded)."""
        items = json.loads(changes) if isinstance(changes, str) else changes
        return [cls(field=c["field"], from_=c["from"], to=c["to"]) for c in items]


async def _decision(info: Info, decision_id: UUID | None) -> Decision | None:
    from schema.roadmap.decisions import decisions_by_ids

    require(info)
    if decision_id is None:
        return None
    [decision] = await decisions_by_ids(info, [decision_id])
    return decision


@strawberry.type(description="One change, as recorded: who, why, when, and what changed.")
class TimelineEntry:
    position: str = strawberry.field(description="Global position of the event in the log.")
    type: str = strawberry.field(description='What happened, e.g. "InitiativeMoved".')
    at: datetime = strawberry.field(description="Business time: when it happened.")
    recorded_at: datetime = strawberry.field(description="System time: when it was recorded.")
    actor: str = strawberry.field(description="Who made the change.")
    reason: str = strawberry.field(description="Why, in their words (may be empty).")
    changes: list[FieldChange] = strawberry.field(description="Field-level changes.")
    summary: str = strawberry.field(
        description="One line for humans, e.g. \"Moved 'New CI final phase' from 3 to 1:"
        ' compliance audit moved up".'
    )
    subject_ref: strawberry.Private[GlobalRef]
    decision_id: strawberry.Private[UUID | None]

    @strawberry.field(description="The decision that drove it, if any.")
    async def decision(self, info: Info) -> DecisionType | None:
        return await _decision(info, self.decision_id)

    @strawberry.field(description="What changed (null if it no longer resolves).")
    async def subject(self, info: Info) -> Node | None:
        require(info)
        [found] = await resolve_refs(info, [self.subject_ref])
        return found


@strawberry.type(description="A timeline entry and its cursor.")
class TimelineEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this entry.")
    node: TimelineEntry = strawberry.field(description="The entry.")


@strawberry.type(description="A page of timeline entries, newest first.")
class TimelineConnection:
    edges: list[TimelineEdge] = strawberry.field(description="The entries of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")


@strawberry.type(description="An initiative placed on, moved on, or removed from a roadmap.")
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

    @strawberry.field(description="The roadmap, as it is now.")
    async def roadmap(self, info: Info) -> Roadmap:
        from schema.roadmap.loaders import roadmaps_by_ids

        require(info)
        [roadmap] = await roadmaps_by_ids(info, [self.roadmap_id])
        assert roadmap is not None, f"priority change of a missing roadmap {self.roadmap_id}"
        return roadmap

    @strawberry.field(description="The initiative that moved, as it is now.")
    async def initiative(self, info: Info) -> Initiative:
        from schema.roadmap.loaders import initiatives_by_ids

        require(info)
        [initiative] = await initiatives_by_ids(info, [self.initiative_id])
        assert initiative is not None, f"priority change of a missing {self.initiative_id}"
        return initiative

    @strawberry.field(description="The decision behind the change, if any.")
    async def decision(self, info: Info) -> DecisionType | None:
        return await _decision(info, self.decision_id)


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


@strawberry.type(description="An initiative whose fields differ between two instants.")
class InitiativeChanges:
    initiative: Initiative = strawberry.field(description="The initiative, at the later one.")
    changes: list[FieldChange] = strawberry.field(
        description="Each differing field: its own (title, goal, stakeholders, team, kind,"
        " parent, status) and its deliverables' (deliverables.<id>.<field>)."
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
