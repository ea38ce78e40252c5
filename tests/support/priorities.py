"""Random histories of placements, moves and removals on one roadmap, and the replay of
priority changes with their displacements that must give back every order on the way."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar
from uuid import UUID

from hypothesis import strategies as st

from tests.support.retro import Story

Step = tuple[str, int, int]
"""(command, which initiative by index into the current order, position), both taken
modulo what the roadmap holds then."""

STEPS = st.lists(
    st.tuples(
        st.sampled_from(["place", "move", "move", "remove"]),
        st.integers(0, 20),
        st.integers(0, 20),
    ),
    min_size=1,
    max_size=25,
)

K = TypeVar("K", bound=Hashable)

Shift = tuple[K, int | None, int | None]
"""An initiative, its position before (None: placed) and after (None: removed)."""


def play(story: Story, roadmap: UUID, steps: Sequence[Step]) -> list[list[UUID]]:
    """Run ``steps`` on ``roadmap``; the order after each command that recorded a change,
    folded here, independently of any read model."""
    order: list[UUID] = []
    orders = []
    for n, (command, pick, to) in enumerate(steps):
        story.later()
        if command == "place" or not order:
            position = to % (len(order) + 1) + 1
            initiative = story.run(
                "propose_initiative", roadmap_id=roadmap, title=f"I{n}", goal="g", position=position
            )
            order.insert(position - 1, initiative)
        elif command == "move" and len(order) > 1:
            initiative = order[pick % len(order)]
            position = to % len(order) + 1
            if position == order.index(initiative) + 1:
                continue  # records nothing
            story.run(
                "move_initiative",
                roadmap_id=roadmap,
                initiative_id=initiative,
                to_position=position,
                reason=f"step {n}",
            )
            order.remove(initiative)
            order.insert(position - 1, initiative)
        else:
            initiative = order[pick % len(order)]
            story.run("remove_initiative", roadmap_id=roadmap, initiative_id=initiative, reason="r")
            order.remove(initiative)
        orders.append(list(order))
    return orders


def replayed(changes: Iterable[tuple[Shift[K], Sequence[Shift[K]]]]) -> list[list[K]]:
    """The order after each explicit change (in log order), applied with the displacements
    it caused; each displacement must start where the initiative stood, and every order
    must be dense (positions 1..n)."""
    standing: dict[K, int] = {}
    orders = []
    for (initiative, _, to), displaced in changes:
        if to is None:
            del standing[initiative]
        else:
            standing[initiative] = to
        for other, before, after in displaced:
            assert standing[other] == before, (other, standing[other], before)
            assert after is not None, f"{other} displaced off the roadmap"
            standing[other] = after
        order = sorted(standing, key=standing.__getitem__)
        assert [standing[i] for i in order] == list(range(1, len(order) + 1)), standing
        orders.append(order)
    return orders
