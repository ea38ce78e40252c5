"""The roadmap's own pages over real HTTP: retrospective, OKRs, status updates.

What a browser test would show slowly: the pages keep to the caller's workspace and
roadmap, and a status update posted from the board is the one the API reads, while a
refused or forged post records nothing.
"""

from __future__ import annotations

import re
from uuid import uuid4

import httpx
import pytest

from backend.database import DatabaseTarget
from backend.tokens import Role, Tokens
from schema.relay import from_global_id, to_global_id
from tests.api.board_sessions import XSS, board_session, csrf_of, projected
from tests.support.graphql import GraphQLClient
from tests.support.mutations import event_count, mutate

PAGES = ("retrospective", "okrs", "updates")

CADENCE = {"cycleWeeks": 6, "anchorDate": "2026-01-05"}

UPDATES = """
query Updates($id: ID!) {
  node(id: $id) {
    ... on Roadmap { statusUpdates(first: 10) { edges { node { health body actor } } } }
  }
}
"""


@pytest.fixture
async def roadmap(client: GraphQLClient) -> str:
    """A roadmap Platform with an initiative whose title is markup, and one cycle."""
    created = await mutate(
        client, "createRoadmap", {"name": "Platform", "cadence": CADENCE}, "roadmap { id }"
    )
    roadmap: str = created["roadmap"]["id"]
    await mutate(
        client,
        "proposeInitiative",
        {"roadmapId": roadmap, "title": XSS, "goal": "Scripts stay text"},
        "initiative { id }",
    )
    planned = await mutate(
        client,
        "createCycle",
        {"roadmapId": roadmap, "name": "Cycle 1", "startsOn": "2026-01-05", "endsOn": "2026-02-15"},
        "cycle { id }",
    )
    await projected(client, roadmap, planned)
    return roadmap


async def test_signed_out_the_pages_send_to_the_sign_in(live_server: str, roadmap: str) -> None:
    async with httpx.AsyncClient(base_url=live_server) as browser:
        for name in PAGES:
            page = await browser.get(f"/roadmaps/{roadmap}/{name}")
            assert page.status_code == 303
            assert page.headers["location"] == "/sign-in"


async def test_another_workspaces_roadmap_has_no_pages(
    live_server: str, tokens: Tokens, roadmap: str, database: DatabaseTarget
) -> None:
    _, secret = await tokens.create(Role.EDITOR, "mallory", "globex")
    async for browser in board_session(live_server, secret):
        for name in PAGES:
            page = await browser.get(f"/roadmaps/{roadmap}/{name}")
            assert page.status_code == 404
            assert "Cycle 1" not in page.text
        before = await event_count(database)
        home = await browser.get("/")
        posted = await browser.post(
            f"/roadmaps/{roadmap}/updates",
            data={"csrf": csrf_of(home), "health": "ON_TRACK", "body": "Mine now"},
        )
        assert posted.status_code == 404
        assert await event_count(database) == before


async def test_a_cycle_of_another_roadmap_is_not_found(
    editor: httpx.AsyncClient, client: GraphQLClient, roadmap: str
) -> None:
    other = await mutate(
        client, "createRoadmap", {"name": "Other", "cadence": CADENCE}, "roadmap { id }"
    )
    cycle = await mutate(
        client,
        "createCycle",
        {
            "roadmapId": other["roadmap"]["id"],
            "name": "Elsewhere",
            "startsOn": "2026-01-05",
            "endsOn": "2026-02-15",
        },
        "cycle { id }",
    )
    page = await editor.get(
        f"/roadmaps/{roadmap}/retrospective", params={"cycle": cycle["cycle"]["id"]}
    )
    assert page.status_code == 404
    assert "Elsewhere" not in page.text
    # A well-formed id of this roadmap's that names no cycle of it, alike.
    roadmap_uuid = from_global_id(roadmap, "Roadmap").id
    unknown = to_global_id("Cycle", roadmap_uuid, uuid4())
    page = await editor.get(f"/roadmaps/{roadmap}/retrospective", params={"cycle": unknown})
    assert page.status_code == 404
    own = await editor.get(f"/roadmaps/{roadmap}/retrospective")
    assert own.status_code == 200
    assert "Cycle 1 (planned, from 2026-01-05)" in own.text


async def test_a_workspace_without_objectives_says_how_to_start(
    editor: httpx.AsyncClient, roadmap: str
) -> None:
    page = await editor.get(f"/roadmaps/{roadmap}/okrs")
    assert page.status_code == 200
    assert "no objective yet" in page.text


async def test_an_update_posted_on_the_board_is_the_one_the_api_reads(
    editor: httpx.AsyncClient, client: GraphQLClient, roadmap: str
) -> None:
    page = await editor.get(f"/roadmaps/{roadmap}/updates")
    assert page.status_code == 200
    # User text is escaped wherever the page shows it (here the subject picker).
    assert XSS not in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text
    posted = await editor.post(
        f"/roadmaps/{roadmap}/updates",
        data={
            "csrf": csrf_of(page),
            "health": "OFF_TRACK",
            "body": "Blocked on <b>vendor</b>",
            "idempotency_key": "board-test-1",
        },
    )
    assert posted.status_code == 303
    assert posted.headers["location"] == f"/roadmaps/{roadmap}/updates"
    data = await client.execute(UPDATES, {"id": roadmap})
    assert [edge["node"] for edge in data["node"]["statusUpdates"]["edges"]] == [
        {"health": "OFF_TRACK", "body": "Blocked on <b>vendor</b>", "actor": "pm"}
    ]
    shown = await editor.get(f"/roadmaps/{roadmap}/updates")
    assert "Blocked on &lt;b&gt;vendor&lt;/b&gt;" in shown.text


async def test_refused_and_forged_posts_record_nothing(
    editor: httpx.AsyncClient,
    live_server: str,
    tokens: Tokens,
    client: GraphQLClient,
    roadmap: str,
    database: DatabaseTarget,
) -> None:
    page = await editor.get(f"/roadmaps/{roadmap}/updates")
    other = await mutate(
        client, "createRoadmap", {"name": "Other", "cadence": CADENCE}, "roadmap { id }"
    )
    elsewhere = await mutate(
        client,
        "proposeInitiative",
        {"roadmapId": other["roadmap"]["id"], "title": "Elsewhere", "goal": "Not here"},
        "initiative { id }",
    )
    before = await event_count(database)
    url = f"/roadmaps/{roadmap}/updates"
    refused = await editor.post(
        url,
        data={
            "csrf": csrf_of(page),
            "health": "ON_TRACK",
            "body": "About another roadmap's work",
            "about": elsewhere["initiative"]["id"],
        },
    )
    assert refused.status_code == 422
    assert f"is not on roadmap &#39;{roadmap}&#39;" in refused.text
    # The typed text stays in the form, to correct and post again.
    assert "About another roadmap&#39;s work</textarea>" in refused.text
    forged = await editor.post(url, data={"health": "ON_TRACK", "body": "No token"})
    assert forged.status_code == 403
    assert "CSRF" in forged.text
    _, secret = await tokens.create(Role.VIEWER, "stakeholder", "acme")
    async for viewer in board_session(live_server, secret):
        seen = await viewer.get(url)
        assert "compose-form" not in seen.text
        denied = await viewer.post(
            url, data={"csrf": csrf_of(seen), "health": "ON_TRACK", "body": "Not mine"}
        )
        assert denied.status_code == 403
        assert "a viewer token may not do this; editor is needed" in denied.text
    assert await event_count(database) == before


async def test_older_updates_are_a_page_further(
    editor: httpx.AsyncClient, client: GraphQLClient, roadmap: str
) -> None:
    for n in range(1, 12):
        await mutate(
            client,
            "postStatusUpdate",
            {"roadmapId": roadmap, "health": "ON_TRACK", "body": f"Week {n}"},
        )
    newest = await editor.get(f"/roadmaps/{roadmap}/updates")
    assert newest.text.count('<article class="update"') == 10
    assert "<p>Week 11</p>" in newest.text and "<p>Week 1</p>" not in newest.text
    older = re.search(r'href="(/roadmaps/[^"]+/updates\?before=[^"]+)">Older updates', newest.text)
    assert older, newest.text
    rest = await editor.get(older.group(1))
    assert rest.status_code == 200
    assert rest.text.count('<article class="update"') == 1
    assert "<p>Week 1</p>" in rest.text
    assert "Older updates" not in rest.text
    assert "Newest updates" in rest.text
    wrong = await editor.get(f"/roadmaps/{roadmap}/updates", params={"before": "nonsense"})
    assert wrong.status_code == 400
    assert "is not a cursor" in wrong.text
