"""``roadmapDiff``: what changed on a roadmap between two instants, from two indexed reads.

Both instants are read as ``roadmap(asOf:)`` reads them; the difference is computed here:

- added: on the roadmap at ``to`` and not at ``from``; removed: the other way round;
- moved: on it at both, at different positions (whatever moved it: its own move, or
  others placed, moved or removed above it);
- changed: on it at both, with fields that differ: its own (``title``, ``goal``,
  ``stakeholders``, ``team``, ``kind``, ``parent``, and the rolled-up ``status``) and its
  deliverables' (``deliverables.<id>.<field>``; a deliverable added in between is
  ``deliverables.<id>`` from null to its title, one removed in between from its title to
  null). Values are JSON-encoded as on the timeline.

The same deliverable changes are listed per deliverable under ``deliverableChanges``,
with the deliverable's own field names (``status``, not ``deliverables.<id>.status``): the
readable form; the id-keyed entries stay in ``changes`` so that the contract holds. Each
change also has labels (``schema.labels``): names, not ids.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from projections.roadmap_queries import (
    RoadmapRows,
    Row,
    decimal,
    roadmap_rows,
    roadmaps_by_ids,
)
from projections.timeline import encoded
from schema.context import Info
from schema.errors import BAD_USER_INPUT, coded_error
from schema.initiatives import Initiative
from schema.permissions import require
from schema.relay import to_global_id
from schema.roadmap.entities import Deliverable
from schema.roadmap.history import (
    DeliverableChanges,
    InitiativeChanges,
    InitiativeMove,
    RoadmapDiff,
)
from schema.roadmap.roadmaps import initiative_of_rows
from schema.roadmap.timeline import FieldChange, labelled

DELIVERABLE_FIELDS = (
    ("title", "title"),
    ("stretch", "stretch"),
    ("status", "status"),
    ("estimateWeeks", "estimate_weeks"),
    ("targetCycle", "target_cycle_id"),
    ("targetDate", "target_date"),
    ("actualWeeks", "actual_weeks"),
    ("completedAt", "completed_at"),
)


def _ref(kind: str, id: UUID | None) -> str | None:
    return None if id is None else str(to_global_id(kind, id))


def initiative_fields(row: Row, status: str) -> dict[str, Any]:
    """An initiative's compared fields, as the API shows them (its rolled-up status given)."""
    return {
        "title": row["title"],
        "goal": row["goal"],
        "stakeholders": list(row["stakeholders"]),
        "team": _ref("Team", row["team_id"]),
        "kind": row["kind"],
        "parent": _ref("Initiative", row["parent_id"]),
        "status": status,
    }


def deliverable_fields(row: Row) -> dict[str, Any]:
    """A deliverable's compared fields, as the API shows them (decimals compared as such)."""
    values = {name: row[column] for name, column in DELIVERABLE_FIELDS}
    for name in ("estimateWeeks", "actualWeeks"):
        values[name] = decimal(values[name])
    if row["target_cycle_id"] is not None:
        values["targetCycle"] = str(
            to_global_id("Cycle", row["roadmap_id"], row["target_cycle_id"])
        )
    return values


@dataclass(frozen=True)
class DeliverableDifference:
    """How one deliverable of an initiative differs between two instants."""

    row: Row
    """The deliverable at the later instant, or at the earlier one if it was removed."""
    changes: list[tuple[str, Any, Any]]
    """(field, old, new) by the deliverable's own field names."""
    added: bool = False
    """Added in between: ``changes`` is its title from null."""
    removed: bool = False
    """Removed in between: ``changes`` is its title to null, ``row`` as it was."""


def own_changes(
    before: Row, before_rows: RoadmapRows, after: Row, after_rows: RoadmapRows
) -> Iterator[tuple[str, Any, Any]]:
    """(field, old, new) for each of an initiative's own fields that differs, read in the
    roadmap's rows before and after."""
    id = after["initiative_id"]
    old, new = (
        initiative_fields(before, before_rows.status_of(id)),
        initiative_fields(after, after_rows.status_of(id)),
    )
    for name, value in new.items():
        if old[name] != value:
            yield name, old[name], value


def deliverable_differences(
    before_deliverables: Sequence[Row], after_deliverables: Sequence[Row]
) -> Iterator[DeliverableDifference]:
    """Each deliverable that differs: those at the later instant in order, then those
    removed in between."""
    earlier = {d["deliverable_id"]: d for d in before_deliverables}
    for deliverable in after_deliverables:
        previous = earlier.get(deliverable["deliverable_id"])
        if previous is None:
            yield DeliverableDifference(
                deliverable, [("title", None, deliverable["title"])], added=True
            )
            continue
        was, now = deliverable_fields(previous), deliverable_fields(deliverable)
        changes = [(name, was[name], value) for name, value in now.items() if was[name] != value]
        if changes:
            yield DeliverableDifference(deliverable, changes)
    later = {d["deliverable_id"] for d in after_deliverables}
    for deliverable in before_deliverables:
        if deliverable["deliverable_id"] not in later:
            yield DeliverableDifference(
                deliverable, [("title", deliverable["title"], None)], removed=True
            )


def id_keyed(differences: Sequence[DeliverableDifference]) -> Iterator[tuple[str, Any, Any]]:
    """Deliverable changes as ``changes`` has always listed them, keyed by id:
    ``deliverables.<id>.<field>``, and ``deliverables.<id>`` for one added or removed in
    between."""
    for difference in differences:
        path = f"deliverables.{to_global_id('Deliverable', *deliverable_key(difference.row))}"
        for name, old, new in difference.changes:
            yield (path if difference.added or difference.removed else f"{path}.{name}"), old, new


def deliverable_key(row: Row) -> tuple[UUID, UUID]:
    """(initiative_id, deliverable_id): what a deliverable's global id carries."""
    return row["initiative_id"], row["deliverable_id"]


def _change(name: str, old: Any, new: Any) -> FieldChange:
    return FieldChange(field=name, from_=encoded(old), to=encoded(new))


def difference(
    before: RoadmapRows | None, after: RoadmapRows | None, from_: datetime, to: datetime
) -> RoadmapDiff:
    """The difference of a roadmap read at two instants (None: it did not exist yet)."""
    old_order = [] if before is None else before.initiatives
    new_order = [] if after is None else after.initiatives
    old = {row["initiative_id"]: (n, row) for n, row in enumerate(old_order, start=1)}
    new = {row["initiative_id"]: (n, row) for n, row in enumerate(new_order, start=1)}

    def initiative(rows: RoadmapRows | None, position: int, row: Row, at: datetime) -> Initiative:
        assert rows is not None
        return initiative_of_rows(rows, row, position, at)

    added = [initiative(after, n, row, to) for id, (n, row) in new.items() if id not in old]
    removed = [initiative(before, n, row, from_) for id, (n, row) in old.items() if id not in new]
    moved, changed = [], []
    for id, (n, row) in new.items():
        if id not in old:
            continue
        was, previous = old[id]
        current = initiative(after, n, row, to)
        if was != n:
            moved.append(InitiativeMove(initiative=current, from_position=was, to_position=n))
        assert before is not None and after is not None, "on the roadmap at both instants"
        was_delivering, delivering = before.deliverables.get(id, ()), after.deliverables.get(id, ())
        differences = list(deliverable_differences(was_delivering, delivering))
        own = own_changes(previous, before, row, after)
        changes = [_change(*change) for change in (*own, *id_keyed(differences))]
        deliverables = [
            DeliverableChanges(
                deliverable=Deliverable.of(d.row, from_ if d.removed else to),
                changes=[_change(*change) for change in d.changes],
            )
            for d in differences
        ]
        if changes:
            changed.append(
                InitiativeChanges(
                    initiative=current, changes=changes, deliverable_changes=deliverables
                )
            )
    return RoadmapDiff(
        from_=from_, to=to, added=added, removed=removed, moved=moved, changed=changed
    )


async def roadmap_diff(info: Info, roadmap_id: UUID, from_: datetime, to: datetime) -> RoadmapDiff:
    """The difference of the roadmap between ``from_`` and ``to`` (business time)."""
    workspace_id = require(info).workspace_id
    if from_ > to:
        raise coded_error(
            BAD_USER_INPUT, f"from ({from_.isoformat()}) is after to ({to.isoformat()})"
        )
    async with info.context.services.pool.acquire() as conn:
        if not await roadmaps_by_ids(conn, workspace_id, [roadmap_id]):
            missing = to_global_id("Roadmap", roadmap_id)
            raise coded_error(BAD_USER_INPUT, f"id: no roadmap {missing!r}")
        before = await roadmap_rows(conn, workspace_id, roadmap_id, from_)
        after = await roadmap_rows(conn, workspace_id, roadmap_id, to)
    diff = difference(before, after, from_, to)
    await labelled(
        info,
        [
            change
            for changed in diff.changed
            for change in (
                *changed.changes,
                *(c for d in changed.deliverable_changes for c in d.changes),
            )
        ],
    )
    return diff
