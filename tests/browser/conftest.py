"""The board in a real browser: Debian's headless Chromium driven by Playwright, against a
real ``roadlog serve`` process seeded with the CLI (``roadlog import csv``, tokens).

Playwright's own browser download does not work everywhere, so the tests drive Debian's
``chromium-headless-shell``. On a machine without it they are skipped with a message
saying how to install it, unless ``ROADLOG_REQUIRE_BROWSER=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from psycopg import sql

from backend.database import DatabaseTarget
from tests.support.databases import create_from_template
from tests.support.process import Served, roadlog, serving
from tests.support.settings import database_environment

CHROMIUM_CANDIDATES = (
    "/usr/lib/chromium/chromium-headless-shell",
    "/usr/lib/chromium/chromium",
)
"""Debian's binaries (``dpkg -L chromium-headless-shell``), not their shell wrappers."""

INSTALL_HINT = (
    "the board's browser tests were not run: no Chromium on this machine; install it with"
    " `apt-get install -y chromium-headless-shell` (as root)"
)
REQUIRE_BROWSER = "ROADLOG_REQUIRE_BROWSER"

WORKSPACE = "acme"
ROADMAP = "Platform"
SHEET = """\
Project,Stakeholders,User-centric goal,Deliverable,Deliverable status,Estimate weeks,Target
Search,"Sales, Support",Find any document in a second,Index,In progress,3,2026-03-31
,,,Search UI,Planned,2,
Billing,Finance,Customers pay without calling us,Invoices,Done,2.5,2026-01-15
Onboarding,Customer success,A new team works on day one,Guided setup,At risk,4,
<img src=x onerror=alert(1)>,Security,Scripts in titles stay text,Escaping,Possible delay,1,
"""
"""The seed: a roadmap in the seeds' spreadsheet format, in priority order."""
SEED_ORDER = ["Search", "Billing", "Onboarding", "<img src=x onerror=alert(1)>"]


def chromium() -> str | None:
    found = [path for path in CHROMIUM_CANDIDATES if Path(path).is_file()]
    return found[0] if found else shutil.which("chromium-headless-shell")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The browser's binary; a skip (or, under ROADLOG_REQUIRE_BROWSER=1, a failure) if none."""
    executable = chromium()
    if executable is None:
        if os.environ.get(REQUIRE_BROWSER) == "1":
            pytest.fail(f"{REQUIRE_BROWSER}=1 but {INSTALL_HINT}")
        pytest.skip(INSTALL_HINT)
    return executable


@dataclass
class Board:
    """A served roadlog for the module's tests: its URL, an editor's and a viewer's token,
    and how to seed a roadmap of its own for each test."""

    served: Served
    env: dict[str, str]
    folder: Path
    editor: str
    viewer: str
    seeded: int = 0

    @property
    def url(self) -> str:
        return self.served.url

    def seed(self) -> str:
        """A new roadmap with the seed's rows (``roadlog import csv``); its name."""
        self.seeded += 1
        name = f"Platform {self.seeded}"
        sheet = self.folder / f"platform-{self.seeded}.csv"
        sheet.write_text(SHEET, encoding="utf-8")
        imported = roadlog(
            "import", "csv", str(sheet), "--roadmap", name, "--workspace", WORKSPACE, env=self.env
        )
        assert imported.returncode == 0, imported.stderr
        return name


def token(env: dict[str, str], role: str) -> str:
    created = roadlog(
        "token", "create", "--role", role, "--name", role, "--workspace", WORKSPACE, env=env
    )
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()


@pytest.fixture(scope="module")
def board_database(
    chromium_path: str, pg_server: DatabaseTarget, template_database: str
) -> Iterator[DatabaseTarget]:
    """One database for the module's server (each test seeds its own roadmap in it)."""
    name = f"roadlog_board_{uuid.uuid4().hex[:12]}"
    yield create_from_template(pg_server, name, template_database)
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="module")
def board(
    board_database: DatabaseTarget, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Board]:
    folder = tmp_path_factory.mktemp("board")
    env = {**database_environment(board_database), "ROADLOG_DATA_DIR": str(folder / "data")}
    editor, viewer = token(env, "editor"), token(env, "viewer")
    with serving(env=env) as served:
        yield Board(served, env, folder, editor, viewer)


@pytest.fixture(scope="module")
def browser(chromium_path: str, board: Board) -> Iterator[Browser]:
    """Chromium, started after the server: sync Playwright runs an event loop in this
    thread while it is open, and the database fixtures run theirs before it."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def roadmap(board: Board) -> str:
    """This test's roadmap, seeded: its name."""
    return board.seed()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    yield opened
    context.close()


def sign_in(page: Page, board: Board, secret: str, roadmap: str) -> None:
    """Sign in, then open ``roadmap`` with the switcher."""
    page.goto(f"{board.url}/")
    page.get_by_label("API token").fill(secret)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{board.url}/roadmaps/*")
    page.get_by_role("navigation", name="Roadmaps").get_by_role("link", name=roadmap).click()
    expect(page.get_by_role("heading", name=roadmap)).to_be_visible()
