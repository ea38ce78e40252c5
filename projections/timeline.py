"""The timeline read model: one entry per event, with its field changes and a summary.

Tables (schema ``timeline``), all append-only facts keyed by log position and written in
bulk: ``names`` (each name a thing is given, by the event that gives it), ``entries`` (one
per event) and ``entry_subjects`` (every id an entry belongs to the history of, written by
the same statement as the entries). A batch of events becomes two statements.

An entry's insert looks up what its event does not carry, in this model's own earlier
rows only (so it rebuilds on its own): the names its summary quotes ("Moved 'New CI
final phase' from 3 to 1: compliance audit moved up") and the cycles a retarget names
("Retargeted 'Runner fleet' from Cycle 1 to Cycle 2 (slip)"), as they were just before
the entry's position (a cycle renamed later keeps its old name in earlier entries); the
"from" of an estimate (the deliverable's previous estimate) and of logged effort (the
effort logged before it), from the deliverable's earlier entries.

What each event says is in ``projections.timeline_entries``; this module encodes values as
the API shows them and turns them into facts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from projections.global_ids import global_id
from projections.read_model import Fact, FactTable, ReadModel
from projections.timeline_entries import ROADMAP_DESCRIBERS, Entry, Ref
from projections.timeline_goals import GOAL_DESCRIBERS
from projections.timeline_updates import UPDATE_DESCRIBERS

DESCRIBERS: dict[type[Any], Callable[[Any], Entry]] = {
    **ROADMAP_DESCRIBERS,
    **GOAL_DESCRIBERS,
    **UPDATE_DESCRIBERS,
}
"""What each event type says on the timeline (command receipts say nothing)."""


NAMES = FactTable(
    "names",
    ("id uuid, position bigint, workspace_id uuid, kind text, name text, global_id text"),
)
"""A row per name given (a creation, a rename): the latest before a position is the name
then. Appending instead of overwriting keeps a rename from ending a run of facts."""

ENTRY_ROW = (
    "position bigint, workspace_id uuid, type text, subject_kind text, "
    "subject_ids uuid[], at timestamptz, recorded_at timestamptz, actor text, "
    "reason text, decision_id uuid, changes text, summary text, quoted uuid, "
    "quoted_too uuid, deliverable_id uuid, weeks numeric, from_cycle_id uuid, "
    "to_cycle_id uuid, belongs_to uuid[]"
)
"""What a handler gives of an entry (column type, ...): what it stores, and what the insert
looks up (the names ``quoted`` and ``quoted_too``, the cycles of a retarget), and the ids
whose histories it belongs to (``entry_subjects``)."""


def latest_name(alias: str, id_column: str) -> str:
    """A join of the name of ``fact.<id_column>`` as it was before the entry's position."""
    return f"""
    LEFT JOIN LATERAL (
        SELECT n.name, n.global_id FROM {{schema}}.names n
        WHERE n.id = fact.{id_column} AND n.position < fact.position
        ORDER BY n.position DESC LIMIT 1
    ) AS {alias} ON true"""


# The "from" of an estimate is the deliverable's previous estimate, of logged effort the
# sum logged before: from the earlier rows of the run (the window), and from the rows
# already written (``entries_of_deliverable``) for what came before the run.
INSERT_ENTRIES = f"""
    WITH fact AS (
        SELECT run.*,
            CASE WHEN run.type <> 'DeliverableEstimated' THEN NULL
                WHEN row_number() OVER earlier > 1 THEN lag(run.weeks) OVER earlier
                ELSE (
                    SELECT e.weeks FROM {{schema}}.entries e
                    WHERE e.deliverable_id = run.deliverable_id AND e.type = run.type
                    ORDER BY e.position DESC LIMIT 1
                )
            END AS estimate_before,
            CASE WHEN run.type = 'EffortLogged' THEN
                coalesce(
                    sum(run.weeks) OVER (earlier ROWS UNBOUNDED PRECEDING EXCLUDE CURRENT ROW), 0
                )
                + coalesce((
                    SELECT sum(e.weeks) FROM {{schema}}.entries e
                    WHERE e.deliverable_id = run.deliverable_id AND e.type = run.type
                ), 0)
            END AS effort_before
        FROM unnest(
            $1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
            $7::timestamptz[], $8::text[], $9::text[], $10::uuid[], $11::text[], $12::text[],
            $13::uuid[], $14::uuid[], $15::uuid[], $16::numeric[], $17::uuid[], $18::uuid[],
            $19::text[]
        ) AS run (
            position, workspace_id, type, subject_kind, subject_ids, at, recorded_at, actor,
            reason, decision_id, changes, summary, quoted, quoted_too, deliverable_id, weeks,
            from_cycle_id, to_cycle_id, belongs_to
        )
        WINDOW earlier AS (PARTITION BY run.deliverable_id, run.type ORDER BY run.position)
    ), entry AS (
        INSERT INTO {{schema}}.entries (
            position, workspace_id, type, subject_kind, subject_ids, at, recorded_at, actor,
            reason, decision_id, changes, summary, deliverable_id, weeks
        )
        SELECT
            fact.position, fact.workspace_id, fact.type, fact.subject_kind,
            fact.subject_ids::uuid[], fact.at, fact.recorded_at, fact.actor, fact.reason,
            fact.decision_id,
            CASE
                WHEN fact.type = 'DeliverableEstimated'
                THEN fact.changes::jsonb || jsonb_build_array(
                    jsonb_build_object(
                        'field', 'estimateWeeks',
                        'from', to_json(fact.estimate_before::text)::text,
                        'to', to_json(fact.weeks::text)::text
                    )
                )
                WHEN fact.type = 'EffortLogged' THEN fact.changes::jsonb || jsonb_build_array(
                    jsonb_build_object(
                        'field', 'actualWeeks',
                        'from', to_json(fact.effort_before::text)::text,
                        'to', to_json((fact.effort_before + fact.weeks)::text)::text
                    )
                )
                WHEN fact.type IN ('DeliverableRetargeted', 'DeliverableUntargeted')
                THEN jsonb_build_array(
                    jsonb_build_object(
                        'field', 'targetCycle',
                        'from', to_json(from_cycle.global_id)::text,
                        'to', to_json(to_cycle.global_id)::text
                    )
                ) || fact.changes::jsonb
                ELSE fact.changes::jsonb
            END,
            format(
                fact.summary,
                coalesce('''' || first.name || '''', 'something unknown'),
                coalesce('''' || second.name || '''', 'something unknown'),
                coalesce(from_cycle.name, 'an unknown cycle'),
                coalesce(to_cycle.name, 'an unknown cycle')
            ),
            fact.deliverable_id, fact.weeks
        FROM fact
        {latest_name("first", "quoted")}
        {latest_name("second", "quoted_too")}
        {latest_name("from_cycle", "from_cycle_id")}
        {latest_name("to_cycle", "to_cycle_id")}
    )
    INSERT INTO {{schema}}.entry_subjects (subject_id, position, workspace_id, at)
    SELECT subject_id, fact.position, fact.workspace_id, fact.at
    FROM fact, unnest(fact.belongs_to::uuid[]) AS subject_id
"""
"""One statement for a run's entries and the subjects each belongs to (one statement, not
two, for an event alone too). Plain inserts, no ON CONFLICT (the replay policy,
``projections.read_model``): a second entry at a position is a bug that must stop the
projector, not a row to skip quietly."""

ENTRIES = FactTable("entries", ENTRY_ROW, INSERT_ENTRIES)


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


def facts_of(entry: Entry, event: Any, position: int) -> list[Fact]:
    """The facts of one described event: the names it gives, and its entry."""
    assert len(entry.quoted) <= 2, f"{entry.type}: at most two quoted names"
    quoted = (*entry.quoted, None, None)[:2]
    subjects = [*entry.subject_ids, *entry.about]
    if event.decision_id is not None:
        subjects.append(event.decision_id)
    names = [
        Fact(
            NAMES,
            (
                ref.ids[-1],
                position,
                event.workspace_id,
                ref.kind,
                name,
                global_id(ref.kind, *ref.ids),
            ),
        )
        for ref, name in entry.names
    ]
    row = (
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
        entry.deliverable,
        entry.weeks,
        *entry.cycles,
        list(dict.fromkeys(subjects)),
    )
    return [*names, Fact(ENTRIES, row)]


def timeline_entry(event: Any, position: int) -> Sequence[Fact]:
    """The handler of every described event type."""
    return facts_of(DESCRIBERS[type(event)](event), event, position)


TIMELINE = ReadModel(
    "timeline",
    dict.fromkeys(DESCRIBERS, timeline_entry),
    facts=(NAMES, ENTRIES),
    query_indexes=(
        "entries_newest",
        "entries_by_actor",
        "entries_by_type",
        "entries_recorded",
        "entry_subjects_newest",
    ),
)
