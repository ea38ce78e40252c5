"""Top-level errors carry a code; limits hold; nothing suggests field names to a prober."""

from __future__ import annotations

import json
import logging
import re

import httpx
import pytest
import strawberry

from backend.database import DatabaseTarget
from backend.settings import Settings
from schema.app import create_app
from schema.errors import CodedErrors
from schema.root import RoadlogSchema
from tests.support.graphql import GraphQLClient
from tests.support.live import running


async def errors_of(client: GraphQLClient, query: str) -> list[dict[str, object]]:
    response = await client.post(query)
    assert response.status_code in (200, 400), response.text
    errors: list[dict[str, object]] = response.json()["errors"]
    return errors


def codes(errors: list[dict[str, object]]) -> set[object]:
    return {error["extensions"]["code"] for error in errors}  # type: ignore[index]


async def test_a_parse_error_has_a_code(client: GraphQLClient) -> None:
    assert codes(await errors_of(client, "{ viewer { ")) == {"GRAPHQL_PARSE_FAILED"}


@pytest.mark.parametrize("text", ["\x00", "a\ud800b"], ids=["nul", "lone-surrogate"])
async def test_text_the_database_cannot_take_is_bad_input_not_an_internal_error(
    client: GraphQLClient, text: str
) -> None:
    query = "query ($types: [String!], $actor: String) { timeline(types: $types, actor: $actor)"
    query += " { edges { cursor } } }"
    for variables in ({"types": [text]}, {"actor": text}):
        # json.dumps escapes a lone surrogate as \\ud800, as a JavaScript client would.
        response = await client.http.post(
            "/graphql",
            content=json.dumps({"query": query, "variables": variables}),
            headers={"authorization": f"Bearer {client.token}", "content-type": "application/json"},
        )
        assert response.status_code < 500, response.text
        errors = response.json()["errors"]
        assert codes(errors) == {"BAD_USER_INPUT"}, errors


async def test_a_validation_error_has_a_code_and_no_suggestions(client: GraphQLClient) -> None:
    errors = await errors_of(client, "{ viewer { acto } }")
    assert codes(errors) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "Did you mean" not in str(errors)


async def test_too_many_aliases_are_refused_with_a_limit_code(client: GraphQLClient) -> None:
    query = "{ " + " ".join(f"a{i}: viewer {{ actor }}" for i in range(31)) + " }"
    assert codes(await errors_of(client, query)) == {"LIMIT_EXCEEDED"}
    allowed = "{ " + " ".join(f"a{i}: viewer {{ actor }}" for i in range(30)) + " }"
    assert "errors" not in (await client.post(allowed)).json()


async def test_too_many_tokens_are_refused_with_a_limit_code(client: GraphQLClient) -> None:
    query = "{ viewer { " + " ".join(["actor"] * 6000) + " } }"
    assert codes(await errors_of(client, query)) == {"LIMIT_EXCEEDED"}


async def test_a_body_over_the_limit_gets_413(client: GraphQLClient) -> None:
    padding = " " * 1_100_000
    response = await client.post("{ viewer { actor } }" + padding)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


async def test_every_response_carries_a_request_id(client: GraphQLClient) -> None:
    response = await client.post("{ viewer { actor } }", headers={"x-request-id": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    other = await client.post("{ viewer { actor } }")
    assert len(other.headers["x-request-id"]) == 32


async def test_each_request_is_logged_once_with_id_actor_operation_status_duration(
    client: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="roadlog.requests")
    await client.post("query WhoAmI { viewer { actor } }", headers={"x-request-id": "r-1"})
    [line] = [record for record in caplog.records if getattr(record, "request_id", "") == "r-1"]
    assert line.__dict__["actor"] == "admin"
    assert line.__dict__["operation"] == "WhoAmI"
    assert line.__dict__["status"] == 200
    assert line.__dict__["duration_ms"] >= 0


async def test_metrics_are_served_for_prometheus(client: GraphQLClient) -> None:
    await client.post("{ viewer { actor } }")
    text = (await client.http.get("/metrics")).text
    assert 'roadlog_http_requests_total{method="POST",route="/graphql",status="200"}' in text
    assert "roadlog_events_recorded " in text
    assert "roadlog_projector_lag_events " in text


def test_an_unexpected_exception_is_masked_and_logged_with_the_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @strawberry.type
    class Query:
        @strawberry.field
        def boom(self) -> int:
            raise RuntimeError("secret detail")

    class FakeContext:
        request_id = "req-42"

    schema = RoadlogSchema(query=Query, extensions=[CodedErrors])
    result = schema.execute_sync("{ boom }", context_value=FakeContext())
    [error] = result.errors or []
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"}
    assert "secret detail" not in error.message
    [logged] = [record for record in caplog.records if record.name == "roadlog.graphql"]
    assert logged.__dict__["request_id"] == "req-42"
    assert logged.exc_info is not None and "secret detail" in str(logged.exc_info[1])


async def test_graphiql_is_not_served_outside_development(live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server) as http:
        assert (await http.get("/graphiql")).status_code == 404
        assert (await http.get("/graphiql/static/graphiql.min.js")).status_code == 404


async def test_graphiql_in_development_loads_nothing_from_other_hosts(
    settings: Settings, database: DatabaseTarget
) -> None:
    dev = settings.model_copy(update={"dev": True})
    async with running(create_app(dev, database)) as url, httpx.AsyncClient(base_url=url) as http:
        page = await http.get("/graphiql")
        assert page.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources
        for source in sources:
            assert source.startswith("/graphiql/static/"), source
            assert (await http.get(source)).status_code == 200
