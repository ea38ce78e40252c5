"""What the browser tests of the board's later parts share: reading the roadmap table and
calling the GraphQL API as another client of the same server would."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import Locator, Page


def projects(page: Page) -> list[str]:
    return page.locator("table.roadmap > tbody > tr > th.project").all_inner_texts()


def row(page: Page, title: str) -> Locator:
    return page.locator(
        "table.roadmap > tbody > tr", has=page.locator("th.project", has_text=title)
    )


def set_status(deliverable: Locator, title: str, status: str) -> None:
    """Change a deliverable's status as an editor does: press its status badge, choose,
    Set."""
    deliverable.locator("button.status").click()
    deliverable.get_by_label(f"Status of {title}").select_option(status)
    deliverable.get_by_role("button", name="Set").click()


def roadmap_id(page: Page) -> str:
    """The global id of the roadmap the page shows (its address ends with it)."""
    return page.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]


def initiative_id(page: Page, title: str) -> str:
    found = row(page, title).get_attribute("id")
    assert found is not None and found.startswith("initiative-"), found
    return found.removeprefix("initiative-")


def graphql(url: str, secret: str, query: str, **variables: Any) -> dict[str, Any]:
    """One GraphQL request with a bearer token; its ``data``, asserting there are no errors."""
    answer = httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {secret}"},
        timeout=30,
    )
    answer.raise_for_status()
    body = answer.json()
    assert not body.get("errors"), body
    data: dict[str, Any] = body["data"]
    return data
