"""The wire rules of GraphQL requests: media types and the status of request errors."""

from __future__ import annotations

import pytest
from graphql import GraphQLError

from schema.transport import (
    MalformedRequest,
    check_content_type,
    is_request_error,
    request_error_status,
    wants_graphql_response,
)

GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.mark.parametrize(
    ("accept", "wanted"),
    [
        (None, False),
        ("*/*", False),
        ("application/json", False),
        (GRAPHQL_RESPONSE, True),
        (f"{GRAPHQL_RESPONSE}; charset=utf-8", True),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", True),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.5", False),
        (f"{GRAPHQL_RESPONSE};q=0", False),
        (f"{GRAPHQL_RESPONSE};q=high", False),
    ],
)
def test_graphql_response_json_is_given_when_the_client_prefers_it(
    accept: str | None, wanted: bool
) -> None:
    assert wants_graphql_response(accept) is wanted


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "Application/JSON; charset=UTF-8", 'application/json; charset="utf-8"'],
)
def test_json_in_utf_8_is_a_request_body(content_type: str) -> None:
    check_content_type(content_type)


@pytest.mark.parametrize("content_type", ["application/jsonl", "application/json; charset=utf-16"])
def test_anything_else_is_an_unsupported_media_type(content_type: str) -> None:
    with pytest.raises(MalformedRequest) as refused:
        check_content_type(content_type)
    assert refused.value.status == 415
    assert content_type in refused.value.message


def coded(code: str, path: list[str | int] | None = None) -> GraphQLError:
    return GraphQLError("x", path=path, extensions={"code": code})


def test_a_field_error_is_not_a_request_error() -> None:
    assert is_request_error(None, [coded("GRAPHQL_VALIDATION_FAILED")])
    assert not is_request_error(None, [coded("FORBIDDEN", ["roadmap"])])
    assert not is_request_error({"viewer": None}, [coded("BAD_USER_INPUT")])
    assert not is_request_error(None, [])


def test_a_request_error_is_the_clients_unless_the_server_failed() -> None:
    assert request_error_status([coded("GRAPHQL_PARSE_FAILED")]) == 400
    assert request_error_status([coded("CONSISTENCY_TIMEOUT")]) == 503
    assert request_error_status([coded("LIMIT_EXCEEDED"), coded("INTERNAL_SERVER_ERROR")]) == 500
