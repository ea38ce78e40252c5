"""What objectives, key results and decisions say on the timeline (see timeline_entries)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from backend.domain.decision import Decision
from backend.domain.objective import Objective
from projections.timeline_entries import Entry, Ref, because, literal, quoted


def objective_created(e: Objective.Created) -> Entry:
    return Entry(
        "ObjectiveCreated",
        "Objective",
        (e.originator_id,),
        f"Set objective {quoted(e.title)} for {literal(e.period)}",
        about=tuple(i for i in (e.team_id, e.parent_id) if i is not None),
        changes=(
            ("title", None, e.title),
            ("period", None, e.period),
            ("level", None, e.level),
            ("team", None, Ref("Team", (e.team_id,)) if e.team_id else None),
            ("parent", None, Ref("Objective", (e.parent_id,)) if e.parent_id else None),
        ),
        names=((Ref("Objective", (e.originator_id,)), e.title),),
    )


def key_result_added(e: Objective.KeyResultAdded) -> Entry:
    return Entry(
        "KeyResultAdded",
        "KeyResult",
        (e.originator_id, e.key_result_id),
        f"Added key result {quoted(e.title)} to %s",
        quoted=(e.originator_id,),
        about=(e.originator_id,),
        changes=(
            ("title", None, e.title),
            ("unit", None, e.unit),
            ("startValue", None, e.start_value),
            ("targetValue", None, e.target_value),
        ),
        names=((Ref("KeyResult", (e.originator_id, e.key_result_id)), e.title),),
    )


def key_result_checked_in(e: Objective.KeyResultCheckedIn) -> Entry:
    return Entry(
        "KeyResultCheckedIn",
        "KeyResult",
        (e.originator_id, e.key_result_id),
        f"Checked in %s at {e.value:g}{because(e.reason)}",
        quoted=(e.key_result_id,),
        about=(e.originator_id,),
        changes=(("currentValue", None, e.value), ("confidence", None, e.confidence)),
    )


def objective_updated(e: Objective.Updated) -> Entry:
    """What changed; the summary quotes the objective (by its name before) and its new
    parent by theirs."""
    changes: list[tuple[str, Any, Any]] = []
    told: list[str] = []
    quoted_ids: tuple[UUID, ...] = (e.originator_id,)
    if e.title != e.from_title:
        changes.append(("title", e.from_title, e.title))
        told.append(f"title from {quoted(e.from_title)} to {quoted(e.title)}")
    if e.team_id != e.from_team_id:
        changes.append(("team", team_ref(e.from_team_id), team_ref(e.team_id)))
        told.append("another team")
    if e.parent_id != e.from_parent_id:
        changes.append(("parent", objective_ref(e.from_parent_id), objective_ref(e.parent_id)))
        if e.parent_id is None:
            told.append("now top-level")
        else:
            told.append("now under %s")
            quoted_ids = (e.originator_id, e.parent_id)
    return Entry(
        "ObjectiveUpdated",
        "Objective",
        (e.originator_id,),
        f"Changed objective %s: {', '.join(told)}{because(e.reason)}",
        quoted=quoted_ids,
        about=tuple(i for i in (e.parent_id, e.from_parent_id) if i is not None),
        changes=tuple(changes),
        names=((Ref("Objective", (e.originator_id,)), e.title),),
    )


def objective_archived(e: Objective.Archived) -> Entry:
    return Entry(
        "ObjectiveArchived",
        "Objective",
        (e.originator_id,),
        f"Archived objective %s{because(e.reason)}",
        quoted=(e.originator_id,),
        changes=(("archived", False, True),),
    )


def team_ref(team_id: UUID | None) -> Ref | None:
    return None if team_id is None else Ref("Team", (team_id,))


def objective_ref(objective_id: UUID | None) -> Ref | None:
    return None if objective_id is None else Ref("Objective", (objective_id,))


KEY_RESULT_FIELDS = (
    ("title", "title", "from_title"),
    ("unit", "unit", "from_unit"),
    ("targetValue", "target_value", "from_target_value"),
)


def shown(value: str | float) -> str:
    """A key result's field value in a summary: text quoted, numbers as check-ins show them."""
    return quoted(value) if isinstance(value, str) else f"{value:g}"


def key_result_updated(e: Objective.KeyResultUpdated) -> Entry:
    changes = tuple(
        (name, getattr(e, before), getattr(e, after))
        for name, after, before in KEY_RESULT_FIELDS
        if getattr(e, before) != getattr(e, after)
    )
    told = ", ".join(f"{name} from {shown(old)} to {shown(new)}" for name, old, new in changes)
    return Entry(
        "KeyResultUpdated",
        "KeyResult",
        (e.originator_id, e.key_result_id),
        f"Changed key result %s of %s: {told}{because(e.reason)}",
        quoted=(e.key_result_id, e.originator_id),
        about=(e.originator_id,),
        changes=changes,
        names=((Ref("KeyResult", (e.originator_id, e.key_result_id)), e.title),),
    )


def key_result_removed(e: Objective.KeyResultRemoved) -> Entry:
    return Entry(
        "KeyResultRemoved",
        "KeyResult",
        (e.originator_id, e.key_result_id),
        f"Removed key result %s from %s{because(e.reason)}",
        quoted=(e.key_result_id, e.originator_id),
        about=(e.originator_id,),
    )


def decision_recorded(e: Decision.Recorded) -> Entry:
    linked = tuple(link["id"] for link in e.links)
    return Entry(
        "DecisionRecorded",
        "Decision",
        (e.originator_id,),
        f"Recorded decision {quoted(e.title)} ({e.status})",
        about=linked,
        changes=(
            ("title", None, e.title),
            ("outcome", None, e.outcome),
            ("status", None, e.status),
            ("decidedBy", None, list(e.decided_by)),
        ),
        names=((Ref("Decision", (e.originator_id,)), e.title),),
    )


def decision_superseded(e: Decision.Superseded) -> Entry:
    return Entry(
        "DecisionSuperseded",
        "Decision",
        (e.originator_id,),
        f"Decision %s was superseded by %s{because(e.reason)}",
        quoted=(e.originator_id, e.superseded_by_id),
        about=(e.superseded_by_id,),
        changes=(
            ("status", None, "SUPERSEDED"),
            ("supersededBy", None, Ref("Decision", (e.superseded_by_id,))),
        ),
    )


GOAL_DESCRIBERS: dict[type[Any], Callable[[Any], Entry]] = {
    Objective.Created: objective_created,
    Objective.KeyResultAdded: key_result_added,
    Objective.KeyResultCheckedIn: key_result_checked_in,
    Objective.Updated: objective_updated,
    Objective.Archived: objective_archived,
    Objective.KeyResultUpdated: key_result_updated,
    Objective.KeyResultRemoved: key_result_removed,
    Decision.Recorded: decision_recorded,
    Decision.Superseded: decision_superseded,
}
