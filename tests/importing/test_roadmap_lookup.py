"""Importers find roadmaps and teams by their current names, or a roadmap by its global id."""

from __future__ import annotations

from uuid import UUID

from backend.application import Caller
from backend.importing.lookup import roadmaps_named, teams_by_name
from projections.global_ids import global_id
from tests.domain.helpers import ObservedRoadlog

EDITOR = Caller(workspace_id=UUID(int=7), actor="ed@example.com")


def test_a_renamed_roadmap_is_found_by_its_new_name_only() -> None:
    app = ObservedRoadlog()
    roadmap_id = app.create_roadmap(EDITOR, name="Family dinnr").id
    app.rename_roadmap(EDITOR, roadmap_id=roadmap_id, name="Family dinner")
    assert roadmaps_named(app, EDITOR.workspace_id, " family  DINNER ") == [roadmap_id]
    assert roadmaps_named(app, EDITOR.workspace_id, "Family dinnr") == []


def test_a_roadmap_is_found_by_its_global_id() -> None:
    app = ObservedRoadlog()
    roadmap_id = app.create_roadmap(EDITOR, name="Platform").id
    app.create_roadmap(EDITOR, name="Other")
    assert roadmaps_named(app, EDITOR.workspace_id, global_id("Roadmap", roadmap_id)) == [
        roadmap_id
    ]
    assert roadmaps_named(app, EDITOR.workspace_id, global_id("Team", roadmap_id)) == []


def test_a_renamed_team_is_known_by_its_new_name() -> None:
    app = ObservedRoadlog()
    team_id = app.create_team(EDITOR, name="SRE").id
    app.rename_team(EDITOR, team_id=team_id, name="Reliability")
    assert teams_by_name(app, EDITOR.workspace_id) == {"Reliability": team_id}
