"""What each event says on the timeline: type, subject, field changes and a summary.

Each describer is pure: an event in, an ``Entry`` out. Names the event does not carry
(the title of the initiative that moved) are left as ``%s`` slots in the summary template
and filled in SQL from the timeline's own ``names`` table; every other literal ``%`` is
doubled for ``format()``.
Field names are the GraphQL ones; values are encoded as the API shows them (global ids
for references, decimals as strings) by ``projections.timeline``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from backend.domain.initiative import Initiative
from backend.domain.roadmap import Roadmap
from backend.domain.team import Team
from backend.domain.workspace import DEFAULT_FISCAL_YEAR_START_MONTH, Workspace
from projections.labels import MONTHS, label


@dataclass(frozen=True)
class Ref:
    """A reference value in a field change: encoded as the global id of ``kind``."""

    kind: str
    ids: tuple[UUID, ...]


ENTRY_TYPES = (
    "CycleClosed",
    "CycleCancelled",
    "CycleCreated",
    "CycleStarted",
    "CycleUpdated",
    "DecisionRecorded",
    "DecisionSuperseded",
    "DeliverableAdded",
    "DeliverableEstimated",
    "DeliverableRemoved",
    "DeliverableRetargeted",
    "DeliverableStatusChanged",
    "DeliverableUpdated",
    "DeliverableUntargeted",
    "EffortLogged",
    "FiscalYearSet",
    "InitiativeAligned",
    "InitiativeMoved",
    "InitiativeParentChanged",
    "InitiativePlaced",
    "InitiativeProposed",
    "InitiativeRemoved",
    "InitiativeRemovedFromRoadmap",
    "InitiativeUnaligned",
    "InitiativeUpdated",
    "KeyResultAdded",
    "KeyResultCheckedIn",
    "KeyResultRemoved",
    "KeyResultUpdated",
    "ObjectiveArchived",
    "ObjectiveCreated",
    "ObjectiveUpdated",
    "RoadmapArchived",
    "RoadmapCreated",
    "RoadmapRenamed",
    "StatusUpdatePosted",
    "TeamArchived",
    "TeamCreated",
    "TeamRenamed",
)
"""Every type a timeline entry has: what ``timeline(types:)`` accepts."""


@dataclass(frozen=True)
class Entry:
    """One timeline entry, before names are looked up and values encoded."""

    type: str
    subject_kind: str
    subject_ids: tuple[UUID, ...]
    summary: str
    """A ``format()`` template: a ``%s`` per id of ``quoted`` (and ``FROM_CYCLE``,
    ``TO_CYCLE`` for ``cycles``), other ``%`` doubled."""
    quoted: tuple[UUID, ...] = ()
    about: tuple[UUID, ...] = ()
    """Further ids this entry belongs to the history of (besides its subject)."""
    changes: tuple[tuple[str, Any, Any], ...] = ()
    names: tuple[tuple[Ref, str], ...] = ()
    """(what, its name) to remember, for later summaries and references."""
    weeks: Decimal | None = None
    """Weeks estimated or logged on ``deliverable``: the entry's insert adds the change, its
    "from" taken from the deliverable's earlier entries (see projections.timeline)."""
    deliverable: UUID | None = None
    cycles: tuple[UUID | None, UUID | None] = (None, None)
    """The cycles a retarget moves between: the entry's insert adds the change, quoting
    their global ids, and fills their names, as they were then, in at ``FROM_CYCLE`` and
    ``TO_CYCLE`` in the summary."""

    def __post_init__(self) -> None:
        assert self.type in ENTRY_TYPES, f"timeline entry type {self.type!r} is not in ENTRY_TYPES"


FROM_CYCLE = "%3$s"
TO_CYCLE = "%4$s"
"""Where a summary names the cycles of ``Entry.cycles`` (unquoted, "from Cycle 1 to Cycle
2"): ``format()``'s third and fourth arguments, after the two ``quoted`` names."""


def literal(text: str) -> str:
    """Text from an event, safe inside a ``format()`` template."""
    return text.replace("%", "%%")


def quoted(text: str) -> str:
    """A name from the event itself, quoted as summaries quote names."""
    return literal(f"'{text}'")


def because(reason: str) -> str:
    """': reason', or nothing without a reason."""
    return f": {literal(reason)}" if reason else ""


def _fiscal_year_set(e: Any, from_month: int) -> Entry:
    return Entry(
        "FiscalYearSet",
        "Workspace",
        (e.originator_id,),
        f"Set the fiscal year to start in {MONTHS[e.fiscal_year_start_month - 1]}"
        f" (was {MONTHS[from_month - 1]}){because(e.reason)}",
        changes=(("fiscalYearStartMonth", from_month, e.fiscal_year_start_month),),
    )


def workspace_created(e: Workspace.Created) -> Entry:
    return _fiscal_year_set(e, DEFAULT_FISCAL_YEAR_START_MONTH)


def fiscal_year_set(e: Workspace.FiscalYearSet) -> Entry:
    return _fiscal_year_set(e, e.from_month)


def team_created(e: Team.Created) -> Entry:
    return Entry(
        "TeamCreated",
        "Team",
        (e.originator_id,),
        f"Created team {quoted(e.name)}",
        changes=(("name", None, e.name),),
        names=((Ref("Team", (e.originator_id,)), e.name),),
    )


def roadmap_created(e: Roadmap.Created) -> Entry:
    team = Ref("Team", (e.team_id,)) if e.team_id else None
    return Entry(
        "RoadmapCreated",
        "Roadmap",
        (e.originator_id,),
        f"Created roadmap {quoted(e.name)}",
        about=(e.team_id,) if e.team_id else (),
        changes=(
            ("name", None, e.name),
            ("team", None, team),
            ("fiscalYearStartMonth", None, e.fiscal_year_start_month),
            ("cycleWeeks", None, e.cycle_weeks),
            ("anchorDate", None, e.anchor_date),
        ),
        names=((Ref("Roadmap", (e.originator_id,)), e.name),),
    )


def renamed(e: Team.Renamed | Roadmap.Renamed, kind: str) -> Entry:
    """A rename; the new name is the one later summaries quote."""
    return Entry(
        f"{kind}Renamed",
        kind,
        (e.originator_id,),
        f"Renamed {kind.lower()} {quoted(e.from_name)} to {quoted(e.name)}{because(e.reason)}",
        changes=(("name", e.from_name, e.name),),
        names=((Ref(kind, (e.originator_id,)), e.name),),
    )


def archived(e: Team.Archived | Roadmap.Archived, kind: str) -> Entry:
    return Entry(
        f"{kind}Archived",
        kind,
        (e.originator_id,),
        f"Archived {kind.lower()} %s{because(e.reason)}",
        quoted=(e.originator_id,),
        changes=(("archived", False, True),),
    )


def initiative_placed(e: Roadmap.InitiativePlaced) -> Entry:
    return Entry(
        "InitiativePlaced",
        "Initiative",
        (e.initiative_id,),
        f"Placed %s at {e.position} on %s{because(e.reason)}",
        quoted=(e.initiative_id, e.originator_id),
        about=(e.originator_id,),
        changes=(("position", None, e.position),),
    )


def initiative_moved(e: Roadmap.InitiativeMoved) -> Entry:
    return Entry(
        "InitiativeMoved",
        "Initiative",
        (e.initiative_id,),
        f"Moved %s from {e.from_position} to {e.to_position}{because(e.reason)}",
        quoted=(e.initiative_id,),
        about=(e.originator_id,),
        changes=(("position", e.from_position, e.to_position),),
    )


def initiative_removed(e: Roadmap.InitiativeRemoved) -> Entry:
    return Entry(
        "InitiativeRemoved",
        "Initiative",
        (e.initiative_id,),
        f"Removed %s from %s (was {e.from_position}){because(e.reason)}",
        quoted=(e.initiative_id, e.originator_id),
        about=(e.originator_id,),
        changes=(("position", e.from_position, None),),
    )


def cycle_created(e: Roadmap.CycleCreated) -> Entry:
    return Entry(
        "CycleCreated",
        "Cycle",
        (e.originator_id, e.cycle_id),
        f"Planned cycle {quoted(e.name)} on %s"
        f" ({e.starts_on.isoformat()}..{e.ends_on.isoformat()})",
        quoted=(e.originator_id,),
        about=(e.originator_id,),
        changes=(
            ("name", None, e.name),
            ("startsOn", None, e.starts_on),
            ("endsOn", None, e.ends_on),
            ("state", None, "PLANNED"),
        ),
        names=((Ref("Cycle", (e.originator_id, e.cycle_id)), e.name),),
    )


def cycle_updated(e: Roadmap.CycleUpdated) -> Entry:
    was = f"{quoted(e.from_name)} ({e.from_starts_on.isoformat()}..{e.from_ends_on.isoformat()})"
    now = f"{quoted(e.name)} ({e.starts_on.isoformat()}..{e.ends_on.isoformat()})"
    fields = (
        ("name", e.from_name, e.name),
        ("startsOn", e.from_starts_on, e.starts_on),
        ("endsOn", e.from_ends_on, e.ends_on),
    )
    return Entry(
        "CycleUpdated",
        "Cycle",
        (e.originator_id, e.cycle_id),
        f"Changed planned cycle {was} to {now} on %s{because(e.reason)}",
        quoted=(e.originator_id,),
        about=(e.originator_id,),
        changes=tuple(change for change in fields if change[1] != change[2]),
        names=((Ref("Cycle", (e.originator_id, e.cycle_id)), e.name),),
    )


def cycle_cancelled(e: Roadmap.CycleCancelled) -> Entry:
    return Entry(
        "CycleCancelled",
        "Cycle",
        (e.originator_id, e.cycle_id),
        f"Cancelled cycle %s on %s{because(e.reason)}",
        quoted=(e.cycle_id, e.originator_id),
        about=(e.originator_id,),
        changes=(("state", "PLANNED", "CANCELLED"),),
    )


def cycle_started(e: Roadmap.CycleStarted) -> Entry:
    count = len(e.committed)
    return Entry(
        "CycleStarted",
        "Cycle",
        (e.originator_id, e.cycle_id),
        f"Started cycle %s with {count} committed deliverable{'s' if count != 1 else ''}",
        quoted=(e.cycle_id,),
        about=(e.originator_id,),
        changes=(("state", "PLANNED", "ACTIVE"),),
    )


def cycle_closed(e: Roadmap.CycleClosed) -> Entry:
    done = sum(1 for item in e.outcome if item.get("status") == "DONE")
    return Entry(
        "CycleClosed",
        "Cycle",
        (e.originator_id, e.cycle_id),
        f"Closed cycle %s: {done} of {len(e.outcome)} deliverables done",
        quoted=(e.cycle_id,),
        about=(e.originator_id,),
        changes=(("state", "ACTIVE", "CLOSED"),),
    )


def initiative_proposed(e: Initiative.Proposed) -> Entry:
    return Entry(
        "InitiativeProposed",
        "Initiative",
        (e.originator_id,),
        f"Proposed {quoted(e.title)} on %s{because(e.reason)}",
        quoted=(e.roadmap_id,),
        about=(e.roadmap_id,),
        changes=(
            ("title", None, e.title),
            ("goal", None, e.goal),
            ("stakeholders", None, list(e.stakeholders)),
            ("team", None, Ref("Team", (e.team_id,)) if e.team_id else None),
            ("kind", None, e.kind),
            ("parent", None, Ref("Initiative", (e.parent_id,)) if e.parent_id else None),
        ),
        names=((Ref("Initiative", (e.originator_id,)), e.title),),
    )


FIELD_NAMES = {"team_id": "team"}


def _initiative_value(name: str, value: Any) -> Any:
    if name == "team_id" and value is not None:
        return Ref("Team", (value,))
    return list(value) if isinstance(value, list) else value


def initiative_updated(e: Initiative.Updated) -> Entry:
    changes = tuple(
        (FIELD_NAMES.get(name, name), _initiative_value(name, old), _initiative_value(name, new))
        for name, (old, new) in e.changes.items()
    )
    renamed = e.changes.get("title")
    if renamed is not None:
        summary = f"Renamed {quoted(renamed[0])} to {quoted(renamed[1])}"
    else:
        fields = ", ".join(change[0] for change in changes)
        summary = f"Changed {literal(fields)} of %s"
    return Entry(
        "InitiativeUpdated",
        "Initiative",
        (e.originator_id,),
        summary + because(e.reason),
        quoted=() if renamed is not None else (e.originator_id,),
        changes=changes,
        names=((Ref("Initiative", (e.originator_id,)), renamed[1]),) if renamed else (),
    )


def initiative_parent_changed(e: Initiative.ParentChanged) -> Entry:
    quoted_ids: tuple[UUID, ...]
    if e.parent_id is None:
        summary, quoted_ids = "Made %s a top-level initiative again", (e.originator_id,)
    else:
        summary, quoted_ids = "Made %s a phase of %s", (e.originator_id, e.parent_id)
    return Entry(
        "InitiativeParentChanged",
        "Initiative",
        (e.originator_id,),
        summary + because(e.reason),
        quoted=quoted_ids,
        about=tuple(i for i in (e.parent_id, e.from_parent_id) if i is not None),
        changes=(
            (
                "parent",
                Ref("Initiative", (e.from_parent_id,)) if e.from_parent_id else None,
                Ref("Initiative", (e.parent_id,)) if e.parent_id else None,
            ),
        ),
    )


def initiative_left_roadmap(e: Initiative.RemovedFromRoadmap) -> Entry:
    return Entry(
        "InitiativeRemovedFromRoadmap",
        "Initiative",
        (e.originator_id,),
        f"%s left %s{because(e.reason)}",
        quoted=(e.originator_id, e.roadmap_id),
        about=(e.roadmap_id,),
        changes=(("onRoadmap", True, False),),
    )


def _deliverable(e: Any) -> tuple[str, tuple[UUID, UUID]]:
    return "Deliverable", (e.originator_id, e.deliverable_id)


def deliverable_added(e: Initiative.DeliverableAdded) -> Entry:
    return Entry(
        "DeliverableAdded",
        *_deliverable(e),
        f"Added deliverable {quoted(e.title)} to %s{because(e.reason)}",
        quoted=(e.originator_id,),
        about=(e.originator_id,),
        changes=(("title", None, e.title), ("stretch", None, e.stretch)),
        names=((Ref("Deliverable", (e.originator_id, e.deliverable_id)), e.title),),
    )


def deliverable_updated(e: Initiative.DeliverableUpdated) -> Entry:
    renamed = e.changes.get("title")
    stretch = e.changes.get("stretch")
    parts = []
    if renamed is not None:
        parts.append(f"Renamed deliverable {quoted(renamed[0])} to {quoted(renamed[1])}")
    if stretch is not None:
        made = "a stretch goal" if stretch[1] else "no longer a stretch goal"
        parts.append(f"made {made}" if parts else f"Made %s {made}")
    return Entry(
        "DeliverableUpdated",
        *_deliverable(e),
        ", ".join(parts) + because(e.reason),
        quoted=() if renamed is not None else (e.deliverable_id,),
        about=(e.originator_id,),
        changes=tuple((name, old, new) for name, (old, new) in e.changes.items()),
        names=((Ref("Deliverable", (e.originator_id, e.deliverable_id)), renamed[1]),)
        if renamed is not None
        else (),
    )


def deliverable_removed(e: Initiative.DeliverableRemoved) -> Entry:
    return Entry(
        "DeliverableRemoved",
        *_deliverable(e),
        f"Removed deliverable %s from %s{because(e.reason)}",
        quoted=(e.deliverable_id, e.originator_id),
        about=(e.originator_id,),
        changes=(("removed", False, True),),
    )


def deliverable_status_changed(e: Initiative.DeliverableStatusChanged) -> Entry:
    changes: tuple[tuple[str, Any, Any], ...] = (("status", e.from_status, e.to_status),)
    if e.completed_at is not None or e.from_status == "DONE":
        changes += (("completedAt", None, e.completed_at),)
    return Entry(
        "DeliverableStatusChanged",
        *_deliverable(e),
        f"Changed the status of %s from {e.from_status} to {e.to_status}{because(e.reason)}",
        quoted=(e.deliverable_id,),
        about=(e.originator_id,),
        changes=changes,
    )


def deliverable_estimated(e: Initiative.DeliverableEstimated) -> Entry:
    return Entry(
        "DeliverableEstimated",
        *_deliverable(e),
        f"Estimated %s at {label(e.weeks)} weeks (generation {e.generation}){because(e.reason)}",
        quoted=(e.deliverable_id,),
        about=(e.originator_id,),
        weeks=e.weeks,
        deliverable=e.deliverable_id,
    )


def _target(cycle_id: UUID | None, on: date | None, slot: str) -> str:
    """A target as a summary names it: its cycle (by name, filled in at ``slot``), else its
    date, else "no target"."""
    if cycle_id is not None:
        return slot
    return label(on) or "no target"


def deliverable_retargeted(e: Initiative.DeliverableRetargeted) -> Entry:
    was = _target(e.from_cycle_id, e.from_date or e.from_due_on, FROM_CYCLE)
    now = _target(e.to_cycle_id, e.to_date or e.to_due_on, TO_CYCLE)
    slip = " (slip)" if e.slip else ""
    cycles = tuple(c for c in (e.from_cycle_id, e.to_cycle_id) if c is not None)
    return Entry(
        "DeliverableRetargeted",
        *_deliverable(e),
        f"Retargeted %s from {was} to {now}{slip}{because(e.reason)}",
        quoted=(e.deliverable_id,),
        about=(e.originator_id, *cycles),
        changes=(("targetDate", e.from_date, e.to_date),),
        cycles=(e.from_cycle_id, e.to_cycle_id),
    )


def deliverable_untargeted(e: Initiative.DeliverableUntargeted) -> Entry:
    was = e.from_due_on.isoformat() if e.from_due_on else "no date"
    return Entry(
        "DeliverableUntargeted",
        *_deliverable(e),
        f"Took %s off cycle %s (due {was}), which was cancelled; it has no target now"
        f"{because(e.reason)}",
        quoted=(e.deliverable_id, e.from_cycle_id),
        about=(e.originator_id, e.from_cycle_id),
        cycles=(e.from_cycle_id, None),
    )


def effort_logged(e: Initiative.EffortLogged) -> Entry:
    return Entry(
        "EffortLogged",
        *_deliverable(e),
        f"Logged {label(e.weeks)} weeks on %s{because(e.reason)}",
        quoted=(e.deliverable_id,),
        about=(e.originator_id,),
        weeks=e.weeks,
        deliverable=e.deliverable_id,
    )


def initiative_aligned(e: Initiative.Aligned) -> Entry:
    return Entry(
        "InitiativeAligned",
        "Initiative",
        (e.originator_id,),
        f"Aligned %s to key result %s ({e.kind}){because(e.reason)}",
        quoted=(e.originator_id, e.key_result_id),
        about=(e.objective_id, e.key_result_id),
        changes=(
            ("keyResult", None, Ref("KeyResult", (e.objective_id, e.key_result_id))),
            ("kind", None, e.kind),
        ),
    )


def initiative_unaligned(e: Initiative.Unaligned) -> Entry:
    return Entry(
        "InitiativeUnaligned",
        "Initiative",
        (e.originator_id,),
        f"Unaligned %s from key result %s{because(e.reason)}",
        quoted=(e.originator_id, e.key_result_id),
        about=(e.objective_id, e.key_result_id),
        changes=(("keyResult", Ref("KeyResult", (e.objective_id, e.key_result_id)), None),),
    )


ROADMAP_DESCRIBERS: dict[type[Any], Callable[[Any], Entry]] = {
    Team.Created: team_created,
    Team.Renamed: lambda e: renamed(e, "Team"),
    Team.Archived: lambda e: archived(e, "Team"),
    Workspace.Created: workspace_created,
    Workspace.FiscalYearSet: fiscal_year_set,
    Roadmap.Created: roadmap_created,
    Roadmap.Renamed: lambda e: renamed(e, "Roadmap"),
    Roadmap.Archived: lambda e: archived(e, "Roadmap"),
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
    Initiative.RemovedFromRoadmap: initiative_left_roadmap,
    Initiative.DeliverableAdded: deliverable_added,
    Initiative.DeliverableUpdated: deliverable_updated,
    Initiative.DeliverableRemoved: deliverable_removed,
    Initiative.DeliverableStatusChanged: deliverable_status_changed,
    Initiative.DeliverableEstimated: deliverable_estimated,
    Initiative.DeliverableRetargeted: deliverable_retargeted,
    Initiative.DeliverableUntargeted: deliverable_untargeted,
    Initiative.EffortLogged: effort_logged,
    Initiative.Aligned: initiative_aligned,
    Initiative.Unaligned: initiative_unaligned,
}
