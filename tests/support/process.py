"""The ``roadlog`` command as users run it: a separate process, real ports, real files."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

ROADLOG = str(Path(sys.executable).with_name("roadlog"))
READY_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test process's environment without roadlog settings, plus ``extra``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ROADLOG_") and key != "DATABASE_URL"
    }
    env.update(extra or {})
    return env


def roadlog(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run one roadlog command to completion."""
    return subprocess.run(
        [ROADLOG, *args],
        env=environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class Served:
    """A running ``roadlog serve``; its output goes to files, so a chatty server never
    blocks on a full pipe."""

    process: subprocess.Popen[str]
    url: str
    stdout: IO[str]
    stderr: IO[str]

    def stop(self) -> tuple[int, str, str]:
        """SIGTERM, wait, and return (exit status, stdout, stderr)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()  # never leave a hung server behind
            self.process.wait()
            raise
        return self.process.returncode, self.output(self.stdout), self.output(self.stderr)

    @staticmethod
    def output(file: IO[str]) -> str:
        file.flush()
        file.seek(0)
        return file.read()


def wait_ready(served: Served, timeout: float = READY_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            _, stdout, stderr = served.stop()
            raise AssertionError(f"serve exited early:\n{stdout}\n{stderr}")
        try:
            if httpx.get(f"{served.url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    served.stop()
    raise AssertionError("serve did not become ready")


@contextmanager
def serving(*args: str, env: Mapping[str, str] | None = None) -> Iterator[Served]:
    """``roadlog serve`` on a free port until the block ends; ready when yielded."""
    port = free_port()
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        process = subprocess.Popen(
            [ROADLOG, "serve", "--port", str(port), *args],
            env=environment(env),
            stdout=stdout,
            stderr=stderr,
            text=True,
        )
        served = Served(process, f"http://127.0.0.1:{port}", stdout, stderr)
        try:
            wait_ready(served)
            yield served
        finally:
            if process.poll() is None:
                served.stop()
