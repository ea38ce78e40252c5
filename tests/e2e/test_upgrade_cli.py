"""``roadlog serve`` on a database whose read model changed: rebuilt from the log before it
serves, with its progress in the log; ``roadlog migrate`` then finds nothing to do."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from backend.database import DatabaseTarget
from tests.e2e.test_projector_cli import CREATE, TEAMS, post
from tests.support.process import roadlog, serving
from tests.support.settings import database_environment

pytestmark = pytest.mark.slow

AN_OLDER_RELEASE = """
    UPDATE roadlog.schema_migrations SET sha256 = 'recorded by an older release'
    WHERE component = 'timeline';
    DELETE FROM timeline.entries;
"""
"""The timeline's migrations as an older release recorded them, its tables not what this
one's queries expect (here: empty)."""


def test_serve_rebuilds_a_changed_read_model_from_the_log_before_it_serves(
    database: DatabaseTarget, tmp_path: Path
) -> None:
    env = database_environment(database)
    token = roadlog("token", "create", "--role", "admin", env=env).stdout.strip()
    with serving("--data-dir", str(tmp_path / "api"), env=env) as served:
        for n in range(3):  # team names are unique in a workspace
            created = post(served.url, token, CREATE, name=f"SRE {n}")
            position = created["data"]["createTeam"]["position"]
        before = post(served.url, token, TEAMS, p=position)
    with psycopg.connect(database.migrator.url, autocommit=True) as conn:
        conn.execute(AN_OLDER_RELEASE)

    with serving("--data-dir", str(tmp_path / "api"), env=env) as served:
        after = post(served.url, token, TEAMS)
        _, _, stderr = served.stop()

    assert after == before
    messages = [json.loads(line).get("event", "") for line in stderr.splitlines() if "{" in line]
    assert (
        f"rebuilding read models timeline from the log: {position}/{position} positions (100%)"
        in messages
    ), stderr
    migrated = roadlog("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout == "the database is up to date\n"
