"""Why did it move? An initiative's history page: its priority changes, explicit and
displaced, with the decision behind each, then every other change of it.

Read through the queries the GraphQL API's resolvers call: ``priorityChanges(initiativeId,
includeDisplaced: true)`` (``priority_change_rows_with_displaced``, turned into changes
by the same ``change_of``), ``Initiative.history`` (``timeline_rows`` of one subject) and
the decisions read model (``decision_rows``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from backend.bootstrap import Services
from board.pages import go, page, refusal_page
from board.session import principal_of, services_of
from projections.decisions_queries import decision_rows
from projections.priorities_queries import priority_change_rows_with_displaced
from projections.roadmap_queries import Row, initiative_rows
from projections.timeline_entries import ENTRY_TYPES
from projections.timeline_queries import timeline_rows
from schema.relay import InvalidGlobalId, from_global_id, to_global_id
from schema.roadmap.history import PriorityChange, PriorityChangeKind
from schema.roadmap.priorities import change_of

HISTORY_SIZE = 100
"""The newest priority changes, and the newest other changes, a page lists."""

PRIORITY_ENTRY_TYPES = ("InitiativePlaced", "InitiativeMoved", "InitiativeRemoved")
"""Timeline entries the priority changes already list (with what they displaced)."""
OTHER_ENTRY_TYPES = tuple(name for name in ENTRY_TYPES if name not in PRIORITY_ENTRY_TYPES)


@dataclass(frozen=True)
class DecisionNote:
    """The decision behind a change, as its record says now."""

    title: str
    status: str
    outcome: str
    rationale: str


@dataclass(frozen=True)
class Move:
    """One priority change of the initiative (explicit or displaced)."""

    change: PriorityChange
    decision: DecisionNote | None
    cause_title: str | None
    """For a displaced one: the title of the initiative whose change shifted it."""

    @property
    def kind(self) -> str:
        return self.change.kind.name.lower()

    @property
    def displaced(self) -> bool:
        return self.change.kind is PriorityChangeKind.DISPLACED


@dataclass(frozen=True)
class Change:
    """Any other change of the initiative: its timeline entry (its summary says why)."""

    type: str
    summary: str
    at: datetime
    recorded_at: datetime
    actor: str
    decision: DecisionNote | None


@dataclass(frozen=True)
class InitiativeHistory:
    roadmap_id: str
    title: str
    moves: list[Move]
    changes: list[Change]
    more_moves: bool
    more_changes: bool


def _decisions(rows: Iterable[Row]) -> dict[UUID, DecisionNote]:
    return {
        row["id"]: DecisionNote(row["title"], row["status"], row["outcome"], row["rationale"])
        for row in rows
    }


async def initiative_history(
    services: Services, workspace_id: UUID, initiative_id: UUID
) -> InitiativeHistory | None:
    """The initiative's history, newest first; None if the workspace has no such initiative."""
    async with services.pool.acquire() as conn:
        found, _deliverables = await initiative_rows(conn, workspace_id, [initiative_id], None)
        if not found:
            return None
        initiative = found[0]
        move_rows = await priority_change_rows_with_displaced(
            conn,
            workspace_id,
            roadmap_id=None,
            initiative_id=initiative_id,
            since=None,
            until=None,
            after=None,
            limit=HISTORY_SIZE + 1,
        )
        entry_rows = await timeline_rows(
            conn,
            workspace_id,
            subject_id=initiative_id,
            types=OTHER_ENTRY_TYPES,
            actor=None,
            since=None,
            until=None,
            before=None,
            limit=HISTORY_SIZE + 1,
        )
        moves = [change_of(row) for row in move_rows[:HISTORY_SIZE]]
        entries = entry_rows[:HISTORY_SIZE]
        causes = {m.cause.initiative_id for m in moves if m.cause is not None}
        cause_rows, _ = await initiative_rows(conn, workspace_id, list(causes), None)
        decision_ids = {m.decision_id for m in moves} | {e["decision_id"] for e in entries}
        decisions = _decisions(
            await decision_rows(conn, workspace_id, [d for d in decision_ids if d is not None])
        )
    titles = {row["initiative_id"]: row["title"] for row in cause_rows}

    def decision(decision_id: UUID | None) -> DecisionNote | None:
        return None if decision_id is None else decisions.get(decision_id)

    return InitiativeHistory(
        roadmap_id=to_global_id("Roadmap", initiative["roadmap_id"]),
        title=initiative["title"],
        moves=[
            Move(
                change=move,
                decision=decision(move.decision_id),
                cause_title=None if move.cause is None else titles.get(move.cause.initiative_id),
            )
            for move in moves
        ],
        changes=[
            Change(
                type=entry["type"],
                summary=entry["summary"],
                at=entry["at"],
                recorded_at=entry["recorded_at"],
                actor=entry["actor"],
                decision=decision(entry["decision_id"]),
            )
            for entry in entries
        ],
        more_moves=len(move_rows) > HISTORY_SIZE,
        more_changes=len(entry_rows) > HISTORY_SIZE,
    )


async def history_page(request: Request) -> Response:
    """``/initiatives/{initiative}/history``: why it moved, and everything else that changed."""
    principal = await principal_of(request)
    if principal is None:
        return go("/sign-in")
    initiative = request.path_params["initiative"]
    try:
        ref = from_global_id(initiative, "Initiative")
    except InvalidGlobalId:
        return refusal_page(request, 404, f"Initiative {initiative!r} not found")
    history = await initiative_history(services_of(request), principal.workspace_id, ref.id)
    if history is None:
        return refusal_page(request, 404, f"Initiative {initiative!r} not found")
    return page(request, "history.html", principal=principal, history=history)
