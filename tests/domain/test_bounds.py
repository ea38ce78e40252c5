"""Numbers have sane bounds, decided at the command: estimates and effort in resource-weeks,
key-result values. Old history beyond them still replays."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

import pytest

from backend.application import Caller
from backend.domain.base import MAX_MEASURE, MAX_WEEKS, Meta
from backend.domain.deliverable import NewDeliverable
from backend.domain.errors import Invalid
from backend.domain.initiative import Initiative
from tests.domain.helpers import (
    ObservedRoadlog,
    a_key_result,
    current,
    rejected,
    replayed,
    with_deliverable,
)

TOO_MANY_WEEKS = [
    ("5000.01", "at most 5000"),
    ("1e28", "at most 5000"),
    ("1e309", "at most 5000"),
    ("1.234", "at most 2 decimals"),
    ("1E-9", "at most 2 decimals"),
    ("0", "positive"),
    ("-1", "positive"),
    ("NaN", "positive"),
    ("Infinity", "positive"),
]


@pytest.mark.parametrize("command", ["estimate_deliverable", "log_effort"])
@pytest.mark.parametrize(("weeks", "bound"), TOO_MANY_WEEKS)
def test_weeks_beyond_the_bounds_are_refused_naming_the_bound(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID, command: str, weeks: str, bound: str
) -> None:
    """Estimates and logged effort are resource-weeks under the same bounds."""
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id)
    error = rejected(
        app,
        Invalid,
        "weeks",
        lambda: getattr(app, command)(
            editor,
            initiative_id=initiative_id,
            deliverable_id=deliverable_id,
            weeks=Decimal(weeks),
        ),
    )
    assert bound in error.message


def test_a_first_estimate_beyond_the_bounds_refuses_the_whole_proposal(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    error = rejected(
        app,
        Invalid,
        "deliverables.1.estimate_weeks",
        lambda: app.propose_initiative(
            editor,
            roadmap_id=roadmap_id,
            title="T",
            goal="g",
            deliverables=[
                NewDeliverable("fine", estimate_weeks=Decimal(3)),
                NewDeliverable("typo", estimate_weeks=Decimal("1e28")),
            ],
        ),
    )
    assert "at most 5000" in error.message


def test_the_largest_accepted_weeks_are_recorded(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiative_id, deliverable_id = with_deliverable(
        app, editor, roadmap_id, estimate_weeks=MAX_WEEKS
    )
    for weeks in (MAX_WEEKS, Decimal("0.01"), Decimal("4999.99")):
        app.estimate_deliverable(
            editor, initiative_id=initiative_id, deliverable_id=deliverable_id, weeks=weeks
        )
        app.log_effort(
            editor, initiative_id=initiative_id, deliverable_id=deliverable_id, weeks=weeks
        )
    deliverable = current(app, Initiative, initiative_id).deliverable(deliverable_id)
    assert deliverable.estimate_weeks == Decimal("4999.99")
    assert deliverable.actual_weeks == MAX_WEEKS + Decimal("0.01") + Decimal("4999.99")


@pytest.mark.parametrize(
    ("start", "target", "field"),
    [
        (0.0, MAX_MEASURE * 10, "target_value"),
        (-MAX_MEASURE * 2, 1.0, "start_value"),
        (0.0, 1e308, "target_value"),
        (float("-inf"), 1.0, "start_value"),
    ],
)
def test_key_result_values_beyond_the_magnitude_are_refused(
    app: ObservedRoadlog, editor: Caller, start: float, target: float, field: str
) -> None:
    objective_id = app.create_objective(editor, title="O", period="2026-Q3", level="COMPANY").id
    error = rejected(
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
    assert field in error.message


@pytest.mark.parametrize("value", [MAX_MEASURE * 1.5, -1e300, float("nan"), float("inf")])
def test_a_check_in_beyond_the_magnitude_is_refused(
    app: ObservedRoadlog, editor: Caller, value: float
) -> None:
    objective_id, key_result_id = a_key_result(app, editor)
    rejected(
        app,
        Invalid,
        "value",
        lambda: app.check_in_key_result(
            editor, objective_id=objective_id, key_result_id=key_result_id, value=value
        ),
    )


def test_the_largest_key_result_values_are_accepted(app: ObservedRoadlog, editor: Caller) -> None:
    objective_id = app.create_objective(editor, title="O", period="2026-Q3", level="COMPANY").id
    app.add_key_result(
        editor,
        objective_id=objective_id,
        title="KR",
        unit="",
        start_value=-MAX_MEASURE,
        target_value=MAX_MEASURE,
    )


def test_history_recorded_before_the_bounds_still_replays(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id)
    initiative = current(app, Initiative, initiative_id)
    # What an older roadlog accepted: the events hold the values as they were.
    meta = Meta(workspace_id=editor.workspace_id, actor=editor.actor)
    at = datetime.now(UTC)
    initiative.trigger_event(
        Initiative.DeliverableEstimated,
        deliverable_id=deliverable_id,
        weeks=Decimal("1e28"),
        confidence=None,
        generation=1,
        **meta.event_fields(at),
    )
    initiative.trigger_event(
        Initiative.EffortLogged,
        deliverable_id=deliverable_id,
        weeks=Decimal("1.234"),
        **meta.event_fields(at),
    )
    app.save(initiative)
    deliverable = replayed(app, initiative_id).deliverable(deliverable_id)
    assert deliverable.estimate_weeks == Decimal("1e28")
    assert deliverable.actual_weeks == Decimal("1.234")
