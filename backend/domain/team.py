"""Team: who owns work ("SRE", "sig-node"); roadmaps, initiatives and objectives name one."""

from __future__ import annotations

from dataclasses import field
from datetime import datetime
from uuid import UUID

from backend.domain.base import Meta, RoadlogAggregate, require_text


class Team(RoadlogAggregate):
    """A team of the workspace; for now it only has a name."""

    name: str = field(init=False)

    class Created(RoadlogAggregate.Created):
        """A team was created."""

        class_version = 1
        name: str

        def apply(self, aggregate: Team) -> None:
            super().apply(aggregate)
            aggregate.name = self.name

    @classmethod
    def create(cls, *, id: UUID, name: str, meta: Meta, at: datetime) -> Team:
        """Create a team; the name is trimmed and must not be blank."""
        name = require_text(name, "name", "a team's name")
        return cls._create(cls.Created, id=id, name=name, **meta.event_fields(at))
