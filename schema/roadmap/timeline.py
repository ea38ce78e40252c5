"""The timeline: its entry types, one entry per change, newest first, filterable; and
``Initiative.history``.

Newest first means by business time (``at``), then by log position; a cursor holds both,
so a page is one index range from the cursor on (``entries_newest``, or
``entry_subjects_newest`` for one subject's history).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry

from projections.roadmap_queries import Row
from projections.timeline_entries import ENTRY_TYPES
from projections.timeline_queries import entries_between, timeline_rows
from schema.context import Info
from schema.errors import BAD_USER_INPUT, coded_error
from schema.labels import names_of, value_label
from schema.nodes import resolve_refs
from schema.pagination import Page, PageInfo, decode_cursor, encode_cursor, page_size
from schema.permissions import require
from schema.relay import GlobalRef, Node
from schema.roadmap.decisions import Decision, decisions_by_ids

CONNECTION = "timeline"


async def decision_of(info: Info, decision_id: UUID | None) -> Decision | None:
    """The decision that drove a change, if any (and if it still resolves)."""
    require(info)
    if decision_id is None:
        return None
    [decision] = await decisions_by_ids(info, [decision_id])
    return decision


LABEL = (
    "The {value} as a person reads it, null when there is none: the current name of a team,"
    " cycle, parent, key result or decision, not its id (null if it no longer resolves);"
    ' statuses and other enum values as words (IN_PROGRESS is "In progress", WONT_DO'
    ' "Won\'t do"); decimals without trailing zeros ("2.5", not "2.500"); dates as'
    ' 2026-12-13, instants as their UTC date at midnight, else "2026-12-13 14:05 UTC";'
    ' booleans as yes/no; lists joined by ", "; months by name.'
)


@strawberry.type(description="One field's change: its old and new value, JSON-encoded.")
class FieldChange:
    field: str = strawberry.field(
        description='The field, as the API names it ("title", "position", "status", ...).'
    )
    from_: str | None = strawberry.field(
        name="from", description="JSON-encoded old value; null when there was none."
    )
    to: str | None = strawberry.field(
        description="JSON-encoded new value; null when there is none."
    )

    from_label: str | None = strawberry.field(
        default=None, description=LABEL.format(value="old value")
    )
    to_label: str | None = strawberry.field(
        default=None, description=LABEL.format(value="new value")
    )

    @classmethod
    def all_of(cls, changes: Any) -> list[FieldChange]:
        """From the stored ``[{"field", "from", "to"}]`` (JSON text or decoded)."""
        items = json.loads(changes) if isinstance(changes, str) else changes
        return [cls(field=c["field"], from_=c["from"], to=c["to"]) for c in items]


async def labelled(info: Info, changes: Sequence[FieldChange]) -> None:
    """Give each change its labels, the names it refers to looked up at once."""
    names = await names_of(info, ((c.field, v) for c in changes for v in (c.from_, c.to)))
    for change in changes:
        change.from_label = value_label(change.field, change.from_, names)
        change.to_label = value_label(change.field, change.to, names)


@strawberry.type(description="One change, as recorded: who, why, when, and what changed.")
class TimelineEntry:
    position: str = strawberry.field(description="Global position of the event in the log.")
    type: str = strawberry.field(description='What happened, e.g. "InitiativeMoved".')
    at: datetime = strawberry.field(description="Business time: when it happened.")
    recorded_at: datetime = strawberry.field(description="System time: when it was recorded.")
    actor: str = strawberry.field(description="Who made the change.")
    reason: str = strawberry.field(description="Why, in their words (may be empty).")
    changes: list[FieldChange] = strawberry.field(description="Field-level changes.")
    summary: str = strawberry.field(
        description="One line for humans, e.g. \"Moved 'New CI final phase' from 3 to 1:"
        ' compliance audit moved up".'
    )
    subject_ref: strawberry.Private[GlobalRef]
    decision_id: strawberry.Private[UUID | None]

    @strawberry.field(description="The decision that drove it, if any.")
    async def decision(self, info: Info) -> Decision | None:
        return await decision_of(info, self.decision_id)

    @strawberry.field(description="What changed (null if it no longer resolves).")
    async def subject(self, info: Info) -> Node | None:
        require(info)
        [found] = await resolve_refs(info, [self.subject_ref])
        return found


@strawberry.type(description="A timeline entry and its cursor.")
class TimelineEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this entry.")
    node: TimelineEntry = strawberry.field(description="The entry.")


@strawberry.type(description="A page of timeline entries, newest first.")
class TimelineConnection:
    edges: list[TimelineEdge] = strawberry.field(description="The entries of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")


async def entries_of(info: Info, rows: Sequence[Row]) -> list[TimelineEntry]:
    """Timeline entries from their rows, their changes labelled."""
    entries = [entry_of(row) for row in rows]
    await labelled(info, [change for entry in entries for change in entry.changes])
    return entries


def entry_of(row: Row) -> TimelineEntry:
    """A timeline entry from its row (its changes not labelled yet: ``entries_of``)."""
    return TimelineEntry(
        position=str(row["position"]),
        type=row["type"],
        at=row["at"],
        recorded_at=row["recorded_at"],
        actor=row["actor"],
        reason=row["reason"],
        changes=FieldChange.all_of(row["changes"]),
        summary=row["summary"],
        subject_ref=GlobalRef(row["subject_kind"], tuple(row["subject_ids"])),
        decision_id=row["decision_id"],
    )


def known_types(types: Sequence[str] | None) -> list[str] | None:
    """The ``types`` filter as given; a type no entry has is BAD_USER_INPUT naming them all
    (a typo would otherwise answer an empty page without a word)."""
    if types is None:
        return None
    unknown = [name for name in types if name not in ENTRY_TYPES]
    if unknown:
        raise coded_error(
            BAD_USER_INPUT,
            f"types: {', '.join(map(repr, unknown))} is not a timeline entry type;"
            f" the types are {', '.join(ENTRY_TYPES)}",
        )
    return list(types)


def cursor_of(row: Row) -> str:
    return encode_cursor(CONNECTION, row["at"], row["position"])


async def timeline_page(
    info: Info,
    *,
    subject_id: UUID | None = None,
    types: Sequence[str] | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    first: int | None = None,
    after: str | None = None,
) -> TimelineConnection:
    """A page of the caller's workspace's timeline, newest first.

    ``since`` is inclusive and ``until`` exclusive (business time); ``types`` and
    ``actor`` match exactly; ``subject_id`` is anything's history (an initiative's
    includes its deliverables and its moves; a decision's what it drove).
    """
    workspace_id = require(info).workspace_id
    wanted = known_types(types)
    size = page_size(info, first)
    key = decode_cursor(after, CONNECTION, (datetime, int))
    rows = await timeline_rows(
        info.context.services.pool,
        workspace_id,
        subject_id=subject_id,
        types=wanted,
        actor=actor,
        since=since,
        until=until,
        before=key,
        limit=size + 1,
    )
    page = Page.of(rows, size, key)
    entries = await entries_of(info, page.rows)
    return TimelineConnection(
        edges=[
            TimelineEdge(cursor=cursor_of(row), node=entry)
            for row, entry in zip(page.rows, entries, strict=True)
        ],
        page_info=page.page_info(cursor_of),
    )


async def history_of(
    info: Info, subject_id: UUID, first: int | None, after: str | None
) -> TimelineConnection:
    """Everything that happened to one subject (and what belongs to it), newest first."""
    return await timeline_page(info, subject_id=subject_id, first=first, after=after)


async def timeline_entries_between(
    info: Info, after: int, up_to: int, subject: GlobalRef | None
) -> list[TimelineEntry]:
    """Entries at positions (after, up_to] of the caller's workspace, oldest first.

    With a subject: only the entries in its history.
    """
    workspace_id = require(info).workspace_id
    subject_id = None if subject is None else subject.id
    rows = await entries_between(info.context.services.pool, workspace_id, after, up_to, subject_id)
    return await entries_of(info, rows)
