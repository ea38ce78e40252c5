"""``roadlog serve`` and ``roadlog token`` as processes, on the embedded PostgreSQL."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest

from backend.database import DatabaseTarget
from tests.support.process import free_port, roadlog, serving
from tests.support.settings import database_environment

pytestmark = pytest.mark.slow

VIEWER = {"query": "{ viewer { actor role workspace { name } } }"}


def ask_viewer(url: str, token: str) -> httpx.Response:
    return httpx.post(
        f"{url}/graphql", json=VIEWER, headers={"authorization": f"Bearer {token}"}, timeout=10
    )


def test_first_start_prints_an_admin_token_once_and_keeps_it_owner_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with serving("--data-dir", str(data_dir)) as served:
        saved = data_dir / "admin-token"
        token = saved.read_text().strip()
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        viewer = ask_viewer(served.url, token).json()["data"]["viewer"]
        assert viewer == {"actor": "admin", "role": "ADMIN", "workspace": {"name": "default"}}
        status, stdout, _ = served.stop()
    assert status == 0
    assert stdout.strip() == token
    with serving("--data-dir", str(data_dir)) as again:
        assert ask_viewer(again.url, token).status_code == 200
        _, stdout, _ = again.stop()
    assert stdout.strip() == "", "the token is printed on the first start only"


def test_tokens_are_managed_while_serve_runs_and_survive_a_restart(tmp_path: Path) -> None:
    data_dir = str(tmp_path / "data")
    with serving("--data-dir", data_dir) as served:
        created = roadlog(
            "token", "create", "--role", "viewer", "--name", "alice", "--data-dir", data_dir
        )
        assert created.returncode == 0, created.stderr
        secret = created.stdout.strip()
        assert secret.startswith("rl_") and "\n" not in secret
        viewer = ask_viewer(served.url, secret).json()["data"]["viewer"]
        assert viewer["actor"] == "alice" and viewer["role"] == "VIEWER"

        listed = roadlog("token", "list", "--data-dir", data_dir)
        assert listed.returncode == 0
        assert "alice" in listed.stdout and secret not in listed.stdout
        token_id = next(line.split()[0] for line in listed.stdout.splitlines() if "alice" in line)

        other = roadlog(
            "token", "create", "--role", "editor", "--workspace", "globex", "--data-dir", data_dir
        )
        other_viewer = ask_viewer(served.url, other.stdout.strip()).json()["data"]["viewer"]
        assert other_viewer["workspace"]["name"] == "globex"
        served.stop()

    with serving("--data-dir", data_dir) as restarted:
        assert ask_viewer(restarted.url, secret).status_code == 200
        revoked = roadlog("token", "revoke", token_id, "--data-dir", data_dir)
        assert revoked.returncode == 0, revoked.stderr
        assert ask_viewer(restarted.url, secret).status_code == 401


def test_a_second_serve_on_the_same_data_directory_is_refused(tmp_path: Path) -> None:
    data_dir = str(tmp_path / "data")
    with serving("--data-dir", data_dir) as served:
        second = roadlog("serve", "--port", str(free_port()), "--data-dir", data_dir)
        assert second.returncode != 0
        assert second.stderr.strip().count("\n") == 0
        assert "already running on data directory" in second.stderr
        assert httpx.get(f"{served.url}/readyz", timeout=5).status_code == 200


def test_database_url_mode_uses_that_server_and_starts_nothing(
    tmp_path: Path, database: DatabaseTarget
) -> None:
    data_dir = tmp_path / "data"
    env = database_environment(database)
    with serving("--data-dir", str(data_dir), env=env) as served:
        token = (data_dir / "admin-token").read_text().strip()
        assert ask_viewer(served.url, token).status_code == 200
    assert not (data_dir / "pgdata").exists()


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["serve", "--data-dir", "/proc/roadlog/data"], {}, "data directory"),
        (["serve"], {"DATABASE_URL": "mysql://nope"}, "DATABASE_URL must start with"),
        (["serve"], {"DATABASE_URL": "postgresql://u@h:99999/x"}, "invalid port"),
        (["serve", "--workers", "0"], {}, "invalid setting workers"),
        (["token", "create", "--role", "owner"], {}, "'owner' is not one of"),
        (
            ["token", "revoke", "not-an-id"],
            {"DATABASE_URL": "postgresql://u@h:99999/x"},
            "invalid port",
        ),
    ],
)
def test_bad_input_ends_in_one_line_and_a_non_zero_exit(
    args: list[str], env: dict[str, str], message: str
) -> None:
    result = roadlog(*args, env=env, timeout=60)
    assert result.returncode != 0
    assert message in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_a_port_in_use_ends_in_one_line(tmp_path: Path) -> None:
    data_dir = str(tmp_path / "data")
    with serving("--data-dir", data_dir) as served:
        port = served.url.rsplit(":", 1)[1]
        result = roadlog("serve", "--port", port, "--data-dir", str(tmp_path / "other"))
    assert result.returncode != 0
    assert f"port {port}" in result.stderr and "already in use" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_every_command_has_help() -> None:
    for command in (
        ["--help"],
        ["serve", "--help"],
        ["token", "--help"],
        ["token", "create", "--help"],
        ["token", "list", "--help"],
        ["token", "revoke", "--help"],
    ):
        result = roadlog(*command, timeout=30)
        assert result.returncode == 0, result.stderr
        assert "Usage:" in result.stdout
