"""Time travel on the roadmap page: the roadmap as of an instant, and what changed since one.

As of: ``roadmap(asOf:)``'s read, ``roadmap_rows`` at that instant (in priority order).
Since: the roadmap read at that instant and now, compared by ``roadmapDiff``'s own
functions (``own_changes``, ``deliverable_differences``), each difference a short note
next to the row or deliverable it concerns.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode, urlsplit
from uuid import UUID

from starlette.datastructures import QueryParams

from backend.bootstrap import Services
from backend.exporting.roadmap import status_words
from projections.roadmap_queries import RoadmapRows, cycles_of_roadmap, roadmap_rows
from schema.relay import InvalidGlobalId, from_global_id, to_global_id
from schema.roadmap.diff import deliverable_differences, own_changes


class BadInstant(ValueError):
    """A date (or date and time) the time-travel form cannot have sent."""


def instant(text: str, name: str) -> datetime:
    """``2026-12-07T14:05`` (UTC, as the form's picker sends it) or ``2026-12-07`` (the end
    of that day, UTC) as an instant; else BadInstant quoting the value."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return datetime.combine(day + timedelta(days=1), time(), UTC) - timedelta(microseconds=1)
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise BadInstant(
            f"{name}: {text!r} is not a date (2026-12-07) or a date and time (2026-12-07T14:05)"
        ) from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def picker_value(at: datetime) -> str:
    """An instant as the form's ``datetime-local`` picker shows it (UTC, to the second)."""
    return at.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat()


@dataclass(frozen=True)
class TimeTravel:
    """The roadmap page's instant: the roadmap as of it, or now with the changes since it."""

    at: datetime
    since: bool

    @property
    def query(self) -> str:
        """The roadmap page's query string for it (``at=...&show=...``)."""
        show = "since" if self.since else "then"
        return urlencode({"at": picker_value(self.at), "show": show})


def time_travel(params: Mapping[str, str]) -> TimeTravel | None:
    """The time travel a roadmap page's query asks for (``at``, ``show=since``), if any;
    BadInstant for an ``at`` the form cannot have sent."""
    at = params.get("at", "").strip()
    if not at:
        return None
    return TimeTravel(instant(at, "at"), since=params.get("show") == "since")


def came_from(referer: str | None, roadmap_page: str) -> TimeTravel | None:
    """The changes-since view a control's form was sent from (its page's address, the
    ``Referer``), so that the answer keeps it; None for any other page."""
    if not referer:
        return None
    sent_from = urlsplit(referer)
    if sent_from.path != roadmap_page:
        return None
    try:
        travel = time_travel(QueryParams(sent_from.query))
    except BadInstant:
        return None
    return travel if travel is not None and travel.since else None


@dataclass(frozen=True)
class RowChange:
    """How an initiative on the roadmap now differs from the roadmap at ``since``."""

    new: bool
    was_position: int | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class ChangesSince:
    """What changed on a roadmap since an instant, keyed by the global ids the table shows."""

    since: datetime
    rows: Mapping[str, RowChange]
    deliverables: Mapping[str, tuple[str, ...]]
    removed: tuple[str, ...]
    """Titles of the initiatives on the roadmap then and not now."""


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _cycle_name(value: str, cycles: Mapping[UUID, str]) -> str:
    try:
        return cycles.get(from_global_id(value, "Cycle").id, "another cycle")
    except InvalidGlobalId:
        return "another cycle"


def change_notes(
    changes: Iterable[tuple[str, Any, Any]], cycles: Mapping[UUID, str], rolled_up: bool = False
) -> tuple[str, ...]:
    """What each changed field was, in a few words (``status was Planned``); a target's
    cycle and date as one target. ``rolled_up``: an initiative's status is its
    deliverables' rolled up."""
    was = {name: old for name, old, _new in changes}
    notes = []
    for name, old in was.items():
        if name == "status":
            notes.append(f"{'overall ' if rolled_up else ''}status was {status_words(old)}")
        elif name == "targetDate" and "targetCycle" in was:
            continue  # one target: said with the cycle
        elif name == "completedAt" and "status" in was:
            continue  # done or reopened: the status says so
        elif name in ("targetCycle", "targetDate"):
            cycle = was.get("targetCycle")
            target = _cycle_name(cycle, cycles) if cycle is not None else was.get("targetDate")
            notes.append("had no target" if target is None else f"target was {_shown(target)}")
        elif name == "estimateWeeks":
            notes.append("had no estimate" if old is None else f"estimate was {_shown(old)} w")
        elif name == "stretch":
            notes.append("was a stretch goal" if old else "was not a stretch goal")
        elif name in ("parent", "team"):
            notes.append(f"{name} changed")
        elif name == "stakeholders":
            notes.append(f"stakeholders were {_shown(old)}")
        elif name == "actualWeeks":
            notes.append(f"actual effort was {_shown(old)}")
        elif name == "completedAt":
            notes.append("was not completed" if old is None else "completion changed")
        else:
            notes.append(f"{name} was {json.dumps(old) if isinstance(old, str) else _shown(old)}")
    return tuple(notes)


def _differences(
    before: RoadmapRows | None, after: RoadmapRows, cycles: Mapping[UUID, str]
) -> Iterator[tuple[str, RowChange | None, dict[str, tuple[str, ...]]]]:
    """Per initiative on the roadmap now: its global id, its change (None: none), and its
    deliverables' notes."""
    then = (
        {}
        if before is None
        else {row["initiative_id"]: (n, row) for n, row in enumerate(before.initiatives, start=1)}
    )
    for position, row in enumerate(after.initiatives, start=1):
        id = row["initiative_id"]
        key = str(to_global_id("Initiative", id))
        if before is None or id not in then:
            yield key, RowChange(new=True, was_position=None, notes=()), {}
            continue
        was, previous = then[id]
        own = own_changes(previous, before, row, after)
        notes = change_notes(own, cycles, rolled_up=True)
        deliverables = {
            str(to_global_id("Deliverable", id, d.row["deliverable_id"])): (
                ("new",) if d.added else change_notes(d.changes, cycles)
            )
            for d in deliverable_differences(
                before.deliverables.get(id, ()), after.deliverables.get(id, ())
            )
            if not d.removed
        }
        moved = was if was != position else None
        changed = moved is not None or notes or deliverables
        yield key, RowChange(False, moved, notes) if changed else None, deliverables


async def changes_since(
    services: Services, workspace_id: UUID, roadmap_id: UUID, since: datetime
) -> ChangesSince | None:
    """What changed on the roadmap from ``since`` to now; None if it does not exist now."""
    async with services.pool.acquire() as conn:
        before = await roadmap_rows(conn, workspace_id, roadmap_id, since)
        after = await roadmap_rows(conn, workspace_id, roadmap_id, None)
        cycles = {
            row["cycle_id"]: row["name"]
            for row in await cycles_of_roadmap(conn, workspace_id, roadmap_id, since)
        }
    if after is None:
        return None
    rows: dict[str, RowChange] = {}
    deliverables: dict[str, tuple[str, ...]] = {}
    for key, change, notes in _differences(before, after, cycles):
        if change is not None:
            rows[key] = change
        deliverables.update(notes)
    now = {row["initiative_id"] for row in after.initiatives}
    removed = tuple(
        row["title"]
        for row in (() if before is None else before.initiatives)
        if row["initiative_id"] not in now
    )
    return ChangesSince(since, rows, deliverables, removed)
