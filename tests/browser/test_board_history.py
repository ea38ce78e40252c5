"""Why did it move? An initiative's history on the board, in a real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_helpers import graphql, initiative_id, projects, roadmap_id, row
from tests.browser.conftest import SEED_ORDER, Board, sign_in

pytestmark = pytest.mark.slow

RECORD_DECISION = """
mutation ($input: RecordDecisionInput!) {
  recordDecision(input: $input) { decision { id } userErrors { message } }
}
"""
MOVE = """
mutation ($input: MoveInitiativeInput!) {
  moveInitiative(input: $input) { roadmap { id } userErrors { message } }
}
"""


def test_a_moved_row_and_the_row_it_displaced_show_why_in_their_history(
    page: Page, board: Board, roadmap: str
) -> None:
    sign_in(page, board, board.editor, roadmap)
    row(page, "Search").get_by_role("button", name="Down").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Why does its priority change?").fill("Billing blocks the launch")
    dialog.get_by_role("button", name="Move").click()
    expect(page.locator("table.roadmap > tbody > tr > th.project").first).to_have_text("Billing")

    row(page, "Search").get_by_role("link", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Search")
    moved = page.locator("li.move-moved").first
    expect(moved).to_contain_text("Moved from 1 to 2")
    expect(moved.locator(".reason")).to_have_text("Reason Billing blocks the launch")
    expect(moved.locator(".actor")).to_have_text("editor")
    expect(moved.locator("time")).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d UTC$"))
    expect(page.locator("li.move-placed")).to_contain_text("Placed at 1")

    page.get_by_role("link", name="Back to the roadmap").click()
    row(page, "Billing").get_by_role("link", name="Billing").click()
    displaced = page.locator("li.move-displaced").first
    expect(displaced).to_contain_text("Shifted from 2 to 1")
    expect(displaced.locator("q.cause")).to_have_text("Search")
    expect(displaced.locator(".reason")).to_contain_text("Billing blocks the launch")


def test_a_move_driven_by_a_decision_shows_its_outcome_and_rationale(
    page: Page, board: Board, roadmap: str
) -> None:
    sign_in(page, board, board.editor, roadmap)
    decided = graphql(
        board.url,
        board.editor,
        RECORD_DECISION,
        input={
            "title": "Onboarding first",
            "context": "Churn in the first week",
            "outcome": "Onboarding goes to the top",
            "rationale": "New teams leave before they <b>see</b> search",
        },
    )["recordDecision"]
    assert decided["userErrors"] == []
    moved = graphql(
        board.url,
        board.editor,
        MOVE,
        input={
            "roadmapId": roadmap_id(page),
            "initiativeId": initiative_id(page, "Onboarding"),
            "toPosition": 1,
            "reason": "Decided in the planning meeting",
            "decisionId": decided["decision"]["id"],
        },
    )["moveInitiative"]
    assert moved["userErrors"] == []
    page.reload()
    assert projects(page) == ["Onboarding", *SEED_ORDER[:2], SEED_ORDER[3]]

    row(page, "Onboarding").get_by_role("link", name="Onboarding").click()
    move = page.locator("li.move-moved").first
    expect(move).to_contain_text("Moved from 3 to 1")
    expect(move.locator(".decision")).to_contain_text("Onboarding first")
    expect(move.locator(".outcome")).to_have_text("Onboarding goes to the top")
    expect(move.locator(".rationale")).to_have_text("New teams leave before they <b>see</b> search")
    # Every other change is there too, in the timeline's words.
    expect(page.locator("li.change-entry").first).to_be_visible()

    page.get_by_role("link", name="Back to the roadmap").click()
    row(page, "Search").get_by_role("link", name="Search").click()
    displaced = page.locator("li.move-displaced").first
    expect(displaced).to_contain_text("Shifted from 1 to 2")
    expect(displaced.locator(".rationale")).to_have_text(
        "New teams leave before they <b>see</b> search"
    )


def test_a_viewer_reads_a_history_and_a_script_in_a_title_stays_text(
    page: Page, board: Board, roadmap: str
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    sign_in(page, board, board.viewer, roadmap)
    title = "<img src=x onerror=alert(1)>"
    row(page, title).get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1).locator("q")).to_have_text(title)
    expect(page.locator("li.move-placed")).to_contain_text("Placed at 4")
    expect(page.locator("li.change-entry").last).to_contain_text(f"Proposed '{title}'")
    expect(page.locator("main img")).to_have_count(0)
    assert dialogs == []


def test_the_history_of_an_unknown_initiative_is_not_found(
    page: Page, board: Board, roadmap: str
) -> None:
    sign_in(page, board, board.viewer, roadmap)
    answer = page.goto(f"{board.url}/initiatives/nonsense/history")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("alert")).to_contain_text("'nonsense' not found")
