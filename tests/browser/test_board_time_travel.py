"""Time travel on the board: the roadmap as of an instant, and what changed since one."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_helpers import projects, row, set_status
from tests.browser.conftest import SEED_ORDER, Board, sign_in

pytestmark = pytest.mark.slow


def an_instant_between_steps() -> str:
    """A whole second after everything so far and before anything next, as the picker
    takes it (UTC, to the second)."""
    time.sleep(1.1)
    picked = datetime.now(UTC).replace(microsecond=0, tzinfo=None).isoformat()
    time.sleep(1.1)
    return picked


def move_down(page: Page, title: str, reason: str) -> None:
    row(page, title).get_by_role("button", name="Down").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Why does its priority change?").fill(reason)
    dialog.get_by_role("button", name="Move").click()


def test_time_travel_to_before_a_move_shows_the_old_order_then_marks_what_changed(
    page: Page, board: Board, roadmap: str
) -> None:
    sign_in(page, board, board.editor, roadmap)
    before = an_instant_between_steps()
    move_down(page, "Search", "Billing blocks the launch")
    expect(page.locator("table.roadmap > tbody > tr > th.project").first).to_have_text("Billing")
    guided = row(page, "Onboarding").locator("tr.deliverable", has_text="Guided setup")
    set_status(guided, "Guided setup", "IN_PROGRESS")
    expect(guided.locator(".status")).to_have_text("In progress")

    page.get_by_label("Date and time (UTC)").fill(before)
    page.get_by_role("button", name="Show the roadmap then").click()
    expect(page.get_by_role("status")).to_contain_text("As of")
    assert projects(page) == SEED_ORDER
    expect(
        row(page, "Onboarding")
        .locator("tr.deliverable", has_text="Guided setup")
        .locator(".status")
    ).to_have_text("At risk")
    # The past is read only.
    expect(page.locator("button.status")).to_have_count(0)
    expect(page.locator("button.move")).to_have_count(0)

    page.get_by_role("link", name="Now, with what changed since then").click()
    expect(page.get_by_role("status")).to_contain_text("Now, with the changes since")
    assert projects(page) == ["Billing", "Search", *SEED_ORDER[2:]]
    expect(row(page, "Search")).to_have_class(re.compile(r"\bchanged-since\b"))
    expect(row(page, "Search").locator("td.position .since-note")).to_have_text(["was 1"])
    expect(row(page, "Billing").locator("td.position .since-note")).to_have_text(["was 2"])
    expect(row(page, "Onboarding").locator("td.position .since-note")).to_have_text(
        ["changed", "overall status was At risk"]
    )
    changed = row(page, "Onboarding").locator("tr.deliverable", has_text="Guided setup")
    expect(changed).to_have_class(re.compile(r"\bchanged-since\b"))
    expect(changed.locator(".since-note")).to_have_text("status was At risk")
    expect(row(page, "Search").locator("tr.changed-since")).to_have_count(0)
    expect(row(page, "<img")).not_to_have_class(re.compile(r"\bchanged-since\b"))

    # A control used in this view answers with this view, the new change marked too.
    escaping = row(page, "<img").locator("tr.deliverable", has_text="Escaping")
    set_status(escaping, "Escaping", "DONE")
    expect(escaping.locator(".since-note")).to_have_text("status was Possible delay")
    expect(page.get_by_role("status")).to_contain_text("Now, with the changes since")

    page.get_by_role("link", name="Back to now").click()
    expect(page.locator(".since-note")).to_have_count(0)


def test_a_time_the_picker_cannot_send_is_refused_in_words(
    page: Page, board: Board, roadmap: str
) -> None:
    sign_in(page, board, board.editor, roadmap)
    answer = page.goto(page.url + "?at=yesterday")
    assert answer is not None and answer.status == 400
    expect(page.get_by_role("alert")).to_contain_text("'yesterday' is not a date")
