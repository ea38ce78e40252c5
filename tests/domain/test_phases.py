"""Phases: an initiative becomes a phase of another on its roadmap, or top-level again."""

from __future__ import annotations

from functools import partial
from uuid import UUID

from backend.application import Caller
from backend.domain.errors import Conflict, Invalid, NotFound
from backend.domain.initiative import Initiative
from tests.domain.helpers import (
    ObservedRoadlog,
    a_roadmap,
    attrs,
    current,
    event_count,
    initiatives_on,
    kinds,
    recorded,
    rejected,
)


def test_making_an_initiative_a_phase_records_its_old_and_new_parent(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    parent, phase = initiatives_on(app, editor, roadmap_id, 2)

    events = recorded(
        app,
        lambda: app.update_initiative(
            editor, initiative_id=phase, parent_id=parent, reason="phase 2 of the migration"
        ),
    )

    [event] = events
    assert kinds(events) == ["Initiative.ParentChanged"]
    assert attrs(event, "from_parent_id", "parent_id", "reason", "actor") == {
        "from_parent_id": None,
        "parent_id": parent,
        "reason": "phase 2 of the migration",
        "actor": "ed@example.com",
    }
    assert current(app, Initiative, phase).parent_id == parent


def test_another_parent_and_then_top_level_again(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first, second, phase = initiatives_on(app, editor, roadmap_id, 3)
    app.update_initiative(editor, initiative_id=phase, parent_id=first)

    [moved] = recorded(
        app, lambda: app.update_initiative(editor, initiative_id=phase, parent_id=second)
    )
    [cleared] = recorded(
        app, lambda: app.update_initiative(editor, initiative_id=phase, clear_parent=True)
    )

    assert attrs(moved, "from_parent_id", "parent_id") == {
        "from_parent_id": first,
        "parent_id": second,
    }
    assert attrs(cleared, "from_parent_id", "parent_id") == {
        "from_parent_id": second,
        "parent_id": None,
    }
    assert current(app, Initiative, phase).parent_id is None


def test_the_same_parent_again_or_clearing_no_parent_records_nothing(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    parent, phase, alone = initiatives_on(app, editor, roadmap_id, 3)
    app.update_initiative(editor, initiative_id=phase, parent_id=parent)
    before = event_count(app)

    again = app.update_initiative(editor, initiative_id=phase, parent_id=parent)
    cleared = app.update_initiative(editor, initiative_id=alone, clear_parent=True)

    assert (again.position, cleared.position) == (None, None)
    assert event_count(app) == before


def test_a_rename_and_a_new_parent_in_one_command_record_both_together(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    parent, phase = initiatives_on(app, editor, roadmap_id, 2)

    events = recorded(
        app,
        lambda: app.update_initiative(
            editor, initiative_id=phase, title="New CI: phase 2", parent_id=parent
        ),
    )

    assert kinds(events) == ["Initiative.Updated", "Initiative.ParentChanged"]
    assert len({attrs(e, "effective_at")["effective_at"] for e in events}) == 1


def test_a_parent_that_is_the_initiative_or_one_of_its_phases_is_refused(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    top, middle, bottom = initiatives_on(app, editor, roadmap_id, 3)
    app.update_initiative(editor, initiative_id=middle, parent_id=top)
    app.update_initiative(editor, initiative_id=bottom, parent_id=middle)

    for parent in (top, middle, bottom):
        error = rejected(
            app,
            Invalid,
            "parent_id",
            partial(app.update_initiative, editor, initiative_id=top, parent_id=parent),
        )
        assert str(parent) in error.message
        assert "its own phase" in error.message


def test_a_parent_on_another_roadmap_is_refused(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [phase] = initiatives_on(app, editor, roadmap_id, 1)
    other_roadmap = a_roadmap(app, editor, "Elsewhere")
    [elsewhere] = initiatives_on(app, editor, other_roadmap, 1)

    error = rejected(
        app,
        Invalid,
        "parent_id",
        lambda: app.update_initiative(editor, initiative_id=phase, parent_id=elsewhere),
    )
    assert str(other_roadmap) in error.message and str(roadmap_id) in error.message


def test_a_parent_taken_off_the_roadmap_is_refused(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    gone, phase = initiatives_on(app, editor, roadmap_id, 2)
    app.remove_initiative(editor, roadmap_id=roadmap_id, initiative_id=gone, reason="dropped")

    error = rejected(
        app,
        Invalid,
        "parent_id",
        lambda: app.update_initiative(editor, initiative_id=phase, parent_id=gone),
    )
    assert "not on its roadmap" in error.message


def test_proposing_a_phase_of_an_initiative_taken_off_the_roadmap_is_refused(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    # Proposing under a parent follows the rule updateInitiative follows.
    [gone] = initiatives_on(app, editor, roadmap_id, 1)
    app.remove_initiative(editor, roadmap_id=roadmap_id, initiative_id=gone, reason="dropped")

    error = rejected(
        app,
        Invalid,
        "parent_id",
        lambda: app.propose_initiative(
            editor, roadmap_id=roadmap_id, title="Phase", goal="g", parent_id=gone
        ),
    )
    assert "not on its roadmap" in error.message


def test_a_parent_and_clear_parent_at_once_are_refused(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    parent, phase = initiatives_on(app, editor, roadmap_id, 2)

    error = rejected(
        app,
        Invalid,
        "parent_id",
        lambda: app.update_initiative(
            editor, initiative_id=phase, title="Renamed", parent_id=parent, clear_parent=True
        ),
    )
    assert "not both" in error.message


def test_a_parent_that_does_not_exist_or_is_of_another_workspace_is_not_found(
    app: ObservedRoadlog, editor: Caller, outsider: Caller, roadmap_id: UUID, some_id: UUID
) -> None:
    [phase] = initiatives_on(app, editor, roadmap_id, 1)
    foreign_roadmap = a_roadmap(app, outsider, "Theirs")
    [foreign] = initiatives_on(app, outsider, foreign_roadmap, 1)

    for parent in (some_id, foreign):
        rejected(
            app,
            NotFound,
            "parent_id",
            partial(app.update_initiative, editor, initiative_id=phase, parent_id=parent),
        )


def test_a_stale_expected_version_is_a_conflict_before_the_parent_changes(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    parent, phase = initiatives_on(app, editor, roadmap_id, 2)
    stale = current(app, Initiative, phase).version - 1

    rejected(
        app,
        Conflict,
        "expected_version",
        lambda: app.update_initiative(
            editor, initiative_id=phase, parent_id=parent, expected_version=stale
        ),
    )
