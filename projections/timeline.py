"""The timeline read model: one entry per event, with its field changes and a summary.

Tables (schema ``timeline``): ``entries`` (one per event, keyed by position),
``entry_subjects`` (every id an entry belongs to the history of), and the model's own
``names`` and ``deliverable_facts``, so that summaries ("Moved 'New CI final phase' from 3
to 1: compliance audit moved up") and the "from" side of estimate and effort changes
come from this model alone and a rebuild of it needs no other read model.

What each event says is in ``projections.timeline_entries``; this module encodes values as
the API shows them and writes the statements.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from projections.global_ids import global_id
from projections.read_model import ReadModel, Statement
from projections.timeline_entries import ROADMAP_DESCRIBERS, Entry, Ref
from projections.timeline_goals import GOAL_DESCRIBERS

DESCRIBERS: dict[type[Any], Callable[[Any], Entry]] = {**ROADMAP_DESCRIBERS, **GOAL_DESCRIBERS}
"""What each event type says on the timeline (command receipts say nothing)."""

QUOTED_NAME = """coalesce(
    (SELECT '''' || name || '''' FROM {schema}.names WHERE id = $%d), 'something unknown'
)"""

INSERT_ENTRY = f"""
    INSERT INTO {{schema}}.entries (
        position, workspace_id, type, subject_kind, subject_ids, at, recorded_at, actor,
        reason, decision_id, changes, summary
    )
    VALUES (
        $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, {{changes}},
        format($12, {QUOTED_NAME % 13}, {QUOTED_NAME % 14})
    )
"""

ENTRY = INSERT_ENTRY.replace("{changes}", "$11::jsonb")

# $15 deliverable, $16 the new estimate: "from" is the previous generation's estimate.
ESTIMATE_ENTRY = INSERT_ENTRY.replace(
    "{changes}",
    """$11::jsonb || jsonb_build_array(jsonb_build_object(
        'field', 'estimateWeeks',
        'from', (SELECT to_json(estimate_weeks::text)::text
                 FROM {schema}.deliverable_facts WHERE deliverable_id = $15),
        'to', to_json($16::numeric::text)::text
    ))""",
)

# $15 deliverable, $16 weeks logged: actual effort from the sum so far to the new sum.
EFFORT_ENTRY = INSERT_ENTRY.replace(
    "{changes}",
    """$11::jsonb || (
        SELECT jsonb_build_array(jsonb_build_object(
            'field', 'actualWeeks',
            'from', to_json(so_far::text)::text,
            'to', to_json((so_far + $16::numeric)::text)::text
        ))
        FROM (SELECT coalesce(
            (SELECT actual_weeks FROM {schema}.deliverable_facts WHERE deliverable_id = $15), 0
        ) AS so_far) AS facts
    )""",
)

# $15/$16 the previous and the new target cycle (their global ids are in ``names``).
RETARGET_ENTRY = INSERT_ENTRY.replace(
    "{changes}",
    """jsonb_build_array(jsonb_build_object(
        'field', 'targetCycle',
        'from', (SELECT to_json(global_id)::text FROM {schema}.names WHERE id = $15),
        'to', (SELECT to_json(global_id)::text FROM {schema}.names WHERE id = $16)
    )) || $11::jsonb""",
)


def with_subjects(entry_sql: str, subjects: int) -> str:
    """One statement: the entry, and the subjects whose histories it belongs to (the uuid
    array ``$subjects``, without repeats). One statement per event instead of two: half
    the work per entry for the projector and the server.

    Plain inserts, no ON CONFLICT (the replay policy, ``projections.read_model``): a
    second entry at a position is a bug that must stop the projector, not a row to skip
    quietly (and the speculative insertion ON CONFLICT needs cost a fifth of the
    timeline's time on the server)."""
    return f"""
    WITH entry AS ({entry_sql})
    INSERT INTO {{schema}}.entry_subjects (subject_id, position, workspace_id, at)
    SELECT subject_id, $1, $2, $6 FROM unnest(${subjects}::uuid[]) AS subject_id
"""


PLAIN_ENTRY = with_subjects(ENTRY, 15)
ESTIMATE = with_subjects(ESTIMATE_ENTRY, 17)
EFFORT = with_subjects(EFFORT_ENTRY, 17)
RETARGET = with_subjects(RETARGET_ENTRY, 17)

# Upserts of the model's own facts: a name is written by the event that names a thing and
# rewritten by each rename, and a deliverable's facts by whichever of its first estimate
# or first effort comes first. Two different events may write these rows; no replay does.
REMEMBER_NAME = """
    INSERT INTO {schema}.names (id, workspace_id, kind, name, global_id)
    VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name
"""

REMEMBER_ESTIMATE = """
    INSERT INTO {schema}.deliverable_facts (deliverable_id, estimate_weeks) VALUES ($1, $2)
    ON CONFLICT (deliverable_id) DO UPDATE SET estimate_weeks = EXCLUDED.estimate_weeks
"""

REMEMBER_EFFORT = """
    INSERT INTO {schema}.deliverable_facts (deliverable_id, actual_weeks) VALUES ($1, $2)
    ON CONFLICT (deliverable_id)
    DO UPDATE SET actual_weeks = deliverable_facts.actual_weeks + EXCLUDED.actual_weeks
"""


def plain(value: Any) -> Any:
    """A value as the API shows it: references as global ids, decimals as strings."""
    if isinstance(value, Ref):
        return global_id(value.kind, *value.ids)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def encoded(value: Any) -> str | None:
    """The JSON encoding of a field's value; None (no value) stays None."""
    return None if value is None else json.dumps(plain(value), ensure_ascii=False)


def changes_json(entry: Entry) -> str:
    """The entry's field changes, as stored in ``entries.changes``."""
    return json.dumps(
        [
            {"field": name, "from": encoded(old), "to": encoded(new)}
            for name, old, new in entry.changes
            if old != new
        ]
    )


def statements_of(entry: Entry, event: Any, position: int) -> list[Statement]:
    """The statements of one described event."""
    quoted = (*entry.quoted, None, None)[:2]
    assert len(entry.quoted) <= 2, f"{entry.type}: at most two quoted names"
    common = (
        position,
        event.workspace_id,
        entry.type,
        entry.subject_kind,
        list(entry.subject_ids),
        event.effective_at,
        event.timestamp,
        event.actor,
        event.reason,
        event.decision_id,
        changes_json(entry),
        entry.summary,
        *quoted,
    )
    subjects = [*entry.subject_ids, *entry.about]
    if event.decision_id is not None:
        subjects.append(event.decision_id)
    belongs_to = list(dict.fromkeys(subjects))
    statements = []
    extra = entry.extra
    if entry.computed == "estimate":
        statements.append(
            Statement(ESTIMATE, (*common, event.deliverable_id, extra["weeks"], belongs_to))
        )
        statements.append(Statement(REMEMBER_ESTIMATE, (event.deliverable_id, extra["weeks"])))
    elif entry.computed == "effort":
        statements.append(
            Statement(EFFORT, (*common, event.deliverable_id, extra["weeks"], belongs_to))
        )
        statements.append(Statement(REMEMBER_EFFORT, (event.deliverable_id, extra["weeks"])))
    elif entry.computed == "retarget":
        dates = Entry(
            entry.type,
            entry.subject_kind,
            entry.subject_ids,
            entry.summary,
            changes=(("targetDate", extra["from_date"], extra["to_date"]),),
        )
        args = (*common[:10], changes_json(dates), *common[11:])
        cycles = (extra["from_cycle_id"], extra["to_cycle_id"])
        statements.append(Statement(RETARGET, (*args, *cycles, belongs_to)))
    else:
        statements.append(Statement(PLAIN_ENTRY, (*common, belongs_to)))
    for ref, name in entry.names:
        encoded_id = global_id(ref.kind, *ref.ids)
        statements.append(
            Statement(REMEMBER_NAME, (ref.ids[-1], event.workspace_id, ref.kind, name, encoded_id))
        )
    return statements


def timeline_entry(event: Any, position: int) -> Sequence[Statement]:
    """The handler of every described event type."""
    return statements_of(DESCRIBERS[type(event)](event), event, position)


TIMELINE = ReadModel(
    "timeline",
    dict.fromkeys(DESCRIBERS, timeline_entry),
    query_indexes=(
        "entries_newest",
        "entries_by_actor",
        "entries_by_type",
        "entry_subjects_newest",
    ),
)
