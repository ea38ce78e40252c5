"""Property: any sequence of places, moves and removes keeps positions dense, like a list."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from uuid import UUID, uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from backend.application import Caller
from backend.domain.errors import Invalid
from backend.domain.roadmap import Roadmap
from tests.domain.helpers import (
    ObservedRoadlog,
    a_roadmap,
    current,
    events_after,
    rejected,
)


def order(app: ObservedRoadlog, roadmap_id: UUID) -> list[UUID]:
    return list(current(app, Roadmap, roadmap_id).priority)


@dataclass(frozen=True)
class Op:
    """One random step: place a new initiative, or move / remove the one at ``index``."""

    kind: str
    index: int
    position: int


operations = st.lists(
    st.builds(
        Op,
        st.sampled_from(["place", "move", "remove"]),
        st.integers(min_value=0, max_value=7),
        st.integers(min_value=-1, max_value=8),
    ),
    max_size=25,
)


def replay_order(app: ObservedRoadlog, roadmap_id: UUID) -> list[UUID]:
    """The priority order as a reader of the log rebuilds it from the positions alone."""
    replay: list[UUID] = []
    for event in events_after(app, 0):
        if isinstance(event, Roadmap.InitiativePlaced):
            replay.insert(event.position - 1, event.initiative_id)
        elif isinstance(event, Roadmap.InitiativeMoved):
            assert replay.pop(event.from_position - 1) == event.initiative_id
            replay.insert(event.to_position - 1, event.initiative_id)
        elif isinstance(event, Roadmap.InitiativeRemoved):
            assert replay.pop(event.from_position - 1) == event.initiative_id
    return replay


@settings(max_examples=60, deadline=None)
@given(operations)
def test_random_places_moves_and_removes_keep_positions_dense_like_a_list(ops: list[Op]) -> None:
    app = ObservedRoadlog()
    editor = Caller(workspace_id=uuid4(), actor="prop")
    roadmap_id = a_roadmap(app, editor)
    model: list[UUID] = []
    for op in ops:
        if op.kind == "place":
            place = partial(
                app.propose_initiative,
                editor,
                roadmap_id=roadmap_id,
                title="T",
                goal="g",
                position=op.position,
            )
            if 1 <= op.position <= len(model) + 1:
                model.insert(op.position - 1, place().id)
            else:
                rejected(app, Invalid, "position", place)
        elif model:
            index = op.index % len(model)
            initiative_id = model[index]
            if op.kind == "remove":
                app.remove_initiative(
                    editor, roadmap_id=roadmap_id, initiative_id=initiative_id, reason="r"
                )
                model.pop(index)
            else:
                move = partial(
                    app.move_initiative,
                    editor,
                    roadmap_id=roadmap_id,
                    initiative_id=initiative_id,
                    to_position=op.position,
                    reason="r",
                )
                if 1 <= op.position <= len(model):
                    move()
                    model.insert(op.position - 1, model.pop(index))
                else:
                    rejected(app, Invalid, "to_position", move)
        assert order(app, roadmap_id) == model
    assert replay_order(app, roadmap_id) == model
