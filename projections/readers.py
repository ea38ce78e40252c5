"""What the report queries read with: a connection (pooled or not), or the pool itself."""

from __future__ import annotations

from typing import TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

Connection: TypeAlias = asyncpg.Connection | PoolConnectionProxy
"""One connection: needed where a read spans several queries in one snapshot."""

Reader: TypeAlias = Connection | asyncpg.Pool
"""Anything that runs a single query."""
