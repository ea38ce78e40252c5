"""Who may call /graphql: a live bearer token of the workspace, and nobody else."""

from __future__ import annotations

import pytest

from backend.tokens import Role, Tokens
from tests.support.graphql import GraphQLClient

VIEWER = "{ viewer { actor role workspace { id name } } }"


async def test_a_valid_token_sees_its_actor_role_and_workspace(client: GraphQLClient) -> None:
    data = await client.execute(VIEWER)
    assert data["viewer"]["actor"] == "admin"
    assert data["viewer"]["role"] == "ADMIN"
    assert data["viewer"]["workspace"]["name"] == "acme"
    assert data["viewer"]["workspace"]["id"]


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-roadlog-token", "Bearer rl_unknown"],
)
async def test_missing_or_malformed_tokens_get_401_with_a_code(
    client: GraphQLClient, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"authorization": authorization}
    response = await client.http.post("/graphql", json={"query": VIEWER}, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_revoked_token_gets_401_at_once(client: GraphQLClient, tokens: Tokens) -> None:
    info, secret = await tokens.create(Role.VIEWER, "soon-gone", "acme")
    assert (await client.post(VIEWER, token=secret)).status_code == 200
    await tokens.revoke(str(info.id))
    response = await client.post(VIEWER, token=secret)
    assert response.status_code == 401
    assert "revoked" in response.json()["errors"][0]["message"]


async def test_a_token_used_for_another_workspace_gets_401(
    client: GraphQLClient, tokens: Tokens
) -> None:
    await tokens.create(Role.ADMIN, "other-admin", "globex")
    response = await client.post(VIEWER, headers={"roadlog-workspace": "globex"})
    assert response.status_code == 401
    assert "globex" in response.json()["errors"][0]["message"]
    same = await client.post(VIEWER, headers={"roadlog-workspace": "acme"})
    assert same.status_code == 200


async def test_each_token_sees_only_its_own_workspace(
    client: GraphQLClient, tokens: Tokens
) -> None:
    _, other = await tokens.create(Role.VIEWER, "bob", "globex")
    data = await client.execute(VIEWER, token=other)
    assert data["viewer"] == {
        "actor": "bob",
        "role": "VIEWER",
        "workspace": {"id": data["viewer"]["workspace"]["id"], "name": "globex"},
    }
    mine = await client.execute(VIEWER)
    assert mine["viewer"]["workspace"]["id"] != data["viewer"]["workspace"]["id"]


async def test_queries_over_get_are_refused(client: GraphQLClient) -> None:
    response = await client.http.get(
        "/graphql",
        params={"query": VIEWER},
        headers={"authorization": f"Bearer {client.token}"},
    )
    assert response.status_code in (400, 405)


async def test_health_and_readiness_need_no_token(live_server: str, client: GraphQLClient) -> None:
    assert (await client.http.get("/healthz")).json() == {"status": "ok"}
    ready = await client.http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["database"] == "ok"
