"""The priorities read model: every placement, move and removal of an initiative, and
every initiative each of them shifted.

Table ``priorities.priority_changes``, one row per ``Roadmap.InitiativePlaced`` (from
nowhere: ``from_position`` NULL), ``Roadmap.InitiativeMoved`` and ``Roadmap.InitiativeRemoved``
(to nowhere: ``to_position`` NULL), with the reason, actor, decision and both times: the
explicit changes, facts written in bulk.

Table ``priorities.displacements``: for each explicit change, every other initiative whose
position it shifted by one (those below a placement move down, those between a move's two
positions move one step the other way, those below a removal move up), keyed by the
change (its ``cause_position``) and the initiative. They share the cause's time, actor,
reason and decision, which stay in the cause's row only. Which initiatives stand in the
shifted range is read from ``priorities.standings``, where each initiative stands after
the last change in log order; the same statement that shifts them there records them as
displaced, so each change costs one statement beside its fact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from backend.domain.roadmap import Roadmap
from projections.read_model import Fact, FactTable, ReadModel, Statement

PRIORITY_CHANGES = FactTable(
    "priority_changes",
    (
        "position bigint, workspace_id uuid, roadmap_id uuid, initiative_id uuid, "
        "from_position integer, to_position integer, at timestamptz, recorded_at timestamptz, "
        "actor text, reason text, decision_id uuid"
    ),
)

# Each statement below: $1 the change's log position, $2 roadmap, $3 the initiative that
# changed; the others it shifted go into displacements, from where they stood.

# $4 the position it is placed at: those at or below it move down.
PLACE_STANDING = """
    WITH shifted AS (
        UPDATE {schema}.standings SET position = position + 1
        WHERE roadmap_id = $2::uuid AND position >= $4::int
        RETURNING initiative_id, position
    ), placed AS (
        INSERT INTO {schema}.standings (roadmap_id, initiative_id, position)
        VALUES ($2::uuid, $3::uuid, $4::int)
    )
    INSERT INTO {schema}.displacements (cause_position, initiative_id, from_position, to_position)
    SELECT $1::bigint, initiative_id, position - 1, position FROM shifted
"""

# $4 the position it moves to, $5 the shift of the others (+1 when it moves up, -1 when
# down), $6..$7 the range both positions bound: it goes to $4, the others there by $5.
MOVE_STANDING = """
    WITH shifted AS (
        UPDATE {schema}.standings
        SET position = CASE WHEN initiative_id = $3::uuid THEN $4::int ELSE position + $5::int END
        WHERE roadmap_id = $2::uuid AND position BETWEEN $6::int AND $7::int
        RETURNING initiative_id, position
    )
    INSERT INTO {schema}.displacements (cause_position, initiative_id, from_position, to_position)
    SELECT $1::bigint, initiative_id, position - $5::int, position
    FROM shifted WHERE initiative_id <> $3::uuid
"""

# $4 the position it leaves: those below it move up.
REMOVE_STANDING = """
    WITH removed AS (
        DELETE FROM {schema}.standings WHERE roadmap_id = $2::uuid AND initiative_id = $3::uuid
    ), shifted AS (
        UPDATE {schema}.standings SET position = position - 1
        WHERE roadmap_id = $2::uuid AND position > $4::int
        RETURNING initiative_id, position
    )
    INSERT INTO {schema}.displacements (cause_position, initiative_id, from_position, to_position)
    SELECT $1::bigint, initiative_id, position + 1, position FROM shifted
"""


def _change(event: Any, position: int, from_: int | None, to: int | None) -> Fact:
    return Fact(
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


def initiative_placed(event: Roadmap.InitiativePlaced, position: int) -> Sequence[Fact | Statement]:
    at = event.position
    return [
        _change(event, position, None, at),
        Statement(PLACE_STANDING, (position, event.originator_id, event.initiative_id, at)),
    ]


def initiative_moved(event: Roadmap.InitiativeMoved, position: int) -> Sequence[Fact | Statement]:
    from_, to = event.from_position, event.to_position
    shift = 1 if to < from_ else -1
    shifted = (
        position,
        event.originator_id,
        event.initiative_id,
        to,
        shift,
        min(from_, to),
        max(from_, to),
    )
    return [_change(event, position, from_, to), Statement(MOVE_STANDING, shifted)]


def initiative_removed(
    event: Roadmap.InitiativeRemoved, position: int
) -> Sequence[Fact | Statement]:
    from_ = event.from_position
    return [
        _change(event, position, from_, None),
        Statement(REMOVE_STANDING, (position, event.originator_id, event.initiative_id, from_)),
    ]


PRIORITIES = ReadModel(
    "priorities",
    {
        Roadmap.InitiativePlaced: initiative_placed,
        Roadmap.InitiativeMoved: initiative_moved,
        Roadmap.InitiativeRemoved: initiative_removed,
    },
    facts=(PRIORITY_CHANGES,),
    # The standings statements read and write standings and displacements only.
    facts_unread=True,
    query_indexes=(
        "priority_changes_newest",
        "priority_changes_by_roadmap",
        "priority_changes_by_initiative",
        "displacements_by_initiative",
    ),
)
