"""PostgreSQL advisory lock keys, in one place so no two features pick the same number."""

from __future__ import annotations

# 0x726f61646c6f67 is "roadlog"; the low byte says what the lock guards.
MIGRATIONS = 0x726F61646C6F6701
"""Held while the schema is created or migrated, so concurrent starts do not collide."""

PROJECTOR = 0x726F61646C6F6702
"""Held by the one active projector of a database; standbys wait for it."""

READ_MODEL_SWAP = 0x726F61646C6F6703
"""Shared by each projector batch, exclusive while a rebuilt read model is swapped in."""
