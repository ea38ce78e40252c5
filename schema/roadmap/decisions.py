"""Decision records: the ``Decision`` type, its loader and the ``decisions`` connection."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from uuid import UUID

import strawberry
from strawberry.dataloader import DataLoader

from projections.decisions_queries import (
    decision_rows,
    decisions_newest_first,
    link_rows,
    superseded_by,
)
from projections.roadmap_queries import Row
from schema.context import Info
from schema.nodes import resolve_refs
from schema.pagination import Page, PageInfo, decode_cursor, encode_cursor, page_size
from schema.permissions import require
from schema.relay import GlobalRef, Node, to_global_id

CONNECTION = "decisions"


@strawberry.enum(description="Where a decision stands.")
class DecisionStatus(Enum):
    PROPOSED = "PROPOSED"
    ACCEPTED = "ACCEPTED"
    SUPERSEDED = "SUPERSEDED"
    REVERSED = "REVERSED"


@strawberry.type(description="A decision record: context, options, outcome and rationale.")
class Decision(Node):
    title: str = strawberry.field(description="What was decided, in a few words.")
    context: str = strawberry.field(description="The situation that called for a decision.")
    options: list[str] = strawberry.field(description="The options considered.")
    outcome: str = strawberry.field(description="What was decided.")
    rationale: str = strawberry.field(description="Why this option.")
    decided_by: list[str] = strawberry.field(description="Who decided.")
    status: DecisionStatus = strawberry.field(description="Where the decision stands now.")
    at: datetime = strawberry.field(description="Business time: when it was decided.")
    recorded_at: datetime = strawberry.field(description="When it was recorded.")
    version: int = strawberry.field(description="Aggregate version, for expectedVersion.")
    decision_id: strawberry.Private[UUID]
    superseded_by_id: strawberry.Private[UUID | None]

    @classmethod
    def of(cls, row: Row) -> Decision:
        return cls(
            id=to_global_id("Decision", row["id"]),
            title=row["title"],
            context=row["context"],
            options=list(row["options"]),
            outcome=row["outcome"],
            rationale=row["rationale"],
            decided_by=list(row["decided_by"]),
            status=DecisionStatus(row["status"]),
            at=row["at"],
            recorded_at=row["recorded_at"],
            version=row["version"],
            decision_id=row["id"],
            superseded_by_id=row["superseded_by_id"],
        )

    @strawberry.field(description="The later decision that replaced this one, if any.")
    async def superseded_by(self, info: Info) -> Decision | None:
        require(info)
        if self.superseded_by_id is None:
            return None
        [decision] = await decisions_by_ids(info, [self.superseded_by_id])
        return decision

    @strawberry.field(description="The earlier decisions this one replaced, oldest first.")
    async def supersedes(self, info: Info) -> list[Decision]:
        workspace_id = require(info).workspace_id
        rows = await superseded_by(info.context.services.pool, workspace_id, [self.decision_id])
        found = await decisions_by_ids(info, [row["id"] for row in rows])
        return [decision for decision in found if decision is not None]

    @strawberry.field(
        description="What it affects: initiatives, roadmaps, objectives, key results."
    )
    async def links(self, info: Info) -> list[Node]:
        require(info)
        [refs] = await _links_loader(info).load_many([self.decision_id])
        found = await resolve_refs(info, refs)
        return [node for node in found if node is not None]


@strawberry.type(description="A decision and its cursor.")
class DecisionEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this one.")
    node: Decision = strawberry.field(description="The decision.")


@strawberry.type(description="A page of decisions, most recent first.")
class DecisionConnection:
    edges: list[DecisionEdge] = strawberry.field(description="The decisions of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")


def _decisions_loader(info: Info) -> DataLoader[UUID, Decision | None]:
    key = ("roadmap-loader", "decisions")
    found = info.context.cache.get(key)
    if found is None:
        workspace_id = require(info).workspace_id
        pool = info.context.services.pool

        async def batch(ids: list[UUID]) -> list[Decision | None]:
            rows = await decision_rows(pool, workspace_id, ids)
            decisions = {row["id"]: Decision.of(row) for row in rows}
            return [decisions.get(id) for id in ids]

        found = info.context.cache[key] = DataLoader(load_fn=batch)
    assert isinstance(found, DataLoader)
    return found


def _links_loader(info: Info) -> DataLoader[UUID, list[GlobalRef]]:
    key = ("roadmap-loader", "decision-links")
    found = info.context.cache.get(key)
    if found is None:
        workspace_id = require(info).workspace_id
        pool = info.context.services.pool

        async def batch(ids: list[UUID]) -> list[list[GlobalRef]]:
            grouped: dict[UUID, list[GlobalRef]] = defaultdict(list)
            for row in await link_rows(pool, workspace_id, ids):
                parts = (
                    (row["parent_id"], row["target_id"])
                    if row["parent_id"]
                    else (row["target_id"],)
                )
                grouped[row["decision_id"]].append(GlobalRef(row["kind"], parts))
            return [grouped.get(id, []) for id in ids]

        found = info.context.cache[key] = DataLoader(load_fn=batch)
    assert isinstance(found, DataLoader)
    return found


async def decisions_by_ids(info: Info, ids: Sequence[UUID]) -> list[Decision | None]:
    """Decisions of the caller's workspace, in the order asked; None when missing."""
    return await _decisions_loader(info).load_many(list(ids))


def cursor_of(row: Row) -> str:
    return encode_cursor(CONNECTION, row["at"], row["position"])


async def decisions_page(info: Info, first: int | None, after: str | None) -> DecisionConnection:
    """A page of the workspace's decisions, most recent first (business time)."""
    workspace_id = require(info).workspace_id
    size = page_size(info, first)
    key = decode_cursor(after, CONNECTION, (datetime, int))
    rows = await decisions_newest_first(info.context.services.pool, workspace_id, key, size + 1)
    page = Page.of(rows, size, key)
    return DecisionConnection(
        edges=[DecisionEdge(cursor=cursor_of(row), node=Decision.of(row)) for row in page.rows],
        page_info=page.page_info(cursor_of),
    )
