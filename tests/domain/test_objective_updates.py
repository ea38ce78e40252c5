"""Correcting an objective: its title, its team, its parent (same period, no cycles)."""

from __future__ import annotations

from functools import partial
from uuid import UUID

import pytest

from backend.application import Caller
from backend.domain.errors import ArchivedError, Conflict, Invalid, NotFound, ReasonRequired
from backend.domain.objective import Objective
from tests.domain.helpers import (
    ObservedRoadlog,
    attrs,
    current,
    initiatives_on,
    kinds,
    recorded,
    rejected,
    replayed,
)


class Tree:
    """A company objective, a team objective under it, and one under that."""

    def __init__(self, app: ObservedRoadlog, caller: Caller) -> None:
        self.team = app.create_team(caller, name="SRE").id
        self.company = self.objective(app, caller, "Ship faster", None)
        self.child = self.objective(app, caller, "Faster CI", self.company)
        self.grandchild = self.objective(app, caller, "Cache builds", self.child)

    def objective(
        self, app: ObservedRoadlog, caller: Caller, title: str, parent: UUID | None
    ) -> UUID:
        level = "COMPANY" if parent is None else "TEAM"
        team = None if parent is None else self.team
        return app.create_objective(
            caller, title=title, period="2026-Q3", level=level, team_id=team, parent_id=parent
        ).id


@pytest.fixture
def tree(app: ObservedRoadlog, editor: Caller) -> Tree:
    return Tree(app, editor)


def test_updating_the_title_and_team_records_before_and_after(
    app: ObservedRoadlog, editor: Caller, tree: Tree
) -> None:
    web = app.create_team(editor, name="Web").id
    [event] = recorded(
        app,
        lambda: app.update_objective(
            editor, objective_id=tree.child, title=" Faster builds ", team_id=web, reason="r"
        ),
    )
    assert kinds([event]) == ["Objective.Updated"]
    assert attrs(event, "title", "team_id", "parent_id", "from_title", "from_team_id") == {
        "title": "Faster builds",
        "team_id": web,
        "parent_id": tree.company,
        "from_title": "Faster CI",
        "from_team_id": tree.team,
    }
    assert replayed(app, tree.child).title == "Faster builds"


def test_no_change_records_nothing(app: ObservedRoadlog, editor: Caller, tree: Tree) -> None:
    result = app.update_objective(editor, objective_id=tree.child, title="Faster CI")
    assert result.position is None


def test_reparenting_and_clearing_the_parent(
    app: ObservedRoadlog, editor: Caller, tree: Tree
) -> None:
    app.update_objective(editor, objective_id=tree.grandchild, parent_id=tree.company)
    assert current(app, Objective, tree.grandchild).parent_id == tree.company
    app.update_objective(editor, objective_id=tree.grandchild, clear_parent=True)
    assert current(app, Objective, tree.grandchild).parent_id is None


def test_a_parent_below_the_objective_or_itself_would_make_a_cycle(
    app: ObservedRoadlog, editor: Caller, tree: Tree
) -> None:
    for parent in (tree.child, tree.grandchild):
        error = rejected(
            app,
            Invalid,
            "parent_id",
            partial(app.update_objective, editor, objective_id=tree.child, parent_id=parent),
        )
        assert "descendant" in error.message


def test_the_rules_of_creating_one_still_hold(
    app: ObservedRoadlog, editor: Caller, tree: Tree, some_id: UUID
) -> None:
    later = app.create_objective(editor, title="Later", period="2026-Q4", level="COMPANY").id
    rejected(
        app,
        Invalid,
        "parent_id",
        lambda: app.update_objective(editor, objective_id=tree.child, parent_id=later),
    )
    rejected(
        app,
        Invalid,
        "team_id",
        lambda: app.update_objective(editor, objective_id=tree.company, team_id=tree.team),
    )
    rejected(
        app,
        Invalid,
        "parent_id",
        lambda: app.update_objective(editor, objective_id=later, parent_id=tree.company),
    )
    rejected(
        app,
        Invalid,
        "title",
        lambda: app.update_objective(editor, objective_id=tree.child, title=" "),
    )
    rejected(
        app,
        Invalid,
        "parent_id",
        lambda: app.update_objective(
            editor, objective_id=tree.grandchild, parent_id=tree.company, clear_parent=True
        ),
    )
    rejected(
        app,
        NotFound,
        "parent_id",
        lambda: app.update_objective(editor, objective_id=tree.child, parent_id=some_id),
    )
    rejected(
        app,
        NotFound,
        "objective_id",
        lambda: app.update_objective(editor, objective_id=some_id, title="x"),
    )


def test_a_stale_version_is_a_conflict_and_an_archived_team_is_refused(
    app: ObservedRoadlog, editor: Caller, tree: Tree
) -> None:
    rejected(
        app,
        Conflict,
        "expected_version",
        lambda: app.update_objective(
            editor, objective_id=tree.child, title="x", expected_version=9
        ),
    )
    old = app.create_team(editor, name="Old").id
    app.archive_team(editor, team_id=old, reason="gone")
    rejected(
        app,
        ArchivedError,
        "team_id",
        lambda: app.update_objective(editor, objective_id=tree.child, team_id=old),
    )


def test_archiving_needs_a_reason_and_makes_the_objective_read_only(
    app: ObservedRoadlog, editor: Caller, tree: Tree
) -> None:
    rejected(
        app,
        ReasonRequired,
        "reason",
        lambda: app.archive_objective(editor, objective_id=tree.child, reason=""),
    )
    [event] = recorded(
        app, lambda: app.archive_objective(editor, objective_id=tree.child, reason="dropped")
    )
    assert kinds([event]) == ["Objective.Archived"]
    assert replayed(app, tree.child).archived
    key_result_id = app.add_key_result(
        editor, objective_id=tree.company, title="KR", unit="", start_value=0, target_value=1
    ).id
    refused = {
        "objective_id": [
            lambda: app.update_objective(editor, objective_id=tree.child, title="x"),
            lambda: app.archive_objective(editor, objective_id=tree.child, reason="again"),
            lambda: app.add_key_result(
                editor, objective_id=tree.child, title="KR", unit="", start_value=0, target_value=1
            ),
        ],
        "parent_id": [
            lambda: app.update_objective(
                editor, objective_id=tree.grandchild, parent_id=tree.child
            ),
            lambda: app.create_objective(
                editor,
                title="New",
                period="2026-Q3",
                level="TEAM",
                team_id=tree.team,
                parent_id=tree.child,
            ),
        ],
    }
    for field, commands in refused.items():
        for command in commands:
            rejected(app, ArchivedError, field, command)
    assert current(app, Objective, tree.company).key_results[0].key_result_id == key_result_id


def test_an_initiative_cannot_align_to_a_key_result_of_an_archived_objective(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    objective_id = app.create_objective(editor, title="O", period="2026-Q1", level="COMPANY").id
    key_result_id = app.add_key_result(
        editor, objective_id=objective_id, title="KR", unit="", start_value=0, target_value=1
    ).id
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    app.archive_objective(editor, objective_id=objective_id, reason="dropped")
    rejected(
        app,
        ArchivedError,
        "key_result_id",
        lambda: app.align_initiative(
            editor,
            initiative_id=initiative_id,
            objective_id=objective_id,
            key_result_id=key_result_id,
            kind="SUPPORTS",
        ),
    )
