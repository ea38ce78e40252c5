"""``roadlog serve --workers N``: several API processes on one port, one active projector."""

from __future__ import annotations

import os
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import pytest

from tests.support.process import Served, serving

pytestmark = pytest.mark.slow

CREATE = """
mutation($input: CreateRoadmapInput!) {
  createRoadmap(input: $input) { userErrors { code message } position }
}
"""
ROADMAP_NAMES = "{ roadmaps { edges { node { name } } } }"


def workers(served: Served) -> list[psutil.Process]:
    """The worker processes of ``served`` (uvicorn spawns them with multiprocessing)."""
    children = psutil.Process(served.process.pid).children()
    return [child for child in children if "spawn_main" in " ".join(child.cmdline())]


def projector_states(url: str, requests: int) -> list[str]:
    """The projector state each of ``requests`` concurrent /readyz answers reports."""

    def ask(_: int) -> str:
        with httpx.Client(timeout=10) as client:  # a connection of its own: any worker
            body = client.get(f"{url}/readyz").json()
        state: str = body["projector"]["state"]
        return state

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(ask, range(requests)))


def until_both_answer(url: str, within: float = 60.0) -> int:
    """Wait until /readyz answers come from an active and a standby projector; requests made.

    Rounds are spaced out: asking nonstop would take the CPU a starting worker needs.
    """
    deadline = time.monotonic() + within
    seen: set[str] = set()
    made = 0
    while True:
        seen.update(projector_states(url, 16))
        made += 16
        if seen == {"active", "standby"}:
            return made
        assert time.monotonic() < deadline, f"only projector states {seen} answered"
        time.sleep(0.25)


def written_then_read(url: str, token: str, name: str) -> list[str]:
    """Create a roadmap, then read the roadmaps consistent with it on another connection."""
    headers = {"authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        variables = {"input": {"name": name, "cadence": {}}}
        created = client.post("/graphql", json={"query": CREATE, "variables": variables}).json()
    payload = created["data"]["createRoadmap"]
    assert payload["userErrors"] == [], payload
    consistent = {**headers, "roadlog-consistent-with": payload["position"]}
    with httpx.Client(base_url=url, headers=consistent, timeout=30) as client:
        read = client.post("/graphql", json={"query": ROADMAP_NAMES}).json()
    return [edge["node"]["name"] for edge in read["data"]["roadmaps"]["edges"]]


def test_workers_share_the_port_and_exactly_one_projector_is_active(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with serving("--data-dir", str(data_dir), "--workers", "2") as served:
        assert len(workers(served)) == 2
        asked = until_both_answer(served.url)
        token = (data_dir / "admin-token").read_text().strip()
        names = [f"written through worker pair {n}" for n in range(4)]
        for name in names:
            assert name in written_then_read(served.url, token, name)
        metrics = httpx.get(f"{served.url}/metrics", timeout=10).text
        running = workers(served)
        status, _, stderr = served.stop()
        assert not any(worker.is_running() for worker in running)

    # /metrics of one worker counts the requests of both.
    readyz = re.search(r'\{method="GET",route="/readyz",status="200"\} (\S+)', metrics)
    assert readyz is not None and float(readyz[1]) >= asked
    assert status == 0, stderr
    assert "Traceback" not in stderr


def test_a_killed_worker_is_replaced_and_writes_stay_visible(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with serving("--data-dir", str(data_dir), "--workers", "2") as served:
        token = (data_dir / "admin-token").read_text().strip()
        until_both_answer(served.url)
        before = workers(served)
        for worker in before:  # whichever held the projector lock, it goes too
            os.kill(worker.pid, signal.SIGKILL)
        for worker in before:
            worker.wait(10)
        deadline = time.monotonic() + 60
        killed = {worker.pid for worker in before}
        while killed & {w.pid for w in workers(served)} or len(workers(served)) < 2:
            assert time.monotonic() < deadline, "the killed workers were not replaced"
            time.sleep(0.2)
        until_both_answer(served.url)
        assert "after the kill" in written_then_read(served.url, token, "after the kill")
        status, _, stderr = served.stop()
    assert status == 0, stderr
