"""The okr read model: objectives, key results, check-ins and alignments of initiatives.

Tables (schema ``okr``): ``objectives`` (the tree per period), ``key_results`` (with their
current value: the latest check-in, the start value before any), ``check_ins``,
``alignments`` (one row per ``Initiative.Aligned``, ended by ``Unaligned`` or by a
re-alignment with another kind; business times kept so that an initiative's alignments
can be read as of an instant). Effort and activity are computed when asked, from the
roadmap read model's current initiatives and deliverables (``projections.okr_queries``).
"""

from __future__ import annotations

from backend.domain.initiative import Initiative
from backend.domain.objective import Objective
from projections.read_model import (
    AGGREGATE_VERSIONS,
    Fact,
    FactTable,
    ReadModel,
    Statement,
    with_versions,
)

INSERT_OBJECTIVE = """
    INSERT INTO {schema}.objectives (
        objective_id, workspace_id, title, period, level, team_id, parent_id, created_position
    ) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
"""

INSERT_KEY_RESULT = """
    INSERT INTO {schema}.key_results (
        objective_id, key_result_id, workspace_id, title, unit, start_value, target_value,
        current_value, added_position
    ) VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $8)
"""

SET_CURRENT_VALUE = """
    UPDATE {schema}.key_results SET current_value = $3
    WHERE objective_id = $1 AND key_result_id = $2
"""

UPDATE_OBJECTIVE = """
    UPDATE {schema}.objectives SET title = $2, team_id = $3, parent_id = $4
    WHERE objective_id = $1
"""

ARCHIVE_OBJECTIVE = """
    UPDATE {schema}.objectives SET archived = true WHERE objective_id = $1
"""

UPDATE_KEY_RESULT = """
    UPDATE {schema}.key_results SET title = $3, unit = $4, target_value = $5
    WHERE objective_id = $1 AND key_result_id = $2
"""

# A removed key result leaves its objective's key results and progress, and its alignments
# end with it; its row stays for what still names it (an alignment read as of earlier).
REMOVE_KEY_RESULT = """
    UPDATE {schema}.key_results SET removed = true
    WHERE objective_id = $1 AND key_result_id = $2
"""

END_ALIGNMENTS_OF_KEY_RESULT = """
    UPDATE {schema}.alignments SET ended_position = $3, ended_at = $4
    WHERE objective_id = $1 AND key_result_id = $2 AND ended_position IS NULL
"""

CHECK_INS = FactTable(
    "check_ins",
    (
        "position bigint, workspace_id uuid, objective_id uuid, key_result_id uuid, "
        "value double precision, confidence double precision, note text, at timestamptz, "
        "actor text"
    ),
)

END_ALIGNMENT = """
    UPDATE {schema}.alignments SET ended_position = $3, ended_at = $4
    WHERE initiative_id = $1 AND key_result_id = $2 AND ended_position IS NULL
"""

INSERT_ALIGNMENT = """
    INSERT INTO {schema}.alignments (
        initiative_id, key_result_id, aligned_position, objective_id, workspace_id, kind,
        aligned_at
    ) VALUES ($1, $2, $3, $4, $5, $6, $7)
"""


def objective_created(event: Objective.Created, position: int) -> list[Statement]:
    args = (
        event.originator_id,
        event.workspace_id,
        event.title,
        event.period,
        event.level,
        event.team_id,
        event.parent_id,
        position,
    )
    return [Statement(INSERT_OBJECTIVE, args)]


def key_result_added(event: Objective.KeyResultAdded, position: int) -> list[Statement]:
    args = (
        event.originator_id,
        event.key_result_id,
        event.workspace_id,
        event.title,
        event.unit,
        float(event.start_value),
        float(event.target_value),
        position,
    )
    return [Statement(INSERT_KEY_RESULT, args)]


def key_result_checked_in(
    event: Objective.KeyResultCheckedIn, position: int
) -> list[Statement | Fact]:
    value = float(event.value)
    return [
        Statement(SET_CURRENT_VALUE, (event.originator_id, event.key_result_id, value)),
        Fact(
            CHECK_INS,
            (
                position,
                event.workspace_id,
                event.originator_id,
                event.key_result_id,
                value,
                event.confidence,
                event.reason,
                event.effective_at,
                event.actor,
            ),
        ),
    ]


def objective_updated(event: Objective.Updated, position: int) -> list[Statement]:
    args = (event.originator_id, event.title, event.team_id, event.parent_id)
    return [Statement(UPDATE_OBJECTIVE, args)]


def objective_archived(event: Objective.Archived, position: int) -> list[Statement]:
    return [Statement(ARCHIVE_OBJECTIVE, (event.originator_id,))]


def key_result_updated(event: Objective.KeyResultUpdated, position: int) -> list[Statement]:
    args = (
        event.originator_id,
        event.key_result_id,
        event.title,
        event.unit,
        float(event.target_value),
    )
    return [Statement(UPDATE_KEY_RESULT, args)]


def key_result_removed(event: Objective.KeyResultRemoved, position: int) -> list[Statement]:
    ref = (event.originator_id, event.key_result_id)
    return [
        Statement(REMOVE_KEY_RESULT, ref),
        Statement(END_ALIGNMENTS_OF_KEY_RESULT, (*ref, position, event.effective_at)),
    ]


def aligned(event: Initiative.Aligned, position: int) -> list[Statement]:
    """Mirrors the aggregate: one alignment per key result, the latest kind wins."""
    initiative_id, key_result_id = event.originator_id, event.key_result_id
    return [
        Statement(END_ALIGNMENT, (initiative_id, key_result_id, position, event.effective_at)),
        Statement(
            INSERT_ALIGNMENT,
            (
                initiative_id,
                key_result_id,
                position,
                event.objective_id,
                event.workspace_id,
                event.kind,
                event.effective_at,
            ),
        ),
    ]


def unaligned(event: Initiative.Unaligned, position: int) -> list[Statement]:
    args = (event.originator_id, event.key_result_id, position, event.effective_at)
    return [Statement(END_ALIGNMENT, args)]


OKR = ReadModel(
    "okr",
    with_versions(
        {
            Objective.Created: objective_created,
            Objective.Updated: objective_updated,
            Objective.Archived: objective_archived,
            Objective.KeyResultAdded: key_result_added,
            Objective.KeyResultCheckedIn: key_result_checked_in,
            Objective.KeyResultUpdated: key_result_updated,
            Objective.KeyResultRemoved: key_result_removed,
            Initiative.Aligned: aligned,
            Initiative.Unaligned: unaligned,
        },
        Objective,
    ),
    facts=(CHECK_INS, AGGREGATE_VERSIONS),
    facts_unread=True,
    # Handlers find rows by primary key (or its first columns) only.
    query_indexes=(
        "objectives_by_period",
        "check_ins_by_key_result",
        "alignments_by_key_result",
    ),
)
