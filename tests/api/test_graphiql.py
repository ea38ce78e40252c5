"""GraphiQL (development only) opens with headers that say where the token comes from."""

from __future__ import annotations

import json
import re

import httpx

from backend.database import DatabaseTarget
from backend.settings import Settings
from schema.app import create_app
from tests.support.live import running

VIEWER = {"query": "{ viewer { role workspace { name } } }"}


def starting_headers(page: str) -> dict[str, str]:
    """The headers GraphiQL's Headers tab opens with, as the page hands them over."""
    found = re.search(r"defaultHeaders: JSON\.stringify\((\{.*?\}), null, 2\)", page)
    assert found, "the page gives GraphiQL no starting headers"
    headers: dict[str, str] = json.loads(found.group(1))
    return headers


async def test_graphiql_says_where_to_find_the_token_and_following_it_works(
    settings: Settings, database: DatabaseTarget, admin_token: str
) -> None:
    dev = settings.model_copy(update={"dev": True})
    async with running(create_app(dev, database)) as url, httpx.AsyncClient(base_url=url) as http:
        page = await http.get("/graphiql")
        assert page.status_code == 200
        headers = starting_headers(page.text)
        placeholder = headers["Authorization"]
        assert placeholder.startswith("Bearer <paste ")
        assert str(dev.admin_token_file) in placeholder
        assert "roadlog token create" in placeholder

        # As sent before the token is pasted: refused, the page holds no token itself.
        unpasted = await http.post("/graphql", json=VIEWER, headers=headers)
        assert unpasted.status_code == 401

        pasted = {"Authorization": re.sub(r"<[^>]*>", admin_token, placeholder)}
        answer = await http.post("/graphql", json=VIEWER, headers=pasted)
        assert answer.status_code == 200, answer.text
        assert answer.json()["data"]["viewer"] == {"role": "ADMIN", "workspace": {"name": "acme"}}


async def test_the_page_keeps_any_path_inside_its_script(
    settings: Settings, database: DatabaseTarget
) -> None:
    # The data directory is the operator's to name; nothing in it may end the script.
    odd = settings.model_copy(update={"dev": True, "data_dir": settings.data_dir / "</script>&"})
    async with running(create_app(odd, database)) as url, httpx.AsyncClient(base_url=url) as http:
        page = (await http.get("/graphiql")).text
    assert page.count("</script>") == 4
    assert str(odd.admin_token_file) in starting_headers(page)["Authorization"]
