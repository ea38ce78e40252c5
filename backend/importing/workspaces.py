"""The workspace an import writes into: found by name, created when new (as tokens do)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

from backend.tokens import (
    DEFAULT_WORKSPACE,
    INSERT_WORKSPACE,
    SELECT_FIRST_WORKSPACE,
    SELECT_WORKSPACE,
)


@dataclass(frozen=True)
class Workspace:
    """A workspace row, and whether this call created it."""

    id: uuid.UUID
    name: str
    created: bool


async def ensure_workspace(pool: asyncpg.Pool, name: str | None) -> Workspace:
    """The workspace called ``name`` (created if new); None: the first one (or "default")."""
    # asyncpg hands out its own UUID class, which the event store cannot encode.
    async with pool.acquire() as conn, conn.transaction():
        if name is None:
            first = await conn.fetchrow(SELECT_FIRST_WORKSPACE)
            if first is not None:
                return Workspace(uuid.UUID(str(first["id"])), first["name"], created=False)
            name = DEFAULT_WORKSPACE
        found = await conn.fetchval(SELECT_WORKSPACE, name)
        if found is not None:
            return Workspace(uuid.UUID(str(found)), name, created=False)
        created = await conn.fetchval(INSERT_WORKSPACE, uuid.uuid4(), name)
        return Workspace(uuid.UUID(str(created)), name, created=True)
