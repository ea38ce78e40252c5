"""``roadlog project`` and ``roadlog rebuild`` as processes, beside a running API."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.database import DatabaseTarget
from tests.support.process import ROADLOG, environment, roadlog, serving
from tests.support.settings import database_environment

pytestmark = pytest.mark.slow

CREATE = """
    mutation($name: String! = "SRE") { createTeam(input: {name: $name}) { team { id } position } }
"""
TEAMS = "query($p: String) { timeline(consistentWith: $p) { edges { node { type } } } }"


def post(url: str, token: str, query: str, **variables: object) -> dict[str, Any]:
    response = httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_an_api_without_projector_is_served_by_a_separate_projector_process(
    database: DatabaseTarget, tmp_path: Path
) -> None:
    env = {**database_environment(database), "ROADLOG_CONSISTENCY_TIMEOUT_SECONDS": "1"}
    token = roadlog("token", "create", "--role", "admin", env=env).stdout.strip()
    with serving("--no-projector", "--data-dir", str(tmp_path / "api"), env=env) as served:
        created = post(served.url, token, CREATE)
        position = created["data"]["createTeam"]["position"]
        waiting = post(served.url, token, TEAMS, p=position)
        [error] = waiting["errors"]
        assert error["extensions"]["code"] == "CONSISTENCY_TIMEOUT"

        projector = subprocess.Popen(
            [ROADLOG, "project"], env=environment(env), stderr=subprocess.PIPE, text=True
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                answer = post(served.url, token, TEAMS, p=position)
                if "errors" not in answer or time.monotonic() > deadline:
                    break
            assert answer == {"data": {"timeline": {"edges": [{"node": {"type": "TeamCreated"}}]}}}
        finally:
            projector.terminate()
            _, stderr = projector.communicate(timeout=30)
        assert projector.returncode == 0, stderr


def test_rebuild_swaps_in_fresh_read_models_while_the_api_serves(
    database: DatabaseTarget, tmp_path: Path
) -> None:
    env = database_environment(database)
    token = roadlog("token", "create", "--role", "admin", env=env).stdout.strip()
    with serving("--data-dir", str(tmp_path / "api"), env=env) as served:
        for n in range(3):  # team names are unique in a workspace
            created = post(served.url, token, CREATE, name=f"SRE {n}")
            position = created["data"]["createTeam"]["position"]
        before = post(served.url, token, TEAMS, p=position)
        rebuilt = roadlog("rebuild", env=env)
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert f"rebuilt timeline up to position {position}" in rebuilt.stdout
        assert post(served.url, token, TEAMS, p=position) == before
        one = roadlog("rebuild", "roadmap", env=env)
        assert one.returncode == 0, one.stderr
        assert one.stdout.strip() == f"rebuilt roadmap up to position {position}"


def test_rebuilding_an_unknown_read_model_ends_in_one_line() -> None:
    result = roadlog("rebuild", "nonsense", env={"DATABASE_URL": "postgresql://u@h/x"})
    # A usage mistake, like any other choice given wrongly: exit 2, before any database.
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "'nonsense' is not one of" in result.stderr
    assert "roadmap" in result.stderr
