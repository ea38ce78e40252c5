"""Correcting a key result (title, unit, target) and removing one from its objective."""

from __future__ import annotations

import math
from typing import Any
from uuid import UUID

import pytest

from backend.application import Caller
from backend.domain.errors import Invalid, NotFound, ReasonRequired
from backend.domain.objective import Objective
from tests.domain.helpers import (
    ObservedRoadlog,
    a_key_result,
    attrs,
    current,
    kinds,
    recorded,
    rejected,
    replayed,
)


@pytest.fixture
def key_result(app: ObservedRoadlog, editor: Caller) -> tuple[UUID, UUID]:
    """A key result from 0 to 40, checked in at 10: (objective id, its id)."""
    objective_id, key_result_id = a_key_result(app, editor)
    app.check_in_key_result(
        editor, objective_id=objective_id, key_result_id=key_result_id, value=10
    )
    return objective_id, key_result_id


def test_updating_a_key_results_target_recomputes_its_progress(
    app: ObservedRoadlog, editor: Caller, key_result: tuple[UUID, UUID]
) -> None:
    objective_id, key_result_id = key_result
    [event] = recorded(
        app,
        lambda: app.update_key_result(
            editor,
            objective_id=objective_id,
            key_result_id=key_result_id,
            title=" Signups ",
            target_value=20,
            reason="halved",
        ),
    )
    assert kinds([event]) == ["Objective.KeyResultUpdated"]
    assert attrs(event, "title", "unit", "target_value", "from_title", "from_target_value") == {
        "title": "Signups",
        "unit": "",
        "target_value": 20,
        "from_title": "KR",
        "from_target_value": 40,
    }
    [kr] = replayed(app, objective_id).key_results
    assert (kr.title, kr.target_value, kr.progress) == ("Signups", 20, 0.5)


def test_an_update_that_changes_nothing_records_nothing(
    app: ObservedRoadlog, editor: Caller, key_result: tuple[UUID, UUID]
) -> None:
    objective_id, key_result_id = key_result
    result = app.update_key_result(
        editor, objective_id=objective_id, key_result_id=key_result_id, title="KR", unit=""
    )
    assert result.position is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"target_value": 0.0}, "target_value"),
        ({"target_value": math.inf}, "target_value"),
    ],
)
def test_a_key_result_update_keeps_the_rules_of_adding_one(
    app: ObservedRoadlog,
    editor: Caller,
    key_result: tuple[UUID, UUID],
    changes: dict[str, Any],
    field: str,
) -> None:
    objective_id, key_result_id = key_result
    rejected(
        app,
        Invalid,
        field,
        lambda: app.update_key_result(
            editor, objective_id=objective_id, key_result_id=key_result_id, **changes
        ),
    )


def test_removing_a_key_result_needs_a_reason_and_then_it_is_gone(
    app: ObservedRoadlog, editor: Caller, key_result: tuple[UUID, UUID]
) -> None:
    objective_id, key_result_id = key_result
    rejected(
        app,
        ReasonRequired,
        "reason",
        lambda: app.remove_key_result(
            editor, objective_id=objective_id, key_result_id=key_result_id, reason=""
        ),
    )
    [event] = recorded(
        app,
        lambda: app.remove_key_result(
            editor, objective_id=objective_id, key_result_id=key_result_id, reason="wrong metric"
        ),
    )
    assert kinds([event]) == ["Objective.KeyResultRemoved"]
    assert current(app, Objective, objective_id).key_results == []
    for command in (
        lambda: app.remove_key_result(
            editor, objective_id=objective_id, key_result_id=key_result_id, reason="again"
        ),
        lambda: app.update_key_result(
            editor, objective_id=objective_id, key_result_id=key_result_id, title="x"
        ),
        lambda: app.check_in_key_result(
            editor, objective_id=objective_id, key_result_id=key_result_id, value=1
        ),
    ):
        rejected(app, NotFound, "key_result_id", command)


def test_the_alignments_of_a_removed_key_result_end_with_it(
    app: ObservedRoadlog, editor: Caller, key_result: tuple[UUID, UUID]
) -> None:
    objective_id, key_result_id = key_result
    roadmap_id = app.create_roadmap(editor, name="Platform").id
    initiative_id = app.propose_initiative(editor, roadmap_id=roadmap_id, title="I", goal="g").id

    def align(kind: str) -> object:
        return app.align_initiative(
            editor,
            initiative_id=initiative_id,
            objective_id=objective_id,
            key_result_id=key_result_id,
            kind=kind,
        )

    def unalign() -> object:
        return app.unalign_initiative(
            editor,
            initiative_id=initiative_id,
            objective_id=objective_id,
            key_result_id=key_result_id,
        )

    align("CONTRIBUTES")
    app.remove_key_result(
        editor, objective_id=objective_id, key_result_id=key_result_id, reason="wrong metric"
    )
    # Nothing is left to unalign, nor to align to again.
    rejected(app, NotFound, "key_result_id", unalign)
    rejected(app, NotFound, "key_result_id", lambda: align("SUPPORTS"))
