"""The roadmap table as the seeds' spreadsheets show it, read through the roadmap read
model's queries (the ones the GraphQL roadmap query and the CLI export call).

One row per initiative, highest priority first: Project, Stakeholders, User-centric goal,
and its deliverables, each with its status (colour and words), a stretch mark, its target
(a cycle's name or a date) and its estimate in weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple
from uuid import UUID

from markupsafe import Markup

from backend.bootstrap import Services
from backend.domain.deliverable import FINISHED, STATUSES
from backend.exporting.roadmap import status_words
from projections.global_ids import global_id
from projections.roadmap_queries import (
    Row,
    cycles_of_roadmap,
    roadmap_rows,
    roadmaps_by_name,
)


def status_options(current: str) -> Markup:
    """The ``<option>``s of a status form, ``current`` selected: the statuses in the
    domain's order, in the seeds' words."""
    return Markup("").join(
        Markup('<option value="{}"{}>{}</option>').format(
            status, Markup(" selected") if status == current else "", status_words(status)
        )
        for status in STATUSES
    )


@cache
def status_badges(editor: bool) -> dict[str, Markup]:
    """Each status's badge, its colour and its words; made once, for the thousands of
    deliverables of a roadmap. An editor's is a button: board.js opens the status form
    next to it, with a reason to reopen if the status is a finished one."""
    if editor:
        badge = Markup('<button class="status status-{}" data-status="{}"{}>{}</button>')
        return {
            status: badge.format(
                status.lower(),
                status,
                Markup(" data-finished") if status in FINISHED else "",
                status_words(status),
            )
            for status in STATUSES
        }
    badge = Markup('<span class="status status-{}">{}</span>')
    return {status: badge.format(status.lower(), status_words(status)) for status in STATUSES}


SWITCHER_SIZE = 100
"""Roadmaps listed in the switcher (by name); a workspace has a handful."""


@dataclass(frozen=True)
class RoadmapLink:
    id: str
    name: str


class DeliverableRow(NamedTuple):
    """A deliverable as its row shows it. Named tuples, here and for initiatives: as
    immutable as frozen dataclasses, several times cheaper to make, for thousands, and
    the table's template unpacks them in its loops (fields in this order)."""

    id: str
    title: str
    status: str
    stretch: bool
    target: str | None
    estimate_weeks: str | None
    """Its exact digits, as the API shows them (no Decimal made to be printed)."""


class InitiativeRow(NamedTuple):
    id: str
    position: int
    title: str
    stakeholders: str
    """As the seeds write them: "Sales, Support"."""
    goal: str
    version: int
    deliverables: tuple[DeliverableRow, ...]


@dataclass(frozen=True)
class CycleOption:
    """A cycle a deliverable can be aimed at: its global id and its name."""

    id: str
    name: str


@dataclass(frozen=True)
class RoadmapTable:
    id: str
    name: str
    version: int
    rows: tuple[InitiativeRow, ...]
    cycles: tuple[CycleOption, ...] = ()
    """The roadmap's cycles, earliest first."""


async def roadmap_links(services: Services, workspace_id: UUID) -> list[RoadmapLink]:
    """The workspace's roadmaps (not archived) by name: the switcher."""
    async with services.pool.acquire() as conn:
        rows = await roadmaps_by_name(conn, workspace_id, None, SWITCHER_SIZE)
    return [RoadmapLink(global_id("Roadmap", row["id"]), row["name"]) for row in rows]


def _target(row: Row, cycles: dict[UUID, str]) -> str | None:
    if row["target_cycle_id"] is not None:
        return cycles.get(row["target_cycle_id"])
    return row["target_date"].isoformat() if row["target_date"] is not None else None


async def roadmap_table(
    services: Services, workspace_id: UUID, roadmap_id: UUID, at: datetime | None = None
) -> RoadmapTable | None:
    """The roadmap now (or as of ``at``, as ``roadmap(asOf:)`` reads it), in priority order;
    None if the workspace has no such roadmap (yet, at ``at``)."""
    async with services.pool.acquire() as conn:
        found = await roadmap_rows(conn, workspace_id, roadmap_id, at)
        if found is None:
            return None
        cycle_rows = sorted(
            await cycles_of_roadmap(conn, workspace_id, roadmap_id, at),
            key=lambda row: (row["starts_on"], row["name"]),
        )
    cycles = {row["cycle_id"]: row["name"] for row in cycle_rows}
    # Positional: named arguments cost more, thousands of times.
    rows = tuple(
        InitiativeRow(
            global_id("Initiative", initiative["initiative_id"]),
            position,
            initiative["title"],
            ", ".join(initiative["stakeholders"]),
            initiative["goal"],
            initiative["version"],
            tuple(
                DeliverableRow(
                    global_id("Deliverable", d["initiative_id"], d["deliverable_id"]),
                    d["title"],
                    d["status"],
                    d["stretch"],
                    _target(d, cycles),
                    d["estimate_weeks"],
                )
                for d in found.deliverables.get(initiative["initiative_id"], [])
            ),
        )
        for position, initiative in enumerate(found.initiatives, start=1)
    )
    return RoadmapTable(
        id=global_id("Roadmap", roadmap_id),
        name=found.roadmap["name"],
        version=found.roadmap["version"],
        rows=rows,
        cycles=tuple(
            CycleOption(global_id("Cycle", roadmap_id, row["cycle_id"]), row["name"])
            for row in cycle_rows
            if row["cancelled_at"] is None
        ),
    )
