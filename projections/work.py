"""Initiatives and their deliverables, as the retrospective and OKR read models keep them.

The estimates, cycles and okr read models each keep their own copy of these two tables
(``initiatives`` and ``deliverables``, created by each model's first migration with the
same columns), because a read model is rebuilt on its own and never reads another one's
tables. The handlers here are shared: ``{schema}`` names whichever model applies them.

Per deliverable the row holds its current status, target and effort, its first and
latest estimate and how many generations it had, how many times its target slipped
(moved later), and ``completed_cycle_id``: the cycle it targeted when it became DONE
(a reopened deliverable loses its completion, and this with it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

from backend.domain.initiative import Initiative
from projections.read_model import Fact, Handler, Statement

INSERT_INITIATIVE = """
    INSERT INTO {schema}.initiatives (
        initiative_id, workspace_id, roadmap_id, title, team_id, kind, on_roadmap,
        proposed_position
    ) VALUES ($1, $2, $3, $4, $5, $6, true, $7)
"""

UPDATE_INITIATIVE = """
    UPDATE {schema}.initiatives
    SET title = COALESCE($2, title), team_id = COALESCE($3, team_id), kind = COALESCE($4, kind)
    WHERE initiative_id = $1
"""

REMOVE_INITIATIVE = """
    UPDATE {schema}.initiatives SET on_roadmap = false WHERE initiative_id = $1
"""

INSERT_DELIVERABLE = """
    INSERT INTO {schema}.deliverables (
        initiative_id, deliverable_id, workspace_id, title, stretch, status, added_position
    ) VALUES ($1, $2, $3, $4, $5, 'PLANNED', $6)
"""

CHANGE_STATUS = """
    UPDATE {schema}.deliverables
    SET status = $3,
        completed_at = $4,
        completed_cycle_id = CASE WHEN $3 = 'DONE' THEN target_cycle_id END
    WHERE initiative_id = $1 AND deliverable_id = $2
"""

ESTIMATE = """
    UPDATE {schema}.deliverables
    SET first_estimate_weeks = COALESCE(first_estimate_weeks, $3),
        estimate_weeks = $3,
        generations = $4
    WHERE initiative_id = $1 AND deliverable_id = $2
"""

RETARGET = """
    UPDATE {schema}.deliverables
    SET target_cycle_id = $3, target_date = $4, due_on = $5, slips = slips + $6
    WHERE initiative_id = $1 AND deliverable_id = $2
"""

LOG_EFFORT = """
    UPDATE {schema}.deliverables SET actual_weeks = actual_weeks + $3
    WHERE initiative_id = $1 AND deliverable_id = $2
"""


def as_uuid(value: Any) -> UUID | None:
    """A UUID from an event payload value (a UUID, its text, or None)."""
    if value is None or isinstance(value, UUID):
        return value
    return UUID(str(value))


def proposed(event: Initiative.Proposed, position: int) -> list[Statement]:
    args = (
        event.originator_id,
        event.workspace_id,
        event.roadmap_id,
        event.title,
        event.team_id,
        event.kind,
        position,
    )
    return [Statement(INSERT_INITIATIVE, args)]


def updated(event: Initiative.Updated, _position: int) -> list[Statement]:
    """Only the fields the read models group or label by: title, team and kind."""

    def new(name: str) -> Any:
        change = event.changes.get(name)
        return None if change is None else change[1]

    title, team_id, kind = new("title"), as_uuid(new("team_id")), new("kind")
    if title is None and team_id is None and kind is None:
        return []
    return [Statement(UPDATE_INITIATIVE, (event.originator_id, title, team_id, kind))]


def removed_from_roadmap(event: Initiative.RemovedFromRoadmap, _position: int) -> list[Statement]:
    return [Statement(REMOVE_INITIATIVE, (event.originator_id,))]


def deliverable_added(event: Initiative.DeliverableAdded, position: int) -> list[Statement]:
    args = (
        event.originator_id,
        event.deliverable_id,
        event.workspace_id,
        event.title,
        event.stretch,
        position,
    )
    return [Statement(INSERT_DELIVERABLE, args)]


def status_changed(event: Initiative.DeliverableStatusChanged, _position: int) -> list[Statement]:
    args = (event.originator_id, event.deliverable_id, event.to_status, event.completed_at)
    return [Statement(CHANGE_STATUS, args)]


def estimated(event: Initiative.DeliverableEstimated, _position: int) -> list[Statement]:
    args = (event.originator_id, event.deliverable_id, event.weeks, event.generation)
    return [Statement(ESTIMATE, args)]


def retargeted(event: Initiative.DeliverableRetargeted, _position: int) -> list[Statement]:
    args = (
        event.originator_id,
        event.deliverable_id,
        event.to_cycle_id,
        event.to_date,
        event.to_due_on,
        1 if event.slip else 0,
    )
    return [Statement(RETARGET, args)]


def effort_logged(event: Initiative.EffortLogged, _position: int) -> list[Statement]:
    return [Statement(LOG_EFFORT, (event.originator_id, event.deliverable_id, event.weeks))]


WORK_HANDLERS: Mapping[type[Any], Handler] = {
    Initiative.Proposed: proposed,
    Initiative.Updated: updated,
    Initiative.RemovedFromRoadmap: removed_from_roadmap,
    Initiative.DeliverableAdded: deliverable_added,
    Initiative.DeliverableStatusChanged: status_changed,
    Initiative.DeliverableEstimated: estimated,
    Initiative.DeliverableRetargeted: retargeted,
    Initiative.EffortLogged: effort_logged,
}
"""The handlers that keep ``initiatives`` and ``deliverables`` of a read model current."""


def chained(*handlers: Handler) -> Handler:
    """One handler running several in order (a shared one, then a model's own)."""

    def handle(event: Any, position: int) -> Sequence[Statement | Fact]:
        return [statement for handler in handlers for statement in handler(event, position)]

    return handle


def with_work(own: Mapping[type[Any], Handler]) -> dict[type[Any], Handler]:
    """The work handlers plus a model's own; both run (work first) for shared event types."""
    merged: dict[type[Any], Handler] = dict(WORK_HANDLERS)
    for event_type, handler in own.items():
        shared: Callable[..., Sequence[Statement | Fact]] | None = merged.get(event_type)
        merged[event_type] = handler if shared is None else chained(shared, handler)
    return merged
