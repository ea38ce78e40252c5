"""Concurrent writers: collisions are retried on fresh state; stale expectations conflict."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError

from backend.application import Caller
from backend.commands.core import MAX_ATTEMPTS
from backend.domain.errors import Conflict, Contention
from backend.domain.roadmap import Roadmap
from tests.domain.helpers import (
    ObservedRoadlog,
    a_roadmap,
    current,
    event_count,
    events_after,
    initiatives_on,
    kinds,
    rejected,
)


class InterferedRoadlog(ObservedRoadlog):
    """Runs ``interference`` (another writer's command) just before the next save."""

    def __init__(self) -> None:
        super().__init__()
        self.interference: Callable[[], object] | None = None
        self.saves = 0

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        self.saves += 1
        if self.interference is not None:
            interfere, self.interference = self.interference, None
            interfere()
        return super().save(*objs, **kwargs)


def moves_in_log(app: ObservedRoadlog) -> list[tuple[UUID, int, int]]:
    return [
        (e.initiative_id, e.from_position, e.to_position)
        for e in events_after(app, 0)
        if isinstance(e, Roadmap.InitiativeMoved)
    ]


def test_a_version_collision_is_retried_on_fresh_state_so_both_moves_apply(
    editor: Caller,
) -> None:
    app = InterferedRoadlog()
    roadmap_id = a_roadmap(app, editor)
    first, second, third = initiatives_on(app, editor, roadmap_id, 3)
    app.interference = lambda: app.move_initiative(
        editor, roadmap_id=roadmap_id, initiative_id=first, to_position=3, reason="theirs"
    )

    result = app.move_initiative(
        editor, roadmap_id=roadmap_id, initiative_id=third, to_position=1, reason="mine"
    )

    # Theirs went first ([2, 3, 1]); mine was decided again on that: 3 moves from 2 to 1.
    assert moves_in_log(app) == [(first, 1, 3), (third, 2, 1)]
    assert current(app, Roadmap, roadmap_id).priority == [third, second, first]
    assert result.position == event_count(app)


def test_a_collision_with_an_expected_version_is_a_conflict(editor: Caller) -> None:
    app = InterferedRoadlog()
    roadmap_id = a_roadmap(app, editor)
    first, _, third = initiatives_on(app, editor, roadmap_id, 3)
    version = current(app, Roadmap, roadmap_id).version
    app.interference = lambda: app.move_initiative(
        editor, roadmap_id=roadmap_id, initiative_id=first, to_position=3, reason="theirs"
    )
    before = event_count(app)

    with pytest.raises(Conflict) as info:
        app.move_initiative(
            editor,
            roadmap_id=roadmap_id,
            initiative_id=third,
            to_position=1,
            reason="mine",
            expected_version=version,
        )

    assert info.value.field == "expected_version"
    assert f"is at version {version + 1}" in info.value.message
    # Only the other writer's move is recorded.
    assert moves_in_log(app) == [(first, 1, 3)]
    assert event_count(app) == before + 1


def test_retrying_is_bounded_and_then_the_caller_is_told_to_try_again(editor: Caller) -> None:
    class AlwaysColliding(InterferedRoadlog):
        def save(self, *objs: Any, **kwargs: Any) -> Any:
            self.saves += 1
            raise IntegrityError("someone else saved that version first")

    app = AlwaysColliding()
    error = rejected(app, Contention, None, lambda: app.create_team(editor, name="T"))
    assert error.code == "CONFLICT"
    assert app.saves == MAX_ATTEMPTS


class SlowSaving(ObservedRoadlog):
    """Takes a millisecond to reach the store, like a network hop; counts lost races."""

    def __init__(self) -> None:
        super().__init__()
        self.collisions = 0

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        time.sleep(0.001)
        try:
            return super().save(*objs, **kwargs)
        except IntegrityError:
            self.collisions += 1
            raise


def test_twenty_writers_moving_at_once_all_apply_exactly_once_and_stay_dense() -> None:
    app = SlowSaving()
    editor = Caller(workspace_id=uuid4(), actor="crowd")
    roadmap_id = a_roadmap(app, editor)
    top, *movers = initiatives_on(app, editor, roadmap_id, 21)
    barrier = threading.Barrier(len(movers))
    failures: list[BaseException] = []

    def move(initiative_id: UUID) -> None:
        barrier.wait()
        try:
            app.move_initiative(
                editor,
                roadmap_id=roadmap_id,
                initiative_id=initiative_id,
                to_position=1,
                reason="r",
            )
        except BaseException as error:  # reported below, with the others
            failures.append(error)

    threads = [threading.Thread(target=move, args=(m,)) for m in movers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert app.collisions > 0, "the writers never collided: the test proves nothing"
    moved = [initiative_id for initiative_id, _, to in moves_in_log(app) if to == 1]
    assert sorted(moved) == sorted(movers)
    assert current(app, Roadmap, roadmap_id).priority == [*reversed(moved), top]
    assert kinds(events_after(app, 0)).count("Roadmap.InitiativeMoved") == len(movers)
