"""Finding a workspace's roadmaps and teams by name, on the write side.

Importers read the event store itself rather than the read models: an import must see
what the log holds right now (a projector may lag, or not run at all during a one-shot
command). Creation events are few, and the store filters them by topic.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from backend.application import Roadlog
from backend.domain.roadmap import Roadmap
from backend.domain.team import Team
from backend.importing.ids import match_key

PAGE = 1000


def _created(app: Roadlog, event_class: type[Any], workspace_id: UUID) -> Iterator[Any]:
    """The workspace's creation events of one kind, oldest first."""
    topics = [get_topic(event_class)]
    start = 1
    while notifications := app.recorder.select_notifications(start, PAGE, topics=topics):
        for notification in notifications:
            created = app.mapper.to_domain_event(notification)
            if getattr(created, "workspace_id", None) == workspace_id:
                yield created
        start = notifications[-1].id + 1


def roadmaps_named(app: Roadlog, workspace_id: UUID, name: str) -> list[UUID]:
    """The ids of the workspace's roadmaps with this name (case and spaces ignored)."""
    wanted = match_key(name)
    return [
        created.originator_id
        for created in _created(app, Roadmap.Created, workspace_id)
        if match_key(created.name) == wanted
    ]


def teams_by_name(app: Roadlog, workspace_id: UUID) -> dict[str, UUID]:
    """The workspace's teams by exact name (the first one when two share a name)."""
    teams: dict[str, UUID] = {}
    for created in _created(app, Team.Created, workspace_id):
        teams.setdefault(created.name, created.originator_id)
    return teams
