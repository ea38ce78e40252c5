"""The roadmap's pages in a real Chromium: the retrospective of a closed cycle, the OKRs
and the status updates, each reached from the roadmap page's links."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

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
    accuracy = page.get_by_role("table", name="Estimate accuracy by cycle")
    expect(accuracy.locator("tbody tr td")).to_have_text(
        ["3", "7 w", "8 w", "8 w", "1.14", "22 %", "0"]
    )
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


SCRIPTED_TITLE = "<img src=x onerror=alert(1)>"
SCRIPTED_BODY = "**Index** is slow\n\n<img src=x onerror=alert(2)> <script>alert(3)</script>"


def test_an_editor_posts_a_status_update_and_reads_it_back_with_its_digest(
    page: Page, board: Board, roadmap: str, console_errors: list[str]
) -> None:
    alerts: list[str] = []
    page.on("dialog", lambda dialog: alerts.append(dialog.message))
    open_page(page, board, board.editor, roadmap, "Status updates")
    preview = page.get_by_role("region", name=f"What changed for {roadmap}")
    expect(preview.get_by_role("heading", name="Added")).to_be_visible()
    expect(preview.locator(".digest-items li")).to_have_count(4)
    expect(preview.locator(".digest-items li").first).to_contain_text("Added 'Search' at 1")
    expect(page.get_by_text("No status update yet.")).to_be_visible()

    page.get_by_label("At risk").check()
    page.get_by_label("Update (Markdown)").fill(SCRIPTED_BODY)
    page.get_by_role("button", name="Post update").click()

    update = page.locator("article.update")
    expect(update).to_have_count(1)
    expect(update.locator(".health")).to_have_text("At risk")
    expect(update.locator(".subject")).to_have_text(roadmap)
    expect(update.locator(".body strong")).to_have_text("Index")
    expect(update.locator(".body")).to_contain_text(
        "<img src=x onerror=alert(2)> <script>alert(3)</script>"
    )
    expect(page.locator("main img, main script")).to_have_count(0)
    update.get_by_text("What changed since the previous update").click()
    # Its digest: from the roadmap's creation up to and with the update itself.
    items = update.locator(".digest-items li")
    expect(items).to_have_count(5)
    expect(items.first).to_contain_text(f"Posted a status update on '{roadmap}' (At risk)")
    expect(items.nth(1)).to_contain_text("Added 'Search' at 1")
    # The next update's digest starts at this one: nothing has changed since.
    expect(preview.locator(".nothing-changed")).to_be_visible()
    assert alerts == []
    assert console_errors == []


def test_a_blank_update_is_refused_in_the_apis_words(
    page: Page, board: Board, roadmap: str
) -> None:
    open_page(page, board, board.editor, roadmap, "Status updates")
    page.get_by_label("Update (Markdown)").fill("   ")
    page.get_by_role("button", name="Post update").click()
    form = page.locator("form.compose-form")
    expect(form.get_by_role("alert")).to_contain_text("body")
    expect(page.locator("article.update")).to_have_count(0)


def test_a_form_sent_twice_posts_once(page: Page, board: Board, roadmap: str) -> None:
    open_page(page, board, board.editor, roadmap, "Status updates")
    form = page.locator("form.compose-form")
    fields = {
        name: form.locator(f"input[name={name}]").get_attribute("value") or ""
        for name in ("csrf", "idempotency_key", "about")
    }
    action = form.get_attribute("action")
    for _ in range(2):
        sent = page.request.post(
            f"{board.url}{action}",
            form={**fields, "health": "ON_TRACK", "body": "Sent twice"},
            max_redirects=0,
        )
        assert sent.status == 303
    page.reload()
    expect(page.locator("article.update")).to_have_count(1)


def test_an_update_about_one_initiative_names_it_as_text(
    page: Page, board: Board, roadmap: str
) -> None:
    open_page(page, board, board.editor, roadmap, "Status updates")
    page.get_by_label("About").select_option(label=SCRIPTED_TITLE)
    page.get_by_role("button", name="Show its digest").click()
    preview = page.get_by_role("region", name=f"What changed for {SCRIPTED_TITLE}")
    expect(preview.locator(".digest-items li")).to_have_count(1)
    expect(preview.locator(".digest-items li")).to_contain_text(f"Added '{SCRIPTED_TITLE}'")
    page.get_by_label("Update (Markdown)").fill("Escaping is _done_")
    page.get_by_role("button", name="Post update").click()
    update = page.locator("article.update")
    expect(update.locator(".subject")).to_have_text(SCRIPTED_TITLE)
    expect(update.locator(".body em")).to_have_text("done")
    expect(page.locator("main img")).to_have_count(0)


def test_a_viewer_reads_updates_without_the_compose_form(
    page: Page, browser: Browser, board: Board, roadmap: str
) -> None:
    open_page(page, board, board.editor, roadmap, "Status updates")
    page.get_by_label("Update (Markdown)").fill("Billing shipped")
    page.get_by_role("button", name="Post update").click()
    expect(page.locator("article.update")).to_have_count(1)

    context = browser.new_context()
    viewer = context.new_page()
    open_page(viewer, board, board.viewer, roadmap, "Status updates")
    expect(viewer.locator("article.update .body")).to_have_text("Billing shipped")
    expect(viewer.locator("form.compose-form")).to_have_count(0)
    expect(viewer.get_by_role("heading", name="Post a status update")).to_have_count(0)
    expect(viewer.get_by_label("Update (Markdown)")).to_have_count(0)
    # A viewer's hand-made post, with the page's CSRF token, is refused in the API's words.
    csrf = viewer.locator("form.sign-out input[name=csrf]").get_attribute("value") or ""
    sent = viewer.request.post(
        viewer.url,
        form={"csrf": csrf, "health": "ON_TRACK", "body": "not mine"},
        max_redirects=0,
    )
    assert sent.status == 403
    assert "editor is needed" in sent.text()
    context.close()
