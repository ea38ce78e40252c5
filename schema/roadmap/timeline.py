"""The timeline: one entry per change, newest first, filterable; and ``Initiative.history``.

Newest first means by business time (``at``), then by log position; a cursor holds both,
so a page is one index range from the cursor on (``entries_newest``, or
``entry_subjects_newest`` for one subject's history).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from projections.roadmap_queries import Row
from projections.timeline_entries import ENTRY_TYPES
from projections.timeline_queries import entries_between, timeline_rows
from schema.context import Info
from schema.errors import BAD_USER_INPUT, coded_error
from schema.pagination import Page, decode_cursor, encode_cursor, page_size
from schema.permissions import require
from schema.relay import GlobalRef
from schema.roadmap.history import FieldChange, TimelineConnection, TimelineEdge, TimelineEntry

CONNECTION = "timeline"


def entry_of(row: Row) -> TimelineEntry:
    """A timeline entry from its row."""
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
    return TimelineConnection(
        edges=[TimelineEdge(cursor=cursor_of(row), node=entry_of(row)) for row in page.rows],
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
    return [entry_of(row) for row in rows]
