"""Deliverables in the roadmap read model: their versioned rows and their facts.

A deliverable's versions carry everything the roadmap shows of it at an instant: title,
stretch, status, target, completion (and the cycle it completed in), latest estimate and
effort so far. What only ever accumulates is kept as facts, one row per event keyed by
its log position: ``estimates`` (every generation), ``status_changes`` and ``retargets``.
Reports count first estimates, generations and slips from them when asked. A removed
deliverable keeps its versions and facts, but none of its versions is current. See
``projections.roadmap`` for the handlers.
"""

from __future__ import annotations

from projections.read_model import FactTable
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
    "completed_at",
    "completed_cycle_id",
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
        title, stretch, status, actual_weeks, opened_position
    )
    SELECT $1, $2, $4, $3, roadmap_id, $5, $6, $7, 'PLANNED', 0, $5
    FROM {schema}.initiatives WHERE id = $1
"""

CHANGE_STATUS = versioned_change(
    "deliverable_versions",
    ("$1", "$2"),
    "$3",
    DELIVERABLE_COLUMNS,
    {
        "status": "$4::text",
        "completed_at": "$5::timestamptz",
        "completed_cycle_id": "CASE WHEN $4::text = 'DONE' THEN target_cycle_id END",
    },
    position="$6",
)

# $1 initiative, $2 deliverable, $3 at, then a flag and a value per field.
UPDATE_DELIVERABLE = versioned_change(
    "deliverable_versions",
    ("$1", "$2"),
    "$3",
    DELIVERABLE_COLUMNS,
    {
        "title": "CASE WHEN $4 THEN $5::text ELSE title END",
        "stretch": "CASE WHEN $6 THEN $7::boolean ELSE stretch END",
    },
    position="$8",
)

# A removed deliverable has no current version: its last one ends at the removal, so the
# roadmap as of any earlier instant still shows it, and nothing after does.
REMOVE_DELIVERABLE = """
    UPDATE {schema}.deliverable_versions SET valid_to = $3, closed_position = $4
    WHERE initiative_id = $1 AND deliverable_id = $2 AND valid_to = 'infinity'
"""

ESTIMATE = versioned_change(
    "deliverable_versions",
    ("$1", "$2"),
    "$3",
    DELIVERABLE_COLUMNS,
    {"estimate_weeks": "$4::numeric"},
    position="$5",
)

RETARGET = versioned_change(
    "deliverable_versions",
    ("$1", "$2"),
    "$3",
    DELIVERABLE_COLUMNS,
    {"target_cycle_id": "$4::uuid", "target_date": "$5::date"},
    position="$6",
)

LOG_EFFORT = versioned_change(
    "deliverable_versions",
    ("$1", "$2"),
    "$3",
    DELIVERABLE_COLUMNS,
    {"actual_weeks": "actual_weeks + $4::numeric"},
    position="$5",
)

ESTIMATES = FactTable(
    "estimates",
    (
        "position bigint, initiative_id uuid, deliverable_id uuid, generation integer, "
        "workspace_id uuid, weeks numeric, confidence double precision, reason text, "
        "actor text, at timestamptz"
    ),
)

STATUS_CHANGES = FactTable(
    "status_changes",
    (
        "position bigint, workspace_id uuid, initiative_id uuid, deliverable_id uuid, "
        "from_status text, to_status text, at timestamptz, recorded_at timestamptz, "
        "actor text, reason text, decision_id uuid"
    ),
)

RETARGETS = FactTable(
    "retargets",
    (
        "position bigint, workspace_id uuid, initiative_id uuid, deliverable_id uuid, "
        "from_cycle_id uuid, from_date date, from_due_on date, to_cycle_id uuid, "
        "to_date date, to_due_on date, slip boolean, at timestamptz, recorded_at timestamptz, "
        "actor text, reason text"
    ),
)
