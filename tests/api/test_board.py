"""The board's pages over real HTTP: sign-in, the roadmap table, the meeting's controls.

Each control runs the GraphQL mutation's command: an accepted change shows on the table,
a refused one shows the API's message next to the control and records nothing.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from backend.database import DatabaseTarget
from backend.tokens import Role, Tokens
from tests.api.board_sessions import XSS, board_session, csrf_of, projected
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate


@dataclass
class Seeded:
    roadmap: str
    initiatives: dict[str, str]
    deliverables: dict[str, str]


@pytest.fixture
async def seeded(client: GraphQLClient) -> Seeded:
    """A roadmap Platform: Search (Index in progress, a stretch Search UI), Billing
    (Invoices done), and a title that is markup."""
    created = await mutate(
        client,
        "createRoadmap",
        {"name": "Platform", "cadence": {"fiscalYearStartMonth": 2}},
        "roadmap { id }",
    )
    roadmap = created["roadmap"]["id"]
    rows: list[tuple[str, list[dict[str, Any]]]] = [
        (
            "Search",
            [
                {"title": "Index", "status": "IN_PROGRESS", "estimateWeeks": "3"},
                {"title": "Search UI", "stretch": True},
            ],
        ),
        ("Billing", [{"title": "Invoices", "status": "DONE", "estimateWeeks": "2.5"}]),
        (XSS, []),
    ]
    initiatives, deliverables = {}, {}
    for title, planned in rows:
        proposed = await mutate(
            client,
            "proposeInitiative",
            {
                "roadmapId": roadmap,
                "title": title,
                "goal": f"{title} for users",
                "stakeholders": ["Sales", "Support"],
                "deliverables": planned,
            },
            "initiative { id deliverables { id title } }",
        )
        initiative = proposed["initiative"]
        initiatives[title] = initiative["id"]
        deliverables.update({d["title"]: d["id"] for d in initiative["deliverables"]})
    await projected(client, roadmap, proposed)
    return Seeded(roadmap, initiatives, deliverables)


def projects(page: httpx.Response) -> list[str]:
    # The title links to the initiative's history.
    return re.findall(r'<th scope="row" class="project"><a [^>]*>([^<]*)</a></th>', page.text)


async def roadmap_page(browser: httpx.AsyncClient, seeded: Seeded) -> httpx.Response:
    page = await browser.get(f"/roadmaps/{seeded.roadmap}")
    assert page.status_code == 200, page.text
    return page


async def test_signing_in_sets_a_guarded_session_cookie_and_opens_the_first_roadmap(
    live_server: str, admin_token: str, seeded: Seeded
) -> None:
    async with httpx.AsyncClient(base_url=live_server) as browser:
        assert (await browser.get("/")).headers["location"] == "/sign-in"
        form = await browser.get("/sign-in")
        signed = await browser.post("/sign-in", data={"token": admin_token, "csrf": csrf_of(form)})
        assert signed.status_code == 303
        cookie = signed.headers["set-cookie"].lower()
        assert "roadlog_session=" in cookie
        assert "httponly" in cookie
        assert "samesite=strict" in cookie
        assert "secure" not in cookie  # plain HTTP here; HTTPS adds it
        home = await browser.get("/")
        assert home.headers["location"] == f"/roadmaps/{seeded.roadmap}"
        page = await browser.get(home.headers["location"])
        assert projects(page) == ["Search", "Billing", "&lt;img src=x onerror=alert(1)&gt;"]


async def test_behind_an_https_proxy_the_cookies_are_secure(
    live_server: str, admin_token: str
) -> None:
    https = {"x-forwarded-proto": "https"}  # from 127.0.0.1, a proxy uvicorn trusts
    async with httpx.AsyncClient(base_url=live_server, headers=https) as browser:
        form = await browser.get("/sign-in")
        assert "secure" in form.headers["set-cookie"].lower()
        # httpx keeps Secure cookies from a plain-HTTP URL to itself: send the nonce as a
        # browser on HTTPS would.
        nonce = {"cookie": f"roadlog_csrf={form.cookies['roadlog_csrf']}"}
        signed = await browser.post(
            "/sign-in", data={"token": admin_token, "csrf": csrf_of(form)}, headers=nonce
        )
        assert signed.status_code == 303, signed.text
        cookie = signed.headers["set-cookie"].lower()
        assert "roadlog_session=" in cookie
        assert "secure" in cookie


async def test_a_wrong_token_is_refused_in_the_apis_words(live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server) as browser:
        form = await browser.get("/sign-in")
        refused = await browser.post("/sign-in", data={"token": "nope", "csrf": csrf_of(form)})
        assert refused.status_code == 401
        assert "the bearer token is not valid" in refused.text
        assert "roadlog_session" not in refused.headers.get("set-cookie", "")


async def test_the_table_shows_statuses_in_words_stretch_goals_and_estimates(
    editor: httpx.AsyncClient, seeded: Seeded
) -> None:
    page = await roadmap_page(editor, seeded)
    # An editor's badges are buttons (they open the status form), each with its status.
    assert '<button class="status status-in_progress" data-status="IN_PROGRESS">In progress<' in (
        page.text
    )
    assert '<button class="status status-done" data-status="DONE" data-finished>Done<' in (
        page.text
    )
    assert '<button class="status status-planned" data-status="PLANNED">Planned<' in page.text
    assert re.search(r"Search UI</span> <span[^>]*>stretch</span>", page.text)
    assert '<td class="estimate">2.5 w</td>' in page.text
    assert 'class="stakeholders">Sales, Support</td>' in page.text
    assert XSS not in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    # No inline script and no event-handler attribute in any tag (text may say anything).
    assert "<script>" not in page.text
    assert not re.search(r"<[a-z][^<>]*\son[a-z]+=", page.text)


async def test_every_text_people_wrote_stays_text_in_the_table(
    client: GraphQLClient, editor: httpx.AsyncClient
) -> None:
    """The table's rows escape what people wrote, and only that (the rest is ids, numbers
    and markup made once): each such text, markup here, arrives as text, in the table
    now and in its changes since an instant."""
    created = await mutate(
        client,
        "createRoadmap",
        {"name": f"{XSS} roadmap", "cadence": {"releases": True}},
        "roadmap { id }",
    )
    roadmap = created["roadmap"]["id"]
    cycles = [
        (
            await mutate(
                client,
                "createCycle",
                {"roadmapId": roadmap, "name": f"{XSS} {name}", **dates},
                "cycle { id }",
            )
        )["cycle"]["id"]
        for name, dates in [
            ("cycle", {"startsOn": "2027-01-04", "endsOn": "2027-02-14"}),
            ("next cycle", {"startsOn": "2027-02-15", "endsOn": "2027-03-28"}),
        ]
    ]
    proposed = await mutate(
        client,
        "proposeInitiative",
        {
            "roadmapId": roadmap,
            "title": f"{XSS} title",
            "goal": f"{XSS} goal",
            "stakeholders": [f"{XSS} stakeholder"],
            "deliverables": [{"title": f"{XSS} deliverable", "targetCycleId": cycles[0]}],
        },
        "initiative { id deliverables { id } }",
    )
    initiative = proposed["initiative"]
    deliverable = initiative["deliverables"][0]["id"]
    await projected(client, roadmap, proposed)
    await asyncio.sleep(1.1)  # the instant below, to the second, comes after the proposal
    then = await editor.get(f"/roadmaps/{roadmap}")
    instant = re.search(r'name="at"[^>]* value="([^"]+)"', then.text)
    assert instant, then.text
    await mutate(
        client,
        "updateInitiative",
        {
            "initiativeId": initiative["id"],
            "title": f"{XSS} new title",
            "goal": f"{XSS} new goal",
            "stakeholders": [f"{XSS} new stakeholder"],
        },
    )
    await mutate(
        client,
        "updateDeliverable",
        {"deliverableId": deliverable, "title": f"{XSS} new deliverable"},
    )
    retargeted = await mutate(
        client,
        "retargetDeliverable",
        {"deliverableId": deliverable, "targetCycleId": cycles[1], "reason": f"{XSS} reason"},
    )
    await projected(client, roadmap, retargeted)
    now = await editor.get(f"/roadmaps/{roadmap}")
    since = await editor.get(f"/roadmaps/{roadmap}", params={"at": instant[1], "show": "since"})
    escaped = XSS.replace("<", "&lt;").replace(">", "&gt;")
    for page, texts in [
        (then, ["roadmap", "title", "goal", "stakeholder", "deliverable", "cycle"]),
        (now, ["new title", "new goal", "new stakeholder", "new deliverable", "next cycle"]),
        (since, ["new title", "new deliverable", "next cycle"]),
    ]:
        assert page.status_code == 200, page.text
        assert "<img" not in page.text
        for text in texts:
            assert f"{escaped} {text}" in page.text, text
    # The changes since: the old title, stakeholders and cycle, in the rows' notes.
    assert f"title was &#34;{escaped} title&#34;" in since.text
    assert f"stakeholders were {escaped} stakeholder" in since.text
    assert f"target was {escaped} cycle" in since.text


async def test_a_status_changes_through_the_same_command_as_the_api(
    editor: httpx.AsyncClient, seeded: Seeded, database: DatabaseTarget
) -> None:
    page = await roadmap_page(editor, seeded)
    before = await event_count(database)
    changed = await editor.post(
        f"/roadmaps/{seeded.roadmap}/deliverables/{seeded.deliverables['Index']}/status",
        data={"status": "AT_RISK", "csrf": csrf_of(page)},
    )
    assert changed.status_code == 303
    assert await event_count(database) == before + 1
    page = await roadmap_page(editor, seeded)
    assert 'class="status status-at_risk" data-status="AT_RISK">At risk<' in page.text


async def test_status_controls_post_with_the_token_the_table_sends_in_a_header(
    editor: httpx.AsyncClient, seeded: Seeded, database: DatabaseTarget
) -> None:
    page = await roadmap_page(editor, seeded)
    token = csrf_of(page)
    # Once for the table's thousands of status controls, not once per control.
    assert f"""hx-headers='{{"X-CSRF-Token": "{token}"}}'""" in page.text
    pattern = re.search(r'data-status-action="([^"]+)"', page.text)
    assert pattern, page.text
    status = pattern.group(1).replace("{deliverable}", seeded.deliverables["Index"])
    before = await event_count(database)
    changed = await editor.post(status, data={"status": "AT_RISK"}, headers={"X-CSRF-Token": token})
    assert changed.status_code == 303
    assert await event_count(database) == before + 1
    forged = await editor.post(status, data={"status": "DONE"}, headers={"X-CSRF-Token": "0" * 64})
    assert forged.status_code == 403
    assert await event_count(database) == before + 1


async def test_reopening_without_a_reason_shows_the_apis_refusal_and_records_nothing(
    editor: httpx.AsyncClient, seeded: Seeded, database: DatabaseTarget
) -> None:
    page = await roadmap_page(editor, seeded)
    before = await event_count(database)
    deliverable = seeded.deliverables["Invoices"]
    refused = await editor.post(
        f"/roadmaps/{seeded.roadmap}/deliverables/{deliverable}/status",
        data={"status": "IN_PROGRESS", "csrf": csrf_of(page)},
    )
    assert refused.status_code == 422
    row = refused.text.split(f'id="deliverable-{deliverable}"')[1].split("</tr>")[0]
    assert re.search(r'<p class="refusal" role="alert">[^<]*reason[^<]*</p>', row)
    assert await event_count(database) == before


async def test_an_unknown_status_is_refused_naming_the_accepted_ones(
    editor: httpx.AsyncClient, seeded: Seeded, database: DatabaseTarget
) -> None:
    page = await roadmap_page(editor, seeded)
    before = await event_count(database)
    refused = await editor.post(
        f"/roadmaps/{seeded.roadmap}/deliverables/{seeded.deliverables['Index']}/status",
        data={"status": "SHIPPED", "csrf": csrf_of(page)},
    )
    assert refused.status_code == 422
    assert "SHIPPED" in refused.text
    assert "WONT_DO" in refused.text
    assert await event_count(database) == before


async def test_a_move_needs_a_reason_and_then_reorders_the_table(
    editor: httpx.AsyncClient, seeded: Seeded, database: DatabaseTarget
) -> None:
    page = await roadmap_page(editor, seeded)
    move = f"/roadmaps/{seeded.roadmap}/moves"
    billing = seeded.initiatives["Billing"]
    before = await event_count(database)
    refused = await editor.post(
        move, data={"initiative": billing, "to_position": "1", "csrf": csrf_of(page)}
    )
    assert refused.status_code == 422
    assert re.search(r'<p class="refusal" role="alert">[^<]*reason[^<]*</p>', refused.text)
    assert await event_count(database) == before
    moved = await editor.post(
        move,
        data={
            "initiative": billing,
            "to_position": "1",
            "reason": "Finance closes the year",
            "csrf": csrf_of(page),
        },
    )
    assert moved.status_code == 303
    assert await event_count(database) == before + 1
    assert projects(await roadmap_page(editor, seeded))[:2] == ["Billing", "Search"]


async def test_a_move_past_the_end_or_from_a_stale_page_is_refused(
    editor: httpx.AsyncClient, seeded: Seeded, database: DatabaseTarget
) -> None:
    page = await roadmap_page(editor, seeded)
    move = f"/roadmaps/{seeded.roadmap}/moves"
    search = {"initiative": seeded.initiatives["Search"], "reason": "r", "csrf": csrf_of(page)}
    before = await event_count(database)
    past = await editor.post(move, data={**search, "to_position": "9"})
    assert past.status_code == 422
    assert "9" in past.text.split('class="refusal"')[1]
    stale = await editor.post(
        move,
        data={**search, "to_position": "2", "expected_version": "1"},
    )
    assert stale.status_code == 422
    assert "version" in stale.text.split('class="refusal"')[1]
    malformed = await editor.post(move, data={**search, "to_position": "two"})
    assert malformed.status_code == 400
    assert "&#39;two&#39;" in malformed.text
    assert await event_count(database) == before


async def test_a_post_without_the_csrf_token_is_refused_and_records_nothing(
    editor: httpx.AsyncClient, seeded: Seeded, database: DatabaseTarget
) -> None:
    page = await roadmap_page(editor, seeded)
    before = await event_count(database)
    status = f"/roadmaps/{seeded.roadmap}/deliverables/{seeded.deliverables['Index']}/status"
    for data in ({"status": "DONE"}, {"status": "DONE", "csrf": "0" * 64}):
        forged = await editor.post(status, data=data)
        assert forged.status_code == 403
        assert "CSRF" in forged.text
    # The token of another browser (another nonce) does not fit this one's cookies.
    async with httpx.AsyncClient(base_url=str(editor.base_url)) as other:
        foreign = csrf_of(await other.get("/sign-in"))
    assert foreign != csrf_of(page)
    assert (await editor.post(status, data={"status": "DONE", "csrf": foreign})).status_code == 403
    assert await event_count(database) == before


async def test_a_viewer_reads_the_table_without_controls_and_may_not_post(
    viewer: httpx.AsyncClient, seeded: Seeded, database: DatabaseTarget
) -> None:
    page = await roadmap_page(viewer, seeded)
    assert projects(page)[:2] == ["Search", "Billing"]
    assert '<span class="status status-in_progress">In progress</span>' in page.text
    assert '<button class="status' not in page.text
    assert "status-control" not in page.text
    assert 'class="move"' not in page.text
    assert 'class="retarget"' not in page.text
    assert "move-dialog" not in page.text
    before = await event_count(database)
    refused = await viewer.post(
        f"/roadmaps/{seeded.roadmap}/deliverables/{seeded.deliverables['Index']}/status",
        data={"status": "DONE", "csrf": csrf_of(page)},
    )
    assert refused.status_code == 403
    assert "a viewer token may not do this; editor is needed" in refused.text
    assert await event_count(database) == before


async def test_signing_out_ends_the_session(editor: httpx.AsyncClient, seeded: Seeded) -> None:
    page = await roadmap_page(editor, seeded)
    out = await editor.post("/sign-out", data={"csrf": csrf_of(page)})
    assert out.status_code == 303
    assert out.headers["location"] == "/sign-in"
    after = await editor.get(f"/roadmaps/{seeded.roadmap}")
    assert after.headers["location"] == "/sign-in"


async def test_a_revoked_token_signs_its_sessions_out(
    live_server: str, tokens: Tokens, seeded: Seeded
) -> None:
    info, secret = await tokens.create(Role.EDITOR, "leaver", "acme")
    async for browser in board_session(live_server, secret):
        assert (await browser.get(f"/roadmaps/{seeded.roadmap}")).status_code == 200
        await tokens.revoke(str(info.id))
        assert (await browser.get(f"/roadmaps/{seeded.roadmap}")).headers["location"] == (
            "/sign-in"
        )


async def test_another_workspaces_roadmap_is_not_found(
    live_server: str, tokens: Tokens, seeded: Seeded
) -> None:
    _, secret = await tokens.create(Role.EDITOR, "mallory", "globex")
    async for browser in board_session(live_server, secret):
        page = await browser.get(f"/roadmaps/{seeded.roadmap}")
        assert page.status_code == 404
        assert "Search" not in page.text


async def test_a_workspace_without_roadmaps_says_how_to_start(
    live_server: str, tokens: Tokens
) -> None:
    _, secret = await tokens.create(Role.VIEWER, "newcomer", "initech")
    async for browser in board_session(live_server, secret):
        page = await browser.get("/")
        assert page.status_code == 200
        assert "This workspace has no roadmap yet" in page.text
