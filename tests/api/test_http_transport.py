"""GraphQL over HTTP as the specification says: every malformed request gets a coded JSON
refusal, and ``application/graphql-response+json`` clients get its statuses and no data
on request errors, while ``application/json`` clients keep getting 200."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.support.graphql import GraphQLClient

GRAPHQL_RESPONSE = "application/graphql-response+json"
VIEWER = '{"query": "{ viewer { actor } }"}'


async def post_raw(
    client: GraphQLClient,
    body: bytes,
    content_type: str | None = "application/json",
    accept: str | None = None,
) -> httpx.Response:
    headers = {"authorization": f"Bearer {client.token}"}
    if content_type is not None:
        headers["content-type"] = content_type
    if accept is not None:
        headers["accept"] = accept
    return await client.http.post("/graphql", content=body, headers=headers)


def refusal(response: httpx.Response) -> dict[str, Any]:
    """The one coded error of a JSON refusal (and nothing else in the body)."""
    body = response.json()
    assert set(body) == {"errors"}, body
    [error] = body["errors"]
    assert isinstance(error["message"], str) and error["message"], error
    code: dict[str, Any] = error
    return code


MALFORMED_BODIES = {
    "null": b"null",
    "number": b"1",
    "string": b'"x"',
    "empty-array": b"[]",
    "array-of-requests": b"[" + VIEWER.encode() + b"]",
    "not-utf-8": b'{"query": "\xff\xfe"}',
    "malformed-json": b'{"query": ',
    "empty-body": b"",
    "deeply-nested": b"[" * 200_000,
    "no-query": b'{"variables": {}}',
    "null-query": b'{"query": null}',
    "number-query": b'{"query": 5}',
    "empty-query": b'{"query": " "}',
    "variables-array": b'{"query": "{ viewer { actor } }", "variables": [1]}',
    "variables-string": b'{"query": "{ viewer { actor } }", "variables": "{}"}',
    "operation-name-number": b'{"query": "{ viewer { actor } }", "operationName": 1}',
    "extensions-array": b'{"query": "{ viewer { actor } }", "extensions": []}',
}


@pytest.mark.parametrize("body", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
async def test_a_malformed_body_gets_a_coded_400(client: GraphQLClient, body: bytes) -> None:
    response = await post_raw(client, body)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert refusal(response)["extensions"] == {"code": "BAD_REQUEST"}


async def test_a_refusal_names_what_is_wrong(client: GraphQLClient) -> None:
    message = refusal(await post_raw(client, b'{"query": "{ a }", "variables": [1]}'))["message"]
    assert "variables" in message and "an array" in message
    assert "UTF-8" in refusal(await post_raw(client, b'{"query": "\xff"}'))["message"]


CONTENT_TYPES = {
    "none": None,
    "text": "text/plain",
    "form": "application/x-www-form-urlencoded",
    "multipart": "multipart/form-data; boundary=x",
    "graphql": "application/graphql",
    "json-latin-1": "application/json; charset=latin-1",
}


@pytest.mark.parametrize("content_type", CONTENT_TYPES.values(), ids=CONTENT_TYPES.keys())
async def test_an_unsupported_content_type_gets_a_coded_415(
    client: GraphQLClient, content_type: str | None
) -> None:
    response = await post_raw(client, VIEWER.encode(), content_type=content_type)
    assert response.status_code == 415, response.text
    assert refusal(response)["extensions"] == {"code": "UNSUPPORTED_MEDIA_TYPE"}


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=UTF-8"])
async def test_json_in_utf_8_is_accepted(client: GraphQLClient, content_type: str) -> None:
    response = await post_raw(client, VIEWER.encode(), content_type=content_type)
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"viewer": {"actor": "admin"}}}


@pytest.mark.parametrize("token", [True, False], ids=["with-token", "without-token"])
async def test_get_is_refused_with_a_coded_405(client: GraphQLClient, token: bool) -> None:
    headers = {"authorization": f"Bearer {client.token}"} if token else {}
    response = await client.http.get(
        "/graphql", params={"query": "{ viewer { actor } }"}, headers=headers
    )
    assert response.status_code == 405, response.text
    assert {method.strip() for method in response.headers["allow"].split(",")} == {
        "POST",
        "OPTIONS",
    }
    assert refusal(response)["extensions"] == {"code": "METHOD_NOT_ALLOWED"}


async def test_a_body_over_the_limit_still_gets_a_coded_413(client: GraphQLClient) -> None:
    response = await post_raw(client, b'{"query": "' + b" " * 1_100_000 + b'"}')
    assert response.status_code == 413
    assert refusal(response)["extensions"] == {"code": "LIMIT_EXCEEDED"}


# application/graphql-response+json

REQUEST_ERRORS = {
    "parse": ("{ viewer { ", None, "GRAPHQL_PARSE_FAILED"),
    "validation": ("{ viewer { nope } }", None, "GRAPHQL_VALIDATION_FAILED"),
    "coercion": (
        "query ($id: ID!) { node(id: $id) { id } }",
        {"id": {"not": "an id"}},
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "missing-variable": ("query ($id: ID!) { node(id: $id) { id } }", {}, None),
}


def graphql_body(query: str, variables: dict[str, Any] | None) -> bytes:
    return json.dumps({"query": query, "variables": variables}).encode()


@pytest.mark.parametrize(
    ("query", "variables", "code"), REQUEST_ERRORS.values(), ids=REQUEST_ERRORS.keys()
)
async def test_a_request_error_is_a_400_without_data_for_graphql_response_json(
    client: GraphQLClient, query: str, variables: dict[str, Any] | None, code: str | None
) -> None:
    response = await post_raw(client, graphql_body(query, variables), accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    body = response.json()
    assert "data" not in body, body
    assert body["errors"], body
    if code is not None:
        assert {error["extensions"]["code"] for error in body["errors"]} == {code}


@pytest.mark.parametrize(
    ("query", "variables", "code"), REQUEST_ERRORS.values(), ids=REQUEST_ERRORS.keys()
)
async def test_a_request_error_stays_a_200_with_data_null_for_application_json(
    client: GraphQLClient, query: str, variables: dict[str, Any] | None, code: str | None
) -> None:
    for accept in (None, "application/json", "*/*"):
        response = await post_raw(client, graphql_body(query, variables), accept=accept)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert body["data"] is None and body["errors"], body


async def test_a_success_is_a_200_in_the_media_type_the_client_prefers(
    client: GraphQLClient,
) -> None:
    preferred = f"{GRAPHQL_RESPONSE}, application/json;q=0.9"
    response = await post_raw(client, VIEWER.encode(), accept=preferred)
    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.json() == {"data": {"viewer": {"actor": "admin"}}}
    json_first = f"application/json, {GRAPHQL_RESPONSE};q=0.5"
    response = await post_raw(client, VIEWER.encode(), accept=json_first)
    assert response.headers["content-type"].startswith("application/json")


async def test_a_field_error_is_a_200_with_data_for_graphql_response_json(
    client: GraphQLClient,
) -> None:
    body = graphql_body('{ viewer { actor } node(id: "not-a-global-id") { id } }', None)
    response = await post_raw(client, body, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 200, response.text
    payload = response.json()
    assert payload["data"] == {"viewer": {"actor": "admin"}, "node": None}
    assert payload["errors"][0]["path"] == ["node"]


async def test_a_malformed_body_is_refused_in_graphql_response_json_when_asked(
    client: GraphQLClient,
) -> None:
    response = await post_raw(client, b"null", accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert refusal(response)["extensions"] == {"code": "BAD_REQUEST"}


async def test_a_subscription_over_http_is_a_coded_400(client: GraphQLClient) -> None:
    body = graphql_body("subscription { timelineEntries { summary } }", None)
    response = await post_raw(client, body)
    assert response.status_code == 400, response.text
    assert refusal(response)["extensions"] == {"code": "BAD_REQUEST"}
