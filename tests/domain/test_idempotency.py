"""Idempotency keys: one input per key, and one answer for every run with it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID, uuid4

from backend.application import Caller, Recorded
from backend.domain.base import Meta
from backend.domain.errors import KeyReused
from backend.domain.receipt import CommandReceipt
from tests.domain.helpers import ObservedRoadlog, event_count, initiatives_on, rejected


class LateRoadlog(ObservedRoadlog):
    """A run that looked for the receipt just before a concurrent first run saved it: its
    first look finds nothing, although the first run is already recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.misses = 0

    def _first_result(
        self, caller: Caller, command: str, key: str, request: str
    ) -> Recorded | None:
        if self.misses > 0:
            self.misses -= 1
            return None
        return super()._first_result(caller, command, key, request)


def test_a_key_reused_for_another_move_is_a_conflict_naming_it(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    _, second, third = initiatives_on(app, editor, roadmap_id, 3)
    app.move_initiative(
        editor,
        roadmap_id=roadmap_id,
        initiative_id=third,
        to_position=1,
        reason="r",
        idempotency_key="k1",
    )
    for other in (
        {"initiative_id": second, "to_position": 1, "reason": "r"},
        {"initiative_id": third, "to_position": 2, "reason": "r"},
        {"initiative_id": third, "to_position": 1, "reason": "another reason"},
    ):
        error = rejected(
            app,
            KeyReused,
            "idempotency_key",
            lambda other=other: app.move_initiative(  # type: ignore[misc]
                editor, roadmap_id=roadmap_id, idempotency_key="k1", **other
            ),
        )
        assert error.code == "CONFLICT"
        assert "'k1'" in error.message


def test_a_key_reused_for_another_proposal_is_a_conflict(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    app.propose_initiative(editor, roadmap_id=roadmap_id, title="A", goal="g", idempotency_key="p1")
    rejected(
        app,
        KeyReused,
        "idempotency_key",
        lambda: app.propose_initiative(
            editor, roadmap_id=roadmap_id, title="B", goal="g", idempotency_key="p1"
        ),
    )


def test_a_run_that_finds_its_move_already_made_answers_with_the_first_result(
    editor: Caller,
) -> None:
    app = LateRoadlog()
    roadmap_id = app.create_roadmap(editor, name="R").id
    _, _, third = initiatives_on(app, editor, roadmap_id, 3)
    move = {
        "roadmap_id": roadmap_id,
        "initiative_id": third,
        "to_position": 1,
        "reason": "r",
        "idempotency_key": "k",
    }
    once = app.move_initiative(editor, **move)  # type: ignore[arg-type]
    before = event_count(app)
    app.misses = 1
    late = app.move_initiative(editor, **move)  # type: ignore[arg-type]
    assert late == once
    assert late.position is not None
    assert event_count(app) == before


def test_a_run_refused_because_the_first_already_recorded_answers_with_the_first_result(
    editor: Caller,
) -> None:
    app = LateRoadlog()
    roadmap_id = app.create_roadmap(editor, name="R").id
    # The client's own id: the late run finds it taken (AlreadyExists) by the first run.
    own_id = uuid4()
    once = app.propose_initiative(
        editor, roadmap_id=roadmap_id, title="A", goal="g", id=own_id, idempotency_key="p"
    )
    before = event_count(app)
    app.misses = 1
    late = app.propose_initiative(
        editor, roadmap_id=roadmap_id, title="A", goal="g", id=own_id, idempotency_key="p"
    )
    assert late == once
    assert event_count(app) == before


def test_a_receipt_recorded_before_input_digests_still_answers_its_key(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    _, second = initiatives_on(app, editor, roadmap_id, 2)
    # A receipt as an older roadlog stored it: class version 1, without a digest.
    meta = Meta(workspace_id=editor.workspace_id, actor=editor.actor)
    receipt = CommandReceipt.issue(
        command="move_initiative",
        key="old",
        request="",
        result_id=roadmap_id,
        meta=meta,
        at=datetime.now(UTC),
    )
    [issued] = receipt.collect_events()
    stored = app.mapper.to_stored_event(issued)
    state = app.mapper.transcoder.decode(stored.state)
    del state["request"], state["class_version"]
    app.recorder.insert_events([replace(stored, state=app.mapper.transcoder.encode(state))])
    before = event_count(app)
    again = app.move_initiative(
        editor,
        roadmap_id=roadmap_id,
        initiative_id=second,
        to_position=1,
        reason="r",
        idempotency_key="old",
    )
    assert again == Recorded(roadmap_id, before)
    assert event_count(app) == before
