"""The board as a product manager uses it in the weekly meeting, in a real Chromium."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_helpers import projects, row, set_status
from tests.browser.conftest import SEED_ORDER, Board, sign_in

pytestmark = pytest.mark.slow


def test_an_editor_signs_in_and_reads_the_seed_roadmap_in_priority_order(
    page: Page, board: Board, roadmap: str
) -> None:
    sign_in(page, board, board.editor, roadmap)
    assert projects(page) == SEED_ORDER
    search = row(page, "Search")
    expect(search.locator("td.stakeholders")).to_have_text("Sales, Support")
    expect(search.locator("td.goal")).to_have_text("Find any document in a second")
    index = search.locator("tr.deliverable", has_text="Index")
    expect(index.locator(".status")).to_have_text("In progress")
    expect(index.locator(".status")).to_have_class(re.compile(r"\bstatus-in_progress\b"))
    expect(index.locator("td.target")).to_have_text("2026-03-31")
    expect(index.locator("td.estimate")).to_have_text("3 w")
    expect(row(page, "Billing").locator(".status")).to_have_text("Done")
    switcher = page.get_by_role("navigation", name="Roadmaps")
    expect(switcher.get_by_role("link", name=roadmap)).to_have_attribute("aria-current", "page")


def test_an_editor_changes_a_status_in_place(page: Page, board: Board, roadmap: str) -> None:
    sign_in(page, board, board.editor, roadmap)
    guided = row(page, "Onboarding").locator("tr.deliverable", has_text="Guided setup")
    set_status(guided, "Guided setup", "IN_PROGRESS")
    expect(
        row(page, "Onboarding")
        .locator("tr.deliverable", has_text="Guided setup")
        .locator(".status")
    ).to_have_text("In progress")
    page.reload()
    expect(
        row(page, "Onboarding")
        .locator("tr.deliverable", has_text="Guided setup")
        .locator(".status")
    ).to_have_text("In progress")


def test_a_status_changes_from_the_keyboard(page: Page, board: Board, roadmap: str) -> None:
    sign_in(page, board, board.editor, roadmap)
    guided = row(page, "Onboarding").locator("tr.deliverable", has_text="Guided setup")
    guided.locator("button.status").focus()
    page.keyboard.press("Enter")
    choice = guided.get_by_label("Status of Guided setup")
    expect(choice).to_be_focused()
    expect(choice).to_have_value("AT_RISK")
    page.keyboard.press("Escape")
    expect(guided.locator("form.status-change")).to_have_count(0)
    expect(guided.locator("button.status")).to_be_focused()
    page.keyboard.press("Enter")
    choice.select_option("POSSIBLE_DELAY")
    page.keyboard.press("Tab")
    expect(guided.get_by_role("button", name="Set")).to_be_focused()
    page.keyboard.press("Enter")
    expect(guided.locator(".status")).to_have_text("Possible delay")


def test_reopening_needs_a_reason_asked_next_to_the_control(
    page: Page, board: Board, roadmap: str
) -> None:
    sign_in(page, board, board.editor, roadmap)
    invoices = row(page, "Billing").locator("tr.deliverable", has_text="Invoices")
    set_status(invoices, "Invoices", "IN_PROGRESS")
    expect(invoices.get_by_role("alert")).to_contain_text("reason")
    expect(invoices.locator(".status")).to_have_text("Done")
    expect(invoices.get_by_label("Status of Invoices")).to_have_value("IN_PROGRESS")
    invoices.get_by_label("Status of Invoices").select_option("IN_PROGRESS")
    invoices.get_by_label("Reason to reopen Invoices").fill("The tax rules changed")
    invoices.get_by_role("button", name="Set").click()
    expect(invoices.locator(".status")).to_have_text("In progress")
    expect(invoices.get_by_role("alert")).to_have_count(0)
    expect(invoices.get_by_label("Reason to reopen Invoices")).to_have_count(0)


def test_an_editor_moves_a_row_down_with_a_reason(page: Page, board: Board, roadmap: str) -> None:
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    sign_in(page, board, board.editor, roadmap)
    row(page, "Search").get_by_role("button", name="Down").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Why does its priority change?").fill("Billing blocks the launch")
    dialog.get_by_role("button", name="Move").click()
    expect(page.locator("table.roadmap > tbody > tr > th.project").first).to_have_text("Billing")
    assert projects(page) == ["Billing", "Search", *SEED_ORDER[2:]]
    # The page's scripts (htmx and the board's) run under its Content-Security-Policy.
    assert errors == []


def test_the_move_dialog_takes_any_position(page: Page, board: Board, roadmap: str) -> None:
    sign_in(page, board, board.editor, roadmap)
    row(page, "Search").get_by_role("button", name="Down").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading")).to_have_text(re.compile(r"^Move\W+Search\W*$"))
    expect(dialog.get_by_label("To position")).to_have_value("2")
    dialog.get_by_label("To position").fill("4")
    dialog.get_by_label("Why does its priority change?").fill("Search waits for the new index")
    dialog.get_by_role("button", name="Move").click()
    expect(page.locator("table.roadmap > tbody > tr > th.project").last).to_have_text("Search")
    assert projects(page) == [*SEED_ORDER[1:], "Search"]


def test_a_move_without_a_reason_is_refused_in_the_apis_words(
    page: Page, board: Board, roadmap: str
) -> None:
    sign_in(page, board, board.editor, roadmap)
    row(page, "Billing").get_by_role("button", name="Up").click()
    page.get_by_role("dialog").get_by_role("button", name="Move").click()
    expect(row(page, "Billing").locator("td.priority").get_by_role("alert")).to_contain_text(
        "reason"
    )
    assert projects(page) == SEED_ORDER


def test_a_viewer_sees_the_table_without_edit_controls(
    page: Page, board: Board, roadmap: str
) -> None:
    sign_in(page, board, board.viewer, roadmap)
    assert projects(page) == SEED_ORDER
    expect(page.locator("span.status").first).to_be_visible()
    expect(page.locator("button.status")).to_have_count(0)
    expect(page.locator("#status-control")).to_have_count(0)
    expect(page.locator("button.move")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_forged_post_without_the_csrf_token_is_refused(
    page: Page, board: Board, roadmap: str
) -> None:
    sign_in(page, board, board.editor, roadmap)
    index = row(page, "Search").locator("tr.deliverable", has_text="Index")
    deliverable = (index.get_attribute("id") or "").removeprefix("deliverable-")
    pattern = page.locator("#roadmap-table").get_attribute("data-status-action")
    assert pattern is not None and deliverable
    action = pattern.replace("{deliverable}", deliverable)
    # The signed-in browser's own cookies, but a form without the page's token.
    forged = page.request.post(f"{board.url}{action}", form={"status": "DONE"}, max_redirects=0)
    assert forged.status == 403
    assert "CSRF" in forged.text()
    page.reload()
    expect(
        row(page, "Search").locator("tr.deliverable", has_text="Index").locator(".status")
    ).to_have_text("In progress")


def test_a_script_in_a_title_renders_as_text(page: Page, board: Board, roadmap: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    sign_in(page, board, board.editor, roadmap)
    title = "<img src=x onerror=alert(1)>"
    expect(page.locator("th.project", has_text=title)).to_have_text(title)
    expect(page.locator("table.roadmap img")).to_have_count(0)
    assert dialogs == []


def test_signing_out_ends_the_session(page: Page, board: Board, roadmap: str) -> None:
    sign_in(page, board, board.editor, roadmap)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{board.url}/sign-in")
    page.goto(f"{board.url}/")
    expect(page.get_by_label("API token")).to_be_visible()


def test_pages_forbid_inline_scripts(board: Board) -> None:
    answer = httpx.get(f"{board.url}/sign-in")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in answer.text
