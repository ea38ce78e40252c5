"""The cycles read model: committed scope, unplanned work and the frozen outcome of cycles.

Tables (schema ``cycles``):

- ``initiatives``, ``deliverables``: current state (``projections.work``);
- ``cycles``: each cycle with its state and the log positions of its start and close;
- ``scope``: who is in a started cycle: committed at its start (``CycleStarted``, in
  priority order), or unplanned: targeted to it while it was active;
- ``estimates``: every estimate generation; ``status_changes``: every status change,
  keyed by log position, never updated;
- ``outcomes`` and ``outcome_estimates``: written once when the cycle closes, from the
  ``CycleClosed`` outcome plus this model's own generations and slips at that moment,
  and never updated afterwards, so a closed cycle's report never changes.
"""

from __future__ import annotations

from typing import Any

from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap
from projections.read_model import ReadModel, Statement
from projections.work import as_uuid, with_work

INSERT_CYCLE = """
    INSERT INTO {schema}.cycles (
        roadmap_id, cycle_id, workspace_id, name, starts_on, ends_on, state, created_position
    ) VALUES ($1, $2, $3, $4, $5, $6, 'PLANNED', $7)
"""

START_CYCLE = """
    UPDATE {schema}.cycles SET state = 'ACTIVE', started_position = $3, started_at = $4
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
    SELECT c.roadmap_id, c.cycle_id, i.initiative_id, $2, i.workspace_id, false, NULL, $4
    FROM {schema}.initiatives i
    JOIN {schema}.cycles c ON c.roadmap_id = i.roadmap_id AND c.cycle_id = $3
    WHERE i.initiative_id = $1 AND c.state = 'ACTIVE'
    ON CONFLICT (roadmap_id, cycle_id, initiative_id, deliverable_id) DO NOTHING
"""

CLOSE_CYCLE = """
    UPDATE {schema}.cycles SET state = 'CLOSED', closed_position = $3, closed_at = $4
    WHERE roadmap_id = $1 AND cycle_id = $2
"""

FREEZE_OUTCOME = """
    INSERT INTO {schema}.outcomes (
        roadmap_id, cycle_id, ordinal, initiative_id, deliverable_id, workspace_id, committed,
        unplanned, title, stretch, status, target_cycle_id, target_date, due_on, carried_over,
        first_estimate_weeks, estimate_weeks, generations, actual_weeks, slips, completed_at
    )
    SELECT $1, $2, $3, $4, $5, $6, $7,
        NOT $7 AND EXISTS (
            SELECT 1 FROM {schema}.scope s
            WHERE s.roadmap_id = $1 AND s.cycle_id = $2
              AND s.initiative_id = $4 AND s.deliverable_id = $5
        ),
        $8, $9, $10, $11, $12, $13, $14, $15, $16,
        COALESCE((
            SELECT d.generations FROM {schema}.deliverables d
            WHERE d.initiative_id = $4 AND d.deliverable_id = $5
        ), 0),
        $17,
        COALESCE((
            SELECT d.slips FROM {schema}.deliverables d
            WHERE d.initiative_id = $4 AND d.deliverable_id = $5
        ), 0),
        $18
"""

FREEZE_ESTIMATES = """
    INSERT INTO {schema}.outcome_estimates (
        roadmap_id, cycle_id, initiative_id, deliverable_id, generation, weeks, confidence,
        reason, at, actor
    )
    SELECT $1, $2, e.initiative_id, e.deliverable_id, e.generation, e.weeks, e.confidence,
        e.reason, e.at, e.actor
    FROM {schema}.estimates e
    JOIN unnest($3::uuid[], $4::uuid[]) AS pair (initiative_id, deliverable_id)
        ON e.initiative_id = pair.initiative_id AND e.deliverable_id = pair.deliverable_id
"""

INSERT_ESTIMATE = """
    INSERT INTO {schema}.estimates (
        initiative_id, deliverable_id, generation, workspace_id, weeks, confidence, reason, at,
        actor
    ) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
"""

INSERT_STATUS_CHANGE = """
    INSERT INTO {schema}.status_changes (
        position, workspace_id, initiative_id, deliverable_id, from_status, to_status, at,
        recorded_at, actor, reason, decision_id
    ) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
"""


def cycle_created(event: Roadmap.CycleCreated, position: int) -> list[Statement]:
    args = (
        event.originator_id,
        event.cycle_id,
        event.workspace_id,
        event.name,
        event.starts_on,
        event.ends_on,
        position,
    )
    return [Statement(INSERT_CYCLE, args)]


def cycle_started(event: Roadmap.CycleStarted, position: int) -> list[Statement]:
    roadmap_id, cycle_id = event.originator_id, event.cycle_id
    initiative_ids = [as_uuid(pair[0]) for pair in event.committed]
    deliverable_ids = [as_uuid(pair[1]) for pair in event.committed]
    return [
        Statement(START_CYCLE, (roadmap_id, cycle_id, position, event.effective_at)),
        Statement(
            COMMIT_SCOPE,
            (roadmap_id, cycle_id, event.workspace_id, position, initiative_ids, deliverable_ids),
        ),
    ]


def outcome_args(event: Roadmap.CycleClosed, ordinal: int, item: dict[str, Any]) -> tuple[Any, ...]:
    """The FREEZE_OUTCOME arguments of one item of a CycleClosed outcome."""
    return (
        event.originator_id,
        event.cycle_id,
        ordinal,
        as_uuid(item["initiative_id"]),
        as_uuid(item["deliverable_id"]),
        event.workspace_id,
        bool(item["committed"]),
        item["title"],
        bool(item["stretch"]),
        item["status"],
        as_uuid(item["target_cycle_id"]),
        item["target_date"],
        item["due_on"],
        bool(item["carried_over"]),
        item["first_estimate_weeks"],
        item["estimate_weeks"],
        item["actual_weeks"],
        item["completed_at"],
    )


def cycle_closed(event: Roadmap.CycleClosed, position: int) -> list[Statement]:
    roadmap_id, cycle_id = event.originator_id, event.cycle_id
    statements = [Statement(CLOSE_CYCLE, (roadmap_id, cycle_id, position, event.effective_at))]
    statements += [
        Statement(FREEZE_OUTCOME, outcome_args(event, ordinal, item))
        for ordinal, item in enumerate(event.outcome, start=1)
    ]
    initiative_ids = [as_uuid(item["initiative_id"]) for item in event.outcome]
    deliverable_ids = [as_uuid(item["deliverable_id"]) for item in event.outcome]
    statements.append(
        Statement(FREEZE_ESTIMATES, (roadmap_id, cycle_id, initiative_ids, deliverable_ids))
    )
    return statements


def deliverable_retargeted(
    event: Initiative.DeliverableRetargeted, position: int
) -> list[Statement]:
    """Targeted to a cycle while it is active: unplanned work (unless committed)."""
    if event.to_cycle_id is None:
        return []
    args = (event.originator_id, event.deliverable_id, event.to_cycle_id, position)
    return [Statement(JOIN_ACTIVE_CYCLE, args)]


def deliverable_estimated(
    event: Initiative.DeliverableEstimated, _position: int
) -> list[Statement]:
    args = (
        event.originator_id,
        event.deliverable_id,
        event.generation,
        event.workspace_id,
        event.weeks,
        event.confidence,
        event.reason,
        event.effective_at,
        event.actor,
    )
    return [Statement(INSERT_ESTIMATE, args)]


def status_changed(event: Initiative.DeliverableStatusChanged, position: int) -> list[Statement]:
    args = (
        position,
        event.workspace_id,
        event.originator_id,
        event.deliverable_id,
        event.from_status,
        event.to_status,
        event.effective_at,
        event.timestamp,
        event.actor,
        event.reason,
        event.decision_id,
    )
    return [Statement(INSERT_STATUS_CHANGE, args)]


CYCLES = ReadModel(
    "cycles",
    with_work(
        {
            Roadmap.CycleCreated: cycle_created,
            Roadmap.CycleStarted: cycle_started,
            Roadmap.CycleClosed: cycle_closed,
            Initiative.DeliverableRetargeted: deliverable_retargeted,
            Initiative.DeliverableEstimated: deliverable_estimated,
            Initiative.DeliverableStatusChanged: status_changed,
        }
    ),
    # Handlers find rows by primary key (or its first columns) only.
    query_indexes=("initiatives_by_roadmap", "status_changes_by_deliverable"),
)
