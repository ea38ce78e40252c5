"""``roadlog serve`` supervises its embedded PostgreSQL: killed, it comes back by itself.

While the server is down every request that needs it gets a coded JSON 503 with a
``Retry-After``; clients that retry with their idempotency keys end up with each write
recorded exactly once.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import psutil
import pytest

from tests.support.process import Served, serving

pytestmark = pytest.mark.slow

CREATE_ROADMAP = """
mutation($input: CreateRoadmapInput!) {
  createRoadmap(input: $input) { roadmap { id } userErrors { code message } position }
}
"""
PROPOSE = """
mutation($input: ProposeInitiativeInput!) {
  proposeInitiative(input: $input) { userErrors { code message } position }
}
"""
TITLES = """
query($id: ID!, $at: String) {
  roadmap(id: $id, consistentWith: $at) { initiatives { title } }
}
"""
VIEWER = "{ viewer { actor } }"
WRITERS = 2
BACK_WITHIN_SECONDS = 30.0
WRITES_AFTER_RESTART = 5


def postmaster(pgdata: Path) -> psutil.Process:
    """The embedded server's postmaster, as its ``postmaster.pid`` names it."""
    pid = int((pgdata / "postmaster.pid").read_text().splitlines()[0])
    return psutil.Process(pid)


class Writer(threading.Thread):
    """Proposes initiatives one after another, each retried with its idempotency key
    until it is acknowledged; keeps every answer that was not an acknowledgement."""

    def __init__(self, url: str, token: str, roadmap_id: str, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.client = httpx.Client(
            base_url=url, headers={"authorization": f"Bearer {token}"}, timeout=30
        )
        self.roadmap_id = roadmap_id
        self.acknowledged: list[str] = []
        self.positions: list[int] = []
        self.unavailable: list[httpx.Response] = []
        self.unexpected: list[str] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            number = 0
            while not self.stopping.is_set():
                self._write(f"{self.name}-{number}")
                number += 1
        finally:
            self.client.close()

    def _write(self, title: str) -> None:
        variables = {
            "input": {
                "roadmapId": self.roadmap_id,
                "title": title,
                "goal": "survive a database crash",
                "idempotencyKey": title,
            }
        }
        while True:
            try:
                response = self.client.post(
                    "/graphql", json={"query": PROPOSE, "variables": variables}
                )
            except httpx.TransportError as error:
                self.unexpected.append(f"{title}: {error!r}")
                self.stopping.set()
                return
            if response.status_code == 503:
                self.unavailable.append(response)
                time.sleep(0.1)
                continue
            body = response.json() if response.status_code == 200 else {}
            answer = (body.get("data") or {}).get("proposeInitiative")
            if answer is None or answer["userErrors"] or body.get("errors"):
                self.unexpected.append(f"{title}: {response.status_code} {response.text[:300]}")
                self.stopping.set()
                return
            self.acknowledged.append(title)
            self.positions.append(int(answer["position"]))
            return


class Reader(threading.Thread):
    """Asks who it is, over and over: every answer is a 200 or a coded 503."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(name="reader", daemon=True)
        self.client = httpx.Client(
            base_url=url, headers={"authorization": f"Bearer {token}"}, timeout=30
        )
        self.unavailable: list[httpx.Response] = []
        self.unexpected: list[str] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        with self.client:
            while not self.stopping.is_set():
                try:
                    response = self.client.post("/graphql", json={"query": VIEWER})
                except httpx.TransportError as error:
                    self.unexpected.append(repr(error))
                    return
                if response.status_code == 503:
                    self.unavailable.append(response)
                elif response.status_code != 200 or "errors" in response.json():
                    self.unexpected.append(f"{response.status_code} {response.text[:300]}")
                    return
                time.sleep(0.02)


def acknowledged_after(writers: list[Writer], count: int) -> int:
    return sum(len(writer.acknowledged) for writer in writers) - count


def test_a_killed_embedded_postgres_comes_back_with_every_acknowledged_write_once() -> None:
    # Not pytest's tmp_path: that is private to this user (0700), and as root pgserver
    # runs the server as a user of its own, which must enter the data directory.
    with (
        tempfile.TemporaryDirectory(prefix="roadlog-supervision-") as folder,
        serving("--data-dir", str(Path(folder) / "data")) as served,
    ):
        data_dir = Path(folder) / "data"
        token = (data_dir / "admin-token").read_text().strip()
        roadmap_id = create_roadmap(served, token)
        writers = [Writer(served.url, token, roadmap_id, f"w{n}") for n in range(WRITERS)]
        reader = Reader(served.url, token)
        clients: list[Writer | Reader] = [*writers, reader]
        for client in clients:
            client.start()
        try:
            time.sleep(1.0)  # a light load is running
            killed = postmaster(data_dir / "pgdata")
            before = acknowledged_after(writers, 0)
            os.kill(killed.pid, signal.SIGKILL)

            # Service comes back without anyone's help: a new postmaster, and writes again.
            deadline = time.monotonic() + BACK_WITHIN_SECONDS
            while acknowledged_after(writers, before) < WRITES_AFTER_RESTART:
                unexpected = [answer for client in clients for answer in client.unexpected]
                assert not unexpected, unexpected
                assert time.monotonic() < deadline, "writes did not resume after the crash"
                time.sleep(0.1)
            assert postmaster(data_dir / "pgdata").pid != killed.pid
        finally:
            for client in clients:
                client.stopping.set()
            for client in clients:
                client.join(60)

        assert [answer for client in clients for answer in client.unexpected] == []
        unavailable = [response for client in clients for response in client.unavailable]
        assert unavailable, "no request was made while the database was down"
        for response in unavailable:
            assert response.headers["retry-after"].isdigit()
            assert response.headers["content-type"].startswith("application/json")
            codes = {error["extensions"]["code"] for error in response.json()["errors"]}
            assert codes == {"DATABASE_UNAVAILABLE"}, response.text

        acknowledged = [title for writer in writers for title in writer.acknowledged]
        last = max(position for writer in writers for position in writer.positions)
        stored = Counter(read_titles(served, token, roadmap_id, last))
        assert {title: stored[title] for title in acknowledged} == dict.fromkeys(acknowledged, 1)
        assert max(stored.values()) == 1, "a retried write was recorded twice"
        assert httpx.get(f"{served.url}/readyz", timeout=10).status_code == 200
        status, _, stderr = served.stop()
    assert status == 0, stderr
    assert stderr.count("restarting it") == stderr.count("running again") == 1, stderr


def create_roadmap(served: Served, token: str) -> str:
    variables = {"input": {"name": "crash-proof", "cadence": {}}}
    response = httpx.post(
        f"{served.url}/graphql",
        json={"query": CREATE_ROADMAP, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
        timeout=30,
    )
    payload = response.json()["data"]["createRoadmap"]
    assert payload["userErrors"] == [], payload
    roadmap_id: str = payload["roadmap"]["id"]
    return roadmap_id


def read_titles(served: Served, token: str, roadmap_id: str, position: int) -> list[str]:
    response = httpx.post(
        f"{served.url}/graphql",
        json={"query": TITLES, "variables": {"id": roadmap_id, "at": str(position)}},
        headers={"authorization": f"Bearer {token}"},
        timeout=30,
    )
    body = response.json()
    assert "errors" not in body, body
    return [initiative["title"] for initiative in body["data"]["roadmap"]["initiatives"]]
