"""The settings of a roadlog process under test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from backend.database import DatabaseTarget
from backend.settings import Settings


def database_environment(database: DatabaseTarget) -> dict[str, str]:
    """The environment that points a ``roadlog`` command at ``database``: its runtime role,
    and its owner for the migrations."""
    return {"DATABASE_URL": database.url, "ROADLOG_OWNER_DATABASE_URL": database.migrator.url}


def settings_for(database: DatabaseTarget, folder: Path, **changes: Any) -> Settings:
    """Settings on ``database`` with its data directory in ``folder``, a small read-model
    pool (many servers run side by side in a session), and ``changes``."""
    return Settings(
        database_url=database.url,
        owner_database_url=database.migrator.url,
        data_dir=folder / "data",
        pool_max_size=5,
        **changes,
    )
