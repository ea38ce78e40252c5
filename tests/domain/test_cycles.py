"""Cycles: strict dates without overlap; start freezes the scope, close freezes the outcome."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from backend.application import Caller
from backend.domain.errors import AlreadyExists, Invalid, NotFound
from backend.domain.roadmap import Roadmap
from tests.domain.helpers import (
    ObservedRoadlog,
    a_cycle,
    attrs,
    current,
    initiatives_on,
    kinds,
    recorded,
    rejected,
    state_size,
    with_deliverable,
)

JAN = (date(2026, 1, 5), date(2026, 2, 13))
FEB = (date(2026, 2, 16), date(2026, 3, 27))


def create(
    app: ObservedRoadlog, caller: Caller, roadmap_id: UUID, name: str, dates: tuple[date, date]
) -> object:
    return app.create_cycle(
        caller, roadmap_id=roadmap_id, name=name, starts_on=dates[0], ends_on=dates[1]
    )


def test_creating_a_cycle_records_its_name_and_dates_and_it_is_planned(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [event] = recorded(app, lambda: create(app, editor, roadmap_id, " Cycle 1 ", JAN))
    assert kinds([event]) == ["Roadmap.CycleCreated"]
    assert event.originator_id == roadmap_id
    cycle_id = attrs(event, "cycle_id")["cycle_id"]
    assert attrs(event, "name", "starts_on", "ends_on") == {
        "name": "Cycle 1",
        "starts_on": JAN[0],
        "ends_on": JAN[1],
    }
    assert current(app, Roadmap, roadmap_id).cycle(cycle_id).state == "PLANNED"


def test_inverted_cycle_dates_are_invalid_and_a_one_day_cycle_is_fine(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    error = rejected(
        app, Invalid, "ends_on", lambda: create(app, editor, roadmap_id, "C", (JAN[1], JAN[0]))
    )
    assert "inverted" in error.message
    create(app, editor, roadmap_id, "One day", (JAN[0], JAN[0]))


@pytest.mark.parametrize(
    "dates",
    [
        (date(2026, 2, 13), date(2026, 2, 20)),
        (date(2026, 1, 1), date(2026, 1, 5)),
        (date(2026, 1, 10), date(2026, 1, 20)),
        (date(2025, 12, 1), date(2026, 3, 1)),
    ],
)
def test_overlapping_cycles_are_invalid_and_the_message_names_the_other_cycle(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID, dates: tuple[date, date]
) -> None:
    create(app, editor, roadmap_id, "January", JAN)
    error = rejected(
        app, Invalid, "starts_on", lambda: create(app, editor, roadmap_id, "Other", dates)
    )
    assert "'January'" in error.message


def test_adjacent_cycles_and_cycles_of_other_roadmaps_do_not_overlap(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    create(app, editor, roadmap_id, "January", JAN)
    create(app, editor, roadmap_id, "February", (JAN[1].replace(day=14), FEB[1]))
    other = app.create_roadmap(editor, name="Other", releases=True).id
    create(app, editor, other, "January", JAN)


def test_cycle_names_are_non_blank_and_unique_in_the_roadmap(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    create(app, editor, roadmap_id, "January", JAN)
    rejected(app, Invalid, "name", lambda: create(app, editor, roadmap_id, "JANUARY", FEB))
    rejected(app, Invalid, "name", lambda: create(app, editor, roadmap_id, " ", FEB))


def test_a_client_supplied_cycle_id_is_used_once(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    chosen = uuid4()
    result = app.create_cycle(
        editor, roadmap_id=roadmap_id, name="C1", starts_on=JAN[0], ends_on=JAN[1], id=chosen
    )
    assert result.id == chosen
    rejected(
        app,
        AlreadyExists,
        "id",
        lambda: app.create_cycle(
            editor, roadmap_id=roadmap_id, name="C2", starts_on=FEB[0], ends_on=FEB[1], id=chosen
        ),
    )


def start(app: ObservedRoadlog, caller: Caller, roadmap_id: UUID, cycle_id: UUID) -> object:
    return app.start_cycle(caller, roadmap_id=roadmap_id, cycle_id=cycle_id)


def close(app: ObservedRoadlog, caller: Caller, roadmap_id: UUID, cycle_id: UUID) -> object:
    return app.close_cycle(caller, roadmap_id=roadmap_id, cycle_id=cycle_id)


def test_starting_freezes_the_open_deliverables_targeting_the_cycle_in_priority_order(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    cycle = a_cycle(app, editor, roadmap_id, "C1", *JAN)
    later = a_cycle(app, editor, roadmap_id, "C2", *FEB)
    second = with_deliverable(app, editor, roadmap_id, title="b", target_cycle_id=cycle)
    first = with_deliverable(app, editor, roadmap_id, title="a", target_cycle_id=cycle)
    app.move_initiative(
        editor, roadmap_id=roadmap_id, initiative_id=first[0], to_position=1, reason="r"
    )
    with_deliverable(app, editor, roadmap_id, title="later", target_cycle_id=later)
    with_deliverable(app, editor, roadmap_id, title="dated", target_date=JAN[1])
    done = with_deliverable(app, editor, roadmap_id, title="done", target_cycle_id=cycle)
    app.change_deliverable_status(
        editor, initiative_id=done[0], deliverable_id=done[1], status="DONE"
    )
    removed = with_deliverable(app, editor, roadmap_id, title="removed", target_cycle_id=cycle)
    app.remove_initiative(editor, roadmap_id=roadmap_id, initiative_id=removed[0], reason="r")

    [started] = recorded(app, lambda: start(app, editor, roadmap_id, cycle))

    assert kinds([started]) == ["Roadmap.CycleStarted"]
    assert attrs(started, "cycle_id", "committed") == {
        "cycle_id": cycle,
        "committed": [list(first), list(second)],
    }
    assert current(app, Roadmap, roadmap_id).cycle(cycle).state == "ACTIVE"


def test_a_cycle_starts_once_closes_once_and_only_one_is_active(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    first = a_cycle(app, editor, roadmap_id, "C1", *JAN)
    second = a_cycle(app, editor, roadmap_id, "C2", *FEB)
    rejected(app, Invalid, "cycle_id", lambda: close(app, editor, roadmap_id, first))
    start(app, editor, roadmap_id, first)
    rejected(app, Invalid, "cycle_id", lambda: start(app, editor, roadmap_id, first))
    error = rejected(app, Invalid, "cycle_id", lambda: start(app, editor, roadmap_id, second))
    assert "'C1'" in error.message
    [closed] = recorded(app, lambda: close(app, editor, roadmap_id, first))
    assert kinds([closed]) == ["Roadmap.CycleClosed"]
    rejected(app, Invalid, "cycle_id", lambda: close(app, editor, roadmap_id, first))
    rejected(app, Invalid, "cycle_id", lambda: start(app, editor, roadmap_id, first))
    start(app, editor, roadmap_id, second)
    assert [c.state for c in current(app, Roadmap, roadmap_id).cycles] == ["CLOSED", "ACTIVE"]


def test_a_closed_cycle_leaves_nothing_of_its_scope_in_the_roadmap_state(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    """Every command copies its aggregate's state: state that grew with each closed
    cycle's scope would make every command on a long-lived roadmap slower."""
    cycle = a_cycle(app, editor, roadmap_id, "C1", *JAN)
    for n in range(10):
        with_deliverable(app, editor, roadmap_id, title=f"d{n}", target_cycle_id=cycle)

    before = state_size(app, Roadmap, roadmap_id)
    start(app, editor, roadmap_id, cycle)
    assert len(current(app, Roadmap, roadmap_id).cycle(cycle).committed) == 10
    close(app, editor, roadmap_id, cycle)
    # No bigger than before it started ("CLOSED" is a byte shorter than "PLANNED").
    assert state_size(app, Roadmap, roadmap_id) <= before


def test_a_missing_cycle_is_not_found(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    rejected(app, NotFound, "cycle_id", lambda: start(app, editor, roadmap_id, uuid4()))
    rejected(app, NotFound, "cycle_id", lambda: close(app, editor, roadmap_id, uuid4()))


def test_closing_freezes_completed_dropped_carried_over_and_unplanned_work(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    cycle = a_cycle(app, editor, roadmap_id, "C1", *JAN)
    later = a_cycle(app, editor, roadmap_id, "C2", *FEB)
    shipped = with_deliverable(
        app, editor, roadmap_id, title="shipped", target_cycle_id=cycle, estimate_weeks=Decimal(2)
    )
    dropped = with_deliverable(app, editor, roadmap_id, title="dropped", target_cycle_id=cycle)
    slipped = with_deliverable(app, editor, roadmap_id, title="slipped", target_cycle_id=cycle)
    missed = with_deliverable(app, editor, roadmap_id, title="missed", target_cycle_id=cycle)
    start(app, editor, roadmap_id, cycle)
    unplanned = with_deliverable(app, editor, roadmap_id, title="unplanned", target_cycle_id=cycle)
    app.estimate_deliverable(
        editor, initiative_id=shipped[0], deliverable_id=shipped[1], weeks=Decimal(3)
    )
    app.log_effort(editor, initiative_id=shipped[0], deliverable_id=shipped[1], weeks=Decimal(4))
    app.change_deliverable_status(
        editor, initiative_id=shipped[0], deliverable_id=shipped[1], status="DONE"
    )
    app.change_deliverable_status(
        editor, initiative_id=dropped[0], deliverable_id=dropped[1], status="WONT_DO"
    )
    app.retarget_deliverable(
        editor,
        initiative_id=slipped[0],
        deliverable_id=slipped[1],
        target_cycle_id=later,
        reason="blocked by vendor",
    )
    app.remove_initiative(editor, roadmap_id=roadmap_id, initiative_id=missed[0], reason="r")

    [closed] = recorded(app, lambda: close(app, editor, roadmap_id, cycle))

    outcome: dict[UUID, dict[str, Any]] = {
        entry["deliverable_id"]: entry for entry in attrs(closed, "outcome")["outcome"]
    }
    assert set(outcome) == {shipped[1], dropped[1], slipped[1], missed[1], unplanned[1]}
    summary = {
        name: (
            outcome[ids[1]]["committed"],
            outcome[ids[1]]["status"],
            outcome[ids[1]]["carried_over"],
        )
        for name, ids in [
            ("shipped", shipped),
            ("dropped", dropped),
            ("slipped", slipped),
            ("missed", missed),
            ("unplanned", unplanned),
        ]
    }
    assert summary == {
        "shipped": (True, "DONE", False),
        "dropped": (True, "WONT_DO", False),
        "slipped": (True, "PLANNED", True),
        "missed": (True, "PLANNED", False),
        "unplanned": (False, "PLANNED", False),
    }
    entry = outcome[shipped[1]]
    assert {k: v for k, v in entry.items() if k != "completed_at"} == {
        "initiative_id": shipped[0],
        "deliverable_id": shipped[1],
        "title": "shipped",
        "stretch": False,
        "committed": True,
        "status": "DONE",
        "target_cycle_id": cycle,
        "target_date": None,
        "due_on": JAN[1],
        "carried_over": False,
        "first_estimate_weeks": Decimal(2),
        "estimate_weeks": Decimal(3),
        "actual_weeks": Decimal(4),
    }
    assert entry["completed_at"] is not None
    assert outcome[slipped[1]]["target_cycle_id"] == later
    assert outcome[slipped[1]]["due_on"] == FEB[1]


def test_initiatives_on_the_roadmap_without_deliverables_do_not_disturb_a_cycle(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiatives_on(app, editor, roadmap_id, 2)
    cycle = a_cycle(app, editor, roadmap_id)
    [started] = recorded(app, lambda: start(app, editor, roadmap_id, cycle))
    [closed] = recorded(app, lambda: close(app, editor, roadmap_id, cycle))
    assert attrs(started, "committed") == {"committed": []}
    assert attrs(closed, "outcome") == {"outcome": []}
