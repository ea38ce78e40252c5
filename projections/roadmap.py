"""The roadmap read model: roadmaps, their priority order and deliverables, in business time.

Tables (schema ``roadmap``, see its migration): ``teams``, ``roadmaps``, ``initiatives``
and ``deliverables`` (identities), the versioned ``initiative_versions``, ``placements``
(the order, one ranked row per initiative on a roadmap) and ``deliverable_versions`` (the
one home of a deliverable's state), the facts ``estimates``, ``status_changes`` and
``retargets`` (``projections.roadmap_deliverables``), and the cycles with their scope and
outcomes (``projections.roadmap_cycles``), and the workspace's fiscal calendar
(``projections.roadmap_fiscal``). The estimate, cycle and okr reports join these tables
when asked.

Every handler is pure: the event and its position in, statements out. Statements that need
other rows (a new rank between two neighbours, the roadmap of an initiative) read them in
SQL, from rows that only earlier events wrote, so a rebuild from zero writes exactly what
the incremental path wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap
from backend.domain.team import Team
from backend.domain.workspace import Workspace
from projections.read_model import (
    AGGREGATE_VERSIONS,
    Fact,
    Handler,
    ReadModel,
    Statement,
    with_versions,
)
from projections.roadmap_cycles import (
    cycle_cancelled,
    cycle_closed,
    cycle_created,
    cycle_started,
    cycle_updated,
    joined_cycle,
)
from projections.roadmap_deliverables import (
    CHANGE_STATUS,
    ESTIMATE,
    ESTIMATES,
    INSERT_DELIVERABLE,
    INSERT_DELIVERABLE_VERSION,
    LOG_EFFORT,
    REMOVE_DELIVERABLE,
    RETARGET,
    RETARGETS,
    STATUS_CHANGES,
    UPDATE_DELIVERABLE,
)
from projections.roadmap_fiscal import fiscal_year_set, workspace_created
from projections.roadmap_order import (
    MOVE_INITIATIVE,
    PLACE_INITIATIVE,
    REMOVE_INITIATIVE,
    RENUMBER_IF_LONG,
)
from projections.temporal import versioned_change

INITIATIVE_COLUMNS = (
    "workspace_id",
    "roadmap_id",
    "title",
    "goal",
    "stakeholders",
    "team_id",
    "kind",
    "parent_id",
    "on_roadmap",
)
INSERT_TEAM = """
    INSERT INTO {schema}.teams (id, workspace_id, name, created_at)
    VALUES ($1, $2, $3, $4)
"""

INSERT_ROADMAP = """
    INSERT INTO {schema}.roadmaps (
        id, workspace_id, name, team_id, fiscal_year_start_month, cycle_weeks, anchor_date,
        created_at
    )
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
"""

RENAME_TEAM = """
    UPDATE {schema}.teams SET name = $2 WHERE id = $1
"""

ARCHIVE_TEAM = """
    UPDATE {schema}.teams SET archived = true WHERE id = $1
"""

RENAME_ROADMAP = """
    UPDATE {schema}.roadmaps SET name = $2 WHERE id = $1
"""

ARCHIVE_ROADMAP = """
    UPDATE {schema}.roadmaps SET archived = true WHERE id = $1
"""

INSERT_INITIATIVE = """
    INSERT INTO {schema}.initiatives (
        id, workspace_id, roadmap_id, proposed_at, proposed_position
    )
    VALUES ($1, $2, $3, $4, $5)
"""

INSERT_INITIATIVE_VERSION = """
    INSERT INTO {schema}.initiative_versions (
        initiative_id, valid_from, workspace_id, roadmap_id, title, goal, stakeholders,
        team_id, kind, parent_id, on_roadmap, opened_position
    )
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true, $11)
"""

# $1 initiative, $2 at, then a flag and a value per field: one statement for any update.
UPDATE_INITIATIVE = versioned_change(
    "initiative_versions",
    ("$1",),
    "$2",
    INITIATIVE_COLUMNS,
    {
        "title": "CASE WHEN $3 THEN $4::text ELSE title END",
        "goal": "CASE WHEN $5 THEN $6::text ELSE goal END",
        "stakeholders": "CASE WHEN $7 THEN $8::text[] ELSE stakeholders END",
        "team_id": "CASE WHEN $9 THEN $10::uuid ELSE team_id END",
        "kind": "CASE WHEN $11 THEN $12::text ELSE kind END",
    },
    position="$13",
)

TAKE_OFF_ROADMAP = versioned_change(
    "initiative_versions",
    ("$1",),
    "$2",
    INITIATIVE_COLUMNS,
    {"on_roadmap": "false"},
    position="$3",
)

CHANGE_PARENT = versioned_change(
    "initiative_versions",
    ("$1",),
    "$2",
    INITIATIVE_COLUMNS,
    {"parent_id": "$3::uuid"},
    position="$4",
)


def team_created(event: Team.Created, position: int) -> Sequence[Statement]:
    return [
        Statement(
            INSERT_TEAM, (event.originator_id, event.workspace_id, event.name, event.effective_at)
        )
    ]


def roadmap_created(event: Roadmap.Created, position: int) -> Sequence[Statement]:
    return [
        Statement(
            INSERT_ROADMAP,
            (
                event.originator_id,
                event.workspace_id,
                event.name,
                event.team_id,
                event.fiscal_year_start_month,
                event.cycle_weeks,
                event.anchor_date,
                event.effective_at,
            ),
        )
    ]


def team_renamed(event: Team.Renamed, position: int) -> Sequence[Statement]:
    return [Statement(RENAME_TEAM, (event.originator_id, event.name))]


def team_archived(event: Team.Archived, position: int) -> Sequence[Statement]:
    return [Statement(ARCHIVE_TEAM, (event.originator_id,))]


def roadmap_renamed(event: Roadmap.Renamed, position: int) -> Sequence[Statement]:
    return [Statement(RENAME_ROADMAP, (event.originator_id, event.name))]


def roadmap_archived(event: Roadmap.Archived, position: int) -> Sequence[Statement]:
    return [Statement(ARCHIVE_ROADMAP, (event.originator_id,))]


def initiative_placed(event: Roadmap.InitiativePlaced, position: int) -> Sequence[Statement]:
    roadmap_id = event.originator_id
    return [
        Statement(
            PLACE_INITIATIVE,
            (
                roadmap_id,
                event.initiative_id,
                event.effective_at,
                event.position,
                event.workspace_id,
                position,
            ),
        ),
        Statement(RENUMBER_IF_LONG, (roadmap_id, event.initiative_id)),
    ]


def initiative_moved(event: Roadmap.InitiativeMoved, position: int) -> Sequence[Statement]:
    roadmap_id = event.originator_id
    return [
        Statement(
            MOVE_INITIATIVE,
            (roadmap_id, event.initiative_id, event.effective_at, event.to_position, position),
        ),
        Statement(RENUMBER_IF_LONG, (roadmap_id, event.initiative_id)),
    ]


def initiative_removed(event: Roadmap.InitiativeRemoved, position: int) -> Sequence[Statement]:
    roadmap_id = event.originator_id
    return [
        Statement(
            REMOVE_INITIATIVE, (roadmap_id, event.initiative_id, event.effective_at, position)
        ),
    ]


def initiative_proposed(event: Initiative.Proposed, position: int) -> Sequence[Statement]:
    initiative_id = event.originator_id
    return [
        Statement(
            INSERT_INITIATIVE,
            (initiative_id, event.workspace_id, event.roadmap_id, event.effective_at, position),
        ),
        Statement(
            INSERT_INITIATIVE_VERSION,
            (
                initiative_id,
                event.effective_at,
                event.workspace_id,
                event.roadmap_id,
                event.title,
                event.goal,
                list(event.stakeholders),
                event.team_id,
                event.kind,
                event.parent_id,
                position,
            ),
        ),
    ]


UPDATABLE_FIELDS = ("title", "goal", "stakeholders", "team_id", "kind")


def initiative_updated(event: Initiative.Updated, position: int) -> Sequence[Statement]:
    args: list[Any] = [event.originator_id, event.effective_at]
    for name in UPDATABLE_FIELDS:
        change = event.changes.get(name)
        new = None if change is None else change[1]
        args += [change is not None, list(new) if isinstance(new, list) else new]
    return [Statement(UPDATE_INITIATIVE, (*args, position))]


def initiative_parent_changed(
    event: Initiative.ParentChanged, position: int
) -> Sequence[Statement]:
    return [
        Statement(
            CHANGE_PARENT, (event.originator_id, event.effective_at, event.parent_id, position)
        )
    ]


def initiative_removed_from_roadmap(
    event: Initiative.RemovedFromRoadmap, position: int
) -> Sequence[Statement]:
    return [
        Statement(TAKE_OFF_ROADMAP, (event.originator_id, event.effective_at, position)),
    ]


def deliverable_added(event: Initiative.DeliverableAdded, position: int) -> Sequence[Statement]:
    keys = (event.originator_id, event.deliverable_id, event.workspace_id, event.effective_at)
    return [
        Statement(INSERT_DELIVERABLE, (*keys, position)),
        Statement(INSERT_DELIVERABLE_VERSION, (*keys, position, event.title, event.stretch)),
    ]


DELIVERABLE_UPDATABLE_FIELDS = ("title", "stretch")


def deliverable_updated(event: Initiative.DeliverableUpdated, position: int) -> Sequence[Statement]:
    args: list[Any] = [event.originator_id, event.deliverable_id, event.effective_at]
    for name in DELIVERABLE_UPDATABLE_FIELDS:
        change = event.changes.get(name)
        args += [change is not None, None if change is None else change[1]]
    return [Statement(UPDATE_DELIVERABLE, (*args, position))]


def deliverable_removed(event: Initiative.DeliverableRemoved, position: int) -> Sequence[Statement]:
    return [
        Statement(
            REMOVE_DELIVERABLE,
            (event.originator_id, event.deliverable_id, event.effective_at, position),
        )
    ]


def deliverable_status_changed(
    event: Initiative.DeliverableStatusChanged, position: int
) -> Sequence[Statement | Fact]:
    return [
        Statement(
            CHANGE_STATUS,
            (
                event.originator_id,
                event.deliverable_id,
                event.effective_at,
                event.to_status,
                event.completed_at,
                position,
            ),
        ),
        Fact(
            STATUS_CHANGES,
            (
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
            ),
        ),
    ]


def deliverable_estimated(
    event: Initiative.DeliverableEstimated, position: int
) -> Sequence[Statement | Fact]:
    return [
        Statement(
            ESTIMATE,
            (event.originator_id, event.deliverable_id, event.effective_at, event.weeks, position),
        ),
        Fact(
            ESTIMATES,
            (
                position,
                event.originator_id,
                event.deliverable_id,
                event.generation,
                event.workspace_id,
                event.weeks,
                event.confidence,
                event.reason,
                event.actor,
                event.effective_at,
            ),
        ),
    ]


def deliverable_untargeted(
    event: Initiative.DeliverableUntargeted, position: int
) -> Sequence[Statement]:
    """Its cycle was cancelled: no target any more (no retarget fact: not a slip)."""
    args = (event.originator_id, event.deliverable_id, event.effective_at, None, None)
    return [Statement(RETARGET, (*args, position))]


def deliverable_retargeted(
    event: Initiative.DeliverableRetargeted, position: int
) -> Sequence[Statement | Fact]:
    return [
        Statement(
            RETARGET,
            (
                event.originator_id,
                event.deliverable_id,
                event.effective_at,
                event.to_cycle_id,
                event.to_date,
                position,
            ),
        ),
        Fact(
            RETARGETS,
            (
                position,
                event.workspace_id,
                event.originator_id,
                event.deliverable_id,
                event.from_cycle_id,
                event.from_date,
                event.from_due_on,
                event.to_cycle_id,
                event.to_date,
                event.to_due_on,
                event.slip,
                event.effective_at,
                event.timestamp,
                event.actor,
                event.reason,
            ),
        ),
        *joined_cycle(event, position),
    ]


def effort_logged(event: Initiative.EffortLogged, position: int) -> Sequence[Statement]:
    return [
        Statement(
            LOG_EFFORT,
            (event.originator_id, event.deliverable_id, event.effective_at, event.weeks, position),
        ),
    ]


HANDLERS: dict[type[Any], Handler] = {
    Team.Created: team_created,
    Team.Renamed: team_renamed,
    Team.Archived: team_archived,
    Workspace.Created: workspace_created,
    Workspace.FiscalYearSet: fiscal_year_set,
    Roadmap.Created: roadmap_created,
    Roadmap.Renamed: roadmap_renamed,
    Roadmap.Archived: roadmap_archived,
    Roadmap.InitiativePlaced: initiative_placed,
    Roadmap.InitiativeMoved: initiative_moved,
    Roadmap.InitiativeRemoved: initiative_removed,
    Roadmap.CycleCreated: cycle_created,
    Roadmap.CycleUpdated: cycle_updated,
    Roadmap.CycleCancelled: cycle_cancelled,
    Roadmap.CycleStarted: cycle_started,
    Roadmap.CycleClosed: cycle_closed,
    Initiative.Proposed: initiative_proposed,
    Initiative.Updated: initiative_updated,
    Initiative.ParentChanged: initiative_parent_changed,
    Initiative.RemovedFromRoadmap: initiative_removed_from_roadmap,
    Initiative.DeliverableAdded: deliverable_added,
    Initiative.DeliverableUpdated: deliverable_updated,
    Initiative.DeliverableRemoved: deliverable_removed,
    Initiative.DeliverableStatusChanged: deliverable_status_changed,
    Initiative.DeliverableEstimated: deliverable_estimated,
    Initiative.DeliverableRetargeted: deliverable_retargeted,
    Initiative.DeliverableUntargeted: deliverable_untargeted,
    Initiative.EffortLogged: effort_logged,
}

ROADMAP = ReadModel(
    "roadmap",
    with_versions(HANDLERS, Roadmap, Initiative),
    facts=(ESTIMATES, STATUS_CHANGES, RETARGETS, AGGREGATE_VERSIONS),
    # The reports read the facts; no handler does.
    facts_unread=True,
    # Handlers find rows by key: placements_current, cycles_by_id and the *_current unique
    # indexes stay.
    query_indexes=(
        "teams_by_name",
        "roadmaps_by_name",
        "initiatives_by_roadmap",
        "initiatives_by_workspace",
        "initiative_versions_by_parent",
        "deliverables_by_roadmap",
        "deliverable_versions_current_by_roadmap",
        "deliverable_versions_completed",
        "initiative_versions_recorded",
        "placements_recorded",
        "deliverable_versions_recorded",
        "estimates_by_deliverable",
        "status_changes_by_deliverable",
        "retargets_by_deliverable",
    ),
)
