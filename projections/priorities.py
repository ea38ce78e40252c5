"""The priorities read model: every placement, move and removal of an initiative.

Table ``priorities.priority_changes``, one row per ``Roadmap.InitiativePlaced`` (from
nowhere: ``from_position`` NULL), ``Roadmap.InitiativeMoved`` and ``Roadmap.InitiativeRemoved``
(to nowhere: ``to_position`` NULL), with the reason, actor, decision and both times. The
positions other initiatives shift by as a consequence are not changes of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from backend.domain.roadmap import Roadmap
from projections.read_model import Fact, FactTable, ReadModel

PRIORITY_CHANGES = FactTable(
    "priority_changes",
    (
        "position bigint, workspace_id uuid, roadmap_id uuid, initiative_id uuid, "
        "from_position integer, to_position integer, at timestamptz, recorded_at timestamptz, "
        "actor text, reason text, decision_id uuid"
    ),
)


def _change(event: Any, position: int, from_: int | None, to: int | None) -> list[Fact]:
    return [
        Fact(
            PRIORITY_CHANGES,
            (
                position,
                event.workspace_id,
                event.originator_id,
                event.initiative_id,
                from_,
                to,
                event.effective_at,
                event.timestamp,
                event.actor,
                event.reason,
                event.decision_id,
            ),
        )
    ]


def initiative_placed(event: Roadmap.InitiativePlaced, position: int) -> Sequence[Fact]:
    return _change(event, position, None, event.position)


def initiative_moved(event: Roadmap.InitiativeMoved, position: int) -> Sequence[Fact]:
    return _change(event, position, event.from_position, event.to_position)


def initiative_removed(event: Roadmap.InitiativeRemoved, position: int) -> Sequence[Fact]:
    return _change(event, position, event.from_position, None)


PRIORITIES = ReadModel(
    "priorities",
    {
        Roadmap.InitiativePlaced: initiative_placed,
        Roadmap.InitiativeMoved: initiative_moved,
        Roadmap.InitiativeRemoved: initiative_removed,
    },
    facts=(PRIORITY_CHANGES,),
    query_indexes=(
        "priority_changes_newest",
        "priority_changes_by_roadmap",
        "priority_changes_by_initiative",
    ),
)
