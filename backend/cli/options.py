"""Options shared by every command that touches data, and how they become settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import ValidationError
from pydantic_settings import SettingsError

from backend.database import DatabaseTarget
from backend.embedded import start_embedded
from backend.settings import Settings
from backend.startup import StartupError

F = TypeVar("F", bound=Callable[..., Any])


def data_dir_option(command: F) -> F:
    """``--data-dir`` (env ROADLOG_DATA_DIR; ignored for the database when DATABASE_URL is set)."""
    return click.option(
        "--data-dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Embedded PostgreSQL data directory [env ROADLOG_DATA_DIR; default ./.roadlog].",
    )(command)


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with the command line's values on top."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "settings"
        raise StartupError(f"invalid setting {where}: {first['msg']}") from None
    except SettingsError as error:
        # A value pydantic-settings could not even read (it names the field).
        raise StartupError(f"invalid settings: {error}") from None


def database_target(settings: Settings) -> DatabaseTarget:
    """DATABASE_URL's server, or the embedded one of the data directory (started if needed)."""
    if settings.database_url:
        return DatabaseTarget.configured(settings.database_url, settings.owner_database_url)
    return start_embedded(settings.data_dir)
