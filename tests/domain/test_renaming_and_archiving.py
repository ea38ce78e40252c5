"""Renaming and archiving teams and roadmaps: unique names, read-only once archived."""

from __future__ import annotations

import functools
from datetime import date
from uuid import UUID

import pytest

from backend.application import Caller
from backend.domain.decision import DecisionLink
from backend.domain.errors import (
    ArchivedError,
    Conflict,
    Invalid,
    NameTaken,
    NotFound,
    ReasonRequired,
)
from backend.domain.roadmap import Roadmap
from backend.domain.team import Team
from tests.domain.helpers import (
    Command,
    ObservedRoadlog,
    a_cycle,
    a_key_result,
    attrs,
    current,
    events_after,
    every_command,
    initiatives_on,
    kinds,
    recorded,
    rejected,
    replayed,
    with_deliverable,
)


@pytest.fixture
def team_id(app: ObservedRoadlog, editor: Caller) -> UUID:
    return app.create_team(editor, name="SRE").id


def test_renaming_a_team_records_the_old_and_the_new_name(
    app: ObservedRoadlog, editor: Caller, team_id: UUID
) -> None:
    [event] = recorded(
        app, lambda: app.rename_team(editor, team_id=team_id, name=" Reliability ", reason="r")
    )
    assert kinds([event]) == ["Team.Renamed"]
    assert attrs(event, "from_name", "name", "reason") == {
        "from_name": "SRE",
        "name": "Reliability",
        "reason": "r",
    }
    assert replayed(app, team_id).name == "Reliability"


def test_renaming_a_team_to_its_own_name_records_nothing(
    app: ObservedRoadlog, editor: Caller, team_id: UUID
) -> None:
    result = app.rename_team(editor, team_id=team_id, name="SRE")
    assert result.position is None
    assert result.id == team_id


def test_team_names_are_unique_in_the_workspace_ignoring_case(
    app: ObservedRoadlog, editor: Caller, team_id: UUID
) -> None:
    other = app.create_team(editor, name="Payments").id
    error = rejected(app, NameTaken, "name", lambda: app.create_team(editor, name=" sre "))
    assert error.code == "CONFLICT"
    assert "'SRE'" in error.message and str(team_id) in error.message
    rejected(app, NameTaken, "name", lambda: app.rename_team(editor, team_id=other, name="SRE"))


def test_a_teams_old_name_is_free_once_it_is_renamed_and_case_alone_may_change(
    app: ObservedRoadlog, editor: Caller, team_id: UUID
) -> None:
    app.rename_team(editor, team_id=team_id, name="sre")
    app.rename_team(editor, team_id=team_id, name="Reliability")
    assert app.create_team(editor, name="SRE").position is not None


def test_names_of_another_workspace_do_not_count(
    app: ObservedRoadlog, editor: Caller, outsider: Caller, team_id: UUID
) -> None:
    assert app.create_team(outsider, name="SRE").position is not None
    assert app.create_roadmap(outsider, name="Platform").position is not None
    assert app.create_roadmap(editor, name="Platform").position is not None


def test_a_blank_new_name_is_invalid(app: ObservedRoadlog, editor: Caller, team_id: UUID) -> None:
    rejected(app, Invalid, "name", lambda: app.rename_team(editor, team_id=team_id, name=" "))


def test_archiving_a_team_needs_a_reason_and_makes_it_read_only(
    app: ObservedRoadlog, editor: Caller, team_id: UUID, roadmap_id: UUID
) -> None:
    rejected(
        app, ReasonRequired, "reason", lambda: app.archive_team(editor, team_id=team_id, reason="")
    )
    [event] = recorded(app, lambda: app.archive_team(editor, team_id=team_id, reason="merged"))
    assert kinds([event]) == ["Team.Archived"]
    assert current(app, Team, team_id).archived
    rejected(
        app, ArchivedError, "team_id", lambda: app.rename_team(editor, team_id=team_id, name="x")
    )
    rejected(
        app,
        ArchivedError,
        "team_id",
        lambda: app.archive_team(editor, team_id=team_id, reason="again"),
    )
    rejected(
        app,
        ArchivedError,
        "team_id",
        lambda: app.create_roadmap(editor, name="New", team_id=team_id),
    )
    rejected(
        app,
        ArchivedError,
        "team_id",
        lambda: app.propose_initiative(
            editor, roadmap_id=roadmap_id, title="T", goal="G", team_id=team_id
        ),
    )
    rejected(
        app,
        ArchivedError,
        "team_id",
        lambda: app.create_objective(
            editor, title="O", period="2026-Q1", level="TEAM", team_id=team_id
        ),
    )
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    other_team = app.create_team(editor, name="Other").id
    objective_id = app.create_objective(
        editor, title="O", period="2026-Q1", level="TEAM", team_id=other_team
    ).id
    rejected(
        app,
        ArchivedError,
        "team_id",
        lambda: app.update_initiative(editor, initiative_id=initiative_id, team_id=team_id),
    )
    rejected(
        app,
        ArchivedError,
        "team_id",
        lambda: app.update_objective(editor, objective_id=objective_id, team_id=team_id),
    )


def test_an_archived_teams_name_stays_taken(
    app: ObservedRoadlog, editor: Caller, team_id: UUID
) -> None:
    app.archive_team(editor, team_id=team_id, reason="merged")
    rejected(app, NameTaken, "name", lambda: app.create_team(editor, name="SRE"))


def test_renaming_a_roadmap_checks_its_version_and_that_the_name_is_free(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    other = app.create_roadmap(editor, name="Family dinner").id
    rejected(app, NameTaken, "name", lambda: app.create_roadmap(editor, name="family DINNER"))
    error = rejected(
        app,
        NameTaken,
        "name",
        lambda: app.rename_roadmap(editor, roadmap_id=roadmap_id, name="FAMILY dinner"),
    )
    assert str(other) in error.message
    rejected(
        app,
        Conflict,
        "expected_version",
        lambda: app.rename_roadmap(editor, roadmap_id=roadmap_id, name="X", expected_version=7),
    )
    [event] = recorded(
        app,
        lambda: app.rename_roadmap(
            editor, roadmap_id=roadmap_id, name="Platform 2027", expected_version=1
        ),
    )
    assert kinds([event]) == ["Roadmap.Renamed"]
    assert attrs(event, "from_name", "name") == {"from_name": "Platform", "name": "Platform 2027"}
    assert replayed(app, roadmap_id).name == "Platform 2027"


def test_renaming_a_missing_roadmap_is_not_found(
    app: ObservedRoadlog, editor: Caller, some_id: UUID
) -> None:
    rejected(
        app,
        NotFound,
        "roadmap_id",
        lambda: app.rename_roadmap(editor, roadmap_id=some_id, name="X"),
    )


def test_an_archived_roadmap_refuses_every_change(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first, _ = initiatives_on(app, editor, roadmap_id, 2)
    cycle_id = a_cycle(app, editor, roadmap_id)
    rejected(
        app,
        ReasonRequired,
        "reason",
        lambda: app.archive_roadmap(editor, roadmap_id=roadmap_id, reason=" "),
    )
    [event] = recorded(
        app, lambda: app.archive_roadmap(editor, roadmap_id=roadmap_id, reason="shipped")
    )
    assert kinds([event]) == ["Roadmap.Archived"]
    assert replayed(app, roadmap_id).archived
    refused = {
        "rename": lambda: app.rename_roadmap(editor, roadmap_id=roadmap_id, name="X"),
        "archive": lambda: app.archive_roadmap(editor, roadmap_id=roadmap_id, reason="again"),
        "propose": lambda: app.propose_initiative(
            editor, roadmap_id=roadmap_id, title="T", goal="G"
        ),
        "move": lambda: app.move_initiative(
            editor, roadmap_id=roadmap_id, initiative_id=first, to_position=2, reason="r"
        ),
        "remove": lambda: app.remove_initiative(
            editor, roadmap_id=roadmap_id, initiative_id=first, reason="r"
        ),
        "create_cycle": lambda: app.create_cycle(
            editor,
            roadmap_id=roadmap_id,
            name="Later",
            starts_on=date(2030, 1, 1),
            ends_on=date(2030, 2, 1),
        ),
        "start_cycle": lambda: app.start_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id),
    }
    for name, command in refused.items():
        error = rejected(app, ArchivedError, "roadmap_id", command)
        assert str(roadmap_id) in error.message, name
    assert current(app, Roadmap, roadmap_id).name == "Platform"


ON_THE_ARCHIVED_ROADMAP = {
    # The roadmap's own commands: refused by the roadmap itself.
    "propose_initiative": "roadmap_id",
    "move_initiative": "roadmap_id",
    "remove_initiative": "roadmap_id",
    "create_cycle": "roadmap_id",
    "update_cycle": "roadmap_id",
    "plan_cycles": "roadmap_id",
    "cancel_cycle": "roadmap_id",
    "start_cycle": "roadmap_id",
    # What its initiatives hold: refused by the rule every command goes through.
    "update_initiative": "initiative_id",
    "add_deliverable": "initiative_id",
    "update_deliverable": "initiative_id",
    "remove_deliverable": "initiative_id",
    "change_deliverable_status": "initiative_id",
    "estimate_deliverable": "initiative_id",
    "retarget_deliverable": "initiative_id",
    "log_effort": "initiative_id",
    "align_initiative": "initiative_id",
    "unalign_initiative": "initiative_id",
    # Nothing is posted about a roadmap that is put away.
    "post_status_update": "roadmap_id",
}


def test_an_archived_roadmap_refuses_every_command_on_its_initiatives_and_deliverables(
    app: ObservedRoadlog, editor: Caller
) -> None:
    commands = every_command(app, editor)
    [roadmap_id] = [
        event.originator_id
        for event in events_after(app, 0)
        if isinstance(event, Roadmap.Created) and event.name == "R"
    ]
    roadmap = current(app, Roadmap, roadmap_id)
    initiative_id = roadmap.priority[0]
    objective_id, key_result_id = a_key_result(app, editor)
    app.align_initiative(
        editor,
        initiative_id=initiative_id,
        objective_id=objective_id,
        key_result_id=key_result_id,
        kind="CONTRIBUTES",
    )
    app.archive_roadmap(editor, roadmap_id=roadmap_id, reason="shipped")
    for name, field in ON_THE_ARCHIVED_ROADMAP.items():
        command = commands[name]
        if name in ("align_initiative", "unalign_initiative"):
            command = on_key_result(app, name, initiative_id, objective_id, key_result_id)
        error = rejected(app, ArchivedError, field, functools.partial(command, editor, None))
        assert str(roadmap_id) in error.message, name
        assert "archived and read-only" in error.message, name
    for name, command in commands.items():
        if name not in ON_THE_ARCHIVED_ROADMAP and name != "close_cycle":
            assert recorded(app, functools.partial(command, editor, None)), name


def on_key_result(
    app: ObservedRoadlog, name: str, initiative_id: UUID, objective_id: UUID, key_result_id: UUID
) -> Command:
    """(Re-)aligning or unaligning the initiative to a key result it is aligned to."""
    if name == "align_initiative":
        return lambda c, at: app.align_initiative(
            c,
            initiative_id=initiative_id,
            objective_id=objective_id,
            key_result_id=key_result_id,
            kind="SUPPORTS",
            effective_at=at,
        )
    return lambda c, at: app.unalign_initiative(
        c,
        initiative_id=initiative_id,
        objective_id=objective_id,
        key_result_id=key_result_id,
        effective_at=at,
    )


def test_an_archived_roadmap_refuses_closing_its_active_cycle(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    cycle_id = a_cycle(app, editor, roadmap_id)
    app.start_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id)
    app.archive_roadmap(editor, roadmap_id=roadmap_id, reason="shipped")
    rejected(
        app,
        ArchivedError,
        "roadmap_id",
        lambda: app.close_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id),
    )


def test_an_initiative_taken_off_an_archived_roadmap_stays_read_only(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id)
    app.remove_initiative(editor, roadmap_id=roadmap_id, initiative_id=initiative_id, reason="r")
    app.archive_roadmap(editor, roadmap_id=roadmap_id, reason="shipped")
    rejected(
        app,
        ArchivedError,
        "initiative_id",
        lambda: app.change_deliverable_status(
            editor, initiative_id=initiative_id, deliverable_id=deliverable_id, status="DONE"
        ),
    )


def test_a_new_decision_cannot_link_an_archived_roadmap_or_its_initiatives(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    old = app.record_decision(
        editor,
        title="Keep it",
        context="c",
        outcome="o",
        rationale="r",
        links=[DecisionLink("Roadmap", roadmap_id)],
    ).id
    app.archive_roadmap(editor, roadmap_id=roadmap_id, reason="shipped")
    other = app.create_roadmap(editor, name="Other").id
    for links, field in [
        ([DecisionLink("Roadmap", other), DecisionLink("Roadmap", roadmap_id)], "links.1"),
        ([DecisionLink("Initiative", initiative_id)], "links.0"),
    ]:
        error = rejected(
            app,
            ArchivedError,
            field,
            lambda links=links: app.record_decision(  # type: ignore[misc]
                editor, title="D", context="c", outcome="o", rationale="r", links=links
            ),
        )
        assert str(roadmap_id) in error.message
    newer = app.record_decision(
        editor,
        title="Drop it",
        context="c",
        outcome="o",
        rationale="r",
        links=[DecisionLink("Roadmap", other)],
    ).id
    # A decision recorded before the archive keeps its links and can still be superseded.
    assert recorded(
        app, lambda: app.supersede_decision(editor, decision_id=old, superseded_by_id=newer)
    )
