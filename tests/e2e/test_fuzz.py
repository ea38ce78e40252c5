"""Fuzz every query and mutation of the schema against a running server (hypothesis-graphql).

Whatever a client sends: no 5xx, no masked internal error, and a request that returned
errors (top-level or userErrors) recorded no event. Ids are drawn from real objects of the
workspace (and some junk), so requests reach the resolvers and commands, not only the
input validation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from graphql import build_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from backend.database import DatabaseTarget
from tests.support.databases import create_from_template
from tests.support.process import roadlog, serving
from tests.support.settings import database_environment

pytestmark = pytest.mark.slow

SDL = (Path(__file__).parents[2] / "schema" / "schema.graphql").read_text()
SCHEMA = build_schema(SDL)
QUERY_FIELDS = sorted(SCHEMA.query_type.fields) if SCHEMA.query_type else []
MUTATION_FIELDS = sorted(SCHEMA.mutation_type.fields) if SCHEMA.mutation_type else []
EXAMPLES = 15

SEED = """
mutation Seed {
  team: createTeam(input: {name: "SRE"}) { team { id } }
}
"""


@dataclass
class Target:
    url: str
    token: str
    database: DatabaseTarget
    ids: list[str]

    def post(self, query: str) -> httpx.Response:
        return httpx.post(
            f"{self.url}/graphql",
            json={"query": query},
            headers={"authorization": f"Bearer {self.token}"},
            timeout=15,
        )

    def projector_healthy(self) -> bool:
        """No fuzzed request has left an event the projector cannot project."""
        ready = httpx.get(f"{self.url}/readyz", timeout=10)
        return ready.status_code == 200 and ready.json()["projector"]["state"] == "active"

    def events(self) -> int:
        with psycopg.connect(self.database.url) as conn:
            row = conn.execute("SELECT count(*) FROM public.roadlog_events").fetchone()
            assert row is not None
            return int(row[0])


def seeded_ids(target: Target) -> list[str]:
    """Create one of everything through the API; return every id it answered with."""

    def run(name: str, input_: str, select: str) -> dict[str, Any]:
        response = target.post(f"mutation {{ {name}(input: {input_}) {{ {select} }} }}")
        body = response.json()
        assert "errors" not in body, body
        result: dict[str, Any] = body["data"][name]
        return result

    team = run("createTeam", '{name: "SRE"}', "team { id }")["team"]["id"]
    roadmap = run(
        "createRoadmap", f'{{name: "R", teamId: "{team}", cadence: {{}}}}', "roadmap { id }"
    )["roadmap"]["id"]
    cycle = run(
        "createCycle",
        f'{{roadmapId: "{roadmap}", name: "C1", startsOn: "2026-01-01", endsOn: "2026-03-31"}}',
        "cycle { id }",
    )["cycle"]["id"]
    initiative = run(
        "proposeInitiative",
        f'{{roadmapId: "{roadmap}", title: "CI", goal: "fast",'
        f' deliverables: [{{title: "runners", estimateWeeks: "2", targetCycleId: "{cycle}"}}]}}',
        "initiative { id deliverables { id } }",
    )["initiative"]
    objective = run(
        "createObjective", '{title: "O", period: "2026-Q3", level: COMPANY}', "objective { id }"
    )["objective"]["id"]
    key_result = run(
        "addKeyResult",
        f'{{objectiveId: "{objective}", title: "KR", unit: "%", startValue: 0, targetValue: 1}}',
        "keyResult { id }",
    )["keyResult"]["id"]
    decision = run(
        "recordDecision",
        '{title: "D", context: "c", outcome: "o", rationale: "r"}',
        "decision { id }",
    )["decision"]["id"]
    deliverable = initiative["deliverables"][0]["id"]
    return [team, roadmap, cycle, initiative["id"], deliverable, objective, key_result, decision]


@pytest.fixture(scope="module")
def target(
    pg_server: DatabaseTarget, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    name = "roadlog_fuzz"
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    database = create_from_template(pg_server, name, template_database)
    env = database_environment(database)
    created = roadlog("token", "create", "--role", "admin", "--name", "fuzzer", env=env)
    assert created.returncode == 0, created.stderr
    data_dir = tmp_path_factory.mktemp("fuzz")
    with serving("--data-dir", str(data_dir), env=env) as served:
        found = Target(served.url, created.stdout.strip(), database, [])
        found.ids = seeded_ids(found)
        yield found
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def scalars(ids: list[str]) -> dict[str, st.SearchStrategy[Any]]:
    junk = st.text(min_size=0, max_size=12)
    return {
        "ID": st.one_of(st.sampled_from(ids), junk).map(nodes.String),
        "DateTime": st.one_of(
            st.datetimes(timezones=st.just(__import__("datetime").UTC)).map(
                lambda value: value.isoformat()
            ),
            junk,
        ).map(nodes.String),
        "Date": st.one_of(st.dates().map(lambda value: value.isoformat()), junk).map(nodes.String),
        "Decimal": st.one_of(
            st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str), junk
        ).map(nodes.String),
    }


def assert_sane(target: Target, query: str, before: int) -> None:
    response = target.post(query)
    assert response.status_code < 500, (query, response.text)
    body = response.json()
    errors = body.get("errors") or []
    codes = {error.get("extensions", {}).get("code") for error in errors}
    assert "INTERNAL_SERVER_ERROR" not in codes, (query, errors)
    assert None not in codes, (query, errors)
    failed = bool(errors) or any(
        isinstance(payload, dict) and payload.get("userErrors")
        for payload in (body.get("data") or {}).values()
    )
    if failed:
        assert target.events() == before, (query, body)


@pytest.mark.parametrize("field", QUERY_FIELDS)
def test_fuzzed_queries_never_fail_on_the_server(target: Target, field: str) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(queries(SDL, fields=[field], custom_scalars=scalars(target.ids)))
    def fuzz(query: str) -> None:
        assert_sane(target, query, target.events())

    fuzz()
    assert target.projector_healthy()


@pytest.mark.parametrize("field", MUTATION_FIELDS)
def test_fuzzed_mutations_never_fail_on_the_server_nor_record_on_error(
    target: Target, field: str
) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(mutations(SDL, fields=[field], custom_scalars=scalars(target.ids)))
    def fuzz(mutation: str) -> None:
        assert_sane(target, mutation, target.events())
        assert target.projector_healthy(), mutation

    fuzz()
