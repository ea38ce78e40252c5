"""Cycles in the roadmap read model: their state, their scope and their frozen outcome.

Tables (schema ``roadmap``): ``cycles`` (each cycle, its state, the log positions of its
start and close, and when it was cancelled, if it was), ``cycle_versions`` (its name and
dates, versioned in business time: a planned cycle may be renamed or moved), ``scope``
(who is in a started cycle: committed at its start, in priority order, or unplanned:
targeted to it while it was active) and ``outcomes`` (what ``Roadmap.CycleClosed`` says
became of each deliverable, written once at the close). A closed cycle's estimate
generations, slips and status changes are the facts of its deliverables before
``closed_position``, so its report never changes afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap
from projections.read_model import Statement
from projections.temporal import versioned_change

INSERT_CYCLE = """
    INSERT INTO {schema}.cycles (
        roadmap_id, cycle_id, workspace_id, state, created_at, created_position
    )
    VALUES ($1, $2, $3, 'PLANNED', $4, $5)
"""

INSERT_CYCLE_VERSION = """
    INSERT INTO {schema}.cycle_versions (
        roadmap_id, cycle_id, valid_from, opened_position, name, starts_on, ends_on
    )
    VALUES ($1, $2, $3, $4, $5, $6, $7)
"""

# $1 roadmap, $2 cycle, $3 at, $4 name, $5 starts_on, $6 ends_on, $7 log position.
UPDATE_CYCLE = versioned_change(
    "cycle_versions",
    ("$1", "$2"),
    "$3",
    ("name", "starts_on", "ends_on"),
    {"name": "$4::text", "starts_on": "$5::date", "ends_on": "$6::date"},
    position="$7",
)

CANCEL_CYCLE = """
    UPDATE {schema}.cycles SET state = 'CANCELLED', cancelled_at = $3, cancelled_position = $4
    WHERE roadmap_id = $1 AND cycle_id = $2
"""

START_CYCLE = """
    UPDATE {schema}.cycles SET state = 'ACTIVE', started_at = $3, started_position = $4
    WHERE roadmap_id = $1 AND cycle_id = $2
"""

COMMIT_SCOPE = """
    INSERT INTO {schema}.scope (
        roadmap_id, cycle_id, initiative_id, deliverable_id, workspace_id, committed, ordinal,
        joined_position
    )
    SELECT $1, $2, pair.initiative_id, pair.deliverable_id, $3, true, pair.ordinal, $4
    FROM unnest($5::uuid[], $6::uuid[]) WITH ORDINALITY
        AS pair (initiative_id, deliverable_id, ordinal)
"""

# A deliverable already in the active cycle's scope (committed at its start, or targeted
# to it before, away and back again) stays as it joined: being targeted to it once more
# is no new scope. That is why this insert, and only this one, skips a conflict.
JOIN_ACTIVE_CYCLE = """
    INSERT INTO {schema}.scope (
        roadmap_id, cycle_id, initiative_id, deliverable_id, workspace_id, committed, ordinal,
        joined_position
    )
    SELECT c.roadmap_id, c.cycle_id, $1, $2, c.workspace_id, false, NULL, $4
    FROM {schema}.cycles c
    WHERE c.cycle_id = $3 AND c.state = 'ACTIVE'
    ON CONFLICT (roadmap_id, cycle_id, initiative_id, deliverable_id) DO NOTHING
"""

CLOSE_CYCLE = """
    UPDATE {schema}.cycles SET state = 'CLOSED', closed_at = $3, closed_position = $4
    WHERE roadmap_id = $1 AND cycle_id = $2
"""

# One row per item of the event's outcome, all in one statement; unplanned: in the
# cycle's scope without having been committed.
FREEZE_OUTCOME = """
    INSERT INTO {schema}.outcomes (
        roadmap_id, cycle_id, ordinal, initiative_id, deliverable_id, workspace_id, committed,
        unplanned, title, stretch, status, target_cycle_id, target_date, due_on, carried_over,
        first_estimate_weeks, estimate_weeks, actual_weeks, completed_at
    )
    SELECT $1, $2, o.ordinal, o.initiative_id, o.deliverable_id, $3, o.committed,
        NOT o.committed AND EXISTS (
            SELECT 1 FROM {schema}.scope s
            WHERE s.roadmap_id = $1 AND s.cycle_id = $2
              AND s.initiative_id = o.initiative_id AND s.deliverable_id = o.deliverable_id
        ),
        o.title, o.stretch, o.status, o.target_cycle_id, o.target_date, o.due_on,
        o.carried_over, o.first_estimate_weeks, o.estimate_weeks, o.actual_weeks,
        o.completed_at
    FROM unnest(
        $4::uuid[], $5::uuid[], $6::boolean[], $7::text[], $8::boolean[], $9::text[],
        $10::uuid[], $11::date[], $12::date[], $13::boolean[], $14::numeric[],
        $15::numeric[], $16::numeric[], $17::timestamptz[]
    ) WITH ORDINALITY AS o (
        initiative_id, deliverable_id, committed, title, stretch, status, target_cycle_id,
        target_date, due_on, carried_over, first_estimate_weeks, estimate_weeks,
        actual_weeks, completed_at, ordinal
    )
"""

OUTCOME_FIELDS = (
    ("initiative_id", UUID),
    ("deliverable_id", UUID),
    ("committed", bool),
    ("title", None),
    ("stretch", bool),
    ("status", None),
    ("target_cycle_id", UUID),
    ("target_date", None),
    ("due_on", None),
    ("carried_over", bool),
    ("first_estimate_weeks", None),
    ("estimate_weeks", None),
    ("actual_weeks", None),
    ("completed_at", None),
)
"""The items of a ``CycleClosed`` outcome, field by field, in FREEZE_OUTCOME's order, with
the type a stored payload's value is converted to (ids may come back as text)."""


def as_uuid(value: Any) -> UUID | None:
    """A UUID from an event payload value (a UUID, its text, or None)."""
    if value is None or isinstance(value, UUID):
        return value
    return UUID(str(value))


def _field(value: Any, kind: type | None) -> Any:
    if kind is UUID:
        return as_uuid(value)
    if kind is bool:
        return bool(value)
    return value


def cycle_created(event: Roadmap.CycleCreated, position: int) -> Sequence[Statement]:
    roadmap_id, cycle_id, at = event.originator_id, event.cycle_id, event.effective_at
    return [
        Statement(INSERT_CYCLE, (roadmap_id, cycle_id, event.workspace_id, at, position)),
        Statement(
            INSERT_CYCLE_VERSION,
            (roadmap_id, cycle_id, at, position, event.name, event.starts_on, event.ends_on),
        ),
    ]


def cycle_updated(event: Roadmap.CycleUpdated, position: int) -> Sequence[Statement]:
    """A planned cycle's name and dates from now on; its versions keep the earlier ones."""
    args = (
        event.originator_id,
        event.cycle_id,
        event.effective_at,
        event.name,
        event.starts_on,
        event.ends_on,
        position,
    )
    return [Statement(UPDATE_CYCLE, args)]


def cycle_cancelled(event: Roadmap.CycleCancelled, position: int) -> Sequence[Statement]:
    args = (event.originator_id, event.cycle_id, event.effective_at, position)
    return [Statement(CANCEL_CYCLE, args)]


def cycle_started(event: Roadmap.CycleStarted, position: int) -> Sequence[Statement]:
    roadmap_id, cycle_id = event.originator_id, event.cycle_id
    initiative_ids = [as_uuid(pair[0]) for pair in event.committed]
    deliverable_ids = [as_uuid(pair[1]) for pair in event.committed]
    return [
        Statement(START_CYCLE, (roadmap_id, cycle_id, event.effective_at, position)),
        Statement(
            COMMIT_SCOPE,
            (roadmap_id, cycle_id, event.workspace_id, position, initiative_ids, deliverable_ids),
        ),
    ]


def cycle_closed(event: Roadmap.CycleClosed, position: int) -> Sequence[Statement]:
    roadmap_id, cycle_id = event.originator_id, event.cycle_id
    columns = tuple(
        [_field(item[name], kind) for item in event.outcome] for name, kind in OUTCOME_FIELDS
    )
    return [
        Statement(CLOSE_CYCLE, (roadmap_id, cycle_id, event.effective_at, position)),
        Statement(FREEZE_OUTCOME, (roadmap_id, cycle_id, event.workspace_id, *columns)),
    ]


def joined_cycle(event: Initiative.DeliverableRetargeted, position: int) -> Sequence[Statement]:
    """Targeted to a cycle while it is active: unplanned work (unless committed)."""
    if event.to_cycle_id is None:
        return []
    args = (event.originator_id, event.deliverable_id, event.to_cycle_id, position)
    return [Statement(JOIN_ACTIVE_CYCLE, args)]
