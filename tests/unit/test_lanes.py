"""How a rebuild deals each batch's read models to its lanes."""

from __future__ import annotations

import pytest

from projections.batch import Batch, Destination
from projections.lanes import dealt
from projections.read_model import ReadModel
from projections.script import Script


def batch_of(lines: dict[str, int]) -> tuple[Batch, list[Destination]]:
    """A batch writing ``lines[name]`` lines into the read model ``name``."""
    destinations = [Destination.rebuild(ReadModel(name)) for name in lines]
    scripts = {
        destination.tracking_name: Script([f"EXECUTE x({n})" for n in range(count)])
        for destination, count in zip(destinations, lines.values(), strict=True)
    }
    positions = dict.fromkeys(scripts, 0)
    return Batch([], positions, positions, scripts, 10), destinations


def loads(lanes: list[list[Destination]], batch: Batch) -> list[int]:
    return [sum(len(batch.scripts[d.tracking_name].lines) for d in lane) for lane in lanes]


def test_each_read_model_goes_to_one_lane_the_largest_first_to_the_lightest() -> None:
    batch, destinations = batch_of(
        {"timeline": 9, "roadmap": 8, "cycles": 6, "okr": 4, "estimates": 3, "decisions": 0}
    )

    lanes = dealt(batch, destinations, 2)

    assert sorted(d.model.name for lane in lanes for d in lane) == sorted(
        d.model.name for d in destinations
    )
    # 9 and 8 open the lanes; 6 joins 8, 4 and 3 join 9; 15 each would be even.
    assert loads(lanes, batch) == [16, 14]


@pytest.mark.parametrize("lanes", [1, 2, 3])
def test_no_lane_is_left_empty_even_for_read_models_with_nothing_to_write(lanes: int) -> None:
    batch, destinations = batch_of({"a": 0, "b": 0, "c": 0})

    dealt_to = dealt(batch, destinations, lanes)

    assert [len(lane) for lane in dealt_to] == [3 // lanes + (i < 3 % lanes) for i in range(lanes)]


def test_fewer_read_models_than_lanes_use_fewer_lanes() -> None:
    batch, destinations = batch_of({"a": 5})

    assert dealt(batch, destinations, 4) == [destinations]


def test_a_part_of_a_batch_holds_only_its_read_models() -> None:
    batch, _ = batch_of({"a": 2, "b": 1})

    part = batch.only(["b__rebuild"])

    assert part.before == part.after == {"b__rebuild": 0}
    assert part.scripts == {"b__rebuild": batch.scripts["b__rebuild"]}
    assert part.script.lines == ["EXECUTE x(0)"]
    assert batch.script.lines == ["EXECUTE x(0)", "EXECUTE x(1)", "EXECUTE x(0)"]
