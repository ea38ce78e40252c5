"""Finding a workspace's roadmaps and teams by name, on the write side.

Importers read the event store itself rather than the read models: an import must see
what the log holds right now (a projector may lag, or not run at all during a one-shot
command). Creation and rename events are few, and the store filters them by topic.
"""

from __future__ import annotations

from uuid import UUID

from backend.application import Roadlog
from backend.domain.roadmap import Roadmap
from backend.domain.team import Team
from backend.importing.ids import match_key
from projections.global_ids import global_id


def roadmaps_named(app: Roadlog, workspace_id: UUID, name: str) -> list[UUID]:
    """The ids of the workspace's roadmaps with this current name (case and spaces
    ignored), or the roadmap whose global id this is."""
    wanted = match_key(name)
    return [
        id
        for id, current in app.current_names(workspace_id, Roadmap).items()
        if match_key(current) == wanted or global_id("Roadmap", id) == name.strip()
    ]


def teams_by_name(app: Roadlog, workspace_id: UUID) -> dict[str, UUID]:
    """The workspace's teams by exact current name (the oldest when two share a name)."""
    teams: dict[str, UUID] = {}
    for id, name in app.current_names(workspace_id, Team).items():
        teams.setdefault(name, id)
    return teams


def teams_by_key(app: Roadlog, workspace_id: UUID) -> dict[str, UUID]:
    """The workspace's teams by current name, case and spaces ignored (as team names are
    unique: the oldest when two named alike before names had to be unique)."""
    teams: dict[str, UUID] = {}
    for id, name in app.current_names(workspace_id, Team).items():
        teams.setdefault(match_key(name), id)
    return teams
