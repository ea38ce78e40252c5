"""What a shaped roadmap reads: the view of one roadmap at one instant, and per type and
field, the getter that reads a field's shown value from a row (see ``roadmap_shape``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Any
from uuid import UUID

from projections import roadmap_queries
from projections.roadmap_queries import Phases, cycle_changed, cycle_state, phases_of, status_of
from schema.relay import to_global_id

Getter = Callable[[Any], Any]
Row = roadmap_queries.Row


@dataclass(frozen=True)
class Column:
    """A getter reading one column of a row as it is (shaped by subscript, no call)."""

    name: str

    def __call__(self, row: Any) -> Any:
        return row[self.name]


global_id = lru_cache(maxsize=1 << 16)(to_global_id)
"""Global ids of rows, memoized: the same ids are encoded on every read of a roadmap."""


@dataclass
class View:
    """One roadmap at one instant: its rows by id, and the extras the selection needs."""

    at: datetime | None
    initiatives: dict[UUID, Row]
    positions: dict[UUID, int]
    deliverables: Mapping[UUID, Sequence[Row]]
    teams: dict[UUID, Row] = field(default_factory=dict)
    cycles: dict[UUID, Row] = field(default_factory=dict)
    estimates: dict[tuple[UUID, UUID], list[Row]] = field(default_factory=dict)
    recorded: int | None = None
    """The last log position counted, for a roadmap read as recorded; None: all."""

    def deliverables_of(self, row: Row) -> Sequence[Row]:
        return self.deliverables.get(row["initiative_id"], ())

    @cached_property
    def phases(self) -> Phases:
        """Each initiative's phases in the view, in priority order (the view's order)."""
        return phases_of(self.initiatives.values(), self.deliverables)

    def children_of(self, row: Row) -> list[Row]:
        """An initiative's phases on the roadmap at the view's instant, in priority order."""
        return [self.initiatives[id] for id in self.phases.children.get(row["initiative_id"], ())]

    def status_of(self, row: Row) -> str:
        """An initiative's rolled-up status (``roadmap_queries.status_of``)."""
        return status_of(row["initiative_id"], self.phases.statuses, self.phases.children)


HAND_BACK = object()
"""A getter's answer for "execute this field of this item as graphql-core would"."""


def roadmap_getters(view: View) -> dict[str, Getter]:
    """A roadmap's fields, read from its strawberry object (it is one)."""
    return {
        "id": lambda r: r.id,
        "name": lambda r: r.name,
        "archived": lambda r: r.archived,
        "asOf": lambda r: r.as_of,
        "version": lambda r: r.version,
        "cadence": lambda r: r.cadence,
        "team": lambda r: view.teams.get(r.team_id),
        "initiatives": lambda r: view.initiatives.values(),
    }


def initiative_getters(view: View) -> dict[str, Getter]:
    """An initiative's fields, read from its row and the view."""

    def parent(row: Row) -> Any:
        parent_id = row["parent_id"]
        if parent_id is None:
            return None
        # A parent on the same roadmap at the same instant is in the view; else ask.
        return view.initiatives.get(parent_id, HAND_BACK)

    return {
        "id": lambda r: global_id("Initiative", r["initiative_id"]),
        "title": Column("title"),
        "goal": Column("goal"),
        "stakeholders": Column("stakeholders"),
        "kind": Column("kind"),
        "position": lambda r: view.positions[r["initiative_id"]],
        "status": view.status_of,
        "version": Column("version"),
        "team": lambda r: view.teams.get(r["team_id"]),
        "parent": parent,
        "children": view.children_of,
        "deliverables": view.deliverables_of,
    }


def deliverable_getters(view: View) -> dict[str, Getter]:
    """A deliverable's fields, read from its row and the view."""

    def target_cycle(row: Row) -> Row | None:
        cycle = view.cycles.get(row["target_cycle_id"])
        if cycle is None or not cycle_changed(cycle, "created", view.at, view.recorded):
            return None
        return cycle

    return {
        "id": lambda r: global_id("Deliverable", r["initiative_id"], r["deliverable_id"]),
        "title": Column("title"),
        "stretch": Column("stretch"),
        "status": Column("status"),
        "estimateWeeks": Column("estimate_weeks"),
        "actualWeeks": Column("actual_weeks"),
        "targetDate": Column("target_date"),
        "completedAt": Column("completed_at"),
        "targetCycle": target_cycle,
        "estimates": lambda r: view.estimates.get((r["initiative_id"], r["deliverable_id"]), ()),
    }


def cycle_getters(view: View) -> dict[str, Getter]:
    """A target cycle's fields, its state at the view's instant."""
    return {
        "id": lambda r: global_id("Cycle", r["roadmap_id"], r["cycle_id"]),
        "name": Column("name"),
        "startsOn": Column("starts_on"),
        "endsOn": Column("ends_on"),
        "state": lambda r: cycle_state(r, view.at, view.recorded),
    }


TEAM_GETTERS: dict[str, Getter] = {
    "id": lambda r: global_id("Team", r["id"]),
    "name": Column("name"),
    "archived": Column("archived"),
}

ESTIMATE_GETTERS: dict[str, Getter] = {
    "weeks": Column("weeks"),
    "confidence": Column("confidence"),
    "reason": Column("reason"),
    "at": Column("at"),
    "actor": Column("actor"),
}

CADENCE_GETTERS: dict[str, Getter] = {
    "fiscalYearStartMonth": lambda c: c.fiscal_year_start_month,
    "cycleWeeks": lambda c: c.cycle_weeks,
    "anchorDate": lambda c: c.anchor_date,
}

SHOWN_AS_READ = {
    ("Deliverable", "estimateWeeks"),
    ("Deliverable", "actualWeeks"),
    ("EstimateGeneration", "weeks"),
}
"""Leaves whose rows hold the value as shown already (decimals are read as text)."""

EXTRAS = {
    ("Roadmap", "team"): "teams",
    ("Initiative", "team"): "teams",
    ("Deliverable", "targetCycle"): "cycles",
    ("Deliverable", "estimates"): "estimates",
}
"""The fields that need rows beyond the roadmap's own, and which."""
