"""Every command starts with settings written the way the README and the manifests write
them, and a broken one ends in one line."""

from __future__ import annotations

import pytest

from backend.database import DatabaseTarget
from tests.support.process import roadlog
from tests.support.settings import database_environment


@pytest.mark.parametrize(
    "origins",
    ["http://localhost:3000", "http://localhost:3000,https://roadmap.example", "", '["x"]'],
    ids=["one", "comma-separated", "empty", "json-list"],
)
def test_commands_run_with_cors_origins_as_the_readme_writes_them(
    database: DatabaseTarget, origins: str
) -> None:
    env = {**database_environment(database), "ROADLOG_CORS_ORIGINS": origins}
    result = roadlog("token", "list", env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_setting_ends_in_one_line(database: DatabaseTarget) -> None:
    env = {**database_environment(database), "ROADLOG_CORS_ORIGINS": "[http://localhost:3000"}
    result = roadlog("token", "list", env=env, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("roadlog: invalid setting cors_origins:"), result.stderr
    assert result.stderr.strip().count("\n") == 0
