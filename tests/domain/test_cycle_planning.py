"""Cycles planned from the cadence, changed while planned, and started in order."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest

from backend.application import Caller
from backend.domain.base import Meta
from backend.domain.errors import Invalid, NotFound, ReasonRequired
from backend.domain.fiscal import quarter_of
from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap
from tests.domain.helpers import (
    ObservedRoadlog,
    a_cycle,
    attrs,
    current,
    kinds,
    recorded,
    rejected,
    with_deliverable,
)

ANCHOR = date(2026, 1, 5)


@pytest.fixture
def six_weeks(app: ObservedRoadlog, editor: Caller) -> UUID:
    """A roadmap of 6-week cycles from Monday 2026-01-05."""
    return app.create_roadmap(editor, name="Kitchen", cycle_weeks=6, anchor_date=ANCHOR).id


def plan(
    app: ObservedRoadlog,
    caller: Caller,
    roadmap_id: UUID,
    count: int,
    effective_at: datetime | None = None,
) -> None:
    app.plan_cycles(
        caller,
        roadmap_id=roadmap_id,
        cycle_ids=[uuid4() for _ in range(count)],
        effective_at=effective_at,
    )


def cycles(app: ObservedRoadlog, roadmap_id: UUID) -> list[tuple[str, date, date, str]]:
    found = current(app, Roadmap, roadmap_id).cycles
    return sorted((c.name, c.starts_on, c.ends_on, c.state) for c in found)


def test_planning_fixed_cycles_starts_at_the_anchor_and_names_them_in_order(
    app: ObservedRoadlog, editor: Caller, six_weeks: UUID
) -> None:
    events = recorded(app, lambda: plan(app, editor, six_weeks, 2))
    assert kinds(events) == ["Roadmap.CycleCreated", "Roadmap.CycleCreated"]
    assert cycles(app, six_weeks) == [
        ("Cycle 1", date(2026, 1, 5), date(2026, 2, 15), "PLANNED"),
        ("Cycle 2", date(2026, 2, 16), date(2026, 3, 29), "PLANNED"),
    ]


def test_planning_again_continues_after_the_last_cycle_and_its_numbering(
    app: ObservedRoadlog, editor: Caller, six_weeks: UUID
) -> None:
    plan(app, editor, six_weeks, 1)
    plan(app, editor, six_weeks, 1)
    assert [c[:2] for c in cycles(app, six_weeks)] == [
        ("Cycle 1", date(2026, 1, 5)),
        ("Cycle 2", date(2026, 2, 16)),
    ]


def test_planning_after_a_cycle_off_the_grid_takes_the_next_slot_of_the_grid(
    app: ObservedRoadlog, editor: Caller, six_weeks: UUID
) -> None:
    a_cycle(app, editor, six_weeks, "Cycle 7", date(2026, 1, 12), date(2026, 2, 22))
    plan(app, editor, six_weeks, 1)
    # The grid's slots start on 01-05, 02-16 and 03-30; 02-16 is taken by Cycle 7.
    assert cycles(app, six_weeks)[-1][:3] == ("Cycle 8", date(2026, 3, 30), date(2026, 5, 10))


def test_planning_quarters_follows_the_workspaces_fiscal_calendar_after_the_last_cycle(
    app: ObservedRoadlog, editor: Caller
) -> None:
    app.set_fiscal_year(editor, fiscal_year_start_month=2)
    # The roadmap's own cadence month is not the workspace's: the workspace's counts.
    roadmap_id = app.create_roadmap(editor, name="Company", fiscal_year_start_month=7).id
    a_cycle(app, editor, roadmap_id, "FY2027 Q1", date(2026, 2, 1), date(2026, 4, 30))
    plan(app, editor, roadmap_id, 4)
    assert [c[:3] for c in cycles(app, roadmap_id)] == [
        ("FY2027 Q1", date(2026, 2, 1), date(2026, 4, 30)),
        ("FY2027 Q2", date(2026, 5, 1), date(2026, 7, 31)),
        ("FY2027 Q3", date(2026, 8, 1), date(2026, 10, 31)),
        ("FY2027 Q4", date(2026, 11, 1), date(2027, 1, 31)),
        ("FY2028 Q1", date(2027, 2, 1), date(2027, 4, 30)),
    ]


def test_planning_the_first_quarter_starts_with_the_quarter_of_the_business_time(
    app: ObservedRoadlog, admin: Caller
) -> None:
    may = datetime(2026, 5, 20, tzinfo=UTC)
    roadmap_id = app.create_roadmap(admin, name="Company", effective_at=may).id
    plan(app, admin, roadmap_id, 1, effective_at=may)
    assert cycles(app, roadmap_id) == [
        ("FY2026 Q2", date(2026, 4, 1), date(2026, 6, 30), "PLANNED")
    ]


@pytest.mark.parametrize("count", [0, 27])
def test_planning_counts_outside_1_to_26_are_invalid(
    app: ObservedRoadlog, editor: Caller, six_weeks: UUID, count: int
) -> None:
    error = rejected(app, Invalid, "count", lambda: plan(app, editor, six_weeks, count))
    assert "1..26" in error.message


def test_planning_into_a_cycle_named_alike_records_none_of_the_cycles(
    app: ObservedRoadlog, editor: Caller, six_weeks: UUID
) -> None:
    a_cycle(app, editor, six_weeks, "cycle 2", date(2027, 1, 4), date(2027, 2, 14))
    rejected(app, Invalid, "name", lambda: plan(app, editor, six_weeks, 2))


def test_a_cycle_that_does_not_fit_fixed_cycles_is_invalid_and_names_the_fitting_end(
    app: ObservedRoadlog, editor: Caller, six_weeks: UUID
) -> None:
    error = rejected(
        app,
        Invalid,
        "ends_on",
        lambda: a_cycle(app, editor, six_weeks, "odd", date(2026, 1, 5), date(2026, 1, 20)),
    )
    assert "16 days" in error.message and "6 weeks" in error.message
    assert "2026-02-15" in error.message
    a_cycle(app, editor, six_weeks, "fits", date(2026, 1, 5), date(2026, 2, 15))


def test_a_cycle_on_quarters_is_one_fiscal_quarter_of_the_workspace(
    app: ObservedRoadlog, editor: Caller
) -> None:
    app.set_fiscal_year(editor, fiscal_year_start_month=2)
    roadmap_id = app.create_roadmap(editor, name="Company").id
    error = rejected(
        app,
        Invalid,
        "ends_on",
        lambda: a_cycle(app, editor, roadmap_id, "Q1", date(2026, 2, 1), date(2026, 3, 31)),
    )
    assert "2026-02-01..2026-03-31 is not a fiscal quarter" in error.message
    assert "FY2027 Q1 runs 2026-02-01..2026-04-30" in error.message
    error = rejected(
        app,
        Invalid,
        "starts_on",
        lambda: a_cycle(app, editor, roadmap_id, "Q1", date(2026, 1, 1), date(2026, 3, 31)),
    )
    assert "FY2026 Q4 runs 2025-11-01..2026-01-31" in error.message
    a_cycle(app, editor, roadmap_id, "Q1", date(2026, 2, 1), date(2026, 4, 30))


def test_a_planned_cycle_entered_before_the_rule_can_be_renamed_but_moves_only_to_fit(
    app: ObservedRoadlog, editor: Caller
) -> None:
    """A cycle recorded before quarters were enforced keeps its dates through a rename."""
    roadmap_id = app.create_roadmap(editor, name="Company").id
    cycle_id = uuid4()
    roadmap = current(app, Roadmap, roadmap_id)
    roadmap.trigger_event(
        Roadmap.CycleCreated,
        cycle_id=cycle_id,
        name="odd",
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 2, 13),
        **Meta(editor.workspace_id, editor.actor).event_fields(datetime(2026, 1, 1, tzinfo=UTC)),
    )
    app.save(roadmap)
    app.update_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id, name="Odd one")
    rejected(
        app,
        Invalid,
        "starts_on",
        lambda: app.update_cycle(
            editor, roadmap_id=roadmap_id, cycle_id=cycle_id, ends_on=date(2026, 2, 20)
        ),
    )
    app.update_cycle(
        editor,
        roadmap_id=roadmap_id,
        cycle_id=cycle_id,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 3, 31),
    )


def test_releases_take_cycles_of_any_length_and_have_nothing_to_plan(
    app: ObservedRoadlog, editor: Caller
) -> None:
    roadmap_id = app.create_roadmap(editor, name="Kubernetes", releases=True).id
    assert current(app, Roadmap, roadmap_id).releases
    a_cycle(app, editor, roadmap_id, "v1.33", date(2025, 1, 13), date(2025, 4, 23))
    a_cycle(app, editor, roadmap_id, "v1.34", date(2025, 4, 24), date(2025, 8, 27))
    error = rejected(app, Invalid, "roadmap_id", lambda: plan(app, editor, roadmap_id, 1))
    assert "releases" in error.message
    for cadence in ({"cycle_weeks": 2, "anchor_date": ANCHOR}, {"fiscal_year_start_month": 2}):
        rejected(
            app,
            Invalid,
            "releases",
            lambda cadence=cadence: app.create_roadmap(  # type: ignore[misc]
                editor, name="Mixed", releases=True, **cadence
            ),
        )


def test_a_later_cycle_starts_only_when_every_earlier_one_is_closed(
    app: ObservedRoadlog, editor: Caller, six_weeks: UUID
) -> None:
    plan(app, editor, six_weeks, 2)
    first, second = sorted(current(app, Roadmap, six_weeks).cycles, key=lambda c: c.starts_on)
    error = rejected(
        app,
        Invalid,
        "cycle_id",
        lambda: app.start_cycle(editor, roadmap_id=six_weeks, cycle_id=second.cycle_id),
    )
    assert "'Cycle 1'" in error.message and "PLANNED" in error.message
    app.start_cycle(editor, roadmap_id=six_weeks, cycle_id=first.cycle_id)
    app.close_cycle(editor, roadmap_id=six_weeks, cycle_id=first.cycle_id)
    app.start_cycle(editor, roadmap_id=six_weeks, cycle_id=second.cycle_id)


def test_updating_a_planned_cycle_records_its_name_and_dates_before_and_after(
    app: ObservedRoadlog, editor: Caller, six_weeks: UUID
) -> None:
    cycle_id = a_cycle(app, editor, six_weeks, "C-odd", date(2026, 1, 5), date(2026, 2, 15))
    [event] = recorded(
        app,
        lambda: app.update_cycle(
            editor,
            roadmap_id=six_weeks,
            cycle_id=cycle_id,
            name=" Cycle 1 ",
            starts_on=date(2026, 1, 12),
            ends_on=date(2026, 2, 22),
            reason="mistyped",
        ),
    )
    assert kinds([event]) == ["Roadmap.CycleUpdated"]
    assert attrs(event, "from_name", "from_starts_on", "name", "starts_on", "ends_on") == {
        "from_name": "C-odd",
        "from_starts_on": date(2026, 1, 5),
        "name": "Cycle 1",
        "starts_on": date(2026, 1, 12),
        "ends_on": date(2026, 2, 22),
    }
    assert attrs(event, "reason") == {"reason": "mistyped"}
    assert cycles(app, six_weeks) == [("Cycle 1", date(2026, 1, 12), date(2026, 2, 22), "PLANNED")]


def test_updating_a_cycle_to_what_it_is_records_nothing(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    cycle_id = a_cycle(app, editor, roadmap_id, "C1")
    assert (
        recorded(
            app,
            lambda: app.update_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id, name="C1"),
        )
        == []
    )


def test_updating_a_cycle_keeps_the_rules_of_a_new_one(
    app: ObservedRoadlog, editor: Caller, six_weeks: UUID
) -> None:
    plan(app, editor, six_weeks, 2)
    second = max(current(app, Roadmap, six_weeks).cycles, key=lambda c: c.starts_on)

    def update(
        name: str | None = None, starts_on: date | None = None, ends_on: date | None = None
    ) -> None:
        app.update_cycle(
            editor,
            roadmap_id=six_weeks,
            cycle_id=second.cycle_id,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
        )

    rejected(app, Invalid, "name", lambda: update(name="CYCLE 1"))
    rejected(app, Invalid, "name", lambda: update(name=" "))
    rejected(app, Invalid, "ends_on", lambda: update(ends_on=date(2026, 3, 1)))
    error = rejected(
        app,
        Invalid,
        "starts_on",
        lambda: update(starts_on=date(2026, 2, 9), ends_on=date(2026, 3, 22)),
    )
    assert "'Cycle 1'" in error.message
    # Moving it by a whole cycle is fine.
    update(starts_on=date(2026, 3, 30), ends_on=date(2026, 5, 10))


def test_only_a_planned_cycle_can_be_updated(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    cycle_id = a_cycle(app, editor, roadmap_id)
    app.start_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id)
    error = rejected(
        app,
        Invalid,
        "cycle_id",
        lambda: app.update_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id, name="X"),
    )
    assert "ACTIVE" in error.message and "PLANNED" in error.message


def test_fiscal_quarters_are_named_after_the_year_they_end_in() -> None:
    assert quarter_of(date(2026, 2, 1), 2).name == "FY2027 Q1"
    assert quarter_of(date(2026, 1, 31), 2).name == "FY2026 Q4"
    assert quarter_of(date(2026, 12, 31), 1).name == "FY2026 Q4"
    assert (
        quarter_of(date(2026, 12, 31), 11).starts_on,
        quarter_of(date(2026, 12, 31), 11).ends_on,
    ) == (
        date(2026, 11, 1),
        date(2027, 1, 31),
    )


def test_cancelling_a_planned_cycle_takes_its_deliverables_off_it_without_a_slip(
    app: ObservedRoadlog, editor: Caller, six_weeks: UUID
) -> None:
    stray = a_cycle(app, editor, six_weeks, "C-odd", date(2026, 1, 12), date(2026, 2, 22))
    aimed = with_deliverable(app, editor, six_weeks, title="tacos", target_cycle_id=stray)
    dated = with_deliverable(app, editor, six_weeks, title="dessert", target_date=date(2026, 3, 1))

    events = recorded(
        app,
        lambda: app.cancel_cycle(
            editor, roadmap_id=six_weeks, cycle_id=stray, reason="typed by mistake"
        ),
    )

    assert kinds(events) == ["Roadmap.CycleCancelled", "Initiative.DeliverableUntargeted"]
    assert attrs(events[1], "deliverable_id", "from_cycle_id", "from_due_on", "reason") == {
        "deliverable_id": aimed[1],
        "from_cycle_id": stray,
        "from_due_on": date(2026, 2, 22),
        "reason": "typed by mistake",
    }
    assert current(app, Roadmap, six_weeks).cycle(stray).state == "CANCELLED"
    tacos = current(app, Initiative, aimed[0]).deliverables[0]
    assert (tacos.target_cycle_id, tacos.target_date, tacos.target_due_on) == (None, None, None)
    assert current(app, Initiative, dated[0]).deliverables[0].target_due_on == date(2026, 3, 1)


def test_a_cancelled_cycle_no_longer_blocks_names_dates_planning_or_starting(
    app: ObservedRoadlog, editor: Caller, six_weeks: UUID
) -> None:
    stray = a_cycle(app, editor, six_weeks, "Cycle 1", date(2026, 1, 12), date(2026, 2, 22))
    app.cancel_cycle(editor, roadmap_id=six_weeks, cycle_id=stray, reason="wrong Monday")
    plan(app, editor, six_weeks, 1)
    [real] = [c for c in current(app, Roadmap, six_weeks).cycles if c.state == "PLANNED"]
    assert (real.name, real.starts_on) == ("Cycle 1", ANCHOR)
    app.start_cycle(editor, roadmap_id=six_weeks, cycle_id=real.cycle_id)


def test_an_earlier_cancelled_cycle_does_not_hold_back_a_later_one(
    app: ObservedRoadlog, editor: Caller, six_weeks: UUID
) -> None:
    plan(app, editor, six_weeks, 2)
    first, second = sorted(current(app, Roadmap, six_weeks).cycles, key=lambda c: c.starts_on)
    app.cancel_cycle(editor, roadmap_id=six_weeks, cycle_id=first.cycle_id, reason="holiday")
    app.start_cycle(editor, roadmap_id=six_weeks, cycle_id=second.cycle_id)


def test_cancelling_needs_a_reason_and_a_planned_cycle(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    cycle_id = a_cycle(app, editor, roadmap_id)
    rejected(
        app,
        ReasonRequired,
        "reason",
        lambda: app.cancel_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id, reason=" "),
    )
    app.start_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id)
    error = rejected(
        app,
        Invalid,
        "cycle_id",
        lambda: app.cancel_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id, reason="r"),
    )
    assert "ACTIVE" in error.message
    rejected(
        app,
        NotFound,
        "cycle_id",
        lambda: app.cancel_cycle(editor, roadmap_id=roadmap_id, cycle_id=uuid4(), reason="r"),
    )


def test_nothing_can_be_aimed_at_a_cancelled_cycle(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    cycle_id = a_cycle(app, editor, roadmap_id)
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id)
    app.cancel_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id, reason="r")
    error = rejected(
        app,
        Invalid,
        "target_cycle_id",
        lambda: app.retarget_deliverable(
            editor,
            initiative_id=initiative_id,
            deliverable_id=deliverable_id,
            target_cycle_id=cycle_id,
            reason="r",
        ),
    )
    assert "cancelled" in error.message
    rejected(
        app,
        Invalid,
        "cycle_id",
        lambda: app.update_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id, name="X"),
    )


def test_a_deliverable_aimed_at_a_cycle_is_due_when_the_cycle_ends_after_it_moves(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    cycle_id = a_cycle(app, editor, roadmap_id, "C1", date(2026, 1, 5), date(2026, 2, 13))
    later = a_cycle(app, editor, roadmap_id, "C2", date(2026, 4, 6), date(2026, 5, 15))
    moved, moved_deliverable = with_deliverable(app, editor, roadmap_id, target_cycle_id=cycle_id)
    kept, kept_deliverable = with_deliverable(
        app, editor, roadmap_id, title="Docs", target_cycle_id=cycle_id
    )
    app.update_cycle(
        editor, roadmap_id=roadmap_id, cycle_id=cycle_id, ends_on=date(2026, 3, 27), reason="r"
    )
    # Aimed at a date before the cycle's new end: earlier, so no slip.
    [retargeted] = recorded(
        app,
        lambda: app.retarget_deliverable(
            editor,
            initiative_id=moved,
            deliverable_id=moved_deliverable,
            target_date=date(2026, 3, 1),
            reason="sooner",
        ),
    )
    assert attrs(retargeted, "from_due_on", "to_due_on", "slip") == {
        "from_due_on": date(2026, 3, 27),
        "to_due_on": date(2026, 3, 1),
        "slip": False,
    }
    # Closing the cycle: due on its new end, so not carried over.
    app.start_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id)
    [closed] = recorded(
        app, lambda: app.close_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id)
    )
    [outcome] = [
        o for o in attrs(closed, "outcome")["outcome"] if o["deliverable_id"] == kept_deliverable
    ]
    assert (outcome["due_on"], outcome["carried_over"]) == (date(2026, 3, 27), False)
    # A cancelled cycle untargets from the end it had when it was cancelled.
    app.retarget_deliverable(
        editor,
        initiative_id=kept,
        deliverable_id=kept_deliverable,
        target_cycle_id=later,
        reason="next time",
    )
    app.update_cycle(
        editor, roadmap_id=roadmap_id, cycle_id=later, ends_on=date(2026, 5, 29), reason="r"
    )
    events = recorded(
        app,
        lambda: app.cancel_cycle(editor, roadmap_id=roadmap_id, cycle_id=later, reason="r"),
    )
    assert [attrs(e, "from_due_on") for e in events[1:]] == [{"from_due_on": date(2026, 5, 29)}]
