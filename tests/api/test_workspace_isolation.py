"""Nothing of one workspace is ever visible to another: walk the whole schema.

Two workspaces hold the same kinds of data. Every query field (with every id argument set
to each of the first workspace's ids), and both subscriptions, are asked with a token of
the second workspace, selecting every field reachable from the answer; the answers must
never contain an id or a text of the first.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_non_null_type,
)

from backend.database import DatabaseTarget
from backend.settings import Settings
from backend.tokens import Role, Tokens
from schema.root import build_schema
from tests.support.graphql import GraphQLClient
from tests.support.mutations import mutate
from tests.support.settings import settings_for

SECRET = "SECRET-OF-ACME"
DEPTH = 4


@pytest.fixture
def settings(database: DatabaseTarget, tmp_path: Path) -> Settings:
    """No cost limit: every field to depth 4 is far over it, and each must run here."""
    return settings_for(database, tmp_path, max_cost=10**12)


async def seed(client: GraphQLClient, token: str, marker: str) -> list[str]:
    """One of everything in a workspace, every text carrying ``marker``; its ids."""

    async def run(name: str, input_: dict[str, Any], select: str) -> dict[str, Any]:
        payload = await mutate(client, name, input_, select, token=token)
        assert payload["userErrors"] == [], payload
        return payload

    team = (await run("createTeam", {"name": f"{marker} team"}, "team { id }"))["team"]["id"]
    roadmap = (
        await run(
            "createRoadmap",
            {"name": f"{marker} roadmap", "teamId": team, "cadence": {"releases": True}},
            "roadmap { id }",
        )
    )["roadmap"]["id"]
    cycle = (
        await run(
            "createCycle",
            {
                "roadmapId": roadmap,
                "name": f"{marker} cycle",
                "startsOn": "2026-01-05",
                "endsOn": "2026-02-15",
            },
            "cycle { id }",
        )
    )["cycle"]["id"]
    proposed = (
        await run(
            "proposeInitiative",
            {
                "roadmapId": roadmap,
                "title": f"{marker} initiative",
                "goal": f"{marker} goal",
                "stakeholders": [f"{marker} people"],
                "teamId": team,
                "deliverables": [
                    {"title": f"{marker} deliverable", "estimateWeeks": "3", "targetCycleId": cycle}
                ],
            },
            "initiative { id deliverables { id } }",
        )
    )["initiative"]
    initiative, deliverable = proposed["id"], proposed["deliverables"][0]["id"]
    await run("startCycle", {"cycleId": cycle}, "cycle { id }")
    await run(
        "changeDeliverableStatus",
        {"deliverableId": deliverable, "status": "DONE", "reason": f"{marker} done"},
        "deliverable { id }",
    )
    await run(
        "logEffort",
        {"deliverableId": deliverable, "weeks": "4", "note": marker},
        "deliverable { id }",
    )
    await run("closeCycle", {"cycleId": cycle}, "cycle { id }")
    objective = (
        await run(
            "createObjective",
            {"title": f"{marker} objective", "period": "2026-Q3", "level": "COMPANY"},
            "objective { id }",
        )
    )["objective"]["id"]
    key_result = (
        await run(
            "addKeyResult",
            {
                "objectiveId": objective,
                "title": f"{marker} kr",
                "unit": "%",
                "startValue": 0,
                "targetValue": 10,
            },
            "keyResult { id }",
        )
    )["keyResult"]["id"]
    await run(
        "checkInKeyResult",
        {"keyResultId": key_result, "value": 4, "note": marker},
        "keyResult { id }",
    )
    await run(
        "alignInitiative",
        {"initiativeId": initiative, "keyResultId": key_result, "kind": "CONTRIBUTES"},
        "initiative { id }",
    )
    decision = (
        await run(
            "recordDecision",
            {
                "title": f"{marker} decision",
                "context": marker,
                "outcome": marker,
                "rationale": marker,
                "linkIds": [roadmap, initiative, key_result],
            },
            "decision { id }",
        )
    )["decision"]["id"]
    await run(
        "moveInitiative",
        {
            "roadmapId": roadmap,
            "initiativeId": initiative,
            "toPosition": 1,
            "reason": f"{marker} reason",
            "decisionId": decision,
        },
        "roadmap { id }",
    )
    return [team, roadmap, cycle, initiative, deliverable, objective, key_result, decision]


def selection(schema: GraphQLSchema, type_: Any, depth: int) -> str:
    """Every field without required arguments, to ``depth`` (ids everywhere)."""
    named = get_named_type(type_)
    if isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
        return ""
    if depth == 0:
        return "{ __typename }"
    if isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
        fragments = [
            f"... on {kind.name} {selection(schema, kind, depth - 1)}"
            for kind in schema.get_possible_types(named)
        ]
        return "{ __typename " + " ".join(fragments) + " }"
    assert isinstance(named, GraphQLObjectType)
    parts = ["__typename"]
    for name, field in named.fields.items():
        if any(is_non_null_type(arg.type) for arg in field.args.values()):
            continue
        parts.append(f"{name} {selection(schema, field.type, depth - 1)}")
    return "{ " + " ".join(parts) + " }"


def argument_values(arg: GraphQLArgument, ids: list[str]) -> Iterator[Any]:
    """Values to try for one argument: every foreign id for ids, something valid else."""
    named = get_named_type(arg.type)
    is_list = isinstance(arg.type, GraphQLList) or (
        isinstance(arg.type, GraphQLNonNull) and isinstance(arg.type.of_type, GraphQLList)
    )
    if named.name == "ID":
        if is_list:
            yield ids
        else:
            yield from ids
    elif named.name == "DateTime":
        yield (datetime.now(UTC) + timedelta(days=1)).isoformat()
    elif named.name == "String":
        yield "2026-Q3"
    elif isinstance(named, GraphQLEnumType):
        yield from named.values
    elif isinstance(named, GraphQLInputObjectType):
        yield from input_objects(named, ids)
    else:
        yield None


def input_objects(named: GraphQLInputObjectType, ids: list[str]) -> Iterator[dict[str, Any]]:
    yield {}
    for name, field in named.fields.items():
        if get_named_type(field.type).name == "ID":
            for value in ids:
                yield {name: value}


def calls(field: GraphQLField, ids: list[str]) -> Iterator[dict[str, Any]]:
    """Argument sets that name the other workspace wherever an id is accepted."""
    interesting = {
        name: list(argument_values(arg, ids))
        for name, arg in field.args.items()
        if is_non_null_type(arg.type) or has_id(arg.type)
    }
    names = list(interesting)
    for values in itertools.product(*(interesting[name] for name in names)):
        yield {name: value for name, value in zip(names, values, strict=True) if value is not None}


def has_id(type_: GraphQLInputType) -> bool:
    named = get_named_type(type_)
    if named.name == "ID":
        return True
    if isinstance(named, GraphQLInputObjectType):
        return any(get_named_type(f.type).name == "ID" for f in named.fields.values())
    return False


def literal(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, str) and value.isupper() and value.replace("_", "").isalpha():
        return value  # an enum value
    return json.dumps(value)


async def test_no_query_shows_another_workspaces_data(
    client: GraphQLClient, tokens: Tokens
) -> None:
    _, acme = await tokens.create(Role.ADMIN, "acme-admin", "acme")
    _, globex = await tokens.create(Role.ADMIN, "globex-admin", "globex")
    acme_ids = await seed(client, acme, SECRET)
    await seed(client, globex, "globex")
    schema = build_schema(Settings())._schema
    assert schema.query_type is not None
    asked = 0
    for name, field in schema.query_type.fields.items():
        for arguments in calls(field, acme_ids):
            rendered = ", ".join(f"{k}: {literal(v)}" for k, v in arguments.items())
            query = f"{{ {name}{f'({rendered})' if rendered else ''} "
            query += f"{selection(schema, field.type, DEPTH)} }}"
            response = await client.post(query, token=globex)
            asked += 1
            assert response.status_code == 200, (query, response.text)
            assert SECRET not in response.text, (query, response.text)
            body = response.json()
            # Error messages may quote the id the caller sent; the data must not hold it.
            data = json.dumps(body.get("data"))
            for foreign in acme_ids:
                assert foreign not in data, (query, data)
            codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or []}
            assert "INTERNAL_SERVER_ERROR" not in codes, (query, body)
            assert "LIMIT_EXCEEDED" not in codes, (query, body)
    assert asked > 50
    own = await client.execute("{ roadmaps { edges { node { name } } } }", token=globex)
    assert own["roadmaps"]["edges"] == [{"node": {"name": "globex roadmap"}}], "control"


async def test_no_subscription_shows_another_workspaces_changes(
    live_server: str, client: GraphQLClient, tokens: Tokens
) -> None:
    import websockets

    _, acme = await tokens.create(Role.ADMIN, "acme-admin", "acme")
    _, globex = await tokens.create(Role.ADMIN, "globex-admin", "globex")
    acme_ids = await seed(client, acme, SECRET)
    url = live_server.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(
        url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
    ) as socket:
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": globex}})
        )
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        subscriptions = [
            "subscription { timelineEntries { summary position } }",
            *(
                f'subscription {{ timelineEntries(subjectId: "{i}") {{ summary }} }}'
                for i in acme_ids
            ),
            f'subscription {{ roadmapChanged(roadmapId: "{acme_ids[1]}") {{ name }} }}',
        ]
        for number, query in enumerate(subscriptions):
            await socket.send(
                json.dumps({"id": str(number), "type": "subscribe", "payload": {"query": query}})
            )
        await asyncio.sleep(0.3)
        await mutate(
            client,
            "moveInitiative",
            {
                "roadmapId": acme_ids[1],
                "initiativeId": acme_ids[3],
                "toPosition": 1,
                "reason": f"{SECRET} again",
            },
            "roadmap { id }",
            token=acme,
        )
        await mutate(client, "createTeam", {"name": f"{SECRET} late"}, "team { id }", token=acme)
        await mutate(client, "createTeam", {"name": "globex control"}, "team { id }", token=globex)
        received = []
        try:
            while True:
                received.append(await asyncio.wait_for(socket.recv(), timeout=2))
        except TimeoutError:
            pass
    assert any("globex control" in message for message in received), "control: own changes"
    for message in received:
        assert SECRET not in message, message
        payload = json.loads(message).get("payload")
        if isinstance(payload, dict) and payload.get("data") is not None:
            for foreign in acme_ids:
                assert foreign not in json.dumps(payload["data"]), message
