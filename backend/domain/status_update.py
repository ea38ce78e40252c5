"""StatusUpdate: what the people doing the work tell stakeholders, with their health call.

An aggregate of its own rather than an event on Roadmap: posting an update changes nothing
the roadmap decides (its order, its cycles), so it must not bump the roadmap's version and
turn someone's concurrent move into a Conflict, nor make every update a load of the
roadmap's whole history; and an update is a thing of its own that people link to (a Node).
"""

from __future__ import annotations

from dataclasses import field
from datetime import datetime
from uuid import UUID

from backend.domain.base import Meta, RoadlogAggregate, require_choice, require_text
from backend.domain.errors import Invalid

HEALTHS = ("ON_TRACK", "AT_RISK", "OFF_TRACK")

MAX_BODY_LENGTH = 20_000
"""The most characters an update's Markdown body holds: a long email, not a document."""


def require_body(body: str) -> str:
    """The body trimmed: not blank, at most MAX_BODY_LENGTH characters; else Invalid."""
    text = require_text(body, "body", "a status update's body")
    if len(text) > MAX_BODY_LENGTH:
        raise Invalid(
            f"a status update's body must be at most {MAX_BODY_LENGTH} characters, got {len(text)}",
            "body",
        )
    return text


class StatusUpdate(RoadlogAggregate):
    """A status update on a roadmap, or on one initiative of it."""

    roadmap_id: UUID = field(init=False)
    initiative_id: UUID | None = field(init=False)
    health: str = field(init=False)
    body: str = field(init=False)

    class Posted(RoadlogAggregate.Created):
        """A status update was posted; ``initiative_id`` set when it is about one initiative."""

        class_version = 1
        roadmap_id: UUID
        initiative_id: UUID | None
        health: str
        body: str

        def apply(self, aggregate: StatusUpdate) -> None:
            super().apply(aggregate)
            aggregate.roadmap_id = self.roadmap_id
            aggregate.initiative_id = self.initiative_id
            aggregate.health = self.health
            aggregate.body = self.body

    @classmethod
    def post(
        cls,
        *,
        id: UUID,
        roadmap_id: UUID,
        initiative_id: UUID | None,
        health: str,
        body: str,
        meta: Meta,
        at: datetime,
    ) -> StatusUpdate:
        """Post an update: a known health, a body neither blank nor too long."""
        return cls._create(
            cls.Posted,
            id=id,
            roadmap_id=roadmap_id,
            initiative_id=initiative_id,
            health=require_choice(health, HEALTHS, "health"),
            body=require_body(body),
            **meta.event_fields(at),
        )
