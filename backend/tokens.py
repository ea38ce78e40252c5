"""API tokens: each bound to one workspace and one role, stored as a SHA-256 of the secret.

A secret is 32 random bytes, so a fast hash is the right tool (as for GitHub or Stripe
tokens): there is nothing to brute-force that a slow password hash would protect.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import asyncpg

from backend import locks

SECRET_PREFIX = "rl_"
DEFAULT_WORKSPACE = "default"
TOKEN_REVOKED_CHANNEL = "roadlog_token_revoked"
"""NOTIFY channel of revocations (payload: the token id), so that every API process
closes the WebSockets the token opened at once."""


class Role(StrEnum):
    """What a token may do: viewers query, editors also mutate, admins also manage tokens."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    def allows(self, needed: Role) -> bool:
        order = [Role.VIEWER, Role.EDITOR, Role.ADMIN]
        return order.index(self) >= order.index(needed)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's name is the actor recorded on every event it causes."""

    token_id: uuid.UUID
    actor: str
    role: Role
    workspace_id: uuid.UUID
    workspace_name: str


@dataclass(frozen=True)
class TokenInfo:
    id: uuid.UUID
    name: str
    role: Role
    workspace: str
    created_at: datetime
    revoked_at: datetime | None


class TokenNotFoundError(Exception):
    def __init__(self, token_id: str) -> None:
        super().__init__(f"no token with id {token_id!r}")
        self.token_id = token_id


SELECT_WORKSPACE = "SELECT id FROM roadlog.workspaces WHERE name = $1"
SELECT_FIRST_WORKSPACE = "SELECT id, name FROM roadlog.workspaces ORDER BY created_at, name LIMIT 1"
INSERT_WORKSPACE = """
    INSERT INTO roadlog.workspaces (id, name) VALUES ($1, $2)
    ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
    RETURNING id
"""
INSERT_TOKEN = """
    INSERT INTO roadlog.api_tokens (id, workspace_id, name, role, secret_sha256)
    VALUES ($1, $2, $3, $4, $5)
    RETURNING created_at
"""
SELECT_TOKENS = """
    SELECT t.id, t.name, t.role, w.name AS workspace, t.created_at, t.revoked_at
    FROM roadlog.api_tokens t JOIN roadlog.workspaces w ON w.id = t.workspace_id
    ORDER BY t.created_at, t.id
"""
REVOKE_TOKEN = """
    UPDATE roadlog.api_tokens t SET revoked_at = coalesce(t.revoked_at, now())
    FROM roadlog.workspaces w
    WHERE t.id = $1 AND w.id = t.workspace_id
    RETURNING t.id, t.name, t.role, w.name AS workspace, t.created_at, t.revoked_at
"""
NOTIFY_REVOKED = "SELECT pg_notify($1, $2)"
SELECT_LIVE_TOKENS = """
    SELECT id FROM roadlog.api_tokens WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL
"""
AUTHENTICATE = """
    SELECT t.id, t.name, t.role, w.id AS workspace_id, w.name AS workspace_name
    FROM roadlog.api_tokens t JOIN roadlog.workspaces w ON w.id = t.workspace_id
    WHERE t.secret_sha256 = $1 AND t.revoked_at IS NULL
"""
COUNT_WORKSPACES = "SELECT count(*) FROM roadlog.workspaces"
SELECT_WORKSPACE_BY_ID = "SELECT id, name FROM roadlog.workspaces WHERE id = $1"


def digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _token_info(row: asyncpg.Record) -> TokenInfo:
    return TokenInfo(
        id=row["id"],
        name=row["name"],
        role=Role(row["role"]),
        workspace=row["workspace"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


class Tokens:
    """Create, list, revoke and check API tokens."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def create(
        self, role: Role, name: str | None = None, workspace: str | None = None
    ) -> tuple[TokenInfo, str]:
        """A new token for ``workspace`` (created if new; default: the first workspace)."""
        async with self._pool.acquire() as conn, conn.transaction():
            if workspace is None:
                first = await conn.fetchrow(SELECT_FIRST_WORKSPACE)
                workspace = first["name"] if first else DEFAULT_WORKSPACE
            workspace_id = await conn.fetchval(SELECT_WORKSPACE, workspace)
            if workspace_id is None:
                workspace_id = await conn.fetchval(INSERT_WORKSPACE, uuid.uuid4(), workspace)
            token_id = uuid.uuid4()
            secret = new_secret()
            token_name = name or f"{role.value}-{token_id.hex[:8]}"
            created_at = await conn.fetchval(
                INSERT_TOKEN, token_id, workspace_id, token_name, role.value, digest(secret)
            )
        return TokenInfo(token_id, token_name, role, workspace, created_at, None), secret

    async def list(self) -> list[TokenInfo]:
        async with self._pool.acquire() as conn:
            return [_token_info(row) for row in await conn.fetch(SELECT_TOKENS)]

    async def revoke(self, token_id: str) -> TokenInfo:
        """Revoke a token by id; revoking twice keeps the first revocation time.

        Every API process hears of it on ``TOKEN_REVOKED_CHANNEL`` once it commits (the
        notification is part of the same transaction), and closes the token's sockets.
        """
        try:
            parsed = uuid.UUID(token_id)
        except ValueError:
            raise TokenNotFoundError(token_id) from None
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(REVOKE_TOKEN, parsed)
            if row is not None:
                await conn.execute(NOTIFY_REVOKED, TOKEN_REVOKED_CHANNEL, str(parsed))
        if row is None:
            raise TokenNotFoundError(token_id)
        return _token_info(row)

    async def live(self, token_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Those of ``token_ids`` that exist and are not revoked."""
        if not token_ids:
            return set()
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(SELECT_LIVE_TOKENS, list(token_ids))
        return {uuid.UUID(bytes=row["id"].bytes) for row in rows}

    async def authenticate(self, secret: str) -> Principal | None:
        """The principal of a live token, or None for anything else."""
        if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
            return None
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(AUTHENTICATE, digest(secret))
        if row is None:
            return None
        return Principal(
            # asyncpg's own UUID subclass would leak into event payloads otherwise.
            token_id=uuid.UUID(bytes=row["id"].bytes),
            actor=row["name"],
            role=Role(row["role"]),
            workspace_id=uuid.UUID(bytes=row["workspace_id"].bytes),
            workspace_name=row["workspace_name"],
        )

    async def first_start(self) -> str | None:
        """On an empty database: create the default workspace and an admin token.

        Returns the new admin secret, or None when the database already has a workspace.
        Serialised with other starting processes by the migrations lock.
        """
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", locks.MIGRATIONS)
            if await conn.fetchval(COUNT_WORKSPACES):
                return None
            workspace_id = await conn.fetchval(INSERT_WORKSPACE, uuid.uuid4(), DEFAULT_WORKSPACE)
            secret = new_secret()
            await conn.execute(
                INSERT_TOKEN, uuid.uuid4(), workspace_id, "admin", Role.ADMIN.value, digest(secret)
            )
            return secret
