"""A command works on a copy of the cached aggregate: a copy that shares nothing mutable.

The repository deep-copies a cached aggregate for every command, so that a command that
fails half-way leaves the cache as it was. Entities and values in aggregate state make
that copy cheap by sharing their immutable values (``Entity``, ``Value``); these tests
hold them to it.
"""

from __future__ import annotations

import copy
import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import pytest

from backend.application import Caller  # imports every aggregate's module
from backend.domain.base import Entity, Meta, Value
from backend.domain.initiative import Initiative
from backend.domain.objective import Objective
from backend.domain.roadmap import Roadmap
from tests.domain.helpers import (
    ObservedRoadlog,
    a_cycle,
    a_key_result,
    current,
    initiatives_on,
    with_deliverable,
)

IMMUTABLE = {"UUID", "str", "bool", "int", "float", "Decimal", "date", "datetime", "None"}


def test_entities_and_values_hold_only_immutable_values() -> None:
    values = {cls.__name__ for cls in Value.__subclasses__()}
    for cls in [*Entity.__subclasses__(), *Value.__subclasses__()]:
        assert dataclasses.is_dataclass(cls), cls
        fields = dataclasses.fields(cls)
        for field in fields:
            kinds = {kind.strip() for kind in str(field.type).split("|")}
            assert kinds <= IMMUTABLE | values, f"{cls.__name__}.{field.name}: {field.type}"
        if issubclass(cls, Value):
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(object.__new__(cls), fields[0].name, None)


def test_a_copied_roadmap_shares_only_its_immutable_values(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    cycle_id = a_cycle(app, editor, roadmap_id, "C1", date(2026, 1, 5), date(2026, 2, 13))
    first, second, third = initiatives_on(app, editor, roadmap_id, 3)
    with_deliverable(app, editor, roadmap_id, target_cycle_id=cycle_id)
    app.start_cycle(editor, roadmap_id=roadmap_id, cycle_id=cycle_id)
    cached = current(app, Roadmap, roadmap_id)
    fourth = cached.priority[3]

    copied = copy.deepcopy(cached)

    assert copied == cached
    assert copied.priority is not cached.priority
    assert all(a is b for a, b in zip(copied.priority, cached.priority, strict=True))
    copied.move(first, 3, Meta(editor.workspace_id, editor.actor, "r"), datetime.now(UTC))
    copied.cycles[0].name = "changed"
    copied.cycles[0].committed[0].clear()
    copied.cycles[0].committed.append([first, first])
    assert copied.priority == [second, third, first, fourth]
    assert cached.priority == [first, second, third, fourth]
    assert cached.cycles[0].name == "C1"
    assert len(cached.cycles[0].committed) == 1
    assert all(len(pair) == 2 for pair in cached.cycles[0].committed)
    assert current(app, Roadmap, roadmap_id) == cached


def test_a_copied_initiative_shares_only_its_immutable_values(
    app: ObservedRoadlog, editor: Caller, roadmap_id: UUID
) -> None:
    initiative_id, deliverable_id = with_deliverable(
        app, editor, roadmap_id, estimate_weeks=Decimal(2)
    )
    cached = current(app, Initiative, initiative_id)

    copied = copy.deepcopy(cached)

    assert copied == cached
    original, twin = cached.deliverable(deliverable_id), copied.deliverable(deliverable_id)
    assert twin is not original
    assert twin.latest_estimate is original.latest_estimate
    twin.status = "DONE"
    copied.deliverables.clear()
    assert original.status == "PLANNED"
    assert cached.deliverable(deliverable_id) is original
    assert current(app, Initiative, initiative_id) == cached


def test_a_copied_objective_shares_only_its_immutable_values(
    app: ObservedRoadlog, editor: Caller
) -> None:
    objective_id, key_result_id = a_key_result(app, editor)
    app.check_in_key_result(
        editor, objective_id=objective_id, key_result_id=key_result_id, value=4, confidence=None
    )
    cached = current(app, Objective, objective_id)

    copied = copy.deepcopy(cached)

    assert copied == cached
    original, twin = cached.key_result(key_result_id), copied.key_result(key_result_id)
    assert twin is not original
    twin.title = "changed"
    assert original.title == "KR"
    assert current(app, Objective, objective_id) == cached
