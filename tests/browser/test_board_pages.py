"""The roadmap's pages in a real Chromium: the retrospective of a closed cycle, the OKRs
and the status updates, each reached from the roadmap page's links."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Board, sign_in, token
from tests.support.sre_story import Api, run_the_cycle, set_objectives, sre_roadmap

pytestmark = pytest.mark.slow

SRE = "SRE"


@pytest.fixture(scope="module")
def sre(board: Board) -> dict[str, str]:
    """The SRE story in the board's workspace: Cycle 1 closed, the 2026-Q1 OKRs, and one
    objective of that period that no work ladders up to."""
    api = Api(board.url, token(board.env, "admin"))
    ids = sre_roadmap(api)
    run_the_cycle(api, ids)
    set_objectives(api, ids)
    api.later().mutate(
        "createObjective",
        "objective { id }",
        title="Delight customers",
        period="2026-Q1",
        level="COMPANY",
    )
    return ids


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """The page's console errors (a Content-Security-Policy violation is one)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def open_page(page: Page, board: Board, secret: str, roadmap: str, link: str) -> None:
    sign_in(page, board, secret, roadmap)
    page.get_by_role("navigation", name="Roadmap pages").get_by_role("link", name=link).click()
    expect(
        page.get_by_role("navigation", name="Roadmap pages").get_by_role("link", name=link)
    ).to_have_attribute("aria-current", "page")


def test_a_closed_cycles_retrospective_shows_its_outcome_and_charts(
    page: Page, board: Board, sre: dict[str, str], console_errors: list[str]
) -> None:
    open_page(page, board, board.viewer, SRE, "Retrospective")
    expect(page.get_by_label("Cycle", exact=True)).to_have_value(sre["Cycle 1"])
    expect(page.get_by_role("heading", name="Cycle 1")).to_be_visible()
    expect(page.locator("#figure-committed")).to_have_text("5")
    expect(page.locator("#figure-shipped")).to_have_text("3")
    expect(page.locator("#figure-carried-over")).to_have_text("1")
    expect(page.locator("#figure-dropped")).to_have_text("1")
    expect(page.locator("#figure-unplanned")).to_have_text("0")
    expect(page.locator("#figure-predictability")).to_have_text("60 %")
    rows = page.get_by_role("table", name="Deliverables of Cycle 1").locator("tbody tr")
    expect(rows).to_have_count(5)
    migrate = rows.filter(has_text="Migrate services")
    expect(migrate.locator(".outcome")).to_have_text("Carried over to Cycle 2")
    expect(migrate.locator(".plan")).to_have_text("Committed")
    expect(rows.filter(has_text="Docs").locator(".outcome")).to_have_text("Dropped")
    expect(rows.filter(has_text="Runner fleet").locator(".outcome")).to_have_text("Shipped")

    estimates = page.locator("#estimate-chart svg")
    expect(estimates).to_have_attribute("role", "img")
    # Three shipped deliverables, each with its first and final estimate and its actual.
    expect(estimates.locator("rect.bar")).to_have_count(9)
    expect(estimates.locator("text.label")).to_have_text(
        ["Decommission Jenkins", "Runner fleet", "Pipeline templates"]
    )
    runner = estimates.locator("g.bar-group", has_text="Runner fleet")
    expect(runner.locator("text.value")).to_have_text(["3 w", "4 w", "4.5 w"])
    trend = page.locator("#predictability-chart svg")
    expect(trend.locator("rect.bar")).to_have_count(1)
    expect(trend.locator("text.value")).to_have_text(["60 %"])
    expect(trend.locator("text.label")).to_have_text(["Cycle 1"])
    assert console_errors == []


def test_the_cycle_picker_opens_another_cycle(
    page: Page, board: Board, sre: dict[str, str]
) -> None:
    open_page(page, board, board.viewer, SRE, "Retrospective")
    page.get_by_label("Cycle", exact=True).select_option(sre["Cycle 2"])
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Cycle 2")).to_be_visible()
    expect(page.locator("#figure-committed")).to_have_text("0")
    expect(page.locator("#figure-predictability")).to_have_text("\N{EN DASH}")
    expect(page.get_by_text("Nothing shipped in this cycle.")).to_be_visible()


def test_the_okr_page_shows_progress_alignment_and_orphans(
    page: Page, board: Board, sre: dict[str, str], console_errors: list[str]
) -> None:
    open_page(page, board, board.viewer, SRE, "OKRs")
    expect(page.get_by_label("Period", exact=True)).to_have_value("2026-Q1")
    titles = page.locator(".objective-title")
    expect(titles).to_have_text(["Ship reliably", "Faster CI", "Delight customers"])
    build = page.get_by_role("progressbar", name="Progress of Median build time")
    expect(build).to_have_attribute("value", "40")
    expect(page.get_by_role("progressbar", name="Progress of Ship reliably")).to_have_attribute(
        "value", "40"
    )
    expect(page.locator(".objective.depth-1")).to_have_count(1)
    expect(page.locator(".objective.depth-1 .objective-title")).to_have_text("Faster CI")
    check_ins = page.get_by_role("table", name="Check-ins of Median build time")
    expect(check_ins.locator("tbody tr")).to_have_count(1)
    expect(check_ins.locator("tbody tr")).to_contain_text(["22 min"])
    expect(check_ins.locator("tbody tr")).to_contain_text(["runners"])
    aligned = page.locator(".key-result", has_text="Median build time").locator(".alignment")
    expect(aligned).to_have_text(
        ["New CI general availability contributes", "New CI pilot supports"]
    )
    expect(page.locator("#figure-coverage")).to_have_text("33 %")
    expect(
        page.get_by_role("list", name="Orphan initiatives").get_by_role("listitem")
    ).to_have_text(["On-call tooling"])
    expect(
        page.get_by_role("list", name="Objectives without work").get_by_role("listitem")
    ).to_have_text(["Delight customers"])
    assert console_errors == []


def test_an_unknown_period_says_it_has_no_objective(
    page: Page, board: Board, sre: dict[str, str]
) -> None:
    open_page(page, board, board.viewer, SRE, "OKRs")
    page.goto(re.sub(r"\?.*$", "", page.url) + "?period=2030-Q1")
    expect(page.get_by_text("No objective for 2030-Q1.")).to_be_visible()
