"""Deliverables in the roadmap read model: the statements of their versioned rows.

A deliverable's versions carry everything the roadmap shows of it at an instant: title,
stretch, status, target, completion, latest estimate and effort so far; each estimate
generation is also kept in ``estimates``. See ``projections.roadmap`` for the handlers.
"""

from __future__ import annotations

from projections.temporal import versioned_change

DELIVERABLE_COLUMNS = (
    "workspace_id",
    "roadmap_id",
    "added_position",
    "title",
    "stretch",
    "status",
    "target_cycle_id",
    "target_date",
    "due_on",
    "completed_at",
    "estimate_weeks",
    "actual_weeks",
)

INSERT_DELIVERABLE = """
    INSERT INTO {schema}.deliverables (
        initiative_id, deliverable_id, workspace_id, roadmap_id, added_at, added_position
    )
    SELECT $1, $2, $3, roadmap_id, $4, $5 FROM {schema}.initiatives WHERE id = $1
"""

INSERT_DELIVERABLE_VERSION = """
    INSERT INTO {schema}.deliverable_versions (
        initiative_id, deliverable_id, valid_from, workspace_id, roadmap_id, added_position,
        title, stretch, status, actual_weeks
    )
    SELECT $1, $2, $4, $3, roadmap_id, $5, $6, $7, 'PLANNED', 0
    FROM {schema}.initiatives WHERE id = $1
"""

CHANGE_STATUS = versioned_change(
    "deliverable_versions",
    ("$1", "$2"),
    "$3",
    DELIVERABLE_COLUMNS,
    {"status": "$4::text", "completed_at": "$5::timestamptz"},
)

ESTIMATE = versioned_change(
    "deliverable_versions",
    ("$1", "$2"),
    "$3",
    DELIVERABLE_COLUMNS,
    {"estimate_weeks": "$4::numeric"},
)

INSERT_ESTIMATE = """
    INSERT INTO {schema}.estimates (
        initiative_id, deliverable_id, generation, workspace_id, roadmap_id, weeks,
        confidence, reason, actor, at
    )
    SELECT $1, $2, $3, $4, roadmap_id, $5, $6, $7, $8, $9
    FROM {schema}.initiatives WHERE id = $1
"""

RETARGET = versioned_change(
    "deliverable_versions",
    ("$1", "$2"),
    "$3",
    DELIVERABLE_COLUMNS,
    {"target_cycle_id": "$4::uuid", "target_date": "$5::date", "due_on": "$6::date"},
)

LOG_EFFORT = versioned_change(
    "deliverable_versions",
    ("$1", "$2"),
    "$3",
    DELIVERABLE_COLUMNS,
    {"actual_weeks": "actual_weeks + $4::numeric"},
)
