"""Objectives and key results: levels, parents of the same period, check-ins, progress."""

from __future__ import annotations

from functools import partial
from typing import Any
from uuid import UUID, uuid4

import pytest

from backend.application import Caller
from backend.domain.errors import AlreadyExists, DomainError, Invalid, NotFound
from backend.domain.objective import CheckIn, KeyResult, Objective, key_result_progress
from tests.domain.helpers import (
    ObservedRoadlog,
    a_key_result,
    attrs,
    current,
    kinds,
    recorded,
    rejected,
    state_size_after,
)


@pytest.mark.parametrize(
    ("start", "target", "current_value", "progress"),
    [
        (0, 100, 0, 0.0),
        (0, 100, 25, 0.25),
        (0, 100, 100, 1.0),
        (0, 100, 150, 1.0),
        (0, 100, -10, 0.0),
        (10, 0, 5, 0.5),
        (10, 0, 12, 0.0),
        (99.0, 99.9, 99.45, 0.5),
    ],
)
def test_key_result_progress_is_the_share_of_the_way_clamped_to_zero_and_one(
    start: float, target: float, current_value: float, progress: float
) -> None:
    assert key_result_progress(start, target, current_value) == pytest.approx(progress)


def test_a_company_objective_has_no_team(app: ObservedRoadlog, editor: Caller) -> None:
    [created] = recorded(
        app,
        lambda: app.create_objective(
            editor, title=" Be reliable ", period="2026-Q3", level="COMPANY"
        ),
    )
    assert kinds([created]) == ["Objective.Created"]
    assert attrs(created, "title", "period", "level", "team_id", "parent_id", "actor") == {
        "title": "Be reliable",
        "period": "2026-Q3",
        "level": "COMPANY",
        "team_id": None,
        "parent_id": None,
        "actor": "ed@example.com",
    }


def test_a_team_objective_ladders_up_to_a_parent_of_the_same_period(
    app: ObservedRoadlog, editor: Caller
) -> None:
    team_id = app.create_team(editor, name="SRE").id
    parent = app.create_objective(editor, title="Reliable", period="2026-Q3", level="COMPANY").id
    [created] = recorded(
        app,
        lambda: app.create_objective(
            editor,
            title="Fewer pages",
            period="2026-Q3",
            level="TEAM",
            team_id=team_id,
            parent_id=parent,
        ),
    )
    assert attrs(created, "level", "team_id", "parent_id") == {
        "level": "TEAM",
        "team_id": team_id,
        "parent_id": parent,
    }


def test_objective_rules_each_refuse_with_their_field(app: ObservedRoadlog, editor: Caller) -> None:
    team_id = app.create_team(editor, name="SRE").id
    parent = app.create_objective(editor, title="Reliable", period="2026-Q3", level="COMPANY").id
    own_id = uuid4()
    cases: list[tuple[type[DomainError], str, dict[str, Any]]] = [
        (Invalid, "title", {"title": " "}),
        (Invalid, "period", {"period": ""}),
        (Invalid, "level", {"level": "DIVISION"}),
        (Invalid, "team_id", {"level": "TEAM"}),
        (Invalid, "team_id", {"level": "COMPANY", "team_id": team_id}),
        (Invalid, "parent_id", {"level": "COMPANY", "parent_id": parent}),
        (Invalid, "parent_id", {"team_id": team_id, "period": "2026-Q4", "parent_id": parent}),
        (Invalid, "parent_id", {"team_id": team_id, "id": own_id, "parent_id": own_id}),
        (NotFound, "parent_id", {"team_id": team_id, "parent_id": uuid4()}),
        (NotFound, "team_id", {"team_id": uuid4()}),
    ]
    for error, field, changes in cases:
        command: dict[str, Any] = {
            "title": "T",
            "period": "2026-Q3",
            "level": "TEAM",
            **changes,
        }
        rejected(
            app,
            error,
            field,
            partial(app.create_objective, editor, **command),
        )


def test_adding_a_key_result_records_its_start_and_target(
    app: ObservedRoadlog, editor: Caller
) -> None:
    objective_id = app.create_objective(editor, title="O", period="2026-Q3", level="COMPANY").id
    before_id = uuid4()
    [added] = recorded(
        app,
        lambda: app.add_key_result(
            editor,
            objective_id=objective_id,
            title=" Availability ",
            unit="%",
            start_value=99.0,
            target_value=99.9,
            id=before_id,
        ),
    )
    assert kinds([added]) == ["Objective.KeyResultAdded"]
    assert added.originator_id == objective_id
    assert attrs(added, "key_result_id", "title", "unit", "start_value", "target_value") == {
        "key_result_id": before_id,
        "title": "Availability",
        "unit": "%",
        "start_value": 99.0,
        "target_value": 99.9,
    }


@pytest.mark.parametrize(
    ("start", "target", "field"),
    [
        (5.0, 5.0, "target_value"),
        (float("nan"), 1.0, "start_value"),
        (0.0, float("inf"), "target_value"),
    ],
)
def test_a_key_result_target_must_differ_from_its_start_and_be_finite(
    app: ObservedRoadlog, editor: Caller, start: float, target: float, field: str
) -> None:
    objective_id = app.create_objective(editor, title="O", period="2026-Q3", level="COMPANY").id
    rejected(
        app,
        Invalid,
        field,
        lambda: app.add_key_result(
            editor,
            objective_id=objective_id,
            title="KR",
            unit="",
            start_value=start,
            target_value=target,
        ),
    )


def test_a_key_result_id_is_unique_in_its_objective(app: ObservedRoadlog, editor: Caller) -> None:
    objective_id = app.create_objective(editor, title="O", period="2026-Q3", level="COMPANY").id
    kr = app.add_key_result(
        editor, objective_id=objective_id, title="KR", unit="", start_value=0, target_value=1
    ).id
    rejected(
        app,
        AlreadyExists,
        "id",
        lambda: app.add_key_result(
            editor,
            objective_id=objective_id,
            title="KR2",
            unit="",
            start_value=0,
            target_value=1,
            id=kr,
        ),
    )


def key_result(app: ObservedRoadlog, objective_id: UUID, key_result_id: UUID) -> KeyResult:
    return current(app, Objective, objective_id).key_result(key_result_id)


def test_check_ins_append_and_move_progress(app: ObservedRoadlog, editor: Caller) -> None:
    objective_id, key_result_id = a_key_result(app, editor)
    assert key_result(app, objective_id, key_result_id).progress == 0.0
    for value, confidence in [(10.0, 0.5), (30.0, None)]:
        [checked] = recorded(
            app,
            partial(
                app.check_in_key_result,
                editor,
                objective_id=objective_id,
                key_result_id=key_result_id,
                value=value,
                confidence=confidence,
                note="weekly",
            ),
        )
        assert kinds([checked]) == ["Objective.KeyResultCheckedIn"]
        assert attrs(checked, "key_result_id", "value", "confidence", "reason") == {
            "key_result_id": key_result_id,
            "value": value,
            "confidence": confidence,
            "reason": "weekly",
        }
    kr = key_result(app, objective_id, key_result_id)
    assert kr.latest_check_in == CheckIn(30.0, None)
    assert kr.current_value == 30.0
    assert kr.progress == 0.75


def test_check_ins_do_not_grow_the_objective_state(app: ObservedRoadlog, editor: Caller) -> None:
    """Every command copies its aggregate's state: state that grew with each check-in
    would make every command on a long-lived objective slower."""
    objective_id, key_result_id = a_key_result(app, editor)
    check_in = partial(
        app.check_in_key_result,
        editor,
        objective_id=objective_id,
        key_result_id=key_result_id,
        value=20.0,
        confidence=0.5,
    )

    after_2 = state_size_after(app, Objective, objective_id, check_in, 2)
    assert after_2 == state_size_after(app, Objective, objective_id, check_in, 100)
    assert key_result(app, objective_id, key_result_id).progress == 0.5


def test_a_bad_check_in_is_refused(app: ObservedRoadlog, editor: Caller) -> None:
    objective_id, key_result_id = a_key_result(app, editor)
    for value, confidence, error, field, kr in [
        (1.0, 2.0, Invalid, "confidence", key_result_id),
        (float("nan"), None, Invalid, "value", key_result_id),
        (1.0, None, NotFound, "key_result_id", uuid4()),
    ]:
        rejected(
            app,
            error,
            field,
            partial(
                app.check_in_key_result,
                editor,
                objective_id=objective_id,
                key_result_id=kr,
                value=value,
                confidence=confidence,
            ),
        )
