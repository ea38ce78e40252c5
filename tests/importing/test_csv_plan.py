"""The fewest priority moves from one order to another (pure, property-based)."""

from __future__ import annotations

from bisect import bisect_left

from hypothesis import given
from hypothesis import strategies as st

from backend.importing.csv_plan import fewest_moves


def apply(order: list[int], moves: list[tuple[int, int, int]]) -> list[int]:
    """The moves as Roadmap.InitiativeMoved applies them (checking each from-position)."""
    result = list(order)
    for item, from_position, to_position in moves:
        assert result.index(item) + 1 == from_position
        result.pop(from_position - 1)
        result.insert(to_position - 1, item)
    return result


def longest_increasing_length(values: list[int]) -> int:
    tails: list[int] = []
    for value in values:
        k = bisect_left(tails, value)
        tails[k : k + 1] = [value]
    return len(tails)


@given(st.permutations(list(range(12))))
def test_the_moves_give_the_wanted_order_and_are_the_fewest(wanted: list[int]) -> None:
    current = list(range(12))
    moves = fewest_moves(current, wanted)
    assert apply(current, moves) == wanted
    assert len(moves) == len(wanted) - longest_increasing_length(wanted)
    assert all(start != end for _, start, end in moves)


def test_one_project_moved_up_or_down_is_one_move() -> None:
    assert fewest_moves(["a", "b", "c", "d"], ["d", "a", "b", "c"]) == [("d", 4, 1)]
    assert fewest_moves(["a", "b", "c", "d"], ["b", "c", "d", "a"]) == [("a", 1, 4)]
    assert fewest_moves(["a", "b"], ["a", "b"]) == []
