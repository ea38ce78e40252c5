"""Replaying history reproduces every aggregate exactly as its commands decided it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from backend.application import Caller
from backend.domain.deliverable import Estimate
from backend.domain.initiative import Initiative
from backend.domain.objective import CheckIn, Objective
from backend.domain.roadmap import Roadmap
from tests.domain.helpers import (
    ObservedRoadlog,
    a_cycle,
    current,
    every_command,
    initiatives_on,
    replayed,
    with_deliverable,
)


def test_replaying_every_aggregate_reproduces_the_state_its_commands_decided(
    app: ObservedRoadlog, admin: Caller
) -> None:
    for command in every_command(app, admin).values():
        command(admin, datetime.now(UTC))
    kinds = {type(aggregate).__name__ for aggregate in app.decided.values()}
    assert kinds == {
        "Team",
        "Roadmap",
        "Initiative",
        "Objective",
        "Decision",
        "Workspace",
        "StatusUpdate",
    }
    for aggregate_id, decided in app.decided.items():
        assert replayed(app, aggregate_id) == decided, type(decided).__name__
        assert app.repository.get(aggregate_id) == decided, type(decided).__name__


def test_receipts_replay_too(app: ObservedRoadlog, editor: Caller, roadmap_id: UUID) -> None:
    app.propose_initiative(editor, roadmap_id=roadmap_id, title="T", goal="G", idempotency_key="k")
    receipts = [a for a in app.decided.values() if type(a).__name__ == "CommandReceipt"]
    assert len(receipts) == 1
    assert replayed(app, receipts[0].id) == receipts[0]


def test_key_result_check_ins_replay(app: ObservedRoadlog, editor: Caller) -> None:
    objective_id = app.create_objective(editor, title="O", period="2026-Q1", level="COMPANY").id
    kr = app.add_key_result(
        editor, objective_id=objective_id, title="KR", unit="", start_value=0, target_value=10
    ).id
    for value in [1.5, 4.0, 7.25]:
        app.check_in_key_result(
            editor, objective_id=objective_id, key_result_id=kr, value=value, confidence=0.5
        )
    objective = replayed(app, objective_id)
    assert objective == app.decided[objective_id]
    assert isinstance(objective, Objective)
    assert objective.key_result(kr).progress == 0.725


def snapshotted_at_100(app: ObservedRoadlog, aggregate_id: UUID) -> Any:
    """The aggregate loaded from its one snapshot (taken at version 100) and the events
    after it, checked to equal a replay of all its events and the state its commands
    decided."""
    assert app.snapshots is not None
    [snapshot] = app.snapshots.get(aggregate_id)
    assert snapshot.originator_version == 100
    from_snapshot = replayed(app, aggregate_id, snapshots=True)
    assert from_snapshot == replayed(app, aggregate_id) == app.decided[aggregate_id]
    return from_snapshot


def test_a_long_priority_history_is_snapshotted_and_loads_the_same_from_the_snapshot(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    cycle_id = a_cycle(app, editor, roadmap_id, "C1", date(2026, 1, 5), date(2026, 2, 13))
    a_cycle(app, editor, roadmap_id, "C2", date(2026, 2, 16), date(2026, 3, 27))
    with_deliverable(app, editor, roadmap_id, target_cycle_id=cycle_id, estimate_weeks=Decimal(1))
    app.start_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id)
    first, *_ = initiatives_on(app, editor, roadmap_id, 3)
    for n in range(120):
        app.move_initiative(
            editor,
            roadmap_id=roadmap_id,
            initiative_id=first,
            to_position=1 + n % 4,
            reason=f"move {n}",
        )
    version = current(app, Roadmap, roadmap_id).version
    assert version > 100

    from_snapshot = snapshotted_at_100(app, roadmap_id)
    assert isinstance(from_snapshot, Roadmap)
    assert from_snapshot.cycles[0].committed != []


def test_a_long_estimate_history_is_snapshotted_and_loads_the_same_from_the_snapshot(
    app: ObservedRoadlog, admin: Caller, roadmap_id: UUID
) -> None:
    cycle_id = a_cycle(app, admin, roadmap_id, "C1", date(2026, 1, 5), date(2026, 2, 13))
    initiative_id, deliverable_id = with_deliverable(
        app, admin, roadmap_id, target_cycle_id=cycle_id, estimate_weeks=Decimal(1)
    )
    for n in range(110):
        app.estimate_deliverable(
            admin,
            initiative_id=initiative_id,
            deliverable_id=deliverable_id,
            weeks=Decimal(n % 7 + 1),
            confidence=0.5,
        )
    app.change_deliverable_status(
        admin, initiative_id=initiative_id, deliverable_id=deliverable_id, status="DONE"
    )

    from_snapshot = snapshotted_at_100(app, initiative_id)
    assert isinstance(from_snapshot, Initiative)
    deliverable = from_snapshot.deliverable(deliverable_id)
    assert deliverable.first_estimate == Estimate(Decimal(1), None, 1)
    assert deliverable.latest_estimate == Estimate(Decimal(109 % 7 + 1), 0.5, 111)
    assert deliverable.status == "DONE"


def test_a_long_check_in_history_is_snapshotted_and_loads_the_same_from_the_snapshot(
    app: ObservedRoadlog, editor: Caller
) -> None:
    objective_id = app.create_objective(editor, title="O", period="2026-Q1", level="COMPANY").id
    kr = app.add_key_result(
        editor, objective_id=objective_id, title="KR", unit="", start_value=0, target_value=200
    ).id
    for value in range(1, 121):
        app.check_in_key_result(
            editor, objective_id=objective_id, key_result_id=kr, value=value, confidence=None
        )

    from_snapshot = snapshotted_at_100(app, objective_id)
    assert isinstance(from_snapshot, Objective)
    assert from_snapshot.key_result(kr).latest_check_in == CheckIn(120.0, None)
    assert from_snapshot.key_result(kr).progress == 0.6


def test_a_snapshot_taken_before_deliverables_could_be_removed_still_loads(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiative_id, deliverable_id = with_deliverable(app, editor, roadmap_id)
    taken = Initiative.Snapshot.take(current(app, Initiative, initiative_id))
    assert taken.state["class_version"] == 2
    old_state = {
        name: value
        for name, value in taken.state.items()
        if name not in ("class_version", "removed_deliverable_ids")
    }
    old = Initiative.Snapshot(
        originator_id=taken.originator_id,
        originator_version=taken.originator_version,
        timestamp=taken.timestamp,
        topic=taken.topic,
        state=old_state,
    )
    loaded = old.mutate(None)
    assert isinstance(loaded, Initiative)
    assert loaded.removed_deliverable_ids == []
    assert loaded.deliverable(deliverable_id).title == "API"
