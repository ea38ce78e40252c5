"""The decisions read model: decision records, their links and their supersession chain.

Tables (schema ``decisions``): ``decisions`` (one row per record, its status kept current:
SUPERSEDED once a later decision replaces it, with ``superseded_by_id``) and
``decision_links`` (what each decision affects, in order). The chain is followed by
``superseded_by_id``, and backwards by its index.
"""

from __future__ import annotations

from collections.abc import Sequence

from backend.domain.decision import Decision
from projections.read_model import AGGREGATE_VERSIONS, ReadModel, Statement, with_versions

INSERT_DECISION = """
    INSERT INTO {schema}.decisions (
        id, workspace_id, title, context, options, outcome, rationale, decided_by, status,
        at, recorded_at, position, actor
    )
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
"""

INSERT_LINKS = """
    INSERT INTO {schema}.decision_links (
        decision_id, ordinal, workspace_id, kind, target_id, parent_id
    )
    SELECT $1, ordinal, $2, kind, target_id, parent_id
    FROM unnest($3::text[], $4::uuid[], $5::uuid[]) WITH ORDINALITY
        AS link(kind, target_id, parent_id, ordinal)
"""

SUPERSEDE = """
    UPDATE {schema}.decisions
    SET status = 'SUPERSEDED', superseded_by_id = $2, superseded_at = $3
    WHERE id = $1
"""


def decision_recorded(event: Decision.Recorded, position: int) -> Sequence[Statement]:
    statements = [
        Statement(
            INSERT_DECISION,
            (
                event.originator_id,
                event.workspace_id,
                event.title,
                event.context,
                list(event.options),
                event.outcome,
                event.rationale,
                list(event.decided_by),
                event.status,
                event.effective_at,
                event.timestamp,
                position,
                event.actor,
            ),
        )
    ]
    if event.links:
        statements.append(
            Statement(
                INSERT_LINKS,
                (
                    event.originator_id,
                    event.workspace_id,
                    [link["kind"] for link in event.links],
                    [link["id"] for link in event.links],
                    [link.get("parent_id") for link in event.links],
                ),
            )
        )
    return statements


def decision_superseded(event: Decision.Superseded, position: int) -> Sequence[Statement]:
    return [Statement(SUPERSEDE, (event.originator_id, event.superseded_by_id, event.effective_at))]


DECISIONS = ReadModel(
    "decisions",
    with_versions(
        {Decision.Recorded: decision_recorded, Decision.Superseded: decision_superseded},
        Decision,
    ),
    facts=(AGGREGATE_VERSIONS,),
    # No handler reads the versions: a batch writes them in one insert at its end.
    facts_unread=True,
    # Handlers find rows by primary key only.
    query_indexes=("decisions_newest", "decisions_superseded_by", "decision_links_by_target"),
)
