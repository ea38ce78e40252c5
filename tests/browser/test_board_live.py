"""Live updates on the board: one browser sees another's changes without reloading."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import replace

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.board_helpers import row, set_status
from tests.browser.conftest import WORKSPACE, Board, sign_in
from tests.support.process import Served, roadlog, serving

pytestmark = pytest.mark.slow

LIVE_SECONDS = 10_000
"""How long a change may take to reach the other browser (ms): a projector batch away."""


GUIDED_STATUS = "table.roadmap tr.deliverable:has-text('Guided setup') .status"


def test_a_second_browser_sees_a_status_change_without_reloading(
    page: Page, browser: Browser, board: Board, roadmap: str
) -> None:
    other = browser.new_context()
    try:
        watcher = other.new_page()
        sign_in(watcher, board, board.viewer, roadmap)
        expect(watcher.locator(GUIDED_STATUS)).to_have_text("At risk")
        # A mark in the watcher's window: a reload or a navigation would lose it.
        watcher.evaluate("window.stillTheSamePage = true")

        sign_in(page, board, board.editor, roadmap)
        guided = row(page, "Onboarding").locator("tr.deliverable", has_text="Guided setup")
        set_status(guided, "Guided setup", "IN_PROGRESS")
        expect(guided.locator(".status")).to_have_text("In progress")

        expect(watcher.locator(GUIDED_STATUS)).to_have_text("In progress", timeout=LIVE_SECONDS)
        assert watcher.evaluate("window.stillTheSamePage") is True
        expect(watcher.locator("#live-note")).to_contain_text("Brought up to date")
    finally:
        other.close()


def test_the_stream_ends_when_the_session_token_is_revoked(
    page: Page, board: Board, roadmap: str
) -> None:
    name = f"leaving-{uuid.uuid4().hex[:8]}"
    created = roadlog(
        "token",
        "create",
        "--role",
        "viewer",
        "--name",
        name,
        "--workspace",
        WORKSPACE,
        env=board.env,
    )
    assert created.returncode == 0, created.stderr
    sign_in(page, board, created.stdout.strip(), roadmap)
    with page.expect_response(re.compile(r"/events\?after=\d+$")) as opened:
        page.reload()
    assert opened.value.status == 200
    listed = roadlog("token", "list", env=board.env)
    token_id = next(line.split()[0] for line in listed.stdout.splitlines() if name in line)
    revoked = roadlog("token", "revoke", token_id, env=board.env)
    assert revoked.returncode == 0, revoked.stderr
    # The stream says so and the page reloads: to the sign-in page, without a click.
    page.wait_for_url(f"{board.url}/sign-in", timeout=LIVE_SECONDS)


def test_the_stream_needs_a_session(board: Board, page: Page, roadmap: str) -> None:
    sign_in(page, board, board.viewer, roadmap)
    events = page.locator("[data-live]").get_attribute("data-live")
    assert events is not None and events.startswith("/roadmaps/")
    answer = httpx.get(f"{board.url}{events}", timeout=10)
    assert answer.status_code == 401
    signed_in = page.request.get(f"{board.url}{events.replace('/roadmaps/', '/roadmaps/x')}")
    assert signed_in.status == 404


def stream_ended(served: Served) -> bool:
    """Whether the server logged a finished event stream (its request log line)."""
    return '/events", "status": 200' in served.output(served.stderr)


def test_a_stream_ends_when_its_browser_leaves_and_never_holds_a_shutdown(
    browser: Browser, board: Board, roadmap: str
) -> None:
    with serving("--no-projector", env=board.env) as served:
        own = replace(board, served=served)
        leaving = browser.new_context()
        sign_in(leaving.new_page(), own, board.viewer, roadmap)
        leaving.close()
        deadline = time.monotonic() + 10
        while not stream_ended(served) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert stream_ended(served), "the stream outlived its browser"

        staying = browser.new_context()
        try:
            page = staying.new_page()
            with page.expect_response(re.compile(r"/events\?after=\d+$")):
                sign_in(page, own, board.viewer, roadmap)
            started = time.monotonic()
            status, _, stderr = served.stop()
            # Not the server's graceful-shutdown timeout (10 s): the stream ended at once.
            assert time.monotonic() - started < 5, stderr
            assert status == 0, stderr
        finally:
            staying.close()


def test_an_update_waits_until_the_edit_in_progress_is_done(
    page: Page, browser: Browser, board: Board, roadmap: str
) -> None:
    other = browser.new_context()
    try:
        watcher = other.new_page()
        sign_in(watcher, board, board.editor, roadmap)
        proposal = watcher.get_by_role("form", name="Propose an initiative")
        proposal.get_by_label("Project").fill("Half-typed idea")
        watcher.get_by_role("heading", level=1).click()  # the field loses the focus

        sign_in(page, board, board.editor, roadmap)
        guided = row(page, "Onboarding").locator("tr.deliverable", has_text="Guided setup")
        set_status(guided, "Guided setup", "IN_PROGRESS")
        expect(guided.locator(".status")).to_have_text("In progress")

        expect(watcher.locator("#live-note")).to_contain_text(
            "once you finish this edit", timeout=LIVE_SECONDS
        )
        expect(watcher.locator(GUIDED_STATUS)).to_have_text("At risk")
        expect(proposal.get_by_label("Project")).to_have_value("Half-typed idea")

        proposal.get_by_label("Project").fill("")
        watcher.get_by_role("heading", level=1).click()
        expect(watcher.locator(GUIDED_STATUS)).to_have_text("In progress", timeout=LIVE_SECONDS)
    finally:
        other.close()
