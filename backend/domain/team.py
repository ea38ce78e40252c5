"""Team: who owns work ("SRE", "sig-node"); roadmaps, initiatives and objectives name one."""

from __future__ import annotations

from dataclasses import field
from datetime import datetime
from typing import Any
from uuid import UUID

from backend.domain.base import Meta, RoadlogAggregate, require_reason, require_text
from backend.domain.errors import ArchivedError


class Team(RoadlogAggregate):
    """A team of the workspace: a name, unique in the workspace; archived, it is read-only."""

    name: str = field(init=False)
    archived: bool = field(init=False, default=False)

    class Created(RoadlogAggregate.Created):
        """A team was created."""

        class_version = 1
        name: str

        def apply(self, aggregate: Team) -> None:
            super().apply(aggregate)
            aggregate.name = self.name

    class Renamed(RoadlogAggregate.Event):
        """The team was renamed from ``from_name`` to ``name``."""

        class_version = 1
        from_name: str
        name: str

        def apply(self, aggregate: Team) -> None:
            aggregate.name = self.name

    class Archived(RoadlogAggregate.Event):
        """The team was archived: read-only from then on, out of the lists of teams."""

        class_version = 1

        def apply(self, aggregate: Team) -> None:
            aggregate.archived = True

    @classmethod
    def create(cls, *, id: UUID, name: str, meta: Meta, at: datetime) -> Team:
        """Create a team; the name is trimmed and must not be blank."""
        name = require_text(name, "name", "a team's name")
        return cls._create(cls.Created, id=id, name=name, **meta.event_fields(at))

    def require_active(self, field: str = "team_id") -> None:
        """An archived team takes no new work and no change: ArchivedError."""
        if self.archived:
            raise ArchivedError("Team", self.id, field)

    def trigger_event(self, *args: Any, **kwargs: Any) -> None:
        """Every change of an archived team is refused before it is recorded."""
        self.require_active()
        super().trigger_event(*args, **kwargs)

    def rename(self, name: str, meta: Meta, at: datetime) -> None:
        """Give the team another name (trimmed, not blank); its own name records nothing.

        Uniqueness in the workspace is the command's to check: it spans teams.
        """
        name = require_text(name, "name", "a team's name")
        self.require_active()
        if name == self.name:
            return
        self.trigger_event(self.Renamed, from_name=self.name, name=name, **meta.event_fields(at))

    def archive(self, meta: Meta, at: datetime) -> None:
        """Archive the team; needs a reason."""
        require_reason(meta, "archiving a team")
        self.trigger_event(self.Archived, **meta.event_fields(at))
