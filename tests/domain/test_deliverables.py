"""Deliverables: adding, status, estimate generations, targets and slips, effort."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial
from uuid import UUID, uuid4

import pytest

from backend.application import Caller
from backend.domain.deliverable import Deliverable, Estimate, NewDeliverable
from backend.domain.errors import AlreadyExists, Conflict, Invalid, NotFound, ReasonRequired
from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap
from tests.domain.helpers import (
    ObservedRoadlog,
    a_cycle,
    a_roadmap,
    attrs,
    current,
    initiatives_on,
    kinds,
    recorded,
    rejected,
    state_size_after,
    with_deliverable,
)


def deliverable_of(app: ObservedRoadlog, initiative_id: UUID, deliverable_id: UUID) -> Deliverable:
    return current(app, Initiative, initiative_id).deliverable(deliverable_id)


def test_adding_a_deliverable_with_an_estimate_and_a_first_target_needs_no_extra_reason(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    cycle_id = a_cycle(app, editor, roadmap_id)
    chosen = uuid4()
    events = recorded(
        app,
        lambda: app.add_deliverable(
            editor,
            initiative_id=initiative_id,
            deliverable=NewDeliverable(
                " Dashboards ", estimate_weeks=Decimal(2), target_cycle_id=cycle_id, id=chosen
            ),
        ),
    )
    assert kinds(events) == [
        "Initiative.DeliverableAdded",
        "Initiative.DeliverableEstimated",
        "Initiative.DeliverableRetargeted",
    ]
    assert attrs(events[0], "deliverable_id", "title", "stretch", "reason") == {
        "deliverable_id": chosen,
        "title": "Dashboards",
        "stretch": False,
        "reason": "",
    }
    assert attrs(events[2], "to_cycle_id", "slip") == {"to_cycle_id": cycle_id, "slip": False}


def test_adding_returns_the_deliverable_id_and_a_taken_id_is_a_conflict(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    chosen = uuid4()
    result = app.add_deliverable(
        editor, initiative_id=initiative_id, deliverable=NewDeliverable("a", id=chosen)
    )
    assert result.id == chosen
    rejected(
        app,
        AlreadyExists,
        "deliverable.id",
        lambda: app.add_deliverable(
            editor, initiative_id=initiative_id, deliverable=NewDeliverable("b", id=chosen)
        ),
    )


def test_adding_a_deliverable_with_a_blank_title_or_foreign_cycle_is_refused(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    elsewhere = a_cycle(app, editor, a_roadmap(app, editor, "Other"))
    rejected(
        app,
        Invalid,
        "deliverable.title",
        lambda: app.add_deliverable(
            editor, initiative_id=initiative_id, deliverable=NewDeliverable("")
        ),
    )
    rejected(
        app,
        NotFound,
        "deliverable.target_cycle_id",
        lambda: app.add_deliverable(
            editor,
            initiative_id=initiative_id,
            deliverable=NewDeliverable("x", target_cycle_id=elsewhere),
        ),
    )


def test_status_moves_freely_among_the_open_statuses(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id)
    previous = "PLANNED"
    for status in ["AT_RISK", "IN_PROGRESS", "POSSIBLE_DELAY", "PLANNED", "IN_PROGRESS"]:
        [changed] = recorded(
            app,
            partial(
                app.change_deliverable_status,
                editor,
                initiative_id=initiative_id,
                deliverable_id=deliverable_id,
                status=status,
            ),
        )
        assert kinds([changed]) == ["Initiative.DeliverableStatusChanged"]
        assert attrs(changed, "deliverable_id", "from_status", "to_status", "completed_at") == {
            "deliverable_id": deliverable_id,
            "from_status": previous,
            "to_status": status,
            "completed_at": None,
        }
        previous = status


def test_done_sets_completed_at_to_the_business_time_and_reopening_clears_it(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id)
    [done] = recorded(
        app,
        lambda: app.change_deliverable_status(
            editor, initiative_id=initiative_id, deliverable_id=deliverable_id, status="DONE"
        ),
    )
    assert isinstance(done, Initiative.DeliverableStatusChanged)
    assert done.completed_at == done.effective_at
    assert deliverable_of(app, initiative_id, deliverable_id).completed_at == done.effective_at
    [reopened] = recorded(
        app,
        lambda: app.change_deliverable_status(
            editor,
            initiative_id=initiative_id,
            deliverable_id=deliverable_id,
            status="IN_PROGRESS",
            reason="bug found in production",
        ),
    )
    assert attrs(reopened, "from_status", "to_status", "completed_at", "reason") == {
        "from_status": "DONE",
        "to_status": "IN_PROGRESS",
        "completed_at": None,
        "reason": "bug found in production",
    }
    assert deliverable_of(app, initiative_id, deliverable_id).completed_at is None


@pytest.mark.parametrize("finished", ["DONE", "WONT_DO"])
def test_reopening_without_a_reason_is_refused(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID, finished: str
) -> None:
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id)
    app.change_deliverable_status(
        editor, initiative_id=initiative_id, deliverable_id=deliverable_id, status=finished
    )
    rejected(
        app,
        ReasonRequired,
        "reason",
        lambda: app.change_deliverable_status(
            editor, initiative_id=initiative_id, deliverable_id=deliverable_id, status="PLANNED"
        ),
    )


def test_the_same_status_records_nothing_and_an_unknown_one_is_invalid(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id)
    result = app.change_deliverable_status(
        editor, initiative_id=initiative_id, deliverable_id=deliverable_id, status="PLANNED"
    )
    assert (result.id, result.position) == (deliverable_id, None)
    rejected(
        app,
        Invalid,
        "status",
        lambda: app.change_deliverable_status(
            editor, initiative_id=initiative_id, deliverable_id=deliverable_id, status="SHIPPED"
        ),
    )


def test_a_status_change_with_a_stale_expected_version_is_a_conflict(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id)
    version = current(app, Initiative, initiative_id).version
    app.change_deliverable_status(
        editor,
        initiative_id=initiative_id,
        deliverable_id=deliverable_id,
        status="IN_PROGRESS",
        expected_version=version,
    )
    rejected(
        app,
        Conflict,
        "expected_version",
        lambda: app.change_deliverable_status(
            editor,
            initiative_id=initiative_id,
            deliverable_id=deliverable_id,
            status="AT_RISK",
            expected_version=version,
        ),
    )


def test_a_missing_deliverable_is_not_found(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiative_id, _ = with_deliverable(app, editor, roadmap_id)
    rejected(
        app,
        NotFound,
        "deliverable_id",
        lambda: app.change_deliverable_status(
            editor, initiative_id=initiative_id, deliverable_id=uuid4(), status="DONE"
        ),
    )


def test_re_estimating_appends_generations(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiative_id, deliverable_id = with_deliverable(
        app, editor, roadmap_id, estimate_weeks=Decimal(2)
    )
    [estimated] = recorded(
        app,
        lambda: app.estimate_deliverable(
            editor,
            initiative_id=initiative_id,
            deliverable_id=deliverable_id,
            weeks=Decimal("4.5"),
            confidence=0.6,
            reason="auth is harder",
        ),
    )
    assert kinds([estimated]) == ["Initiative.DeliverableEstimated"]
    assert attrs(estimated, "weeks", "confidence", "generation", "reason") == {
        "weeks": Decimal("4.5"),
        "confidence": 0.6,
        "generation": 2,
        "reason": "auth is harder",
    }
    deliverable = deliverable_of(app, initiative_id, deliverable_id)
    assert deliverable.generations == 2
    assert deliverable.latest_estimate == Estimate(Decimal("4.5"), 0.6, 2)
    assert deliverable.first_estimate_weeks == Decimal(2)
    assert deliverable.estimate_weeks == Decimal("4.5")


def test_re_estimating_does_not_grow_the_initiative_state(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    """Every command copies its aggregate's state: state that grew with each re-estimate
    would make every command on a long-lived initiative slower."""
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id)
    estimate = partial(
        app.estimate_deliverable,
        editor,
        initiative_id=initiative_id,
        deliverable_id=deliverable_id,
        weeks=Decimal(3),
        confidence=0.5,
    )

    after_2 = state_size_after(app, Initiative, initiative_id, estimate, 2)
    assert after_2 == state_size_after(app, Initiative, initiative_id, estimate, 100)
    assert deliverable_of(app, initiative_id, deliverable_id).generations == 102


@pytest.mark.parametrize(
    ("weeks", "confidence", "field"),
    [
        (Decimal(0), None, "weeks"),
        (Decimal(-1), None, "weeks"),
        (Decimal("NaN"), None, "weeks"),
        (Decimal("Infinity"), None, "weeks"),
        (Decimal(1), 1.5, "confidence"),
        (Decimal(1), -0.1, "confidence"),
        (Decimal(1), float("nan"), "confidence"),
    ],
)
def test_weeks_must_be_positive_and_confidence_within_zero_and_one(
    app: ObservedRoadlog,
    editor: Caller,
    roadmap_id: UUID,
    weeks: Decimal,
    confidence: float | None,
    field: str,
) -> None:
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id)
    rejected(
        app,
        Invalid,
        field,
        lambda: app.estimate_deliverable(
            editor,
            initiative_id=initiative_id,
            deliverable_id=deliverable_id,
            weeks=weeks,
            confidence=confidence,
        ),
    )


def retarget(
    app: ObservedRoadlog,
    caller: Caller,
    ids: tuple[UUID, UUID],
    *,
    cycle: UUID | None = None,
    on: date | None = None,
    reason: str = "re-planned",
    decision_id: UUID | None = None,
) -> object:
    return app.retarget_deliverable(
        caller,
        initiative_id=ids[0],
        deliverable_id=ids[1],
        target_cycle_id=cycle,
        target_date=on,
        reason=reason,
        decision_id=decision_id,
    )


def test_a_first_target_is_not_a_slip_a_later_one_is_and_an_earlier_one_is_not(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    ids = with_deliverable(app, editor, roadmap_id)
    first = a_cycle(app, editor, roadmap_id, "C1", date(2026, 1, 5), date(2026, 2, 13))
    second = a_cycle(app, editor, roadmap_id, "C2", date(2026, 2, 16), date(2026, 3, 27))

    [targeted] = recorded(app, lambda: retarget(app, editor, ids, cycle=first))
    [slipped] = recorded(app, lambda: retarget(app, editor, ids, cycle=second, reason="blocked"))
    [pulled_in] = recorded(app, lambda: retarget(app, editor, ids, on=date(2026, 3, 1)))

    assert kinds([targeted]) == ["Initiative.DeliverableRetargeted"]
    assert attrs(targeted, "from_cycle_id", "from_date", "from_due_on", "to_cycle_id", "slip") == {
        "from_cycle_id": None,
        "from_date": None,
        "from_due_on": None,
        "to_cycle_id": first,
        "slip": False,
    }
    assert attrs(
        slipped, "from_cycle_id", "from_due_on", "to_cycle_id", "to_due_on", "slip", "reason"
    ) == {
        "from_cycle_id": first,
        "from_due_on": date(2026, 2, 13),
        "to_cycle_id": second,
        "to_due_on": date(2026, 3, 27),
        "slip": True,
        "reason": "blocked",
    }
    assert attrs(pulled_in, "from_cycle_id", "to_cycle_id", "to_date", "to_due_on", "slip") == {
        "from_cycle_id": second,
        "to_cycle_id": None,
        "to_date": date(2026, 3, 1),
        "to_due_on": date(2026, 3, 1),
        "slip": False,
    }


def test_retargeting_to_the_same_target_records_nothing(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    ids = with_deliverable(app, editor, roadmap_id, target_date=date(2026, 5, 1))
    assert recorded(app, lambda: retarget(app, editor, ids, on=date(2026, 5, 1))) == []


def test_retargeting_carries_the_decision_behind_it(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    ids = with_deliverable(app, editor, roadmap_id)
    decision_id = app.record_decision(
        editor, title="Delay launch", context="c", outcome="May", rationale="r"
    ).id
    [event] = recorded(
        app, lambda: retarget(app, editor, ids, on=date(2026, 5, 1), decision_id=decision_id)
    )
    assert attrs(event, "decision_id") == {"decision_id": decision_id}


def test_retargeting_without_a_reason_is_refused(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    ids = with_deliverable(app, editor, roadmap_id)
    rejected(
        app,
        ReasonRequired,
        "reason",
        lambda: retarget(app, editor, ids, on=date(2026, 5, 1), reason=" "),
    )


def test_a_target_is_exactly_one_of_a_cycle_of_the_roadmap_or_a_date(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    ids = with_deliverable(app, editor, roadmap_id)
    cycle = a_cycle(app, editor, roadmap_id)
    elsewhere = a_cycle(app, editor, a_roadmap(app, editor, "Other"))
    rejected(app, Invalid, "target_date", lambda: retarget(app, editor, ids))
    rejected(
        app,
        Invalid,
        "target_date",
        lambda: retarget(app, editor, ids, cycle=cycle, on=date(2026, 5, 1)),
    )
    rejected(app, NotFound, "target_cycle_id", lambda: retarget(app, editor, ids, cycle=elsewhere))


def test_logged_effort_adds_up_to_the_actual_weeks(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id)
    for weeks in ["1.5", "2"]:
        [logged] = recorded(
            app,
            partial(
                app.log_effort,
                editor,
                initiative_id=initiative_id,
                deliverable_id=deliverable_id,
                weeks=Decimal(weeks),
                note="sprint work",
            ),
        )
        assert kinds([logged]) == ["Initiative.EffortLogged"]
        assert attrs(logged, "deliverable_id", "weeks", "reason") == {
            "deliverable_id": deliverable_id,
            "weeks": Decimal(weeks),
            "reason": "sprint work",
        }
    deliverable = deliverable_of(app, initiative_id, deliverable_id)
    assert deliverable.actual_weeks == Decimal("3.5")
    rejected(
        app,
        Invalid,
        "weeks",
        lambda: app.log_effort(
            editor, initiative_id=initiative_id, deliverable_id=deliverable_id, weeks=Decimal(0)
        ),
    )


@pytest.mark.parametrize("status", ["IN_PROGRESS", "DONE", "WONT_DO"])
def test_a_deliverable_can_be_added_with_its_first_status(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID, status: str
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    events = recorded(
        app,
        lambda: app.add_deliverable(
            editor,
            initiative_id=initiative_id,
            deliverable=NewDeliverable("Tacos", status=status),
        ),
    )
    assert kinds(events) == ["Initiative.DeliverableAdded", "Initiative.DeliverableStatusChanged"]
    added, changed = events
    assert isinstance(added, Initiative.DeliverableAdded)
    assert isinstance(changed, Initiative.DeliverableStatusChanged)
    assert attrs(changed, "from_status", "to_status", "completed_at") == {
        "from_status": "PLANNED",
        "to_status": status,
        "completed_at": added.effective_at if status == "DONE" else None,
    }
    assert changed.effective_at == added.effective_at
    deliverable = deliverable_of(app, initiative_id, added.deliverable_id)
    assert deliverable.status == status


def test_a_deliverable_proposed_with_its_initiative_takes_its_first_status_too(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    events = recorded(
        app,
        lambda: app.propose_initiative(
            editor,
            roadmap_id=roadmap_id,
            title="Make tacos",
            goal="dinner",
            deliverables=[NewDeliverable("Shells", status="DONE"), NewDeliverable("Salsa")],
        ),
    )
    assert kinds(events) == [
        "Initiative.Proposed",
        "Initiative.DeliverableAdded",
        "Initiative.DeliverableStatusChanged",
        "Initiative.DeliverableAdded",
        "Roadmap.InitiativePlaced",
    ]


def test_a_planned_first_status_records_no_status_change_and_an_unknown_one_is_invalid(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    [initiative_id] = initiatives_on(app, editor, roadmap_id, 1)
    events = recorded(
        app,
        lambda: app.add_deliverable(
            editor, initiative_id=initiative_id, deliverable=NewDeliverable("a", status="PLANNED")
        ),
    )
    assert kinds(events) == ["Initiative.DeliverableAdded"]
    rejected(
        app,
        Invalid,
        "deliverable.status",
        lambda: app.add_deliverable(
            editor, initiative_id=initiative_id, deliverable=NewDeliverable("b", status="SHIPPED")
        ),
    )
    rejected(
        app,
        Invalid,
        "deliverables.0.status",
        lambda: app.propose_initiative(
            editor,
            roadmap_id=roadmap_id,
            title="t",
            goal="g",
            deliverables=[NewDeliverable("b", status="SHIPPED")],
        ),
    )


def test_updating_a_deliverable_records_only_what_changes(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id, title="Tcos")
    update = partial(
        app.update_deliverable, editor, initiative_id=initiative_id, deliverable_id=deliverable_id
    )
    [renamed] = recorded(app, lambda: update(title=" Tacos ", stretch=False, reason="typo"))
    assert kinds([renamed]) == ["Initiative.DeliverableUpdated"]
    assert attrs(renamed, "deliverable_id", "changes", "reason") == {
        "deliverable_id": deliverable_id,
        "changes": {"title": ["Tcos", "Tacos"]},
        "reason": "typo",
    }
    [stretched] = recorded(app, lambda: update(stretch=True))
    assert attrs(stretched, "changes") == {"changes": {"stretch": [False, True]}}
    deliverable = deliverable_of(app, initiative_id, deliverable_id)
    assert (deliverable.title, deliverable.stretch) == ("Tacos", True)
    result = update(title="Tacos", stretch=True)
    assert (result.id, result.position) == (deliverable_id, None)


def test_updating_a_deliverable_refuses_a_blank_title_a_stale_version_and_a_missing_one(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id)
    version = current(app, Initiative, initiative_id).version
    update = partial(app.update_deliverable, editor, initiative_id=initiative_id)
    rejected(app, Invalid, "title", lambda: update(deliverable_id=deliverable_id, title=" "))
    rejected(
        app,
        Conflict,
        "expected_version",
        lambda: update(deliverable_id=deliverable_id, title="x", expected_version=version - 1),
    )
    rejected(app, NotFound, "deliverable_id", lambda: update(deliverable_id=uuid4(), title="x"))
    update(deliverable_id=deliverable_id, title="x", expected_version=version)
    assert current(app, Initiative, initiative_id).version == version + 1


def test_removing_a_deliverable_needs_a_reason_and_then_no_command_reaches_it(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id)
    remove = partial(
        app.remove_deliverable, editor, initiative_id=initiative_id, deliverable_id=deliverable_id
    )
    rejected(app, ReasonRequired, "reason", lambda: remove(reason=" "))
    [removed] = recorded(app, lambda: remove(reason="a duplicate row"))
    assert kinds([removed]) == ["Initiative.DeliverableRemoved"]
    assert attrs(removed, "deliverable_id", "reason") == {
        "deliverable_id": deliverable_id,
        "reason": "a duplicate row",
    }
    assert current(app, Initiative, initiative_id).deliverables == []
    rejected(app, NotFound, "deliverable_id", lambda: remove(reason="again"))
    rejected(
        app,
        NotFound,
        "deliverable_id",
        lambda: app.change_deliverable_status(
            editor, initiative_id=initiative_id, deliverable_id=deliverable_id, status="DONE"
        ),
    )
    rejected(
        app,
        AlreadyExists,
        "deliverable.id",
        lambda: app.add_deliverable(
            editor, initiative_id=initiative_id, deliverable=NewDeliverable("a", id=deliverable_id)
        ),
    )


def test_removing_a_deliverable_may_name_the_decision_behind_it(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id)
    decision_id = app.record_decision(
        editor, title="Cut scope", context="c", outcome="o", rationale="r"
    ).id
    remove = partial(
        app.remove_deliverable,
        editor,
        initiative_id=initiative_id,
        deliverable_id=deliverable_id,
        reason="cut",
    )
    rejected(app, NotFound, "decision_id", lambda: remove(decision_id=uuid4()))
    [removed] = recorded(app, lambda: remove(decision_id=decision_id))
    assert attrs(removed, "decision_id") == {"decision_id": decision_id}


def test_a_deliverable_removed_during_a_cycle_is_not_in_its_outcome(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    cycle_id = a_cycle(app, editor, roadmap_id)
    initiative_id, kept = with_deliverable(app, editor, roadmap_id, target_cycle_id=cycle_id)
    app.add_deliverable(
        editor,
        initiative_id=initiative_id,
        deliverable=NewDeliverable("Duplicate", target_cycle_id=cycle_id),
    )
    duplicate = current(app, Initiative, initiative_id).deliverables[1].deliverable_id
    app.start_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id)
    app.remove_deliverable(
        editor, initiative_id=initiative_id, deliverable_id=duplicate, reason="a duplicate"
    )
    [closed] = recorded(
        app, lambda: app.close_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id)
    )
    assert isinstance(closed, Roadmap.CycleClosed)
    assert [item["deliverable_id"] for item in closed.outcome] == [kept]
