"""Priority order: placing, moving and removing initiatives; positions 1-based and dense."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from backend.application import Caller, Recorded
from backend.domain.errors import Conflict, Invalid, NotFound, ReasonRequired
from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap
from tests.domain.helpers import (
    ObservedRoadlog,
    a_roadmap,
    attrs,
    current,
    event_count,
    events_after,
    initiatives_on,
    kinds,
    recorded,
    rejected,
)


def order(app: ObservedRoadlog, roadmap_id: UUID) -> list[UUID]:
    return list(current(app, Roadmap, roadmap_id).priority)


def test_proposed_initiatives_are_placed_last_by_default(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first, second = initiatives_on(app, editor, roadmap_id, 2)
    assert order(app, roadmap_id) == [first, second]


def test_an_initiative_can_be_placed_at_a_position_pushing_the_others_down(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first, second = initiatives_on(app, editor, roadmap_id, 2)
    events = recorded(
        app,
        lambda: app.propose_initiative(
            editor, roadmap_id=roadmap_id, title="Urgent", goal="g", position=1
        ),
    )
    placed = events[-1]
    assert kinds([placed]) == ["Roadmap.InitiativePlaced"]
    assert placed.originator_id == roadmap_id
    assert order(app, roadmap_id) == [events[0].originator_id, first, second]
    assert attrs(placed, "initiative_id", "position") == {
        "initiative_id": events[0].originator_id,
        "position": 1,
    }


@pytest.mark.parametrize("position", [0, 4, -1])
def test_placing_beyond_the_end_is_invalid_and_records_nothing(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID, position: int
) -> None:
    initiatives_on(app, editor, roadmap_id, 2)
    rejected(
        app,
        Invalid,
        "position",
        lambda: app.propose_initiative(
            editor, roadmap_id=roadmap_id, title="T", goal="g", position=position
        ),
    )


def test_placing_at_one_past_the_end_is_last(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first, second = initiatives_on(app, editor, roadmap_id, 2)
    third = app.propose_initiative(
        editor, roadmap_id=roadmap_id, title="T", goal="g", position=3
    ).id
    assert order(app, roadmap_id) == [first, second, third]


def test_moving_an_initiative_records_from_and_to_with_reason_and_decision(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first, second, third = initiatives_on(app, editor, roadmap_id, 3)
    decision_id = app.record_decision(
        editor, title="Focus on reliability", context="c", outcome="SLOs first", rationale="r"
    ).id
    before = event_count(app)

    result = app.move_initiative(
        editor,
        roadmap_id=roadmap_id,
        initiative_id=third,
        to_position=1,
        reason="  customer escalation ",
        decision_id=decision_id,
    )

    [moved] = events_after(app, before)
    assert kinds([moved]) == ["Roadmap.InitiativeMoved"]
    assert attrs(
        moved, "initiative_id", "from_position", "to_position", "reason", "decision_id", "actor"
    ) == {
        "initiative_id": third,
        "from_position": 3,
        "to_position": 1,
        "reason": "customer escalation",
        "decision_id": decision_id,
        "actor": "ed@example.com",
    }
    assert result.id == roadmap_id
    assert result.position == event_count(app)
    assert order(app, roadmap_id) == [third, first, second]


def test_moving_down_shifts_the_ones_in_between_up(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first, second, third = initiatives_on(app, editor, roadmap_id, 3)
    app.move_initiative(
        editor, roadmap_id=roadmap_id, initiative_id=first, to_position=3, reason="later"
    )
    assert order(app, roadmap_id) == [second, third, first]


@pytest.mark.parametrize("to_position", [0, 4, 100])
def test_moving_beyond_the_end_is_invalid_and_records_nothing(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID, to_position: int
) -> None:
    first, _, _ = initiatives_on(app, editor, roadmap_id, 3)
    rejected(
        app,
        Invalid,
        "to_position",
        lambda: app.move_initiative(
            editor, roadmap_id=roadmap_id, initiative_id=first, to_position=to_position, reason="r"
        ),
    )


def test_moving_to_the_current_position_records_nothing(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    _, second = initiatives_on(app, editor, roadmap_id, 2)
    before = event_count(app)
    result = app.move_initiative(
        editor, roadmap_id=roadmap_id, initiative_id=second, to_position=2, reason="r"
    )
    assert result.id == roadmap_id
    assert result.position is None
    assert event_count(app) == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_moving_without_a_reason_is_refused(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID, reason: str
) -> None:
    first, _ = initiatives_on(app, editor, roadmap_id, 2)
    error = rejected(
        app,
        ReasonRequired,
        "reason",
        lambda: app.move_initiative(
            editor, roadmap_id=roadmap_id, initiative_id=first, to_position=2, reason=reason
        ),
    )
    assert error.code == "REASON_REQUIRED"


def test_moving_with_a_stale_expected_version_is_a_conflict_naming_the_current_version(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first, _ = initiatives_on(app, editor, roadmap_id, 2)
    version = current(app, Roadmap, roadmap_id).version
    error = rejected(
        app,
        Conflict,
        "expected_version",
        lambda: app.move_initiative(
            editor,
            roadmap_id=roadmap_id,
            initiative_id=first,
            to_position=2,
            reason="r",
            expected_version=version - 1,
        ),
    )
    assert f"version {version}" in error.message


def test_moving_with_the_current_expected_version_is_applied(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first, second = initiatives_on(app, editor, roadmap_id, 2)
    version = current(app, Roadmap, roadmap_id).version
    app.move_initiative(
        editor,
        roadmap_id=roadmap_id,
        initiative_id=first,
        to_position=2,
        reason="r",
        expected_version=version,
    )
    assert order(app, roadmap_id) == [second, first]


def test_moving_with_a_missing_decision_is_not_found(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first, _ = initiatives_on(app, editor, roadmap_id, 2)
    rejected(
        app,
        NotFound,
        "decision_id",
        lambda: app.move_initiative(
            editor,
            roadmap_id=roadmap_id,
            initiative_id=first,
            to_position=2,
            reason="r",
            decision_id=uuid4(),
        ),
    )


def test_moving_a_missing_initiative_is_not_found(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiatives_on(app, editor, roadmap_id, 2)
    rejected(
        app,
        NotFound,
        "initiative_id",
        lambda: app.move_initiative(
            editor, roadmap_id=roadmap_id, initiative_id=uuid4(), to_position=1, reason="r"
        ),
    )


def test_moving_an_initiative_of_another_roadmap_is_invalid(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiatives_on(app, editor, roadmap_id, 2)
    other_roadmap = a_roadmap(app, editor, "Other")
    [elsewhere] = initiatives_on(app, editor, other_roadmap, 1)
    rejected(
        app,
        Invalid,
        "initiative_id",
        lambda: app.move_initiative(
            editor, roadmap_id=roadmap_id, initiative_id=elsewhere, to_position=1, reason="r"
        ),
    )


def test_a_move_repeated_with_its_idempotency_key_returns_the_first_result_and_records_nothing(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first, second, third = initiatives_on(app, editor, roadmap_id, 3)
    once = app.move_initiative(
        editor,
        roadmap_id=roadmap_id,
        initiative_id=third,
        to_position=1,
        reason="r",
        idempotency_key="move-1",
    )
    app.move_initiative(
        editor, roadmap_id=roadmap_id, initiative_id=first, to_position=1, reason="r"
    )
    before = event_count(app)

    again = app.move_initiative(
        editor,
        roadmap_id=roadmap_id,
        initiative_id=third,
        to_position=1,
        reason="r",
        idempotency_key="move-1",
    )

    assert again == once
    assert event_count(app) == before
    assert order(app, roadmap_id) == [first, third, second]


def test_the_same_idempotency_key_in_another_workspace_is_another_request(
    app: ObservedRoadlog, editor: Caller, outsider: Caller, roadmap_id: UUID
) -> None:
    mine = initiatives_on(app, editor, roadmap_id, 2)
    theirs_roadmap = a_roadmap(app, outsider)
    theirs = initiatives_on(app, outsider, theirs_roadmap, 2)
    app.move_initiative(
        editor,
        roadmap_id=roadmap_id,
        initiative_id=mine[1],
        to_position=1,
        reason="r",
        idempotency_key="k",
    )
    result = app.move_initiative(
        outsider,
        roadmap_id=theirs_roadmap,
        initiative_id=theirs[1],
        to_position=1,
        reason="r",
        idempotency_key="k",
    )
    assert result.id == theirs_roadmap
    assert order(app, theirs_roadmap) == [theirs[1], theirs[0]]


def test_a_blank_idempotency_key_is_invalid(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first, _ = initiatives_on(app, editor, roadmap_id, 2)
    rejected(
        app,
        Invalid,
        "idempotency_key",
        lambda: app.move_initiative(
            editor,
            roadmap_id=roadmap_id,
            initiative_id=first,
            to_position=2,
            reason="r",
            idempotency_key=" ",
        ),
    )


def test_removing_an_initiative_records_it_on_the_roadmap_and_the_initiative(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first, second, third = initiatives_on(app, editor, roadmap_id, 3)
    before = event_count(app)

    result = app.remove_initiative(
        editor, roadmap_id=roadmap_id, initiative_id=second, reason="cancelled"
    )

    removed, left = events_after(app, before)
    assert kinds([removed, left]) == ["Roadmap.InitiativeRemoved", "Initiative.RemovedFromRoadmap"]
    assert attrs(removed, "initiative_id", "from_position", "reason") == {
        "initiative_id": second,
        "from_position": 2,
        "reason": "cancelled",
    }
    assert attrs(left, "originator_id", "roadmap_id", "reason") == {
        "originator_id": second,
        "roadmap_id": roadmap_id,
        "reason": "cancelled",
    }
    assert attrs(removed, "effective_at") == attrs(left, "effective_at")
    assert result == Recorded(roadmap_id, event_count(app))
    assert order(app, roadmap_id) == [first, third]
    assert current(app, Initiative, second).on_roadmap is False


def test_removing_without_a_reason_is_refused(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first, _ = initiatives_on(app, editor, roadmap_id, 2)
    rejected(
        app,
        ReasonRequired,
        "reason",
        lambda: app.remove_initiative(
            editor, roadmap_id=roadmap_id, initiative_id=first, reason=""
        ),
    )


def test_removing_twice_is_invalid(app: ObservedRoadlog, editor: Caller, roadmap_id: UUID) -> None:
    first, _ = initiatives_on(app, editor, roadmap_id, 2)
    app.remove_initiative(editor, roadmap_id=roadmap_id, initiative_id=first, reason="r")
    rejected(
        app,
        Invalid,
        "initiative_id",
        lambda: app.remove_initiative(
            editor, roadmap_id=roadmap_id, initiative_id=first, reason="r"
        ),
    )


def test_a_removed_initiative_can_no_longer_be_moved(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first, _ = initiatives_on(app, editor, roadmap_id, 2)
    app.remove_initiative(editor, roadmap_id=roadmap_id, initiative_id=first, reason="r")
    rejected(
        app,
        Invalid,
        "initiative_id",
        lambda: app.move_initiative(
            editor, roadmap_id=roadmap_id, initiative_id=first, to_position=1, reason="r"
        ),
    )
