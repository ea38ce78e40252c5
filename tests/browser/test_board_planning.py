"""The meeting's planning controls on the board: propose an initiative, add a deliverable,
retarget one to a cycle; each refusal in the API's words next to its control."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.board_helpers import graphql, projects, roadmap_id, row
from tests.browser.conftest import SEED_ORDER, Board, sign_in

pytestmark = pytest.mark.slow

CREATE_CYCLE = """
mutation ($input: CreateCycleInput!) {
  createCycle(input: $input) { cycle { id } userErrors { message } }
}
"""


def test_an_editor_proposes_an_initiative_and_a_refusal_keeps_the_form(
    page: Page, board: Board, roadmap: str
) -> None:
    sign_in(page, board, board.editor, roadmap)
    proposal = page.get_by_role("form", name="Propose an initiative")
    proposal.get_by_label("Project").fill("Audit log")
    proposal.get_by_label("Stakeholders").fill("Security, Compliance")
    proposal.get_by_role("button", name="Propose").click()
    alert = page.get_by_role("form", name="Propose an initiative").get_by_role("alert")
    expect(alert).to_contain_text("goal")
    # The address is still the roadmap's: a reload shows it, it does not post again.
    assert page.url.endswith(roadmap_id(page)) and "/initiatives" not in page.url
    assert projects(page) == SEED_ORDER
    proposal = page.get_by_role("form", name="Propose an initiative")
    expect(proposal.get_by_label("Project")).to_have_value("Audit log")
    expect(proposal.get_by_label("Stakeholders")).to_have_value("Security, Compliance")

    proposal.get_by_label("User-centric goal").fill("Admins see who changed what <and why>")
    proposal.get_by_label("Position").fill("2")
    proposal.get_by_role("button", name="Propose").click()
    expect(page.locator("table.roadmap > tbody > tr > th.project").nth(1)).to_have_text("Audit log")
    assert projects(page) == [SEED_ORDER[0], "Audit log", *SEED_ORDER[1:]]
    audit = row(page, "Audit log")
    expect(audit.locator("td.stakeholders")).to_have_text("Security, Compliance")
    expect(audit.locator("td.goal")).to_have_text("Admins see who changed what <and why>")
    expect(
        page.get_by_role("form", name="Propose an initiative").get_by_role("alert")
    ).to_have_count(0)
    expect(
        page.get_by_role("form", name="Propose an initiative").get_by_label("Project")
    ).to_have_value("")


def test_an_editor_adds_a_deliverable(page: Page, board: Board, roadmap: str) -> None:
    sign_in(page, board, board.editor, roadmap)
    row(page, "Billing").get_by_role("button", name="Add deliverable").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading")).to_contain_text("Billing")
    dialog.get_by_label("Deliverable").fill("Refunds")
    dialog.get_by_label("Estimate").fill("1.5")
    dialog.get_by_label("Or a target date").fill("2026-06-30")
    dialog.get_by_role("button", name="Add").click()
    refunds = row(page, "Billing").locator("tr.deliverable", has_text="Refunds")
    expect(refunds.locator(".status")).to_have_text("Planned")
    expect(refunds.locator("td.target")).to_contain_text("2026-06-30")
    expect(refunds.locator("td.estimate")).to_have_text("1.5 w")


def test_an_editor_retargets_a_deliverable_to_a_cycle_with_a_reason(
    page: Page, board: Board, roadmap: str
) -> None:
    sign_in(page, board, board.editor, roadmap)
    # The seed's roadmap has quarters: its cycles are fiscal quarters.
    for name, starts, ends in (
        ("Cycle 1", "2027-01-01", "2027-03-31"),
        ("Cycle 2", "2027-04-01", "2027-06-30"),
    ):
        created = graphql(
            board.url,
            board.editor,
            CREATE_CYCLE,
            input={"roadmapId": roadmap_id(page), "name": name, "startsOn": starts, "endsOn": ends},
        )["createCycle"]
        assert created["userErrors"] == [], created
    page.reload()

    search_ui = row(page, "Search").locator("tr.deliverable", has_text="Search UI")
    search_ui.get_by_role("button", name="Retarget").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("To cycle").select_option(label="Cycle 1")
    dialog.get_by_role("button", name="Retarget").click()
    search_ui = row(page, "Search").locator("tr.deliverable", has_text="Search UI")
    expect(search_ui.get_by_role("alert")).to_contain_text("reason")
    expect(search_ui.locator("td.target")).not_to_contain_text("Cycle")

    index = row(page, "Search").locator("tr.deliverable", has_text="Index")
    index.get_by_role("button", name="Retarget").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading")).to_contain_text("Index")
    dialog.get_by_label("To cycle").select_option(label="Cycle 2")
    dialog.get_by_label("Why does its target change?").fill("The index waits for new hardware")
    dialog.get_by_role("button", name="Retarget").click()
    index = row(page, "Search").locator("tr.deliverable", has_text="Index")
    expect(index.locator("td.target")).to_contain_text("Cycle 2")
    expect(page.get_by_role("alert")).to_have_count(0)


def test_a_viewer_has_no_planning_controls(page: Page, board: Board, roadmap: str) -> None:
    sign_in(page, board, board.viewer, roadmap)
    expect(page.get_by_role("form", name="Propose an initiative")).to_have_count(0)
    expect(page.get_by_role("button", name="Add deliverable")).to_have_count(0)
